"""The trial visits API: the same access helpers, selectors and services as the screens."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from tsunagu.audit import services as audit
from tsunagu.core.api import ERRORS, ErrorOut, paginated
from tsunagu.core.dates import fiscal_year
from tsunagu.core.errors import Invalid
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.schemas import Out
from tsunagu.core.validators import Id, SaneDate, Year
from tsunagu.directory.models import SocialResource
from tsunagu.plans.access import access_plan
from tsunagu.trials import access, selectors, services
from tsunagu.trials.models import NOTE_MAX, WORDS_MAX, TrialCandidate, TrialVisit

router = Router(tags=["trials"])

TrialsKind = Literal["visit", "trial_use"]
TrialsDecision = Literal["chosen", "not_chosen"]


class TrialsVisitOut(Out):
    id: int
    visited_on: dt.date
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    who_went: str
    person_liked: str = Field(description="本人の言葉")
    person_disliked: str = Field(description="本人の言葉")
    worker_liked: str = Field(description="支援者から見て")
    worker_disliked: str = Field(description="支援者から見て")


class TrialsCandidateOut(Out):
    id: int
    plan_id: int
    resource_id: int
    resource_name: str
    provider_name: str
    reason: str
    status: str
    status_label: str = Field(alias="get_status_display")
    decided_on: dt.date | None
    decision_note: str
    chosen_after_trial: bool = Field(description="見学・体験の後に選んだ（計画に「体験後に選択」）")
    visits: list[TrialsVisitOut]

    @staticmethod
    def resolve_visits(obj: TrialCandidate) -> list[TrialVisit]:
        return list(obj.visits.all())

    @staticmethod
    def resolve_chosen_after_trial(obj: TrialCandidate) -> bool:
        return obj.status == "chosen" and len(obj.visits.all()) > 0


class TrialsCandidateIn(Schema):
    resource_id: Id
    reason: str = Field("", max_length=NOTE_MAX)


class TrialsVisitIn(Schema):
    visited_on: SaneDate
    kind: TrialsKind
    who_went: str = Field(..., min_length=1, max_length=NOTE_MAX)
    person_liked: str = Field("", max_length=WORDS_MAX)
    person_disliked: str = Field("", max_length=WORDS_MAX)
    worker_liked: str = Field("", max_length=WORDS_MAX)
    worker_disliked: str = Field("", max_length=WORDS_MAX)


class TrialsDecisionIn(Schema):
    status: TrialsDecision
    decided_on: SaneDate
    note: str = Field("", max_length=NOTE_MAX)


class TrialsYearOut(Out):
    fiscal_year: int
    decisions: int
    chosen: int
    chosen_after_trial: int
    trials_before_chosen: int
    trials_per_chosen: str


@router.get(
    "/trials/plans/{plan_id}/candidates",
    response={200: list[TrialsCandidateOut], 404: ErrorOut},
    summary="計画の見学・体験の候補と記録（比較）",
    url_name="trials_plan_candidates",
)
@paginated
def plan_candidates(request: TsunaguRequest, plan_id: int) -> list[TrialCandidate]:
    actor = request.actor
    plan = access_plan(actor, audit.object_pk(actor, "plans.supportplan", plan_id))
    rows = list(selectors.plan_candidates(actor, plan))
    audit.record_read(
        actor,
        view="trials.plan_trials",
        person_ids=[plan.case.person_id] if plan.case.person_id else [],
        target=plan,
    )
    return rows


@router.post(
    "/trials/plans/{plan_id}/candidates",
    response={201: TrialsCandidateOut, **ERRORS},
    summary="見学・体験の候補を加える（社会資源から）",
    url_name="trials_candidate_add",
)
def candidate_add(
    request: TsunaguRequest, plan_id: int, payload: TrialsCandidateIn
) -> Status[TrialCandidate]:
    actor = request.actor
    plan = access_plan(actor, audit.object_pk(actor, "plans.supportplan", plan_id), for_write=True)
    # The directory is public: an unknown service is bad input, not a hidden record.
    resource = SocialResource.objects.select_related("provider").filter(pk=payload.resource_id)
    found = resource.first()
    if found is None:
        raise Invalid(_("社会資源の一覧にあるサービスを選んでください。"))
    candidate = services.candidate_add(actor, plan=plan, resource=found, reason=payload.reason)
    return Status(201, candidate)


@router.get(
    "/trials/candidates/{candidate_id}",
    response={200: TrialsCandidateOut, 404: ErrorOut},
    summary="見学・体験の候補",
    url_name="trials_candidate_detail",
)
def candidate_detail(request: TsunaguRequest, candidate_id: int) -> TrialCandidate:
    return access.access_candidate(request.actor, candidate_id)


@router.post(
    "/trials/candidates/{candidate_id}/visits",
    response={201: TrialsCandidateOut, **ERRORS},
    summary="見学・体験を記録する（本人の言葉と支援者の見方を分けて）",
    url_name="trials_visit_record",
)
def visit_record(
    request: TsunaguRequest, candidate_id: int, payload: TrialsVisitIn
) -> Status[TrialCandidate]:
    candidate = access.access_candidate(request.actor, candidate_id, for_write=True)
    services.visit_record(request.actor, candidate=candidate, **payload.dict())
    return Status(201, TrialCandidate.objects.get(pk=candidate.pk))


@router.post(
    "/trials/candidates/{candidate_id}/decision",
    response={200: TrialsCandidateOut, **ERRORS},
    summary="候補を選ぶ・選ばない",
    url_name="trials_candidate_decide",
)
def candidate_decide(
    request: TsunaguRequest, candidate_id: int, payload: TrialsDecisionIn
) -> TrialCandidate:
    candidate = access.access_candidate(request.actor, candidate_id, for_write=True)
    services.candidate_decide(request.actor, candidate=candidate, **payload.dict())
    return TrialCandidate.objects.get(pk=candidate.pk)


@router.get(
    "/trials/figures",
    response={200: list[TrialsYearOut], 422: ErrorOut},
    summary="選んだサービスあたりの見学・体験の回数（年度ごと、市全体）",
    url_name="trials_figures",
)
@paginated
def figures(request: TsunaguRequest, fiscal_year_to: Year | None = None) -> list[Any]:
    last = fiscal_year_to or fiscal_year(timezone.localdate())
    return [
        {**year.__dict__, "trials_per_chosen": year.trials_per_chosen}
        for year in selectors.trial_years(last)
    ]
