# ruff: noqa: S608  # DDL built from the constant names below only; no user input reaches it.
"""The SQL that keeps `search_searchdocument` in step with its sources (ADR 0006).

Triggers, not application code: a progress note written by a service, by `bulk_create` in
`seed_scale` or through the admin is indexed in the same transaction, and no other app has to
remember to call us.  SQLite gets row triggers and an external-content FTS5 table with the
`trigram` tokenizer; PostgreSQL gets statement triggers over transition tables (one INSERT ...
SELECT per statement, so bulk inserts stay bulk) and a GIN pg_trgm index.

The same SELECTs rebuild the whole index (`rebuild_search_index`).
"""

from __future__ import annotations

from dataclasses import dataclass

from tsunagu.core.kana import postgresql_fold_function

DOCS = "search_searchdocument"
FTS = "search_fts"
COLUMNS = "kind, source_id, record_id, case_id, occurred_at, restricted, body, folded"
TRGM_INDEX = "search_doc_folded_trgm"
FOLD = "tsunagu_fold"  # core.kana.fold; a Python function on SQLite, SQL on PostgreSQL
NL = "'\n'"
FALSE = "(1 = 0)"  # a boolean on PostgreSQL, 0 on SQLite


def _join(*exprs: str) -> str:
    return f" || {NL} || ".join(f"COALESCE({e}, '')" for e in exprs)


_IDS = "src.id AS source_id, src.id AS record_id"


def _assessment_time(vendor: str, alias: str) -> str:
    # A date; midnight is enough for ranking by recency.
    if vendor == "postgresql":
        return f"({alias}.assessed_on::timestamp AT TIME ZONE 'UTC')"
    return f"({alias}.assessed_on || ' 00:00:00')"


@dataclass(frozen=True)
class Source:
    kind: str
    table: str

    def select(self, vendor: str, source: str, where: str = "") -> str:
        """INSERT-ready SELECT of the documents of the rows of `source` (a table or a
        PostgreSQL transition table with the same columns), with the body's folded form
        (core.kana.fold), which is what the queries match."""
        return (
            f"SELECT kind, source_id, record_id, case_id, occurred_at, restricted, body, "
            f"{FOLD}(body) FROM ({self._rows(vendor, source, where)}) AS doc"
        )

    def _rows(self, vendor: str, source: str, where: str) -> str:
        if self.kind == "note":
            return (
                f"SELECT 'note' AS kind, {_IDS}, src.case_id AS case_id, "
                f"src.occurred_at AS occurred_at, src.is_restricted AS restricted, "
                f"{_join('src.text', 'src.motivating_moment')} AS body FROM {source} src {where}"
            )
        if self.kind == "formulation":
            body = _join(
                "src.situation_summary",
                "src.background_factors",
                "src.hypothesis",
                "src.support_policy",
                "src.prompted_by",
            )
            return (
                f"SELECT 'formulation' AS kind, {_IDS}, src.case_id AS case_id, "
                f"src.created_at AS occurred_at, {FALSE} AS restricted, "
                f"{body} AS body FROM {source} src {where}"
            )
        if self.kind == "assessment":
            body = _join(
                "src.interactions",
                "src.risks",
                "src.household_strengths",
                "src.summary",
                "src.revision_reason",
            )
            return (
                f"SELECT 'assessment' AS kind, {_IDS}, src.case_id AS case_id, "
                f"{_assessment_time(vendor, 'src')} AS occurred_at, {FALSE} AS restricted, "
                f"{body} AS body FROM {source} src {where}"
            )
        body = _join(
            "src.health",
            "src.daily_living",
            "src.money",
            "src.housing",
            "src.relationships",
            "src.work_or_school",
            "src.strengths",
            "src.wishes",
            "src.motivating_moments",
        )
        return (
            f"SELECT 'assessment_section' AS kind, src.id AS source_id, "
            f"src.assessment_id AS record_id, a.case_id AS case_id, "
            f"{_assessment_time(vendor, 'a')} AS occurred_at, {FALSE} AS restricted, "
            f"{body} AS body FROM {source} src "
            f"JOIN plans_assessment a ON a.id = src.assessment_id {where}"
        )


NOTE = Source("note", "records_progressnote")
FORMULATION = Source("formulation", "records_formulation")
ASSESSMENT = Source("assessment", "plans_assessment")
SECTION = Source("assessment_section", "plans_assessmentsection")
SOURCES = (NOTE, FORMULATION, ASSESSMENT, SECTION)


def _insert(select: str) -> str:
    return f"INSERT INTO {DOCS} ({COLUMNS}) {select};"


# --- SQLite -----------------------------------------------------------------------------------


