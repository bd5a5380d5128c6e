"""Statistics of referrals for a fiscal year and an "as of" date (seed 000's joint-support table).

- Joint support requests (共同支援依頼) by the requester's kind × the person's disability
  category, with row and column totals: a request counts when it was sent within the fiscal
  year on or before the "as of" date (optionally: only those accepted by then).
- By receiving organization: requests received, accepted, refused, still undecided on the date,
  the acceptance rate (accepted ÷ decided) and the median days from request to acceptance.

Aggregates only: no person appears, by name or otherwise.  Open to the core center and the city
department (their statutory role); everyone else gets the same audited 404 as a missing page.

How the seed's categories are read from a person's `disability_categories`: 身体 (with 難病),
精神 (with 高次脳機能障害, which the 精神障害者保健福祉手帳 covers), 知的, 発達; 重複 when more
than one of these (or 重複 itself) is recorded; 診断なし when none is.  Requester kinds: 委託
(commissioned offices), 指定特定 (designated and child planning offices), 地域生活支援拠点, and
その他 for every other kind (e.g. the hikikomori support center, as the seed's note says).
"""

from __future__ import annotations

import datetime as dt
import statistics as stats
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.core.actor import Actor
from tsunagu.core.dates import fiscal_year, fiscal_year_label, fiscal_year_range, wareki
from tsunagu.core.errors import Invalid
from tsunagu.organizations.models import OVERSIGHT_KINDS, Organization, OrganizationKind
from tsunagu.people.models import DisabilityCategory
from tsunagu.referrals.deadlines import start_of_local_day
from tsunagu.referrals.models import ImportedRequest, Referral, ReferralKind

REQUESTER_GROUPS: tuple[tuple[str, object, frozenset[str]], ...] = (
    (
        "commissioned",
        gettext_lazy("委託相談支援事業所"),
        frozenset({OrganizationKind.COMMISSIONED_OFFICE}),
    ),
    (
        "designated",
        gettext_lazy("指定特定相談支援事業所"),
        frozenset(
            {OrganizationKind.DESIGNATED_PLANNING_OFFICE, OrganizationKind.CHILD_PLANNING_OFFICE}
        ),
    ),
    ("hub", gettext_lazy("地域生活支援拠点"), frozenset({OrganizationKind.COMMUNITY_LIFE_HUB})),
    ("other", gettext_lazy("その他"), frozenset()),
)
C = DisabilityCategory
CATEGORY_COLUMNS: tuple[tuple[str, object], ...] = (
    (C.PHYSICAL, gettext_lazy("身体")),
    (C.MENTAL, gettext_lazy("精神")),
    (C.INTELLECTUAL, gettext_lazy("知的")),
    (C.DEVELOPMENTAL, gettext_lazy("発達")),
    (C.MULTIPLE, gettext_lazy("重複")),
    (C.UNDIAGNOSED, gettext_lazy("診断なし")),
)
CATEGORY_OF: dict[str, str] = {
    C.PHYSICAL: C.PHYSICAL,
    C.INTRACTABLE_DISEASE: C.PHYSICAL,
    C.MENTAL: C.MENTAL,
    C.HIGHER_BRAIN: C.MENTAL,
    C.INTELLECTUAL: C.INTELLECTUAL,
    C.DEVELOPMENTAL: C.DEVELOPMENTAL,
}


# An organization kind's label, looked up once per row: `OrganizationKind.values` and
# `OrganizationKind(kind).label` build the enum's choices again on each call, a quarter of the
# page's CPU with a row for each of a city's offices (issue 15).  The labels stay lazy, so
# each row is in the language of its request.
KIND_LABELS = dict(OrganizationKind.choices)


def may_view_statistics(actor: Actor) -> bool:
    org = actor.organization
    return org is not None and org.kind in OVERSIGHT_KINDS


def requester_group(kind: str) -> str:
    for key, _label, kinds in REQUESTER_GROUPS:
        if kind in kinds:
            return key
    return "other"


def category_column(categories: Iterable[str] | None) -> str:
    recorded = list(categories or [])
    found = {CATEGORY_OF[c] for c in recorded if c in CATEGORY_OF}
    if C.MULTIPLE in recorded or len(found) > 1:
        return C.MULTIPLE
    if found:
        return found.pop()
    return C.UNDIAGNOSED


