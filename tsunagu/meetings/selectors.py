"""Reads of meeting bodies, meetings and case conferences, scoped to the acting organization.

- A meeting body and its meetings are visible to its member organizations, its secretariat,
  the core center and the city department (their minutes hold no person data by design).
- A case conference is visible to the organizations that see its case (tsunagu/cases/access.py)
  and to an attendee organization with a valid basis for that conference's kind: a recorded
  confidentiality pledge (支援会議), a valid consent of the person naming it (consent-based
  kinds), or, for a case study session, the reviewed de-identified summary only.  Without a
  basis an attendee sees nothing: the conference answers 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import Case as DbCase
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.cases.access import access_object, cases_visible_to, visible_case_ids
from tsunagu.cases.models import (
    CONSENT_KINDS,
    Case,
    CaseConference,
    CaseTeamMember,
    ConferenceAttendee,
    ConferenceKind,
)
from tsunagu.cases.selectors import persons_shown
from tsunagu.core.actor import Actor
from tsunagu.core.dates import fiscal_months_passed, fiscal_year, fiscal_year_range
from tsunagu.core.errors import NotFound
from tsunagu.directory.models import SocialResource
from tsunagu.directory.rules import is_keeper
from tsunagu.meetings.models import (
    CommunityIssue,
    IssueStep,
    Meeting,
    MeetingActionItem,
    MeetingAttachment,
    MeetingBody,
    MeetingStatus,
    ResourceDevelopment,
)
from tsunagu.organizations.models import Area, Organization, OrganizationKind
from tsunagu.people.models import Consent, HouseholdMember, Person

OVERSIGHT_KINDS = (OrganizationKind.CORE_CENTER, OrganizationKind.CITY_DEPARTMENT)


def is_oversight(actor: Actor) -> bool:
    org = actor.organization
    return org is not None and org.kind in OVERSIGHT_KINDS


# --- Meeting bodies and meetings --------------------------------------------------------------


def bodies_visible_to(actor: Actor) -> QuerySet[MeetingBody]:
    if actor.organization_id is None:
        return MeetingBody.objects.none()
    if is_oversight(actor):
        return MeetingBody.objects.all()
    org_id = actor.organization_id
    return MeetingBody.objects.filter(
        Q(pk__in=MeetingBody.objects.filter(member_organizations=org_id).values("pk"))
        | Q(pk__in=MeetingBody.objects.filter(secretariats=org_id).values("pk"))
    )


def meetings_visible_to(actor: Actor) -> QuerySet[Meeting]:
    return Meeting.objects.filter(body__in=bodies_visible_to(actor))


DASHBOARD_MEETINGS = 5


def dashboard(actor: Actor) -> dict[str, Any]:
    """The context of meetings/partials/dashboard.html (the home page includes it): the next
    meetings of the actor's bodies, and action items that wait for the actor's organization
    to take them on.  Two queries."""
    if actor.organization_id is None:
        return {}
    upcoming = (
        meetings_visible_to(actor)
        .filter(status=MeetingStatus.SCHEDULED, starts_at__gte=timezone.now())
        .select_related("body")
        .order_by("starts_at", "pk")[:DASHBOARD_MEETINGS]
    )
    waiting = (
        MeetingActionItem.objects.filter(
            meeting__in=meetings_visible_to(actor),
            owner_organization_id=actor.organization_id,
            task__isnull=True,
        )
        .select_related("meeting")
        .order_by(F("due_on").asc(nulls_last=True), "pk")[:DASHBOARD_MEETINGS]
    )
    return {"upcoming_meetings": list(upcoming), "waiting_action_items": list(waiting)}


def is_secretariat(actor: Actor, body: MeetingBody) -> bool:
    return actor.organization_id is not None and any(
        org.pk == actor.organization_id for org in body.secretariats.all()
    )


def body_list(actor: Actor) -> QuerySet[MeetingBody]:
    return (
        bodies_visible_to(actor)
        .select_related("parent", "area")
        .prefetch_related("secretariats")
        .order_by("level", "parent_id", "kind", "name")
    )


def access_body(actor: Actor, body_id: object, *, for_write: bool = False) -> MeetingBody:
    queryset = (
        bodies_visible_to(actor)
        .select_related("parent", "area")
        .prefetch_related("secretariats", "member_organizations", "children")
    )
    obj = access_object(actor, queryset, body_id, for_write=for_write, audit_read=False)
    assert isinstance(obj, MeetingBody)  # noqa: S101
    return obj


def access_meeting(actor: Actor, meeting_id: object, *, for_write: bool = False) -> Meeting:
    queryset = (
        meetings_visible_to(actor)
        .select_related("body", "created_by")
        .prefetch_related(
            "body__secretariats",
            "body__member_organizations",
            "attendee_organizations",
            Prefetch(
                "action_items",
                queryset=MeetingActionItem.objects.select_related("owner_organization", "task"),
            ),
            Prefetch(
                "attachments", queryset=MeetingAttachment.objects.order_by("uploaded_at", "pk")
            ),
        )
    )
    obj = access_object(actor, queryset, meeting_id, for_write=for_write, audit_read=False)
    assert isinstance(obj, Meeting)  # noqa: S101
    return obj


def access_meeting_attachment(
    actor: Actor, attachment_id: object, *, for_write: bool = False
) -> MeetingAttachment:
    """An attachment of a meeting the actor may see, or NotFound (audited as access.denied).
    The download writes its own row (`record_meeting_attachment_downloaded`)."""
    queryset = MeetingAttachment.objects.filter(
        meeting__in=meetings_visible_to(actor)
    ).select_related("meeting__body")
    obj = access_object(actor, queryset, attachment_id, for_write=for_write, audit_read=False)
    assert isinstance(obj, MeetingAttachment)  # noqa: S101
    return obj


def record_meeting_attachment_downloaded(actor: Actor, attachment: MeetingAttachment) -> None:
    audit.record(
        action=Action.ATTACHMENT_DOWNLOADED,
        actor=actor,
        target=attachment,
        detail={"meeting": attachment.meeting_id},
    )


def access_action_item(actor: Actor, item_id: object) -> MeetingActionItem:
    queryset = MeetingActionItem.objects.filter(
        meeting__in=meetings_visible_to(actor)
    ).select_related("meeting", "owner_organization", "task")
    obj = access_object(actor, queryset, item_id, for_write=True)
    assert isinstance(obj, MeetingActionItem)  # noqa: S101
    return obj


def meetings_of_year(
    actor: Actor, *, year: int, body: MeetingBody | None = None
) -> QuerySet[Meeting]:
    start, end = fiscal_year_range(year)
    meetings = meetings_visible_to(actor).filter(
        starts_at__date__gte=start, starts_at__date__lte=end
    )
    if body is not None:
        meetings = meetings.filter(body=body)
    return meetings.select_related("body").order_by("starts_at", "pk")


def current_fiscal_year() -> int:
    return fiscal_year(timezone.localdate())


FISCAL_MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)


@dataclass(frozen=True)
class MonthOfYear:
    year: int
    month: int
    meetings: list[Meeting]


def calendar(actor: Actor, *, year: int) -> list[MonthOfYear]:
    by_month: dict[int, list[Meeting]] = {m: [] for m in FISCAL_MONTHS}
    for meeting in meetings_of_year(actor=actor, year=year):
        by_month[timezone.localtime(meeting.starts_at).month].append(meeting)
    return [
        MonthOfYear(year if month >= 4 else year + 1, month, by_month[month])
        for month in FISCAL_MONTHS
    ]


@dataclass(frozen=True)
class Compliance:
    body: MeetingBody
    required: int
    held: int
    scheduled: int
    missing_months: list[int]
    due: int  # of `required`, those due by now: pro rata for the months of the year passed

    @property
    def is_met(self) -> bool:
        """The year's number is held (a required month may still have been missed)."""
        return self.held >= self.required and not self.missing_months

    @property
    def is_short(self) -> bool:
        """Fewer held than are due by now, or a required month without a meeting held.

        Judged pro rata: in July a body that meets four times a year has one meeting due
        (April to June are over), not four."""
        return self.held < self.due or bool(self.missing_months)

    @property
    def cannot_reach(self) -> bool:
        """Even the meetings still scheduled would not make up the number."""
        return self.held + self.scheduled < self.required


