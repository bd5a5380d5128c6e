"""Reads for assessments, plans, contingencies, monitoring and tasks, through plans/access.py."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tsunagu.accounts.models import User
from tsunagu.cases.access import active_team_members, persons_visible_to
from tsunagu.cases.models import Case, CaseStatus
from tsunagu.core.actor import Actor
from tsunagu.core.kana import normalize_kana
from tsunagu.core.validation import field_label
from tsunagu.core.validators import MAX_ID
from tsunagu.directory.holds import held
from tsunagu.directory.models import ResourceStatus, SocialResource
from tsunagu.notifications.registry import Shown
from tsunagu.organizations.models import Membership, Organization
from tsunagu.people.models import HouseholdMember, Person
from tsunagu.plans.access import (
    assessments_visible_to,
    contingencies_visible_to,
    monitorings_visible_to,
    plans_visible_to,
    tasks_visible_to,
)
from tsunagu.plans.models import (
    OPEN_TASK_STATUSES,
    SECTION_FIELDS,
    Assessment,
    AssessmentSection,
    ContingencyAction,
    ContingencyTrigger,
    Monitoring,
    MonitoringGoalReport,
    MonitoringStatus,
    PlanItem,
    PlanStatus,
    ServiceType,
    SupportKind,
    SupportPlan,
    Task,
    WeeklyScheduleEntry,
)

# How far ahead the dashboard looks for monitoring falling due.
DUE_SOON_DAYS = 14


# --- Assessment -------------------------------------------------------------------------------


PLAN_FIELDS = (
    "person_wishes",
    "family_wishes",
    "overall_policy",
    "long_term_goal",
    "short_term_goal",
    "period_start",
    "period_end",
    "drafted_on",
    "monitoring_frequency",
    "monitoring_dates",
    "weekly_activities",
    "weekly_notes",
)
ITEM_FIELDS = (
    "priority",
    "need",
    "goal",
    "target_date",
    "support_kind",
    "service_type",
    "amount",
    "informal_support",
    "responsible_organization",
    "responsible_worker",
    "resource",
    "responsible_name",
    "person_role",
    "evaluation_date",
    "notes",
)


def assessment_subjects(case: Case) -> list[tuple[Person, str]]:
    """Who gets a section: the case's person first, then the household's current members."""
    people: list[tuple[Person, str]] = []
    seen: set[int] = set()
    if case.person_id is not None and case.person is not None:
        people.append((case.person, pgettext("the person supported", "本人")))
        seen.add(case.person_id)
    if case.household_id is not None:
        members = (
            HouseholdMember.objects.current()
            .filter(household_id=case.household_id)
            .select_related("person")
            .order_by("start_date", "pk")
        )
        for member in members:
            if member.person_id not in seen:
                people.append((member.person, str(member.get_relationship_display())))
                seen.add(member.person_id)
    return people


def assessment_list(actor: Actor, *, case: Case) -> QuerySet[Assessment]:
    return (
        assessments_visible_to(actor)
        .filter(case=case)
        .select_related("author", "author_organization")
        .order_by("-assessed_on", "-revision")
    )


def assessment_sections(assessment: Assessment) -> QuerySet[AssessmentSection]:
    return assessment.sections.select_related("person").order_by("order", "pk")


def assessment_sections_for(actor: Actor, *, assessment: Assessment) -> QuerySet[AssessmentSection]:
    """The sections about persons the actor may see: a household member's section travels only
    on that member's own basis (DESIGN.md §5, cases.access.persons_visible_to)."""
    return assessment_sections(assessment).filter(
        person_id__in=persons_visible_to(actor).values("pk")
    )


def assessment_latest_on(actor: Actor, *, case: Case, day: dt.date) -> Assessment | None:
    return assessment_list(actor=actor, case=case).filter(assessed_on=day).first()


def assessment_versions(assessment: Assessment) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(case_id=assessment.case_id, assessed_on=assessment.assessed_on)
        .select_related("author", "author_organization")
        .order_by("-revision")
    )


def section_rows(section: AssessmentSection) -> list[tuple[str, str]]:
    """(label, text) of the filled domains of a section, in the form's order."""
    rows = []
    for name in SECTION_FIELDS:
        text = getattr(section, name)
        if text.strip():
            rows.append((field_label(AssessmentSection, name), text))
    return rows


