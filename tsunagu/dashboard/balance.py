"""The 49:51 → 51:49 balance (issue 21 item 7, seed 002): for each agency and each kind of
agency, how much of what the network asked of it it took on, against what it declined or let
lapse, this fiscal year beside the last; and the Baumkuchen of the layers that joined.

What counts, per fiscal year (April–March, `core.dates`):
- joint-support requests (`referrals.Referral`, kind `joint_support`) received, by the fiscal
  year of `requested_at`: taken on once accepted (`accepted_at` is set); declined when refused
  (`rejected`); lapsed when still unanswered `LAPSE_DAYS` after it was sent.  Drafts, requests
  withdrawn by the requester and requests still within their time are not counted.
- conference invitations: every case conference held (by `held_at`, not in the future) invites
  the organizations on the case's team on that day, but for the organizer; an invited
  organization that attended (`ConferenceAttendee`) took it on, one that did not let it lapse;
  an organization not on the team that attended took it on too.  Tsunagu records no refusal
  of a conference, so none is counted as declined.
- action items (`plans.Task`, meetings' action items among them) by the fiscal year they were
  made: taken on when done; declined when cancelled; lapsed when still open past their due
  date.  Open tasks not yet due are not counted.

Who sees it: the core center and the city department, per agency and per kind; a member of
the council (自立支援協議会) per kind only, with the dashboard's small-count suppression
(`suppression.py`): a count from 1 to 4 is hidden with the complements that would give it back,
and a share is shown only where none of its counts is hidden.  Counts only, never a person.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.audit import services as audit
from tsunagu.cases.models import CaseConference, CaseTeamMember, ConferenceAttendee
from tsunagu.core.actor import Actor
from tsunagu.core.dates import fiscal_year, fiscal_year_label, to_local_date
from tsunagu.dashboard.figures import ACTION_VIEWED, Scope, scope_of
from tsunagu.dashboard.suppression import hidden_cells
from tsunagu.organizations.models import Organization, OrganizationKind
from tsunagu.plans.models import Task, TaskStatus
from tsunagu.referrals.models import Referral, ReferralKind, ReferralStatus

LAPSE_DAYS = 14
OUTCOMES = ("took_on", "declined", "lapsed")
STREAMS = (
    ("requests", gettext_lazy("共同支援依頼")),
    ("conferences", gettext_lazy("ケース会議への招集")),
    ("actions", gettext_lazy("アクション・タスク")),
)
# The Baumkuchen's rings, from the person at the center outwards, and the organization kinds
# of each.  The person and the family are the center of every support and are recorded as
# no organization: they are drawn always and counted never.
LAYERS: tuple[tuple[str, object, tuple[str, ...]], ...] = (
    ("person", gettext_lazy("本人"), ()),
    ("family", gettext_lazy("家族"), ()),
    ("daily_support", gettext_lazy("日中・生活の支援"), (OrganizationKind.SERVICE_PROVIDER,)),
    (
        "services",
        gettext_lazy("サービス・専門機関"),
        (
            OrganizationKind.COMMUNITY_LIFE_HUB,
            OrganizationKind.EMPLOYMENT_SUPPORT,
            OrganizationKind.HOSPITAL,
            OrganizationKind.SCHOOL,
        ),
    ),
    (
        "consultation",
        gettext_lazy("相談支援"),
        (
            OrganizationKind.COMMISSIONED_OFFICE,
            OrganizationKind.DESIGNATED_PLANNING_OFFICE,
            OrganizationKind.COMMUNITY_TRANSITION_OFFICE,
            OrganizationKind.CHILD_PLANNING_OFFICE,
            OrganizationKind.ELDERLY_SUPPORT_CENTER,
            OrganizationKind.HIKIKOMORI_SUPPORT_CENTER,
        ),
    ),
    ("core_center", gettext_lazy("基幹相談支援センター"), (OrganizationKind.CORE_CENTER,)),
    (
        "city",
        gettext_lazy("市・区"),
        (OrganizationKind.WARD_OFFICE, OrganizationKind.CITY_DEPARTMENT),
    ),
    (
        "community",
        gettext_lazy("地域"),
        (
            OrganizationKind.SOCIAL_WELFARE_COUNCIL,
            OrganizationKind.WELFARE_COMMISSIONER,
            OrganizationKind.OTHER,
        ),
    ),
)
LAYER_OF_KIND = {kind: key for key, _label, kinds in LAYERS for kind in kinds}
COUNTED_LAYERS = ("person", "family")  # never counted: see LAYERS


def may_view(actor: Actor) -> bool:
    scope = scope_of(actor)
    return scope is not None and scope.role in ("city", "core_center", "council")


@dataclass
class Tally:
    took_on: int | None = 0
    declined: int | None = 0
    lapsed: int | None = 0
    total: int | None = 0

    def add(self, outcome: str) -> None:
        setattr(self, outcome, (getattr(self, outcome) or 0) + 1)
        self.total = (self.total or 0) + 1

    @property
    def share(self) -> int | None:
        """The percentage taken on, rounded; None when nothing counted or a count is hidden."""
        if None in (self.took_on, self.declined, self.lapsed, self.total) or not self.total:
            return None
        return round(100 * (self.took_on or 0) / self.total)

    @property
    def ratio(self) -> str:
        """「51:49」: taken on against declined or lapsed, as the seed writes it."""
        share = self.share
        return "—" if share is None else f"{share}:{100 - share}"


Key = tuple[str, int]  # (stream, fiscal year)


@dataclass
class Row:
    key: str  # organization pk or kind
    label: str
    kind: str
    tallies: dict[Key, Tally] = field(default_factory=dict)

    def tally(self, stream: str, year: int) -> Tally:
        return self.tallies.setdefault((stream, year), Tally())


@dataclass
class Ring:
    key: str
    label: str
    joined: int | None  # organizations of the layer that took something on; None: not counted
    kinds: tuple[str, ...]


@dataclass
class Balance:
    year: int
    years: tuple[int, int]  # (this, last)
    scope: Scope
    agencies: list[Row]  # empty for the council
    kinds: list[Row]
    rings: list[Ring]

    @property
    def labels(self) -> dict[int, str]:
        return {y: fiscal_year_label(y) for y in self.years}


def _window(year: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime(year - 1, 4, 1, tzinfo=tz),
        dt.datetime(year + 1, 4, 1, tzinfo=tz),
    )


def _requests(year: int, now: dt.datetime) -> Iterable[tuple[int, str, int]]:
    start, end = _window(year)
    rows = Referral.objects.filter(
        kind=ReferralKind.JOINT_SUPPORT, requested_at__gte=start, requested_at__lt=end
    ).values_list("receiving_organization_id", "status", "accepted_at", "requested_at")
    lapse_before = now - dt.timedelta(days=LAPSE_DAYS)
    for org_id, status, accepted_at, requested_at in rows:
        if requested_at is None:  # pragma: no cover - the filter above needs a date
            continue
        if accepted_at is not None:
            outcome = "took_on"
        elif status == ReferralStatus.REJECTED:
            outcome = "declined"
        elif status == ReferralStatus.REQUESTED and requested_at < lapse_before:
            outcome = "lapsed"
        else:
            continue
        yield org_id, outcome, fiscal_year(to_local_date(requested_at))


def _conferences(year: int, now: dt.datetime) -> Iterable[tuple[int, str, int]]:
    start, end = _window(year)
    conferences = list(
        CaseConference.objects.filter(held_at__gte=start, held_at__lt=min(end, now)).values_list(
            "pk", "case_id", "organizer_id", "held_at"
        )
    )
    if not conferences:
        return
    ids = [pk for pk, _c, _o, _h in conferences]
    attended: dict[int, set[int]] = defaultdict(set)
    for conference_id, org_id in ConferenceAttendee.objects.filter(
        conference_id__in=ids
    ).values_list("conference_id", "organization_id"):
        attended[conference_id].add(org_id)
    teams: dict[int, list[tuple[int, dt.date, dt.date | None]]] = defaultdict(list)
    for case_id, org_id, joined, left in CaseTeamMember.objects.filter(
        case_id__in={case_id for _p, case_id, _o, _h in conferences}
    ).values_list("case_id", "organization_id", "joined_on", "left_on"):
        teams[case_id].append((org_id, joined, left))
    for pk, case_id, organizer_id, held_at in conferences:
        day = to_local_date(held_at)
        invited = {
            org_id
            for org_id, joined, left in teams[case_id]
            if joined <= day and (left is None or left >= day)
        }
        year_of = fiscal_year(day)
        for org_id in (invited | attended[pk]) - {organizer_id}:
            yield org_id, ("took_on" if org_id in attended[pk] else "lapsed"), year_of


def _actions(year: int, now: dt.datetime) -> Iterable[tuple[int, str, int]]:
    start, end = _window(year)
    today = timezone.localdate(now)
    rows = Task.objects.filter(created_at__gte=start, created_at__lt=end).values_list(
        "owner_organization_id", "status", "due_on", "created_at"
    )
    for org_id, status, due_on, created_at in rows:
        if status == TaskStatus.DONE:
            outcome = "took_on"
        elif status == TaskStatus.CANCELLED:
            outcome = "declined"
        elif due_on is not None and due_on < today:
            outcome = "lapsed"
        else:
            continue
        yield org_id, outcome, fiscal_year(to_local_date(created_at))


SOURCES = {"requests": _requests, "conferences": _conferences, "actions": _actions}


def _suppress(rows: list[Row], years: tuple[int, ...]) -> None:
    """The council's cells: per stream and year, each kind's three counts and its total, with
    the complementary suppression of suppression.py."""
    for stream, _label in STREAMS:
        for year in years:
            values: dict[tuple[str, str], int] = {}
            sums: list[tuple[tuple[str, str], list[tuple[str, str]]]] = []
            for row in rows:
                tally = row.tally(stream, year)
                for outcome in (*OUTCOMES, "total"):
                    values[(row.key, outcome)] = getattr(tally, outcome) or 0
                sums.append(((row.key, "total"), [(row.key, o) for o in OUTCOMES]))
            hidden = hidden_cells(values, sums)
            for row in rows:
                tally = row.tally(stream, year)
                for outcome in (*OUTCOMES, "total"):
                    if (row.key, outcome) in hidden:
                        setattr(tally, outcome, None)


def balance(actor: Actor, scope: Scope, *, year: int, now: dt.datetime | None = None) -> Balance:
    now = now or timezone.now()
    years = (year, year - 1)
    names = dict(Organization.objects.values_list("pk", "name"))
    kinds_of = dict(Organization.objects.values_list("pk", "kind"))
    kind_labels = dict(OrganizationKind.choices)
    agencies: dict[int, Row] = {}
    kinds: dict[str, Row] = {}
    joined: dict[str, set[int]] = defaultdict(set)
    for stream, source in SOURCES.items():
        for org_id, outcome, year_of in source(year, now):
            if year_of not in years:
                continue
            kind = kinds_of.get(org_id, OrganizationKind.OTHER)
            agency = agencies.setdefault(org_id, Row(str(org_id), names.get(org_id, ""), kind))
            agency.tally(stream, year_of).add(outcome)
            group = kinds.setdefault(kind, Row(kind, str(kind_labels.get(kind, kind)), kind))
            group.tally(stream, year_of).add(outcome)
            if outcome == "took_on" and year_of == year:
                joined[LAYER_OF_KIND.get(kind, "community")].add(org_id)
    order = {kind: i for i, kind in enumerate(OrganizationKind.values)}
    kind_rows = sorted(kinds.values(), key=lambda row: order.get(row.kind, 99))
    agency_rows = sorted(agencies.values(), key=lambda row: (order.get(row.kind, 99), row.label))
    for row in [*kind_rows, *agency_rows]:
        for stream, _label in STREAMS:
            for y in years:
                row.tally(stream, y)
    if scope.suppressed:
        _suppress(kind_rows, years)
        agency_rows = []
    rings = [
        Ring(
            key,
            str(label),
            None if key in COUNTED_LAYERS else len(joined[key]),
            layer_kinds,
        )
        for key, label, layer_kinds in LAYERS
    ]
    return Balance(year, years, scope, agency_rows, kind_rows, rings)


def record_viewed(actor: Actor, scope: Scope, *, year: int, via: str) -> None:
    audit.record(
        action=ACTION_VIEWED,
        actor=actor,
        target_type="dashboard",
        target_id="balance",
        detail={"role": scope.role, "fiscal_year": year, "via": via},
    )


RING_WIDTH = 22
CENTER = 190


def baumkuchen_svg(rings: list[Ring], *, title: str) -> SafeString:
    """The Baumkuchen: one ring per layer, the person at the center.  A layer where some
    organization took something on this year is filled; one where none did is a dashed outline;
    the person and the family, never counted, are filled in a neutral grey.  An image with its
    <title> and a <desc> that says in words what the picture shows; the table beside it carries
    the same numbers."""
    parts = []
    for ring in rings:
        if ring.joined is None:
            parts.append(_("%(layer)s: 中心（数えません）") % {"layer": ring.label})
        else:
            parts.append(_("%(layer)s: %(n)d機関") % {"layer": ring.label, "n": ring.joined})
    desc = _("内側から外側へ、参加した層: ") + "、".join(parts)
    circles = []
    for i, ring in reversed(list(enumerate(rings))):
        radius = RING_WIDTH * (i + 1)
        if ring.joined is None:
            fill, stroke, dash, opacity = "#d9d9d9", "#595959", "", "1"
        elif ring.joined:
            fill, stroke, dash, opacity = "#1f5f9e", "#ffffff", "", f"{0.35 + 0.08 * i:.2f}"
        else:
            fill, stroke, dash, opacity = "#ffffff", "#595959", "4 3", "1"
        circles.append((CENTER, CENTER, radius, fill, opacity, stroke, dash))
    labels = []
    for i, ring in enumerate(rings):
        count = "" if ring.joined is None else f" {ring.joined}"
        labels.append((CENTER * 2 + 16, 24 + i * 22, f"{i + 1}. {ring.label}{count}"))
    size = CENTER * 2
    return format_html(
        '<svg class="chart baumkuchen" role="img" viewBox="0 0 {} {}" width="100%" '
        'aria-labelledby="baumkuchen-title baumkuchen-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="baumkuchen-title">{}</title><desc id="baumkuchen-desc">{}</desc>{}{}{}</svg>',
        size + 260,
        size,
        title,
        desc,
        format_html_join(
            "",
            '<circle cx="{}" cy="{}" r="{}" fill="{}" fill-opacity="{}" stroke="{}" '
            'stroke-width="2" stroke-dasharray="{}"></circle>',
            circles,
        ),
        format_html_join(
            "",
            '<text x="{}" y="{}" font-size="14" fill="#1a1a1a">{}</text>',
            labels,
        ),
        format_html(
            '<text x="{}" y="{}" font-size="13" text-anchor="middle" fill="#1a1a1a">{}</text>',
            CENTER,
            CENTER + 5,
            rings[0].label if rings else "",
        ),
    )


def table(
    rows: list[Row], years: tuple[int, int]
) -> list[tuple[Row, list[tuple[str, Tally, Tally]]]]:
    """The rows as the page shows them: per stream, this year's tally beside last year's."""
    return [
        (
            row,
            [
                (str(label), row.tally(stream, years[0]), row.tally(stream, years[1]))
                for stream, label in STREAMS
            ],
        )
        for row in rows
    ]
