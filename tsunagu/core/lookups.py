"""`field__in_once=<subquery>`: membership in a subquery that the database computes once per
query, for visibility checks a page then filters further (issue 15, ADR 0006).

`field__in=<subquery>` leaves the plan to the planner, which misjudges how many rows a name or
word filter leaves: PostgreSQL turned `case_id IN (visible cases)` into a nested loop that ran
the visibility subquery again for each candidate document.  Fetching the ids into Python and
sending them back as a list fixed the plan but cost a round trip, a list as long as the
visible set and a size limit.  Here the database does what the list did:
- PostgreSQL: `field = ANY(ARRAY(subquery))`.  `ARRAY(...)` is an InitPlan, computed once
  before the scan; `= ANY` then uses the field's index like a literal list.
- SQLite: `field IN (subquery)`: an uncorrelated IN subquery is computed once into an
  ephemeral index, then probed per row, which is what the list gave.
The right-hand side must be a one-column queryset (or an expression that compiles to one and
says so with `one_column_subquery = True`, as `cases.access.VisibleCases`); a list or a single
value is refused, since the point is not to send ids from Python.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Field, ForeignObject, QuerySet
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In
from django.db.models.sql.query import Query


class _Once:
    lookup_name = "in_once"
    rhs: Any

    def get_prep_lookup(self) -> Any:
        if not (
            isinstance(self.rhs, QuerySet | Query)
            or getattr(self.rhs, "one_column_subquery", False)
        ):
            raise TypeError("in_once takes a one-column queryset, not values from Python.")
        return super().get_prep_lookup()  # type: ignore[misc]

    def get_rhs_op(self, connection: Any, rhs: str) -> str:
        if connection.vendor == "postgresql":
            return f"= ANY(ARRAY{rhs})"
        return f"IN {rhs}"


class InOnce(_Once, In):  # type: ignore[type-arg]
    """On a plain column (`pk__in_once=`, `case_id__in_once=`)."""


class RelatedInOnce(_Once, RelatedIn):
    """On a foreign key by its name (`case__in_once=`)."""


def register() -> None:
    Field.register_lookup(InOnce)
    ForeignObject.register_lookup(RelatedInOnce)
