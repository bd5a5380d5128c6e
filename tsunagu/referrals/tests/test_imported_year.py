"""Issue 17, "Done when": seed 000's joint-support table reproduces, for a fiscal year imported
from a file with original dates, the counts that the file implies.

The test writes a register for 令和5年度 (with rows of the years around it, dates in every way
offices write them, CSV in UTF-8 with BOM, CSV in CP932 and xlsx), imports it, and checks every
cell of the table, both counts (sent, and accepted by the "as of" day), against a count made
here from the rows it wrote; the dates are counted from the `datetime.date` values, never read
back from the text, so the importer's date parsing is checked too."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tsunagu.accounts.tests.factories import UserFactory
from tsunagu.audit.imports import ACTION_IMPORTED
from tsunagu.audit.late_entry import ACTION_LATE_ENTRY
from tsunagu.audit.models import AuditEvent
from tsunagu.core.tests.registers import (
    COLUMNS_OF_TABLE,
    FY,
    ROWS,
    expected,
    register,
    requests_csv,
    requests_xlsx,
)
from tsunagu.organizations.actors import actor_for
from tsunagu.organizations.models import SystemRole
from tsunagu.organizations.tests.factories import MembershipFactory
from tsunagu.referrals.imports import requests_import
from tsunagu.referrals.models import ImportedRequest
from tsunagu.referrals.statistics import joint_support_table, period

pytestmark = pytest.mark.django_db


def _check_every_cell(rows: list[dict[str, object]], as_of: dt.date) -> None:
    for accepted_only in (False, True):
        want = expected(rows, as_of, accepted_only=accepted_only)
        table = joint_support_table(period(FY, as_of), accepted_only=accepted_only)
        assert table.columns == COLUMNS_OF_TABLE
        assert [row.label for row in table.rows] == ROWS
        for row in table.rows:
            for column, cell in zip(table.columns, row.cells, strict=True):
                assert cell == want[(row.label, column)], (accepted_only, row.label, column)
            assert row.total == sum(want[(row.label, c)] for c in COLUMNS_OF_TABLE)
        assert table.column_totals == [sum(want[(r, c)] for r in ROWS) for c in COLUMNS_OF_TABLE]
        assert table.total == sum(want.values())


@pytest.fixture
def manager(personas):
    user = UserFactory.create(username="core_manager")
    MembershipFactory.create(
        user=user, organization=personas.core_center, job_title="manager", role=SystemRole.MANAGER
    )
    return actor_for(user, personas.core_center)


@pytest.mark.parametrize("form", ["utf-8-sig", "cp932", "xlsx"])
def test_every_cell_of_the_imported_year(form, manager):
    rows = register(seed=17, count=240)
    data = requests_xlsx(rows) if form == "xlsx" else requests_csv(rows, form)

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
    rows = register(seed=3, count=20)
    data = requests_csv(rows, "utf-8-sig").replace(
        "地域生活支援拠点,".encode(), "拠点,".encode(), 1
    )
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
    rows = register(seed=seed, count=count)
    for row in rows:
        row["reference"] = f"{row['reference']}-{count}"
    outcome = requests_import(
        manager, data=requests_csv(rows, "utf-8-sig"), name="register.csv", dry_run=False
    )
    assert outcome.committed, outcome.problems[:3]
    _check_every_cell(rows, dt.date(2024, 3, 31))