def compliance(actor: Actor, *, year: int, today: dt.date | None = None) -> list[Compliance]:
    """For each visible body with a required frequency: meetings held against those required in
    fiscal year `year`, and against those due by `today` (pro rata by the whole months passed).
    A scheduled meeting whose day has passed is not counted as held."""
    day = today or timezone.localdate()
    start, end = fiscal_year_range(year)
    in_year = Q(meetings__starts_at__date__gte=start, meetings__starts_at__date__lte=end)
    bodies = (
        body_list(actor=actor)
        .filter(is_active=True)
        .annotate(
            held=Count("meetings", filter=in_year & Q(meetings__status=MeetingStatus.HELD)),
            scheduled=Count(
                "meetings",
                filter=in_year
                & Q(meetings__status=MeetingStatus.SCHEDULED)
                & Q(meetings__starts_at__date__gte=day),
            ),
        )
    )
    held_months: dict[int, set[int]] = {}
    for body_id, starts_at in Meeting.objects.filter(
        body__in=bodies.values("pk"),
        status=MeetingStatus.HELD,
        starts_at__date__gte=start,
        starts_at__date__lte=end,
    ).values_list("body_id", "starts_at"):
        held_months.setdefault(body_id, set()).add(timezone.localtime(starts_at).month)
    rows = []
    for body in bodies:
        if body.required_per_year == 0:
            continue
        past = [m for m in body.required_months if _month_end(year, m) < day]
        missing = [m for m in past if m not in held_months.get(body.pk, set())]
        rows.append(
            Compliance(
                body=body,
                required=body.required_per_year,
                held=body.held,
                scheduled=body.scheduled,
                missing_months=missing,
                due=body.required_per_year * fiscal_months_passed(year, day) // 12,
            )
        )
    return rows


