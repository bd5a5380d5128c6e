"""Writes of the abuse response: each in one transaction with its audit row.

receive (第7条・第16条・第22条) → fact-finding (第9条) → the core-member meeting's judgement and
measures (第9条第2項・第10条・第11条) → monitoring → closure; a facility or employer report
needs the date it was reported to the prefecture (第17条・第23条) before it closes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.abuse import access
from tsunagu.abuse.models import (
    AbuseReport,
    AbuseType,
    Judgement,
    Measure,
    ReportStatus,
)
from tsunagu.accounts.models import User
from tsunagu.audit import services as audit
from tsunagu.audit.actions import register_action
from tsunagu.audit.models import Action
from tsunagu.cases.access import persons_visible_to
from tsunagu.core.actor import Actor
from tsunagu.core.errors import FieldErrors, Forbidden, Invalid
from tsunagu.core.validation import full_clean_fields
from tsunagu.notifications.models import NotificationKind
from tsunagu.notifications.services import notify
from tsunagu.organizations.models import Membership, OrganizationKind
from tsunagu.people.models import Person

ACTION_FACT_FOUND = register_action("abuse.fact_found", gettext_lazy("虐待の事実確認の記録"))
ACTION_JUDGED = register_action("abuse.judged", gettext_lazy("コアメンバー会議の判断の記録"))
ACTION_STATUS = register_action("abuse.status_changed", gettext_lazy("虐待対応の状態変更"))
ACTION_PREFECTURE = register_action(
    "abuse.prefecture_reported", gettext_lazy("虐待の都道府県への報告の記録")
)
ACTION_OVERDUE_NOTIFIED = register_action(
    "abuse.overdue_notified", gettext_lazy("虐待の事実確認の期限超過の通知")
)

DEFAULT_HOURS = 48


def fact_finding_hours() -> int:
    return int(getattr(settings, "TSUNAGU_ABUSE_FACT_FINDING_HOURS", DEFAULT_HOURS))


def _require_responder(actor: Actor, report: AbuseReport | None = None) -> None:
    if access.may_respond(actor):
        return
    audit.record_denial(
        actor,
        target_type=access.REPORT,
        target_id=report.pk if report is not None else "",
        reason="not a response organization writer",
    )
    raise Forbidden(_("虐待対応を記録できるのは市担当課と基幹相談支援センターの職員です。"))


def response_staff() -> Any:
    """The users who may be on a response team: current staff of the response organizations."""
    ids = (
        Membership.objects.current()
        .filter(organization__kind__in=access.RESPONSE_KINDS)
        .values("user_id")
    )
    return User.objects.filter(pk__in=ids, is_active=True).order_by("pk")


def _check_team(team: list[User]) -> None:
    if not team:
        raise FieldErrors({"response_team": _("対応チームの職員を選んでください。")})
    allowed = set(response_staff().filter(pk__in=[u.pk for u in team]).values_list("pk", flat=True))
    if any(u.pk not in allowed for u in team):
        raise FieldErrors(
            {"response_team": _("対応チームは市担当課と基幹相談支援センターの職員から選びます。")}
        )


def _check_types(abuse_types: list[str]) -> list[str]:
    chosen = [t for t in AbuseType.values if t in set(abuse_types)]
    if not chosen or len(chosen) != len(set(abuse_types)):
        raise FieldErrors({"abuse_types": _("虐待の種別を選んでください。")})
    return chosen


@audit.atomic_with_refusals
def report_receive(
    actor: Actor,
    *,
    received_at: dt.datetime,
    abuser_type: str,
    abuse_types: Iterable[str],
    summary: str,
    victim_label: str,
    response_team: Iterable[User],
    person: Person | None = None,
    reporter_name: str = "",
    reporter_contact: str = "",
    reporter_relation: str = "",
) -> AbuseReport:
    _require_responder(actor)
    organization = actor.organization
    assert organization is not None  # noqa: S101  # may_respond says so
    team = list(response_team)
    _check_team(team)
    if actor.user not in team:
        team.append(actor.user)  # who receives the report knows the reporter already
    if person is not None and not persons_visible_to(actor).filter(pk=person.pk).exists():
        raise FieldErrors({"person": _("選んだ本人が見つかりません。")})
    if received_at > timezone.now() + dt.timedelta(minutes=5):
        raise FieldErrors({"received_at": _("受付日時に未来の日時は入れられません。")})
    report = AbuseReport(
        receiving_organization=organization,
        received_at=received_at,
        fact_finding_due=received_at + dt.timedelta(hours=fact_finding_hours()),
        abuser_type=abuser_type,
        abuse_types=_check_types(list(abuse_types)),
        summary=summary.strip(),
        victim_label=victim_label.strip(),
        person=person,
        reporter_name=reporter_name.strip(),
        reporter_contact=reporter_contact.strip(),
        reporter_relation=reporter_relation.strip(),
        created_by=actor.user,
    )
    full_clean_fields(report)
    report.save()
    report.response_team.set(team)
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=report,
        # The reporter's identity is never written in the log: only that it was given.
        detail={
            "abuser_type": report.abuser_type,
            "abuse_types": report.abuse_types,
            "person": report.person_id,
            "reporter_given": bool(report.reporter_name or report.reporter_contact),
            "team": sorted(u.pk for u in team),
        },
        person_ids=[person.pk] if person is not None else [],
    )
    return report


def _locked(report: AbuseReport) -> AbuseReport:
    return AbuseReport.objects.select_for_update().get(pk=report.pk)


@audit.atomic_with_refusals
def team_set(actor: Actor, *, report: AbuseReport, response_team: Iterable[User]) -> AbuseReport:
    _require_responder(actor, report)
    report = _locked(report)
    team = list(response_team)
    _check_team(team)
    before = sorted(report.response_team.values_list("pk", flat=True))
    report.response_team.set(team)
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=report,
        detail={"team": {"before": before, "after": sorted(u.pk for u in team)}},
    )
    return report


@audit.atomic_with_refusals
def fact_finding_record(
    actor: Actor, *, report: AbuseReport, visited_on: dt.date, visited_by: str, findings: str
) -> AbuseReport:
    _require_responder(actor, report)
    report = _locked(report)
    if report.status not in (ReportStatus.RECEIVED, ReportStatus.FACT_FINDING):
        raise Invalid(_("判断の済んだ通報の事実確認は変更できません。"))
    if visited_on < timezone.localtime(report.received_at).date():
        raise FieldErrors({"visited_on": _("訪問日は受付日より前にはできません。")})
    if visited_on > timezone.localdate():
        raise FieldErrors({"visited_on": _("訪問日に未来の日付は入れられません。")})
    report.visited_on = visited_on
    report.visited_by = visited_by.strip()
    report.findings = findings.strip()
    if report.fact_found_at is None:
        report.fact_found_at = timezone.now()
    report.status = ReportStatus.FACT_FINDING
    full_clean_fields(report)
    report.save()
    audit.record(
        action=ACTION_FACT_FOUND,
        actor=actor,
        target=report,
        detail={
            "visited_on": visited_on.isoformat(),
            "within_deadline": report.fact_found_at <= report.fact_finding_due,
        },
    )
    return report


@audit.atomic_with_refusals
def judgement_record(
    actor: Actor,
    *,
    report: AbuseReport,
    meeting_on: dt.date,
    attendees: str,
    judgement: str,
    measures: Iterable[str] = (),
) -> AbuseReport:
    _require_responder(actor, report)
    report = _locked(report)
    if report.status != ReportStatus.FACT_FINDING:
        raise Invalid(_("コアメンバー会議の判断は、事実確認の後に記録します。"))
    if judgement not in Judgement.values:
        raise FieldErrors({"judgement": _("判断を選んでください。")})
    chosen = set(measures)
    if chosen - set(Measure.values):
        raise FieldErrors({"measures": _("対応の選択肢から選んでください。")})
    if report.visited_on is not None and meeting_on < report.visited_on:
        raise FieldErrors({"meeting_on": _("会議の日は訪問日より前にはできません。")})
    report.meeting_on = meeting_on
    report.meeting_attendees = attendees.strip()
    report.judgement = judgement
    report.measures = [m for m in Measure.values if m in chosen]
    report.status = ReportStatus.JUDGED
    full_clean_fields(report)
    report.save()
    audit.record(
        action=ACTION_JUDGED,
        actor=actor,
        target=report,
        detail={
            "meeting_on": meeting_on.isoformat(),
            "judgement": judgement,
            "measures": report.measures,
        },
    )
    return report


@audit.atomic_with_refusals
def prefecture_record(actor: Actor, *, report: AbuseReport, reported_on: dt.date) -> AbuseReport:
    _require_responder(actor, report)
    report = _locked(report)
    if not report.needs_prefecture:
        raise Invalid(_("都道府県への報告は、施設従事者等と使用者による虐待の通報で記録します。"))
    if reported_on < timezone.localtime(report.received_at).date():
        raise FieldErrors({"reported_on": _("報告日は受付日より前にはできません。")})
    before = report.prefecture_reported_on
    report.prefecture_reported_on = reported_on
    full_clean_fields(report)
    report.save()
    audit.record(
        action=ACTION_PREFECTURE,
        actor=actor,
        target=report,
        detail={
            "before": before.isoformat() if before else None,
            "after": reported_on.isoformat(),
        },
    )
    return report


@audit.atomic_with_refusals
def monitoring_start(actor: Actor, *, report: AbuseReport) -> AbuseReport:
    _require_responder(actor, report)
    report = _locked(report)
    if report.status != ReportStatus.JUDGED:
        raise Invalid(_("モニタリングは、コアメンバー会議の判断の後に始めます。"))
    report.status = ReportStatus.MONITORING
    report.save()
    audit.record(
        action=ACTION_STATUS,
        actor=actor,
        target=report,
        detail={"from": ReportStatus.JUDGED, "to": ReportStatus.MONITORING},
    )
    return report


@audit.atomic_with_refusals
def report_close(
    actor: Actor, *, report: AbuseReport, closed_on: dt.date, note: str = ""
) -> AbuseReport:
    _require_responder(actor, report)
    report = _locked(report)
    if report.status not in (ReportStatus.JUDGED, ReportStatus.MONITORING):
        raise Invalid(_("終結は、コアメンバー会議の判断の後にできます。"))
    if report.needs_prefecture and report.prefecture_reported_on is None:
        raise Invalid(
            _("施設従事者等・使用者による虐待は、都道府県への報告日を記録してから終結します。")
        )
    if report.meeting_on is not None and closed_on < report.meeting_on:
        raise FieldErrors({"closed_on": _("終結日はコアメンバー会議の日より前にはできません。")})
    if closed_on > timezone.localdate():
        raise FieldErrors({"closed_on": _("終結日に未来の日付は入れられません。")})
    before = report.status
    report.status = ReportStatus.CLOSED
    report.closed_on = closed_on
    report.closing_note = note.strip()
    full_clean_fields(report)
    report.save()
    audit.record(
        action=ACTION_STATUS,
        actor=actor,
        target=report,
        detail={"from": before, "to": ReportStatus.CLOSED, "closed_on": closed_on.isoformat()},
    )
    return report


# --- Overdue fact-findings -----------------------------------------------------------------


def overdue_recipients(report: AbuseReport) -> list[User]:
    """Who hears that a fact-finding is overdue: the report's response team (city and core
    center staff named on it) and the current staff of the core center, who coordinate the
    response with the city (seed 004).  Only users of a response organization: the team is
    checked on every change, and the core center is one."""
    core_center = Membership.objects.current().filter(
        organization__kind=OrganizationKind.CORE_CENTER
    )
    ids = set(report.response_team.values_list("pk", flat=True))
    ids.update(core_center.values_list("user_id", flat=True))
    return list(response_staff().filter(pk__in=ids))


def overdue_notify(*, now: dt.datetime | None = None) -> list[AbuseReport]:
    """Tell the response team and the core center once per report that its fact-finding has
    passed its deadline (run every hour by the background worker: reports/periodic.py).  A
    report recorded as fact-found, judged or closed in between is not notified."""
    moment = now or timezone.now()
    late = AbuseReport.objects.filter(
        status=ReportStatus.RECEIVED,
        fact_finding_due__lt=moment,
        overdue_notified_at__isnull=True,
    ).order_by("fact_finding_due", "pk")
    notified = []
    for pk in list(late.values_list("pk", flat=True)):
        with audit.atomic():
            row = AbuseReport.objects.select_for_update().get(pk=pk)
            if row.overdue_notified_at is not None or row.status != ReportStatus.RECEIVED:
                continue  # another worker was first, or the fact-finding came in meanwhile
            sent = notify(
                recipients=overdue_recipients(row),
                kind=NotificationKind.ABUSE_FACT_FINDING_OVERDUE,
                target=row,
            )
            row.overdue_notified_at = timezone.now()
            row.save(update_fields=["overdue_notified_at"])
            audit.record(
                action=ACTION_OVERDUE_NOTIFIED,
                target=row,
                detail={
                    "fact_finding_due": row.fact_finding_due.isoformat(),
                    "recipients": sorted(n.recipient_id for n in sent),
                },
            )
            notified.append(row)
    return notified


def record_viewed(actor: Actor, report: AbuseReport, *, view: str) -> None:
    audit.record(
        action=Action.RECORD_VIEWED,
        actor=actor,
        target=report,
        detail={"view": view, "path": actor.origin.path},
        person_ids=[report.person_id] if report.person_id else [],
    )
