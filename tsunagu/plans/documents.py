"""What the printed and exchanged documents of a plan read: the plan or monitoring with
everything on the form, gathered once, through the access layer.

The download views and the API fetch the object here (404 for missing and not-yours alike, as
everywhere) and write one audit row for the export instead of the plain `record.viewed` row,
so the "who looked at my record" report shows that the plan left the system and in which form.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.cases.access import access_object, active_team_members
from tsunagu.cases.models import Case, CaseTeamMember
from tsunagu.core.actor import Actor
from tsunagu.core.dates import era_of, era_year_label, wareki
from tsunagu.organizations.models import Organization
from tsunagu.people.models import Person
from tsunagu.plans import selectors
from tsunagu.plans.access import access_plan, monitorings_visible_to
from tsunagu.plans.models import (
    Monitoring,
    MonitoringFrequency,
    MonitoringGoalReport,
    PlanItem,
    SupportPlan,
    Weekday,
    WeeklyScheduleEntry,
)
from tsunagu.plans.schedule import monitoring_due_dates

# The hours the 週間計画表 shows, as on the MHLW form (early morning to late night).
WEEKLY_FIRST_HOUR = 6
WEEKLY_LAST_HOUR = 24


# --- Fetching and auditing --------------------------------------------------------------------


def plan_for_export(actor: Actor, plan_id: object) -> SupportPlan:
    """The plan, refused like `access_plan`; the export writes its own audit row."""
    return access_plan(actor, plan_id, audit_read=False)


def monitoring_for_export(actor: Actor, monitoring_id: object) -> Monitoring:
    queryset = monitorings_visible_to(actor).select_related(
        "plan",
        "plan__case",
        "plan__case__person",
        "plan__case__household",
        "plan__case__lead_organization",
        "plan__case__lead_worker",
        "plan__author",
        "conducted_by",
        "conducted_by_organization",
    )
    obj = access_object(actor, queryset, monitoring_id, for_write=False, audit_read=False)
    assert isinstance(obj, Monitoring)  # noqa: S101
    return obj


def record_export(actor: Actor, *, target: SupportPlan | Monitoring, event: str, fmt: str) -> None:
    """One `record.viewed` row marking the export (`event`: plan.exported or
    monitoring.exported; `fmt`: pdf, xlsx or fhir)."""
    case_id = target.case_id if isinstance(target, SupportPlan) else target.plan.case_id
    audit.record(
        action=Action.RECORD_VIEWED,
        actor=actor,
        target=target,
        detail={"event": event, "format": fmt, "case": case_id},
    )


# --- What a document shows --------------------------------------------------------------------


@dataclass(frozen=True)
class WeeklyCell:
    text: str  # the activity, in the first hour it covers
    provider: str
    filled: bool  # an activity covers this hour


@dataclass(frozen=True)
class WeeklyRow:
    hour: int
    label: str  # "6:00"
    cells: list[WeeklyCell]  # Monday to Sunday


@dataclass(frozen=True)
class Header:
    """The header block shared by the plan and the monitoring report."""

    person_name: str
    person_kana: str
    birth_date: str
    support_category: str
    recipient_numbers: str
    office_name: str
    planner_name: str
    created_on: str
    plan_period: str
    start_month: str  # 計画開始年月: 令和8年4月
    monitoring_period: str


@dataclass(frozen=True)
class PlanDocument:
    plan: SupportPlan
    case: Case
    person: Person | None
    header: Header
    wishes: str
    items: list[PlanItem]
    weekly_days: list[str]
    weekly_rows: list[WeeklyRow]
    weekly_entries: list[WeeklyScheduleEntry]
    agreement: str
    title: str
    filename_stem: str
    ring: selectors.ServiceRing


@dataclass(frozen=True)
class GoalRow:
    item: PlanItem
    report: MonitoringGoalReport | None


@dataclass(frozen=True)
class MonitoringDocument:
    monitoring: Monitoring
    plan: SupportPlan
    header: Header
    conducted_on: str
    conducted_by: str
    goals: list[GoalRow]
    title: str
    filename_stem: str


def _person_of(case: Case) -> Person | None:
    if case.person_id is not None:
        return case.person
    return None


def _case_title(case: Case) -> str:
    person = _person_of(case)
    if person is not None:
        return person.display_name
    if case.household_id is not None and case.household is not None:
        return case.household.name
    return case.title or str(case)


def monitoring_period_label(plan: SupportPlan) -> str:
    """モニタリング期間（開始年月）: 3か月ごと（令和8年3月から）."""
    frequency = MonitoringFrequency(plan.monitoring_frequency).label
    dates = monitoring_due_dates(
        start=plan.period_start,
        end=plan.period_end,
        frequency=plan.monitoring_frequency,
        custom_dates=[dt.date.fromisoformat(d) for d in plan.monitoring_dates],
    )
    if not dates:
        return str(frequency)
    return _("%(frequency)s（%(month)sから）") % {
        "frequency": frequency,
        "month": era_month(dates[0]),
    }


def era_month(day: dt.date) -> str:
    """令和8年4月 (the 年月 fields of the forms)."""
    era, year = era_of(day)
    return f"{era_year_label(era, year)}{day.month}月"


def _header(plan: SupportPlan) -> Header:
    case = plan.case
    person = _person_of(case)
    planner = plan.author.full_name or plan.author.username
    return Header(
        person_name=_case_title(case),
        person_kana=person.kana_name if person else "",
        birth_date=wareki(person.birth_date) if person and person.birth_date else "",
        support_category=(
            str(person.get_support_category_display()) if person and person.support_category else ""
        ),
        recipient_numbers="、".join(
            line.strip()
            for line in (person.recipient_numbers if person else "").splitlines()
            if line.strip()
        ),
        office_name=plan.author_organization.name,
        planner_name=planner,
        created_on=wareki(plan.drafted_on),
        plan_period=f"{wareki(plan.period_start)} 〜 {wareki(plan.period_end)}",
        start_month=era_month(plan.period_start),
        monitoring_period=monitoring_period_label(plan),
    )


def _weekly(entries: list[WeeklyScheduleEntry]) -> list[WeeklyRow]:
    rows = []
    for hour in range(WEEKLY_FIRST_HOUR, WEEKLY_LAST_HOUR, 2):
        cells = []
        for day in Weekday:
            covering = [
                e
                for e in entries
                if e.weekday == day.value
                and e.start_time.hour < hour + 2
                and (e.end_time.hour, e.end_time.minute) > (hour, 0)
            ]
            # An activity is written once, in the block it starts in (an early start in the
            # first block); the blocks it goes on through are only shaded.
            starting = [
                e
                for e in covering
                if hour <= e.start_time.hour < hour + 2
                or (hour == WEEKLY_FIRST_HOUR and e.start_time.hour < WEEKLY_FIRST_HOUR)
            ]
            cells.append(
                WeeklyCell(
                    text="・".join(
                        f"{e.start_time:%H:%M}〜{e.end_time:%H:%M} {e.activity}" for e in starting
                    ),
                    provider="・".join(e.provider for e in starting if e.provider),
                    filled=bool(covering),
                )
            )
        rows.append(WeeklyRow(hour=hour, label=f"{hour}:00", cells=cells))
    return rows


def plan_document(plan: SupportPlan) -> PlanDocument:
    case = plan.case
    person = _person_of(case)
    wishes = "\n".join(
        part
        for part in (
            plan.person_wishes and _("本人: ") + plan.person_wishes,
            plan.family_wishes and _("家族: ") + plan.family_wishes,
        )
        if part
    )
    entries = list(plan.weekly.order_by("weekday", "start_time", "pk"))
    agreement = ""
    if plan.agreed_on:
        agreement = _("%(day)s %(method)s") % {
            "day": wareki(plan.agreed_on),
            "method": plan.get_agreement_method_display(),
        }
    name = _case_title(case)
    items = list(selectors.plan_items(plan))
    return PlanDocument(
        plan=plan,
        case=case,
        person=person,
        header=_header(plan),
        wishes=wishes,
        items=items,
        weekly_days=[str(day.label) for day in Weekday],
        weekly_rows=_weekly(entries),
        weekly_entries=entries,
        agreement=agreement,
        title=_("サービス等利用計画"),
        filename_stem=_("サービス等利用計画_%(name)s_第%(version)d版")
        % {"name": name.replace(" ", ""), "version": plan.version},
        ring=selectors.service_ring(plan, items),
    )


def monitoring_document(monitoring: Monitoring) -> MonitoringDocument:
    plan = monitoring.plan
    reports = {r.plan_item_id: r for r in selectors.monitoring_goal_reports(monitoring)}
    goals = [GoalRow(item=item, report=reports.get(item.pk)) for item in selectors.plan_items(plan)]
    who = ""
    if monitoring.conducted_by is not None:
        who = monitoring.conducted_by.full_name or monitoring.conducted_by.username
    name = _case_title(plan.case)
    day = monitoring.conducted_on or monitoring.due_on
    return MonitoringDocument(
        monitoring=monitoring,
        plan=plan,
        header=_header(plan),
        conducted_on=wareki(monitoring.conducted_on) if monitoring.conducted_on else "",
        conducted_by=who,
        goals=goals,
        title=_("モニタリング報告書（継続サービス利用支援）"),
        filename_stem=_("モニタリング報告書_%(name)s_%(day)s")
        % {"name": name.replace(" ", ""), "day": f"{day:%Y%m%d}"},
    )


# --- The team, for the FHIR CareTeam ----------------------------------------------------------


def team_for_export(case: Case) -> list[CaseTeamMember]:
    """The team in force today (whose basis still holds), the lead first."""
    members = list(
        active_team_members()
        .filter(case=case)
        .select_related("organization", "worker")
        .order_by("joined_on", "pk")
    )
    members.sort(key=lambda m: m.organization_id != case.lead_organization_id)
    return members


def organizations_named(plan: SupportPlan, team: list[CaseTeamMember]) -> list[Organization]:
    """Every organization the export refers to: the lead, the author's, the team and the
    organizations responsible for items, each once."""
    found: dict[int, Organization] = {}
    for org in (plan.case.lead_organization, plan.author_organization):
        found.setdefault(org.pk, org)
    for member in team:
        found.setdefault(member.organization_id, member.organization)
    for item in selectors.plan_items(plan):
        if item.responsible_organization is not None:
            found.setdefault(item.responsible_organization.pk, item.responsible_organization)
    return list(found.values())


def latest_goal_reports(plan: SupportPlan) -> dict[int, MonitoringGoalReport]:
    """The most recent monitoring report of each item of the plan (for Goal.achievementStatus)."""
    latest: dict[int, MonitoringGoalReport] = {}
    reports = (
        MonitoringGoalReport.objects.filter(
            plan_item__plan=plan, monitoring__conducted_on__isnull=False
        )
        .select_related("monitoring")
        .order_by("monitoring__conducted_on", "pk")
    )
    for report in reports:
        latest[report.plan_item_id] = report
    return latest