def _month_end(year: int, month: int) -> dt.date:
    calendar_year = year if month >= 4 else year + 1
    if month == 12:
        return dt.date(calendar_year, 12, 31)
    return dt.date(calendar_year, month + 1, 1) - dt.timedelta(days=1)


# --- Case conferences -----------------------------------------------------------------------


def _valid_consent_for(org: int | OuterRef, day: dt.date) -> Exists:
    """A valid consent of the conference's person (or a current household member) naming
    `org`; evaluated inside a query of conference attendees (`org` may be
    OuterRef("organization_id"), the attendee's own organization)."""
    household_people = (
        HouseholdMember.objects.current(day)
        .filter(household_id=OuterRef(OuterRef("conference__case__household_id")))
        .values("person_id")
    )
    return Exists(
        Consent.objects.valid_on(day)
        .filter(organizations=org)  # type: ignore[misc]  # an id or OuterRef of one
        .filter(
            Q(person_id=OuterRef("conference__case__person_id")) | Q(person_id__in=household_people)
        )
    )


def _basis(org: int | OuterRef, day: dt.date) -> Q:
    return (
        Q(conference__kind=ConferenceKind.STATUTORY_SUPPORT_MEETING, pledged_at__isnull=False)
        | (Q(conference__kind__in=CONSENT_KINDS) & Q(_valid_consent_for(org, day)))
        | Q(
            conference__kind=ConferenceKind.CASE_STUDY_SESSION,
            conference__summary_reviewed_at__isnull=False,
        )
    )


def attendees_with_basis(org_id: int, *, on: dt.date | None = None) -> QuerySet[ConferenceAttendee]:
    """The attendee rows of `org_id` whose basis for seeing the conference holds today."""
    day = on or timezone.localdate()
    return ConferenceAttendee.objects.filter(organization_id=org_id).filter(_basis(org_id, day))


def conferences_visible_to(actor: Actor) -> QuerySet[CaseConference]:
    if actor.organization_id is None:
        return CaseConference.objects.none()
    return CaseConference.objects.filter(
        Q(case_id__in=visible_case_ids(actor))
        | Q(pk__in=attendees_with_basis(actor.organization_id).values("conference_id"))
    )


def access_conference(
    actor: Actor, conference_id: object, *, for_write: bool = False
) -> CaseConference:
    queryset = conferences_visible_to(actor).select_related(
        "case", "organizer", "body", "created_by", "summary_reviewed_by"
    )
    obj = access_object(actor, queryset, conference_id, for_write=for_write)
    assert isinstance(obj, CaseConference)  # noqa: S101
    return obj


def access_attendee(actor: Actor, attendee_id: object) -> ConferenceAttendee:
    queryset = ConferenceAttendee.objects.filter(
        conference__in=conferences_visible_to(actor)
    ).select_related("conference", "conference__case", "organization")
    obj = access_object(actor, queryset, attendee_id, for_write=True)
    assert isinstance(obj, ConferenceAttendee)  # noqa: S101
    return obj


