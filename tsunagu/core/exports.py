"""Files for spreadsheet users, and the one way every export writes a cell.

CSV is UTF-8 with a BOM (Excel then reads Japanese correctly).  Every CSV row goes through
`csv_text` (so every cell through `csv_cell`) and every xlsx value through `xlsx_cell`: user text
is written as text, never as a formula (CWE-1236).  A test greps the source tree for
`csv.writer(`, worksheet `.append(` and `.cell(..., value=...)` outside this module.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.http import content_disposition_header

# Text starting with one of these is read by Excel, LibreOffice and Sheets as a formula (OWASP
# "CSV injection"); the tab and the carriage return because some importers strip them first.
# The full-width forms too: a Japanese IME types them, and Japanese Excel reads full-width
# input as half-width (not verified against Excel here; the cost is one apostrophe).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# The control characters an xlsx file cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE, which
# raises on them); each becomes U+FFFD so that the export never fails on pasted text.
XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
XLSX_REPLACEMENT = "\ufffd"


def csv_cell(value: object) -> object:
    """One CSV cell: None is empty; text a spreadsheet would run as a formula gets a leading
    apostrophe.  Only text is neutralised: a number or a date the code itself produces is not
    user text and keeps its form (-3 stays -3)."""
    if value is None:
        return ""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_text(rows: Iterable[Sequence[object]], *, text: Callable[[str], str] | None = None) -> str:
    """The rows as CSV with CRLF line ends, every cell through `csv_cell`; `text`, if given,
    then maps every text cell (the CP932 export replaces what CP932 cannot hold)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        cells = [csv_cell(value) for value in row]
        if text is not None:
            cells = [text(cell) if isinstance(cell, str) else cell for cell in cells]
        writer.writerow(cells)
    return buffer.getvalue()


def csv_response(
    *, filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    response = HttpResponse(
        "\ufeff" + csv_text(itertools.chain([header], rows)),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, filename) or ""},
    )
    return response


def xlsx_cell(ws: Any, *, row: int, column: int, value: object) -> Any:
    """Write `value` to one worksheet cell and return the cell (openpyxl is untyped here).

    openpyxl makes a str starting with "=" a formula cell (and "#N/A" an error cell); text is
    typed as a string instead, and text starting with a formula character also gets Excel's
    quote prefix so that it stays text when someone edits the cell.  Numbers and dates keep
    their type.
    """
    cell = ws.cell(row=row, column=column)
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        value = XLSX_ILLEGAL.sub(XLSX_REPLACEMENT, value)
        cell.value = value
        cell.data_type = "s"
        if value.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def xlsx_row(ws: Any, *, row: int, values: Iterable[object]) -> None:
    """One row of values from column A, each through `xlsx_cell`."""
    for column, value in enumerate(values, start=1):
        xlsx_cell(ws, row=row, column=column, value=value)
