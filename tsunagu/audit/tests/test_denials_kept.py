"""A refusal stays on the record when the write it refused is rolled back (ADR 0009).

A write service runs in a transaction; an access.denied row written inside it used to roll
back with the write.  `record_denial`/`not_found` inside `atomic_with_refusals` (or
`audit.atomic()`) now write their row once the outermost such block is over.  Every module of
the package (not only the services) opens its transactions with them, but the listed plain
blocks that refuse nobody."""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import transaction

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action, AuditEvent, Outcome
from tsunagu.cases.models import Case
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Forbidden, NotFound
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.surveys import services as surveys
from tsunagu.surveys.models import Survey
from tsunagu.surveys.tests.factories import make_survey
from tsunagu.trainings.models import Registration

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


# --- modules outside the services, refused inside their own transaction ------------------


def test_a_census_by_a_non_sender_is_on_record(personas):
    """`census.census_create` opens its transaction around the survey services: the refusal
    of `survey_create` inside it stays when the census rolls back."""
    from tsunagu.surveys import census

    counselor = actor_as(personas.counselor_a)
    surveys_before = Survey.objects.count()
    refused_on_record(
        lambda: census.census_create(counselor, fiscal_year=2026, deadline=dt.date(2026, 12, 25)),
        target_type="surveys.survey",
        target_id="",
    )
    assert Survey.objects.count() == surveys_before


def test_an_attendance_import_refused_by_its_service_is_on_record(personas, monkeypatch):
    """The organizer role lost between the import's own check and the attendance service's:
    the service's refusal stays when the import's transaction rolls back."""
    from tsunagu.trainings import access, imports
    from tsunagu.trainings.tests.factories import make_event

    event = make_event(personas.core_center, personas.core_officer, held_on=dt.date(2025, 6, 1))
    registration = Registration.objects.create(
        event=event,
        worker=personas.counselor_a,
        organization=personas.office_a,
        job_title="counselor",
        status="registered",
        registered_by=personas.counselor_a,
    )
    checks: list[int] = []

    def organizer_only_at_first(actor: object, event: object) -> bool:
        checks.append(1)
        return len(checks) == 1  # the import's check passes, the service's refuses

    monkeypatch.setattr(access, "is_organizer", organizer_only_at_first)
    core = actor_as(personas.core_officer)
    data = "\ufeffログイン名\ncounselor_a\n".encode()
    refused_on_record(
        lambda: imports.attendance_import(
            core, event=event, data=data, name="a.csv", dry_run=False
        ),
        target_type=access.EVENT,
        target_id=event.pk,
    )
    assert len(checks) == 2
    registration.refresh_from_db()
    assert registration.attendance == ""


def test_a_contact_request_refused_by_its_delivery_is_on_record(personas, monkeypatch):
    """The duplicate queue asks the plans app to deliver a contact request inside its
    decision's transaction: a refusal raised by the delivery is written after the rollback
    (before, a `Refusal` passing through a plain block was written by nobody)."""
    from tsunagu.organizations.models import Organization
    from tsunagu.people import duplicates
    from tsunagu.people.models import DuplicateCandidate, DuplicateStatus
    from tsunagu.people.tests.factories import PersonFactory

    candidate = DuplicateCandidate.objects.create(
        person=PersonFactory.create(registered_by_organization=personas.office_a),
        match=PersonFactory.create(registered_by_organization=personas.office_b),
        raised_by_organization=personas.office_a,
    )

    def refusing_delivery(
        actor: Actor, candidate: DuplicateCandidate, to: Organization, title: str, text: str
    ) -> int:
        raise audit.refusal(actor, target=to, reason="test: delivery refused", message="no")

    monkeypatch.setattr(duplicates, "_contact_request", refusing_delivery)
    core = actor_as(personas.core_officer)
    refused_on_record(
        lambda: duplicates.duplicate_candidate_decide(
            core, candidate=candidate, decision=duplicates.Decision.CONTACT
        ),
        target_type="organizations.organization",
        target_id=personas.office_b.pk,
    )
    candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.OPEN


# --- every transaction that can refuse keeps its refusals -----------------------------------

