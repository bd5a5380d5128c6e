"""Screens of trial visits (見学・体験): thin; parse → access → service → render."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tsunagu.audit import services as audit
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.screens import errors_as_pages, form_page, posted
from tsunagu.plans.access import access_plan
from tsunagu.trials import access, selectors, services
from tsunagu.trials.forms import CandidateForm, DecisionForm, VisitForm
from tsunagu.trials.models import TrialCandidate


@require_GET
@errors_as_pages()
def plan_trials(request: TsunaguRequest, plan_id: int) -> HttpResponse:
    """The candidates side by side: for each, the visits with the person's words and the
    worker's in separate rows, for the person and the team to choose."""
    actor = request.actor
    plan = access_plan(actor, plan_id)
    candidates = list(selectors.plan_candidates(actor, plan))
    audit.record_read(
        actor,
        view="trials.plan_trials",
        person_ids=[plan.case.person_id] if plan.case.person_id else [],
        target=plan,
    )
    return render(
        request,
        "trials/plan_trials.html",
        {
            "plan": plan,
            "case": plan.case,
            "candidates": candidates,
            "can_write": actor.can_write and plan.case.is_open,
            "form": CandidateForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="dashboard:home")
def candidate_add(request: TsunaguRequest, plan_id: int) -> HttpResponse:
    plan = access_plan(request.actor, plan_id, for_write=True)
    return form_page(
        request,
        CandidateForm(posted(request)),
        "trials/form.html",
        save=lambda data: services.candidate_add(request.actor, plan=plan, **data),
        done=lambda candidate: redirect("trials:plan_trials", plan.pk),
        context={"title": _("見学・体験の候補を加える"), "plan": plan},
        success=_("候補に加えました。"),
    )


def _candidate_title(candidate: TrialCandidate, what: str) -> str:
    return f"{what}: {candidate.resource_name}"


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="dashboard:home")
def visit_record(request: TsunaguRequest, candidate_id: int) -> HttpResponse:
    candidate = access.access_candidate(request.actor, candidate_id, for_write=True)
    return form_page(
        request,
        VisitForm(posted(request)),
        "trials/form.html",
        save=lambda data: services.visit_record(request.actor, candidate=candidate, **data),
        done=lambda visit: redirect("trials:plan_trials", candidate.plan_id),
        context={
            "title": _candidate_title(candidate, _("見学・体験を記録する")),
            "plan": candidate.plan,
        },
        success=_("見学・体験を記録しました。"),
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="dashboard:home")
def candidate_decide(request: TsunaguRequest, candidate_id: int) -> HttpResponse:
    candidate = access.access_candidate(request.actor, candidate_id, for_write=True)
    return form_page(
        request,
        DecisionForm(posted(request)),
        "trials/form.html",
        save=lambda data: services.candidate_decide(request.actor, candidate=candidate, **data),
        done=lambda decided: redirect("trials:plan_trials", candidate.plan_id),
        context={"title": _candidate_title(candidate, _("選ぶ・選ばない")), "plan": candidate.plan},
        success=_("決めたことを記録しました。"),
    )
