"""The audit log is tamper-evident (issue 13, item 10): a hash chain that `audit_verify` checks,
triggers that refuse UPDATE and DELETE on both databases, and the chain state on the screen."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from tsunagu.audit import chain
from tsunagu.audit import services as audit
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.audit.sqlite import flushing


@pytest.fixture
def rows(personas) -> list[AuditEvent]:
    return [
        audit.record(
            action=Action.RECORD_VIEWED,
            user=personas.counselor_a,
            organization=personas.office_a,
            target_type="people.person",
            target_id=n,
            detail={"n": n, "名前": "なし", "nested": {"b": [1, 2], "a": None}},
            person_ids=[n, 1],
        )
        for n in range(1, 6)
    ]


@contextmanager
def _triggers_off() -> Iterator[None]:
    """Tampering as a database superuser would: the test's transaction restores the triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's foreign keys are deferred: check the inserts now, or ALTER TABLE
            # refuses a table with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_auditevent_no_update")
            cursor.execute("DROP TRIGGER audit_auditevent_no_delete")
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _sql(statement: str, params: list[int | str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_each_row_links_to_the_one_before(rows):
    assert rows[0].prev_hash == ""
    for before, after in itertools.pairwise(rows):
        assert after.prev_hash == before.row_hash
        assert len(after.row_hash) == 64
    stored = AuditEvent.objects.get(pk=rows[2].pk)
    assert chain.row_hash(stored.prev_hash, stored) == stored.row_hash  # as read back
    assert chain.head() == (rows[-1].pk, rows[-1].row_hash)


def test_an_intact_chain_verifies(rows, capsys):
    result = chain.verify()
    assert result.ok
    assert result.checked == len(rows)
    assert result.head == (rows[-1].pk, rows[-1].row_hash)
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert "正常" in out
    assert f"{rows[-1].pk}:{rows[-1].row_hash}" in out  # the head to keep elsewhere


def test_a_changed_row_is_named(rows):
    with _triggers_off():
        _sql("UPDATE audit_auditevent SET target_id = %s WHERE id = %s", ["99", rows[2].pk])
    result = chain.verify()
    assert (result.ok, result.first_broken_id, result.checked) == (False, rows[2].pk, 2)
    assert "changed" in result.reason
    with pytest.raises(CommandError, match=f"row {rows[2].pk}"):
        call_command("audit_verify")


def test_a_changed_row_with_its_hash_recomputed_breaks_the_next_link(rows):
    forged = AuditEvent.objects.get(pk=rows[1].pk)
    forged.detail = {"n": 0}
    new_hash = chain.row_hash(forged.prev_hash, forged)
    with _triggers_off():
        _sql(
            "UPDATE audit_auditevent SET detail = %s, row_hash = %s WHERE id = %s",
            ['{"n": 0}', new_hash, rows[1].pk],
        )
    result = chain.verify()
    assert (result.ok, result.first_broken_id) == (False, rows[2].pk)


def test_a_deleted_row_in_the_middle_is_named(rows):
    with _triggers_off():
        _sql("DELETE FROM audit_auditevent WHERE id = %s", [rows[2].pk])
    result = chain.verify()
    assert (result.ok, result.first_broken_id) == (False, rows[3].pk)
    assert "does not link" in result.reason


def test_reordered_rows_are_named(rows):
    a, b = rows[1].pk, rows[2].pk
    with _triggers_off():
        _sql("UPDATE audit_auditevent SET id = %s WHERE id = %s", [-1, a])
        _sql("UPDATE audit_auditevent SET id = %s WHERE id = %s", [a, b])
        _sql("UPDATE audit_auditevent SET id = %s WHERE id = %s", [b, -1])
    result = chain.verify()
    assert (result.ok, result.first_broken_id) == (False, a)


def test_a_deleted_first_row_is_named(rows):
    with _triggers_off():
        _sql("DELETE FROM audit_auditevent WHERE id = %s", [rows[0].pk])
    result = chain.verify()
    assert (result.ok, result.first_broken_id) == (False, rows[1].pk)


def test_a_cut_tail_is_found_only_against_a_saved_head(rows):
    saved = chain.head()
    assert saved is not None
    with _triggers_off():
        _sql("DELETE FROM audit_auditevent WHERE id >= %s", [rows[3].pk])
    assert chain.verify().ok  # a shorter chain is still a chain
    result = chain.verify(expected_head=saved)
    assert (result.ok, result.first_broken_id) == (False, rows[4].pk)
    with pytest.raises(CommandError, match=f"row {rows[4].pk}"):
        call_command("audit_verify", expect_head=f"{saved[0]}:{saved[1]}")


def test_a_saved_head_still_present_passes(rows):
    saved = chain.head()
    assert saved is not None
    audit.record(action=Action.RECORD_VIEWED, target_type="x", target_id=1)
    call_command("audit_verify", expect_head=f"{saved[0]}:{saved[1]}")


def test_a_malformed_saved_head_is_refused_plainly(rows):
    with pytest.raises(CommandError, match="ID:HASH"):
        call_command("audit_verify", expect_head="nonsense")


def test_an_empty_log_verifies(db):
    assert chain.head() is None
    assert chain.verify() == chain.VerifyResult(True, 0, None, "", None)


# --- The database refuses changes ------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_update_and_delete_are_refused_on_both_databases(rows, statement):
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        _sql(statement, [rows[0].pk])
    assert chain.verify().ok


def test_sqlite_lets_only_flush_empty_the_log(rows):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's flush is TRUNCATE, refused to the app role (test_roles.py)")
    with flushing():
        _sql("DELETE FROM audit_auditevent WHERE id = %s", [rows[0].pk])
    assert not AuditEvent.objects.filter(pk=rows[0].pk).exists()
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        _sql("DELETE FROM audit_auditevent WHERE id = %s", [rows[1].pk])


# --- The administrators' screen --------------------------------------------------------------


def test_screen_verifies_on_demand_and_logs_it(personas, rows, client_as):
    admin = client_as(personas.admin)
    page = admin.get("/audit/chain/")
    assert page.status_code == 200
    assert "まだ検証していません" in page.content.decode()
    assert not AuditEvent.objects.filter(action=Action.AUDIT_VERIFIED).exists()  # GET is cheap

    response = admin.post("/audit/chain/")
    assert response.status_code == 200
    assert response.context["result"].ok
    verified = AuditEvent.objects.get(action=Action.AUDIT_VERIFIED)
    assert verified.detail["ok"] is True
    assert verified.detail["checked"] >= len(rows)
    assert "正常です" in response.content.decode()


def test_screen_names_the_broken_link(personas, rows, client_as):
    with _triggers_off():
        _sql("UPDATE audit_auditevent SET actor_username = 'x' WHERE id = %s", [rows[3].pk])
    response = client_as(personas.admin).post("/audit/chain/")
    assert response.status_code == 409
    assert f"行 {rows[3].pk}" in response.content.decode()
    verified = AuditEvent.objects.get(action=Action.AUDIT_VERIFIED)
    assert (verified.outcome, verified.detail["first_broken_id"]) == ("failed", rows[3].pk)


@pytest.mark.parametrize("persona", ["counselor_a", "core_officer", "city_official"])
def test_screen_is_for_administrators_only(persona, personas, client_as):
    client = client_as(getattr(personas, persona))
    assert client.get("/audit/chain/").status_code == 404
    assert client.post("/audit/chain/").status_code == 404
    assert not AuditEvent.objects.filter(action=Action.AUDIT_VERIFIED).exists()


# --- Concurrent writers ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers with BEGIN IMMEDIATE; threads need PostgreSQL")
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    def write(worker: int) -> None:
        try:
            for n in range(10):
                with transaction.atomic():
                    audit.record(action=Action.RECORD_VIEWED, target_type="t", target_id=n)
                    audit.record(action=Action.RECORD_VIEWED, target_type="u", target_id=worker)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, range(4)))
    result = chain.verify()
    assert (result.ok, result.checked) == (True, 80), result
