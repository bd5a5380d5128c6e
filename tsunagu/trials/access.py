"""Who sees and changes trial visits: whoever sees the plan (plans.access, on the case rules).

A candidate or a visit of a plan the actor may not see answers the audited 404 of a record
that is not there; writes need write rights and a basis other than break-glass, as the plan's
own writes do (`cases.access.access_object`).
"""

from __future__ import annotations

from django.db.models import QuerySet

from tsunagu.audit import services as audit
from tsunagu.cases.access import access_object
from tsunagu.core.actor import Actor
from tsunagu.plans.access import plans_visible_to
from tsunagu.trials.models import TrialCandidate, TrialVisit

CANDIDATE = "trials.trialcandidate"


def candidates_visible_to(actor: Actor) -> QuerySet[TrialCandidate]:
    return TrialCandidate.objects.filter(plan__in=plans_visible_to(actor))


def visits_visible_to(actor: Actor) -> QuerySet[TrialVisit]:
    return TrialVisit.objects.filter(candidate__in=candidates_visible_to(actor))


def access_candidate(
    actor: Actor, candidate_id: object, *, for_write: bool = False
) -> TrialCandidate:
    pk = audit.object_pk(actor, CANDIDATE, candidate_id)
    queryset = candidates_visible_to(actor).select_related(
        "plan", "plan__case", "plan__case__person", "resource"
    )
    obj = access_object(actor, queryset, pk, for_write=for_write)
    assert isinstance(obj, TrialCandidate)  # noqa: S101
    return obj
