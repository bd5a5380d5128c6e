"""The audit log becomes a hash chain, lists persons shown, and refuses DELETE on SQLite too.

- `person_ids` (the persons a list or search showed), `prev_hash` and `row_hash` (chain.py);
  existing rows are chained in id order.
- PostgreSQL: `audit_chain_head_locked()` serialises appends (advisory lock, then the head in a
  fresh snapshot); a GIN index answers "which rows showed person N" (`person_ids @> '[N]'`).
- SQLite: UPDATE and DELETE abort.  Adding columns rebuilt the table, which dropped the triggers
  of 0002, so both are created here.  DELETE is let through only while `manage.py flush` runs
  (the test harness empties tables with it; see audit/sqlite.py); a connection without the
  app's `tsunagu_audit_flushing()` function cannot delete at all.
"""

from django.db import migrations, models

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION audit_chain_head_locked() RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    head text;
BEGIN
    PERFORM pg_advisory_xact_lock(7130913);
    -- A VOLATILE function's query takes a new snapshot: it sees the row of the writer that
    -- held the lock before us.
    SELECT row_hash INTO head FROM audit_auditevent ORDER BY id DESC LIMIT 1;
    RETURN COALESCE(head, '');
END;
$$;
CREATE INDEX IF NOT EXISTS audit_auditevent_person_ids_gin
    ON audit_auditevent USING gin (person_ids jsonb_path_ops);
"""
POSTGRES_REVERSE = """
DROP INDEX IF EXISTS audit_auditevent_person_ids_gin;
DROP FUNCTION IF EXISTS audit_chain_head_locked();
"""
SQLITE_FORWARD = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete",
    """CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
    BEGIN
        SELECT RAISE(ABORT, 'audit log is append-only');
    END""",
    """CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
    WHEN NOT tsunagu_audit_flushing()
    BEGIN
        SELECT RAISE(ABORT, 'audit log is append-only');
    END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete",
]


def chain_existing_rows(apps, schema_editor):
    from tsunagu.audit.chain import GENESIS, row_hash

    AuditEvent = apps.get_model("audit", "AuditEvent")
    vendor = schema_editor.connection.vendor
    if not AuditEvent.objects.exists():
        return
    if vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_no_update"
        )
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_auditevent_no_update")
    prev = GENESIS
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        event.prev_hash = prev
        event.row_hash = row_hash(prev, event)
        AuditEvent.objects.filter(pk=event.pk).update(
            prev_hash=event.prev_hash, row_hash=event.row_hash
        )
        prev = event.row_hash
    if vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_no_update"
        )


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def reverse(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_REVERSE)
    elif vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="person_ids",
            field=models.JSONField(blank=True, default=list, verbose_name="表示した本人"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(
                blank=True, editable=False, max_length=64, verbose_name="前の行のハッシュ"
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="row_hash",
            field=models.CharField(
                blank=True, editable=False, max_length=64, verbose_name="ハッシュ"
            ),
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop),
        migrations.RunPython(forward, reverse),
    ]