# --- Ecomap -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EcomapNode:
    label: str
    sublabel: str
    kind: str  # "person", "member", "organization"
    x: int
    y: int


@dataclass(frozen=True)
class Ecomap:
    width: int
    height: int
    center: EcomapNode
    members: list[EcomapNode]
    organizations: list[EcomapNode]
    description: str


def ecomap(*, case: Case, sections: list[AssessmentSection] | None = None) -> Ecomap:
    """The household at the centre, the organizations of the case team around it.

    The people are the sections of an assessment when given, else the case's person and
    household.  The picture is drawn by the template as SVG; `description` is its text
    alternative, read by screen readers and printed under the picture.
    """
    width, height = 720, 480
    cx, cy = width // 2, height // 2
    subjects = (
        [(s.person, s.relationship) for s in sections]
        if sections is not None
        else assessment_subjects(case)
    )
    first = subjects[0] if subjects else None
    center = EcomapNode(
        label=first[0].display_name if first else str(case),
        sublabel=first[1] if first else "",
        kind="person",
        x=cx,
        y=cy,
    )
    others = subjects[1:]
    members = []
    for i, (person, relation) in enumerate(others):
        angle = 2 * math.pi * i / max(len(others), 1) - math.pi / 2
        members.append(
            EcomapNode(
                label=person.display_name,
                sublabel=relation,
                kind="member",
                x=round(cx + 105 * math.cos(angle)),
                y=round(cy + 75 * math.sin(angle)),
            )
        )
    team = list(
        active_team_members()
        .filter(case=case)
        .select_related("organization")
        .order_by("joined_on", "pk")
    )
    orgs = []
    for i, member in enumerate(team):
        angle = 2 * math.pi * i / max(len(team), 1) - math.pi / 2
        orgs.append(
            EcomapNode(
                label=member.organization.name,
                sublabel=str(member.get_role_display()),
                kind="organization",
                x=round(cx + 265 * math.cos(angle)),
                y=round(cy + 190 * math.sin(angle)),
            )
        )
    parts = [f"{center.label}（{center.sublabel}）" if center.sublabel else center.label]
    if members:
        parts.append("世帯員: " + "、".join(f"{m.label}（{m.sublabel}）" for m in members))
    if orgs:
        parts.append("支援チーム: " + "、".join(f"{o.label}（{o.sublabel}）" for o in orgs))
    return Ecomap(
        width=width,
        height=height,
        center=center,
        members=members,
        organizations=orgs,
        description="。".join(parts) + "。",
    )


# --- Service ring (バウムクーヘン) ---------------------------------------------------------------


@dataclass(frozen=True)
class RingNode:
    label: str
    detail: str  # what the item says they do (the service type or the informal support)
    x: int
    y: int


@dataclass(frozen=True)
class RingLayer:
    key: str  # "helpers", "community", "formal"
    title: str
    radius: int  # outer radius of the band
    fill: str
    nodes: list[RingNode]


@dataclass(frozen=True)
class ServiceRing:
    size: int
    center: int
    person: str
    core_radius: int
    layers: list[RingLayer]  # inside out

    @property
    def is_empty(self) -> bool:
        return not any(layer.nodes for layer in self.layers)


# The bands of the ring, inside out: who is named by text (family, neighbours), the community's
# informal resources, the formal services.  Seed 002: the team thickens its layers "like baking
# a Baumkuchen" as more agencies join.
RING_SIZE = 560
RING_CORE = 56
RING_BANDS = (
    ("helpers", 128, "#fbe7c6"),
    ("community", 198, "#f3d09a"),
    ("formal", 272, "#e4b574"),
)


def _ring_entries(items: Sequence[PlanItem]) -> dict[str, list[tuple[str, str]]]:
    """(name, what they do) per band, each name once per band in the plan's order."""
    bands: dict[str, list[tuple[str, str]]] = {key: [] for key, _r, _f in RING_BANDS}
    seen: set[tuple[str, str]] = set()

    def add(band: str, name: str, detail: str) -> None:
        if name and (band, name) not in seen:
            seen.add((band, name))
            bands[band].append((name, detail))

    for item in items:
        if item.support_kind == SupportKind.INFORMAL:
            if item.resource_id is not None:
                add("community", item.resource_name, item.informal_support)
            elif item.responsible_organization is not None:
                add("community", item.responsible_organization.name, item.informal_support)
            if item.responsible_name:
                add("helpers", item.responsible_name, item.informal_support)
        else:
            kind = str(item.get_service_type_display()) if item.service_type else ""
            if item.resource_id is not None:
                add("formal", item.provider_name or item.resource_name, kind or item.resource_name)
            elif item.responsible_organization is not None:
                add("formal", item.responsible_organization.name, kind)
            if item.responsible_name:
                add("helpers", item.responsible_name, kind)
    return bands


