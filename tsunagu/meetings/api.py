"""Meeting bodies, meetings, compliance, case conferences, community issues and the resource
development log over JSON; the same services and selectors as the screens.  Errors are
`{"error": {"code", "message"}}` (404 for what the acting organization may not see, 403, 409,
422)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import model_validator

from tsunagu.audit import services as audit
from tsunagu.cases.access import access_case
from tsunagu.cases.models import CaseConference, ConferenceAttendee, ConferenceKind, MeetingFormat
from tsunagu.core.api import ErrorOut, Listing, paginated
from tsunagu.core.dates import fiscal_year_label
from tsunagu.core.errors import Forbidden, Invalid, NotFound
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.schemas import Context, Name, Out, model_field, once, patch_field
from tsunagu.core.validators import Id, NonBlank, SaneDate, SaneDateTime, Version, Year
from tsunagu.directory.models import SocialResource
from tsunagu.directory.rules import refusals_recorded
from tsunagu.meetings import council_pack, deidentify, ics, selectors, services
from tsunagu.meetings.models import (
    BodyKind,
    CommunityIssue,
    DevelopmentKind,
    FrequencyKind,
    IssueSource,
    IssueStage,
    IssueStep,
    IssueTheme,
    Level,
    Meeting,
    MeetingActionItem,
    MeetingAttachment,
    MeetingBody,
    MeetingStatus,
    ResourceDevelopment,
)
from tsunagu.organizations.models import Area, Organization

router = Router(tags=["meetings"])

FormatValue = Literal["in_person", "online", "visit", "hybrid"]
StatusValue = Literal["scheduled", "held", "cancelled"]
ConferenceKindValue = Literal[
    "statutory_support_meeting",
    "case_conference",
    "multi_layer_support_meeting",
    "joint_case_review",
    "case_study_session",
]
assert set(FormatValue.__args__) == set(MeetingFormat.values)  # type: ignore[attr-defined]  # noqa: S101
assert set(StatusValue.__args__) == set(MeetingStatus.values)  # type: ignore[attr-defined]  # noqa: S101
assert set(ConferenceKindValue.__args__) == set(ConferenceKind.values)  # type: ignore[attr-defined]  # noqa: S101


class MeetingOrganizationRef(Out):
    id: int
    name: str


class BodyOut(Out):
    id: int
    name: str
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    level: str
    parent_id: int | None
    area_id: int | None
    frequency_kind: str
    required_per_year: int
    required_months: list[int]
    secretariats: list[MeetingOrganizationRef]


class ActionItemOut(Out):
    id: int
    title: str
    owner_organization: MeetingOrganizationRef
    due_on: dt.date | None
    task_id: int | None


class MeetingAttachmentOut(Out):
    id: int
    name: str = Field(alias="original_name")
    size: int = Field(..., description="バイト数")
    content_type: str
    url: str = Field(..., description="ダウンロード（会議を見られる人だけ。その他は404）")

    @staticmethod
    def resolve_url(attachment: MeetingAttachment) -> str:
        return reverse("meetings:attachment_download", args=[attachment.pk])


class MeetingOut(Out):
    id: int
    body_id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    format: str
    place: str
    status: str
    agenda: list[str] = Field(alias="agenda_items")
    minutes: str
    decisions: str
    guests: str
    attendee_organizations: list[MeetingOrganizationRef]
    action_items: list[ActionItemOut]
    attachments: list[MeetingAttachmentOut]
    version: int


class MeetingIn(Schema):
    title: str = model_field(Meeting, "title", "")
    starts_at: SaneDateTime
    ends_at: dt.datetime
    format: FormatValue = "in_person"
    place: str = model_field(Meeting, "place", "")
    agenda: str = ""


class MeetingRecordIn(Schema):
    version: Version = Field(description="見ていた版。最新でなければ409。")
    status: StatusValue | None = None
    minutes: str | None = None
    decisions: str | None = None
    guests: str | None = None
    attendee_organization_ids: list[Id] = []


class ActionItemIn(Schema):
    title: NonBlank = model_field(MeetingActionItem, "title", min_length=1)
    owner_organization_id: Id
    due_on: SaneDate | None = None


class ComplianceOut(Out):
    body: MeetingOrganizationRef
    required: int
    held: int
    scheduled: int
    missing_months: list[int]
    due: int = Field(description="必要な回数のうち、年度の過ぎた月数に応じて今までに必要な回数")
    is_met: bool
    is_short: bool = Field(description="今までに必要な回数に届いていない、または開催のない月がある")
    cannot_reach: bool


class ComplianceReport(Out):
    fiscal_year: int
    label: str
    bodies: list[ComplianceOut]


class AttendeeOut(Out):
    id: int
    organization: MeetingOrganizationRef
    name: str
    pledged_at: dt.datetime | None = Field(
        description="守秘義務（社会福祉法106条の6第5項）を誓約した日時（支援会議）"
    )
    pledged_by_name: str


class AttendeeIn(Schema):
    organization_id: Id
    name: str = model_field(ConferenceAttendee, "name", "")


class PledgeIn(Schema):
    pledged_by_name: NonBlank = model_field(ConferenceAttendee, "pledged_by_name", min_length=1)


class ConferenceOut(Out):
    id: int
    case_id: int | None = Field(None, description="ケースを見られる機関にだけ返します。")
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    held_at: dt.datetime
    format: str
    place: str
    organizer: MeetingOrganizationRef
    purpose: str | None
    discussion: str | None
    decisions: str | None
    supervisor_name: str
    supervisor_profession: str
    supervisor_advice: str
    summary: str | None = Field(None, description="事例検討会: 確認済みの匿名化要約のみ。")

    @staticmethod
    def resolve_case_id(conference: CaseConference, context: Context) -> int | None:
        visible = selectors.case_is_visible(context["request"].actor, conference)
        return conference.case_id if visible else None

    @staticmethod
    def resolve_summary(conference: CaseConference) -> str | None:
        return conference.summary if conference.summary_is_shared else None

    @model_validator(mode="after")
    def _study_session_content_for_the_case_team(self) -> ConferenceOut:
        """A case study session's content goes only to those who may see its case."""
        if self.case_id is None and self.kind == ConferenceKind.CASE_STUDY_SESSION:
            self.purpose = self.discussion = self.decisions = None
            self.supervisor_name = self.supervisor_profession = self.supervisor_advice = ""
        return self


