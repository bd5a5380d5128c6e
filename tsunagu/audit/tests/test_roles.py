"""PostgreSQL: the application's role may only INSERT and SELECT on the audit log, whose table,
sequence and trigger functions belong to another role (manage.py audit_roles).

Self-contained: the two roles are created inside the test's transaction (roles are catalog rows
too), the grants applied to the test database, and everything rolls back at the end."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from tsunagu.audit import chain
from tsunagu.audit import services as audit
from tsunagu.audit.models import Action, AuditEvent

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="roles and grants are PostgreSQL's"
)

REFUSED = [
    "UPDATE audit_auditevent SET action = 'x'",
    "DELETE FROM audit_auditevent",
    "TRUNCATE audit_auditevent",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_no_update",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER USER",
    "DROP TRIGGER audit_auditevent_no_update ON audit_auditevent",
    "DROP TRIGGER audit_auditevent_no_delete ON audit_auditevent",
    "ALTER TABLE audit_auditevent OWNER TO CURRENT_USER",
    "DROP TABLE audit_auditevent",
    "DROP FUNCTION audit_auditevent_append_only() CASCADE",
    "CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
    "CREATE OR REPLACE FUNCTION audit_chain_head_locked() RETURNS text "
    "LANGUAGE sql AS $$ SELECT ''::text $$",
]


@pytest.fixture
def roles(db) -> Iterator[tuple[str, str]]:
    suffix = uuid.uuid4().hex[:10]
    owner, app = f"tsunagu_t_owner_{suffix}", f"tsunagu_t_app_{suffix}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {owner} NOLOGIN")
        cursor.execute(f"CREATE ROLE {app} NOLOGIN")
    yield owner, app
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


def _check_deferred_constraints() -> None:
    """Django's foreign keys are deferred to the commit, which a test never reaches."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _as(role: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {role}")


def test_app_role_may_only_insert_and_select(personas, roles):
    owner, app = roles
    audit.record(action=Action.RECORD_VIEWED, user=personas.counselor_a, target_type="x")
    _check_deferred_constraints()  # or ALTER TABLE refuses a table with pending trigger events
    call_command("audit_roles", owner=owner, app=app)

    _as(app)
    event = audit.record(action=Action.RECORD_VIEWED, user=personas.colleague_a, target_type="y")
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert chain.verify().ok
    _check_deferred_constraints()
    for statement in REFUSED:
        with (
            pytest.raises(DatabaseError) as refused,
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
        message = str(refused.value)
        assert "permission denied" in message or "must be owner" in message, (statement, message)
    assert AuditEvent.objects.count() == 2


def test_the_owner_owns_table_sequence_and_functions(roles):
    owner, app = roles
    call_command("audit_roles", owner=owner, app=app)
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_auditevent'")
        assert cursor.fetchone() == (owner,)
        cursor.execute(
            "SELECT pg_get_userbyid(relowner) FROM pg_class "
            "WHERE oid = pg_get_serial_sequence('audit_auditevent', 'id')::regclass"
        )
        assert cursor.fetchone() == (owner,)
        cursor.execute(
            "SELECT DISTINCT pg_get_userbyid(proowner) FROM pg_proc WHERE proname IN "
            "('audit_auditevent_append_only', 'audit_chain_head_locked')"
        )
        assert cursor.fetchall() == [(owner,)]
        cursor.execute(
            "SELECT privilege_type FROM information_schema.role_table_grants "
            "WHERE table_name = 'audit_auditevent' AND grantee = %s ORDER BY 1",
            [app],
        )
        assert cursor.fetchall() == [("INSERT",), ("SELECT",)]


def test_refuses_an_app_role_that_could_become_the_owner(roles):
    owner, app = roles
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT {owner} TO {app}")
    with pytest.raises(CommandError, match="member"):
        call_command("audit_roles", owner=owner, app=app)


def test_refuses_missing_roles_and_bad_names(db):
    with pytest.raises(CommandError, match="create the roles"):
        call_command("audit_roles", owner="tsunagu_nobody_1", app="tsunagu_nobody_2")
    with pytest.raises(CommandError, match="invalid role name"):
        call_command("audit_roles", owner="x; DROP TABLE y", app="app")