def service_ring(plan: SupportPlan, items: Sequence[PlanItem] | None = None) -> ServiceRing:
    """The plan's supports as rings around the person: formal services from the directory
    resources the items chose (or the team organization named), informal helpers from the text.
    The template draws it as SVG and lists the same names as its text alternative."""
    items = list(items) if items is not None else list(plan_items(plan))
    entries = _ring_entries(items)
    center = RING_SIZE // 2
    layers = []
    inner = RING_CORE
    for index, (key, radius, fill) in enumerate(RING_BANDS):
        mid = (inner + radius) / 2
        names = entries[key]
        nodes = []
        for i, (name, detail) in enumerate(names):
            # Each band starts at its own angle, so that labels of neighbouring bands do not
            # line up on one spoke.
            angle = 2 * math.pi * i / max(len(names), 1) - math.pi / 2 + index * 0.45
            nodes.append(
                RingNode(
                    label=name,
                    detail=detail,
                    x=round(center + mid * math.cos(angle)),
                    y=round(center + mid * math.sin(angle)),
                )
            )
        titles = {
            "helpers": _("身近な支え手"),
            "community": _("地域の資源"),
            "formal": _("公的サービス"),
        }
        layers.append(RingLayer(key=key, title=titles[key], radius=radius, fill=fill, nodes=nodes))
        inner = radius
    case = plan.case
    person = case.person.display_name if case.person_id and case.person else str(case)
    return ServiceRing(
        size=RING_SIZE, center=center, person=person, core_radius=RING_CORE, layers=layers
    )


# --- Support plan -----------------------------------------------------------------------------


def plan_list(actor: Actor, *, case: Case) -> QuerySet[SupportPlan]:
    return (
        plans_visible_to(actor)
        .filter(case=case)
        .select_related("author", "author_organization", "based_on")
        .order_by("-version")
    )


def plan_current(actor: Actor, *, case: Case) -> SupportPlan | None:
    """The plan in force: the agreed one, else the draft being written."""
    plans = plan_list(actor=actor, case=case)
    return (
        plans.filter(status=PlanStatus.AGREED).first()
        or plans.filter(status=PlanStatus.DRAFT).first()
    )


def plan_draft(actor: Actor, *, case: Case) -> SupportPlan | None:
    return plan_list(actor=actor, case=case).filter(status=PlanStatus.DRAFT).first()


def plan_items(plan: SupportPlan) -> QuerySet[PlanItem]:
    return plan.items.select_related(
        "responsible_organization", "responsible_worker", "resource"
    ).order_by("priority", "pk")


# --- Services from the directory ----------------------------------------------------------------

# The plan's service types and the directory's service-type terms (tsunagu/directory/taxonomy.py)
# that name the same service.  A type with no term here (通院・医療, 介護保険サービス, ...) is not
# held by the directory; a term with no type here (計画相談支援, 放課後等デイサービス, ...) leaves
# the plan's type as the counselor chose it.
SERVICE_TYPE_TERMS: dict[str, str] = {
    ServiceType.HOME_HELP: "home-help",
    ServiceType.SEVERE_VISITING_CARE: "severe-home-care",
    ServiceType.ACCOMPANIED_OUTING: "accompanied-outing-visual",
    ServiceType.BEHAVIOUR_SUPPORT: "behavioral-support",
    ServiceType.DAILY_LIFE_CARE: "life-care",
    ServiceType.SHORT_STAY: "short-stay",
    ServiceType.GROUP_HOME: "group-home",
    ServiceType.INDEPENDENCE_TRAINING: "independence-training",
    ServiceType.EMPLOYMENT_TRANSITION: "transition-to-work",
    ServiceType.EMPLOYMENT_A: "continuous-work-a",
    ServiceType.EMPLOYMENT_B: "continuous-work-b",
    ServiceType.EMPLOYMENT_RETENTION: "work-retention",
    ServiceType.INDEPENDENT_LIVING_ASSISTANCE: "independent-living-assistance",
    ServiceType.COMMUNITY_SETTLEMENT: "community-settlement",
    ServiceType.MOBILITY_SUPPORT: "mobility-support",
    ServiceType.DAY_CENTER: "community-activity-center",
}
TERM_SERVICE_TYPES = {code: kind for kind, code in SERVICE_TYPE_TERMS.items()}
# More than this many matches: the choice lists the first ones and asks for a narrower search.
RESOURCE_CHOICES_LIMIT = 300


