"""Every dashboard table as a file (issue 17 item 2): CSV (UTF-8 with BOM and CP932), xlsx and
PDF through core/exports.py, the same figures and suppression as the page, audited per
download; a bad format, table or year never gives a 500.  On test_figures.py's world."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.dashboard import exports as dashboard_exports
from tsunagu.dashboard import figures as dashboards
from tsunagu.dashboard.tests import test_figures
from tsunagu.organizations.tests.actors import actor_as

pytestmark = pytest.mark.django_db
URL = "/dashboards/export/"
YEAR = test_figures.YEAR
world = test_figures.world  # the hand-built world whose every count is known


def _rows(response, encoding="utf-8-sig"):
    return list(csv.reader(io.StringIO(response.content.decode(encoding))))


def _board(user):
    actor = actor_as(user)
    scope = dashboards.scope_of(actor)
    assert scope is not None
    return dashboards.dashboard(actor, scope, year=YEAR)


def _table_rows(rows):
    """The data rows of a one-table CSV: after the header (row 3), before the notes."""
    return [row for row in rows[3:] if len(row) == 2]


def test_a_table_in_utf8_csv_has_the_page_figures_and_is_on_the_record(personas, world, client_as):
    response = client_as(personas.city_official).get(
        URL, {"fiscal_year": YEAR, "table": "consultations_by_ward", "format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    assert "dashboard-city-consultations_by_ward-FY2025.csv" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    rows = _rows(response)
    assert rows[0] == ["相談受付（区別）（令和7年度（2025年度））"]
    assert rows[2] == ["区分", "件"]
    board = _board(personas.city_official)
    ward = board.distribution("consultations_by_ward")
    expected = [[row.label, str(row.count)] for row in ward.rows] + [["計", "5"]]
    assert _table_rows(rows) == expected
    assert dict(_table_rows(rows)) == {"中央区": "2", "東区": "2", "区の記録なし": "1", "計": "5"}
    event = AuditEvent.objects.filter(action=dashboard_exports.ACTION_EXPORTED).get()
    assert event.target_id == "city"
    assert event.detail == {
        "fiscal_year": YEAR,
        "table": "consultations_by_ward",
        "format": "csv",
        "replaced": [],
    }
    assert event.organization_id == personas.city.pk


def test_every_table_of_the_page_is_in_the_file_of_all_tables(personas, world, client_as):
    client = client_as(personas.city_official)
    page = client.get("/dashboards/", {"fiscal_year": YEAR}).content.decode()
    tables = dashboard_exports.tables(_board(personas.city_official))
    # the 3 training figures (issue 18 item 6) and the 2 community figures (issue 21) included
    assert len(tables) == 17
    for key in tables:
        for fmt in ("csv", "cp932", "xlsx", "pdf"):
            assert f"fiscal_year={YEAR}&amp;table={key}&amp;format={fmt}" in page
    assert f"{URL}?fiscal_year={YEAR}&amp;format=xlsx" in page
    response = client.get(URL, {"fiscal_year": YEAR})
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    for table in tables.values():
        assert table.title in text
    assert "困難さの要因と世帯の型（クロス集計）（令和7年度（2025年度））" in text
    assert "自立支援協議会,1,4,4,不足" in text  # held 1 of the 4 due in the year


def test_the_council_file_suppresses_as_the_page_does(personas, world, client_as):
    client = client_as(world.council_member)
    response = client.get(
        URL, {"fiscal_year": YEAR, "table": "consultations_by_ward", "format": "csv"}
    )
    assert response.status_code == 200
    assert "dashboard-council-" in response["Content-Disposition"]
    rows = _table_rows(_rows(response))
    assert rows == [["中央区", "5未満"], ["東区", "5未満"], ["区の記録なし", "5未満"], ["計", "5"]]
    text = client.get(URL, {"fiscal_year": YEAR}).content.decode("utf-8-sig")
    # No count from 1 to 4 anywhere in a figure cell of any table.
    for row in csv.reader(io.StringIO(text)):
        for cell in row[1:]:
            assert cell not in {"1", "2", "3", "4"} or row[0] in {"自立支援協議会"}, row
    assert "1〜4件の数は「5未満」と表示し" in text


def test_cp932_is_labelled_and_readable(personas, world, client_as):
    response = client_as(personas.city_official).get(
        URL, {"fiscal_year": YEAR, "table": "consultations_by_month", "format": "cp932"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=Shift_JIS"
    assert "-cp932.csv" in response["Content-Disposition"]
    rows = _rows(response, "cp932")
    assert rows[0][0].startswith("相談受付（月別）")
    assert ["計", "5"] in rows


def test_xlsx_keeps_numbers_as_numbers_and_suppressed_cells_as_words(personas, world, client_as):
    response = client_as(world.council_member).get(URL, {"fiscal_year": YEAR, "format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["相談受付（区別）"]
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=4, max_row=7)]
    assert values == [["中央区", "5未満"], ["東区", "5未満"], ["区の記録なし", "5未満"], ["計", 5]]
    assert "主な数" in book.sheetnames
    assert len(book.sheetnames) == 17


def test_pdf_of_one_table(personas, world, client_as):
    response = client_as(personas.city_official).get(
        URL, {"fiscal_year": YEAR, "table": "key_figures", "format": "pdf"}
    )
    if response.status_code == 503:  # pragma: no cover - a server without WeasyPrint
        assert "PDFを作成できません" in response.content.decode()
        return
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "query",
    ["format=docx", "format=CSV", "format=%ED%A0%80", "table=persons", "table=%ED%A0%80"],
)
def test_an_unknown_format_or_table_is_a_404(personas, world, client_as, query):
    response = client_as(personas.city_official).get(f"{URL}?fiscal_year={YEAR}&{query}")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=dashboard_exports.ACTION_EXPORTED).exists()


def test_a_nul_in_the_table_is_refused_not_a_500(personas, world, client_as):
    response = client_as(personas.city_official).get(f"{URL}?fiscal_year={YEAR}&table=key%00")
    assert response.status_code in (400, 404)
    assert not AuditEvent.objects.filter(action=dashboard_exports.ACTION_EXPORTED).exists()


@pytest.mark.parametrize("value", ["2019", "99999", str(2**63), "令和7", "ﾚｲﾜ7", "れいわ7"])
def test_a_year_with_no_records_is_a_400_with_its_message(personas, world, client_as, value):
    response = client_as(personas.city_official).get(URL, {"fiscal_year": value, "format": "csv"})
    assert response.status_code == 400
    assert "その年度の記録はありません。" in response.content.decode()
    assert not AuditEvent.objects.filter(action=dashboard_exports.ACTION_EXPORTED).exists()


def test_a_lone_surrogate_in_the_year_is_a_400(personas, world, client_as):
    response = client_as(personas.city_official).get(URL + "?fiscal_year=%ED%A0%80&format=csv")
    assert response.status_code == 400


def test_an_outsider_gets_a_404_and_it_is_audited(personas, world, client_as):
    response = client_as(personas.counselor_b).get(URL, {"fiscal_year": YEAR, "format": "csv"})
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, target_id="dashboard", actor=personas.counselor_b
    ).exists()
    assert not AuditEvent.objects.filter(action=dashboard_exports.ACTION_EXPORTED).exists()


def test_no_year_means_this_year(personas, world, client_as):
    response = client_as(personas.city_official).get(URL, {"table": "key_figures"})
    assert response.status_code == 200
    this_year = dashboards.fiscal_years()[0]
    assert f"FY{this_year}" in response["Content-Disposition"]
