"""The abuse response API: the same access helpers, selectors and services as the screens.

The reporter's identity (`reporter`) is given only to the users on the report's response team,
with its own audit row; to anyone else it is null."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja import Field, Router, Schema, Status

from tsunagu.abuse import access, selectors, services
from tsunagu.abuse.models import (
    TEXT_MAX_LENGTH,
    AbuseReport,
    AbuserType,
    AbuseType,
    Judgement,
    Measure,
)
from tsunagu.audit import services as audit
from tsunagu.core.api import ERRORS, ErrorOut, Listing, paginated
from tsunagu.core.errors import FieldErrors
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.validators import Id, SaneDate, SaneDateTime, Year

router = Router(tags=["abuse"])


class AbuseReporterOut(Schema):
    name: str
    contact: str
    relation: str


class AbuseReportOut(Schema):
    id: int
    receiving_organization_id: int
    received_at: dt.datetime
    fact_finding_due: dt.datetime
    overdue: bool
    victim_label: str
    person_id: int | None
    abuser_type: str
    abuse_types: list[str]
    summary: str
    status: str
    visited_on: dt.date | None
    visited_by: str
    findings: str
    meeting_on: dt.date | None
    meeting_attendees: str
    judgement: str
    measures: list[str]
    prefecture_reported_on: dt.date | None
    closed_on: dt.date | None
    closing_note: str
    response_team_ids: list[int]
    reporter: AbuseReporterOut | None = Field(None, description="対応チームの職員にだけ示す")


class AbuseReportIn(Schema):
    received_at: SaneDateTime
    victim_label: str = Field(..., min_length=1, max_length=100)
    person_id: Id | None = None
    abuser_type: AbuserType
    abuse_types: list[AbuseType] = Field(..., min_length=1, max_length=len(AbuseType.values))
    summary: str = Field(..., min_length=1, max_length=TEXT_MAX_LENGTH)
    reporter_name: str = Field("", max_length=100)
    reporter_contact: str = Field("", max_length=200)
    reporter_relation: str = Field("", max_length=100)
    response_team_ids: list[Id] = Field(..., min_length=1, max_length=50)


class AbuseTeamIn(Schema):
    response_team_ids: list[Id] = Field(..., min_length=1, max_length=50)


class AbuseFactFindingIn(Schema):
    visited_on: SaneDate
    visited_by: str = Field(..., min_length=1, max_length=200)
    findings: str = Field(..., min_length=1, max_length=TEXT_MAX_LENGTH)


class AbuseJudgementIn(Schema):
    meeting_on: SaneDate
    attendees: str = Field(..., min_length=1, max_length=1000)
    judgement: Judgement
    measures: list[Measure] = Field(default_factory=list, max_length=len(Measure.values))


class AbusePrefectureIn(Schema):
    reported_on: SaneDate


class AbuseCloseIn(Schema):
    closed_on: SaneDate
    note: str = Field("", max_length=2000)


class AbuseSurveyRowOut(Schema):
    key: str
    label: str
    counts: list[int]
    total: int | None = None


class AbuseSurveyOut(Schema):
    fiscal_year: int
    total: int
    abuse_types: list[str]
    abuser_types: list[str]
    by_type: list[AbuseSurveyRowOut]
    by_outcome: list[AbuseSurveyRowOut]
    by_measure: list[AbuseSurveyRowOut]


def _out(report: AbuseReport, *, reporter: bool) -> dict[str, Any]:
    return {
        "id": report.pk,
        "receiving_organization_id": report.receiving_organization_id,
        "received_at": report.received_at,
        "fact_finding_due": report.fact_finding_due,
        "overdue": report.status == "received" and report.fact_finding_due < timezone.now(),
        "victim_label": report.victim_label,
        "person_id": report.person_id,
        "abuser_type": report.abuser_type,
        "abuse_types": list(report.abuse_types),
        "summary": report.summary,
        "status": report.status,
        "visited_on": report.visited_on,
        "visited_by": report.visited_by,
        "findings": report.findings,
        "meeting_on": report.meeting_on,
        "meeting_attendees": report.meeting_attendees,
        "judgement": report.judgement,
        "measures": list(report.measures),
        "prefecture_reported_on": report.prefecture_reported_on,
        "closed_on": report.closed_on,
        "closing_note": report.closing_note,
        "response_team_ids": sorted(u.pk for u in report.response_team.all()),
        "reporter": {
            "name": report.reporter_name,
            "contact": report.reporter_contact,
            "relation": report.reporter_relation,
        }
        if reporter
        else None,
    }


def _one(request: TsunaguRequest, report: AbuseReport, view: str) -> dict[str, Any]:
    actor = request.actor
    services.record_viewed(actor, report, view=view)
    return _out(report, reporter=access.reporter_shown(actor, report, view=view))


def _team(ids: list[int]) -> list[Any]:
    wanted = set(ids)
    team = list(services.response_staff().filter(pk__in=wanted))
    if len(team) != len(wanted):
        raise FieldErrors(
            {"response_team_ids": "対応チームは市担当課と基幹相談支援センターの職員から選びます。"}
        )
    return team


def _listing(request: TsunaguRequest, rows: Any, view: str) -> Listing:
    def shown(page: list[Any]) -> None:
        audit.record_read(
            request.actor,
            view=view,
            person_ids=[r.person_id for r in page if r.person_id is not None],
        )
        page[:] = [_out(r, reporter=False) for r in page]

    return Listing(rows.prefetch_related("response_team"), on_page=shown)


@router.get(
    "/abuse/reports",
    response={200: list[AbuseReportOut], 404: ErrorOut, 422: ErrorOut},
    summary="虐待の通報・届出の一覧（市担当課・基幹相談支援センター。通報者の情報は含めない）",
    url_name="abuse_report_list",
)
@paginated
def report_list(request: TsunaguRequest) -> Any:
    actor = audit.require_role(request.actor, access.may_view, view="abuse_report_list")
    return _listing(request, selectors.report_rows(actor), "abuse_report_list")


@router.get(
    "/abuse/reports/overdue",
    response={200: list[AbuseReportOut], 404: ErrorOut, 422: ErrorOut},
    summary="事実確認の期限を過ぎた通報・届出",
    url_name="abuse_report_overdue",
)
@paginated
def report_overdue(request: TsunaguRequest) -> Any:
    actor = audit.require_role(request.actor, access.may_view, view="abuse_report_overdue")
    return _listing(request, selectors.overdue(actor), "abuse_report_overdue")


@router.post(
    "/abuse/reports",
    response={201: AbuseReportOut, **ERRORS},
    summary="通報・届出を受け付ける（障害者虐待防止法第7条・第16条・第22条）",
    url_name="abuse_report_create",
)
def report_create(request: TsunaguRequest, payload: AbuseReportIn) -> Status[dict[str, Any]]:
    actor = audit.require_role(request.actor, access.may_respond, view="abuse_report_create")
    person = None
    if payload.person_id is not None:
        person = selectors.linkable_persons(actor).filter(pk=payload.person_id).first()
        if person is None:
            raise FieldErrors({"person_id": "選んだ本人が見つかりません。"})
    report = services.report_receive(
        actor,
        received_at=payload.received_at,
        victim_label=payload.victim_label,
        person=person,
        abuser_type=str(payload.abuser_type.value),
        abuse_types=[str(t.value) for t in payload.abuse_types],
        summary=payload.summary,
        reporter_name=payload.reporter_name,
        reporter_contact=payload.reporter_contact,
        reporter_relation=payload.reporter_relation,
        response_team=_team(payload.response_team_ids),
    )
    return Status(201, _one(request, report, "abuse_report"))


@router.get(
    "/abuse/reports/{report_id}",
    response={200: AbuseReportOut, 404: ErrorOut},
    summary="虐待の通報・届出（通報者の情報は対応チームにだけ）",
    url_name="abuse_report_detail",
)
def report_detail(request: TsunaguRequest, report_id: int) -> dict[str, Any]:
    report = access.access_report(request.actor, report_id)
    return _one(request, report, "abuse_report")


@router.put(
    "/abuse/reports/{report_id}/team",
    response={200: AbuseReportOut, **ERRORS},
    summary="対応チームを変更する",
    url_name="abuse_report_team",
)
def report_team(request: TsunaguRequest, report_id: int, payload: AbuseTeamIn) -> dict[str, Any]:
    report = access.access_report(request.actor, report_id, for_change=True)
    saved = services.team_set(
        request.actor, report=report, response_team=_team(payload.response_team_ids)
    )
    return _one(request, saved, "abuse_report")


@router.post(
    "/abuse/reports/{report_id}/fact-finding",
    response={200: AbuseReportOut, **ERRORS},
    summary="事実確認（訪問）を記録する（第9条）",
    url_name="abuse_report_fact_finding",
)
def fact_finding(
    request: TsunaguRequest, report_id: int, payload: AbuseFactFindingIn
) -> dict[str, Any]:
    report = access.access_report(request.actor, report_id, for_change=True)
    saved = services.fact_finding_record(request.actor, report=report, **payload.model_dump())
    return _one(request, saved, "abuse_report")


@router.post(
    "/abuse/reports/{report_id}/judgement",
    response={200: AbuseReportOut, **ERRORS},
    summary="コアメンバー会議の判断と対応を記録する",
    url_name="abuse_report_judgement",
)
def judgement(request: TsunaguRequest, report_id: int, payload: AbuseJudgementIn) -> dict[str, Any]:
    report = access.access_report(request.actor, report_id, for_change=True)
    saved = services.judgement_record(
        request.actor,
        report=report,
        meeting_on=payload.meeting_on,
        attendees=payload.attendees,
        judgement=str(payload.judgement.value),
        measures=[str(m.value) for m in payload.measures],
    )
    return _one(request, saved, "abuse_report")


@router.post(
    "/abuse/reports/{report_id}/prefecture",
    response={200: AbuseReportOut, **ERRORS},
    summary="都道府県への報告日を記録する（第17条・第23条）",
    url_name="abuse_report_prefecture",
)
def prefecture(
    request: TsunaguRequest, report_id: int, payload: AbusePrefectureIn
) -> dict[str, Any]:
    report = access.access_report(request.actor, report_id, for_change=True)
    saved = services.prefecture_record(
        request.actor, report=report, reported_on=payload.reported_on
    )
    return _one(request, saved, "abuse_report")


@router.post(
    "/abuse/reports/{report_id}/monitoring",
    response={200: AbuseReportOut, **ERRORS},
    summary="モニタリングを始める",
    url_name="abuse_report_monitoring",
)
def monitoring(request: TsunaguRequest, report_id: int) -> dict[str, Any]:
    report = access.access_report(request.actor, report_id, for_change=True)
    saved = services.monitoring_start(request.actor, report=report)
    return _one(request, saved, "abuse_report")


@router.post(
    "/abuse/reports/{report_id}/close",
    response={200: AbuseReportOut, **ERRORS},
    summary="終結する（施設従事者等・使用者は都道府県への報告の後）",
    url_name="abuse_report_close",
)
def close(request: TsunaguRequest, report_id: int, payload: AbuseCloseIn) -> dict[str, Any]:
    report = access.access_report(request.actor, report_id, for_change=True)
    saved = services.report_close(
        request.actor, report=report, closed_on=payload.closed_on, note=payload.note
    )
    return _one(request, saved, "abuse_report")


@router.get(
    "/abuse/survey",
    response={200: AbuseSurveyOut, 404: ErrorOut, 422: ErrorOut},
    summary="障害者虐待対応状況調査：年度の種別・結果・対応の件数",
    url_name="abuse_survey",
)
def survey(request: TsunaguRequest, fiscal_year: Year) -> dict[str, Any]:
    actor = audit.require_role(request.actor, access.sees_survey, view="abuse_survey")
    found = selectors.survey(actor, fiscal_year)
    audit.record_read(
        actor, view="abuse_survey", person_ids=[], filters={"fiscal_year": fiscal_year}
    )
    return {
        "fiscal_year": found.fiscal_year,
        "total": found.total,
        "abuse_types": AbuseType.values,
        "abuser_types": AbuserType.values,
        "by_type": [
            {"key": k, "label": label, "counts": counts, "total": total}
            for k, label, counts, total in found.by_type
        ],
        "by_outcome": [
            {"key": k or "pending", "label": label, "counts": counts}
            for k, label, counts in found.by_outcome
        ],
        "by_measure": [
            {"key": k, "label": label, "counts": counts} for k, label, counts in found.by_measure
        ],
    }
