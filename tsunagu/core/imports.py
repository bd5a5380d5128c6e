"""Imports of past records from a file (CSV or xlsx) with a dry-run preview and all-or-nothing
commit, on django-import-export (ADR 0015).

The apps declare a `Resource` per kind of record (`cases/imports.py`, `referrals/imports.py`)
with Japanese column names and the widgets below; this module reads the file, runs the
resource, and turns its result into what a screen and the API show: every row with its values,
and every problem as (row number in the file, column, reason) in Japanese.

- A file is read as xlsx when it is one (by its bytes, not its name), else as CSV in UTF-8
  (with or without BOM) or, failing that, CP932 (Excel's "CSV" on Japanese Windows).
- `run_import(..., dry_run=True)` validates and rolls back; with `dry_run=False` it commits
  only if no row has a problem: one bad row and nothing is saved.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import tablib
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.utils.translation import gettext as _
from import_export import resources, widgets

from tsunagu.core.dates import DateParseError, parse_date
from tsunagu.core.errors import Invalid
from tsunagu.core.late_entry import original_date_problem

logger = logging.getLogger(__name__)

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
XLSX_MAGIC = b"PK\x03\x04"
_SURROGATE = re.compile("[\ud800-\udfff]")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # A lone surrogate (from a broken workbook) cannot be shown or stored: it becomes U+FFFD,
    # which the text columns then refuse by name.
    text = _SURROGATE.sub("\ufffd", str(value))
    return unicodedata.normalize("NFC", text).strip()


def _rows_of_csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]
    raise Invalid(
        _(
            "ファイルの文字コードを読み取れません。"
            "UTF-8 か Shift_JIS（CP932）の CSV にしてください。"
        )
    )


def _rows_of_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook  # a document library: loaded when a workbook comes

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise Invalid(_("Excel ファイル（xlsx）として読み取れません。")) from None
    try:
        sheet = book.worksheets[0]
        return [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def read_table(data: bytes) -> tablib.Dataset:
    """The file's first sheet (or the CSV) as a dataset: the first row is the header."""
    if not data:
        raise Invalid(_("ファイルが空です。"))
    if len(data) > MAX_IMPORT_BYTES:
        raise Invalid(_("ファイルが大きすぎます（5MBまで）。年度ごとに分けてください。"))
    rows = _rows_of_xlsx(data) if data.startswith(XLSX_MAGIC) else _rows_of_csv(data)
    rows = [[_text(v) for v in row] for row in rows]
    rows = [row for row in rows if any(row)]
    if not rows:
        raise Invalid(_("ファイルに見出しの行がありません。"))
    header = [h.strip() for h in rows[0]]
    width = len(header)
    body = [(row + [""] * width)[:width] for row in rows[1:]]
    if not body:
        raise Invalid(_("ファイルに取り込む行がありません。"))
    if len(body) > MAX_IMPORT_ROWS:
        raise Invalid(
            _("一度に取り込めるのは%(max)s行までです。ファイルを分けてください。")
            % {"max": MAX_IMPORT_ROWS}
        )
    return tablib.Dataset(*body, headers=header)


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- Widgets: what a cell may hold -----------------------------------------------------------


def _key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


class OriginalDateWidget(widgets.Widget):  # type: ignore[misc]  # untyped library
    """A record's own date: 和暦 or 西暦 as people type them, from ORIGINAL_DATE_FLOOR to today."""

    def __init__(self, label: str, *, required: bool = True) -> None:
        super().__init__()
        self.label = label
        self.required = required

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> dt.date | None:
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            day = value
        else:
            text = _text(value)
            if not text:
                if self.required:
                    raise ValueError(_("%(label)sを入れてください。") % {"label": self.label})
                return None
            try:
                day = parse_date(text)
            except DateParseError as exc:
                raise ValueError(str(exc)) from None
        problem = original_date_problem(day, label=self.label)
        if problem:
            raise ValueError(problem)
        return day


class LabelChoiceWidget(widgets.Widget):  # type: ignore[misc]  # untyped library
    """One of a TextChoices, by its Japanese label (or its code), full- or half-width alike."""

    def __init__(
        self, choices: Iterable[tuple[str, Any]], *, label: str, default: str | None = None
    ) -> None:
        super().__init__()
        self.choices = [(str(v), str(t)) for v, t in choices]
        self.by_key = {_key(t): v for v, t in self.choices} | {_key(v): v for v, _t in self.choices}
        self.label = label
        self.default = default

    def allowed(self) -> str:
        return "、".join(t for _v, t in self.choices)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = _text(value)
        if not text:
            if self.default is not None:
                return self.default
            raise ValueError(
                _("%(label)sを入れてください（%(allowed)s）。")
                % {"label": self.label, "allowed": self.allowed()}
            )
        found = self.by_key.get(_key(text))
        if found is None:
            raise ValueError(
                _("「%(value)s」は%(label)sとして使えません。使える値: %(allowed)s")
                % {"value": text[:40], "label": self.label, "allowed": self.allowed()}
            )
        return found


