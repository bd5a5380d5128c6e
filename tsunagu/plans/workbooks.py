"""The plan and the monitoring report as xlsx (openpyxl), with the headings of the printed forms.

For the offices that keep their own Excel versions of the MHLW forms: the same headings and
order as the PDF, a Japanese font Excel has (游ゴシック), wrapped text, column widths that fit
the content, and A4 landscape print setup fitted to one page wide.

openpyxl is several megabytes in every worker: import this module inside the view that makes a
workbook, never at the top of a module the URLconf loads (ADR 0007, core/tests/test_imports.py).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tsunagu.core.dates import wareki
from tsunagu.core.exports import xlsx_cell
from tsunagu.plans.documents import Header, MonitoringDocument, PlanDocument

FONT_NAME = "游ゴシック"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_thin = Side(style="thin", color="000000")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
HEADING_FILL = PatternFill("solid", fgColor="E8E8E8")
FILLED = PatternFill("solid", fgColor="F0F0F0")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")


def _font(*, bold: bool = False, size: float = 10) -> Font:
    return Font(name=FONT_NAME, bold=bold, size=size)


def _sheet(wb: Workbook, title: str, widths: Sequence[float], *, first: bool = False) -> Worksheet:
    ws = wb.active if first else wb.create_sheet()
    assert isinstance(ws, Worksheet)  # noqa: S101  # a new workbook's active sheet
    ws.title = title
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.center.text = "&P / &N"
    return ws


def _title(ws: Worksheet, text: str, span: int) -> None:
    xlsx_cell(ws, row=1, column=1, value=text).font = _font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=span)
    ws.row_dimensions[1].height = 24


def _cell(
    ws: Worksheet, row: int, column: int, value: object, *, heading: bool = False, span: int = 1
) -> None:
    cell = xlsx_cell(ws, row=row, column=column, value=value)
    cell.font = _font(bold=heading, size=9 if heading else 10)
    cell.alignment = CENTER if heading else WRAP
    cell.border = BORDER
    if heading:
        cell.fill = HEADING_FILL
    if span > 1:
        for extra in range(column + 1, column + span):
            ws.cell(row=row, column=extra).border = BORDER
        ws.merge_cells(
            start_row=row, start_column=column, end_row=row, end_column=column + span - 1
        )


def _pairs(ws: Worksheet, row: int, pairs: Sequence[tuple[str, str, int]]) -> None:
    """One row of heading / value pairs; the value spans the given number of columns."""
    column = 1
    for heading, value, span in pairs:
        _cell(ws, row, column, heading, heading=True)
        _cell(ws, row, column + 1, value, span=span)
        column += 1 + span


def _header_rows(ws: Worksheet, header: Header, start: int) -> int:
    _pairs(
        ws,
        start,
        [
            (_("利用者氏名"), f"{header.person_name}（{header.person_kana}）", 1),
            (_("障害支援区分"), header.support_category, 1),
            (_("相談支援事業者名"), header.office_name, 1),
            (_("計画作成担当者"), header.planner_name, 1),
        ],
    )
    _pairs(
        ws,
        start + 1,
        [
            (_("生年月日"), header.birth_date, 1),
            (_("受給者証番号"), header.recipient_numbers, 1),
            (_("計画期間"), header.plan_period, 1),
            (_("計画作成日"), header.created_on, 1),
        ],
    )
    return start + 2


def _long_rows(ws: Worksheet, start: int, rows: Sequence[tuple[str, str]], span: int) -> int:
    row = start
    for heading, value in rows:
        _cell(ws, row, 1, heading, heading=True, span=2)
        _cell(ws, row, 3, value, span=span - 2)
        lines = max(1, sum(len(line) // 60 + 1 for line in value.splitlines()) if value else 1)
        ws.row_dimensions[row].height = max(30, 15 * lines)
        row += 1
    return row


def _signature(ws: Worksheet, row: int, span: int, text: str) -> None:
    _cell(ws, row, 1, _("利用者同意署名欄"), heading=True, span=2)
    _cell(
        ws,
        row,
        3,
        "\n".join(
            (
                text,
                f"{_('年月日')}：{'　' * 3}年{'　' * 2}月{'　' * 2}日{'　' * 2}"
                f"{_('利用者氏名')}：{'　' * 11}{_('印')}",
                f"{_('代理人氏名（続柄）')}：{'　' * 16}{_('印')}",
            )
        ),
        span=span - 2,
    )
    ws.row_dimensions[row].height = 60


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- The support plan -------------------------------------------------------------------------

PLAN_COLUMNS = (
    (gettext_lazy("優先順位"), 7),
    (gettext_lazy("解決すべき課題（本人のニーズ）"), 28),
    (gettext_lazy("支援目標"), 26),
    (gettext_lazy("達成時期"), 14),
    (gettext_lazy("福祉サービス等 種類・内容・量（頻度・時間）"), 26),
    (gettext_lazy("提供事業者名（担当者名）"), 24),
    (gettext_lazy("課題解決のための本人の役割"), 24),
    (gettext_lazy("評価時期"), 14),
    (gettext_lazy("その他留意事項"), 24),
)


def plan_workbook(doc: PlanDocument) -> bytes:
    wb = Workbook()
    span = len(PLAN_COLUMNS)
    ws = _sheet(wb, _("サービス等利用計画"), [w for _h, w in PLAN_COLUMNS], first=True)
    _title(ws, f"{doc.title}（{_('第%(v)d版') % {'v': doc.plan.version}}）", span)
    row = _header_rows(ws, doc.header, 3)
    _pairs(
        ws,
        row,
        [
            (_("モニタリング期間（開始年月）"), doc.header.monitoring_period, 3),
            (_("同意日"), doc.agreement, 3),
        ],
    )
    row = _long_rows(
        ws,
        row + 2,
        [
            (_("利用者及びその家族の生活に対する意向（希望する生活）"), doc.wishes),
            (_("総合的な援助の方針"), doc.plan.overall_policy),
            (_("長期目標"), doc.plan.long_term_goal),
            (_("短期目標"), doc.plan.short_term_goal),
        ],
        span,
    )
    row += 1
    for column, (heading, _w) in enumerate(PLAN_COLUMNS, start=1):
        _cell(ws, row, column, heading, heading=True)
    ws.row_dimensions[row].height = 32
    ws.print_title_rows = f"{row}:{row}"
    for item in doc.items:
        row += 1
        support = (
            f"{_('インフォーマルな支援')}: {item.support_label}"
            if item.support_kind == "informal"
            else item.support_label
        )
        values = (
            item.priority,
            item.need,
            item.goal,
            wareki(item.target_date),
            support,
            item.provider_label,
            item.person_role,
            wareki(item.evaluation_date),
            item.notes,
        )
        for column, value in enumerate(values, start=1):
            _cell(ws, row, column, value)
        ws.cell(row=row, column=1).alignment = CENTER
        ws.row_dimensions[row].height = 60
    _signature(
        ws,
        row + 2,
        span,
        _("上記の計画について説明を受け、その内容に同意し、交付を受けました。"),
    )

    weekly = _sheet(wb, _("週間計画表"), [9] + [16] * 7 + [30])
    _title(weekly, f"{doc.title}【{_('週間計画表')}】", 9)
    _pairs(
        weekly,
        3,
        [
            (_("利用者氏名"), doc.header.person_name, 1),
            (_("障害支援区分"), doc.header.support_category, 1),
            (_("相談支援事業者名"), doc.header.office_name, 2),
            (_("計画開始年月"), doc.header.start_month, 1),
        ],
    )
    _cell(weekly, 5, 1, _("時刻"), heading=True)
    for column, day in enumerate(doc.weekly_days, start=2):
        _cell(weekly, 5, column, day, heading=True)
    _cell(weekly, 5, 9, _("主な日常生活上の活動"), heading=True)
    for offset, week_row in enumerate(doc.weekly_rows):
        r = 6 + offset
        _cell(weekly, r, 1, week_row.label, heading=True)
        for column, cell in enumerate(week_row.cells, start=2):
            text = "\n".join(p for p in (cell.text, cell.provider) if p)
            _cell(weekly, r, column, text)
            if cell.filled:
                weekly.cell(row=r, column=column).fill = FILLED
        weekly.row_dimensions[r].height = 30
    last = 6 + len(doc.weekly_rows) - 1
    _cell(weekly, 6, 9, doc.plan.weekly_activities)
    for r in range(7, last + 1):
        weekly.cell(row=r, column=9).border = BORDER
    weekly.merge_cells(start_row=6, start_column=9, end_row=last, end_column=9)
    _cell(weekly, last + 1, 1, _("週単位以外のサービス"), heading=True, span=2)
    _cell(weekly, last + 1, 3, doc.plan.weekly_notes, span=7)
    weekly.row_dimensions[last + 1].height = 40
    return _save(wb)


# --- The monitoring report --------------------------------------------------------------------

MONITORING_COLUMNS = (
    (gettext_lazy("優先順位"), 7),
    (gettext_lazy("支援目標"), 28),
    (gettext_lazy("達成時期"), 14),
    (gettext_lazy("サービス提供状況"), 30),
    (gettext_lazy("本人の感想・満足度"), 26),
    (gettext_lazy("支援目標の達成度"), 14),
    (gettext_lazy("今後の課題・解決方法"), 28),
    (gettext_lazy("計画変更の必要性"), 16),
)


def monitoring_workbook(doc: MonitoringDocument) -> bytes:
    wb = Workbook()
    span = len(MONITORING_COLUMNS)
    ws = _sheet(wb, _("モニタリング報告書"), [w for _h, w in MONITORING_COLUMNS], first=True)
    _title(ws, doc.title, span)
    row = _header_rows(ws, doc.header, 3)
    _pairs(
        ws,
        row,
        [
            (_("モニタリング期間（開始年月）"), doc.header.monitoring_period, 1),
            (_("モニタリング実施日"), doc.conducted_on, 1),
            (_("実施者"), doc.conducted_by, 2),
        ],
    )
    m = doc.monitoring
    words = m.person_words
    if m.satisfaction:
        words = (
            f"{words}（{m.get_satisfaction_display()}）"
            if words
            else str(m.get_satisfaction_display())
        )
    row = _long_rows(
        ws,
        row + 2,
        [
            (_("総合的な援助の方針"), doc.plan.overall_policy),
            (_("全体の状況"), m.overall),
            (_("本人の言葉・満足度"), words),
        ],
        span,
    )
    row += 1
    for column, (heading, _w) in enumerate(MONITORING_COLUMNS, start=1):
        _cell(ws, row, column, heading, heading=True)
    ws.row_dimensions[row].height = 32
    ws.print_title_rows = f"{row}:{row}"
    for goal in doc.goals:
        row += 1
        report = goal.report
        feeling = ""
        if report is not None:
            feeling = report.person_words
            if report.satisfaction:
                feeling = f"{feeling}（{report.get_satisfaction_display()}）".lstrip()
        change = ""
        if report is not None:
            change = _("あり") if report.what_should_change else _("なし")
        values = (
            goal.item.priority,
            f"{goal.item.goal}\n{goal.item.provider_label}",
            wareki(goal.item.target_date),
            report.what_happened if report else "",
            feeling,
            str(report.get_achievement_display()) if report and report.achievement else "",
            report.what_should_change if report else "",
            change,
        )
        for column, value in enumerate(values, start=1):
            _cell(ws, row, column, value)
        ws.cell(row=row, column=1).alignment = CENTER
        ws.row_dimensions[row].height = 60
    row = _long_rows(
        ws,
        row + 2,
        [
            (
                _("計画変更の必要性（全体）"),
                _("あり（計画を見直す）")
                if m.plan_change_needed
                else _("なし（現在の計画を継続）"),
            ),
            (_("今後の支援"), m.next_steps),
        ],
        span,
    )
    _signature(ws, row + 1, span, _("上記のモニタリングの結果について説明を受けました。"))
    return _save(wb)
