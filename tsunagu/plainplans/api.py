"""The plan in plain words in the API: the same access helpers, selectors and services as the
screens (the screens' チェック is `POST .../check`, their preview `GET .../preview`)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.template.loader import render_to_string
from ninja import Field, Query, Router, Schema, Status

from tsunagu.cases.access import access_case
from tsunagu.core.api import ERRORS, ErrorOut, paginated
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.schemas import Out
from tsunagu.core.validators import Id, SaneDate
from tsunagu.plainplans import access, checker, selectors, services
from tsunagu.plainplans.models import (
    GOALS_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    PART_MAX_LENGTH,
    WHO_MAX_LENGTH,
    PlainPlan,
)
from tsunagu.plainplans.services import MAX_PARTS

router = Router(tags=["plainplans"])

PlainPlanAudience = Literal["person", "family"]
PlainPlanSection = Literal["goals", "parts", "meeting"]
PLAIN_ERRORS: dict[int, Any] = {400: ErrorOut, **ERRORS}


class PlainPlanPartOut(Out):
    who: str
    what: str
    plan_item_id: int | None


class PlainPlanFlagOut(Out):
    field: str
    kind: str
    start: int
    end: int
    text: str
    suggestion: str
    message: str
    line: int
    column: int


class PlainPlanOut(Out):
    id: int
    case_id: int
    person_id: int
    plan_id: int
    version: int
    status: str
    goals: str
    next_meeting_on: dt.date | None
    next_meeting_note: str
    kanji_grade: int
    family_sections: list[str]
    family_allowed_on: dt.date | None
    family_allowed_note: str
    released_at: dt.datetime | None
    parts: list[PlainPlanPartOut]


class PlainPlanDetailOut(PlainPlanOut):
    flags: list[PlainPlanFlagOut]


class PlainPlanPartIn(Schema):
    who: str = Field(..., max_length=WHO_MAX_LENGTH)
    what: str = Field(..., max_length=PART_MAX_LENGTH)
    plan_item_id: Id | None = None


class PlainPlanIn(Schema):
    goals: str = Field("", max_length=GOALS_MAX_LENGTH)
    parts: list[PlainPlanPartIn] = Field(default_factory=list, max_length=MAX_PARTS)
    next_meeting_on: SaneDate | None = None
    next_meeting_note: str = Field("", max_length=NOTE_MAX_LENGTH)
    kanji_grade: int = Field(..., ge=1, le=6, description="学年別漢字配当表の学年（1〜6）")


class PlainPlanCheckOut(Out):
    flags: list[PlainPlanFlagOut]


class PlainPlanReleaseIn(Schema):
    family_sections: list[PlainPlanSection] = Field(
        default_factory=list, max_length=3, description="家族に見せる部分（本人が認めたもの）"
    )
    family_allowed_on: SaneDate | None = Field(None, description="本人が家族に見せてよいと言った日")
    family_allowed_note: str = Field("", max_length=NOTE_MAX_LENGTH)


class PlainPlanPreviewQuery(Schema):
    audience: PlainPlanAudience = "person"


class PlainPlanPreviewOut(Out):
    audience: str
    sections: list[str]
    html: str = Field(description="本人（家族）の画面と同じ HTML（ふりがな付き）")


def _out(plain_plan: PlainPlan, *, with_flags: bool = False) -> dict[str, Any]:
    parts = selectors.plain_plan_parts(plain_plan)
    out: dict[str, Any] = {
        "id": plain_plan.pk,
        "case_id": plain_plan.case_id,
        "person_id": plain_plan.person_id,
        "plan_id": plain_plan.plan_id,
        "version": plain_plan.version,
        "status": plain_plan.status,
        "goals": plain_plan.goals,
        "next_meeting_on": plain_plan.next_meeting_on,
        "next_meeting_note": plain_plan.next_meeting_note,
        "kanji_grade": plain_plan.kanji_grade,
        "family_sections": plain_plan.family_sections,
        "family_allowed_on": plain_plan.family_allowed_on,
        "family_allowed_note": plain_plan.family_allowed_note,
        "released_at": plain_plan.released_at,
        "parts": parts,
    }
    if with_flags:
        out["flags"] = [f.as_dict() for f in selectors.flags(plain_plan, parts)]
    return out


@router.get(
    "/plainplans/cases/{case_id}",
    response={200: list[PlainPlanOut], 404: ErrorOut, 422: ErrorOut},
    summary="ケースのわかりやすい計画（本人向け）の版の一覧",
    url_name="plainplans_case",
)
@paginated
def plain_plan_list(request: TsunaguRequest, case_id: int) -> Any:
    case = access_case(request.actor, case_id)
    rows = selectors.plain_plan_list(request.actor, case=case).prefetch_related("parts")
    return [_out(p) for p in rows]


@router.post(
    "/plainplans/cases/{case_id}",
    response={201: PlainPlanDetailOut, **PLAIN_ERRORS},
    summary="今の支援計画から、わかりやすい計画の下書きを作る",
    url_name="plainplans_start",
)
def plain_plan_start(request: TsunaguRequest, case_id: int) -> Status[Any]:
    case = access_case(request.actor, case_id, for_write=True)
    plain_plan = services.plain_plan_start(request.actor, case=case)
    return Status(201, _out(plain_plan, with_flags=True))


@router.get(
    "/plainplans/{plain_plan_id}",
    response={200: PlainPlanDetailOut, 404: ErrorOut},
    summary="わかりやすい計画（やさしい日本語のチェック付き）",
    url_name="plainplans_detail",
)
def plain_plan_detail(request: TsunaguRequest, plain_plan_id: int) -> Any:
    return _out(access.access_plain_plan(request.actor, plain_plan_id), with_flags=True)


@router.put(
    "/plainplans/{plain_plan_id}",
    response={200: PlainPlanDetailOut, **PLAIN_ERRORS},
    summary="わかりやすい計画の下書きを書く（チェックの指摘があっても保存する）",
    url_name="plainplans_edit",
)
def plain_plan_edit(request: TsunaguRequest, plain_plan_id: int, payload: PlainPlanIn) -> Any:
    plain_plan = access.access_plain_plan(request.actor, plain_plan_id, for_write=True)
    saved = services.plain_plan_update(
        request.actor,
        plain_plan=plain_plan,
        goals=payload.goals,
        parts=[{"who": p.who, "what": p.what, "plan_item": p.plan_item_id} for p in payload.parts],
        next_meeting_on=payload.next_meeting_on,
        next_meeting_note=payload.next_meeting_note,
        kanji_grade=payload.kanji_grade,
    )
    return _out(saved, with_flags=True)


@router.post(
    "/plainplans/{plain_plan_id}/check",
    response={200: PlainPlanCheckOut, **PLAIN_ERRORS},
    summary="やさしい日本語のチェック（保存しない）: 長い文、むずかしいことば、学年より上の漢字",
    url_name="plainplans_check",
)
def plain_plan_check(request: TsunaguRequest, plain_plan_id: int, payload: PlainPlanIn) -> Any:
    plain_plan = access.access_plain_plan(request.actor, plain_plan_id)
    texts = {"goals": payload.goals, "next_meeting_note": payload.next_meeting_note}
    for index, part in enumerate(payload.parts, start=1):
        texts[f"part-{index}-who"] = part.who
        texts[f"part-{index}-what"] = part.what
    flags = checker.check_fields(
        texts, grade=payload.kanji_grade, names=list(plain_plan.person_readings)
    )
    return {"flags": [f.as_dict() for f in flags]}


@router.get(
    "/plainplans/{plain_plan_id}/preview",
    response={200: PlainPlanPreviewOut, 404: ErrorOut, 422: ErrorOut},
    summary="本人（または家族）に見える画面の確認",
    url_name="plainplans_preview",
)
def plain_plan_preview(
    request: TsunaguRequest, plain_plan_id: int, query: Query[PlainPlanPreviewQuery]
) -> Any:
    plain_plan = selectors.shown_as(
        access.access_plain_plan(request.actor, plain_plan_id), query.audience
    )
    html = render_to_string("plainplans/_person_view.html", {"plain_plan": plain_plan})
    return {
        "audience": query.audience,
        "sections": plain_plan.sections_for(query.audience),
        "html": html,
    }


@router.post(
    "/plainplans/{plain_plan_id}/release",
    response={200: PlainPlanDetailOut, **PLAIN_ERRORS},
    summary="わかりやすい計画を本人に公開する（前の版に置きかわる。家族には本人が認めた部分だけ）",
    url_name="plainplans_release",
)
def plain_plan_release(
    request: TsunaguRequest, plain_plan_id: int, payload: PlainPlanReleaseIn
) -> Any:
    plain_plan = access.access_plain_plan(request.actor, plain_plan_id, for_write=True)
    sections = set(payload.family_sections)
    released = services.plain_plan_release(
        request.actor,
        plain_plan=plain_plan,
        family_goals="goals" in sections,
        family_parts="parts" in sections,
        family_meeting="meeting" in sections,
        family_allowed_on=payload.family_allowed_on,
        family_allowed_note=payload.family_allowed_note,
    )
    return _out(released, with_flags=True)
