"""The status lifecycle: every from → to pair, closing and reopening."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases import services
from tsunagu.cases.models import CASE_TRANSITIONS, Case, CaseStatus, CaseStatusChange
from tsunagu.cases.tests.factories import TeamMemberFactory
from tsunagu.core.errors import Forbidden, Invalid
from tsunagu.organizations.tests.actors import actor_as

PAIRS = list(itertools.product(CaseStatus.values, CaseStatus.values))


def _at(case: Case, status: str) -> Case:
    closed = {"closed_on": timezone.localdate(), "closure_reason": "目標達成"}
    values = closed if status == CaseStatus.CLOSED else {}
    Case.objects.filter(pk=case.pk).update(status=status, **values)
    return Case.objects.get(pk=case.pk)


@pytest.mark.parametrize(("from_status", "to_status"), PAIRS, ids=lambda v: v)
def test_every_pair_follows_the_transition_table(from_status, to_status, personas, world):
    case = _at(world.case, from_status)
    request = actor_as(personas.counselor_a)
    legal = to_status in CASE_TRANSITIONS[from_status]
    if legal:
        services.case_transition(
            actor=request, case=case, to_status=to_status, closure_reason="支援目標を達成"
        )
        case.refresh_from_db()
        assert case.status == to_status
        change = CaseStatusChange.objects.filter(case=case).last()
        assert change is not None
        assert (change.from_status, change.to_status) == (from_status, to_status)
        assert AuditEvent.objects.filter(
            action=Action.CASE_STATUS_CHANGED, target_id=str(case.pk)
        ).exists()
    else:
        with pytest.raises(Invalid) as info:
            services.case_transition(
                actor=request, case=case, to_status=to_status, closure_reason="支援目標を達成"
            )
        assert info.value.message
        case.refresh_from_db()
        assert case.status == from_status
        assert not AuditEvent.objects.filter(action=Action.CASE_STATUS_CHANGED).exists()


def test_illegal_move_says_so_in_japanese(personas, world):
    with pytest.raises(Invalid) as info:
        services.case_transition(
            actor=actor_as(personas.counselor_a), case=world.case, to_status="planning"
        )
    assert info.value.message == "受付から計画へは直接移れません。"


def test_closing_requires_a_closure_reason_and_sets_closed_on(personas, world):
    request = actor_as(personas.counselor_a)
    with pytest.raises(Invalid, match="終結の理由"):
        services.case_transition(actor=request, case=world.case, to_status="closed")
    assert Case.objects.get(pk=world.case.pk).status == CaseStatus.INTAKE

    services.case_transition(
        actor=request, case=world.case, to_status="closed", closure_reason="転居のため"
    )
    case = Case.objects.get(pk=world.case.pk)
    assert case.status == CaseStatus.CLOSED
    assert case.closed_on == timezone.localdate()
    assert case.closure_reason == "転居のため"


def test_closed_on_cannot_precede_opened_on(personas, world):
    with pytest.raises(Invalid, match="開始日以降"):
        services.case_transition(
            actor=actor_as(personas.counselor_a),
            case=world.case,
            to_status="closed",
            closure_reason="転居のため",
            closed_on=world.case.opened_on - dt.timedelta(days=1),
        )


def test_reopen_requires_a_reason_and_goes_to_assessment(personas, world):
    case = _at(world.case, CaseStatus.CLOSED)
    request = actor_as(personas.counselor_a)
    with pytest.raises(Invalid, match="再開の理由"):
        services.case_reopen(actor=request, case=case, reason="  ")
    services.case_reopen(actor=request, case=case, reason="母の再入院で生活が不安定に")
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSESSMENT
    assert case.closed_on is None
    change = CaseStatusChange.objects.filter(case=case).last()
    assert change is not None
    assert change.reason == "母の再入院で生活が不安定に"


def test_reopen_only_from_closed(personas, world):
    with pytest.raises(Invalid):
        services.case_reopen(
            actor=actor_as(personas.counselor_a), case=world.case, reason="再開します"
        )


def test_only_the_lead_organization_changes_status(personas, world):
    TeamMemberFactory.create(
        case=world.case, organization=personas.core_center, added_by=personas.counselor_a
    )
    with pytest.raises(Forbidden):
        services.case_transition(
            actor=actor_as(personas.core_officer), case=world.case, to_status="assessment"
        )
    assert Case.objects.get(pk=world.case.pk).status == CaseStatus.INTAKE
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, actor=personas.core_officer
    ).exists()


def test_read_only_member_cannot_change_status(personas, world):
    with pytest.raises(Forbidden):
        services.case_transition(
            actor=actor_as(personas.reader_a), case=world.case, to_status="assessment"
        )