def service_type_of(resource: SocialResource) -> str:
    """The plan's service type of a directory resource, "" when the directory's term has none."""
    return str(TERM_SERVICE_TYPES.get(resource.service_type.code, ""))


def resource_choices(
    *, support_kind: str = "", service_type: str = "", query: str = "", keep: int | None = None
) -> QuerySet[SocialResource]:
    """The directory resources a plan item may choose: active ones only, narrowed by the item's
    kind (formal or informal), its service type and the words typed (folded like kana, as the
    directory's own search).  `keep` is the item's current resource, listed even when it has
    since closed, so that editing the item does not drop it unseen."""
    # A resident activity is offered only while its group agrees (directory/holds.py).
    chosen = SocialResource.objects.filter(status=ResourceStatus.ACTIVE).exclude(held("network"))
    if support_kind in (SupportKind.FORMAL, SupportKind.INFORMAL):
        chosen = chosen.filter(service_type__is_informal=support_kind == SupportKind.INFORMAL)
    code = SERVICE_TYPE_TERMS.get(service_type)
    if code:
        chosen = chosen.filter(service_type__code=code)
    for word in query.split()[:5]:
        folded = normalize_kana(word[:50])
        if folded:
            chosen = chosen.filter(search_text__icontains=folded)
    resources = chosen
    if keep is not None:
        resources = SocialResource.objects.filter(Q(pk__in=chosen.values("pk")) | Q(pk=keep))
    return resources.select_related("provider", "service_type").order_by(
        "service_type__sort_order", "service_type__code", "name_kana", "name", "pk"
    )


def plan_monitorings(plan: SupportPlan) -> QuerySet[Monitoring]:
    return plan.monitorings.select_related("conducted_by", "conducted_by_organization").order_by(
        "due_on", "pk"
    )


def plan_item(plan: SupportPlan, item_id: object) -> PlanItem | None:
    try:
        pk = int(str(item_id))
    except ValueError:
        return None
    if not 1 <= pk <= MAX_ID:
        return None
    return plan_items(plan).filter(pk=pk).first()


def weekly_entries(plan: SupportPlan) -> list[WeeklyScheduleEntry]:
    return list(plan.weekly.order_by("weekday", "start_time", "pk"))


def team_organizations(case: Case) -> QuerySet[Organization]:
    """Who can be named responsible in a plan or a contingency action: the case team."""
    ids = set(active_team_members().filter(case=case).values_list("organization_id", flat=True))
    ids.add(case.lead_organization_id)
    return Organization.objects.filter(pk__in=ids).order_by("name")


def team_workers(case: Case) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.current()
        .filter(organization__in=team_organizations(case))
        .values("user_id"),
    ).order_by("full_name_kana", "username")


def plan_diff(plan: SupportPlan) -> list[str]:
    """Labels of the fields that differ from the version this one was based on (the date it
    was drawn up differs by nature, and is no change of content)."""
    base = plan.based_on
    if base is None:
        return []
    return [
        field_label(SupportPlan, name)
        for name in PLAN_FIELDS
        if name != "drafted_on" and getattr(base, name) != getattr(plan, name)
    ]


# --- Monitoring -------------------------------------------------------------------------------


def _goal_reports_in_order() -> QuerySet[MonitoringGoalReport]:
    return MonitoringGoalReport.objects.select_related(
        "plan_item", "plan_item__responsible_organization"
    ).order_by("plan_item__priority", "pk")


def monitorings_with_reports(monitorings: QuerySet[Monitoring]) -> QuerySet[Monitoring]:
    """The monitorings with their goal reports fetched in one more query for all of them
    (`monitoring_goal_reports` reads them), for a list that shows the reports of each."""
    return monitorings.prefetch_related(
        Prefetch("goal_reports", queryset=_goal_reports_in_order(), to_attr="reports_in_order")
    )


