"""A refusal stays on the record when the write it refused is rolled back (ADR 0009).

A write service runs in a transaction; an access.denied row written inside it used to roll
back with the write.  `record_denial`/`not_found` inside `atomic_with_refusals` (or
`audit.atomic()`) now write their row once the outermost such block is over."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import transaction

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action, AuditEvent, Outcome
from tsunagu.cases.models import Case
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.core.errors import Forbidden, NotFound
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.surveys import services as surveys
from tsunagu.surveys.tests.factories import make_survey

pytestmark = pytest.mark.django_db


def denials(target_type: str, target_id: object) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action=Action.ACCESS_DENIED, target_type=target_type, target_id=str(target_id)
        )
    )


def refused_on_record(call: Callable[[], object], *, target_type: str, target_id: object) -> None:
    """`call` is refused, and one access.denied row for the target is there after it."""
    before = len(denials(target_type, target_id))
    with pytest.raises((Forbidden, NotFound)):
        call()
    rows = denials(target_type, target_id)
    assert len(rows) == before + 1
    assert rows[-1].outcome == Outcome.DENIED


# --- services across apps, called by someone they refuse ----------------------------------


def test_survey_update_by_a_non_sender_is_on_record(personas):
    survey = make_survey(personas, send=False)
    counselor = actor_as(personas.counselor_a)
    refused_on_record(
        lambda: surveys.survey_update(counselor, survey=survey, title="書き換え"),
        target_type="surveys.survey",
        target_id=survey.pk,
    )
    survey.refresh_from_db()
    assert survey.title != "書き換え"


def test_question_add_by_a_non_sender_is_on_record(personas):
    survey = make_survey(personas, send=False)
    city = actor_as(personas.counselor_b)
    refused_on_record(
        lambda: surveys.question_add(city, survey=survey, kind="text", text="設問"),
        target_type="surveys.survey",
        target_id=survey.pk,
    )


def test_case_reopen_by_another_office_is_on_record(personas):
    from tsunagu.cases import services as cases

    case: Case = CaseFactory.create(lead_organization=personas.office_a)
    outsider = actor_as(personas.counselor_b)
    before = AuditEvent.objects.filter(action=Action.ACCESS_DENIED).count()
    with pytest.raises((Forbidden, NotFound)):
        cases.case_reopen(outsider, case=case, reason="再開")
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED).count() == before + 1


# --- the mechanism --------------------------------------------------------------------------


@audit.atomic_with_refusals
def _refusing_service(actor, *, target_id: str) -> None:
    audit.record(action=Action.AUDIT_VIEWED, actor=actor, target_type="t", target_id="w")
    audit.record_denial(actor, target_type="t", target_id=target_id, reason="test")
    raise Forbidden("no")


def test_a_denial_outlives_the_rollback_of_its_service(personas):
    actor = actor_as(personas.counselor_a)
    with pytest.raises(Forbidden):
        _refusing_service(actor, target_id="1")
    assert len(denials("t", "1")) == 1
    assert not AuditEvent.objects.filter(target_type="t", target_id="w").exists()


def test_nested_services_write_each_denial_once(personas):
    actor = actor_as(personas.counselor_a)

    @audit.atomic_with_refusals
    def outer() -> None:
        audit.record_denial(actor, target_type="t", target_id="outer", reason="test")
        with audit.atomic():
            raise audit.refusal(actor, target=None, target_type="t", reason="r", message="no")

    with pytest.raises(Forbidden):
        outer()
    assert len(denials("t", "outer")) == 1
    assert len(denials("t", "")) == 1


def test_a_denial_in_a_committed_service_is_written_after_it(personas):
    actor = actor_as(personas.counselor_a)

    @audit.atomic_with_refusals
    def partly_refused() -> None:
        assert audit.record_denial(actor, target_type="t", target_id="2", reason="r") is None
        assert not denials("t", "2")  # not yet: the service's transaction is still open

    partly_refused()
    assert len(denials("t", "2")) == 1


def test_a_denial_outside_any_service_is_written_at_once(personas):
    actor = actor_as(personas.counselor_a)
    event = audit.record_denial(actor, target_type="t", target_id="3", reason="r")
    assert event is not None
    assert event.pk
    with transaction.atomic():  # a caller's own transaction: written inside it, as before
        assert audit.record_denial(actor, target_type="t", target_id="4", reason="r")
    assert len(denials("t", "4")) == 1


def test_not_found_inside_a_service_is_on_record(personas):
    actor = actor_as(personas.counselor_a)

    @audit.atomic_with_refusals
    def hidden() -> None:
        raise audit.not_found(actor, "t", "5", "not theirs")

    with pytest.raises(NotFound):
        hidden()
    assert len(denials("t", "5")) == 1


# --- every write service is wrapped ---------------------------------------------------------

# Transactions that refuse nobody: the digest mail (no audit at all) and the disclosure record
# (written after `disclosure_gather` checked the actor, outside it).
_PLAIN_ATOMIC_ALLOWED = {
    "tsunagu/audit/services.py",  # the wrappers themselves
    "tsunagu/notifications/services.py",
    "tsunagu/disclosure/services.py",
}


def _plain_atomics(path: Path) -> list[int]:
    """Lines where a service module opens `transaction.atomic` on the default database (the
    search index's own alias, `using=`, refuses nobody)."""
    tree = ast.parse(path.read_text())
    on_another_alias = {
        id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call) and node.keywords
    }
    return sorted(
        {
            node.lineno
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and node.attr == "atomic"
            and isinstance(node.value, ast.Name)
            and node.value.id == "transaction"
            and id(node) not in on_another_alias
        }
    )


def test_write_services_keep_their_refusals():
    """A service module opens its transactions with `audit.atomic_with_refusals` or
    `audit.atomic()`, so a refusal inside is never rolled back with the write."""
    root = Path(__file__).resolve().parents[3]
    offenders = {}
    for path in sorted(root.glob("tsunagu/*/services.py")):
        name = str(path.relative_to(root))
        if name in _PLAIN_ATOMIC_ALLOWED:
            continue
        if found := _plain_atomics(path):
            offenders[name] = found
    assert offenders == {}