def case_is_visible(actor: Actor, conference: CaseConference) -> bool:
    return cases_visible_to(actor).filter(pk=conference.case_id).exists()


def conference_attendees(conference: CaseConference) -> list[tuple[ConferenceAttendee, bool]]:
    """Each attendee with whether its basis holds today (to warn the organizer); one query."""
    day = timezone.localdate()
    attendees = (
        conference.attendees.select_related("organization")
        .annotate(
            has_basis=DbCase(
                When(_basis(OuterRef("organization_id"), day), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("pk")
    )
    return [(a, bool(a.has_basis)) for a in attendees]


def conference_list(actor: Actor, *, case_id: int) -> QuerySet[CaseConference]:
    return (
        conferences_visible_to(actor)
        .filter(case_id=case_id)
        .select_related("organizer", "body")
        .annotate(attendee_count=Count("attendees"))
    )


# --- Community issues ---------------------------------------------------------------------------


def issues_visible_to(actor: Actor) -> QuerySet[CommunityIssue]:
    """Community issues are written de-identified (the service checks the text against the
    source case) and shared across the network: every member acting for an organization reads
    them.  The link to the source case or conference is shown only to those who see it."""
    if actor.organization_id is None:
        return CommunityIssue.objects.none()
    return CommunityIssue.objects.all()


def issue_list(
    actor: Actor, *, stage: str = "", theme: str = "", area_id: int | None = None
) -> QuerySet[CommunityIssue]:
    issues = issues_visible_to(actor).select_related("area", "raised_by_organization")
    if stage:
        issues = issues.filter(stage=stage)
    if theme:
        issues = issues.filter(theme=theme)
    if area_id:
        issues = issues.filter(area_id=area_id)
    return issues


def council_issues(actor: Actor) -> list[CommunityIssue]:
    """The issues the council page and its handout show, each with its steps and their
    meetings."""
    steps = IssueStep.objects.select_related("meeting", "meeting__body")
    return list(issue_list(actor=actor).prefetch_related(Prefetch("steps", queryset=steps)))


def issues_for_listing(actor: Actor, issues: QuerySet[CommunityIssue]) -> QuerySet[CommunityIssue]:
    """The issues with what a list shows of each fetched for all of them at once: their steps
    (`issue_steps`) and whether the actor may open their source case and conference
    (`issue_source_links`)."""
    visible_case = Case.objects.filter(
        pk=OuterRef("source_case_id"), pk__in=visible_case_ids(actor)
    )
    visible_conference = conferences_visible_to(actor).filter(pk=OuterRef("source_conference_id"))
    return issues.annotate(
        source_case_visible=Exists(visible_case),
        source_conference_visible=Exists(visible_conference),
    ).prefetch_related(Prefetch("steps", queryset=_steps(), to_attr="steps_in_order"))


def issue_persons(issues: list[CommunityIssue]) -> list[int]:
    """The persons the issues were raised from (their source cases and conferences), for the
    audit row of a read: the text is de-identified, but it still derives from them."""
    case_ids = {i.source_case_id for i in issues if i.source_case_id}
    conference_ids = {i.source_conference_id for i in issues if i.source_conference_id}
    if not case_ids and not conference_ids:
        return []
    return persons_shown(
        cases=Case.objects.filter(Q(pk__in=case_ids) | Q(conferences__in=conference_ids))
    )


def conference_persons(conference: CaseConference) -> list[int]:
    """The persons a conference's case is about (its person, every member of its household),
    for the audit row of a read of what derives from it: the draft summary of a study session
    is generated from the case.  One query."""
    return persons_shown(cases=Case.objects.filter(pk=conference.case_id))


def access_issue(actor: Actor, issue_id: object, *, for_write: bool = False) -> CommunityIssue:
    queryset = issues_visible_to(actor).select_related(
        "area", "raised_by_organization", "raised_by"
    )
    obj = access_object(actor, queryset, issue_id, for_write=for_write, audit_read=False)
    assert isinstance(obj, CommunityIssue)  # noqa: S101
    return obj


def _steps() -> QuerySet[IssueStep]:
    return IssueStep.objects.select_related("meeting", "meeting__body", "recorded_by_organization")


def issue_steps(issue: CommunityIssue) -> list[IssueStep]:
    prefetched: list[IssueStep] | None = getattr(issue, "steps_in_order", None)
    if prefetched is not None:
        return prefetched
    return list(_steps().filter(issue=issue))


def issue_developments(issue: CommunityIssue) -> QuerySet[ResourceDevelopment]:
    """The resource developments recorded as coming from this issue: like the issue,
    de-identified and readable by every member of the network."""
    return issue.resource_developments.select_related("resource").order_by("-occurred_on", "-pk")


def issue_source_links(actor: Actor, issue: CommunityIssue) -> dict[str, int | None]:
    """The source case / conference ids, only when the actor may see them (read from
    `issues_for_listing`'s annotations when the issue came from a list)."""
    case_id = issue.source_case_id
    case_visible = getattr(issue, "source_case_visible", None)
    if case_visible is None and case_id is not None:
        case_visible = cases_visible_to(actor).filter(pk=case_id).exists()
    if not case_visible:
        case_id = None
    conference_id = issue.source_conference_id
    conference_visible = getattr(issue, "source_conference_visible", None)
    if conference_visible is None and conference_id is not None:
        conference_visible = conferences_visible_to(actor).filter(pk=conference_id).exists()
    if not conference_visible:
        conference_id = None
    return {"case_id": case_id, "conference_id": conference_id}


# --- Resource developments (資源開発) -----------------------------------------------------------
# De-identified, like the community issues they come from: every signed-in member reads them
# all.  The meeting a development came from is named only to those who may see that meeting.


def can_edit_development(actor: Actor, development: ResourceDevelopment) -> bool:
    """Any member who may write records a development; it is edited by its recording
    organization, the core center or the city department (the keepers of the directory)."""
    if is_keeper(actor):
        return True
    return actor.can_write and development.recorded_by_organization_id == actor.organization_id


def can_record_development(actor: Actor) -> bool:
    return actor.can_write and actor.organization is not None


def development_list() -> QuerySet[ResourceDevelopment]:
    return ResourceDevelopment.objects.select_related(
        "resource",
        "area",
        "recorded_by",
        "recorded_by_organization",
        "community_issue",
        "meeting",
        "meeting__body",
    )


def with_meeting_visibility(
    developments: QuerySet[ResourceDevelopment], actor: Actor
) -> QuerySet[ResourceDevelopment]:
    """Annotate `meeting_visible`: the actor may see the meeting a development came from, in
    the same query as the rows."""
    return developments.annotate(
        meeting_visible=Exists(meetings_visible_to(actor).filter(pk=OuterRef("meeting_id")))
    )


def resource_developments(actor: Actor, resource: SocialResource) -> QuerySet[ResourceDevelopment]:
    """The developments of one directory resource, for its staff page."""
    return with_meeting_visibility(
        ResourceDevelopment.objects.filter(resource=resource)
        .select_related("area", "community_issue", "meeting", "meeting__body")
        .order_by("-occurred_on"),
        actor,
    )


def development_issue_choices(actor: Actor) -> QuerySet[CommunityIssue]:
    """Community issues to link: their text is de-identified and every member reads them."""
    return issues_visible_to(actor).select_related("area").order_by("-created_at", "-pk")


def development_meeting_choices(actor: Actor) -> QuerySet[Meeting]:
    """Meetings to link: only those the actor may see."""
    return meetings_visible_to(actor).select_related("body").order_by("-starts_at", "-pk")


def development_detail(development_id: int) -> ResourceDevelopment:
    try:
        return development_list().get(pk=development_id)
    except ResourceDevelopment.DoesNotExist:
        raise NotFound(str(_("資源開発の記録が見つかりません。"))) from None


# --- The network picture (バウムクーヘン, seed 002) ----------------------------------------------

# Layers from the centre out, by Organization.kind: the consultation offices that carry the
# case, then the services around the person, then medical and administrative bodies, then the
# informal and community resources (seed 002: 本人中心の支援機関の層を厚くしていく).
LAYERS: tuple[tuple[str, StrOrPromise, frozenset[str]], ...] = (
    (
        "consultation",
        _("相談支援"),
        frozenset(
            {
                OrganizationKind.CORE_CENTER,
                OrganizationKind.COMMISSIONED_OFFICE,
                OrganizationKind.DESIGNATED_PLANNING_OFFICE,
                OrganizationKind.COMMUNITY_TRANSITION_OFFICE,
                OrganizationKind.CHILD_PLANNING_OFFICE,
                OrganizationKind.COMMUNITY_LIFE_HUB,
                OrganizationKind.HIKIKOMORI_SUPPORT_CENTER,
            }
        ),
    ),
    (
        "services",
        _("サービス・就労"),
        frozenset({OrganizationKind.SERVICE_PROVIDER, OrganizationKind.EMPLOYMENT_SUPPORT}),
    ),
    (
        "medical_admin",
        _("医療・行政・学校"),
        frozenset(
            {
                OrganizationKind.HOSPITAL,
                OrganizationKind.WARD_OFFICE,
                OrganizationKind.CITY_DEPARTMENT,
                OrganizationKind.ELDERLY_SUPPORT_CENTER,
                OrganizationKind.SCHOOL,
            }
        ),
    ),
    (
        "community",
        _("地域・インフォーマル"),
        frozenset(
            {
                OrganizationKind.SOCIAL_WELFARE_COUNCIL,
                OrganizationKind.WELFARE_COMMISSIONER,
                OrganizationKind.OTHER,
            }
        ),
    ),
)


def layer_of(kind: str) -> int:
    for index, (_code, _label, kinds) in enumerate(LAYERS):
        if kind in kinds:
            return index
    return len(LAYERS) - 1


@dataclass(frozen=True)
class NetworkOrganization:
    organization_id: int
    name: str
    kind_label: str
    layer: int
    cases: int
    is_new: bool  # took part this year and not the year before


@dataclass(frozen=True)
class NetworkYear:
    year: int
    organizations: list[NetworkOrganization]

    def layer_counts(self) -> list[tuple[StrOrPromise, int, int]]:
        """(label, organizations, case participations) per layer, centre first."""
        rows = []
        for index, (_code, label, _kinds) in enumerate(LAYERS):
            orgs = [o for o in self.organizations if o.layer == index]
            rows.append((label, len(orgs), sum(o.cases for o in orgs)))
        return rows


def area_and_below(area_id: int) -> list[int]:
    ids = [area_id]
    frontier = [area_id]
    while frontier:
        frontier = list(Area.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    return ids


def _participation(area_ids: list[int], year: int) -> dict[int, int]:
    """Organization id → number of cases in the area whose team it was on during `year`."""
    start, end = fiscal_year_range(year)
    in_area_people = Person.objects.filter(area_id__in=area_ids).values("pk")
    in_area_households = HouseholdMember.objects.filter(person__area_id__in=area_ids).values(
        "household_id"
    )
    rows = (
        CaseTeamMember.objects.filter(joined_on__lte=end)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=start))
        .filter(
            Q(case__person_id__in=in_area_people) | Q(case__household_id__in=in_area_households)
        )
        .values("organization_id")
        .annotate(cases=Count("case_id", distinct=True))
    )
    return {row["organization_id"]: row["cases"] for row in rows}


def network_picture(*, area_id: int, year: int) -> tuple[NetworkYear, NetworkYear]:
    """This year and the year before, aggregate only (no person data)."""
    areas = area_and_below(area_id)
    now = _participation(areas, year)
    before = _participation(areas, year - 1)
    orgs = {
        o.pk: o
        for o in Organization.objects.filter(pk__in=set(now) | set(before)).order_by(
            "kind", "name_kana", "name"
        )
    }

    def build(
        counts: dict[int, int], new_against: dict[int, int] | None
    ) -> list[NetworkOrganization]:
        return sorted(
            (
                NetworkOrganization(
                    organization_id=pk,
                    name=orgs[pk].name,
                    kind_label=orgs[pk].get_kind_display(),
                    layer=layer_of(orgs[pk].kind),
                    cases=count,
                    is_new=new_against is not None and pk not in new_against,
                )
                for pk, count in counts.items()
            ),
            key=lambda o: (o.layer, -o.cases, o.name),
        )

    return NetworkYear(year - 1, build(before, None)), NetworkYear(year, build(now, before))


def recent_conferences(actor: Actor, *, limit: int = 10) -> list[CaseConference]:
    """The latest conferences the actor may see (kind, date, organizer; no case details)."""
    return list(
        conferences_visible_to(actor)
        .select_related("organizer")
        .order_by("-held_at", "-pk")[:limit]
    )
