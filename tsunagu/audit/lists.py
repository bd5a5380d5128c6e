"""A list of person data, shown and put on the record: `core.lists.listing` (filters in the
URL, sortable columns, pages) plus one `record.listed` row naming the persons on the page,
with the filters as given and the typed words only as their keyed digest."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import django_filters
from django.db.models import Model, QuerySet
from django.http import HttpResponse
from django.shortcuts import render

from tsunagu.audit.services import record_read
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.lists import PAGE_SIZE, SEARCH_FIELD, ListTable, listing


def list_page(
    request: TsunaguRequest,
    *,
    rows: QuerySet[Any],
    filters: type[django_filters.FilterSet],
    table: type[ListTable],
    template: str,
    view: str,
    persons: Callable[[list[Any]], Iterable[int]],
    context: Mapping[str, Any] | None = None,
    per_page: int = PAGE_SIZE,
    partial: str = "",
    target: Model | None = None,
    header_persons: Iterable[int] = (),
    count_with_page: bool = False,
) -> HttpResponse:
    """The list screen: `persons(records on the page)` names whose data it showed, with
    `header_persons` (a case's list names its person above the rows, rows or none) and the
    `target` the list belongs to.  With htmx, `partial` (the results).  `count_with_page`:
    the page's query counts the list too (core.lists.CountedPaginator)."""
    shown = listing(
        request,
        rows=rows,
        filters=filters,
        table=table,
        per_page=per_page,
        count_with_page=count_with_page,
    )
    given = shown.given()
    words = str(given.pop(SEARCH_FIELD, "") or "")
    record_read(
        request.actor,
        view=view,
        person_ids=[*(persons(shown.records) if shown.records else []), *header_persons],
        target=target,
        filters=given,
        search_text=words,
    )
    page = {**(context or {}), **shown.context(request)}
    chosen = partial if partial and request.headers.get("HX-Request") else template
    return render(request, chosen, page, status=200 if shown.valid else 400)
