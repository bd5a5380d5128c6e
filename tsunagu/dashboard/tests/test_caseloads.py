"""Planning caseloads against the caps (issue 17 item 5): counts from the lead periods, a
transfer moving a case between offices, who sees which office."""

from __future__ import annotations

import datetime as dt

import pytest

from tsunagu.accounts.tests.factories import UserFactory
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.models import CaseLeadPeriod, CaseStatus, SupportLayer
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.dashboard.caseloads import caseloads, warnings
from tsunagu.organizations.models import OrganizationKind
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)


def _planning_case(org, worker, *, opened, closed=None, periods=None):
    case = CaseFactory.create(
        lead_organization=org,
        lead_worker=worker,
        support_layer=SupportLayer.PLANNING,
        opened_on=opened,
        closed_on=closed,
        status=CaseStatus.CLOSED if closed else CaseStatus.MONITORING,
    )
    for period_org, started, ended in periods or [(org, opened, None)]:
        CaseLeadPeriod.objects.create(
            case=case, organization=period_org, started_on=started, ended_on=ended
        )
    return case


@pytest.fixture
def offices(personas):
    hidamari = OrganizationFactory.create(
        kind=OrganizationKind.DESIGNATED_PLANNING_OFFICE, name="ひだまり", caseload_cap=3
    )
    tsumugi = OrganizationFactory.create(
        kind=OrganizationKind.DESIGNATED_PLANNING_OFFICE, name="つむぎ", caseload_cap=10
    )
    office_a = personas.office_a
    office_a.caseload_cap, office_a.caseload_cap_due_on = 1, dt.date(2023, 3, 31)
    office_a.save()
    # ひだまり: four open cases now (over its cap of 3), one closed in the summer.
    for _ in range(3):
        _planning_case(hidamari, personas.counselor_b, opened=dt.date(2026, 1, 10))
    _planning_case(
        hidamari, personas.counselor_b, opened=dt.date(2026, 1, 10), closed=dt.date(2026, 8, 5)
    )
    # One moved from つむぎ to ひだまり on 2026-09-15 (a transfer).
    _planning_case(
        hidamari,
        personas.counselor_b,
        opened=dt.date(2025, 12, 1),
        periods=[
            (tsumugi, dt.date(2025, 12, 1), dt.date(2026, 9, 15)),
            (hidamari, dt.date(2026, 9, 15), None),
        ],
    )
    # Office A holds two planning cases against a cap of 1 that was due in 2023.
    _planning_case(office_a, personas.counselor_a, opened=dt.date(2024, 5, 1))
    _planning_case(office_a, personas.colleague_a, opened=dt.date(2024, 6, 1))
    # A basic-layer case is not a planning case.
    CaseFactory.create(lead_organization=tsumugi, opened_on=dt.date(2026, 2, 1))
    return hidamari, tsumugi


def _by_name(loads):
    return {load.organization.name: load for load in loads}


def test_counts_now_and_over_the_year_follow_the_lead_periods(personas, offices):
    loads = _by_name(caseloads(actor_as(personas.core_officer), today=TODAY))
    hidamari, tsumugi = loads["ひだまり"], loads["つむぎ"]
    assert hidamari.active == 4
    assert tsumugi.active == 0
    trend = dict(hidamari.trend)
    assert trend[dt.date(2026, 7, 31)] == 4  # the three, and the one closed in August
    assert trend[dt.date(2026, 8, 31)] == 3
    assert trend[dt.date(2026, 9, 30)] == 4  # the transferred case arrived on 09-15
    assert dict(tsumugi.trend)[dt.date(2026, 8, 31)] == 1
    assert dict(tsumugi.trend)[dt.date(2026, 9, 30)] == 0
    assert [d for d, _n in hidamari.trend][-1] == TODAY
    assert len(hidamari.trend) == 12
    assert [(w.name, w.active) for w in hidamari.workers] == [(personas.counselor_b.full_name, 4)]


def test_the_warning_list_puts_the_past_due_office_first(personas, offices):
    loads = caseloads(actor_as(personas.core_officer), today=TODAY)
    flagged = [(load.organization.name, load.state, load.over_by) for load in warnings(loads)]
    assert flagged == [
        (personas.office_a.name, "over_past_due", 1),
        ("ひだまり", "over", 1),
    ]


def test_the_core_center_and_the_city_see_every_office_an_office_its_own(
    personas, offices, client_as
):
    for user in (personas.core_officer, personas.city_official):
        page = client_as(user).get("/caseloads/")
        assert page.status_code == 200
        body = page.content.decode()
        assert "ひだまり" in body
        assert "つむぎ" in body
        assert personas.office_a.name in body
    own = client_as(personas.counselor_a).get("/caseloads/").content.decode()
    assert personas.office_a.name in own
    assert "ひだまり" not in own
    assert "つむぎ" not in own
    assert "期限を過ぎて1件超過" in own


def test_nobody_else_gets_the_page(personas, client_as):
    hospital = OrganizationFactory.create(kind=OrganizationKind.HOSPITAL, name="みどり病院")
    nurse = UserFactory.create(username="nurse")
    MembershipFactory.create(user=nurse, organization=hospital)
    assert client_as(nurse).get("/caseloads/").status_code == 404
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, actor=nurse, target_id="caseloads"
    ).exists()
    assert "/caseloads/" not in client_as(nurse).get("/").content.decode()


def test_the_page_names_no_person(personas, offices, client_as):
    from tsunagu.cases.models import Case

    body = client_as(personas.core_officer).get("/caseloads/").content.decode()
    persons = [case.person for case in Case.objects.select_related("person")]
    assert persons
    for person in persons:
        assert person is not None
        assert person.display_name not in body  # a counselor may share a family name
