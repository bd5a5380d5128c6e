"""The dashboards' figures as JSON (`/api/v1/dashboards/figures`): the same figures as the
screen, from the same selector, with the same suppression for the council (a suppressed count
is `null` with `suppressed: true`).  Anyone without a dashboard gets the same 404 as a missing
page; a year with no records is a 422."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from ninja import Router

from tsunagu.audit import services as audit
from tsunagu.core.actor import Actor
from tsunagu.core.api import ErrorOut, Listing, paginated
from tsunagu.core.errors import Invalid, NotFound
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.schemas import Out
from tsunagu.core.validators import Year
from tsunagu.dashboard import balance as balances
from tsunagu.dashboard import figures as dashboards
from tsunagu.dashboard import records

router = Router(tags=["dashboards"])


class RowOut(Out):
    key: str
    label: str
    count: int | None
    suppressed: bool


class DistributionOut(Out):
    key: str
    title: str
    unit: str
    summary: str
    rows: list[RowOut]
    has_total: bool
    total: int | None
    total_suppressed: bool
    note: str


class CrossRowOut(Out):
    label: str
    counts: list[int | None]


class CrossGroupOut(Out):
    label: str
    rows: list[CrossRowOut]


class CrossTabOut(Out):
    key: str
    title: str
    columns: list[str]
    column_counts: list[int | None]
    groups: list[CrossGroupOut]
    note: str


class DashboardComplianceOut(Out):
    name: str
    required: int
    held: int
    due: int
    is_short: bool


class DashboardOut(Out):
    role: str
    title: str
    fiscal_year: int
    label: str
    fiscal_years: list[int]
    suppressed: bool
    wards: list[str]
    figures: list[DistributionOut]
    difficulty_factors: DistributionOut
    difficulty_by_household: CrossTabOut
    median_days_to_acceptance: float | None
    overdue_monitorings: int | None
    compliance: list[DashboardComplianceOut]


def _distribution(d: dashboards.Distribution) -> dict[str, Any]:
    return {
        "key": d.key,
        "title": d.title,
        "unit": d.unit,
        "summary": d.summary,
        "rows": [
            {"key": r.key, "label": r.label, "count": r.count, "suppressed": r.count is None}
            for r in d.rows
        ],
        "has_total": d.has_total,
        "total": d.total,
        "total_suppressed": d.has_total and d.total is None,
        "note": d.note,
    }


@router.get(
    "/dashboards/figures",
    response={200: DashboardOut, 404: ErrorOut, 422: ErrorOut},
    summary="役割ごとのダッシュボードの数値",
    url_name="dashboard_figures",
)
def figures(request: TsunaguRequest, fiscal_year: Year | None = None) -> dict[str, Any]:
    """市担当課・基幹相談支援センターは市全体、区役所はその区、自立支援協議会の委員は市全体を
    匿名化して（1〜4件は null）。それ以外は404。"""
    actor = audit.require_role(request.actor, dashboards.may_view, view="dashboard")
    scope = dashboards.scope_of(actor)
    if scope is None:  # pragma: no cover - require_role let only a dashboard's role in
        raise NotFound(_("見つかりません。"))
    years = dashboards.fiscal_years()
    year = dashboards.checked_year(fiscal_year, years)
    board = dashboards.dashboard(actor, scope, year=year)
    dashboards.record_viewed(actor, scope, year=year, via="api")
    table = board.difficulty
    return {
        "role": scope.role,
        "title": scope.title,
        "fiscal_year": year,
        "label": board.label,
        "fiscal_years": years,
        "suppressed": scope.suppressed,
        "wards": board.ward_names,
        "figures": [_distribution(d) for d in board.distributions],
        "difficulty_factors": _distribution(board.factors),
        "difficulty_by_household": {
            "key": table.key,
            "title": table.title,
            "columns": table.columns,
            "column_counts": table.column_counts,
            "groups": [
                {
                    "label": label,
                    "rows": [{"label": row, "counts": counts} for row, counts in rows],
                }
                for label, rows in table.groups
            ],
            "note": table.note,
        },
        "median_days_to_acceptance": board.median_days_to_acceptance,
        "overdue_monitorings": board.overdue_monitorings,
        "compliance": [
            {
                "name": row.name,
                "required": row.required,
                "held": row.held,
                "due": row.due,
                "is_short": row.is_short,
            }
            for row in board.compliance
        ],
    }


class RecordRowOut(Out):
    day: dt.date
    cells: list[str]
    categories: list[str]
    url: str


class CategoryOut(Out):
    key: str
    label: str
    count: int | None
    suppressed: bool


class FigureRecordsOut(Out):
    key: str
    title: str
    fiscal_year: int
    suppressed: bool
    categories: list[CategoryOut]
    total: int | None
    columns: list[str]


def _figure_records(
    request: TsunaguRequest, key: str, fiscal_year: int | None, category: str
) -> tuple[Actor, dashboards.Scope, int, records.FigureRecords]:
    """The figure asked for, after the checks both routes share: a dashboard's role (404
    otherwise, as for a missing page), a known figure (404), a known year and category (422)."""
    actor = audit.require_role(request.actor, dashboards.may_view, view="dashboard")
    scope = dashboards.scope_of(actor)
    if scope is None or key not in records.FIGURE_KEYS:
        raise NotFound(_("見つかりません。"))
    year = dashboards.checked_year(fiscal_year, dashboards.fiscal_years())
    found = records.figure_records(actor, scope, year=year, key=key)
    if category and category not in {k for k, _label, _n in found.categories}:
        raise Invalid(_("その区分はこの数にはありません。一覧から選んでください。"))
    return actor, scope, year, found


@router.get(
    "/dashboards/records/{key}",
    response={200: FigureRecordsOut, 404: ErrorOut, 422: ErrorOut},
    summary="ダッシュボードの数の区分と件数",
    url_name="dashboard_figure_records",
)
def figure_records(
    request: TsunaguRequest, key: str, fiscal_year: Year | None = None
) -> dict[str, Any]:
    """画面の「数えた記録の一覧」の見出し：区分ごとの件数と合計、行の列名。自立支援協議会の
    委員には1〜4件を null で。行そのものは `/dashboards/records/{key}/rows`。知らない数は404、
    知らない年度は422。"""
    _actor, _scope, year, found = _figure_records(request, key, fiscal_year, "")
    return {
        "key": key,
        "title": found.title,
        "fiscal_year": year,
        "suppressed": found.suppressed,
        "categories": [
            {"key": k, "label": label, "count": n, "suppressed": n is None}
            for k, label, n in found.categories
        ],
        "total": found.total,
        "columns": list(found.columns),
    }


@router.get(
    "/dashboards/records/{key}/rows",
    response={200: list[RecordRowOut], 404: ErrorOut, 422: ErrorOut},
    summary="ダッシュボードの数が数えた記録（匿名化）",
    url_name="dashboard_figure_record_rows",
)
@paginated
def figure_record_rows(
    request: TsunaguRequest, key: str, fiscal_year: Year | None = None, category: str = ""
) -> Listing:
    """画面の「数えた記録の一覧」と同じ行（氏名なし）、区分で絞れる。自立支援協議会の委員には
    行はない（空の一覧）。出した行の数は監査ログに残る。"""
    actor, scope, year, found = _figure_records(request, key, fiscal_year, category)

    def on_page(rows: list[records.RecordRow]) -> None:
        records.record_viewed(actor, scope, year=year, key=key, category=category, count=len(rows))

    return Listing(found.only(category), on_page=on_page)


class BalanceTallyOut(Out):
    took_on: int | None
    declined: int | None
    lapsed: int | None
    total: int | None
    share: int | None
    ratio: str


class BalanceStreamOut(Out):
    stream: str
    this_year: BalanceTallyOut
    last_year: BalanceTallyOut


class BalanceRowOut(Out):
    key: str
    label: str
    kind: str
    streams: list[BalanceStreamOut]


class BalanceRingOut(Out):
    key: str
    label: str
    joined: int | None


class BalanceOut(Out):
    role: str
    fiscal_year: int
    last_fiscal_year: int
    suppressed: bool
    rings: list[BalanceRingOut]
    kinds: list[BalanceRowOut]
    agencies: list[BalanceRowOut]


def _balance_rows(rows: list[balances.Row], years: tuple[int, int]) -> list[dict[str, Any]]:
    def tally(t: balances.Tally) -> dict[str, Any]:
        return {
            "took_on": t.took_on,
            "declined": t.declined,
            "lapsed": t.lapsed,
            "total": t.total,
            "share": t.share,
            "ratio": t.ratio,
        }

    return [
        {
            "key": row.key,
            "label": row.label,
            "kind": row.kind,
            "streams": [
                {
                    "stream": stream,
                    "this_year": tally(row.tally(stream, years[0])),
                    "last_year": tally(row.tally(stream, years[1])),
                }
                for stream, _label in balances.STREAMS
            ],
        }
        for row in rows
    ]


@router.get(
    "/dashboards/balance",
    response={200: BalanceOut, 404: ErrorOut, 422: ErrorOut},
    summary="49:51から51:49へ: 機関・機関の種類ごとの引き受けた割合とバームクーヘン",
    url_name="dashboard_balance",
)
def balance(request: TsunaguRequest, fiscal_year: Year | None = None) -> dict[str, Any]:
    """基幹相談支援センター・市担当課は機関ごとと種類ごと、自立支援協議会の委員は種類ごとだけを
    1〜4件を伏せて（null）。それ以外は404。"""
    actor = audit.require_role(request.actor, balances.may_view, view="dashboard_balance")
    scope = dashboards.scope_of(actor)
    if scope is None:  # pragma: no cover - require_role let only a dashboard's role in
        raise NotFound(_("見つかりません。"))
    year = dashboards.checked_year(fiscal_year, dashboards.fiscal_years())
    found = balances.balance(actor, scope, year=year)
    balances.record_viewed(actor, scope, year=year, via="api")
    return {
        "role": scope.role,
        "fiscal_year": found.years[0],
        "last_fiscal_year": found.years[1],
        "suppressed": scope.suppressed,
        "rings": [{"key": r.key, "label": r.label, "joined": r.joined} for r in found.rings],
        "kinds": _balance_rows(found.kinds, found.years),
        "agencies": _balance_rows(found.agencies, found.years),
    }