class LabelListWidget(LabelChoiceWidget):
    """Several labels in one cell, separated by 、 , / or spaces (not ・: labels hold it)."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> list[str]:  # type: ignore[override]  # a list, not one value
        text = _text(value)
        out: list[str] = []
        for part in re.split(r"[、,，/／\s]+", text):
            if part:
                out.append(LabelChoiceWidget.clean(self, part))
        return [v for v, _t in self.choices if v in set(out)]


class CountWidget(widgets.Widget):  # type: ignore[misc]  # untyped library
    """A whole number of at least 0 (minutes, counts); empty is 0."""

    def __init__(self, label: str, *, maximum: int = 100_000) -> None:
        super().__init__()
        self.label = label
        self.maximum = maximum

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int:
        text = unicodedata.normalize("NFKC", _text(value))
        if not text:
            return 0
        if not text.isdigit() or int(text) > self.maximum:
            raise ValueError(
                _("%(label)sは0から%(max)sまでの整数で入れてください。")
                % {"label": self.label, "max": self.maximum}
            )
        return int(text)


class TextWidget(widgets.Widget):  # type: ignore[misc]  # untyped library
    def __init__(self, label: str, *, max_length: int, required: bool = False) -> None:
        super().__init__()
        self.label = label
        self.max_length = max_length
        self.required = required

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = _text(value)
        if "\x00" in text or "\ufffd" in text:
            raise ValueError(_("%(label)sに使えない文字があります。") % {"label": self.label})
        if self.required and not text:
            raise ValueError(_("%(label)sを入れてください。") % {"label": self.label})
        if len(text) > self.max_length:
            raise ValueError(
                _("%(label)sは%(max)s文字までです。")
                % {"label": self.label, "max": self.max_length}
            )
        return text


# --- Running a resource ----------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    line: int  # the row of the file (the header is row 1)
    column: str
    message: str


@dataclass
class ImportOutcome:
    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)  # line, values, problems
    problems: list[RowProblem] = field(default_factory=list)
    total: int = 0
    committed: bool = False
    created_ids: list[int] = field(default_factory=list)

    @property
    def valid(self) -> int:
        bad = {p.line for p in self.problems}
        return self.total - len(bad)

    @property
    def ok(self) -> bool:
        return not self.problems


def _columns(resource: resources.Resource) -> dict[str, str]:
    """attribute → column name, for the resource's import fields."""
    return {f.attribute: f.column_name for f in resource.get_import_fields() if f.attribute}


def check_headers(
    resource: resources.Resource, dataset: tablib.Dataset, required: Sequence[str]
) -> None:
    # A header typed with half-width brackets or spaces names the same column.
    canonical = {_key(f.column_name): f.column_name for f in resource.get_import_fields()}
    dataset.headers = [canonical.get(_key(h), h) for h in dataset.headers or []]
    missing = [name for name in required if name not in dataset.headers]
    if missing:
        raise Invalid(
            _("列「%(columns)s」がありません。見本のファイルと同じ見出しにしてください。")
            % {"columns": "」「".join(missing)}
        )


def run_import(
    resource: resources.Resource,
    dataset: tablib.Dataset,
    *,
    dry_run: bool,
    required: Sequence[str],
    **kwargs: Any,
) -> ImportOutcome:
    """Validate every row (and on `dry_run=False` save them all, or none)."""
    check_headers(resource, dataset, required)
    columns = _columns(resource)
    outcome = ImportOutcome(columns=list(dataset.headers or []), total=len(dataset))
    with transaction.atomic():
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
            **kwargs,
        )
        for invalid in result.invalid_rows:
            for attribute, messages in invalid.error_dict.items():
                column = "" if attribute == NON_FIELD_ERRORS else columns.get(attribute, attribute)
                for message in messages:
                    outcome.problems.append(RowProblem(invalid.number + 1, column, str(message)))
        for number, errors in result.row_errors():
            for error in errors:
                logger.warning("import row %s failed: %r", number, error.error)
                outcome.problems.append(
                    RowProblem(
                        number + 1,
                        "",
                        _("この行は取り込めませんでした（内容を確かめてください）。"),
                    )
                )
        for error in result.base_errors:
            logger.warning("import failed: %r", error.error)
            outcome.problems.append(RowProblem(1, "", _("ファイルを取り込めませんでした。")))
        outcome.problems.sort(key=lambda p: (p.line, p.column))
        by_line: dict[int, list[RowProblem]] = {}
        for problem in outcome.problems:
            by_line.setdefault(problem.line, []).append(problem)
        for index, values in enumerate(dataset.dict, start=2):
            outcome.rows.append(
                {"line": index, "values": dict(values), "problems": by_line.get(index, [])}
            )
        if not dry_run and outcome.ok:
            outcome.committed = True
            outcome.created_ids = [int(r.object_id) for r in result.rows if r.object_id is not None]
        elif not dry_run:
            transaction.set_rollback(True)
    return outcome
