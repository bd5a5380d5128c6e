"""The figures of the core center's annual activity report, counted from the records of one
fiscal year (seed 000 is such a report).  Aggregates only: counts, the names of meeting
bodies, and the de-identified titles of community issues and resource developments; never a
person, a case or a note.

What is counted for the center (`center`), within the fiscal year up to `as_of`:
- consultations it received; cases it leads that were opened, open at some time, closed;
  the complex cases among them; the progress notes its staff wrote, by kind;
- the joint-support table of seed 000 (referrals.statistics, the whole city, as the seed's
  table counts every request), and the joint-support requests the center itself received
  and accepted;
- difficulty factors (seed 000, table 1; `Case.difficulty_factors`) of the complex cases the
  center leads or is on the team of, open at some time in the year;
- case conferences it organised, by kind (joint case reviews, case study sessions), and how
  many had a supervisor (SV);
- trainings it organised or co-organised and held in the year (seed 000: theme, lecturers,
  co-organisers, participants), with the registered, the attended and the certificates issued
  by the kind of the participants' organizations, and the attendance (attended / registered)
  and completion (certificates / attended) rates of the trainings held (issue 18); never the
  participants' names;
- network participation: the meeting bodies it is secretariat or member of (or attended),
  with the meetings held and the meetings it attended;
- community issues it raised, with where each went (the steps and their meetings);
- resource developments it recorded or that came from its issues;
- the hearings of the offices it held in the year (issue 19: individual hearings and group
  interviews, the offices heard, the findings drawn) and the directions the council adopted
  in the year from its hearing rounds.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.cases.models import (
    DIFFICULTY_GROUPS,
    Case,
    CaseConference,
    ConferenceKind,
    Consultation,
    DifficultyFactor,
)
from tsunagu.community import selectors as community_selectors
from tsunagu.core.dates import fiscal_year, fiscal_year_label, fiscal_year_range, wareki
from tsunagu.core.errors import Invalid
from tsunagu.hearings.models import Direction, Hearing, HearingKind, HearingStatus
from tsunagu.meetings.models import (
    CommunityIssue,
    IssueStage,
    Meeting,
    MeetingBody,
    MeetingStatus,
    ResourceDevelopment,
)
from tsunagu.moments.selectors import published_in
from tsunagu.organizations.models import Organization, OrganizationKind
from tsunagu.records.models import NoteKind, ProgressNote
from tsunagu.referrals.deadlines import start_of_local_day
from tsunagu.referrals.statistics import (
    JointSupportTable,
    Period,
    fiscal_years,
    joint_support_received,
    joint_support_table,
)
from tsunagu.trainings.models import (
    Attendance,
    EventStatus,
    Registration,
    RegistrationStatus,
    TrainingEvent,
)
from tsunagu.trials.selectors import TrialYear, trial_years


def first_year() -> int:
    """The first fiscal year with records (consultations, cases, requests, meetings): a city
    that imported its past years reaches back to them (the requests' years, those imported
    included, are the statistics')."""
    today = timezone.localdate()
    firsts: list[dt.date] = []
    for moment in (
        Consultation.objects.aggregate(m=Min("received_at"))["m"],
        Meeting.objects.aggregate(m=Min("starts_at"))["m"],
    ):
        if moment is not None:
            firsts.append(timezone.localdate(moment))
    opened = Case.objects.aggregate(m=Min("opened_on"))["m"]
    if opened is not None:
        firsts.append(opened)
    return min([fiscal_year(day) for day in firsts] + [fiscal_years()[-1], fiscal_year(today)])


def report_years() -> list[int]:
    """The fiscal years a report can be written for, newest first."""
    this_year = fiscal_year(timezone.localdate())
    return list(range(this_year, first_year() - 1, -1))


def check_year(year: int) -> int:
    """`year` if a report can be written for it; else Invalid, never another year."""
    years = report_years()
    if year not in years:
        raise Invalid(
            _(
                "%(year)s年度の報告書は作れません。%(first)sから%(last)sまでの年度を指定してください。"
            )
            % {
                "year": year,
                "first": fiscal_year_label(years[-1]),
                "last": fiscal_year_label(years[0]),
            }
        )
    return year


@dataclass(frozen=True)
class Row:
    label: str
    count: int


@dataclass(frozen=True)
class BodyRow:
    name: str
    kind: str
    role: str
    held: int
    attended: int


@dataclass(frozen=True)
class IssueRow:
    title: str
    theme: str
    raised_on: dt.date
    stage: str
    path: list[str]


@dataclass(frozen=True)
class DevelopmentRow:
    kind: str
    title: str
    occurred_on: dt.date


@dataclass(frozen=True)
class DifficultyGroup:
    label: str
    rows: list[Row]


@dataclass(frozen=True)
class DirectionRow:
    title: str
    theme: str
    adopted_on: dt.date
    round: str


@dataclass(frozen=True)
class TrainingRow:
    held_on: dt.date
    theme: str
    kind: str
    co_organizers: str
    attended: int
    registered: int = 0
    certificates: int = 0


@dataclass(frozen=True)
class KindRow:
    """Participants of one organization kind: registered (参加予定), attended, certified."""

    label: str
    registered: int
    attended: int
    certificates: int


@dataclass(frozen=True)
class MomentRow:
    text: str
    lesson: str
    published_on: dt.date


def rate(part: int, whole: int) -> str:
    """A percentage with one decimal ("66.7%"), or "—" when there is nothing to divide."""
    if whole <= 0:
        return "—"
    return f"{round(100 * part / whole, 1):g}%"


@dataclass
class AnnualFigures:
    center: str
    fiscal_year: int
    start: dt.date
    end: dt.date
    consultations: int = 0
    cases_opened: int = 0
    cases_open: int = 0
    cases_closed: int = 0
    complex_cases: int = 0
    notes: list[Row] = field(default_factory=list)
    notes_total: int = 0
    joint_support: JointSupportTable | None = None
    joint_received: int = 0
    joint_accepted: int = 0
    difficulty: list[DifficultyGroup] = field(default_factory=list)
    difficulty_cases: int = 0
    conferences: list[Row] = field(default_factory=list)
    conferences_with_supervisor: int = 0
    study_sessions: int = 0
    bodies: list[BodyRow] = field(default_factory=list)
    meetings_held: int = 0
    meetings_attended: int = 0
    issues: list[IssueRow] = field(default_factory=list)
    issues_by_stage: list[Row] = field(default_factory=list)
    developments: list[DevelopmentRow] = field(default_factory=list)
    trainings: list[TrainingRow] = field(default_factory=list)
    training_attendance: list[Row] = field(default_factory=list)
    training_participants: int = 0
    training_registered: int = 0
    training_certificates: int = 0
    training_by_kind: list[KindRow] = field(default_factory=list)
    hearings_individual: int = 0
    hearings_group: int = 0
    offices_heard: int = 0
    hearing_findings: int = 0
    directions: list[DirectionRow] = field(default_factory=list)
    community_by_kind: list[Row] = field(default_factory=list)
    community_total: int = 0
    community_connected: int = 0
    community_issues_raised: int = 0
    awareness_by_theme: list[Row] = field(default_factory=list)
    supporters_by_ward: list[Row] = field(default_factory=list)
    outreach_leads: int = 0
    outreach_connected: int = 0
    outreach_median_days: float | None = None
    # Issue 21: trial visits before deciding (the network's, this year and the two before) and
    # the motivating moments published to the council in the year (de-identified text).
    trial_years: list[TrialYear] = field(default_factory=list)
    moments: list[MomentRow] = field(default_factory=list)

    @property
    def training_attendance_rate(self) -> str:
        """Attended / registered (参加予定) of the trainings held."""
        return rate(self.training_participants, self.training_registered)

    @property
    def training_completion_rate(self) -> str:
        """Certificates issued / attended."""
        return rate(self.training_certificates, self.training_participants)

    @property
    def year_label(self) -> str:
        return fiscal_year_label(self.fiscal_year)

    @property
    def period_label(self) -> str:
        return _("%(start)sから%(end)sまで") % {
            "start": wareki(self.start),
            "end": wareki(self.end),
        }


def _between(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return start_of_local_day(start), start_of_local_day(end + dt.timedelta(days=1))


def _open_in(start: dt.date, end: dt.date) -> Q:
    return Q(opened_on__lte=end) & (Q(closed_on__isnull=True) | Q(closed_on__gte=start))


def annual_figures(
    center: Organization, year: int, *, today: dt.date | None = None
) -> AnnualFigures:
    today = today or timezone.localdate()
    start, year_end = fiscal_year_range(year)
    end = min(year_end, max(today, start))
    since, until = _between(start, end)
    figures = AnnualFigures(center=center.name, fiscal_year=year, start=start, end=end)
    _activity(figures, center, since, until)
    _joint_support(figures, center, Period(fiscal_year=year, as_of=end))
    _difficulty(figures, center)
    _conferences(figures, center, since, until)
    _trainings(figures, center)
    _network(figures, center, since, until)
    _issues(figures, center)
    _hearings(figures, center)
    _community(figures, center)
    _trials_and_moments(figures)
    return figures


def _community(f: AnnualFigures, center: Organization) -> None:
    """The center's community work in the year (issue 21 items 1-3): its activities by kind,
    those that led to a consultation or raised a community issue, its awareness events by
    theme, the 障がい者サポーター who completed its training per ward, and its outreach leads
    with the median days from a lead to the first contact.  Counts only."""
    year = community_selectors.year_figures(
        f.fiscal_year, organization_ids=[center.pk], leads_of=center.pk
    )
    f.community_by_kind = [Row(label, year.by_kind[k]) for k, label in year.kinds]
    f.community_total = year.total
    f.community_connected = year.connected
    f.community_issues_raised = year.issues_raised
    f.awareness_by_theme = [Row(label, n) for label, n in year.theme_rows]
    f.supporters_by_ward = [
        Row(label, year.supporters_by_ward[k])
        for k, label in year.wards
        if year.supporters_by_ward[k]
    ]
    f.outreach_leads = year.leads
    f.outreach_connected = year.leads_connected
    f.outreach_median_days = year.median_days_to_contact


def _trials_and_moments(f: AnnualFigures) -> None:
    """Trials per chosen service by fiscal year, and the moments quoted to the council."""
    f.trial_years = trial_years(f.fiscal_year)
    f.moments = [
        MomentRow(text=m.text, lesson=m.lesson, published_on=m.published_on)
        for m in published_in(f.start, f.end)
        if m.published_on is not None
    ]


def _hearings(f: AnnualFigures, center: Organization) -> None:
    """The hearings of the offices the center held in the year (held, their notes written or
    not), the offices heard, the findings drawn from them, and the directions adopted in the
    year from the center's rounds."""
    held = Hearing.objects.filter(
        round__holder=center,
        held_on__gte=f.start,
        held_on__lte=f.end,
        status__in=[HearingStatus.HELD, HearingStatus.NOTES_DONE],
    )
    kinds = dict(held.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    f.hearings_individual = kinds.get(HearingKind.INDIVIDUAL, 0)
    f.hearings_group = kinds.get(HearingKind.GROUP, 0)
    f.offices_heard = held.values("offices").exclude(offices=None).distinct().count()
    f.hearing_findings = held.values("findings").exclude(findings=None).distinct().count()
    adopted = (
        Direction.objects.filter(
            round__holder=center, adopted_on__gte=f.start, adopted_on__lte=f.end
        )
        .select_related("round")
        .order_by("adopted_on", "pk")
    )
    f.directions = [
        DirectionRow(d.title, d.get_theme_display(), d.adopted_on, d.round.title)
        for d in adopted
        if d.adopted_on is not None
    ]


def _activity(
    f: AnnualFigures, center: Organization, since: dt.datetime, until: dt.datetime
) -> None:
    f.consultations = Consultation.objects.filter(
        organization=center, received_at__gte=since, received_at__lt=until
    ).count()
    led = Case.objects.filter(lead_organization=center)
    f.cases_opened = led.filter(opened_on__gte=f.start, opened_on__lte=f.end).count()
    f.cases_open = led.filter(_open_in(f.start, f.end)).count()
    f.cases_closed = led.filter(closed_on__gte=f.start, closed_on__lte=f.end).count()
    f.complex_cases = led.filter(_open_in(f.start, f.end), is_complex=True).count()
    by_kind = dict(
        ProgressNote.objects.filter(
            author_organization=center, occurred_at__gte=since, occurred_at__lt=until
        )
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    f.notes = [Row(str(label), by_kind.get(kind, 0)) for kind, label in NoteKind.choices]
    f.notes_total = sum(by_kind.values())


def _trainings(f: AnnualFigures, center: Organization) -> None:
    """Trainings the center organised or co-organised, held in the year (not cancelled, not a
    draft), with who attended counted by the kind of their organization at the time."""
    events = (
        TrainingEvent.objects.filter(
            Q(organizer=center) | Q(co_organizers=center),
            held_on__gte=f.start,
            held_on__lte=f.end,
        )
        .exclude(status__in=[EventStatus.DRAFT, EventStatus.CANCELLED])
        .distinct()
        .annotate(
            attended=Count(
                "registrations",
                filter=Q(registrations__attendance=Attendance.ATTENDED),
                distinct=True,
            ),
            registered=Count(
                "registrations",
                filter=Q(registrations__status=RegistrationStatus.REGISTERED),
                distinct=True,
            ),
            certificates=Count(
                "registrations",
                filter=Q(registrations__certificate_issued_on__isnull=False),
                distinct=True,
            ),
        )
        .prefetch_related("co_organizers")
        .order_by("held_on", "pk")
    )
    f.trainings = [
        TrainingRow(
            held_on=event.held_on,
            theme=event.theme,
            kind=event.get_kind_display(),
            co_organizers="、".join(o.name for o in event.co_organizers.all()),
            attended=event.attended,
            registered=event.registered,
            certificates=event.certificates,
        )
        for event in events
    ]
    # Who took part, by the kind of their organization at the time: registered (参加予定, not
    # waiting or cancelled), attended, certified; counted from the held trainings only, so
    # that the attendance rate compares like with like.
    held_ids = [event.pk for event in events if event.status == EventStatus.HELD]
    per_kind: dict[str, list[int]] = {}
    for kind, attendance, certified in Registration.objects.filter(
        event__in=held_ids, status=RegistrationStatus.REGISTERED
    ).values_list("organization__kind", "attendance", "certificate_issued_on"):
        counts = per_kind.setdefault(kind, [0, 0, 0])
        counts[0] += 1
        counts[1] += attendance == Attendance.ATTENDED
        counts[2] += certified is not None
    f.training_by_kind = [
        KindRow(str(label), *per_kind[kind])
        for kind, label in OrganizationKind.choices
        if kind in per_kind
    ]
    f.training_registered = sum(c[0] for c in per_kind.values())
    f.training_certificates = sum(c[2] for c in per_kind.values())
    by_kind = dict(
        Registration.objects.filter(
            event__in=[event.pk for event in events], attendance=Attendance.ATTENDED
        )
        .values_list("organization__kind")
        .annotate(n=Count("pk"))
        .values_list("organization__kind", "n")
    )
    f.training_attendance = [
        Row(str(label), by_kind[kind])
        for kind, label in OrganizationKind.choices
        if kind in by_kind
    ]
    f.training_participants = sum(by_kind.values())


def _joint_support(f: AnnualFigures, center: Organization, period: Period) -> None:
    """The city's table of seed 000 and the requests the center received, each counting the
    requests imported from the registers of the years before Tsunagu with those sent in it."""
    f.joint_support = joint_support_table(period)
    received = joint_support_received(period, center)
    f.joint_received = received.received
    f.joint_accepted = received.accepted


def _difficulty(f: AnnualFigures, center: Organization) -> None:
    cases = (
        Case.objects.filter(_open_in(f.start, f.end), is_complex=True)
        .filter(Q(lead_organization=center) | Q(team__organization=center))
        .distinct()
    )
    counts: Counter[str] = Counter()
    total = 0
    for factors in cases.values_list("difficulty_factors", flat=True):
        total += 1
        counts.update(set(factors or []))
    f.difficulty_cases = total
    f.difficulty = [
        DifficultyGroup(
            label=str(group_label),
            rows=[
                Row(str(label), counts[code])
                for code, label in DifficultyFactor.choices
                if code.startswith(prefix)
            ],
        )
        for prefix, group_label in DIFFICULTY_GROUPS
    ]


def _conferences(
    f: AnnualFigures, center: Organization, since: dt.datetime, until: dt.datetime
) -> None:
    held = CaseConference.objects.filter(organizer=center, held_at__gte=since, held_at__lt=until)
    by_kind = dict(held.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    f.conferences = [
        Row(str(label), by_kind.get(kind, 0)) for kind, label in ConferenceKind.choices
    ]
    f.conferences_with_supervisor = held.exclude(supervisor_name="").count()
    f.study_sessions = by_kind.get(ConferenceKind.CASE_STUDY_SESSION, 0)


def _network(
    f: AnnualFigures, center: Organization, since: dt.datetime, until: dt.datetime
) -> None:
    meetings = Meeting.objects.filter(
        status=MeetingStatus.HELD, starts_at__gte=since, starts_at__lt=until
    )
    attended_ids = set(meetings.filter(attendee_organizations=center).values_list("body_id", "pk"))
    bodies = (
        MeetingBody.objects.filter(
            Q(secretariats=center)
            | Q(member_organizations=center)
            | Q(pk__in={body_id for body_id, _pk in attended_ids})
        )
        .distinct()
        .order_by("level", "kind", "name")
    )
    secretariat = set(MeetingBody.objects.filter(secretariats=center).values_list("pk", flat=True))
    member = set(
        MeetingBody.objects.filter(member_organizations=center).values_list("pk", flat=True)
    )
    held = Counter(meetings.values_list("body_id", flat=True))
    attended = Counter(body_id for body_id, _pk in attended_ids)
    for body in bodies:
        role = (
            _("事務局")
            if body.pk in secretariat
            else _("構成機関")
            if body.pk in member
            else _("出席")
        )
        f.bodies.append(
            BodyRow(
                name=body.name,
                kind=body.get_kind_display(),
                role=role,
                held=held[body.pk],
                attended=attended[body.pk],
            )
        )
    f.meetings_held = sum(row.held for row in f.bodies)
    f.meetings_attended = sum(row.attended for row in f.bodies)


def _issues(f: AnnualFigures, center: Organization) -> None:
    issues = (
        CommunityIssue.objects.filter(
            raised_by_organization=center, raised_on__gte=f.start, raised_on__lte=f.end
        )
        .prefetch_related("steps__meeting__body")
        .order_by("raised_on", "pk")
    )
    stages: Counter[str] = Counter()
    for issue in issues:
        stages[issue.get_stage_display()] += 1
        path = []
        for step in issue.steps.all():
            where = f"（{step.meeting.body.name}）" if step.meeting is not None else ""
            path.append(f"{step.get_stage_display()} {wareki(step.occurred_on)}{where}")
        f.issues.append(
            IssueRow(
                title=issue.title,
                theme=issue.get_theme_display(),
                raised_on=issue.raised_on,
                stage=issue.get_stage_display(),
                path=path,
            )
        )
    f.issues_by_stage = [
        Row(str(label), stages[str(label)])
        for _code, label in IssueStage.choices
        if stages[str(label)]
    ]
    developments = (
        ResourceDevelopment.objects.filter(occurred_on__gte=f.start, occurred_on__lte=f.end)
        .filter(
            Q(recorded_by_organization=center) | Q(community_issue__raised_by_organization=center)
        )
        .order_by("occurred_on", "pk")
    )
    f.developments = [
        DevelopmentRow(kind=d.get_kind_display(), title=d.title, occurred_on=d.occurred_on)
        for d in developments
    ]
