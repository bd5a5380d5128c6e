"""Who may see and change the expertise directory, and the directory itself.

The directory is the network's own (seed 002: the offices' expertise as a shared community
asset): every member of a network organization (the consultation offices, the core center, the
ward offices, the city) reads it; anyone else gets the 404 of a page that does not exist,
audited.  An office's staff and managers keep their own office's declarations; another office's
declaration is a 404 to them, as a missing one is.

What the records show is a count of closed cases per office and theme, never a case or a
person; a count from 1 to 4 is shown as "5件未満" (`SMALL_COUNT_LIMIT`) and ranks the same as any
other small count, so that neither the page nor the API tells 1 from 4.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.cases.models import Case, CaseStatus, CaseTeamMember
from tsunagu.core.actor import Actor
from tsunagu.core.errors import NotFound
from tsunagu.core.validators import MAX_ID
from tsunagu.expertise.models import FACTOR_THEMES, ExpertiseDeclaration, Theme
from tsunagu.organizations.models import Area, AreaKind, Organization, OrganizationKind
from tsunagu.trainings.models import Attendance, EventStatus, Registration, RegistrationStatus

# Who reads the directory: the network's consultation offices, the core center, the ward
# offices and the city department.
NETWORK_KINDS = (
    OrganizationKind.CORE_CENTER,
    OrganizationKind.COMMISSIONED_OFFICE,
    OrganizationKind.DESIGNATED_PLANNING_OFFICE,
    OrganizationKind.COMMUNITY_TRANSITION_OFFICE,
    OrganizationKind.CHILD_PLANNING_OFFICE,
    OrganizationKind.WARD_OFFICE,
    OrganizationKind.CITY_DEPARTMENT,
)
# Who is listed, and declares: those one asks for advice or joint support.
ADVISOR_KINDS = (
    OrganizationKind.CORE_CENTER,
    OrganizationKind.COMMISSIONED_OFFICE,
    OrganizationKind.DESIGNATED_PLANNING_OFFICE,
    OrganizationKind.COMMUNITY_TRANSITION_OFFICE,
    OrganizationKind.CHILD_PLANNING_OFFICE,
)
SMALL_COUNT_LIMIT = 5  # counts below this (and above 0) are shown as "5件未満"

DECLARATION = "expertise.expertisedeclaration"


def may_view(actor: Actor) -> bool:
    org = actor.organization
    return org is not None and org.is_active and org.kind in NETWORK_KINDS


def may_declare(actor: Actor) -> bool:
    """An office's staff and managers keep its declarations (read-only members do not)."""
    org = actor.organization
    return org is not None and org.is_active and org.kind in ADVISOR_KINDS and actor.can_write


def declarations_of(actor: Actor) -> QuerySet[ExpertiseDeclaration]:
    """The acting office's own declarations (none for anyone who may not declare)."""
    if not may_declare(actor) or actor.organization_id is None:
        return ExpertiseDeclaration.objects.none()
    return ExpertiseDeclaration.objects.filter(
        organization_id=actor.organization_id
    ).select_related("declared_by")


def access_declaration(actor: Actor, declaration_id: object) -> ExpertiseDeclaration:
    """The acting office's declaration, for a change; else NotFound (audited), whether it is
    another office's or does not exist."""
    try:
        pk = int(str(declaration_id))
    except ValueError:
        pk = 0
    found = (
        declarations_of(actor).filter(pk=pk).select_related("organization").first()
        if 0 < pk <= MAX_ID
        else None
    )
    if found is None:
        audit.record_denial(
            actor,
            target_type=DECLARATION,
            target_id=str(declaration_id)[:40],
            reason="not a declaration of the acting organization",
        )
        raise NotFound(_("見つかりません。"))
    return found


