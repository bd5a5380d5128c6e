"""Answers prefilled from the answering organization's own records (issue 19 item 2).

A question bound to a `prefill_key` is answered, until the office changes it, with a figure
counted from its records, the same way the dashboard counts them (tsunagu/dashboard/figures.py:
the consultations of a fiscal year, a person's disability column, the cases with difficulty
factors), narrowed to the organization.  Counts only: no person is named, so computing one is
not a read of person data.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.cases.models import Case, CaseStatus, SupportType
from tsunagu.core.dates import fiscal_year_range
from tsunagu.dashboard import figures
from tsunagu.organizations.models import Organization
from tsunagu.referrals import statistics as referral_statistics
from tsunagu.surveys.models import QuestionKind

COUNT_COLUMN = _("件数")


@dataclass(frozen=True)
class Source:
    key: str
    label: object
    kind: str  # the question kind it fills
    compute: Callable[[Organization, int], object]
    rows: tuple[tuple[str, object], ...] = ()  # a table's rows (key, label); one column


def _year_span(year: int) -> tuple[dt.datetime, dt.datetime]:
    start, end = fiscal_year_range(year)
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return since, until


def open_caseload(org: Organization, year: int) -> int:
    """The cases the organization leads that are open now."""
    return Case.objects.filter(lead_organization=org).exclude(status=CaseStatus.CLOSED).count()


def consultations_in_year(org: Organization, year: int) -> int:
    since, until = _year_span(year)
    return figures.consultations_in(since, until, None).filter(organization=org).count()


def complex_cases_in_year(org: Organization, year: int) -> int:
    """The cases it leads that were open some time in the year and are complex or have a
    difficulty factor recorded (seed 000 table 1, as the dashboard counts them)."""
    start, end = fiscal_year_range(year)
    return figures.difficulty_cases_in(start, end, None).filter(lead_organization=org).count()


DISABILITY_ROWS: tuple[tuple[str, object], ...] = (
    *referral_statistics.CATEGORY_COLUMNS,
    (figures.NO_PERSON, _("本人の記録なし（匿名など）")),
)
SUPPORT_TYPE_ROWS: tuple[tuple[str, object], ...] = tuple(SupportType.choices)


def consultations_by_disability(org: Organization, year: int) -> list[list[int]]:
    since, until = _year_span(year)
    rows = (
        figures.consultations_in(since, until, None)
        .filter(organization=org)
        .values_list("person_id", "person__disability_categories")
    )
    counts: Counter[str] = Counter(
        figures.NO_PERSON if person_id is None else referral_statistics.category_column(categories)
        for person_id, categories in rows
    )
    return [[counts[key]] for key, _label in DISABILITY_ROWS]


def consultations_by_support_type(org: Organization, year: int) -> list[list[int]]:
    since, until = _year_span(year)
    counts: Counter[str] = Counter()
    for types in (
        figures.consultations_in(since, until, None)
        .filter(organization=org)
        .values_list("support_types", flat=True)
    ):
        counts.update(set(types or []))
    return [[counts[key]] for key, _label in SUPPORT_TYPE_ROWS]


def designated_caseload(org: Organization, year: int) -> int:
    """Cases with a plan in the year: the open cases the office led some time in the year."""
    start, end = fiscal_year_range(year)
    return (
        Case.objects.filter(lead_organization=org, opened_on__lte=end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=start))
        .count()
    )


SOURCES: dict[str, Source] = {
    s.key: s
    for s in (
        Source(
            "open_caseload", _("担当している支援ケース（現在）"), QuestionKind.NUMBER, open_caseload
        ),
        Source(
            "cases_in_year",
            _("年度内に担当した支援ケース"),
            QuestionKind.NUMBER,
            designated_caseload,
        ),
        Source(
            "consultations_in_year",
            _("年度内の相談受付件数"),
            QuestionKind.NUMBER,
            consultations_in_year,
        ),
        Source(
            "complex_cases_in_year",
            _("年度内の支援困難ケース（困難さの要因のあるケース）"),
            QuestionKind.NUMBER,
            complex_cases_in_year,
        ),
        Source(
            "consultations_by_disability",
            _("年度内の相談受付件数（障害種別）"),
            QuestionKind.TABLE,
            consultations_by_disability,
            rows=DISABILITY_ROWS,
        ),
        Source(
            "consultations_by_support_type",
            _("年度内の相談受付件数（支援の種類）"),
            QuestionKind.TABLE,
            consultations_by_support_type,
            rows=SUPPORT_TYPE_ROWS,
        ),
    )
}


def choices() -> list[tuple[str, str]]:
    return [("", str(_("なし（回答者が入力）")))] + [
        (s.key, f"{s.label}（{QuestionKind(s.kind).label}）") for s in SOURCES.values()
    ]


def value_for(key: str, org: Organization, year: int) -> object:
    return SOURCES[key].compute(org, year)


def table_shape(key: str) -> tuple[list[str], list[str]]:
    source = SOURCES[key]
    return [str(label) for _k, label in source.rows], [str(COUNT_COLUMN)]