# Plain `transaction.atomic` blocks that refuse nobody: no service, access check or refusal
# runs inside them.  Keyed by module, or by module and the function opening the block (a new
# plain block elsewhere in a listed module still fails); each says why.
_PLAIN_ATOMIC_ALLOWED = {
    "tsunagu/audit/services.py": "the wrappers themselves, and `record`'s own block",
    "tsunagu/notifications/services.py::setting_save": "a user's own setting, refused to nobody",
    "tsunagu/notifications/services.py::send_digests": "the digest mail: no actor, no audit",
    "tsunagu/disclosure/services.py::disclosure_export": (
        "the disclosure record, written after `disclosure_gather` checked the actor, outside it"
    ),
    "tsunagu/core/imports.py::run_import": (
        "core stands below audit (import-linter); it runs inside `audit/importing.py`'s "
        "`audit.atomic()`, which keeps the refusals of the resources' hooks"
    ),
    "tsunagu/records/backup.py::_snapshot": "the backup command's read-only snapshot",
    "tsunagu/records/backup.py::restore_archive": "the restore command loads rows: no actor",
    "tsunagu/records/management/commands/encrypt_attachments.py::Command.handle": (
        "renames a stored file's row: no actor"
    ),
    "tsunagu/audit/management/commands/audit_roles.py::Command.handle": "database roles",
    "tsunagu/audit/admin_site.py::AuditedModelAdmin.save_model": (
        "a superuser's save in the Django admin and its audit row (the admin site let only "
        "superusers in); no service or access check inside"
    ),
    "tsunagu/audit/admin_site.py::AuditedModelAdmin.delete_model": "as save_model",
    "tsunagu/audit/admin_site.py::AuditedModelAdmin.delete_queryset": "as save_model",
    "tsunagu/audit/views.py::event_export": (
        "the export's own audit row (administrators only, checked before)"
    ),
    "tsunagu/reports/jobs.py::_start": "the report worker claims its job: no actor",
    "tsunagu/reports/jobs.py::run": "the report worker saves the built files: no actor",
    "tsunagu/reports/periodic.py::_claim": "the periodic worker claims a run: no actor",
    "tsunagu/accounts/throttle.py::record_failure": (
        "sign-in counters; the lock-out row is written by `record_refusal`, outside them"
    ),
    "tsunagu/accounts/throttle.py::record_success": "sign-in counters",
    "tsunagu/accounts/throttle.py::record_password_check_failure": (
        "a wrong current password: its counter and its failed row, no refusal"
    ),
    "tsunagu/portal/codes.py::failed": (
        "the portal's guess counter; the refusal is written by its caller, outside it "
        "(portal/services.py)"
    ),
}


def _plain_atomics(path: Path) -> dict[str, list[int]]:
    """Where a module opens `transaction.atomic` (or a bare imported `atomic`) on the default
    database, by the function around it: lines.  The search index's own alias (`using=`)
    refuses nobody."""
    tree = ast.parse(path.read_text())
    bare = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "django.db.transaction"
        for alias in node.names
        if alias.name == "atomic"
    }
    on_another_alias = {
        id(node.func)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and any(k.arg == "using" for k in node.keywords)
    }
    found: dict[str, list[int]] = {}

    class Visitor(ast.NodeVisitor):
        def __init__(self) -> None:
            self.scope: list[str] = []

        def visit_scope(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
            self.scope.append(node.name)  # its decorators count as inside it
            self.generic_visit(node)
            self.scope.pop()

        visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = visit_scope

        def plain(self, node: ast.expr) -> None:
            if id(node) not in on_another_alias:
                found.setdefault(".".join(self.scope), []).append(node.lineno)

        def visit_Attribute(self, node: ast.Attribute) -> None:
            if (
                node.attr == "atomic"
                and isinstance(node.value, ast.Name)
                and node.value.id == "transaction"
            ):
                self.plain(node)
            self.generic_visit(node)

        def visit_Name(self, node: ast.Name) -> None:
            if node.id in bare:
                self.plain(node)

    Visitor().visit(tree)
    return found


def _app_modules(root: Path) -> list[Path]:
    """Every module of the package but migrations, tests and the demo seeders."""
    return [
        path
        for path in sorted(root.glob("tsunagu/**/*.py"))
        if not {"migrations", "tests"} & set(path.relative_to(root).parts)
        and path.relative_to(root).parts[1] != "demo"
        and path.name != "conftest.py"
    ]


def test_transactions_keep_their_refusals():
    """Any module (services, views, imports, hooks) opens its transactions with
    `audit.atomic_with_refusals` or `audit.atomic()`, so a refusal inside is never rolled back
    with the write; a plain `transaction.atomic` only where listed above.  A wrapped service
    called inside a caller's plain block would write its refusal inside that block, and lose
    it with the caller's rollback."""
    root = Path(__file__).resolve().parents[3]
    offenders = {}
    used = set()
    for path in _app_modules(root):
        name = str(path.relative_to(root))
        for scope, lines in _plain_atomics(path).items():
            allowed = {name, f"{name}::{scope}"} & _PLAIN_ATOMIC_ALLOWED.keys()
            used |= allowed
            if not allowed:
                offenders[f"{name}::{scope}"] = lines
    assert offenders == {}
    assert used == _PLAIN_ATOMIC_ALLOWED.keys(), "an allowed block is gone: drop its entry"
