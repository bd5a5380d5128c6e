"""The statistics as files: CSV in UTF-8 (with BOM), CSV in CP932 for older Excel, and xlsx.

CP932 cannot hold every character (𠮷 in an organization's name, for one).  Such a character
is replaced — by its usual CP932 form where one exists (𠮷 → 吉, 鷗 → 鴎), by 〓 (the geta mark
Japanese offices use for a missing glyph) otherwise — and the file says what was replaced, in
its last rows and in the `X-Tsunagu-Replaced-Characters` header; the screen says it before the
download.  Nothing is dropped silently and nothing crashes.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from tsunagu.core.exports import csv_response, csv_text, xlsx_cell, xlsx_row
from tsunagu.referrals.statistics import JointSupportTable, OrganizationRow

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


# --- Tables as rows -------------------------------------------------------------------------


def joint_support_rows(table: JointSupportTable) -> tuple[list[str], list[list[object]]]:
    header = [_("依頼者"), *table.columns, _("計")]
    body: list[list[object]] = [[row.label, *row.cells, row.total] for row in table.rows]
    body.append([_("計"), *table.column_totals, table.total])
    return header, body


def organization_rows(rows: Sequence[OrganizationRow]) -> tuple[list[str], list[list[object]]]:
    header = [
        _("依頼先の機関"),
        _("種別"),
        _("依頼件数"),
        _("受理"),
        _("お断り"),
        _("未決定（取り下げを含む）"),
        _("受理率（%）"),
        _("受理までの日数（中央値）"),
    ]
    body: list[list[object]] = [
        [
            r.name,
            r.kind_label,
            r.received,
            r.accepted,
            r.rejected,
            r.undecided,
            "" if r.acceptance_rate is None else round(r.acceptance_rate * 100, 1),
            "" if r.median_days_to_acceptance is None else r.median_days_to_acceptance,
        ]
        for r in rows
    ]
    return header, body


def texts_of(header: Sequence[str], body: Sequence[Sequence[object]], title: str) -> list[str]:
    return [title, *header, *(str(v) for row in body for v in row)]


# --- Files ----------------------------------------------------------------------------------


def utf8_csv(
    *, filename: str, title: str, header: Sequence[str], body: Sequence[Sequence[object]]
) -> HttpResponse:
    return csv_response(filename=filename, header=[title], rows=[[], header, *body])


def cp932_csv(
    *, filename: str, title: str, header: Sequence[str], body: Sequence[Sequence[object]]
) -> tuple[HttpResponse, list[Replacement]]:
    found: dict[str, Replacement] = {}

    def safe(text: str) -> str:
        return cp932_safe(text, found)

    content = csv_text([[title], [], header, *body], text=safe)
    replacements = sorted(found.values(), key=lambda r: r.original)
    if replacements:
        # The note itself must be CP932: name the characters by code point, not by glyph.
        listed = "、".join(f"{r.codepoint}→{cp932_safe(r.replacement, {})}" for r in replacements)
        content += csv_text(
            [
                [],
                [_("注: CP932で表せない文字を置き換えました（%(list)s）。") % {"list": listed}],
                [_("元の文字のままの表はUTF-8版のCSVかExcel形式で出力してください。")],
            ]
        )
    data = content.encode("cp932", errors="replace")
    response = HttpResponse(
        data,
        content_type="text/csv; charset=Shift_JIS",
        headers={"Content-Disposition": content_disposition_header(True, filename) or ""},
    )
    if replacements:
        response["X-Tsunagu-Replaced-Characters"] = ", ".join(
            f"{r.codepoint}>U+{ord(r.replacement):04X}" for r in replacements
        )
    return response, replacements


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(
    *,
    filename: str,
    sheets: Sequence[tuple[str, str, Sequence[str], Sequence[Sequence[object]]]],
) -> HttpResponse:
    """`sheets`: (sheet name, title, header, body) each."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, title, header, body in sheets:
        sheet = workbook.create_sheet(title=name[:31])
        xlsx_cell(sheet, row=1, column=1, value=title).font = Font(bold=True)
        xlsx_row(sheet, row=3, values=header)
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for row, values in enumerate(body, start=4):
            xlsx_row(sheet, row=row, values=values)
        sheet.column_dimensions["A"].width = 36
    buffer = io.BytesIO()
    workbook.save(buffer)
    return HttpResponse(
        buffer.getvalue(),
        content_type=XLSX_TYPE,
        headers={"Content-Disposition": content_disposition_header(True, filename) or ""},
    )
