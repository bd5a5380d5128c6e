"""Files for spreadsheet users, and the one way every export writes a cell.

CSV is UTF-8 with a BOM (Excel then reads Japanese correctly).  Every CSV row goes through
`csv_text` (so every cell through `csv_cell`) and every xlsx value through `xlsx_cell`: user text
is written as text, never as a formula (CWE-1236).  A test greps the source tree for
`csv.writer(`, worksheet `.append(` and `.cell(..., value=...)` outside this module.

A table of figures (`ExportTable`: title, header, rows) is written in any of `TABLE_FORMATS` by
`table_response`: CSV in UTF-8 with BOM, CSV in CP932 for older Excel (the file name ends in
`-cp932.csv`), xlsx (one sheet per table) and PDF (A4, `core/print/tables.html`).

CP932 cannot hold every character (𠮷 in an organization's name, for one).  Such a character
is replaced — by its usual CP932 form where one exists (𠮷 → 吉, 鷗 → 鴎), by 〓 (the geta mark
Japanese offices use for a missing glyph) otherwise — and the file says what was replaced, in
its last rows and in the `X-Tsunagu-Replaced-Characters` header; a screen can say it before the
download (`cp932_replacements`).  Nothing is dropped silently and nothing crashes.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.core.printing import render_pdf

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


# --- CP932 --------------------------------------------------------------------------------------

GETA = "〓"
# Characters CP932 lacks but has a usual equivalent for.
CP932_EQUIVALENTS = {
    "\u2014": "\u2015",  # — EM DASH → ― HORIZONTAL BAR (the JIS mapping difference)
    "\U00020bb7": "吉",  # 𠮷 (つちよし) → 吉
    "\U0002123d": "土",  # 𡈽 → 土
    "\U0002a6b2": "叱",  # 𪚲 → 叱
    "\u9dd7": "鴎",  # 鷗 → 鴎
}


@dataclass(frozen=True)
class Replacement:
    original: str
    replacement: str

    @property
    def codepoint(self) -> str:
        return f"U+{ord(self.original):04X}"


def cp932_safe(text: str, found: dict[str, Replacement]) -> str:
    """`text` with every character CP932 cannot encode replaced (and noted in `found`).  A
    lone surrogate is one of them: it is replaced like any other, never raised on."""
    out = []
    for ch in text:
        try:
            ch.encode("cp932")
        except UnicodeEncodeError:
            replacement = CP932_EQUIVALENTS.get(ch, GETA)
            found.setdefault(ch, Replacement(ch, replacement))
            out.append(replacement)
        else:
            out.append(ch)
    return "".join(out)


def cp932_replacements(texts: Iterable[str]) -> list[Replacement]:
    """What a CP932 export of these texts would replace (for the screen, before download)."""
    found: dict[str, Replacement] = {}
    for text in texts:
        cp932_safe(text, found)
    return sorted(found.values(), key=lambda r: r.original)


def replacement_note(replacements: Sequence[Replacement]) -> str:
    parts = "、".join(f"{r.original}（{r.codepoint}）→{r.replacement}" for r in replacements)
    return _("CP932で表せない文字を置き換えました: %(parts)s") % {"parts": parts}


def _attachment(content: bytes | str, *, content_type: str, filename: str) -> HttpResponse:
    return HttpResponse(
        content,
        content_type=content_type,
        headers={
            "Content-Disposition": content_disposition_header(True, filename) or "",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )


def cp932_csv_response(
    *, filename: str, rows: Sequence[Sequence[object]]
) -> tuple[HttpResponse, list[Replacement]]:
    """The rows as CSV in CP932: what it cannot hold is replaced and listed in the last rows
    (by code point, so that the note itself is CP932) and in a header."""
    found: dict[str, Replacement] = {}

    def safe(text: str) -> str:
        return cp932_safe(text, found)

    content = csv_text(rows, text=safe)
    replacements = sorted(found.values(), key=lambda r: r.original)
    if replacements:
        listed = "、".join(f"{r.codepoint}→{cp932_safe(r.replacement, {})}" for r in replacements)
        content += csv_text(
            [
                [],
                [_("注: CP932で表せない文字を置き換えました（%(list)s）。") % {"list": listed}],
                [_("元の文字のままの表はUTF-8版のCSVかExcel形式で出力してください。")],
            ]
        )
    # Every character is CP932 by now; "replace" only guards against a mapping gap.
    response = _attachment(
        content.encode("cp932", errors="replace"),
        content_type="text/csv; charset=Shift_JIS",
        filename=filename,
    )
    if replacements:
        response["X-Tsunagu-Replaced-Characters"] = ", ".join(
            f"{r.codepoint}>U+{ord(r.replacement):04X}" for r in replacements
        )
    return response, replacements


# --- Tables of figures in every format ----------------------------------------------------------


@dataclass(frozen=True)
class ExportTable:
    """One table as a file shows it: a title, the header and the rows (the first cell of a row
    is its label), a sheet name for xlsx and notes printed under it."""

    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[object]]
    sheet: str = ""
    notes: Sequence[str] = field(default_factory=tuple)
    numeric_from: int = 1  # the first column of figures (right-aligned in the PDF)

    def texts(self) -> list[str]:
        cells = (str(v) for row in self.rows for v in row if v is not None)
        return [self.title, *self.header, *cells, *self.notes]


TABLE_FORMATS: tuple[tuple[str, Any], ...] = (
    ("csv", gettext_lazy("CSV（UTF-8）")),
    ("cp932", gettext_lazy("CSV（CP932 / Shift_JIS）")),
    ("xlsx", gettext_lazy("Excel（xlsx）")),
    ("pdf", gettext_lazy("PDF")),
)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLES_PRINT_CSS = "core/print/tables.css"


def _table_rows(table: ExportTable) -> list[Sequence[object]]:
    return [[table.title], [], table.header, *table.rows, *([n] for n in table.notes)]


def tables_csv(tables: Sequence[ExportTable], *, filename: str) -> HttpResponse:
    """CSV in UTF-8 with BOM: each table under its title, a blank row between them."""
    rows: list[Sequence[object]] = []
    for number, table in enumerate(tables):
        rows += ([[]] if number else []) + _table_rows(table)
    return _attachment(
        "\ufeff" + csv_text(rows), content_type="text/csv; charset=utf-8", filename=filename
    )


def tables_cp932_csv(
    tables: Sequence[ExportTable], *, filename: str
) -> tuple[HttpResponse, list[Replacement]]:
    rows: list[Sequence[object]] = []
    for number, table in enumerate(tables):
        rows += ([[]] if number else []) + _table_rows(table)
    return cp932_csv_response(filename=filename, rows=rows)


def tables_xlsx(tables: Sequence[ExportTable], *, filename: str) -> HttpResponse:
    """One sheet per table: the title in A1, the header on row 3, the rows under it."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for number, table in enumerate(tables, start=1):
        # Sheet names: at most 31 characters, none of []:*?/\ and unique.
        name = re.sub(r"[\[\]:*?/\\]", "・", table.sheet or table.title)[:28] or str(number)
        if name in used:
            name = f"{name[:25]}({number})"
        used.add(name)
        sheet = workbook.create_sheet(title=name)
        xlsx_cell(sheet, row=1, column=1, value=table.title).font = Font(bold=True)
        xlsx_row(sheet, row=3, values=table.header)
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        row = 4
        for values in table.rows:
            xlsx_row(sheet, row=row, values=values)
            row += 1
        for note in table.notes:
            xlsx_cell(sheet, row=row + 1, column=1, value=note)
            row += 1
        sheet.column_dimensions["A"].width = 36
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _attachment(buffer.getvalue(), content_type=XLSX_TYPE, filename=filename)