def monitoring_goal_reports(monitoring: Monitoring) -> Sequence[MonitoringGoalReport]:
    prefetched: list[MonitoringGoalReport] | None = getattr(monitoring, "reports_in_order", None)
    if prefetched is not None:
        return prefetched
    return list(_goal_reports_in_order().filter(monitoring=monitoring))


def monitorings_due_listed(actor: Actor, *, today: dt.date | None = None) -> QuerySet[Monitoring]:
    """Scheduled monitorings overdue or falling due within DUE_SOON_DAYS, of the open cases
    the acting organization leads (narrow them further with `monitorings_of_scope`).

    Every list of these is of the cases the organization leads (`monitorings_of_scope`), and
    the lead organization sees every case it leads: it is the first rule of
    `cases.access.visible_case_ids`, with no condition, for writes too.  So the lead is the
    visibility check here, and the UNION of all the rules is not asked: evaluated for the query,
    it read every visible case's plans and monitorings: at city scale on SQLite the due list's
    count took 7.2 ms with it and 1.6 ms without (issue 15, ADR 0007)."""
    if actor.organization_id is None:
        return Monitoring.objects.none()
    day = today or timezone.localdate()
    return (
        Monitoring.objects.filter(plan__case__lead_organization_id=actor.organization_id)
        .filter(
            status=MonitoringStatus.SCHEDULED,
            plan__status=PlanStatus.AGREED,
            due_on__lte=day + dt.timedelta(days=DUE_SOON_DAYS),
        )
        .filter(plan__case__status__in=_open_statuses())
        .select_related(
            "plan",
            "plan__case",
            "plan__case__lead_worker",
            "plan__case__person",
            "plan__case__household",
        )
        .order_by("due_on", "pk")
    )


def monitorings_of_scope(
    actor: Actor, monitorings: QuerySet[Monitoring], scope: str
) -> QuerySet[Monitoring]:
    """Of the cases the acting organization leads; "mine": of those, the ones the user leads."""
    monitorings = monitorings.filter(plan__case__lead_organization_id=actor.organization_id)
    if scope == "mine":
        monitorings = monitorings.filter(plan__case__lead_worker=actor.user)
    return monitorings


def monitorings_due(
    actor: Actor, *, scope: str = "organization", today: dt.date | None = None
) -> QuerySet[Monitoring]:
    """Scheduled monitorings overdue or falling due within DUE_SOON_DAYS, of the cases the
    acting organization leads (scope "organization") or the user leads there ("mine")."""
    return monitorings_of_scope(actor, monitorings_due_listed(actor, today=today), scope)


def _open_statuses() -> list[str]:
    return [s for s in CaseStatus.values if s != CaseStatus.CLOSED]


# --- Contingency ------------------------------------------------------------------------------


def contingency_list(actor: Actor, *, case: Case) -> QuerySet[ContingencyTrigger]:
    return (
        contingencies_visible_to(actor)
        .filter(case=case)
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=ContingencyAction.objects.select_related("organization").order_by("pk"),
            )
        )
        .select_related("happened_reported_by")
        .order_by("happened_on", "pk")
    )


# --- Tasks ------------------------------------------------------------------------------------


def tasks_listed(actor: Actor) -> QuerySet[Task]:
    """The tasks the actor may see, with what their titles and the list read."""
    # The plan item and the trigger give the title in the reader's language (Task.display_title).
    return tasks_visible_to(actor).select_related(
        "case",
        "case__person",
        "case__household",
        "owner_organization",
        "owner_worker",
        "plan_item",
        "contingency_action__trigger",
        "progress_note",
    )


def tasks_of_scope(actor: Actor, tasks: QuerySet[Task], scope: str) -> QuerySet[Task]:
    """The acting organization's tasks; "mine": of those, the ones the user owns."""
    tasks = tasks.filter(owner_organization_id=actor.organization_id)
    if scope == "organization":
        return tasks
    return tasks.filter(owner_worker=actor.user)


def tasks_in_status(tasks: QuerySet[Task], status: str) -> QuerySet[Task]:
    """ "open": not done or cancelled; "" or "all": every status."""
    if status == "open":
        return tasks.filter(status__in=OPEN_TASK_STATUSES)
    if status and status != "all":
        return tasks.filter(status=status)
    return tasks


