"""Reads of the training plan: the plan against what was held, and the needs it can answer.

Counts and themes only, never a person: the needs panel counts community issues by theme, the
offices that know a theme per ward (as the expertise directory shows them: declared, or closed
cases whose factors show it), the places short on trainings that drew a waiting list, and the
curriculum requirements workers wait on.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.audit import services as audit
from tsunagu.core.actor import Actor
from tsunagu.core.dates import fiscal_year_range
from tsunagu.curricula import access as curricula_access
from tsunagu.curricula.models import Curriculum, RequirementEvent
from tsunagu.curricula.progress import progress_of
from tsunagu.expertise.models import ExpertiseDeclaration, Theme
from tsunagu.expertise.selectors import ADVISOR_KINDS, closed_case_counts
from tsunagu.meetings.models import CommunityIssue, IssueStage, IssueTheme
from tsunagu.organizations.models import Area, AreaKind, Organization
from tsunagu.trainingplans import access
from tsunagu.trainingplans.models import FISCAL_MONTHS, PlannedTraining, TrainingPlan
from tsunagu.trainings.models import EventStatus, RegistrationStatus, TrainingEvent

# A ward where fewer offices than this know a theme is short of it.
FEW_OFFICES = 2


def plan_rows(actor: Actor) -> QuerySet[TrainingPlan]:
    return (
        access.plans_visible_to(actor)
        .select_related("organization")
        .annotate(item_count=Count("items"))
        .order_by("-fiscal_year", "organization__name_kana", "pk")
    )


def month_label(month: int) -> str:
    return _("%(month)s月") % {"month": month}


def month_choices() -> list[tuple[int, str]]:
    return [(m, month_label(m)) for m in FISCAL_MONTHS]


def month_end(fiscal_year: int, month: int) -> dt.date:
    year = fiscal_year if month >= 4 else fiscal_year + 1
    first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def center_events(plan: TrainingPlan) -> QuerySet[TrainingEvent]:
    """The trainings the plan's center organised or co-organised in the plan's year (not
    cancelled): those an item may be linked to."""
    start, end = fiscal_year_range(plan.fiscal_year)
    return (
        TrainingEvent.objects.filter(
            Q(organizer_id=plan.organization_id) | Q(co_organizers=plan.organization_id),
            held_on__gte=start,
            held_on__lte=end,
        )
        .exclude(status=EventStatus.CANCELLED)
        .distinct()
        .order_by("held_on", "starts_at", "pk")
    )


# --- Planned against held ---------------------------------------------------------------------

HELD, SCHEDULED, OVERDUE, NOT_YET = "held", "scheduled", "overdue", "not_yet"
PROGRESS_LABELS = {
    HELD: gettext_lazy("開催済み"),
    SCHEDULED: gettext_lazy("開催予定"),
    OVERDUE: gettext_lazy("未開催（予定月を過ぎています）"),
    NOT_YET: gettext_lazy("未開催"),
}


@dataclass(frozen=True)
class ItemProgress:
    item: PlannedTraining
    state: str
    held: tuple[TrainingEvent, ...]
    scheduled: tuple[TrainingEvent, ...]

    @property
    def state_label(self) -> str:
        return str(PROGRESS_LABELS[self.state])

    @property
    def month_label(self) -> str:
        return month_label(self.item.month)


@dataclass
class Progress:
    items: list[ItemProgress]
    unplanned: list[TrainingEvent]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def planned(self) -> int:
        return len(self.items)


def progress(plan: TrainingPlan, *, today: dt.date | None = None) -> Progress:
    """Each planned training held, scheduled (a linked training still to come), overdue (its
    month is over with nothing held) or not yet; and the held trainings no item names."""
    today = today or timezone.localdate()
    items = list(
        plan.items.select_related("community_issue").prefetch_related("events").order_by("pk")
    )
    items.sort(key=lambda i: (i.fiscal_order, i.pk))
    rows = []
    linked: set[int] = set()
    for item in items:
        events = [e for e in item.events.all() if e.status != EventStatus.CANCELLED]
        linked.update(e.pk for e in item.events.all())
        held = tuple(e for e in events if e.status == EventStatus.HELD)
        scheduled = tuple(e for e in events if e.status != EventStatus.HELD)
        if held:
            state = HELD
        elif month_end(plan.fiscal_year, item.month) < today:
            state = OVERDUE
        elif scheduled:
            state = SCHEDULED
        else:
            state = NOT_YET
        rows.append(ItemProgress(item=item, state=state, held=held, scheduled=scheduled))
    unplanned = [
        e for e in center_events(plan).filter(status=EventStatus.HELD) if e.pk not in linked
    ]
    counts = Counter(r.state for r in rows)
    return Progress(
        items=rows,
        unplanned=unplanned,
        counts={key: counts[key] for key in (HELD, SCHEDULED, OVERDUE, NOT_YET)},
    )


# --- Needs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssueNeed:
    theme: str
    theme_label: str
    count: int
    issues: tuple[CommunityIssue, ...]


@dataclass(frozen=True)
class ExpertiseNeed:
    theme: str
    theme_label: str
    per_ward: tuple[tuple[str, int], ...]  # ward name, offices that know the theme
    short_wards: tuple[str, ...]


@dataclass(frozen=True)
class WaitingNeed:
    event: TrainingEvent
    capacity: int
    waiting: int


@dataclass(frozen=True)
class CurriculumNeed:
    curriculum: str
    stage: str
    requirement: str
    workers: int  # workers at this stage who have not met the requirement
    upcoming: int  # announced trainings to come that meet it


@dataclass
class Needs:
    issues: list[IssueNeed]
    expertise: list[ExpertiseNeed]
    waiting: list[WaitingNeed]
    ward_names: list[str]
    curricula: list[CurriculumNeed] = field(default_factory=list)


def _ward_of(rows: Mapping[int, tuple[str, int | None]], area_id: int | None) -> int | None:
    seen = 0
    while area_id is not None and seen < 10:
        row = rows.get(area_id)
        if row is None:
            return None
        if row[0] == AreaKind.WARD:
            return area_id
        area_id = row[1]
        seen += 1
    return None


def issue_needs() -> list[IssueNeed]:
    """Community issues still open (not resolved), by theme, most first."""
    open_issues = list(
        CommunityIssue.objects.exclude(stage=IssueStage.RESOLVED).order_by("-raised_on", "-pk")
    )
    by_theme: dict[str, list[CommunityIssue]] = defaultdict(list)
    for issue in open_issues:
        by_theme[issue.theme].append(issue)
    labels = dict(IssueTheme.choices)
    needs = [
        IssueNeed(
            theme=theme,
            theme_label=str(labels.get(theme, theme)),
            count=len(issues),
            issues=tuple(issues[:5]),
        )
        for theme, issues in by_theme.items()
    ]
    needs.sort(key=lambda n: (-n.count, n.theme_label))
    return needs


def expertise_needs() -> tuple[list[ExpertiseNeed], list[str]]:
    """Per theme, how many offices serving each ward know it (declared, or closed cases that
    show it); the offices that serve the whole city (the core center) are not counted for any
    one ward.  Themes short in the most wards first."""
    areas = {
        pk: (kind, parent)
        for pk, kind, parent in Area.objects.values_list("pk", "kind", "parent_id")
    }
    wards = list(
        Area.objects.filter(kind=AreaKind.WARD)
        .order_by("sort_order", "code")
        .values_list("pk", "name")
    )
    offices = Organization.objects.active().filter(kind__in=ADVISOR_KINDS)
    office_wards: dict[int, set[int]] = defaultdict(set)
    for org_id, area_id in offices.values_list("pk", "areas_served"):
        ward = _ward_of(areas, area_id)
        if ward is not None:
            office_wards[org_id].add(ward)
    knows: dict[str, set[int]] = defaultdict(set)
    for org_id, theme in closed_case_counts(office_wards):
        knows[theme].add(org_id)
    for org_id, theme in ExpertiseDeclaration.objects.filter(
        organization_id__in=list(office_wards)
    ).values_list("organization_id", "theme"):
        knows[theme].add(org_id)
    needs = []
    for theme, label in Theme.choices:
        per_ward = []
        for ward_id, ward_name in wards:
            per_ward.append((ward_name, sum(1 for o in knows[theme] if ward_id in office_wards[o])))
        short = tuple(name for name, n in per_ward if n < FEW_OFFICES)
        needs.append(
            ExpertiseNeed(
                theme=theme, theme_label=str(label), per_ward=tuple(per_ward), short_wards=short
            )
        )
    needs.sort(key=lambda n: (-len(n.short_wards), Theme.values.index(n.theme)))
    return needs, [name for _pk, name in wards]


def waiting_needs(plan: TrainingPlan) -> list[WaitingNeed]:
    """The center's trainings of the plan's year and the year before that drew a waiting list
    (more asked for places than there were)."""
    start, _end = fiscal_year_range(plan.fiscal_year - 1)
    _start, end = fiscal_year_range(plan.fiscal_year)
    events = (
        TrainingEvent.objects.filter(
            organizer_id=plan.organization_id, held_on__gte=start, held_on__lte=end
        )
        .exclude(status__in=[EventStatus.DRAFT, EventStatus.CANCELLED])
        .annotate(
            waiting=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)
            )
        )
        .filter(waiting__gt=0)
        .order_by("-waiting", "held_on", "pk")
    )
    return [WaitingNeed(event=e, capacity=e.capacity, waiting=e.waiting) for e in events]


def curriculum_needs(today: dt.date | None = None) -> list[CurriculumNeed]:
    """Per requirement of each curriculum, how many of the network's workers stand at its
    stage without having met it, and how many announced trainings to come meet it: a
    requirement many wait on with nothing announced is a training to plan.  Counts only."""
    day = today or timezone.localdate()
    workers = set(curricula_access.staff_memberships().values_list("user_id", flat=True))
    upcoming = Counter(
        RequirementEvent.objects.filter(
            event__status=EventStatus.ANNOUNCED, event__held_on__gte=day
        ).values_list("requirement_id", flat=True)
    )
    found: list[CurriculumNeed] = []
    for curriculum in Curriculum.objects.order_by("pk"):
        waiting: Counter[int] = Counter()
        names: dict[int, tuple[str, str]] = {}
        for row in progress_of(curriculum, workers, today=day).values():
            stage = row.current_stage
            if stage is None:
                continue
            for requirement in stage.missing:
                waiting[requirement.requirement.pk] += 1
                names[requirement.requirement.pk] = (stage.stage.name, requirement.requirement.name)
        found.extend(
            CurriculumNeed(
                curriculum=curriculum.name,
                stage=names[pk][0],
                requirement=names[pk][1],
                workers=n,
                upcoming=upcoming[pk],
            )
            for pk, n in waiting.items()
        )
    found.sort(key=lambda n: (n.upcoming > 0, -n.workers, n.curriculum))
    return found


def needs(actor: Actor, plan: TrainingPlan) -> Needs:
    """What the data of the network asks for (core center and city only); counts only, the
    read is on the record."""
    audit.require_role(actor, access.sees_needs, view="training_plan_needs")
    expertise, ward_names = expertise_needs()
    found = Needs(
        issues=issue_needs(),
        expertise=expertise,
        waiting=waiting_needs(plan),
        ward_names=ward_names,
        curricula=curriculum_needs(),
    )
    audit.record_read(actor, view="training_plan_needs", person_ids=(), target=plan, filters={})
    return found
