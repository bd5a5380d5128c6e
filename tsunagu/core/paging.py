"""A page of rows and the count of all of them from one query (issue 15, ADR 0007).

A list page asks the database twice: how many rows there are, then the rows of the page.
Both run the list's whole WHERE, and on the person search that is the eight-branch
visibility UNION (cases.access.visible_person_ids): about 6 ms each at city scale on SQLite.
Here the page query carries the count itself, as a window over every row that matched
(`COUNT(*) OVER ()`, computed before LIMIT/OFFSET; SQLite 3.25+ and PostgreSQL): each row of
the page holds the total, and the count comes with the rows, from the same snapshot.

Only a page with rows carries the count.  An empty first page means no rows at all; an empty
later page (asked past the last) is counted by a query of its own, as before.

Only for querysets whose rows are the list's rows one for one: with `distinct()` the window
would count the rows before DISTINCT removes any, and a UNION cannot take an annotation.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet, Window

COUNT_ALIAS = "rows_in_list"


def counted(rows: QuerySet[Any]) -> QuerySet[Any]:
    """`rows`, each carrying the number of rows of the whole list (`COUNT_ALIAS`)."""
    if rows.query.distinct or rows.query.combinator:
        raise ValueError("A window count counts the rows before DISTINCT or a UNION.")
    annotated: QuerySet[Any] = rows.annotate(**{COUNT_ALIAS: Window(Count("*"))})
    return annotated


def count_of(records: list[Any], *, first_page: bool) -> int | None:
    """The list's count as a page of `counted` rows holds it; None when the page cannot tell
    (empty and past the first page: the caller counts)."""
    if records:
        total: int = getattr(records[0], COUNT_ALIAS)
        return total
    return 0 if first_page else None


def page_with_count(rows: QuerySet[Any], *, offset: int, limit: int) -> tuple[list[Any], int]:
    """The rows of one page of `rows` and how many rows `rows` has: one query, or two for a
    page past the last."""
    records = list(counted(rows)[offset : offset + limit])
    total = count_of(records, first_page=offset == 0)
    return records, rows.count() if total is None else total
