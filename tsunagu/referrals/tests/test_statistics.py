"""The statistics equal counts made here, independently, from the raw rows; the exports hold the
same numbers; CP932 survives 𠮷 and says so; only the core center and the city see any of it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import statistics
from collections import Counter

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.organizations.tests.factories import OrganizationFactory
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.referrals.models import Referral, ReferralKind, ReferralStatus
from tsunagu.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

TOKYO = timezone.get_fixed_timezone(9 * 60)
FY = 2026
AS_OF = dt.date(2026, 11, 15)
ROWS = ["委託相談支援事業所", "指定特定相談支援事業所", "地域生活支援拠点", "その他"]
COLUMNS = ["身体", "精神", "知的", "発達", "重複", "診断なし"]
# The seed's reading of the codes, written out again here on purpose (not imported).
ROW_OF_KIND = {
    "commissioned_office": "委託相談支援事業所",
    "designated_planning_office": "指定特定相談支援事業所",
    "child_planning_office": "指定特定相談支援事業所",
    "community_life_hub": "地域生活支援拠点",
}
COLUMN_OF_CODE = {
    "physical": "身体",
    "intractable_disease": "身体",
    "mental": "精神",
    "higher_brain": "精神",
    "intellectual": "知的",
    "developmental": "発達",
}
CATEGORY_SETS = [
    [],
    ["undiagnosed"],
    ["physical"],
    ["mental"],
    ["intellectual"],
    ["developmental"],
    ["mental", "developmental"],
    ["intellectual", "physical"],
    ["multiple"],
    ["higher_brain"],
    ["intractable_disease", "physical"],
]


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TOKYO)


@pytest.fixture
def raw(personas):
    rng = random.Random(5)
    requesters = [
        personas.office_a,
        personas.office_b,
        OrganizationFactory.create(kind="designated_planning_office", name="計画相談 ひだまり"),
        OrganizationFactory.create(kind="child_planning_office", name="児童相談支援 つくし"),
        OrganizationFactory.create(kind="community_life_hub", name="地域生活支援拠点 みどり"),
        OrganizationFactory.create(kind="hikikomori_support_center", name="ひきこもり支援"),
        OrganizationFactory.create(kind="ward_office", name="中央区役所"),
    ]
    receivers = [
        personas.core_center,
        OrganizationFactory.create(kind="hospital", name="𠮷田クリニック 相談室"),
    ]
    days = [
        dt.date(2026, 3, 31),  # the fiscal year before
        dt.date(2026, 4, 1),  # its first day
        dt.date(2026, 6, 15),
        dt.date(2026, 9, 30),
        dt.date(2026, 11, 15),  # the "as of" day itself
        dt.date(2026, 11, 16),  # after it
    ]
    for _ in range(80):
        requester = rng.choice(requesters)
        person = PersonFactory.create(
            disability_categories=rng.choice(CATEGORY_SETS),
            registered_by_organization=requester,
        )
        case = CaseFactory.create(person=person, lead_organization=requester)
        status = rng.choice(
            [
                ReferralStatus.DRAFT,
                ReferralStatus.REQUESTED,
                ReferralStatus.ACCEPTED,
                ReferralStatus.REJECTED,
                ReferralStatus.COMPLETED,
                ReferralStatus.CANCELLED,
            ]
        )
        sent = _at(rng.choice(days), rng.choice([0, 9, 23]))
        ReferralFactory.create(
            case=case,
            kind=rng.choice([ReferralKind.JOINT_SUPPORT] * 3 + [ReferralKind.ADVICE]),
            receiving_organization=rng.choice(receivers),
            status=status,
            sent_at=sent,
            requested_at=None if status == ReferralStatus.DRAFT else sent,
            accepted_at=sent + dt.timedelta(days=rng.choice([0, 1, 3, 10]), hours=5)
            if status in (ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED)
            else None,
        )


def _expected_table(accepted_only: bool = False) -> Counter[tuple[str, str]]:
    start = _at(dt.date(2026, 4, 1), 0)
    end = _at(AS_OF + dt.timedelta(days=1), 0)
    counts: Counter[tuple[str, str]] = Counter()
    for r in Referral.objects.select_related("requesting_organization", "person"):
        if r.kind != "joint_support" or r.requested_at is None:
            continue
        if not start <= r.requested_at < end:
            continue
        if accepted_only and not (r.accepted_at and r.accepted_at < end):
            continue
        assert r.person is not None
        codes = r.person.disability_categories
        found = {COLUMN_OF_CODE[c] for c in codes if c in COLUMN_OF_CODE}
        column = (
            "重複"
            if "multiple" in codes or len(found) > 1
            else (found.pop() if found else "診断なし")
        )
        counts[(ROW_OF_KIND.get(r.requesting_organization.kind, "その他"), column)] += 1
    return counts


def _table_from_api(client, token, **params):
    response = client.get(
        "/api/v1/referrals/statistics",
        {"fiscal_year": FY, "as_of": AS_OF.isoformat(), **params},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("accepted_only", [False, True])
def test_the_table_equals_an_independent_count(accepted_only, raw, personas, client):
    expected = _expected_table(accepted_only)
    assert sum(expected.values()) > 10  # the world is big enough to mean something
    body = _table_from_api(
        client,
        api_token_for(personas.core_officer, personas.core_center),
        accepted_only=accepted_only,
    )
    table = body["joint_support"]
    assert table["columns"] == COLUMNS
    assert [row["label"] for row in table["rows"]] == ROWS
    for row in table["rows"]:
        assert row["cells"] == [expected[(row["label"], c)] for c in COLUMNS], row["label"]
        assert row["total"] == sum(expected[(row["label"], c)] for c in COLUMNS)
    assert table["column_totals"] == [sum(expected[(r, c)] for r in ROWS) for c in COLUMNS]
    assert table["total"] == sum(expected.values())
    assert body["label"] == "令和8年度（令和8年11月15日現在）"


def test_acceptance_by_organization(raw, personas, client):
    end = _at(AS_OF + dt.timedelta(days=1), 0)
    body = _table_from_api(client, api_token_for(personas.city_official, personas.city))
    for row in body["organizations"]:
        mine = [
            r
            for r in Referral.objects.filter(receiving_organization_id=row["organization_id"])
            if r.requested_at and _at(dt.date(2026, 4, 1), 0) <= r.requested_at < end
        ]
        accepted = [r for r in mine if r.accepted_at and r.accepted_at < end]
        rejected = [
            r for r in mine if r.status == "rejected" and r.decided_at and r.decided_at < end
        ]
        assert row["received"] == len(mine)
        assert row["accepted"] == len(accepted)
        assert row["rejected"] == len(rejected)
        assert row["undecided"] == len(mine) - len(accepted) - len(rejected)
        decided = len(accepted) + len(rejected)
        assert row["acceptance_rate"] == pytest.approx(len(accepted) / decided if decided else None)
        days = [
            (r.accepted_at - r.requested_at).total_seconds() / 86400
            for r in accepted
            if r.accepted_at and r.requested_at
        ]
        assert row["median_days_to_acceptance"] == (
            round(statistics.median(days), 1) if days else None
        )


def test_exports_hold_the_same_numbers(raw, personas, client_as):
    client = client_as(personas.core_officer)
    query = f"?fiscal_year={FY}&as_of={AS_OF.isoformat()}"
    expected = _expected_table()
    utf8 = client.get(f"/referrals/statistics/export/{query}&format=csv")
    assert utf8.status_code == 200
    text = utf8.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[2] == ["依頼者", *COLUMNS, "計"]
    first = rows[3]
    assert first[0] == "委託相談支援事業所"
    assert [int(v) for v in first[1:7]] == [expected[("委託相談支援事業所", c)] for c in COLUMNS]

    xlsx = client.get(f"/referrals/statistics/export/{query}&format=xlsx")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    sheet = book["共同支援依頼"]
    values = [list(r) for r in sheet.iter_rows(min_row=4, max_row=8, values_only=True)]
    assert values[-1][0] == "計"
    assert values[-1][-1] == sum(expected.values())
    assert "機関別" in book.sheetnames


def test_cp932_replaces_what_it_cannot_hold_and_says_so(raw, personas, client_as):
    client = client_as(personas.core_officer)
    query = f"?fiscal_year={FY}&as_of={AS_OF.isoformat()}"
    page = client.get(f"/referrals/statistics/{query}").content.decode()
    assert "𠮷（U+20BB7）→ 吉" in page
    response = client.get(f"/referrals/statistics/export/{query}&table=organizations&format=cp932")
    assert response.status_code == 200
    assert response["X-Tsunagu-Replaced-Characters"] == "U+20BB7>U+5409"
    text = response.content.decode("cp932")
    assert "吉田クリニック 相談室" in text
    assert "U+20BB7→吉" in text
    assert "置き換えました" in text
    # The UTF-8 file keeps the name as it is.
    utf8 = client.get(f"/referrals/statistics/export/{query}&table=organizations&format=csv")
    assert "𠮷田クリニック 相談室" in utf8.content.decode("utf-8")


def test_only_the_core_center_and_the_city_see_statistics(personas, client_as, client):
    assert client_as(personas.core_officer).get("/referrals/statistics/").status_code == 200
    assert client_as(personas.city_official).get("/referrals/statistics/").status_code == 200
    for user in (personas.counselor_a, personas.counselor_b):
        assert client_as(user).get("/referrals/statistics/").status_code == 404
        assert client_as(user).get("/referrals/statistics/export/?format=csv").status_code == 404
    token = api_token_for(personas.counselor_a, personas.office_a)
    response = client.get("/api/v1/referrals/statistics", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 404


def test_no_person_appears_on_the_statistics(raw, personas, client_as):
    page = client_as(personas.core_officer).get(
        f"/referrals/statistics/?fiscal_year={FY}&as_of={AS_OF.isoformat()}"
    )
    body = page.content.decode()
    for referral in Referral.objects.select_related("person")[:20]:
        assert referral.person is not None
        assert referral.person.display_name not in body


def test_an_as_of_date_before_the_year_is_refused_on_screen(personas, client_as):
    response = client_as(personas.core_officer).get(
        "/referrals/statistics/?fiscal_year=2026&as_of=2026-03-01"
    )
    assert response.status_code == 400
    assert "基準日は令和8年度の開始日" in response.content.decode()


def test_every_year_since_the_first_request_can_be_asked_for(personas, client_as):
    """A city that brought in its past reaches back to it (issue 17 item 2): 令和元年度 too."""
    case = CaseFactory.create(lead_organization=personas.office_a)
    ReferralFactory.create(
        case=case, receiving_organization=personas.core_center, sent_at=_at(dt.date(2019, 6, 3))
    )
    client = client_as(personas.core_officer)
    page = client.get("/referrals/statistics/").content.decode()
    assert "令和元年度（2019年度）" in page
    this_year = (
        timezone.localdate().year
        if timezone.localdate().month >= 4
        else (timezone.localdate().year - 1)
    )
    assert f"（{this_year}年度）" in page
    old = client.get("/referrals/statistics/?fiscal_year=2019")
    assert old.status_code == 200
    assert "令和元年度" in old.content.decode()
    export = client.get("/referrals/statistics/export/?fiscal_year=2019&format=csv")
    assert export.status_code == 200
    assert "FY2019" in export["Content-Disposition"]
    body = export.content.decode("utf-8-sig")
    assert body.count("令和元年度") >= 1
    token = api_token_for(personas.core_officer, personas.core_center)
    api = client.get(
        "/api/v1/referrals/statistics?fiscal_year=2019", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert api.status_code == 200
    assert api.json()["fiscal_year"] == 2019
    assert api.json()["joint_support"]["total"] == 1


@pytest.mark.parametrize("year", ["2010", "2099", "99999", "abc"])
def test_a_year_without_records_is_refused_never_replaced(personas, client_as, year):
    client = client_as(personas.core_officer)
    page = client.get(f"/referrals/statistics/?fiscal_year={year}")
    assert page.status_code == 400
    body = page.content.decode()
    assert "その年度の記録はありません" in body
    assert 'aria-labelledby="joint-support"' not in body  # no table under another year's name
    export = client.get(f"/referrals/statistics/export/?fiscal_year={year}&format=csv")
    assert export.status_code in (400, 422)
    assert "text/csv" not in export["Content-Type"]
    token = api_token_for(personas.core_officer, personas.core_center)
    api = client.get(
        f"/api/v1/referrals/statistics?fiscal_year={year}", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert api.status_code == 422
    assert "error" in api.json()


def _first_request_queries(captured) -> list[str]:
    """The query `statistics.fiscal_years()` runs: the first request on record."""
    return [q["sql"] for q in captured if 'MIN("referrals_referral"."requested_at")' in q["sql"]]


@pytest.mark.parametrize(
    "url",
    [
        "/referrals/statistics/",
        f"/referrals/statistics/?fiscal_year={FY}&as_of={AS_OF.isoformat()}",
        "/referrals/statistics/?fiscal_year=2010",  # refused: the form and the period agree
        f"/referrals/statistics/export/?fiscal_year={FY}&format=csv",
    ],
)
def test_the_years_on_record_are_read_once_a_request(raw, personas, client_as, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(personas.core_officer)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code in (200, 400)
    assert len(_first_request_queries(captured)) == 1


def test_a_refused_role_is_on_the_record_on_screen_and_in_the_api(personas, client_as, client):
    from tsunagu.audit.models import Action, AuditEvent

    denials = AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, target_type="view", target_id="referral_statistics"
    )
    client_as(personas.counselor_a).get("/referrals/statistics/")
    client_as(personas.counselor_a).get("/referrals/statistics/export/?format=csv")
    token = api_token_for(personas.counselor_a, personas.office_a)
    client.get("/api/v1/referrals/statistics", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert denials.count() == 3
    assert {e.detail["reason"] for e in denials} == {"no role"}