@dataclass(frozen=True)
class Period:
    fiscal_year: int
    as_of: dt.date

    @property
    def start(self) -> dt.date:
        return fiscal_year_range(self.fiscal_year)[0]

    @property
    def end(self) -> dt.date:
        return min(fiscal_year_range(self.fiscal_year)[1], self.as_of)

    @property
    def label(self) -> str:
        return _("%(year)s（%(day)s現在）") % {
            "year": fiscal_year_label(self.fiscal_year),
            "day": wareki(self.as_of),
        }

    @property
    def until(self) -> dt.datetime:
        return start_of_local_day(self.end + dt.timedelta(days=1))


def fiscal_years() -> list[int]:
    """The fiscal years the tables can be asked for, newest first: from the year of the first
    request on record (a city that imported its past years reaches back to them) to this one."""
    this_year = fiscal_year(timezone.localdate())
    first = Referral.objects.aggregate(first=Min("requested_at"))["first"]
    firsts = [fiscal_year(timezone.localdate(first))] if first else []
    imported = ImportedRequest.objects.aggregate(first=Min("requested_on"))["first"]
    firsts += [fiscal_year(imported)] if imported else []
    start = min([*firsts, this_year])
    return list(range(this_year, start - 1, -1))


def fiscal_year_choice_label(year: int) -> str:
    """令和元年度（2019年度）: the era year people use, and the Western year files carry."""
    return _("%(wareki)s（%(year)s年度）") % {"wareki": fiscal_year_label(year), "year": year}


def period(
    fiscal_year_value: int | None = None,
    as_of: dt.date | None = None,
    *,
    years: list[int] | None = None,
) -> Period:
    """The period of a table.  A year with no records is refused, never replaced by another:
    a table labelled with the year asked for must count that year.  `years`: `fiscal_years()`
    when the caller has read it already."""
    today = timezone.localdate()
    day = as_of or today
    year = fiscal_year_value if fiscal_year_value is not None else fiscal_year(day)
    years = fiscal_years() if years is None else years
    if year not in years:
        raise Invalid(
            _("%(year)sの記録はありません。%(first)sから%(last)sまでの年度を指定してください。")
            % {
                "year": fiscal_year_choice_label(year),
                "first": fiscal_year_label(years[-1]),
                "last": fiscal_year_label(years[0]),
            }
        )
    start, end = fiscal_year_range(year)
    if as_of is None and fiscal_year_value is not None and today > end:
        day = end
    if day < start:
        raise Invalid(
            _("基準日は%(year)sの開始日（%(start)s）以降にしてください。")
            % {"year": fiscal_year_label(year), "start": start.isoformat()}
        )
    return Period(fiscal_year=year, as_of=day)


def _sent_in(period_: Period) -> QuerySet[Referral]:
    return Referral.objects.filter(
        requested_at__gte=start_of_local_day(period_.start), requested_at__lt=period_.until
    )


# --- The joint-support table ----------------------------------------------------------------


@dataclass(frozen=True)
class TableRow:
    key: str
    label: str
    cells: list[int]
    total: int


@dataclass(frozen=True)
class JointSupportTable:
    period: Period
    accepted_only: bool
    columns: list[str]
    rows: list[TableRow]
    column_totals: list[int]
    total: int


def joint_support_table(period_: Period, *, accepted_only: bool = False) -> JointSupportTable:
    referrals = _sent_in(period_).filter(kind=ReferralKind.JOINT_SUPPORT)
    if accepted_only:
        referrals = referrals.filter(accepted_at__lt=period_.until)
    # A request sent again for the same person of the same case (after a refusal, a
    # withdrawal, or a bounce from one receiver to another: たらい回し) is one request for
    # support: the last one sent in the period stands for all of them.
    standing: dict[tuple[int, int | None], tuple[str, list[str] | None]] = {}
    for case_id, person_id, kind, categories in referrals.order_by(
        "requested_at", "pk"
    ).values_list(
        "case_id", "person_id", "requesting_organization__kind", "person__disability_categories"
    ):
        standing[(case_id, person_id)] = (kind, categories)
    counts: Counter[tuple[str, str]] = Counter(
        (requester_group(kind), category_column(categories))
        for kind, categories in standing.values()
    )
    # Requests imported from the registers of the years before Tsunagu (ADR 0015).
    imported = ImportedRequest.objects.filter(
        kind=ReferralKind.JOINT_SUPPORT, requested_on__range=(period_.start, period_.end)
    )
    if accepted_only:
        imported = imported.filter(accepted_on__lte=period_.end)
    counts.update(imported.values_list("requester_kind", "disability_category"))
    columns = [key for key, _label in CATEGORY_COLUMNS]
    rows = []
    for key, label, _kinds in REQUESTER_GROUPS:
        cells = [counts[(key, column)] for column in columns]
        rows.append(TableRow(key=key, label=str(label), cells=cells, total=sum(cells)))
    column_totals = [sum(row.cells[i] for row in rows) for i in range(len(columns))]
    return JointSupportTable(
        period=period_,
        accepted_only=accepted_only,
        columns=[str(label) for _key, label in CATEGORY_COLUMNS],
        rows=rows,
        column_totals=column_totals,
        total=sum(column_totals),
    )


