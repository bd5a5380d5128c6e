"""What the API answers for an import of past records (core/imports.py): the same outcome the
preview screen shows, without the rows' values (the caller has its own file).

- `dry_run=true` (the default): 200 with every problem; nothing is saved.
- `dry_run=false`: 201 when every row was imported; else 422 in the one error shape, with the
  problems beside it, and nothing saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field

from tsunagu.core.actor import Actor
from tsunagu.core.api import ErrorBody, ErrorOut
from tsunagu.core.errors import Invalid
from tsunagu.core.imports import MAX_IMPORT_BYTES, ImportOutcome
from tsunagu.core.schemas import Out


class ImportProblemOut(Out):
    line: int = Field(description="ファイルの行番号（見出しが1行目）")
    column: str = Field(description="列の見出し（行全体の問題なら空）")
    message: str


class ImportOut(Out):
    dry_run: bool
    committed: bool = Field(description="取り込んだか（dry_run のときは常に false）")
    rows: int = Field(description="ファイルの行数（見出しを除く）")
    valid_rows: int = Field(description="問題のない行数")
    created: int = Field(description="取り込んだ件数")
    problems: list[ImportProblemOut]


class ImportErrorOut(Out):
    error: ErrorBody
    problems: list[ImportProblemOut]


IMPORT_RESPONSES: dict[int, Any] = {
    200: ImportOut,
    201: ImportOut,
    403: ErrorOut,
    422: ImportErrorOut,
}


def _problems(outcome: ImportOutcome) -> list[dict[str, Any]]:
    return [{"line": p.line, "column": p.column, "message": p.message} for p in outcome.problems]


def unreadable_answer(exc: Invalid) -> tuple[int, dict[str, Any]]:
    """A file that cannot be read at all (encoding, size, no header): 422, no row problems."""
    return 422, {"error": {"code": exc.code, "message": exc.message}, "problems": []}


def read_upload(file: Any) -> bytes:
    """The uploaded bytes, refused before reading when larger than an import may be."""
    if (file.size or 0) > MAX_IMPORT_BYTES:
        raise Invalid(_("ファイルが大きすぎます（5MBまで）。"))
    return bytes(file.read())


def no_file_answer() -> tuple[int, dict[str, Any]]:
    return unreadable_answer(Invalid(_("ファイルを選んでください（multipart の file）。")))


def answer_import(
    service: Callable[..., ImportOutcome], actor: Actor, file: Any, *, dry_run: bool
) -> tuple[int, dict[str, Any]]:
    """Run an import service on an uploaded file and give the API's answer: no file or an
    unreadable one is a 422 without row problems, and the outcome otherwise."""
    if file is None:  # the document marks it optional, so that the service says why
        return no_file_answer()
    try:
        outcome = service(actor, data=read_upload(file), name=file.name or "", dry_run=dry_run)
    except Invalid as exc:
        return unreadable_answer(exc)
    return import_answer(outcome, dry_run=dry_run)


def import_answer(outcome: ImportOutcome, *, dry_run: bool) -> tuple[int, dict[str, Any]]:
    if not dry_run and not outcome.committed:
        return 422, {
            "error": {
                "code": "import_rows_invalid",
                "message": _("問題のある行があるため、何も取り込みませんでした。"),
            },
            "problems": _problems(outcome),
        }
    return (201 if outcome.committed else 200), {
        "dry_run": dry_run,
        "committed": outcome.committed,
        "rows": outcome.total,
        "valid_rows": outcome.valid,
        "created": len(outcome.created_ids),
        "problems": _problems(outcome),
    }
