"""Every table of a dashboard as a file (issue 17 item 2): CSV in UTF-8 with BOM, CSV in CP932,
xlsx and PDF, through the shared writer `core/exports.py`.

The files are built from the same `Dashboard` the screen shows, so a council member's file
holds exactly the council's suppressed figures ("5未満" where the screen says it), never a
count the screen hides.  Each download is on the record (`ACTION_EXPORTED`: which table, which
format, which year), like the view of the page.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.audit import services as audit
from tsunagu.audit.actions import register_action
from tsunagu.core.actor import Actor
from tsunagu.core.exports import ExportTable, Replacement
from tsunagu.dashboard.figures import Dashboard, Distribution, Scope, display

ACTION_EXPORTED = register_action("dashboard.exported", gettext_lazy("ダッシュボードの表の出力"))
KEY_FIGURES = "key_figures"
COMPLIANCE = "compliance"


def _cell(count: int | None) -> int | str:
    """A number stays a number (a spreadsheet sums it); a suppressed one is the words."""
    return display(count) if count is None else count


def _scope_note(board: Dashboard) -> str:
    if board.scope.suppressed:
        return _(
            "個人が特定されないよう、1〜4件の数は「5未満」と表示し、そこから逆算できる数も"
            "伏せています。"
        )
    if board.scope.role == "ward_office":
        return _(
            "%(wards)sに住む人・世帯の記録だけを数えています（住所の地域が未登録の記録は"
            "含みません）。"
        ) % {"wards": "、".join(board.ward_names)}
    return _("市全体の記録を数えています。集計値だけで、個人は表示されません。")


def _title(board: Dashboard, title: str) -> str:
    return _("%(title)s（%(year)s）") % {"title": title, "year": board.label}


def _distribution(board: Dashboard, d: Distribution) -> ExportTable:
    rows: list[list[object]] = [[row.label, _cell(row.count)] for row in d.rows]
    if d.has_total:
        rows.append([_("計"), _cell(d.total)])
    return ExportTable(
        title=_title(board, d.title),
        header=[_("区分"), d.unit],
        rows=rows,
        sheet=d.title,
        notes=[n for n in (d.summary, d.note, _scope_note(board)) if n],
    )


def _key_figures(board: Dashboard) -> ExportTable:
    median = board.median_days_to_acceptance
    return ExportTable(
        title=_title(board, _("主な数")),
        header=[_("区分"), _("数")],
        rows=[
            [_("相談受付（件）"), _cell(board.distribution("consultations_by_month").total)],
            [_("支援ケースの開始（件）"), _cell(board.distribution("cases_by_month").total)],
            [_("期限を過ぎたモニタリング（件）"), _cell(board.overdue_monitorings)],
            [_("受理までの日数（中央値、日）"), "—" if median is None else median],
        ],
        sheet=_("主な数"),
        notes=[
            _(
                "期限を過ぎたモニタリングは、この年度が期限で、合意された計画のまだ実施されて"
                "いないものです（終結したケースを除く）。"
            ),
            _scope_note(board),
        ],
    )


def _difficulty(board: Dashboard) -> ExportTable:
    table = board.difficulty
    rows: list[list[object]] = [[_("ケース数"), *(_cell(n) for n in table.column_counts)]]
    for group, group_rows in table.groups:
        rows.append([group])
        rows += [[label, *(_cell(n) for n in cells)] for label, cells in group_rows]
    return ExportTable(
        title=_title(board, table.title),
        header=[_("要因"), *table.columns],
        rows=rows,
        sheet=_("困難さの要因と世帯の型"),
        notes=[table.note, _scope_note(board)],
    )


def _compliance(board: Dashboard) -> ExportTable:
    return ExportTable(
        title=_title(board, _("会議の開催状況（必要な回数との比較）")),
        header=[_("会議体"), _("開催"), _("今までに必要"), _("年間に必要"), _("状況")],
        rows=[
            [
                row.name,
                row.held,
                row.due,
                row.required,
                _("不足") if row.is_short else _("足りている"),
            ]
            for row in board.compliance
        ]
        or [[_("開催回数の定めがある会議体はありません。")]],
        sheet=_("会議の開催状況"),
    )


def tables(board: Dashboard) -> dict[str, ExportTable]:
    """Every table of the page, in the page's order, keyed as the page names them."""
    found: dict[str, ExportTable] = {KEY_FIGURES: _key_figures(board)}
    for d in board.distributions:
        found[d.key] = _distribution(board, d)
    found[board.factors.key] = _distribution(board, board.factors)
    found[board.difficulty.key] = _difficulty(board)
    found[COMPLIANCE] = _compliance(board)
    return found


def stem(scope: Scope, year: int, which: str) -> str:
    """The file name (ASCII: role, table and year, never a person or a ward's name)."""
    return f"dashboard-{scope.role}-{which or 'all'}-FY{year}"


def record_exported(
    actor: Actor,
    scope: Scope,
    *,
    year: int,
    table: str,
    fmt: str,
    replaced: list[Replacement],
) -> None:
    audit.record(
        action=ACTION_EXPORTED,
        actor=actor,
        target_type="dashboard",
        target_id=scope.role,
        detail={
            "fiscal_year": year,
            "table": table or "all",
            "format": fmt,
            "replaced": [r.codepoint for r in replaced],
        },
    )
