"""Registers of past years as offices keep them, written as files to import (ADR 0015): the
joint-support requests an organization received (`referrals/imports.py`) and the
consultations it took (`cases/imports.py`).

The rows are kept as Python values (`datetime.date`, labels), and the expected counts are
made from those values, never read back from the text the file carries, so a test that
imports the file checks the importer's date parsing too.  Dates are written in every way
offices write them (ISO, 2023/4/1, 令和5年4月1日, R5.4.1, full-width digits …).  Used by
`referrals/tests/test_imported_year.py` (the statistics' table) and
`reports/tests/test_imported_year_report.py` (the annual report)."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections import Counter

from openpyxl import Workbook

from tsunagu.cases.imports import COLUMNS as CONSULTATION_COLUMNS
from tsunagu.referrals.imports import COLUMNS

FY = 2023  # 令和5年度
ROWS = ["委託相談支援事業所", "指定特定相談支援事業所", "地域生活支援拠点", "その他"]
COLUMNS_OF_TABLE = ["身体", "精神", "知的", "発達", "重複", "診断なし"]
NAMES = {
    "委託相談支援事業所": "相談支援センター あおば",
    "指定特定相談支援事業所": "計画相談 ひだまり",
    "地域生活支援拠点": "地域生活支援拠点 みどり",
    "その他": "ひきこもり地域支援センター",
}
ERA = [("令和", dt.date(2019, 5, 1)), ("平成", dt.date(1989, 1, 8))]

Row = dict[str, object]


def written(day: dt.date, style: int) -> str:
    era, start = next((name, start) for name, start in ERA if day >= start)
    year = day.year - start.year + 1
    era_year = "元" if year == 1 else str(year)
    return [
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{era}{era_year}年{day.month}月{day.day}日",
        f"{'R' if era == '令和' else 'H'}{year}.{day.month}.{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        # full-width digits, as some registers have them
        f"{era}{era_year}年{day.month}月{day.day}日".translate(
            str.maketrans("0123456789", "０１２３４５６７８９")
        ),
    ][style % 6]


def fiscal_range(year: int = FY, as_of: dt.date | None = None) -> tuple[dt.date, dt.date]:
    end = dt.date(year + 1, 3, 31)
    return dt.date(year, 4, 1), min(end, as_of) if as_of else end


# --- Joint-support requests ------------------------------------------------------------------


def register(seed: int, count: int) -> list[Row]:
    """Rows of a register: requests of FY2022..FY2024, about a third accepted later on."""
    rng = random.Random(seed)
    first, last = dt.date(2022, 10, 1), dt.date(2024, 6, 30)
    rows: list[Row] = []
    for number in range(count):
        sent = first + dt.timedelta(days=rng.randrange((last - first).days + 1))
        accepted = (
            sent + dt.timedelta(days=rng.choice([0, 1, 3, 20, 60])) if rng.random() < 0.6 else None
        )
        if accepted is not None and accepted > dt.date(2025, 3, 31):
            accepted = None
        requester = rng.choice(ROWS)
        rows.append(
            {
                "sent": sent,
                "accepted": accepted,
                "requester": requester,
                "column": rng.choice(COLUMNS_OF_TABLE),
                "reference": f"R-{seed}-{number:04d}",
                "style": rng.randrange(6),
            }
        )
    # The first and last days of the year, always.
    rows[0]["sent"], rows[1]["sent"] = dt.date(2023, 4, 1), dt.date(2024, 3, 31)
    rows[2]["sent"] = dt.date(2023, 3, 31)  # the day before: last year's
    for row in rows[:3]:
        row["accepted"] = None
    return rows


def _cells(rows: list[Row]) -> list[list[object]]:
    out = []
    for row in rows:
        sent, accepted = row["sent"], row["accepted"]
        assert isinstance(sent, dt.date)
        style = int(str(row["style"]))
        out.append(
            [
                written(sent, style),
                row["requester"],
                row["column"],
                NAMES[str(row["requester"])],
                written(accepted, style + 1) if isinstance(accepted, dt.date) else "",
                row["reference"],
            ]
        )
    return out


def _to_csv(header: tuple[str, ...], cells: list[list[object]], encoding: str) -> bytes:
    lines = [",".join(header)] + [",".join(map(str, r)) for r in cells]
    text = "\r\n".join(lines) + "\r\n"
    return text.encode(encoding)


def _to_xlsx(header: tuple[str, ...], cells: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for row in cells:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def requests_csv(rows: list[Row], encoding: str) -> bytes:
    return _to_csv(COLUMNS, _cells(rows), encoding)


def requests_xlsx(rows: list[Row]) -> bytes:
    return _to_xlsx(COLUMNS, _cells(rows))


def expected(
    rows: list[Row], as_of: dt.date, *, accepted_only: bool, year: int = FY
) -> Counter[tuple[str, str]]:
    """(requester row, disability column) → requests sent in the year up to `as_of` (and,
    `accepted_only`, accepted by then)."""
    start, end = fiscal_range(year, as_of)
    counts: Counter[tuple[str, str]] = Counter()
    for row in rows:
        sent, accepted = row["sent"], row["accepted"]
        assert isinstance(sent, dt.date)
        if not start <= sent <= end:
            continue
        if accepted_only and not (isinstance(accepted, dt.date) and accepted <= end):
            continue
        counts[(str(row["requester"]), str(row["column"]))] += 1
    return counts


# --- Consultations ---------------------------------------------------------------------------

CHANNELS = ["来所", "電話", "訪問", "メール", "関係機関経由"]
CONSULTERS = ["本人", "家族", "関係機関", "民生委員"]
OUTCOMES = ["情報提供で終了", "継続支援", "他機関紹介", "共同支援依頼"]


def consultations(seed: int, count: int) -> list[Row]:
    """Rows of a register of consultations taken from FY2022 to FY2024."""
    rng = random.Random(seed)
    first, last = dt.date(2022, 11, 1), dt.date(2024, 5, 31)
    rows: list[Row] = [
        {
            "received": first + dt.timedelta(days=rng.randrange((last - first).days + 1)),
            "channel": rng.choice(CHANNELS),
            "consulter": rng.choice(CONSULTERS),
            "outcome": rng.choice(OUTCOMES),
            "style": rng.randrange(6),
        }
        for _number in range(count)
    ]
    rows[0]["received"], rows[1]["received"] = dt.date(2023, 4, 1), dt.date(2024, 3, 31)
    rows[2]["received"], rows[3]["received"] = dt.date(2023, 3, 31), dt.date(2024, 4, 1)
    return rows


def consultations_csv(rows: list[Row], encoding: str = "utf-8-sig") -> bytes:
    cells: list[list[object]] = []
    for row in rows:
        received = row["received"]
        assert isinstance(received, dt.date)
        cells.append(
            [
                written(received, int(str(row["style"]))),
                row["channel"],
                row["consulter"],
                "相談の内容（取り込みの試験）",
                row["outcome"],
                "",
                "",
                "",
            ]
        )
    return _to_csv(CONSULTATION_COLUMNS, cells, encoding)


def consultations_in(rows: list[Row], year: int = FY, as_of: dt.date | None = None) -> int:
    start, end = fiscal_range(year, as_of)
    days = [row["received"] for row in rows]
    return sum(1 for day in days if isinstance(day, dt.date) and start <= day <= end)
