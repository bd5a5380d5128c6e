"""The dashboards per role (issue 17 item 1), against a small hand-built world whose every
count is known: fiscal year 2025 (令和7年度), two wards, five consultations, four complex cases,
three requests, one overdue monitoring, one body that must meet four times.

Who sees what: the city and the core center the whole city, a ward office its ward, a council
member the city with small counts suppressed, everyone else a 404 (screen and API alike)."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tsunagu.accounts.tests.factories import UserFactory, api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.models import CaseStatus
from tsunagu.cases.tests.factories import CaseFactory, ConsultationFactory
from tsunagu.dashboard import figures as dashboards
from tsunagu.meetings.models import BodyKind, FrequencyKind, Level, MeetingStatus
from tsunagu.meetings.tests.factories import MeetingBodyFactory, MeetingFactory
from tsunagu.organizations.models import AreaKind, Membership, OrganizationKind
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import (
    AreaFactory,
    MembershipFactory,
    OrganizationFactory,
)
from tsunagu.people.tests.factories import (
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonFactory,
)
from tsunagu.plans.models import MonitoringStatus
from tsunagu.plans.tests.factories import MonitoringFactory, SupportPlanFactory
from tsunagu.referrals.models import ReferralKind, ReferralStatus
from tsunagu.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

YEAR = 2025
TODAY = dt.date(2026, 11, 20)


def _at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def world(personas):
    w: Any = SimpleNamespace()
    city = AreaFactory.create(code="t-city", name="みどり市", kind=AreaKind.CITY)
    w.chuo = AreaFactory.create(code="t-chuo", name="中央区", kind=AreaKind.WARD, parent=city)
    w.higashi = AreaFactory.create(code="t-higashi", name="東区", kind=AreaKind.WARD, parent=city)
    honcho = AreaFactory.create(
        code="t-honcho", name="本町圏域", kind=AreaKind.CATCHMENT, parent=w.chuo
    )
    office = personas.office_a
    # 1: 中央区 (through its catchment area), 身体; lives with family.
    p1 = PersonFactory.create(area=honcho, disability_categories=["physical"])
    home = HouseholdFactory.create(area=honcho)
    HouseholdMemberFactory.create(household=home, person=p1)
    HouseholdMemberFactory.create(household=home, relationship="mother")
    # 2: 東区, 精神 and 知的 (重複); lives alone.
    p2 = PersonFactory.create(area=w.higashi, disability_categories=["mental", "intellectual"])
    # 3: no area of their own; their household is in 東区; nothing recorded (診断なし).
    p3 = PersonFactory.create(area=None, disability_categories=[])
    household = HouseholdFactory.create(area=w.higashi)
    HouseholdMemberFactory.create(household=household, person=p3)

    def consult(person, received, types, **kw):
        return ConsultationFactory.create(
            organization=office, person=person, received_at=received, support_types=types, **kw
        )

    consult(p1, _at(dt.date(2025, 4, 10)), ["service_use", "resources"])
    consult(p1, _at(dt.date(2025, 4, 20)), ["service_use"])
    consult(p2, _at(dt.date(2025, 5, 1)), ["abuse"])
    consult(None, _at(dt.date(2026, 3, 31), 23, 30), ["specialist_referral"], is_anonymous=True)
    consult(p3, _at(dt.date(2025, 6, 1)), [], household=household)
    # Outside the year on either side (Asia/Tokyo days).
    consult(p1, _at(dt.date(2025, 3, 31), 23, 59), ["service_use"])
    consult(p1, _at(dt.date(2026, 4, 1), 0, 1), ["service_use"])

    def case(person, opened, factors, *, closed=None, household=None):
        return CaseFactory.create(
            person=person,
            household=household,
            lead_organization=office,
            lead_worker=personas.counselor_a,
            opened_on=opened,
            closed_on=closed,
            status=CaseStatus.CLOSED if closed else CaseStatus.SUPPORT,
            is_complex=True,
            difficulty_factors=factors,
        )

    w.case1 = case(p1, dt.date(2025, 4, 15), ["life.money", "env.no_family_support"])
    case(p3, dt.date(2025, 7, 1), ["life.money"], household=household)
    case(p2, dt.date(2024, 12, 1), ["trait.aggression"])  # opened before, still open
    case(p2, dt.date(2024, 4, 1), ["life.money"], closed=dt.date(2025, 3, 1))  # closed before

    designated = OrganizationFactory.create(kind=OrganizationKind.DESIGNATED_PLANNING_OFFICE)
    ReferralFactory.create(
        case=w.case1,
        receiving_organization=personas.core_center,
        status=ReferralStatus.ACCEPTED,
        sent_at=_at(dt.date(2025, 5, 1)),
    )
    ReferralFactory.create(
        case=CaseFactory.create(person=p2, lead_organization=designated),
        receiving_organization=personas.core_center,
        status=ReferralStatus.REJECTED,
        sent_at=_at(dt.date(2025, 6, 1)),
    )
    ReferralFactory.create(
        case=w.case1,
        kind=ReferralKind.ADVICE,
        receiving_organization=personas.core_center,
        status=ReferralStatus.REQUESTED,
        sent_at=_at(dt.date(2025, 7, 1)),
    )
    plan = SupportPlanFactory.create(case=w.case1, agreed=True, period_start=dt.date(2025, 4, 20))
    MonitoringFactory.create(plan=plan, due_on=dt.date(2025, 7, 20))  # overdue
    MonitoringFactory.create(
        plan=plan,
        due_on=dt.date(2025, 10, 20),
        status=MonitoringStatus.DONE,
        conducted_on=dt.date(2025, 10, 20),
    )

    # The council, and a parents' association that is a member of it.
    w.association = OrganizationFactory.create(kind=OrganizationKind.OTHER, name="手をつなぐ育成会")
    body = MeetingBodyFactory.create(
        name="自立支援協議会",
        kind=BodyKind.COUNCIL,
        level=Level.MACRO,
        frequency_kind=FrequencyKind.AT_LEAST,
        frequency_count=4,
        secretariats=[personas.city, personas.core_center],
        members=[w.association],
    )
    MeetingFactory.create(body=body, starts_at=_at(dt.date(2025, 6, 10)), status=MeetingStatus.HELD)
    w.council_member = UserFactory.create(username="council-member")
    MembershipFactory.create(user=w.council_member, organization=w.association)
    w.ward_chuo = OrganizationFactory.create(kind=OrganizationKind.WARD_OFFICE, name="中央区役所")
    w.ward_chuo.areas_served.set([w.chuo])
    w.ward_user = UserFactory.create(username="ward-chuo-worker")
    MembershipFactory.create(user=w.ward_user, organization=w.ward_chuo)
    return w


def _board(user):
    actor = actor_as(user)
    scope = dashboards.scope_of(actor)
    assert scope is not None
    return dashboards.dashboard(actor, scope, year=YEAR, today=TODAY)


def _counts(distribution):
    return {row.key: row.count for row in distribution.rows if row.count != 0}


def test_the_city_counts_every_cell(personas, world):
    board = _board(personas.city_official)
    assert board.scope.role == "city"
    by_month = board.distribution("consultations_by_month")
    assert _counts(by_month) == {"4": 2, "5": 1, "6": 1, "3": 1}
    assert by_month.total == 5
    assert _counts(board.distribution("cases_by_month")) == {"4": 1, "7": 1}
    assert _counts(board.distribution("consultations_by_support_type")) == {
        "service_use": 2,
        "resources": 1,
        "abuse": 1,
        "specialist_referral": 1,
    }
    assert _counts(board.distribution("consultations_by_disability")) == {
        "physical": 2,
        "multiple": 1,
        "undiagnosed": 1,
        "no_person": 1,
    }
    assert _counts(board.distribution("consultations_by_ward")) == {
        str(world.chuo.pk): 2,
        str(world.higashi.pk): 2,
        "none": 1,
    }
    assert _counts(board.distribution("joint_support_by_requester")) == {
        "commissioned": 1,
        "designated": 1,
    }
    assert _counts(board.distribution("referral_outcomes")) == {
        "accepted": 1,
        "rejected": 1,
        "waiting": 1,
    }
    assert _counts(board.distribution("days_to_acceptance")) == {"1-3": 1}
    assert board.median_days_to_acceptance == 1.0
    assert board.overdue_monitorings == 1
    # Seed 000 table 1, by household type: alone, with family, a household's case.
    assert _counts(board.factors) == {
        "life.money": 2,
        "env.no_family_support": 1,
        "trait.aggression": 1,
    }
    assert board.factors.total == 3
    cells = {label: counts for _group, rows in board.difficulty.groups for label, counts in rows}
    assert cells["金銭管理が困難、生活が立ち行かない・多重債務"] == [0, 1, 1]
    assert cells["身近にサポート可能な家族等がいない"] == [0, 1, 0]
    assert cells["感情抑制ができず攻撃的な言動に至る"] == [1, 0, 0]
    assert board.difficulty.column_counts == [1, 1, 1]
    [council] = board.compliance
    assert (council.name, council.held, council.required, council.is_short) == (
        "自立支援協議会",
        1,
        4,
        True,
    )


def test_the_core_center_sees_the_same_city(personas, world):
    city = _board(personas.city_official)
    core = _board(personas.core_officer)
    assert core.scope.role == "core_center"
    for a, b in zip(city.distributions, core.distributions, strict=True):
        assert a.rows == b.rows
        assert a.total == b.total


def test_a_ward_office_sees_only_its_ward(personas, world):
    board = _board(world.ward_user)
    assert board.scope.role == "ward_office"
    assert board.ward_names == ["中央区"]
    assert _counts(board.distribution("consultations_by_month")) == {"4": 2}
    assert _counts(board.distribution("consultations_by_ward")) == {str(world.chuo.pk): 2}
    assert [row.key for row in board.distribution("consultations_by_ward").rows] == [
        str(world.chuo.pk)
    ]
    assert _counts(board.distribution("cases_by_month")) == {"4": 1}
    assert _counts(board.distribution("joint_support_by_requester")) == {"commissioned": 1}
    assert _counts(board.factors) == {"life.money": 1, "env.no_family_support": 1}
    assert board.overdue_monitorings == 1


def test_the_council_sees_no_small_cell_and_cannot_work_one_back(personas, world):
    board = _board(world.council_member)
    assert board.scope.role == "council"
    assert board.scope.suppressed
    for distribution in [*board.distributions, board.factors]:
        for row in distribution.rows:
            assert row.count is None or row.count == 0 or row.count >= 5, (distribution.key, row)
        assert distribution.total is None or distribution.total == 0 or distribution.total >= 5
    by_ward = board.distribution("consultations_by_ward")
    # 2 + 2 + 1 = 5: the total is shown, so none of its parts is.
    assert by_ward.total == 5
    assert [row.count for row in by_ward.rows] == [None, None, None]
    # The requests: 3 in all, itself small, so hidden; so are its parts.
    assert board.distribution("referral_outcomes").total is None
    assert board.median_days_to_acceptance is None
    assert board.overdue_monitorings is None
    for _group, rows in board.difficulty.groups:
        for _label, counts in rows:
            assert all(c is None or c == 0 for c in counts)
    assert board.difficulty.column_counts == [None, None, None]
    # No link to a list the member may not open.
    assert all(d.link is None for d in board.distributions)


def test_an_office_on_no_council_has_no_dashboard(personas, world):
    assert dashboards.scope_of(actor_as(personas.counselor_b)) is None


# --- The screen -----------------------------------------------------------------------------


def test_the_page_shows_the_figures_and_is_on_the_record(personas, world, client_as):
    response = client_as(personas.city_official).get(f"/dashboards/?fiscal_year={YEAR}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "令和7年度（2025年度）" in page
    assert page.count('role="img"') >= 9
    assert '<title id="chart-consultations_by_month-title">' in page
    assert "合計5件。" in page
    event = AuditEvent.objects.filter(action=dashboards.ACTION_VIEWED).get()
    assert (event.target_id, event.detail["fiscal_year"]) == ("city", YEAR)
    assert event.organization_id == personas.city.pk


def test_the_council_page_says_5未満_and_never_a_small_number(personas, world, client_as):
    response = client_as(world.council_member).get(f"/dashboards/?fiscal_year={YEAR}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "5未満" in page
    assert 'class="numeric">2<' not in page


def test_the_home_page_links_the_dashboard_of_the_role(personas, world, client_as):
    page = client_as(world.council_member).get("/").content.decode()
    assert 'href="/dashboards/?fiscal_year=' in page
    page = client_as(personas.counselor_b).get("/").content.decode()
    assert 'href="/dashboards/' not in page


@pytest.mark.parametrize("url", ["/dashboards/", f"/dashboards/?fiscal_year={YEAR}"])
def test_an_outsider_gets_the_404_of_a_missing_page_and_it_is_audited(
    personas, world, client_as, url
):
    response = client_as(personas.counselor_b).get(url)
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, target_id="dashboard", actor=personas.counselor_b
    ).exists()
    assert not AuditEvent.objects.filter(action=dashboards.ACTION_VIEWED).exists()


@pytest.mark.parametrize(
    "value", ["2019", "99999", str(2**63), "abc", "令和7", "ﾚｲﾜ7", "れいわ7", "-1", "2025.0"]
)
def test_a_year_with_no_records_is_a_400_with_its_message(personas, world, client_as, value):
    response = client_as(personas.city_official).get("/dashboards/", {"fiscal_year": value})
    assert response.status_code == 400
    page = response.content.decode()
    assert "その年度の記録はありません。令和6年度から令和8年度までの年度を選んでください。" in page
    assert 'role="img"' not in page


def test_a_lone_surrogate_in_the_year_is_refused(personas, world, client_as):
    response = client_as(personas.city_official).get("/dashboards/?fiscal_year=%ED%A0%80")
    assert response.status_code == 400


def test_the_year_choices_run_from_the_first_record_with_both_labels(personas, world, client_as):
    page = client_as(personas.city_official).get("/dashboards/").content.decode()
    this_year = dashboards.fiscal_years()[0]
    assert dashboards.fiscal_years()[-1] == 2024  # the case opened in April 2024
    assert "令和6年度（2024年度）" in page
    assert f'value="{this_year}" selected' in page


# --- The API --------------------------------------------------------------------------------


def _api(client, user, **params):
    token = api_token_for(user, Membership.objects.get(user=user, is_primary=True).organization)
    return client.get("/api/v1/dashboards/figures", params, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_api_gives_the_same_figures(personas, world, client):
    response = _api(client, personas.core_officer, fiscal_year=YEAR)
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert body["role"] == "core_center"
    assert body["label"] == "令和7年度（2025年度）"
    figures = {f["key"]: f for f in body["figures"]}
    assert figures["consultations_by_month"]["total"] == 5
    rows = {r["key"]: r["count"] for r in figures["consultations_by_support_type"]["rows"]}
    assert rows["service_use"] == 2
    assert body["overdue_monitorings"] == 1
    assert AuditEvent.objects.filter(action=dashboards.ACTION_VIEWED, detail__via="api").exists()


def test_the_api_suppresses_for_the_council_as_the_screen_does(personas, world, client):
    body = _api(client, world.council_member, fiscal_year=YEAR).json()
    assert body["suppressed"] is True
    text = json.dumps(body)
    for figure in [*body["figures"], body["difficulty_factors"]]:
        for row in figure["rows"]:
            assert row["count"] is None or row["count"] == 0 or row["count"] >= 5
            assert row["suppressed"] == (row["count"] is None)
    ward = next(f for f in body["figures"] if f["key"] == "consultations_by_ward")
    assert ward["total"] == 5
    assert all(r["suppressed"] for r in ward["rows"])
    assert "山田" not in text


def test_the_api_answers_an_outsider_404_and_an_unknown_year_422(personas, world, client):
    response = _api(client, personas.counselor_b)
    assert response.status_code == 404
    assert response.json()["error"]["code"]
    for year in (2019, 99999, "abc"):
        response = _api(client, personas.city_official, fiscal_year=year)
        assert response.status_code == 422, year
        assert response.json()["error"]["message"]
    assert (
        "2019年度"
        in _api(client, personas.city_official, fiscal_year=2019).json()["error"]["message"]
    )


# --- Query budget -----------------------------------------------------------------------------


def test_the_page_runs_a_fixed_number_of_queries(personas, world, client_as):
    client = client_as(personas.city_official)
    url = f"/dashboards/?fiscal_year={YEAR}"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(6):
        person = PersonFactory.create(area=world.higashi, disability_categories=["mental"])
        ConsultationFactory.create(
            person=person, received_at=_at(dt.date(2025, 8, 1 + i)), support_types=["resources"]
        )
        CaseFactory.create(
            person=person,
            opened_on=dt.date(2025, 8, 1 + i),
            is_complex=True,
            difficulty_factors=["life.hoarding"],
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert "合計11件。" in page
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(many.captured_queries) <= 40
