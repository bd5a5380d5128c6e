"""The rights advocacy API: the same access helpers, selectors and services as the screens."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.utils import timezone
from ninja import Field, Router, Schema, Status

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.api import ERRORS, ErrorOut, paginated
from tsunagu.core.dates import fiscal_year
from tsunagu.core.errors import FieldErrors
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.schemas import Out
from tsunagu.core.validators import Id, SaneDate, Year
from tsunagu.meetings import deidentify
from tsunagu.meetings.api import FlagsErrorOut, KeepIn, flags_error
from tsunagu.organizations.models import Organization
from tsunagu.rights import access, selectors, services
from tsunagu.rights.models import (
    NOTE_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    CostSupportDecision,
    DiscriminationConsultation,
    GuardianshipPetition,
    SelfRelianceReferral,
)

router = Router(tags=["rights"])

# Literal values, not the models' enums: an enum is named in the API document by its class
# name, and other apps have enums of the same names.
RightsPetitionerKind = Literal["mayor", "relative", "self"]
RightsGuardianshipType = Literal["guardianship", "curatorship", "assistance"]
RightsPetitionStep = Literal[
    "consulted", "kin_survey", "mayor_decision", "filed", "ruling", "started"
]
RightsRulingKind = Literal["granted", "dismissed", "withdrawn"]
RightsGuardianKind = Literal["relative", "professional", "citizen", "corporate"]
RightsConsulterKind = Literal["self", "family", "supporter", "other"]
RightsAgeBand = Literal["", "under_18", "18_39", "40_64", "65_over"]
RightsDisabilityType = Literal[
    "", "physical", "intellectual", "mental", "developmental", "intractable"
]
RightsPartyKind = Literal["business", "public"]
RightsDiscriminationKind = Literal["unfair_treatment", "no_accommodation"]
RightsDiscriminationField = Literal[
    "employment", "education", "shops", "transport", "housing", "medical", "other"
]
RightsConsultationStepKind = Literal["hearing", "advice", "mediation", "referral"]
RightsConsultationOutcome = Literal["mediated", "advised", "referred", "unresolved"]
RightsReferralOutcome = Literal["contracted", "waiting", "declined"]
RightsCostSupportKind = Literal["petition_cost", "fee"]

FLAG_ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 422: FlagsErrorOut}


class RightsPetitionStepOut(Out):
    step: str
    step_label: str = Field(alias="get_step_display")
    on: dt.date
    note: str
    organization_id: int


class RightsPetitionOut(Out):
    id: int
    person_id: int
    petitioner: str
    guardianship_type: str
    step: str
    step_label: str = Field(alias="get_step_display")
    next_step: str | None
    ruling: str
    ruled_on: dt.date | None
    guardian_name: str
    guardian_kind: str
    steps: list[RightsPetitionStepOut]

    @staticmethod
    def resolve_next_step(obj: GuardianshipPetition) -> str | None:
        return services.next_step(obj)

    @staticmethod
    def resolve_steps(obj: GuardianshipPetition) -> list[Any]:
        return list(obj.steps.all())


class RightsPetitionIn(Schema):
    petitioner: RightsPetitionerKind
    guardianship_type: RightsGuardianshipType
    consulted_on: SaneDate
    note: str = Field("", max_length=NOTE_MAX_LENGTH)


class RightsPetitionStepIn(Schema):
    step: RightsPetitionStep
    on: SaneDate
    note: str = Field("", max_length=NOTE_MAX_LENGTH)
    ruling: RightsRulingKind | None = Field(None, description="審判のとき")
    guardian_name: str = Field("", max_length=200, description="後見等開始のとき")
    guardian_kind: RightsGuardianKind | None = Field(None, description="後見等開始のとき")


class RightsConsultationStepOut(Out):
    kind: str
    on: dt.date
    note: str


class RightsConsultationOut(Out):
    id: int
    organization_id: int
    received_on: dt.date
    consulter: str
    person_id: int | None = Field(None, description="本人を見られる機関にだけ示す")
    age_band: str
    disability_type: str
    party_kind: str
    kind: str
    field: str
    summary: str
    outcome: str
    closed_on: dt.date | None
    steps: list[RightsConsultationStepOut]


class RightsConsultationIn(Schema):
    received_on: SaneDate
    consulter: RightsConsulterKind
    person_id: Id | None = None
    age_band: RightsAgeBand = ""
    disability_type: RightsDisabilityType = ""
    party_kind: RightsPartyKind
    kind: RightsDiscriminationKind
    field: RightsDiscriminationField
    summary: str = Field(..., min_length=1, max_length=SUMMARY_MAX_LENGTH)
    keep: list[KeepIn] = Field([], max_length=200)
    seen_flags: list[str] = Field([], max_length=200)


class RightsConsultationStepIn(Schema):
    kind: RightsConsultationStepKind
    on: SaneDate
    note: str = Field("", max_length=NOTE_MAX_LENGTH)
    keep: list[KeepIn] = Field([], max_length=200)


class RightsCloseIn(Schema):
    outcome: RightsConsultationOutcome
    closed_on: SaneDate


class RightsFigureOut(Schema):
    label: str
    count: int


class RightsFiguresOut(Schema):
    year: int
    steps: list[RightsFigureOut]
    petitions_by_type: list[RightsFigureOut]
    rulings: list[RightsFigureOut]
    consultations_by_kind: list[RightsFigureOut]
    consultations_by_field: list[RightsFigureOut]
    consultations_by_party: list[RightsFigureOut]
    outcomes: list[RightsFigureOut]
    referrals: list[RightsFigureOut]
    cost_decisions: list[RightsFigureOut]
    cost_amounts: list[RightsFigureOut]


def _consultation_out(actor: Any, c: DiscriminationConsultation) -> dict[str, Any]:
    person = access.shown_person(actor, c)
    return {
        "id": c.pk,
        "organization_id": c.organization_id,
        "received_on": c.received_on,
        "consulter": c.consulter,
        "person_id": person.pk if person is not None else None,
        "age_band": c.age_band,
        "disability_type": c.disability_type,
        "party_kind": c.party_kind,
        "kind": c.kind,
        "field": c.field,
        "summary": c.summary,
        "outcome": c.outcome,
        "closed_on": c.closed_on,
        "steps": list(c.steps.all()),
    }


@router.get(
    "/rights/petitions",
    response={200: list[RightsPetitionOut], 404: ErrorOut, 422: ErrorOut},
    summary="成年後見制度の申立ての一覧（本人を見られる機関）",
    url_name="rights_petition_list",
)
@paginated
def petition_list(request: TsunaguRequest) -> Any:
    actor = audit.require_role(request.actor, access.is_oversight, view="rights_index")
    rows = access.petitions_visible_to(actor).prefetch_related("steps").order_by("-pk")
    audit.record_read(
        actor, view="rights_petitions", person_ids=rows.values_list("person_id", flat=True)
    )
    return rows


@router.post(
    "/rights/persons/{person_id}/petitions",
    response={201: RightsPetitionOut, **ERRORS},
    summary="成年後見制度の申立てを記録する（基幹相談支援センター・市担当課）",
    url_name="rights_petition_create",
)
def petition_create(
    request: TsunaguRequest, person_id: int, payload: RightsPetitionIn
) -> Status[GuardianshipPetition]:
    person = access.access_person(request.actor, person_id)
    petition = services.petition_create(
        request.actor,
        person=person,
        petitioner=payload.petitioner,
        guardianship_type=payload.guardianship_type,
        consulted_on=payload.consulted_on,
        note=payload.note,
    )
    return Status(201, petition)


@router.get(
    "/rights/petitions/{petition_id}",
    response={200: RightsPetitionOut, 404: ErrorOut},
    summary="成年後見制度の申立て",
    url_name="rights_petition_detail",
)
def petition_detail(request: TsunaguRequest, petition_id: int) -> GuardianshipPetition:
    return access.read_petition(request.actor, petition_id)


@router.post(
    "/rights/petitions/{petition_id}/steps",
    response={201: RightsPetitionOut, **ERRORS},
    summary="申立ての次の段階を記録する（市長申立ての決定からは市担当課）",
    url_name="rights_petition_step",
)
def petition_step(
    request: TsunaguRequest, petition_id: int, payload: RightsPetitionStepIn
) -> Status[GuardianshipPetition]:
    petition = access.access_petition(request.actor, petition_id)
    services.petition_step(
        request.actor,
        petition=petition,
        step=payload.step,
        on=payload.on,
        note=payload.note,
        ruling=payload.ruling if payload.ruling else "",
        guardian_name=payload.guardian_name,
        guardian_kind=payload.guardian_kind if payload.guardian_kind else "",
    )
    return Status(201, GuardianshipPetition.objects.get(pk=petition.pk))


@router.get(
    "/rights/consultations",
    response={200: list[RightsConsultationOut], 404: ErrorOut, 422: ErrorOut},
    summary="障害者差別に関する相談の一覧（基幹相談支援センター・市担当課）",
    url_name="rights_consultation_list",
)
@paginated
def consultation_list(request: TsunaguRequest) -> Any:
    actor = audit.require_role(request.actor, access.is_oversight, view="rights_index")
    rows = access.consultations_visible_to(actor).prefetch_related("steps")
    return [_consultation_out(actor, c) for c in rows]


@router.post(
    "/rights/consultations",
    response={201: RightsConsultationOut, **FLAG_ERRORS},
    summary="障害者差別に関する相談を記録する（匿名化の確認: 指摘が消えるか理由を付けるまで422）",
    url_name="rights_consultation_create",
)
def consultation_create(request: TsunaguRequest, payload: RightsConsultationIn) -> Status[Any]:
    actor = audit.require_role(request.actor, access.may_record, view="rights_consultation")
    person = access.access_person(actor, payload.person_id) if payload.person_id else None
    try:
        consultation = services.consultation_create(
            actor,
            received_on=payload.received_on,
            consulter=payload.consulter,
            person=person,
            age_band=payload.age_band,
            disability_type=payload.disability_type,
            party_kind=payload.party_kind,
            kind=payload.kind,
            field=payload.field,
            summary=payload.summary,
            keep={k.key: k.reason for k in payload.keep},
            seen=payload.seen_flags,
        )
    except deidentify.IdentifiersLeft as exc:
        return Status(422, flags_error(exc))
    return Status(201, _consultation_out(actor, consultation))


@router.get(
    "/rights/consultations/{consultation_id}",
    response={200: RightsConsultationOut, 404: ErrorOut},
    summary="障害者差別に関する相談",
    url_name="rights_consultation_detail",
)
def consultation_detail(request: TsunaguRequest, consultation_id: int) -> dict[str, Any]:
    consultation = access.read_consultation(request.actor, consultation_id)
    return _consultation_out(request.actor, consultation)


@router.post(
    "/rights/consultations/{consultation_id}/steps",
    response={201: RightsConsultationOut, **FLAG_ERRORS},
    summary="相談への対応（聞き取り・助言・調整・紹介）を記録する",
    url_name="rights_consultation_step",
)
def consultation_step(
    request: TsunaguRequest, consultation_id: int, payload: RightsConsultationStepIn
) -> Status[Any]:
    consultation = access.access_consultation(request.actor, consultation_id)
    try:
        services.consultation_step(
            request.actor,
            consultation=consultation,
            kind=payload.kind,
            on=payload.on,
            note=payload.note,
            keep={k.key: k.reason for k in payload.keep},
        )
    except deidentify.IdentifiersLeft as exc:
        return Status(422, flags_error(exc))
    return Status(201, _consultation_out(request.actor, consultation))


@router.post(
    "/rights/consultations/{consultation_id}/close",
    response={200: RightsConsultationOut, **ERRORS},
    summary="相談を終結する（結果）",
    url_name="rights_consultation_close",
)
def consultation_close(
    request: TsunaguRequest, consultation_id: int, payload: RightsCloseIn
) -> dict[str, Any]:
    consultation = access.access_consultation(request.actor, consultation_id)
    closed = services.consultation_close(
        request.actor,
        consultation=consultation,
        outcome=payload.outcome,
        closed_on=payload.closed_on,
    )
    return _consultation_out(request.actor, closed)


@router.get(
    "/rights/figures",
    response={200: RightsFiguresOut, 404: ErrorOut, 422: ErrorOut},
    summary="権利擁護の年度ごとの件数（基幹相談支援センター・市担当課）",
    url_name="rights_figures",
)
def figures(request: TsunaguRequest, year: Year | None = None) -> Any:
    actor = audit.require_role(request.actor, access.is_oversight, view="rights_figures")
    audit.record(action=Action.RECORD_VIEWED, actor=actor, target_type="rights.figures")
    return selectors.figures(actor, year or fiscal_year(timezone.localdate()))


class RightsReferralOut(Out):
    id: int
    person_id: int
    council_id: int
    referred_on: dt.date
    note: str
    outcome: str
    outcome_on: dt.date | None


class RightsReferralIn(Schema):
    council_id: Id
    referred_on: SaneDate
    note: str = Field("", max_length=NOTE_MAX_LENGTH)


class RightsReferralOutcomeIn(Schema):
    outcome: RightsReferralOutcome
    on: SaneDate


class RightsCostDecisionOut(Out):
    id: int
    person_id: int
    kind: str
    amount: int
    decided_on: dt.date


class RightsCostDecisionIn(Schema):
    kind: RightsCostSupportKind
    amount: int = Field(..., ge=1, le=100_000_000)
    decided_on: SaneDate


@router.post(
    "/rights/persons/{person_id}/referrals",
    response={201: RightsReferralOut, **ERRORS},
    summary="日常生活自立支援事業（社会福祉協議会）への紹介を記録する",
    url_name="rights_referral_create",
)
def referral_create(
    request: TsunaguRequest, person_id: int, payload: RightsReferralIn
) -> Status[SelfRelianceReferral]:
    person = access.access_person(request.actor, person_id)
    council = Organization.objects.filter(pk=payload.council_id).first()
    if council is None:
        raise FieldErrors({"council_id": "紹介先は社会福祉協議会から選んでください。"})
    referral = services.referral_create(
        request.actor,
        person=person,
        council=council,
        referred_on=payload.referred_on,
        note=payload.note,
    )
    return Status(201, referral)


@router.get(
    "/rights/referrals/{referral_id}",
    response={200: RightsReferralOut, 404: ErrorOut},
    summary="日常生活自立支援事業への紹介",
    url_name="rights_referral_detail",
)
def referral_detail(request: TsunaguRequest, referral_id: int) -> SelfRelianceReferral:
    referral = access.access_referral(request.actor, referral_id)
    audit.record(
        action=Action.RECORD_VIEWED,
        actor=request.actor,
        target=referral,
        person_ids=[referral.person_id],
    )
    return referral


@router.post(
    "/rights/referrals/{referral_id}/outcome",
    response={200: RightsReferralOut, **ERRORS},
    summary="日常生活自立支援事業への紹介の結果を記録する",
    url_name="rights_referral_outcome",
)
def referral_outcome(
    request: TsunaguRequest, referral_id: int, payload: RightsReferralOutcomeIn
) -> SelfRelianceReferral:
    referral = access.access_referral(request.actor, referral_id)
    return services.referral_outcome(
        request.actor, referral=referral, outcome=payload.outcome, on=payload.on
    )


@router.post(
    "/rights/persons/{person_id}/cost-decisions",
    response={201: RightsCostDecisionOut, **ERRORS},
    summary="成年後見制度利用支援事業の決定を記録する（市担当課）",
    url_name="rights_cost_create",
)
def cost_create(
    request: TsunaguRequest, person_id: int, payload: RightsCostDecisionIn
) -> Status[CostSupportDecision]:
    person = access.access_person(request.actor, person_id)
    decision = services.cost_decision_create(
        request.actor,
        person=person,
        kind=payload.kind,
        amount=payload.amount,
        decided_on=payload.decided_on,
    )
    return Status(201, decision)