def tables_pdf(tables: Sequence[ExportTable], *, title: str, filename: str) -> HttpResponse:
    """The tables printed on A4 (landscape when one is wide).  Raises PdfUnavailable when this
    server cannot load WeasyPrint: the caller says so on its page."""
    html = render_to_string(
        "core/print/tables.html",
        {"title": title, "tables": tables, "printed_on": timezone.localdate()},
    )
    pdf = render_pdf(html, css=TABLES_PRINT_CSS)
    return _attachment(pdf, content_type="application/pdf", filename=filename)


def table_response(
    fmt: str, tables: Sequence[ExportTable], *, stem: str, title: str
) -> tuple[HttpResponse, list[Replacement]]:
    """`tables` as a file in the format `fmt` (one of TABLE_FORMATS; anything else is
    ValueError), named `stem` with the format's ending; CP932 says so in the name.  Returns the
    response and what CP932 replaced (empty for the other formats), for the audit row."""
    if fmt == "csv":
        return tables_csv(tables, filename=f"{stem}.csv"), []
    if fmt == "cp932":
        return tables_cp932_csv(tables, filename=f"{stem}-cp932.csv")
    if fmt == "xlsx":
        return tables_xlsx(tables, filename=f"{stem}.xlsx"), []
    if fmt == "pdf":
        return tables_pdf(tables, title=title, filename=f"{stem}.pdf"), []
    raise ValueError(fmt)