class ConferenceIn(Schema):
    kind: ConferenceKindValue
    held_at: SaneDateTime
    format: FormatValue = "in_person"
    place: str = model_field(CaseConference, "place", "")
    purpose: str = ""


def _organizations(ids: list[int]) -> list[Organization]:
    found = list(Organization.objects.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise Invalid("存在しない機関が含まれています。")
    return found


@router.get(
    "/meeting-bodies",
    response={200: list[BodyOut], 422: ErrorOut},
    summary="見られる会議体の一覧",
    url_name="meeting_body_list",
)
@paginated
def body_list(request: TsunaguRequest) -> QuerySet[MeetingBody]:
    return selectors.body_list(actor=request.actor)


@router.get(
    "/meeting-bodies/{body_id}",
    response={200: BodyOut, 404: ErrorOut},
    summary="会議体",
    url_name="meeting_body_detail",
)
def body_detail(request: TsunaguRequest, body_id: int) -> MeetingBody:
    return selectors.access_body(request.actor, body_id)


@router.get(
    "/meeting-bodies/{body_id}/meetings",
    response={200: list[MeetingOut], 404: ErrorOut, 422: ErrorOut},
    summary="会議体の年度の会議（省略すると今年度）",
    url_name="meeting_body_meetings",
)
@paginated
def body_meetings(
    request: TsunaguRequest, body_id: int, fiscal_year: Year | None = None
) -> QuerySet[Meeting]:
    body = selectors.access_body(request.actor, body_id)
    year = fiscal_year or selectors.current_fiscal_year()
    return selectors.meetings_of_year(actor=request.actor, year=year, body=body).prefetch_related(
        "attendee_organizations", "action_items__owner_organization", "attachments"
    )


@router.post(
    "/meeting-bodies/{body_id}/meetings",
    response={201: MeetingOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="会議の登録（事務局）",
    url_name="meeting_create",
)
def meeting_create(request: TsunaguRequest, body_id: int, payload: MeetingIn) -> Status[Meeting]:
    body = selectors.access_body(request.actor, body_id, for_write=True)
    meeting = services.meeting_create(actor=request.actor, body=body, data=payload.dict())
    return Status(201, selectors.access_meeting(request.actor, meeting.pk))


@router.get(
    "/meetings/compliance",
    response={200: ComplianceReport},
    summary="会議体ごとの年度の開催回数と必要な回数",
    url_name="meeting_compliance",
)
def compliance(request: TsunaguRequest, fiscal_year: Year | None = None) -> dict[str, Any]:
    year = fiscal_year or selectors.current_fiscal_year()
    rows = selectors.compliance(actor=request.actor, year=year)
    return {"fiscal_year": year, "label": fiscal_year_label(year), "bodies": rows}


@router.get(
    "/meetings/{meeting_id}",
    response={200: MeetingOut, 404: ErrorOut},
    summary="会議（議事録・決定事項・アクション）",
    url_name="meeting_detail",
)
def meeting_detail(request: TsunaguRequest, meeting_id: int) -> Meeting:
    return selectors.access_meeting(request.actor, meeting_id)


@router.get(
    "/meetings/{meeting_id}/ics",
    response={200: None, 404: ErrorOut},
    summary="会議のiCalendar（.ics）",
    url_name="meeting_ics",
)
def meeting_ics(request: TsunaguRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.access_meeting(request.actor, meeting_id)
    content = ics.calendar_of([meeting], name=meeting.body.name)
    return HttpResponse(content, content_type="text/calendar; charset=utf-8")


@router.post(
    "/meetings/{meeting_id}/record",
    response={200: MeetingOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="議事録・決定事項・出席の記録（事務局）",
    url_name="meeting_record",
)
def meeting_record(request: TsunaguRequest, meeting_id: int, payload: MeetingRecordIn) -> Meeting:
    meeting = selectors.access_meeting(request.actor, meeting_id, for_write=True)
    data = {
        k: v for k, v in payload.dict().items() if k in services.RECORD_FIELDS and v is not None
    }
    services.meeting_record(
        actor=request.actor,
        meeting=meeting,
        version=payload.version,
        data=data,
        attendees=_organizations(payload.attendee_organization_ids),
    )
    return selectors.access_meeting(request.actor, meeting_id)


@router.post(
    "/meetings/{meeting_id}/action-items",
    response={201: ActionItemOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="アクションの追加（自分の機関の担当ならすぐタスクになる）",
    url_name="meeting_action_add",
)
def action_add(
    request: TsunaguRequest, meeting_id: int, payload: ActionItemIn
) -> Status[MeetingActionItem]:
    meeting = selectors.access_meeting(request.actor, meeting_id, for_write=True)
    [owner] = _organizations([payload.owner_organization_id])
    item = services.action_item_add(
        actor=request.actor,
        meeting=meeting,
        title=payload.title,
        owner_organization=owner,
        due_on=payload.due_on,
    )
    return Status(201, item)


@router.get(
    "/case-conferences/{conference_id}",
    response={200: ConferenceOut, 404: ErrorOut},
    summary="ケース会議（種類ごとの共有の根拠に従って）",
    url_name="conference_detail",
)
def conference_detail(request: TsunaguRequest, conference_id: int) -> CaseConference:
    return selectors.access_conference(request.actor, conference_id)


@router.get(
    "/case-conferences/{conference_id}/attendees",
    response={200: list[AttendeeOut], 404: ErrorOut, 422: ErrorOut},
    summary="ケース会議の出席者と守秘義務の誓約",
    url_name="conference_attendees",
)
@paginated
def conference_attendees(
    request: TsunaguRequest, conference_id: int
) -> QuerySet[ConferenceAttendee]:
    conference = selectors.access_conference(request.actor, conference_id)
    return conference.attendees.select_related("organization")


@router.post(
    "/case-conferences/{conference_id}/attendees",
    response={201: AttendeeOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="ケース会議の出席者を加える",
    url_name="conference_attendee_add",
)
def conference_attendee_add(
    request: TsunaguRequest, conference_id: int, payload: AttendeeIn
) -> Status[ConferenceAttendee]:
    conference = selectors.access_conference(request.actor, conference_id, for_write=True)
    organization = Organization.objects.active().filter(pk=payload.organization_id).first()
    if organization is None:
        raise Invalid("出席した機関を選んでください。")
    attendee = services.attendee_add(
        actor=request.actor, conference=conference, organization=organization, name=payload.name
    )
    return Status(201, attendee)


@router.post(
    "/case-conference-attendees/{attendee_id}/pledge",
    response={200: AttendeeOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="出席者の守秘義務の誓約を記録する（支援会議）",
    url_name="attendee_pledge",
)
def attendee_pledge(
    request: TsunaguRequest, attendee_id: int, payload: PledgeIn
) -> ConferenceAttendee:
    """支援会議（社会福祉法106条の6）の出席者ごとに、誓約した人と日時を記録します。
    出席者全員の誓約がそろった支援会議だけが、支援チームの共有の根拠になります。"""
    attendee = selectors.access_attendee(request.actor, attendee_id)
    return services.attendee_pledge(
        actor=request.actor, attendee=attendee, pledged_by_name=payload.pledged_by_name
    )


@router.post(
    "/cases/{case_id}/conferences",
    response={201: ConferenceOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="ケース会議の登録",
    url_name="conference_create",
)
def conference_create(
    request: TsunaguRequest, case_id: int, payload: ConferenceIn
) -> Status[CaseConference]:
    case = access_case(request.actor, case_id, for_write=True)
    conference = services.conference_create(actor=request.actor, case=case, data=payload.dict())
    return Status(201, selectors.access_conference(request.actor, conference.pk))


class IssueStepOut(Out):
    stage: str
    stage_label: str = Field(alias="get_stage_display")
    occurred_on: dt.date
    meeting_id: int | None
    meeting: str = Field("", alias="meeting.body.name")
    note: str


class IssueOut(Out):
    id: int
    title: str
    theme: str
    area_id: int | None
    description: str
    source: str
    stage: str
    stage_label: str = Field(alias="get_stage_display")
    raised_on: dt.date
    raised_by_organization: MeetingOrganizationRef
    source_case_id: int | None = Field(None, description="ケースを見られる機関にだけ返します。")
    source_conference_id: int | None = Field(
        None, description="ケース会議を見られる機関にだけ返します。"
    )
    steps: list[IssueStepOut]

    @staticmethod
    def resolve_source_case_id(issue: CommunityIssue, context: Context) -> int | None:
        return _source_links(issue, context)["case_id"]

    @staticmethod
    def resolve_source_conference_id(issue: CommunityIssue, context: Context) -> int | None:
        return _source_links(issue, context)["conference_id"]

    @staticmethod
    def resolve_steps(issue: CommunityIssue) -> list[IssueStep]:
        return selectors.issue_steps(issue)


def _source_links(issue: CommunityIssue, context: Context) -> dict[str, int | None]:
    actor = context["request"].actor
    return once(context, "source_links", issue, lambda: selectors.issue_source_links(actor, issue))


class NetworkOrganizationOut(Out):
    organization_id: int
    name: str
    kind_label: str
    layer: int
    cases: int
    is_new: bool


class NetworkYearOut(Out):
    fiscal_year: int = Field(alias="year")
    label: str
    organizations: list[NetworkOrganizationOut]

    @staticmethod
    def resolve_label(year: selectors.NetworkYear) -> str:
        return fiscal_year_label(year.year)


class NetworkOut(Out):
    area_id: int
    layers: list[str]
    previous: NetworkYearOut
    current: NetworkYearOut


@router.get(
    "/community-issues",
    response={200: list[IssueOut], 422: ErrorOut},
    summary="地域課題の一覧（段階・テーマ・地域で絞り込み）",
    url_name="issue_list",
)
@paginated
def issue_list(
    request: TsunaguRequest, stage: str = "", theme: str = "", area_id: Id | None = None
) -> Listing:
    """The persons (via the issues' cases) of the page served are named in one audit row."""

    def audit_page(shown: list[CommunityIssue]) -> None:
        audit.record_read(
            request.actor,
            view="api.issue_list",
            person_ids=selectors.issue_persons(shown),
            filters={"stage": stage, "theme": theme, "area_id": area_id},
        )

    issues = selectors.issue_list(actor=request.actor, stage=stage, theme=theme, area_id=area_id)
    return Listing(selectors.issues_for_listing(request.actor, issues), on_page=audit_page)


@router.get(
    "/community-issues/{issue_id}",
    response={200: IssueOut, 404: ErrorOut},
    summary="地域課題と経過",
    url_name="issue_detail",
)
def issue_detail(request: TsunaguRequest, issue_id: int) -> CommunityIssue:
    issue = selectors.access_issue(request.actor, issue_id)
    audit.record_read(
        request.actor,
        view="api.issue_detail",
        target=issue,
        person_ids=selectors.issue_persons([issue]),
    )
    return issue


# --- Raising an issue and sharing a summary: the de-identification check --------------------

IssueThemeValue = Literal[
    "housing",
    "daytime",
    "respite",
    "medical_care",
    "behavior",
    "employment",
    "children",
    "mental_health",
    "consultation",
    "household",
    "rights",
    "mobility",
    "other",
]
IssueSourceValue = Literal["case", "conference", "survey", "meeting"]
assert set(IssueThemeValue.__args__) == set(IssueTheme.values)  # type: ignore[attr-defined]  # noqa: S101
assert set(IssueSourceValue.__args__) == set(IssueSource.values)  # type: ignore[attr-defined]  # noqa: S101


class KeepIn(Schema):
    key: str = Field(..., pattern=deidentify.FLAG_KEY.pattern, description="指摘のキー")
    reason: str = Field(..., min_length=1, max_length=500, description="残す理由（記録されます）")


class FlagOut(Out):
    key: str = Field(..., description="同じ表現には同じキー。残すときは keep にこのキーと理由を。")
    kind: str
    label: str
    field: str = Field(..., description="どの項目の中か（summary, title, description）")
    start: int = Field(..., description="その項目の文字列の中の開始位置（文字単位）")
    end: int
    text: str
    open: bool = Field(..., description="まだ消すか残すか決まっていない")


class FlagsErrorBody(Out):
    code: str
    message: str
    flags: list[FlagOut] = []


class FlagsErrorOut(Out):
    error: FlagsErrorBody


class SummaryIn(Schema):
    summary: str = Field(..., min_length=1, max_length=20000)
    keep: list[KeepIn] = Field([], max_length=200)
    seen_flags: list[str] = Field(
        [], max_length=200, description="前回の確認で指摘されたキー（消したものの記録に使う）"
    )


class IssueIn(Schema):
    title: str = model_field(CommunityIssue, "title", min_length=1)
    theme: IssueThemeValue
    area_id: Id | None = None
    description: str = Field(..., min_length=1, max_length=20000)
    source: IssueSourceValue
    source_note: str = model_field(CommunityIssue, "source_note", "")
    source_case_id: Id | None = Field(None, description="source=case のとき")
    source_conference_id: Id | None = Field(None, description="source=conference のとき")
    raised_on: SaneDate | None = None
    keep: list[KeepIn] = Field([], max_length=200)
    seen_flags: list[str] = Field([], max_length=200)


def flags_error(exc: deidentify.IdentifiersLeft) -> FlagsErrorOut:
    """The 422 of a text that still names someone (every app that shares a de-identified text
    answers with it): each flag, and whether it is still open."""
    open_keys = {f.key for f in exc.open_flags}
    return FlagsErrorOut(
        error=FlagsErrorBody(
            code=exc.code,
            message=exc.message,
            flags=[FlagOut(**f.as_dict(), open=f.key in open_keys) for f in exc.flags],
        )
    )


@router.post(
    "/community-issues",
    response={201: IssueOut, 403: ErrorOut, 404: ErrorOut, 422: FlagsErrorOut},
    summary="地域課題の提起（匿名化の確認: 指摘がすべて消えるか、理由を付けて残すまで422）",
    url_name="issue_create",
)
def issue_create(
    request: TsunaguRequest, payload: IssueIn
) -> Status[CommunityIssue | FlagsErrorOut]:
    case = (
        access_case(request.actor, payload.source_case_id, for_write=True)
        if payload.source_case_id
        else None
    )
    conference = (
        selectors.access_conference(request.actor, payload.source_conference_id, for_write=True)
        if payload.source_conference_id
        else None
    )
    area = Area.objects.filter(pk=payload.area_id).first() if payload.area_id else None
    if payload.area_id and area is None:
        raise Invalid("地域が見つかりません。")
    data = {
        "title": payload.title,
        "theme": payload.theme,
        "area": area,
        "description": payload.description,
        "source": payload.source,
        "source_note": payload.source_note,
    }
    try:
        issue = services.issue_raise(
            actor=request.actor,
            data=data,
            source_case=case,
            source_conference=conference,
            raised_on=payload.raised_on,
            keep={k.key: k.reason for k in payload.keep},
            seen=payload.seen_flags,
        )
    except deidentify.IdentifiersLeft as exc:
        return Status(422, flags_error(exc))
    return Status(201, issue)


@router.post(
    "/case-conferences/{conference_id}/summary",
    response={200: ConferenceOut, 403: ErrorOut, 404: ErrorOut, 422: FlagsErrorOut},
    summary="事例検討会の要約の共有（作成者。指摘がすべて消えるか、理由を付けて残すまで422）",
    url_name="conference_summary",
)
def conference_summary(
    request: TsunaguRequest, conference_id: Id, payload: SummaryIn
) -> Status[CaseConference | FlagsErrorOut]:
    conference = selectors.access_conference(request.actor, conference_id, for_write=True)
    try:
        services.summary_review(
            actor=request.actor,
            conference=conference,
            text=payload.summary,
            keep={k.key: k.reason for k in payload.keep},
            seen=payload.seen_flags,
        )
    except deidentify.IdentifiersLeft as exc:
        return Status(422, flags_error(exc))
    return Status(200, conference)


@router.get(
    "/network",
    response={200: NetworkOut, 403: ErrorOut, 422: ErrorOut},
    summary="支援ネットワーク（地域・年度、前年度との比較。基幹・市のみ）",
    url_name="network",
)
def network(
    request: TsunaguRequest, area_id: Id, fiscal_year: Year | None = None
) -> dict[str, Any]:
    actor = request.actor
    if not selectors.is_oversight(actor):
        audit.record_denial(
            request.actor, target_type="meetings.network", reason="not core or city"
        )
        raise Forbidden("ネットワークの図は基幹相談支援センターと市担当課が見られます。")
    if not Area.objects.filter(pk=area_id).exists():
        raise Invalid("地域が見つかりません。")
    year = fiscal_year or selectors.current_fiscal_year()
    before, now = selectors.network_picture(area_id=area_id, year=year)
    return {
        "area_id": area_id,
        "layers": [str(label) for _code, label, _kinds in selectors.LAYERS],
        "previous": before,
        "current": now,
    }


# --- The meeting screens' other writes ------------------------------------------------------------
# Each route calls the same service as its screen (meetings.services), with the same access rules.


class ConferenceRecordIn(Schema):
    """Only the fields sent are changed."""

    discussion: str | None = Field(None, description="検討の内容")
    decisions: str | None = Field(None, description="決定事項・役割分担")
    supervisor_name: str | None = model_field(
        CaseConference, "supervisor_name", None, description="SV（助言者）の氏名"
    )
    supervisor_profession: str | None = model_field(
        CaseConference, "supervisor_profession", None, description="SVの職種"
    )
    supervisor_advice: str | None = Field(None, description="SVの助言（書くときはSVの氏名も）")


class IssueAdvanceIn(Schema):
    stage: IssueStage = Field(description="次の段階（今の段階から進める段階だけ。ほかは409）")
    occurred_on: SaneDate = Field(description="その段階になった日（今日まで）")
    meeting_id: Id | None = Field(None, description="会議で起きた段階ではその会議")
    note: str = ""


@router.delete(
    "/meeting-attachments/{attachment_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut},
    summary="会議の添付ファイルの削除（事務局）",
    url_name="meeting_attachment_delete",
)
def meeting_attachment_delete(request: TsunaguRequest, attachment_id: int) -> Status[None]:
    attachment = selectors.access_meeting_attachment(request.actor, attachment_id, for_write=True)
    services.meeting_attachment_delete(actor=request.actor, attachment=attachment)
    return Status(204, None)


@router.post(
    "/meeting-action-items/{item_id}/take",
    response={200: ActionItemOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="アクションを自分の機関のタスクにする（担当機関の職員）",
    description="すでにタスクになっている項目には 409 を返します。",
    url_name="meeting_action_take",
)
def action_take(request: TsunaguRequest, item_id: int) -> MeetingActionItem:
    item = selectors.access_action_item(request.actor, item_id)
    return services.action_item_take(actor=request.actor, item=item)


@router.post(
    "/case-conferences/{conference_id}/record",
    response={200: ConferenceOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="ケース会議の記録（検討の内容・決定事項・SVの助言）",
    url_name="conference_record",
)
def conference_record(
    request: TsunaguRequest, conference_id: int, payload: ConferenceRecordIn
) -> CaseConference:
    conference = selectors.access_conference(request.actor, conference_id, for_write=True)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    services.conference_record(actor=request.actor, conference=conference, data=data)
    return conference


@router.post(
    "/case-conferences/{conference_id}/summary/generate",
    response={200: ConferenceOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="事例検討会の要約の下書きをケースから作る（作成者。共有は確認のあと）",
    url_name="conference_summary_generate",
)
def conference_summary_generate(request: TsunaguRequest, conference_id: int) -> CaseConference:
    conference = selectors.access_conference(request.actor, conference_id, for_write=True)
    services.summary_generate(actor=request.actor, conference=conference)
    return conference


@router.post(
    "/community-issues/{issue_id}/advance",
    response={200: IssueOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="地域課題の経過を記録する（次の段階へ）",
    url_name="issue_advance",
)
def issue_advance(
    request: TsunaguRequest, issue_id: int, payload: IssueAdvanceIn
) -> CommunityIssue:
    issue = selectors.access_issue(request.actor, issue_id, for_write=True)
    meeting = (
        None
        if payload.meeting_id is None
        else selectors.access_meeting(request.actor, payload.meeting_id)
    )
    services.issue_advance(
        actor=request.actor,
        issue=issue,
        stage=str(payload.stage),
        occurred_on=payload.occurred_on,
        meeting=meeting,
        note=payload.note,
    )
    return selectors.access_issue(request.actor, issue_id)


class BodyIn(Schema):
    name: str = model_field(MeetingBody, "name", min_length=1, description="会議体の名称")
    kind: BodyKind
    level: Level
    parent_id: Id | None = Field(None, description="上位の会議体（見られる会議体から）")
    area_id: Id | None = None
    purpose: str = ""
    secretariat_organization_ids: list[Id] = Field(min_length=1, description="事務局の機関")
    member_organization_ids: list[Id] = Field([], description="構成機関")
    frequency_kind: FrequencyKind
    frequency_count: int = Field(0, ge=0, le=52, description="「年N回以上」のときの N")
    frequency_months: list[Annotated[int, Field(ge=1, le=12)]] = Field(
        [],
        max_length=12,
        json_schema_extra={"uniqueItems": True},
        description="「決まった月」のときの月（1〜12、重複なし）",
    )


@router.post(
    "/meeting-bodies",
    response={201: BodyOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="会議体の登録（基幹相談支援センター・市担当課）",
    url_name="meeting_body_create",
)
def body_create(request: TsunaguRequest, payload: BodyIn) -> Status[MeetingBody]:
    data = payload.dict()
    if payload.parent_id is not None:
        parent = selectors.body_list(actor=request.actor).filter(pk=payload.parent_id).first()
        if parent is None:
            raise Invalid("上位の会議体が見つかりません。")
        data["parent"] = parent
    if payload.area_id is not None:
        data["area"] = Area.objects.filter(pk=payload.area_id).first()
        if data["area"] is None:
            raise Invalid("地域が見つかりません。")
    data["kind"], data["level"] = str(payload.kind), str(payload.level)
    data["frequency_kind"] = str(payload.frequency_kind)
    body = services.body_create(
        actor=request.actor,
        data=data,
        secretariats=_organizations(payload.secretariat_organization_ids),
        members=_organizations(payload.member_organization_ids),
    )
    return Status(201, selectors.access_body(request.actor, body.pk))


# --- Resource developments (資源開発) -----------------------------------------------------------
# Under /directory/developments, where the log was before it moved here from the directory; a
# refused write leaves the access.denied row it left there (target type "directory").


DevelopmentKindValue = Literal["top_up", "sideways", "repurpose", "system_change"]
assert set(DevelopmentKindValue.__args__) == set(DevelopmentKind.values)  # type: ignore[attr-defined]  # noqa: S101
# In the OpenAPI document the log stays with the directory, where its paths are.
DEVELOPMENT_TAGS = ["directory"]


class DevelopmentIn(Schema):
    kind: DevelopmentKindValue
    title: str = model_field(ResourceDevelopment, "title", min_length=1)
    description: str = ""
    beneficiaries: str = Field(..., min_length=1)
    resource_id: Id | None = None
    area: str | None = None
    occurred_on: SaneDate
    community_issue_id: Id | None = None
    meeting_id: Id | None = None
    source_note: str = ""


class DevelopmentPatch(Schema):
    version: Version
    kind: DevelopmentKindValue = patch_field()
    title: str = model_field(ResourceDevelopment, "title", None, min_length=1)
    description: str = patch_field()
    beneficiaries: str = patch_field(min_length=1)
    resource_id: Id | None = None
    area: str | None = None
    occurred_on: SaneDate = patch_field()
    community_issue_id: Id | None = None
    meeting_id: Id | None = None
    source_note: str = patch_field()


class DevelopmentOut(Out):
    id: int
    version: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    title: str
    description: str
    beneficiaries: str
    resource_id: int | None
    area: str | None = Field(None, alias="area.code")
    occurred_on: dt.date
    community_issue_id: int | None
    meeting_id: int | None
    meeting_visible: bool = Field(
        ..., description="The caller may open the meeting (GET /api/v1/meetings/…)."
    )
    source_note: str
    recorded_by_organization: Name


def _developments(request: TsunaguRequest) -> QuerySet[ResourceDevelopment]:
    return selectors.with_meeting_visibility(selectors.development_list(), request.actor)


def _one_development(request: TsunaguRequest, development_id: int) -> ResourceDevelopment:
    d = _developments(request).filter(pk=development_id).first()
    if d is None:
        raise NotFound(_("資源開発の記録が見つかりません。"))
    return d


def _development_values(sent: dict[str, Any]) -> dict[str, Any]:
    skip = ("version", "resource_id", "area", "community_issue_id", "meeting_id")
    values = {k: v for k, v in sent.items() if k not in skip}
    if "resource_id" in sent:
        rid = sent["resource_id"]
        values["resource"] = None
        if rid is not None:
            values["resource"] = SocialResource.objects.filter(pk=rid).first()
            if values["resource"] is None:
                raise Invalid(_("社会資源 %(id)d はありません。") % {"id": rid})
    if "area" in sent:
        values["area"] = None
        if sent["area"]:
            values["area"] = Area.objects.filter(code=sent["area"]).first()
            if values["area"] is None:
                raise Invalid(_("地域コード %(code)s はありません。") % {"code": sent["area"]})
    # The service checks that the acting user may see the issue and the meeting.
    if "community_issue_id" in sent:
        iid = sent["community_issue_id"]
        values["community_issue"] = None
        if iid is not None:
            values["community_issue"] = CommunityIssue.objects.filter(pk=iid).first()
            if values["community_issue"] is None:
                raise Invalid(_("地域課題 %(id)d はありません。") % {"id": iid})
    if "meeting_id" in sent:
        mid = sent["meeting_id"]
        values["meeting"] = None
        if mid is not None:
            values["meeting"] = Meeting.objects.filter(pk=mid).first()
            if values["meeting"] is None:
                raise Invalid(
                    _(
                        "選んだ会議は、あなたが閲覧できる会議ではありません。"
                        "あなたの機関が構成機関または事務局である会議から選んでください。"
                    )
                )
    return values


@router.get(
    "/directory/developments",
    response={200: list[DevelopmentOut], 422: ErrorOut},
    summary="資源開発の記録（新しい順）",
    tags=DEVELOPMENT_TAGS,
    url_name="directory_development_list",
)
@paginated
def development_list(request: TsunaguRequest) -> QuerySet[ResourceDevelopment]:
    return _developments(request)


@router.post(
    "/directory/developments",
    response={201: DevelopmentOut, 403: ErrorOut, 422: ErrorOut},
    summary="資源開発の記録",
    tags=DEVELOPMENT_TAGS,
    url_name="directory_development_create",
)
def development_create(
    request: TsunaguRequest, payload: DevelopmentIn
) -> Status[ResourceDevelopment]:
    with refusals_recorded(request.actor, request.path):
        development = services.development_create(
            actor=request.actor, data=_development_values(payload.dict())
        )
    return Status(201, _one_development(request, development.pk))


@router.get(
    "/directory/developments/{development_id}",
    response={200: DevelopmentOut, 404: ErrorOut},
    summary="資源開発の記録",
    tags=DEVELOPMENT_TAGS,
    url_name="directory_development_detail",
)
def development_detail(request: TsunaguRequest, development_id: int) -> ResourceDevelopment:
    return _one_development(request, development_id)


@router.patch(
    "/directory/developments/{development_id}",
    response={200: DevelopmentOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="資源開発の記録の更新",
    tags=DEVELOPMENT_TAGS,
    url_name="directory_development_update",
)
def development_update(
    request: TsunaguRequest, development_id: int, payload: DevelopmentPatch
) -> ResourceDevelopment:
    development = selectors.development_detail(development_id)
    with refusals_recorded(request.actor, request.path):
        updated = services.development_update(
            actor=request.actor,
            development=development,
            expected_version=payload.version,
            changes=_development_values(payload.dict(exclude_unset=True)),
        )
    return _one_development(request, updated.pk)


# --- The council's report pack (協議会の報告資料) -----------------------------------------


class PackCellOut(Out):
    value: int | None = Field(description="件数。少数のため秘匿したときは null")
    suppressed: bool

    @staticmethod
    def resolve_value(cell: council_pack.Cell) -> int | None:
        return cell.shown


class PackCountRowOut(Out):
    label: str
    cells: list[PackCellOut]
    total: PackCellOut


class PackCountTableOut(Out):
    title: str
    columns: list[str]
    rows: list[PackCountRowOut]
    column_totals: list[PackCellOut]
    total: PackCellOut
    suppressed: bool = Field(description="5未満の値（と合計から逆算できる値）を秘匿したか")


class PackMeetingOut(Out):
    id: int
    day: dt.date
    title: str
    body_name: str
    status: StatusValue
    status_label: str


class PackScheduleOut(Out):
    year: int
    month: int
    what: str
    body_kind: Literal["council", "subcommittee"]
    state: Literal["held", "planned", "missed", "unplanned"]
    state_label: str
    meetings: list[PackMeetingOut]


class PackMeetingSummaryOut(Out):
    meeting: PackMeetingOut
    attended: int = Field(description="出席した機関の数（開催済みの会議）")
    members: int = Field(description="部会の構成機関の数")
    decisions: list[str]

    @staticmethod
    def resolve_meeting(summary: council_pack.MeetingSummary) -> council_pack.MeetingRef:
        return summary.ref


class PackActionOut(Out):
    title: str
    owner: str
    due_on: dt.date | None
    taken: bool
    meeting_day: dt.date


class PackActivityOut(Out):
    body_id: int
    name: str
    kind_label: str
    required: int
    held: int
    scheduled: int
    attendance_rate: int | None = Field(description="構成機関の出席率（%）")
    meetings: list[PackMeetingSummaryOut]
    action_items: list[PackActionOut]


class PackIssueStepOut(Out):
    stage_label: str
    day: dt.date
    body_name: str


class PackIssueOut(Out):
    id: int
    title: str
    description: str = Field(description="匿名化した内容。withheld のときは空")
    withheld: bool = Field(
        description="もとのケースの本人・世帯を特定しうる記述を含む可能性があり、本文を載せない"
    )
    theme_label: str
    area_name: str
    source_label: str
    raised_on: dt.date
    stage_label: str
    steps: list[PackIssueStepOut]
    developments: list[str]


class PackDevelopmentOut(Out):
    day: dt.date
    kind_label: str
    title: str
    beneficiaries: str
    resource_name: str
    area_name: str
    issue_title: str


class CouncilPackOut(Out):
    council_id: int
    council_name: str
    fiscal_year: int
    label: str
    as_of: dt.date
    exact: bool = Field(description="正確な数値か（事務局・市・基幹）。false なら少数を秘匿")
    schedule: list[PackScheduleOut]
    subcommittees: list[PackActivityOut]
    issues: list[PackIssueOut]
    developments: list[PackDevelopmentOut]
    joint_support: PackCountTableOut | None
    issue_counts: PackCountTableOut

    @staticmethod
    def resolve_council_id(pack: council_pack.CouncilPack) -> int:
        return pack.body.pk

    @staticmethod
    def resolve_council_name(pack: council_pack.CouncilPack) -> str:
        return pack.body.name

    @staticmethod
    def resolve_subcommittees(pack: council_pack.CouncilPack) -> list[council_pack.Activity]:
        return pack.activities


@router.get(
    "/meeting-bodies/{body_id}/council-pack",
    response={200: CouncilPackOut, 404: ErrorOut, 422: ErrorOut},
    summary="協議会の報告資料（年間スケジュール・部会の取組み・地域課題・資源開発・数値）",
    url_name="council_pack",
)
def council_pack_view(
    request: TsunaguRequest, body_id: int, fiscal_year: Year | None = None
) -> council_pack.CouncilPack:
    """協議会の事務局・構成員（機関・個人）、市担当課、基幹相談支援センターだけ（ほかは 404）。
    構成員には5未満の数値を秘匿します。記録のない年度は 422。"""
    actor = request.actor
    body = council_pack.access_council(actor, body_id)
    year = council_pack.pack_year(body, fiscal_year)
    pack = council_pack.council_pack(actor, body, year=year)
    audit.record_read(
        actor,
        view="api.council_pack",
        person_ids=pack.person_ids,
        target=body,
        filters={"fiscal_year": year},
    )
    return pack