def task_list(
    actor: Actor, *, scope: str = "mine", status: str = "open", case: Case | None = None
) -> QuerySet[Task]:
    tasks = tasks_listed(actor)
    tasks = tasks.filter(case=case) if case is not None else tasks_of_scope(actor, tasks, scope)
    return tasks_in_status(tasks, status)


def task_counts(actor: Actor, *, today: dt.date | None = None) -> dict[str, int]:
    """Open tasks of the acting organization: one query, whatever the numbers."""
    day = today or timezone.localdate()
    mine = Q(owner_worker=actor.user)
    overdue = Q(due_on__lt=day)
    counts = (
        tasks_visible_to(actor)
        .filter(owner_organization_id=actor.organization_id, status__in=OPEN_TASK_STATUSES)
        .aggregate(
            organization=Count("pk"),
            organization_overdue=Count("pk", filter=overdue),
            mine=Count("pk", filter=mine),
            mine_overdue=Count("pk", filter=mine & overdue),
            unassigned=Count("pk", filter=Q(owner_worker__isnull=True)),
        )
    )
    return {name: int(value or 0) for name, value in counts.items()}


# The list behind each count of the home page (the query string of plans/lists.py's filters):
# a count is always the number of rows its link lists (dashboard/tests/test_home_links.py).
DASHBOARD_LINKS = {
    "overdue_mine": "scope=mine&due=overdue",
    "overdue_organization": "scope=organization&due=overdue",
}
TASK_LINKS = {
    "mine": "scope=mine",
    "mine_overdue": "scope=mine&due=overdue",
    "organization": "scope=organization",
    "organization_overdue": "scope=organization&due=overdue",
    "unassigned": "scope=organization&unassigned=on",
}


@dataclass(frozen=True)
class Dashboard:
    monitorings: list[Monitoring]
    overdue_mine: int
    overdue_organization: int
    tasks: dict[str, int]
    due_soon_days: int = DUE_SOON_DAYS
    links: dict[str, str] = field(default_factory=lambda: dict(DASHBOARD_LINKS))
    task_links: dict[str, str] = field(default_factory=lambda: dict(TASK_LINKS))


DASHBOARD_MONITORINGS = 10


def dashboard(actor: Actor) -> Dashboard | None:
    """What the home page shows of plans: monitoring due or overdue, and task counts."""
    if actor.organization_id is None:
        return None
    today = timezone.localdate()
    due = monitorings_due(actor=actor, scope="organization", today=today)
    overdue = due.filter(due_on__lt=today).aggregate(
        organization=Count("pk"), mine=Count("pk", filter=Q(plan__case__lead_worker=actor.user))
    )
    return Dashboard(
        monitorings=list(due[:DASHBOARD_MONITORINGS]),
        overdue_mine=int(overdue["mine"] or 0),
        overdue_organization=int(overdue["organization"] or 0),
        tasks=task_counts(actor=actor, today=today),
    )


# --- Notifications about tasks and monitorings, shown to their reader -------------------------


def render_task_notifications(actor: Actor, ids: Sequence[int]) -> dict[int, Shown]:
    tasks = (
        tasks_visible_to(actor)
        .filter(pk__in=ids)
        .select_related(
            "case__person",
            "case__household",
            "plan_item",
            "contingency_action__trigger",
            "progress_note",
        )
    )
    return {
        task.pk: Shown(
            title=_("タスク「%(title)s」") % {"title": task.display_title},
            url=reverse("plans:task_list"),
            person_ids=(task.case.person_id,) if task.case and task.case.person_id else (),
        )
        for task in tasks
    }


def render_monitoring_notifications(actor: Actor, ids: Sequence[int]) -> dict[int, Shown]:
    monitorings = (
        monitorings_visible_to(actor)
        .filter(pk__in=ids)
        .select_related("plan__case__person", "plan__case__household")
    )
    return {
        monitoring.pk: Shown(
            title=_("「%(case)s」のモニタリング（予定日 %(due)s）")
            % {"case": monitoring.plan.case, "due": monitoring.due_on.isoformat()},
            url=reverse("plans:monitoring_detail", kwargs={"monitoring_id": monitoring.pk}),
            person_ids=(monitoring.plan.case.person_id,) if monitoring.plan.case.person_id else (),
        )
        for monitoring in monitorings
    }