@dataclass(frozen=True)
class Received:
    received: int
    accepted: int


def joint_support_received(period_: Period, organization: Organization) -> Received:
    """The joint-support requests `organization` received in the period, and how many of them
    it had accepted by the period's end (a request sent to it again for the same case and
    person counts once): those sent through Tsunagu and those imported from
    its own register of the years before (ADR 0015; an imported request belongs to the
    organization that imported it)."""
    sent = _sent_in(period_).filter(
        kind=ReferralKind.JOINT_SUPPORT, receiving_organization=organization
    )
    imported = ImportedRequest.objects.filter(
        kind=ReferralKind.JOINT_SUPPORT,
        receiving_organization=organization,
        requested_on__range=(period_.start, period_.end),
    )
    # A request sent again for the same case and person counts once, as in the table above.
    once = ("case_id", "person_id")
    return Received(
        received=sent.values(*once).distinct().count() + imported.count(),
        accepted=sent.filter(accepted_at__lt=period_.until).values(*once).distinct().count()
        + imported.filter(accepted_on__lte=period_.end).count(),
    )


# --- By receiving organization --------------------------------------------------------------


@dataclass(frozen=True)
class OrganizationRow:
    organization_id: int
    name: str
    kind_label: str
    received: int
    accepted: int
    rejected: int
    undecided: int
    acceptance_rate: float | None  # accepted ÷ (accepted + rejected), 0..1
    median_days_to_acceptance: float | None


def organization_table(period_: Period, *, kind: str = "") -> list[OrganizationRow]:
    referrals = _sent_in(period_)
    if kind:
        referrals = referrals.filter(kind=kind)
    until = period_.until
    by_org: dict[int, list[tuple[dt.datetime, dt.datetime | None, dt.datetime | None]]] = {}
    # One row per referral: the receiver, and when it was sent, accepted and decided.
    names: dict[int, tuple[str, str]] = {}
    for org_id, name, org_kind, requested_at, accepted_at, decided_at in referrals.values_list(
        "receiving_organization_id",
        "receiving_organization__name",
        "receiving_organization__kind",
        "requested_at",
        "accepted_at",
        "decided_at",
    ):
        names[org_id] = (name, org_kind)
        # What was known on the "as of" date: later decisions are not yet decisions.
        accepted_then = accepted_at if accepted_at is not None and accepted_at < until else None
        decided_then = decided_at if decided_at is not None and decided_at < until else None
        assert requested_at is not None  # noqa: S101  # _sent_in filters on it
        by_org.setdefault(org_id, []).append((requested_at, accepted_then, decided_then))
    out = []
    for org_id, items in by_org.items():
        accepted = [(r, a) for r, a, _d in items if a is not None]
        rejected = sum(1 for _r, a, d in items if a is None and d is not None)
        decided = len(accepted) + rejected
        days = [(a - r).total_seconds() / 86400 for r, a in accepted]
        name, org_kind = names[org_id]
        out.append(
            OrganizationRow(
                organization_id=org_id,
                name=name,
                kind_label=str(KIND_LABELS.get(org_kind, org_kind)),
                received=len(items),
                accepted=len(accepted),
                rejected=rejected,
                undecided=len(items) - decided,
                acceptance_rate=(len(accepted) / decided) if decided else None,
                median_days_to_acceptance=round(stats.median(days), 1) if days else None,
            )
        )
    return sorted(out, key=lambda row: (-row.received, row.name))
