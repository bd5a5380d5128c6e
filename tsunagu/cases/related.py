"""What the apps above cases keep about a case, for the person's access log.

"Who looked at my record" (`cases.selectors.person_access_log`) must name every row kept about
the person's cases: notes, formulations...  Those models belong to the apps that stand above
cases (records), which cases may not import (case conferences are cases' own models, named there
directly).  Each such app registers here, when it is ready, a function that names its rows about
a set of cases (a dependency inversion, docs/architecture.md): cases owns the question, each app
answers for its own rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

# Given a subquery of case ids: audit target type → the ids of the rows about those cases.
CaseRecords = Callable[[QuerySet[Any]], dict[str, QuerySet[Any]]]

_sources: list[CaseRecords] = []


def register_case_records(source: CaseRecords) -> None:
    if source not in _sources:
        _sources.append(source)


def case_record_targets(case_ids: QuerySet[Any]) -> dict[str, list[str]]:
    """Audit target type → the ids (as text) of every registered row about `case_ids`."""
    targets: dict[str, list[str]] = {}
    for source in _sources:
        for target_type, ids in source(case_ids).items():
            targets[target_type] = [str(i) for i in ids]
    return targets
