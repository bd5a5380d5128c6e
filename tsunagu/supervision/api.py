"""The supervision API: the same access helpers, selectors and services as the screens.

A presented case's `case_id` and `case_title` are given only to an organization that sees the
case anyway (and the read is audited); to anyone else a linked item looks like any other."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Router, Schema, Status

from tsunagu.accounts.models import User
from tsunagu.audit import services as audit
from tsunagu.cases.access import access_case
from tsunagu.cases.models import Case
from tsunagu.core.api import ERRORS, ErrorOut, Listing, paginated
from tsunagu.core.errors import FieldErrors
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.schemas import Out, patch_field
from tsunagu.core.validators import Id, SaneDate, Year
from tsunagu.expertise.models import Theme
from tsunagu.organizations.models import Organization
from tsunagu.supervision import access, selectors, services
from tsunagu.supervision.models import (
    ADVICE_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    PresentedCase,
    SessionKind,
    SupervisionSession,
)

router = Router(tags=["supervision"])

SUPERVISOR_MESSAGE = "スーパーバイザーは開催する基幹相談支援センターの職員から選びます。"


class SessionOut(Out):
    id: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    held_on: dt.date
    place: str
    organizer_id: int
    supervisor_id: int
    supervisor_name: str = Field(alias="supervisor.full_name")
    office_ids: list[int]
    worker_ids: list[int]

    @staticmethod
    def resolve_office_ids(obj: SupervisionSession) -> list[int]:
        return sorted(o.pk for o in obj.offices.all())

    @staticmethod
    def resolve_worker_ids(obj: SupervisionSession) -> list[int]:
        return sorted(w.pk for w in obj.workers.all())


class ItemOut(Out):
    id: int
    session_id: int
    presenting_office_id: int
    summary: str
    themes: list[str]
    question: str
    case_id: int | None = Field(None, description="見られる機関にだけ示す紐づけ")
    case_title: str | None = None
    advice: str
    advice_recorded_at: dt.datetime | None
    advice_on_case_at: dt.datetime | None
    follow_up_point: str
    carried_from_id: int | None
    carried_to_id: int | None
    followed_up_at: dt.datetime | None
    follow_up_result: str


class SessionIn(Schema):
    kind: SessionKind
    held_on: SaneDate
    place: str = Field("", max_length=200)
    supervisor_id: Id
    office_ids: list[Id] = Field(..., min_length=1, max_length=100)
    worker_ids: list[Id] = Field(default_factory=list, max_length=500)


class SessionPatch(Schema):
    held_on: SaneDate = patch_field()
    place: str = patch_field(max_length=200)
    supervisor_id: Id = patch_field()
    office_ids: list[Id] = patch_field(min_length=1, max_length=100)
    worker_ids: list[Id] = patch_field(max_length=500)


class ItemIn(Schema):
    presenting_office_id: Id
    summary: str = Field(..., min_length=1, max_length=SUMMARY_MAX_LENGTH)
    themes: list[Theme] = Field(default_factory=list, max_length=len(Theme.values))
    question: str = Field("", max_length=1000)
    case_id: Id | None = Field(
        None, description="スーパーバイザーの所属機関が支援チームにいる支援ケースだけ"
    )


class PresentedCaseLinkIn(Schema):
    case_id: Id


class AdviceIn(Schema):
    advice: str = Field(..., min_length=1, max_length=ADVICE_MAX_LENGTH)
    follow_up_point: str | None = Field(None, max_length=400)


class RecordIn(Schema):
    case_id: Id | None = Field(None, description="匿名化した事例の助言を記録する自機関のケース")


class CarryIn(Schema):
    session_id: Id
    follow_up_point: str = Field("", max_length=400)


class FollowUpIn(Schema):
    result: str = Field(..., min_length=1, max_length=2000)


class OfficeCountOut(Schema):
    office_id: int
    office_name: str
    group_sessions: int
    individual_sessions: int
    presented: int
    linked: int
    carried: int
    followed_up: int


class ThemeCountOut(Schema):
    theme: str
    label: str
    count: int


class CountsOut(Schema):
    fiscal_year: int
    sessions: int
    offices: list[OfficeCountOut]
    themes: list[ThemeCountOut]


def _item_out(item: PresentedCase, linked: dict[int, Case]) -> dict[str, Any]:
    case = linked.get(item.pk)
    carried_to = selectors.carried_to(item)
    return {
        "id": item.pk,
        "session_id": item.session_id,
        "presenting_office_id": item.presenting_office_id,
        "summary": item.summary,
        "themes": list(item.themes),
        "question": item.question,
        "case_id": case.pk if case is not None else None,
        "case_title": case.title if case is not None else None,
        "advice": item.advice,
        "advice_recorded_at": item.advice_recorded_at,
        "advice_on_case_at": item.advice_on_case_at,
        "follow_up_point": item.follow_up_point,
        "carried_from_id": item.carried_from_id,
        "carried_to_id": carried_to.pk if carried_to is not None else None,
        "followed_up_at": item.followed_up_at,
        "follow_up_result": item.follow_up_result,
    }


def _one(request: TsunaguRequest, item: PresentedCase, view: str) -> dict[str, Any]:
    return _item_out(item, access.linked_cases_shown(request.actor, [item], view=view))


def _people(organizer: Organization, payload: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if "supervisor_id" in payload:
        supervisor = selectors.supervisors_of(organizer).filter(pk=payload["supervisor_id"]).first()
        if supervisor is None:
            raise FieldErrors({"supervisor_id": SUPERVISOR_MESSAGE})
        fields["supervisor"] = supervisor
    if "office_ids" in payload:
        ids = set(payload["office_ids"])
        offices = list(selectors.attending_offices().filter(pk__in=ids))
        if len(offices) != len(ids):
            raise FieldErrors({"office_ids": "参加できない機関が含まれています。"})
        fields["offices"] = offices
    if "worker_ids" in payload:
        ids = set(payload["worker_ids"])
        workers = list(User.objects.filter(pk__in=ids))
        if len(workers) != len(ids):
            raise FieldErrors({"worker_ids": "参加した職員は、参加した事業所の職員から選びます。"})
        fields["workers"] = workers
    return fields


@router.get(
    "/supervision/sessions",
    response={200: list[SessionOut], 404: ErrorOut, 422: ErrorOut},
    summary="スーパービジョンの一覧（開催機関と参加した事業所）",
    url_name="supervision_session_list",
)
@paginated
def session_list(request: TsunaguRequest) -> Any:
    actor = audit.require_role(request.actor, access.may_view, view="supervision_list")
    return selectors.session_rows(actor).prefetch_related("offices", "workers")


@router.post(
    "/supervision/sessions",
    response={201: SessionOut, **ERRORS},
    summary="スーパービジョンを記録する（基幹相談支援センター）",
    url_name="supervision_session_create",
)
def session_create(request: TsunaguRequest, payload: SessionIn) -> Status[SupervisionSession]:
    actor = audit.require_role(request.actor, access.may_organize, view="supervision_create")
    assert actor.organization is not None  # noqa: S101  # may_organize says so
    data = payload.model_dump()
    session = services.session_create(
        actor,
        kind=str(payload.kind.value),
        held_on=payload.held_on,
        place=payload.place,
        **_people(actor.organization, data),
    )
    return Status(201, session)


@router.get(
    "/supervision/sessions/{session_id}",
    response={200: SessionOut, 404: ErrorOut},
    summary="スーパービジョン",
    url_name="supervision_session_detail",
)
def session_detail(request: TsunaguRequest, session_id: int) -> SupervisionSession:
    return access.access_session(request.actor, session_id)


@router.patch(
    "/supervision/sessions/{session_id}",
    response={200: SessionOut, **ERRORS},
    summary="スーパービジョンを変更する（開催機関）",
    url_name="supervision_session_update",
)
def session_update(
    request: TsunaguRequest, session_id: int, payload: SessionPatch
) -> SupervisionSession:
    session = access.access_session(request.actor, session_id, for_organizer=True)
    data = payload.model_dump(exclude_unset=True)
    fields = _people(session.organizer, data)
    for name in ("held_on", "place"):
        if name in data:
            fields[name] = data[name]
    return services.session_update(request.actor, session=session, **fields)


@router.get(
    "/supervision/sessions/{session_id}/items",
    response={200: list[ItemOut], 404: ErrorOut},
    summary="提示事例（紐づけは、そのケースを見られる機関にだけ示す）",
    url_name="supervision_item_list",
)
@paginated
def item_list(request: TsunaguRequest, session_id: int) -> Any:
    session = access.access_session(request.actor, session_id)

    def shown(rows: list[Any]) -> None:
        # The page's links are shown (and audited) for the rows served, as JSON objects.
        linked = access.linked_cases_listed(
            request.actor, session, rows, view="supervision_item_list"
        )
        rows[:] = [_item_out(item, linked) for item in rows]

    return Listing(selectors.session_items(session), on_page=shown)


@router.post(
    "/supervision/sessions/{session_id}/items",
    response={201: ItemOut, **ERRORS},
    summary="事例を提示する（匿名化、または根拠のある紐づけ）",
    url_name="supervision_item_create",
)
def item_create(
    request: TsunaguRequest, session_id: int, payload: ItemIn
) -> Status[dict[str, Any]]:
    actor = request.actor
    session = access.access_session(actor, session_id)
    office = session.offices.filter(pk=payload.presenting_office_id).first()
    if office is None:
        raise FieldErrors(
            {"presenting_office_id": "提示する事業所は、この回に参加した事業所から選びます。"}
        )
    case = access_case(actor, payload.case_id) if payload.case_id is not None else None
    item = services.item_create(
        actor,
        session=session,
        presenting_office=office,
        summary=payload.summary,
        themes=[str(t.value) for t in payload.themes],
        question=payload.question,
        case=case,
    )
    return Status(201, _one(request, item, "supervision_item"))


@router.get(
    "/supervision/items/{item_id}",
    response={200: ItemOut, 404: ErrorOut},
    summary="提示事例",
    url_name="supervision_item_detail",
)
def item_detail(request: TsunaguRequest, item_id: int) -> dict[str, Any]:
    item = access.access_item(request.actor, item_id)
    return _one(request, item, "supervision_item")


@router.post(
    "/supervision/items/{item_id}/case",
    response={200: ItemOut, **ERRORS},
    summary="提示事例を支援ケースと紐づける（スーパーバイザーの所属機関が支援チームにいること）",
    url_name="supervision_item_link",
)
def item_link(
    request: TsunaguRequest, item_id: int, payload: PresentedCaseLinkIn
) -> dict[str, Any]:
    item = access.access_item(request.actor, item_id)
    case = access_case(request.actor, payload.case_id)
    linked = services.item_link_case(request.actor, item=item, case=case)
    return _one(request, linked, "supervision_item")


@router.post(
    "/supervision/items/{item_id}/advice",
    response={200: ItemOut, **ERRORS},
    summary="スーパーバイザーの助言を記録する（開催機関）",
    url_name="supervision_item_advice",
)
def item_advice(request: TsunaguRequest, item_id: int, payload: AdviceIn) -> dict[str, Any]:
    item = access.access_item(request.actor, item_id)
    saved = services.advice_record(
        request.actor, item=item, advice=payload.advice, follow_up_point=payload.follow_up_point
    )
    return _one(request, saved, "supervision_item")


@router.post(
    "/supervision/items/{item_id}/record-on-case",
    response={200: ItemOut, **ERRORS},
    summary="助言を支援経過記録に残す（提示した事業所が選んだときだけ）",
    url_name="supervision_item_record",
)
def item_record(request: TsunaguRequest, item_id: int, payload: RecordIn) -> dict[str, Any]:
    item = access.access_item(request.actor, item_id)
    case = (
        access_case(request.actor, payload.case_id, audit_read=False)
        if payload.case_id is not None
        else None
    )
    services.advice_to_case(request.actor, item=item, case=case)
    item.refresh_from_db()
    return _one(request, item, "supervision_item")


@router.post(
    "/supervision/items/{item_id}/carry",
    response={201: ItemOut, **ERRORS},
    summary="提示事例を次回に持ち越す",
    url_name="supervision_item_carry",
)
def item_carry(request: TsunaguRequest, item_id: int, payload: CarryIn) -> Status[dict[str, Any]]:
    item = access.access_item(request.actor, item_id)
    to_session = selectors.later_sessions(item).filter(pk=payload.session_id).first()
    if to_session is None:
        raise FieldErrors({"session_id": "持ち越し先は、この回より後の回を選びます。"})
    carried = services.item_carry(
        request.actor, item=item, to_session=to_session, follow_up_point=payload.follow_up_point
    )
    return Status(201, _one(request, carried, "supervision_item"))


@router.post(
    "/supervision/items/{item_id}/follow-up",
    response={200: ItemOut, **ERRORS},
    summary="持ち越した事例のフォローアップを記録する",
    url_name="supervision_item_follow_up",
)
def item_follow_up(request: TsunaguRequest, item_id: int, payload: FollowUpIn) -> dict[str, Any]:
    item = access.access_item(request.actor, item_id)
    saved = services.item_follow_up(request.actor, item=item, result=payload.result)
    return _one(request, saved, "supervision_item")


@router.get(
    "/supervision/counts",
    response={200: CountsOut, 404: ErrorOut, 422: ErrorOut},
    summary="年度の事業所別・分野別の件数（基幹・市は全事業所、事業所は自分の分）",
    url_name="supervision_counts",
)
def counts(request: TsunaguRequest, fiscal_year: Year) -> dict[str, Any]:
    actor = audit.require_role(request.actor, access.may_view, view="supervision_counts")
    result = selectors.year_counts(actor, fiscal_year)
    return {
        "fiscal_year": result.fiscal_year,
        "sessions": result.sessions,
        "offices": [
            {
                "office_id": row.office.pk,
                "office_name": row.office.name,
                "group_sessions": row.group_sessions,
                "individual_sessions": row.individual_sessions,
                "presented": row.presented,
                "linked": row.linked,
                "carried": row.carried,
                "followed_up": row.followed_up,
            }
            for row in result.offices
        ],
        "themes": [
            {"theme": value, "label": label, "count": count}
            for value, label, count in result.themes
        ],
    }
