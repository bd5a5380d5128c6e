"""The search page for tsunagu/core/tests/test_query_budgets.py: one match of each kind in
the world, then many more, on the cases of the world (both the trigram and the short-word
path)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from tsunagu.plans.tests.factories import AssessmentFactory, AssessmentSectionFactory
from tsunagu.records.tests.factories import FormulationFactory, ProgressNoteFactory


def _add(w: Any, n: int) -> None:
    for case in (w.case, w.household_case):
        ProgressNoteFactory.create(
            case=case,
            author=w.p.counselor_a,
            author_organization=w.p.office_a,
            text=f"母の入院について相談{n}。借金の話も出た。",
        )
    FormulationFactory.create(
        case=w.case,
        revision=1000 + n,
        author=w.p.counselor_a,
        author_organization=w.p.office_a,
        hypothesis=f"母の入院で不安が強い{n}",
    )
    assessment = AssessmentFactory.create(
        case=w.household_case,
        revision=1000 + n,
        author=w.p.counselor_a,
        author_organization=w.p.office_a,
        summary=f"母の入院と借金{n}",
    )
    AssessmentSectionFactory.create(assessment=assessment, person=w.person, money="借金あり")


def url(query: str) -> Callable[[Any], str]:
    def build(w: Any) -> str:
        if not w.extra.get("search_first"):
            _add(w, 0)
            w.extra["search_first"] = True
        return reverse("search:search") + f"?q={query}"

    return build


def grow(w: Any, n: int) -> None:
    for i in range(n):
        _add(w, i + 1)
