"""Issue 17, "Done when": seed 000's joint-support table reproduces, for a fiscal year imported
from a file with original dates, the counts that the file implies.

The test writes a register for 令和5年度 (with rows of the years around it, dates in every way
offices write them, CSV in UTF-8 with BOM, CSV in CP932 and xlsx), imports it, and checks every
cell of the table, both counts (sent, and accepted by the "as of" day), against a count made
here from the rows it wrote; the dates are counted from the `datetime.date` values, never read
back from the text, so the importer's date parsing is checked too."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tsunagu.accounts.tests.factories import UserFactory
from tsunagu.audit.imports import ACTION_IMPORTED
from tsunagu.audit.late_entry import ACTION_LATE_ENTRY
from tsunagu.audit.models import AuditEvent
from tsunagu.organizations.actors import actor_for
from tsunagu.organizations.models import SystemRole
from tsunagu.organizations.tests.factories import MembershipFactory
from tsunagu.referrals.imports import COLUMNS, requests_import
from tsunagu.referrals.models import ImportedRequest
from tsunagu.referrals.statistics import joint_support_table, period

pytestmark = pytest.mark.django_db

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


def _written(day: dt.date, style: int) -> str:
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


def _register(seed: int, count: int) -> list[dict[str, object]]:
    """Rows of a register: requests of FY2022..FY2024, about a third accepted later on."""
    rng = random.Random(seed)
    first, last = dt.date(2022, 10, 1), dt.date(2024, 6, 30)
    rows: list[dict[str, object]] = []
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


def _cells(rows: list[dict[str, object]]) -> list[list[object]]:
    out = []
    for row in rows:
        sent, accepted = row["sent"], row["accepted"]
        assert isinstance(sent, dt.date)
        style = int(str(row["style"]))
        out.append(
            [
                _written(sent, style),
                row["requester"],
                row["column"],
                NAMES[str(row["requester"])],
                _written(accepted, style + 1) if isinstance(accepted, dt.date) else "",
                row["reference"],
            ]
        )
    return out


def _csv(rows: list[dict[str, object]], encoding: str) -> bytes:
    lines = [",".join(COLUMNS)] + [",".join(map(str, r)) for r in _cells(rows)]
    text = "\r\n".join(lines) + "\r\n"
    return text.encode(encoding)


def _xlsx(rows: list[dict[str, object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    for cells in _cells(rows):
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _expected(
    rows: list[dict[str, object]], as_of: dt.date, *, accepted_only: bool
) -> Counter[tuple[str, str]]:
    start, end = dt.date(FY, 4, 1), min(dt.date(FY + 1, 3, 31), as_of)
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


def _check_every_cell(rows: list[dict[str, object]], as_of: dt.date) -> None:
    for accepted_only in (False, True):
        expected = _expected(rows, as_of, accepted_only=accepted_only)
        table = joint_support_table(period(FY, as_of), accepted_only=accepted_only)
        assert table.columns == COLUMNS_OF_TABLE
        assert [row.label for row in table.rows] == ROWS
        for row in table.rows:
            for column, cell in zip(table.columns, row.cells, strict=True):
                assert cell == expected[(row.label, column)], (accepted_only, row.label, column)
            assert row.total == sum(expected[(row.label, c)] for c in COLUMNS_OF_TABLE)
        assert table.column_totals == [
            sum(expected[(r, c)] for r in ROWS) for c in COLUMNS_OF_TABLE
        ]
        assert table.total == sum(expected.values())


@pytest.fixture
def manager(personas):
    user = UserFactory.create(username="core_manager")
    MembershipFactory.create(
        user=user, organization=personas.core_center, job_title="manager", role=SystemRole.MANAGER
    )
    return actor_for(user, personas.core_center)


@pytest.mark.parametrize("form", ["utf-8-sig", "cp932", "xlsx"])
def test_every_cell_of_the_imported_year(form, manager):
    rows = _register(seed=17, count=240)
    data = _xlsx(rows) if form == "xlsx" else _csv(rows, form)

    preview = requests_import(manager, data=data, name=f"register.{form}", dry_run=True)
    assert preview.ok, preview.problems[:3]
    assert not preview.committed
    assert ImportedRequest.objects.count() == 0

    done = requests_import(manager, data=data, name=f"register.{form}", dry_run=False)
    assert done.committed
    assert ImportedRequest.objects.count() == len(rows)

    for as_of in (dt.date(2024, 3, 31), dt.date(2023, 9, 30), dt.date(2023, 4, 1)):
        _check_every_cell(rows, as_of)
    # The year can be asked for, and the year before it (the file reaches back to it).
    assert period(FY - 1).fiscal_year == FY - 1
    # One audit row for the import, and a late-entry row for each request (all are old).
    assert AuditEvent.objects.filter(action=ACTION_IMPORTED).count() == 1
    assert AuditEvent.objects.filter(action=ACTION_LATE_ENTRY).count() == len(rows)


def test_one_bad_row_and_nothing_is_imported(manager):
    rows = _register(seed=3, count=20)
    data = _csv(rows, "utf-8-sig").replace("地域生活支援拠点,".encode(), "拠点,".encode(), 1)
    data += "令和5年2月30日,その他,精神,,,X-1\r\n99999-01-01,その他,精神,,,X-2\r\n".encode()
    outcome = requests_import(manager, data=data, name="bad.csv", dry_run=False)
    assert not outcome.committed
    assert ImportedRequest.objects.count() == 0
    assert AuditEvent.objects.filter(action=ACTION_IMPORTED).count() == 0
    messages = {(p.line, p.column): p.message for p in outcome.problems}
    assert messages[(len(rows) + 2, "依頼日")] == "令和5年2月30日はありません。"
    assert "99999" in messages[(len(rows) + 3, "依頼日")]
    assert any(
        column == "依頼元の種別" and "「拠点」" in message
        for (_line, column), message in messages.items()
    )


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=st.integers(min_value=0, max_value=10_000), count=st.integers(3, 40))
def test_any_register_reproduces(manager, seed, count):
    ImportedRequest.objects.all().delete()
    rows = _register(seed=seed, count=count)
    for row in rows:
        row["reference"] = f"{row['reference']}-{count}"
    outcome = requests_import(
        manager, data=_csv(rows, "utf-8-sig"), name="register.csv", dry_run=False
    )
    assert outcome.committed, outcome.problems[:3]
    _check_every_cell(rows, dt.date(2024, 3, 31))
