"""The statistics tables as files (issue 17 item 2): every table the screen shows in CSV (UTF-8
with BOM, and CP932 named as such), xlsx and PDF, for any "as of" date within the year; names
with ①, 髙 and 𠮷 survive CP932; bad years and dates are a Japanese 400 on screen and a 422 in the
API; every file is audited."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import AuditEvent
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.core.exports import ExportTable, table_response
from tsunagu.core.tests.pdf import pdf_text
from tsunagu.organizations.tests.factories import OrganizationFactory
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.referrals.models import ReferralKind, ReferralStatus
from tsunagu.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

TOKYO = timezone.get_fixed_timezone(9 * 60)
URL = "/referrals/statistics/export/"
NAME = "①髙橋𠮷田 相談室"


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=TOKYO)


@pytest.fixture
def requests_(personas):
    """Three joint-support requests to a receiver named with ①, 髙 and 𠮷: two in June, one
    in October of 令和8年度; office A (委託) sends them for persons with a mental disability."""
    receiver = OrganizationFactory.create(kind="hospital", name=NAME)
    for day in (dt.date(2026, 6, 1), dt.date(2026, 6, 20), dt.date(2026, 10, 5)):
        person = PersonFactory.create(
            disability_categories=["mental"], registered_by_organization=personas.office_a
        )
        ReferralFactory.create(
            case=CaseFactory.create(person=person, lead_organization=personas.office_a),
            kind=ReferralKind.JOINT_SUPPORT,
            receiving_organization=receiver,
            status=ReferralStatus.REQUESTED,
            sent_at=_at(day),
            requested_at=_at(day),
        )
    return receiver


def _rows(content: bytes, encoding: str) -> list[list[str]]:
    text = content.decode(encoding)
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def _committee_row(rows: list[list[str]]) -> list[str]:
    return next(r for r in rows if r and r[0] == "委託相談支援事業所")


def test_the_table_as_of_any_day_of_the_year(requests_, personas, client_as):
    client = client_as(personas.core_officer)
    for as_of, expected in (("2026-06-10", "1"), ("2026-07-01", "2"), ("2026-11-01", "3")):
        response = client.get(f"{URL}?fiscal_year=2026&as_of={as_of}&format=csv")
        assert response.status_code == 200
        rows = _rows(response.content, "utf-8")
        assert rows[2][:2] == ["依頼者", "身体"]
        # 精神 is the second category column; the row total is last.
        assert _committee_row(rows)[2] == expected
        assert _committee_row(rows)[-1] == expected
    # The 和暦 date the screen accepts is read the same.
    response = client.get(f"{URL}?fiscal_year=2026&as_of=令和8年7月1日&format=csv")
    assert _committee_row(_rows(response.content, "utf-8"))[2] == "2"


def test_utf8_csv_has_a_bom_and_keeps_every_character(requests_, personas, client_as):
    response = client_as(personas.core_officer).get(
        f"{URL}?fiscal_year=2026&as_of=2026-11-01&table=organizations&format=csv"
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert any(r and r[0] == NAME for r in _rows(response.content, "utf-8"))


def test_cp932_is_named_so_keeps_circled_digits_and_ibm_kanji_and_replaces_tsuchiyoshi(
    requests_, personas, client_as
):
    response = client_as(personas.core_officer).get(
        f"{URL}?fiscal_year=2026&as_of=2026-11-01&table=organizations&format=cp932"
    )
    assert response.status_code == 200
    assert "-cp932.csv" in response["Content-Disposition"]
    assert "Shift_JIS" in response["Content-Type"]
    rows = _rows(response.content, "cp932")
    # ① (NEC special) and 髙 (IBM extension) are CP932; 𠮷 is not and becomes 吉.
    assert any(r and r[0] == "①髙橋吉田 相談室" for r in rows)
    assert response["X-Tsunagu-Replaced-Characters"] == "U+20BB7>U+5409"
    assert any("U+20BB7→吉" in cell for r in rows for cell in r)


def test_the_screen_labels_the_cp932_option(requests_, personas, client_as):
    page = client_as(personas.core_officer).get(
        "/referrals/statistics/?fiscal_year=2026&as_of=2026-11-01"
    )
    body = page.content.decode()
    assert "CSV（CP932 / Shift_JIS）" in body
    assert "format=pdf" in body
    assert "𠮷（U+20BB7）→ 吉" in body


def test_a_lone_surrogate_or_an_emoji_never_crashes_cp932():
    table = ExportTable(title="表", header=["名称", "件数"], rows=[["a\ud800b😀", 1]])
    response, replaced = table_response("cp932", [table], stem="t", title="表")
    assert response.status_code == 200
    assert [r.codepoint for r in replaced] == ["U+D800", "U+1F600"]
    assert "a〓b〓" in response.content.decode("cp932")


def test_xlsx_holds_each_table_on_its_own_sheet(requests_, personas, client_as):
    client = client_as(personas.core_officer)
    both = client.get(f"{URL}?fiscal_year=2026&as_of=2026-11-01&format=xlsx")
    book = load_workbook(io.BytesIO(both.content))
    assert book.sheetnames == ["共同支援依頼", "機関別"]
    assert book["機関別"]["A4"].value == NAME
    assert book["機関別"]["C4"].value == 3
    one = client.get(f"{URL}?fiscal_year=2026&as_of=2026-11-01&table=organizations&format=xlsx")
    assert load_workbook(io.BytesIO(one.content)).sheetnames == ["機関別"]


def test_pdf_holds_the_tables_with_their_figures(requests_, personas, client_as):
    response = client_as(personas.city_official).get(
        f"{URL}?fiscal_year=2026&as_of=2026-07-01&format=pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "共同支援依頼令和8年度（令和8年7月1日現在）" in text
    assert "依頼先の機関別受理の状況" in text
    assert "委託相談支援事業所0200002" in text  # 身体 0, 精神 2, … total 2
    event = AuditEvent.objects.filter(action="referral.statistics_exported").latest("pk")
    assert event.detail["format"] == "pdf"
    assert event.detail["table"] == "all"


@pytest.mark.parametrize(
    "query",
    [
        "fiscal_year=99999",
        "fiscal_year=2017",
        "fiscal_year=abc",
        "as_of=2026-13-45",
        "as_of=99999-01-01",
        "fiscal_year=2026&as_of=2026-03-31",  # before the year began
        "fiscal_year=2026&as_of=%ED%A0%80",  # a lone surrogate (UTF-8 of U+D800)
        "as_of=ﾚｲﾜ",
    ],
)
def test_bad_years_and_dates_are_a_japanese_400_on_screen(requests_, personas, client_as, query):
    client = client_as(personas.core_officer)
    for path in ("/referrals/statistics/", URL):
        response = client.get(f"{path}?{query}&format=pdf")
        assert response.status_code == 400, (path, query)
        body = response.content.decode()
        assert "年度" in body or "日付" in body or "基準日" in body


@pytest.mark.parametrize(
    "query", ["fiscal_year=99999", "fiscal_year=2017", "as_of=2026-13-45", "as_of=ﾚｲﾜ"]
)
def test_bad_years_and_dates_are_422_in_the_api(requests_, personas, client, query):
    token = api_token_for(personas.core_officer, personas.core_center)
    response = client.get(
        f"/api/v1/referrals/statistics?{query}", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 422
    assert "error" in response.json()


def test_an_unknown_format_or_an_outsider_is_404(requests_, personas, client_as):
    query = "?fiscal_year=2026&as_of=2026-11-01"
    assert client_as(personas.core_officer).get(f"{URL}{query}&format=ods").status_code == 404
    for fmt in ("csv", "cp932", "xlsx", "pdf"):
        response = client_as(personas.counselor_a).get(f"{URL}{query}&format={fmt}")
        assert response.status_code == 404
