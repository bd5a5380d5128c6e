"""The hearings API: the same access helpers, selectors and services as the screens.

The notes of a hearing are read at their own route, which answers 404 to an office heard until
the holder shares them; every read of them is audited.  Texts that travel to the council
(findings, directions, the community issue and the resource development made from a
direction) answer 422 with the flags of the de-identification check until each is gone or
kept with a reason (`keep`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Router, Schema, Status

from tsunagu.accounts.models import User
from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.cases.models import MeetingFormat
from tsunagu.core.api import ERRORS, ErrorOut, paginated
from tsunagu.core.errors import FieldErrors
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.schemas import Out, patch_field
from tsunagu.core.validators import Id, SaneDate, Year
from tsunagu.hearings import access, selectors, services
from tsunagu.hearings.models import (
    DIRECTION_MAX_LENGTH,
    FINDING_MAX_LENGTH,
    MAX_QUESTIONS,
    NOTE_MAX_LENGTH,
    Direction,
    Finding,
    Hearing,
    HearingKind,
    HearingRound,
    HearingStatus,
)
from tsunagu.meetings import deidentify
from tsunagu.meetings.api import FlagsErrorOut, KeepIn, flags_error
from tsunagu.meetings.models import DevelopmentKind, IssueTheme, Meeting, MeetingBody
from tsunagu.organizations.models import Organization

router = Router(tags=["hearings"])

FLAGGED: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: FlagsErrorOut}


class HearingQuestionOut(Schema):
    id: int
    position: int
    text: str


class HearingRoundOut(Out):
    id: int
    title: str
    fiscal_year: int
    purpose: str
    holder_id: int
    council_id: int | None
    questions: list[HearingQuestionOut]

    @staticmethod
    def resolve_questions(obj: HearingRound) -> list[dict[str, Any]]:
        return [
            {"id": q.pk, "position": q.position, "text": q.text}
            for q in obj.questions.order_by("position")
        ]


class HearingOut(Out):
    id: int
    round_id: int
    kind: str
    held_on: dt.date
    format: str
    place: str
    office_ids: list[int]
    interviewer_ids: list[int]
    participants: str
    status: str
    notes_shared: bool

    @staticmethod
    def resolve_office_ids(obj: Hearing) -> list[int]:
        return sorted(o.pk for o in obj.offices.all())

    @staticmethod
    def resolve_interviewer_ids(obj: Hearing) -> list[int]:
        return sorted(u.pk for u in obj.interviewers.all())


class HearingNoteOut(Schema):
    question_id: int
    position: int
    question: str
    text: str


class HearingNotesOut(Schema):
    hearing_id: int
    notes: list[HearingNoteOut]
    free_notes: str


class HearingFindingOut(Out):
    id: int
    round_id: int
    text: str
    themes: list[str]
    hearing_ids: list[int]

    @staticmethod
    def resolve_hearing_ids(obj: Finding) -> list[int]:
        return sorted(h.pk for h in obj.hearings.all())


class HearingDirectionOut(Out):
    id: int
    round_id: int
    title: str
    text: str
    theme: str
    finding_ids: list[int]
    adopted_on: dt.date | None
    adopted_meeting_id: int | None
    community_issue_id: int | None
    resource_development_id: int | None

    @staticmethod
    def resolve_finding_ids(obj: Direction) -> list[int]:
        return sorted(f.pk for f in obj.findings.all())


class HearingThemeOut(Schema):
    theme: str
    label: str
    finding_ids: list[int]
    direction_ids: list[int]


class HearingResultsOut(Schema):
    round_id: int
    themes: list[HearingThemeOut]


class HearingRoundIn(Schema):
    title: str = Field(..., min_length=1, max_length=120)
    fiscal_year: Year
    purpose: str = Field("", max_length=2000)
    questions: list[str] = Field(
        ..., min_length=1, max_length=MAX_QUESTIONS, description="質問項目（聞く順）"
    )
    council_id: Id | None = None


class HearingRoundPatch(Schema):
    title: str = patch_field(min_length=1, max_length=120)
    fiscal_year: Year = patch_field()
    purpose: str = patch_field(max_length=2000)
    questions: list[str] = patch_field(min_length=1, max_length=MAX_QUESTIONS)
    council_id: Id | None = None


class HearingIn(Schema):
    kind: HearingKind
    held_on: SaneDate
    format: MeetingFormat = MeetingFormat.IN_PERSON
    place: str = Field("", max_length=200)
    office_ids: list[Id] = Field(..., min_length=1, max_length=100)
    interviewer_ids: list[Id] = Field(..., min_length=1, max_length=50)
    participants: str = Field("", max_length=1000)


class HearingPatch(Schema):
    held_on: SaneDate = patch_field()
    format: MeetingFormat = patch_field()
    place: str = patch_field(max_length=200)
    office_ids: list[Id] = patch_field(min_length=1, max_length=100)
    interviewer_ids: list[Id] = patch_field(min_length=1, max_length=50)
    participants: str = patch_field(max_length=1000)


class HearingStatusIn(Schema):
    status: HearingStatus


class HearingShareIn(Schema):
    shared: bool


class HearingAnswerIn(Schema):
    question_id: Id
    text: str = Field("", max_length=NOTE_MAX_LENGTH)


class HearingNotesIn(Schema):
    notes: list[HearingAnswerIn] = Field(default_factory=list, max_length=MAX_QUESTIONS)
    free_notes: str | None = Field(None, max_length=NOTE_MAX_LENGTH)


class HearingFindingIn(Schema):
    text: str = Field(..., min_length=1, max_length=FINDING_MAX_LENGTH)
    themes: list[IssueTheme] = Field(..., min_length=1, max_length=len(IssueTheme.values))
    hearing_ids: list[Id] = Field(..., min_length=1, max_length=200)
    keep: list[KeepIn] = Field([], max_length=200)


class HearingDirectionIn(Schema):
    title: str = Field(..., min_length=1, max_length=120)
    text: str = Field(..., min_length=1, max_length=DIRECTION_MAX_LENGTH)
    theme: IssueTheme
    finding_ids: list[Id] = Field(..., min_length=1, max_length=200)
    keep: list[KeepIn] = Field([], max_length=200)


class HearingAdoptIn(Schema):
    adopted_on: SaneDate
    meeting_id: Id | None = None


class HearingIssueIn(Schema):
    title: str | None = Field(None, min_length=1, max_length=120)
    description: str | None = Field(None, min_length=1, max_length=20000)
    keep: list[KeepIn] = Field([], max_length=200)


class HearingDevelopmentIn(Schema):
    kind: DevelopmentKind
    title: str = Field(..., min_length=1, max_length=200)
    beneficiaries: str = Field(..., min_length=1, max_length=2000)
    description: str = Field("", max_length=4000)
    occurred_on: SaneDate
    keep: list[KeepIn] = Field([], max_length=200)


class HearingIssueOut(Schema):
    direction_id: int
    community_issue_id: int


class HearingDevelopmentOut(Schema):
    direction_id: int
    resource_development_id: int


def _council(council_id: int | None) -> MeetingBody | None:
    if council_id is None:
        return None
    council = selectors.councils().filter(pk=council_id).first()
    if council is None:
        raise FieldErrors({"council_id": "報告先は自立支援協議会か、その部会を選んでください。"})
    return council


def _offices(office_ids: list[int]) -> list[Organization]:
    ids = set(office_ids)
    offices = list(selectors.heard_offices().filter(pk__in=ids))
    if len(offices) != len(ids):
        raise FieldErrors({"office_ids": "ヒアリング先にできない機関が含まれています。"})
    return offices


def _interviewers(user_ids: list[int]) -> list[User]:
    ids = set(user_ids)
    interviewers = list(User.objects.filter(pk__in=ids))
    if len(interviewers) != len(ids):
        raise FieldErrors({"interviewer_ids": "聞き手は実施機関の職員から選びます。"})
    return interviewers


# --- Rounds ---------------------------------------------------------------------------------


@router.get(
    "/hearings/rounds",
    response={200: list[HearingRoundOut], 404: ErrorOut, 422: ErrorOut},
    summary="ヒアリングの一覧（実施機関、ヒアリング先、報告先の協議会の構成機関）",
    url_name="hearings_round_list",
)
@paginated
def round_list(request: TsunaguRequest, fiscal_year: Year | None = None) -> Any:
    actor = audit.require_role(request.actor, access.may_view, view="hearings_list")
    rows = selectors.round_rows(actor).prefetch_related("questions")
    return rows.filter(fiscal_year=fiscal_year) if fiscal_year is not None else rows


@router.post(
    "/hearings/rounds",
    response={201: HearingRoundOut, **ERRORS},
    summary="ヒアリングを作成する（基幹相談支援センター・市）",
    url_name="hearings_round_create",
)
def round_create(request: TsunaguRequest, payload: HearingRoundIn) -> Status[HearingRound]:
    actor = audit.require_role(request.actor, access.may_hold, view="hearings_create")
    round_ = services.round_create(
        actor,
        title=payload.title,
        fiscal_year=payload.fiscal_year,
        purpose=payload.purpose,
        questions=payload.questions,
        council=_council(payload.council_id),
    )
    return Status(201, round_)


@router.get(
    "/hearings/rounds/{round_id}",
    response={200: HearingRoundOut, 404: ErrorOut},
    summary="ヒアリング",
    url_name="hearings_round_detail",
)
def round_detail(request: TsunaguRequest, round_id: int) -> HearingRound:
    return access.access_round(request.actor, round_id)


@router.patch(
    "/hearings/rounds/{round_id}",
    response={200: HearingRoundOut, **ERRORS},
    summary="ヒアリングを変更する（実施機関）",
    url_name="hearings_round_update",
)
def round_update(
    request: TsunaguRequest, round_id: int, payload: HearingRoundPatch
) -> HearingRound:
    round_ = access.access_round(request.actor, round_id, for_write=True)
    data = payload.model_dump(exclude_unset=True)
    if "council_id" in data:
        data["council"] = _council(data.pop("council_id"))
    return services.round_update(request.actor, round_=round_, **data)


# --- Hearings -------------------------------------------------------------------------------


@router.get(
    "/hearings/rounds/{round_id}/hearings",
    response={200: list[HearingOut], 404: ErrorOut, 422: ErrorOut},
    summary="ヒアリングの回（実施機関はすべて、事業所は自分が参加した回）",
    url_name="hearings_hearing_list",
)
@paginated
def hearing_list(request: TsunaguRequest, round_id: int) -> Any:
    round_ = access.access_round(request.actor, round_id)
    return selectors.round_hearings(request.actor, round_)


@router.post(
    "/hearings/rounds/{round_id}/hearings",
    response={201: HearingOut, **ERRORS},
    summary="ヒアリングの回を登録する（個別ヒアリング・グループインタビュー）",
    url_name="hearings_hearing_create",
)
def hearing_create(request: TsunaguRequest, round_id: int, payload: HearingIn) -> Status[Hearing]:
    round_ = access.access_round(request.actor, round_id, for_write=True)
    offices, interviewers = _offices(payload.office_ids), _interviewers(payload.interviewer_ids)
    hearing = services.hearing_create(
        request.actor,
        round_=round_,
        kind=str(payload.kind.value),
        held_on=payload.held_on,
        format=str(payload.format.value),
        place=payload.place,
        participants=payload.participants,
        offices=offices,
        interviewers=interviewers,
    )
    return Status(201, hearing)


@router.get(
    "/hearings/hearings/{hearing_id}",
    response={200: HearingOut, 404: ErrorOut},
    summary="ヒアリングの回",
    url_name="hearings_hearing_detail",
)
def hearing_detail(request: TsunaguRequest, hearing_id: int) -> Hearing:
    return access.access_hearing(request.actor, hearing_id)


@router.patch(
    "/hearings/hearings/{hearing_id}",
    response={200: HearingOut, **ERRORS},
    summary="ヒアリングの回を変更する（実施日・場所・ヒアリング先・聞き手）",
    url_name="hearings_hearing_update",
)
def hearing_update(request: TsunaguRequest, hearing_id: int, payload: HearingPatch) -> Hearing:
    hearing = access.access_hearing(request.actor, hearing_id, for_write=True)
    data = payload.model_dump(exclude_unset=True)
    if "office_ids" in data:
        data["offices"] = _offices(data.pop("office_ids"))
    if "interviewer_ids" in data:
        data["interviewers"] = _interviewers(data.pop("interviewer_ids"))
    if "format" in data:
        data["format"] = str(data["format"].value)
    return services.hearing_update(request.actor, hearing=hearing, **data)


@router.post(
    "/hearings/hearings/{hearing_id}/status",
    response={200: HearingOut, **ERRORS},
    summary="状態を進める（予定 → 実施済み → 記録済み）",
    url_name="hearings_hearing_status",
)
def hearing_status(request: TsunaguRequest, hearing_id: int, payload: HearingStatusIn) -> Hearing:
    hearing = access.access_hearing(request.actor, hearing_id, for_write=True)
    return services.hearing_status(request.actor, hearing=hearing, status=str(payload.status.value))


@router.post(
    "/hearings/hearings/{hearing_id}/sharing",
    response={200: HearingOut, **ERRORS},
    summary="記録をヒアリング先と共有する・やめる",
    url_name="hearings_hearing_share",
)
def hearing_share(request: TsunaguRequest, hearing_id: int, payload: HearingShareIn) -> Hearing:
    hearing = access.access_hearing(request.actor, hearing_id, for_write=True)
    return services.notes_share(request.actor, hearing=hearing, shared=payload.shared)


def _notes_out(request: TsunaguRequest, hearing: Hearing, view: str) -> dict[str, Any]:
    rows = services.notes_read(request.actor, hearing, view=view)
    return {
        "hearing_id": hearing.pk,
        "notes": [
            {"question_id": q.pk, "position": q.position, "question": q.text, "text": text}
            for q, text in rows
        ],
        "free_notes": hearing.free_notes,
    }


@router.get(
    "/hearings/hearings/{hearing_id}/notes",
    response={200: HearingNotesOut, 404: ErrorOut},
    summary="質問ごとの記録（実施機関。ヒアリング先は共有されたときだけ）",
    url_name="hearings_notes",
)
def notes(request: TsunaguRequest, hearing_id: int) -> dict[str, Any]:
    hearing = access.access_notes(request.actor, hearing_id)
    return _notes_out(request, hearing, "hearings_notes")


@router.put(
    "/hearings/hearings/{hearing_id}/notes",
    response={200: HearingNotesOut, **ERRORS},
    summary="質問ごとの記録を書く（実施機関。空の記録は消す）",
    url_name="hearings_notes_write",
)
def notes_write(
    request: TsunaguRequest, hearing_id: int, payload: HearingNotesIn
) -> dict[str, Any]:
    hearing = access.access_hearing(request.actor, hearing_id, for_write=True)
    answers = {a.question_id: a.text for a in payload.notes}
    services.notes_write(
        request.actor, hearing=hearing, answers=answers, free_notes=payload.free_notes
    )
    hearing.refresh_from_db()
    return _notes_out(request, hearing, "hearings_notes_write")


# --- Findings, directions, results -----------------------------------------------------------


@router.get(
    "/hearings/rounds/{round_id}/findings",
    response={200: list[HearingFindingOut], 404: ErrorOut, 422: ErrorOut},
    summary="結果（匿名化。実施機関と報告先の協議会の構成機関）",
    url_name="hearings_finding_list",
)
@paginated
def finding_list(request: TsunaguRequest, round_id: int) -> Any:
    round_ = access.access_results(request.actor, round_id)
    return selectors.round_findings(round_)


@router.post(
    "/hearings/rounds/{round_id}/findings",
    response={201: HearingFindingOut, **FLAGGED},
    summary="結果を記録する（匿名化の確認: 指摘がすべて消えるか、理由を付けて残すまで422）",
    url_name="hearings_finding_create",
)
def finding_create(
    request: TsunaguRequest, round_id: int, payload: HearingFindingIn
) -> Status[Any]:
    round_ = access.access_round(request.actor, round_id, for_write=True)
    ids = set(payload.hearing_ids)
    hearings = list(round_.hearings.filter(pk__in=ids))
    if len(hearings) != len(ids):
        raise FieldErrors(
            {"hearing_ids": "もとになったヒアリングは、このヒアリングの回から選びます。"}
        )
    try:
        finding = services.finding_create(
            request.actor,
            round_=round_,
            text=payload.text,
            themes=[str(t.value) for t in payload.themes],
            hearings=hearings,
            keep={k.key: k.reason for k in payload.keep},
        )
    except deidentify.IdentifiersLeft as exc:
        return Status(422, flags_error(exc))
    return Status(201, finding)


@router.get(
    "/hearings/findings/{finding_id}",
    response={200: HearingFindingOut, 404: ErrorOut},
    summary="結果",
    url_name="hearings_finding_detail",
)
def finding_detail(request: TsunaguRequest, finding_id: int) -> Finding:
    return access.access_finding(request.actor, finding_id)


@router.get(
    "/hearings/rounds/{round_id}/results",
    response={200: HearingResultsOut, 404: ErrorOut},
    summary="結果と方向性（テーマごとのまとめ）",
    url_name="hearings_results",
)
def results(request: TsunaguRequest, round_id: int) -> dict[str, Any]:
    actor = request.actor
    round_ = access.access_results(actor, round_id)
    groups = selectors.results_by_theme(actor, round_)
    audit.record(
        action=Action.RECORD_VIEWED,
        actor=actor,
        target=round_,
        detail={"view": "hearings_results", "path": actor.origin.path},
    )
    return {
        "round_id": round_.pk,
        "themes": [
            {
                "theme": g.theme,
                "label": g.label,
                "finding_ids": [f.pk for f in g.findings],
                "direction_ids": [d.pk for d in g.directions],
            }
            for g in groups
        ],
    }


@router.get(
    "/hearings/rounds/{round_id}/directions",
    response={200: list[HearingDirectionOut], 404: ErrorOut, 422: ErrorOut},
    summary="方向性（実施機関はすべて、協議会の構成機関は採択されたもの）",
    url_name="hearings_direction_list",
)
@paginated
def direction_list(request: TsunaguRequest, round_id: int) -> Any:
    round_ = access.access_results(request.actor, round_id)
    return selectors.round_directions(request.actor, round_)


@router.post(
    "/hearings/rounds/{round_id}/directions",
    response={201: HearingDirectionOut, **FLAGGED},
    summary="方向性を記録する（根拠とする結果を引用。匿名化の確認）",
    url_name="hearings_direction_create",
)
def direction_create(
    request: TsunaguRequest, round_id: int, payload: HearingDirectionIn
) -> Status[Any]:
    round_ = access.access_round(request.actor, round_id, for_write=True)
    ids = set(payload.finding_ids)
    findings = list(round_.findings.filter(pk__in=ids))
    if len(findings) != len(ids):
        raise FieldErrors({"finding_ids": "根拠とする結果は、このヒアリングの回から選びます。"})
    try:
        direction = services.direction_create(
            request.actor,
            round_=round_,
            title=payload.title,
            text=payload.text,
            theme=str(payload.theme.value),
            findings=findings,
            keep={k.key: k.reason for k in payload.keep},
        )
    except deidentify.IdentifiersLeft as exc:
        return Status(422, flags_error(exc))
    return Status(201, direction)


@router.get(
    "/hearings/directions/{direction_id}",
    response={200: HearingDirectionOut, 404: ErrorOut},
    summary="方向性",
    url_name="hearings_direction_detail",
)
def direction_detail(request: TsunaguRequest, direction_id: int) -> Direction:
    return access.access_direction(request.actor, direction_id)


@router.post(
    "/hearings/directions/{direction_id}/adopt",
    response={200: HearingDirectionOut, **ERRORS},
    summary="協議会での採択を記録する（採択日は今日まで、根拠とする結果が必要）",
    url_name="hearings_direction_adopt",
)
def direction_adopt(
    request: TsunaguRequest, direction_id: int, payload: HearingAdoptIn
) -> Direction:
    direction = access.access_direction(request.actor, direction_id, for_write=True)
    meeting: Meeting | None = None
    if payload.meeting_id is not None:
        meeting = services.council_meetings(direction.round).filter(pk=payload.meeting_id).first()
        if meeting is None:
            raise FieldErrors({"meeting_id": "会議は、報告先の協議会・部会の会議から選びます。"})
    return services.direction_adopt(
        request.actor, direction=direction, adopted_on=payload.adopted_on, meeting=meeting
    )


@router.post(
    "/hearings/directions/{direction_id}/community-issue",
    response={201: HearingIssueOut, **FLAGGED},
    summary="採択された方向性を地域課題として提起する（調査・ヒアリング）",
    url_name="hearings_direction_issue",
)
def direction_issue(
    request: TsunaguRequest, direction_id: int, payload: HearingIssueIn
) -> Status[Any]:
    direction = access.access_direction(request.actor, direction_id, for_write=True)
    try:
        issue = services.direction_to_issue(
            request.actor,
            direction=direction,
            title=payload.title,
            description=payload.description,
            keep={k.key: k.reason for k in payload.keep},
        )
    except deidentify.IdentifiersLeft as exc:
        return Status(422, flags_error(exc))
    return Status(201, {"direction_id": direction.pk, "community_issue_id": issue.pk})


@router.post(
    "/hearings/directions/{direction_id}/resource-development",
    response={201: HearingDevelopmentOut, **FLAGGED},
    summary="採択された方向性から実現したことを資源開発として記録する",
    url_name="hearings_direction_development",
)
def direction_development(
    request: TsunaguRequest, direction_id: int, payload: HearingDevelopmentIn
) -> Status[Any]:
    direction = access.access_direction(request.actor, direction_id, for_write=True)
    try:
        development = services.direction_to_development(
            request.actor,
            direction=direction,
            kind=str(payload.kind.value),
            title=payload.title,
            beneficiaries=payload.beneficiaries,
            description=payload.description,
            occurred_on=payload.occurred_on,
            keep={k.key: k.reason for k in payload.keep},
        )
    except deidentify.IdentifiersLeft as exc:
        return Status(422, flags_error(exc))
    return Status(201, {"direction_id": direction.pk, "resource_development_id": development.pk})
