"""`manage.py audit_roles --owner ROLE --app ROLE`: on PostgreSQL, give the audit log to an owner
role and leave the application's role only INSERT and SELECT on it.

Run it as a superuser (or the current owner of the tables, being a member of the owner role)
after every `migrate`.  The owner role then owns the audit table, its identity sequence, its
indexes and the functions of its triggers, so the application's role can neither UPDATE,
DELETE nor TRUNCATE rows, nor ALTER the table, disable or drop its triggers, or replace the
functions.  `--sql` prints the statements instead of running them.  README: "Audit roles".
"""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
TABLE = "audit_auditevent"
FUNCTIONS = ("audit_auditevent_append_only()", "audit_chain_head_locked()")


def statements(*, owner: str, app: str) -> list[str]:
    return [
        f'ALTER TABLE {TABLE} OWNER TO "{owner}"',
        *(f'ALTER FUNCTION {f} OWNER TO "{owner}"' for f in FUNCTIONS),
        f'REVOKE ALL ON TABLE {TABLE} FROM PUBLIC, "{app}"',
        f'GRANT SELECT, INSERT ON TABLE {TABLE} TO "{app}"',
        # The id is an identity column; USAGE lets the role draw ids should the column ever
        # become a plain sequence default again.
        f"DO $$ BEGIN EXECUTE format('GRANT USAGE ON SEQUENCE %s TO \"{app}\"', "
        f"pg_get_serial_sequence('{TABLE}', 'id')); END $$",
        *(f"REVOKE ALL ON FUNCTION {f} FROM PUBLIC" for f in FUNCTIONS),
        f'GRANT EXECUTE ON FUNCTION audit_chain_head_locked() TO "{app}"',
    ]


class Command(BaseCommand):
    help = (
        "PostgreSQL: 監査ログの表を所有ロールに渡し、アプリのロールには INSERT と SELECT だけを"
        "許します (audit table owned by --owner; --app may only INSERT and SELECT)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--owner", required=True, help="role that owns the audit table")
        parser.add_argument("--app", required=True, help="role the application connects as")
        parser.add_argument("--sql", action="store_true", help="print the SQL, run nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        owner, app = options["owner"], options["app"]
        for role in (owner, app):
            if not ROLE.match(role):
                raise CommandError(f"ロール名が正しくありません (invalid role name): {role!r}")
        if owner == app:
            raise CommandError("所有ロールとアプリのロールは別にしてください (owner == app).")
        sql = statements(owner=owner, app=app)
        if options["sql"]:
            self.stdout.write(";\n".join(sql) + ";")
            return
        if connection.vendor != "postgresql":
            raise CommandError(
                "PostgreSQL だけで使います。SQLite ではトリガーが UPDATE と DELETE を拒否します "
                "(PostgreSQL only; on SQLite triggers refuse UPDATE and DELETE)."
            )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT rolname, rolsuper, pg_has_role(%s, %s, 'MEMBER') FROM pg_roles "
                "WHERE rolname = %s",
                [app, owner, app],
            )
            found = cursor.fetchone()
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [owner])
            if found is None or cursor.fetchone() is None:
                raise CommandError(
                    "ロールがありません。先に作成してください "
                    f"(create the roles first): {owner}, {app}"
                )
            if found[1] or found[2]:
                raise CommandError(
                    f"{app} はスーパーユーザーか {owner} のメンバーです。それでは守れません "
                    f"({app} is a superuser or a member of {owner})."
                )
            for statement in sql:
                cursor.execute(statement)
        self.stdout.write(
            f"監査ログの表は {owner} の所有になり、{app} は INSERT と SELECT だけができます "
            f"(audit table owned by {owner}; {app} may INSERT and SELECT only)."
        )