# --- The directory ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """What shows that an office knows one theme.  The closed-case count is kept only as shown:
    `closed_cases` is None when it is suppressed (1–4), `closed_band` says which."""

    theme: str
    declaration: ExpertiseDeclaration | None
    closed_band: str  # "none", "under_5", "count"
    closed_cases: int | None
    trainings: int

    @property
    def theme_label(self) -> str:
        return str(Theme(self.theme).label)

    @property
    def closed_label(self) -> str:
        if self.closed_band == "under_5":
            return _("5件未満")
        if self.closed_band == "count":
            return _("%(count)s件") % {"count": self.closed_cases}
        return _("なし")

    @property
    def score(self) -> int:
        """Declared counts 2; the records 2 from five cases on, 1 below; each completed
        training 1, up to 2."""
        band = {"none": 0, "under_5": 1, "count": 2}[self.closed_band]
        return (2 if self.declaration else 0) + band + min(self.trainings, 2)


@dataclass(frozen=True)
class Entry:
    organization: Organization
    areas: tuple[str, ...]
    city_wide: bool
    evidence: tuple[Evidence, ...]

    @property
    def score(self) -> int:
        return sum(e.score for e in self.evidence)

    @property
    def shown_cases(self) -> int:
        return sum(e.closed_cases or 0 for e in self.evidence)


def shown_count(count: int) -> tuple[str, int | None]:
    """A count as it may be shown: ("none", 0), ("under_5", None) or ("count", n)."""
    if count <= 0:
        return "none", 0
    if count < SMALL_COUNT_LIMIT:
        return "under_5", None
    return "count", count


def closed_case_counts(organization_ids: Iterable[int]) -> dict[tuple[int, str], int]:
    """How many distinct closed cases each organization led or was on the team of, per theme
    their difficulty factors show.  Two queries, counted here (JSON containment is not a lookup
    SQLite has)."""
    wanted = set(organization_ids)
    closed = Case.objects.filter(status=CaseStatus.CLOSED).exclude(difficulty_factors=[])
    themes_of: dict[int, set[str]] = {}
    orgs_of: dict[int, set[int]] = defaultdict(set)
    for pk, lead_id, factors in closed.values_list(
        "pk", "lead_organization_id", "difficulty_factors"
    ):
        themes = {
            FACTOR_THEMES[f] for f in factors or () if isinstance(f, str) and f in FACTOR_THEMES
        }
        if themes:
            themes_of[pk] = themes
            orgs_of[pk].add(lead_id)
    team = CaseTeamMember.objects.filter(
        case__in=closed.values("pk"), organization_id__in=wanted
    ).values_list("case_id", "organization_id")
    for case_id, org_id in team:
        if case_id in themes_of:
            orgs_of[case_id].add(org_id)
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for case_id, themes in themes_of.items():
        for org_id in orgs_of[case_id] & wanted:
            for theme in themes:
                counts[org_id, theme] += 1
    return dict(counts)


def training_counts(organization_ids: Iterable[int]) -> dict[tuple[int, str], int]:
    """The trainings on each theme that the workers of each organization completed: per
    (organization, theme), the recorded attendances ("出席") on held events covering that theme
    (`TrainingEvent.themes`), counted for the office the worker attended for (kept on the
    registration, so a worker who moves leaves the count with the old office).  One query,
    counted here (JSON containment is not a lookup SQLite has)."""
    wanted = set(organization_ids)
    counts: dict[tuple[int, str], int] = defaultdict(int)
    rows = Registration.objects.filter(
        organization_id__in=wanted,
        status=RegistrationStatus.REGISTERED,
        attendance=Attendance.ATTENDED,
        event__status=EventStatus.HELD,
    ).values_list("organization_id", "event__themes")
    for org_id, themes in rows:
        for theme in set(themes or ()):
            if isinstance(theme, str) and theme in Theme.values:
                counts[org_id, theme] += 1
    return dict(counts)


def wards() -> QuerySet[Area]:
    return Area.objects.filter(kind=AreaKind.WARD).order_by("sort_order", "code")


def _areas_within(ward: Area) -> set[int]:
    """The ward and every area under it (catchment areas, school districts)."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in Area.objects.values_list("pk", "parent_id"):
        children[parent_id].append(pk)
    found, todo = set(), [ward.pk]
    while todo:
        pk = todo.pop()
        found.add(pk)
        todo.extend(children[pk])
    return found


def directory(actor: Actor, *, theme: str = "", ward: Area | None = None) -> list[Entry]:
    """The offices with any evidence (on `theme`, if given) serving `ward` (an area within it,
    or the whole city), best evidence first.  The read is audited (no persons are shown)."""
    audit.require_role(actor, may_view, view="expertise")
    offices = (
        Organization.objects.active()
        .filter(kind__in=ADVISOR_KINDS)
        .prefetch_related("areas_served")
        .order_by("name_kana", "name", "pk")
    )
    if ward is not None:
        within = _areas_within(ward)
        offices = offices.filter(
            areas_served__in=within
            | set(Area.objects.filter(kind=AreaKind.CITY).values_list("pk", flat=True))
        ).distinct()
    office_list = list(offices)
    ids = [o.pk for o in office_list]
    counts = closed_case_counts(ids)
    trainings = training_counts(ids)
    declared: dict[int, dict[str, ExpertiseDeclaration]] = defaultdict(dict)
    rows = ExpertiseDeclaration.objects.filter(organization_id__in=ids)
    if theme:
        rows = rows.filter(theme=theme)
    for d in rows.select_related("declared_by"):
        declared[d.organization_id][d.theme] = d
    themes = [theme] if theme else list(Theme.values)
    entries = []
    for office in office_list:
        evidence = []
        for t in themes:
            band, shown = shown_count(counts.get((office.pk, t), 0))
            item = Evidence(
                theme=t,
                declaration=declared[office.pk].get(t),
                closed_band=band,
                closed_cases=shown,
                trainings=trainings.get((office.pk, t), 0),
            )
            if item.score:
                evidence.append(item)
        if evidence:
            served = list(office.areas_served.all())
            evidence.sort(key=lambda e: (-e.score, Theme.values.index(e.theme)))
            entries.append(
                Entry(
                    organization=office,
                    areas=tuple(a.name for a in served),
                    city_wide=any(a.kind == AreaKind.CITY for a in served),
                    evidence=tuple(evidence),
                )
            )
    entries.sort(key=lambda e: (-e.score, -e.shown_cases))
    audit.record_read(
        actor,
        view="expertise",
        person_ids=(),
        filters={"theme": theme, "ward": ward.pk if ward else ""},
    )
    return entries