def sqlite_create() -> list[str]:
    sql = [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(folded, content='{DOCS}', "
        f"content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER IF NOT EXISTS search_doc_ai AFTER INSERT ON {DOCS} BEGIN "
        f"INSERT INTO {FTS}(rowid, folded) VALUES (new.id, new.folded); END",
        f"CREATE TRIGGER IF NOT EXISTS search_doc_ad AFTER DELETE ON {DOCS} BEGIN "
        f"INSERT INTO {FTS}({FTS}, rowid, folded) VALUES ('delete', old.id, old.folded); END",
        f"CREATE TRIGGER IF NOT EXISTS search_doc_au AFTER UPDATE ON {DOCS} BEGIN "
        f"INSERT INTO {FTS}({FTS}, rowid, folded) VALUES ('delete', old.id, old.folded); "
        f"INSERT INTO {FTS}(rowid, folded) VALUES (new.id, new.folded); END",
    ]
    for s in SOURCES:
        name = f"search_sync_{s.kind}"
        delete = f"DELETE FROM {DOCS} WHERE kind = '{s.kind}' AND source_id = old.id;"
        insert = _insert(s.select("sqlite", s.table, "WHERE src.id = new.id"))
        extra_update = extra_delete = ""
        if s is ASSESSMENT:
            # A member's section carries its assessment's case and date.
            extra_delete = (
                f"DELETE FROM {DOCS} WHERE kind = 'assessment_section' AND record_id = old.id;"
            )
            extra_update = extra_delete + _insert(
                SECTION.select("sqlite", SECTION.table, "WHERE src.assessment_id = new.id")
            )
        sql += [
            f"CREATE TRIGGER IF NOT EXISTS {name}_ai AFTER INSERT ON {s.table} BEGIN {insert} END",
            f"CREATE TRIGGER IF NOT EXISTS {name}_au AFTER UPDATE ON {s.table} BEGIN "
            f"{delete} {insert} {extra_update} END",
            f"CREATE TRIGGER {name}_ad AFTER DELETE ON {s.table} BEGIN {delete} {extra_delete} END",
        ]
    return sql


def sqlite_drop() -> list[str]:
    sql = [f"DROP TRIGGER IF EXISTS search_doc_{op}" for op in ("ai", "ad", "au")]
    for s in SOURCES:
        sql += [f"DROP TRIGGER IF EXISTS search_sync_{s.kind}_{op}" for op in ("ai", "au", "ad")]
    sql.append(f"DROP TABLE IF EXISTS {FTS}")
    return sql


# --- PostgreSQL -------------------------------------------------------------------------------


def postgresql_create() -> list[str]:
    sql = [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        postgresql_fold_function(),
        f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON {DOCS} USING gin (folded gin_trgm_ops)",
    ]
    for s in SOURCES:
        name = f"search_sync_{s.kind}"
        delete = (
            f"DELETE FROM {DOCS} WHERE kind = '{s.kind}' "
            f"AND source_id IN (SELECT id FROM old_rows);"
        )
        insert = _insert(s.select("postgresql", "new_rows"))
        extra_update = extra_delete = ""
        if s is ASSESSMENT:
            extra_delete = (
                f"DELETE FROM {DOCS} WHERE kind = 'assessment_section' "
                f"AND record_id IN (SELECT id FROM old_rows);"
            )
            extra_update = extra_delete + _insert(
                SECTION.select(
                    "postgresql",
                    SECTION.table,
                    "WHERE src.assessment_id IN (SELECT id FROM new_rows)",
                )
            )
        sql.append(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN "
            f"IF TG_OP = 'INSERT' THEN {insert} "
            f"ELSIF TG_OP = 'UPDATE' THEN {delete} {insert} {extra_update} "
            f"ELSE {delete} {extra_delete} END IF; "
            f"RETURN NULL; END $$"
        )
        sql += [
            f"CREATE OR REPLACE TRIGGER {name}_ai AFTER INSERT ON {s.table} "
            f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
            f"CREATE OR REPLACE TRIGGER {name}_au AFTER UPDATE ON {s.table} "
            f"REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
            f"CREATE OR REPLACE TRIGGER {name}_ad AFTER DELETE ON {s.table} "
            f"REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
        ]
    return sql


def postgresql_drop() -> list[str]:
    sql = []
    for s in SOURCES:
        name = f"search_sync_{s.kind}"
        sql += [f"DROP TRIGGER IF EXISTS {name}_{op} ON {s.table}" for op in ("ai", "au", "ad")]
        sql.append(f"DROP FUNCTION IF EXISTS {name}()")
    # The index of before the folded text (search/0004) too; the fold function stays (the
    # search migrations and the tests create it again with CREATE OR REPLACE).
    sql += [f"DROP INDEX IF EXISTS {name}" for name in ("search_doc_body_trgm", TRGM_INDEX)]
    return sql


# --- Both -------------------------------------------------------------------------------------


def create(vendor: str) -> list[str]:
    """Idempotent: also what `ensure` runs after every `migrate`."""
    return postgresql_create() if vendor == "postgresql" else sqlite_create()


def missing(vendor: str, existing_triggers: set[str]) -> bool:
    names = {f"search_sync_{s.kind}_{op}" for s in SOURCES for op in ("ai", "au", "ad")}
    if vendor == "sqlite":
        names |= {f"search_doc_{op}" for op in ("ai", "ad", "au")}
    return not names <= existing_triggers


def drop(vendor: str) -> list[str]:
    return postgresql_drop() if vendor == "postgresql" else sqlite_drop()


def rebuild(vendor: str) -> list[str]:
    """Every document again from its source.  The triggers and the text index are dropped
    first and made again after, which is far faster for a million rows than maintaining them
    row by row (and is what `seed_scale` relies on)."""
    sql = [*drop(vendor), f"DELETE FROM {DOCS}"]
    if vendor == "postgresql":
        sql.append(postgresql_fold_function())  # the INSERTs below fold with it
    sql += [_insert(s.select(vendor, s.table)).rstrip(";") for s in SOURCES]
    sql += create(vendor)
    if vendor == "sqlite":
        sql.append(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
    return sql
