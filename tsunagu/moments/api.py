"""The motivating moments API: the same access helpers, selectors and services as the screens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from tsunagu.audit import services as audit
from tsunagu.core.api import ERRORS, ErrorOut, paginated
from tsunagu.core.errors import Invalid
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.schemas import Out
from tsunagu.core.validators import Id
from tsunagu.meetings import deidentify
from tsunagu.meetings.api import FlagOut, FlagsErrorOut, flags_error
from tsunagu.moments import access, selectors, services
from tsunagu.moments.models import MOMENT_TEXT_MAX, CouncilMoment, MomentShare
from tsunagu.records.access import access_note
from tsunagu.records.models import ProgressNote

router = Router(tags=["moments"])


class MomentsShareOut(Out):
    id: int
    note_id: int
    organization_id: int
    consent_id: int
    message: str
    created_at: dt.datetime
    stopped_at: dt.datetime | None


class MomentsCouncilOut(Out):
    id: int
    note_id: int
    text: str
    lesson: str
    status: str
    published_on: dt.date | None


class MomentsPublishedOut(Out):
    """What the council reads: the text without the person, never the note."""

    id: int
    text: str
    lesson: str
    published_on: dt.date | None


class MomentsNoteOut(Out):
    note_id: int
    case_id: int
    occurred_at: dt.datetime
    moment: str
    shares: list[MomentsShareOut]
    council: MomentsCouncilOut | None
    flags: list[FlagOut] = Field(description="協議会の下書きに残っている指摘（掲載前）")


class MomentsReceivedOut(Out):
    id: int
    case_id: int
    occurred_at: dt.datetime
    moment: str
    shared_by_organization_id: int
    message: str


class MomentsShareIn(Schema):
    organization_id: Id
    message: str = Field("", max_length=200)


class MomentsCouncilIn(Schema):
    text: str = Field(..., min_length=1, max_length=MOMENT_TEXT_MAX)
    lesson: str = Field("", max_length=MOMENT_TEXT_MAX)


def _note_out(actor: Any, note: ProgressNote) -> dict[str, Any]:
    council = CouncilMoment.objects.filter(note=note).first()
    flags = services.council_flags(council) if council and not council.is_published else []
    return {
        "note_id": note.pk,
        "case_id": note.case_id,
        "occurred_at": note.occurred_at,
        "moment": note.motivating_moment if note.is_motivating_moment else "",
        "shares": list(selectors.note_shares(actor, note)),
        "council": council,
        "flags": [FlagOut(**f.as_dict(), open=True) for f in flags],
    }


@router.get(
    "/moments/notes/{note_id}",
    response={200: MomentsNoteOut, 404: ErrorOut},
    summary="記録の心の動く場面と、その共有・協議会への掲載",
    url_name="moments_note",
)
def moment_detail(request: TsunaguRequest, note_id: int) -> dict[str, Any]:
    actor = request.actor
    note = access_note(actor, audit.object_pk(actor, "records.progressnote", note_id))
    return _note_out(actor, note)


@router.post(
    "/moments/notes/{note_id}/shares",
    response={201: MomentsShareOut, **ERRORS},
    summary="心の動く場面を支援チームの事業所と共有する（本人の同意が必要）",
    url_name="moments_share",
)
def moment_share(
    request: TsunaguRequest, note_id: int, payload: MomentsShareIn
) -> Status[MomentShare]:
    actor = request.actor
    note = access_note(
        actor, audit.object_pk(actor, "records.progressnote", note_id), for_write=True
    )
    providers = selectors.providers_on_team(note.case)
    organization = providers.filter(pk=payload.organization_id).first()
    if organization is None:
        raise Invalid(_("支援チームの事業所を選んでください。"))
    share = services.moment_share(
        actor, note=note, organization=organization, message=payload.message
    )
    return Status(201, share)


@router.post(
    "/moments/shares/{share_id}/stop",
    response={200: MomentsShareOut, **ERRORS},
    summary="事業所との共有をやめる",
    url_name="moments_share_stop",
)
def share_stop(request: TsunaguRequest, share_id: int) -> MomentShare:
    share = access.access_share(request.actor, share_id, for_write=True)
    return services.share_stop(request.actor, share=share)


@router.get(
    "/moments/shared",
    response={200: list[MomentsReceivedOut], 422: ErrorOut},
    summary="この事業所に共有された心の動く場面（本人の同意が続いている間）",
    url_name="moments_shared_with_us",
)
@paginated
def shared_with_us(request: TsunaguRequest) -> Any:
    actor = request.actor
    rows = list(selectors.received(actor))
    audit.record_read(
        actor,
        view="moments.shared_with_us",
        person_ids=[s.note.case.person_id for s in rows if s.note.case.person_id],
    )
    return [
        {
            "id": s.pk,
            "case_id": s.note.case_id,
            "occurred_at": s.note.occurred_at,
            "moment": s.note.motivating_moment,
            "shared_by_organization_id": s.shared_by_organization_id,
            "message": s.message,
        }
        for s in rows
    ]


@router.put(
    "/moments/notes/{note_id}/council",
    response={200: MomentsCouncilOut, **ERRORS},
    summary="協議会に伝える場面（匿名化）を書く・書き換える（下書き）",
    url_name="moments_council_write",
)
def council_write(
    request: TsunaguRequest, note_id: int, payload: MomentsCouncilIn
) -> CouncilMoment:
    actor = request.actor
    note = access_note(
        actor, audit.object_pk(actor, "records.progressnote", note_id), for_write=True
    )
    return services.council_moment_write(actor, note=note, text=payload.text, lesson=payload.lesson)


@router.post(
    "/moments/council/{moment_id}/publish",
    response={
        200: MomentsCouncilOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: FlagsErrorOut,
    },
    summary="協議会の「心の動く場面」に掲載する（指摘が一つでも残っていれば422）",
    url_name="moments_council_publish",
)
def council_publish(request: TsunaguRequest, moment_id: int) -> Status[Any]:
    moment = access.access_council_moment(request.actor, moment_id, for_write=True)
    try:
        published = services.council_moment_publish(request.actor, moment=moment)
    except deidentify.IdentifiersLeft as exc:  # every flag is open: a moment keeps none
        return Status(422, flags_error(exc))
    return Status(200, published)


@router.get(
    "/moments/council",
    response={200: list[MomentsPublishedOut], 422: ErrorOut},
    summary="協議会の「心の動く場面」（匿名化して掲載されたもの）",
    url_name="moments_council",
)
@paginated
def council_moments(request: TsunaguRequest) -> Any:
    return selectors.council_page(request.actor)
