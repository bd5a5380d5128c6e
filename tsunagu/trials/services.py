"""Writes of trial visits: each in one transaction with its audit row.

A candidate is a service of the directory that is still offered; a visit is recorded while
its candidate is undecided (so that the visits counted before a decision are those that
informed it), dated no later than today; a decision (選択した / 選ばなかった) is made once,
dated no earlier than the last visit and no later than today.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Invalid
from tsunagu.core.validation import full_clean
from tsunagu.directory.models import ResourceStatus, SocialResource
from tsunagu.plans.models import SupportPlan
from tsunagu.trials.models import CandidateStatus, TrialCandidate, TrialVisit

CLOSED_CASE = "終結したケースの計画には記録できません。"


def _writer(actor: Actor, plan: SupportPlan) -> None:
    audit.require_writer(actor, target=plan)
    if not plan.case.is_open:
        raise Invalid(_(CLOSED_CASE))


@audit.atomic_with_refusals
def candidate_add(
    actor: Actor, *, plan: SupportPlan, resource: SocialResource, reason: str = ""
) -> TrialCandidate:
    """`plan` was fetched for writing (plans.access.access_plan)."""
    _writer(actor, plan)
    assert actor.organization is not None  # noqa: S101  # a writer acts for one
    if resource.status == ResourceStatus.DEFUNCT:
        raise Invalid(_("廃止されたサービスは候補にできません。"))
    if TrialCandidate.objects.filter(plan=plan, resource=resource).exists():
        raise Invalid(_("このサービスはすでに候補にあります。"))
    candidate = TrialCandidate(
        plan=plan,
        resource=resource,
        resource_name=resource.name,
        provider_name=resource.provider.name,
        reason=reason.strip(),
        added_by=actor.user,
        added_by_organization=actor.organization,
    )
    full_clean(candidate, exclude=["added_by", "added_by_organization"])
    try:
        with audit.atomic():
            candidate.save()
    except IntegrityError:
        raise Invalid(_("このサービスはすでに候補にあります。")) from None
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=candidate,
        detail={"plan": plan.pk, "resource": resource.pk},
        person_ids=[plan.case.person_id] if plan.case.person_id else [],
    )
    return candidate


@audit.atomic_with_refusals
def visit_record(
    actor: Actor,
    *,
    candidate: TrialCandidate,
    visited_on: dt.date,
    kind: str,
    who_went: str,
    person_liked: str = "",
    person_disliked: str = "",
    worker_liked: str = "",
    worker_disliked: str = "",
) -> TrialVisit:
    """`candidate` was fetched for writing (access.access_candidate)."""
    _writer(actor, candidate.plan)
    assert actor.organization is not None  # noqa: S101
    if candidate.status != CandidateStatus.CANDIDATE:
        raise Invalid(_("決めた後の候補には見学・体験を記録できません。"))
    if visited_on > timezone.localdate():
        raise Invalid(_("行った日は今日までにしてください。"))
    visit = TrialVisit(
        candidate=candidate,
        visited_on=visited_on,
        kind=kind,
        who_went=who_went.strip(),
        person_liked=person_liked.strip(),
        person_disliked=person_disliked.strip(),
        worker_liked=worker_liked.strip(),
        worker_disliked=worker_disliked.strip(),
        recorded_by=actor.user,
        recorded_by_organization=actor.organization,
    )
    full_clean(visit, exclude=["candidate", "recorded_by", "recorded_by_organization"])
    visit.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=visit,
        detail={"candidate": candidate.pk, "kind": kind, "visited_on": visited_on.isoformat()},
        person_ids=[candidate.plan.case.person_id] if candidate.plan.case.person_id else [],
    )
    return visit


@audit.atomic_with_refusals
def candidate_decide(
    actor: Actor,
    *,
    candidate: TrialCandidate,
    status: str,
    decided_on: dt.date,
    note: str = "",
) -> TrialCandidate:
    """選択した or 選ばなかった, once.  The row is locked so two decisions cannot cross."""
    _writer(actor, candidate.plan)
    if status not in (CandidateStatus.CHOSEN, CandidateStatus.NOT_CHOSEN):
        raise Invalid(_("「選択した」か「選ばなかった」を選んでください。"))
    locked = TrialCandidate.objects.select_for_update().get(pk=candidate.pk)
    if locked.status != CandidateStatus.CANDIDATE:
        raise Invalid(_("この候補はすでに決まっています。"))
    if decided_on > timezone.localdate():
        raise Invalid(_("決めた日は今日までにしてください。"))
    last = locked.visits.order_by("-visited_on").values_list("visited_on", flat=True).first()
    if last is not None and decided_on < last:
        raise Invalid(_("決めた日は最後の見学・体験の日より後にしてください。"))
    candidate.status = status
    candidate.decided_on = decided_on
    candidate.decision_note = note.strip()
    full_clean(candidate, exclude=["plan", "resource", "added_by", "added_by_organization"])
    candidate.save(update_fields=["status", "decided_on", "decision_note", "updated_at"])
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=candidate,
        detail={
            "status": status,
            "decided_on": decided_on.isoformat(),
            "trials": locked.visits.count(),
        },
        person_ids=[candidate.plan.case.person_id] if candidate.plan.case.person_id else [],
    )
    return candidate
