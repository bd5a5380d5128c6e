"""One-person offices (issue 17 item 7; seed 003): which offices count as one-person, each figure
against the rows the fixture made, the links showing exactly the counted rows, and who may see
the page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.models import Case, CaseLeadPeriod, CaseStatus, SharingBasis, SupportLayer
from tsunagu.cases.tests.factories import CaseFactory, TeamMemberFactory
from tsunagu.core.dates import fiscal_year, fiscal_year_range
from tsunagu.dashboard.oneperson import offices_by_ward, one_person_offices
from tsunagu.meetings.tests.factories import AttendeeFactory, CaseConferenceFactory
from tsunagu.organizations.models import AreaKind, JobTitle, OrganizationKind
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import (
    AreaFactory,
    MembershipFactory,
    OrganizationFactory,
)
from tsunagu.people.tests.factories import ConsentFactory
from tsunagu.plans.models import MonitoringStatus
from tsunagu.plans.tests.factories import MonitoringFactory, SupportPlanFactory
from tsunagu.referrals.models import ReferralKind, ReferralStatus
from tsunagu.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _planning_case(office, worker, **kwargs):
    case = CaseFactory.create(
        lead_organization=office,
        lead_worker=worker,
        support_layer=SupportLayer.PLANNING,
        opened_on=dt.date(2024, 4, 1),
        **kwargs,
    )
    CaseLeadPeriod.objects.create(case=case, organization=office, started_on=case.opened_on)
    return case


def _request(case, receiver, kind, status, sent_at):
    return ReferralFactory.create(
        case=case,
        kind=kind,
        receiving_organization=receiver,
        status=status,
        sent_at=sent_at,
        # Every later step on the day it was sent: the fiscal year never moves under the test.
        **{
            f: sent_at
            for f in ("acknowledged_at", "decided_at", "accepted_at", "completed_at")
            if status != ReferralStatus.REQUESTED
        },
        support_meeting=False,
    )


@pytest.fixture
def network(personas):
    """Two wards; ひだまり (one counselor and a manager) in 中央区, つむぎ (one counselor and a
    former one) in both wards, こころ (two counselors) in 東区."""
    today = timezone.localdate()
    start, _end = fiscal_year_range(fiscal_year(today))
    last_year = start - dt.timedelta(days=10)
    city = AreaFactory.create(code="t-city", name="みどり市", kind=AreaKind.CITY)
    chuo = AreaFactory.create(code="t-chuo", name="中央区", parent=city, sort_order=1)
    higashi = AreaFactory.create(code="t-higashi", name="東区", parent=city, sort_order=2)
    catchment = AreaFactory.create(
        code="t-chuo-1", name="中央第1圏域", kind=AreaKind.CATCHMENT, parent=chuo
    )

    def office(name, kind, areas):
        org = OrganizationFactory.create(name=name, kind=kind, caseload_cap=50)
        org.areas_served.set(areas)
        return org

    hidamari = office("ひだまり", OrganizationKind.DESIGNATED_PLANNING_OFFICE, [catchment])
    tsumugi = office("つむぎ", OrganizationKind.CHILD_PLANNING_OFFICE, [chuo, higashi])
    kokoro = office("こころ", OrganizationKind.DESIGNATED_PLANNING_OFFICE, [higashi])
    counselor = MembershipFactory.create(
        organization=hidamari, job_title=JobTitle.CONSULTATION_SPECIALIST
    ).user
    MembershipFactory.create(organization=hidamari, job_title=JobTitle.MANAGER)
    MembershipFactory.create(organization=tsumugi, job_title=JobTitle.COUNSELOR)
    MembershipFactory.create(organization=tsumugi, job_title=JobTitle.COUNSELOR, is_active=False)
    for _ in range(2):
        MembershipFactory.create(organization=kokoro, job_title=JobTitle.CONSULTATION_SPECIALIST)

    case1 = _planning_case(hidamari, counselor)
    case2 = _planning_case(hidamari, counselor)
    closed = _planning_case(hidamari, counselor, status=CaseStatus.CLOSED, closed_on=today)
    # Overdue: two on case1.  Not counted: due later, done, on a closed case, another office's.
    plans = {}
    for case, days, status in [
        (case1, -1, MonitoringStatus.SCHEDULED),
        (case1, -40, MonitoringStatus.SCHEDULED),
        (case2, 10, MonitoringStatus.SCHEDULED),
        (case2, -5, MonitoringStatus.DONE),
        (closed, -5, MonitoringStatus.SCHEDULED),
        (CaseFactory.create(lead_organization=kokoro), -5, MonitoringStatus.SCHEDULED),
    ]:
        if case.pk not in plans:
            plans[case.pk] = SupportPlanFactory.create(case=case, agreed=True)
        MonitoringFactory.create(
            plan=plans[case.pk], due_on=today + dt.timedelta(days=days), status=status
        )
    core, other = personas.core_center, personas.office_b
    advice, joint = ReferralKind.ADVICE, ReferralKind.JOINT_SUPPORT
    _request(case1, core, advice, ReferralStatus.REQUESTED, _at(start))
    _request(case2, core, advice, ReferralStatus.COMPLETED, _at(start))
    _request(case2, other, advice, ReferralStatus.REJECTED, _at(start))
    _request(case1, core, advice, ReferralStatus.ACCEPTED, _at(last_year))  # last year
    _request(case2, core, joint, ReferralStatus.IN_PROGRESS, _at(start))
    _request(case1, other, joint, ReferralStatus.IN_PROGRESS, _at(start))  # not the center's
    # The core center is on case1's team; it attended one conference this year, one last year.
    consent = ConsentFactory.create(person=case1.person, organizations=[core])
    TeamMemberFactory.create(
        case=case1, organization=core, basis=SharingBasis.CONSENT, consent=consent
    )
    for case, day in [(case1, start), (case2, last_year)]:
        AttendeeFactory.create(
            conference=CaseConferenceFactory.create(
                case=case, organizer=hidamari, held_at=_at(day)
            ),
            organization=core,
        )
    AttendeeFactory.create(
        conference=CaseConferenceFactory.create(case=case2, organizer=hidamari, held_at=_at(start)),
        organization=other,
    )
    return {"hidamari": hidamari, "tsumugi": tsumugi, "kokoro": kokoro, "counselor": counselor}


def _rows(actor):
    _year, wards = offices_by_ward(actor)
    return {
        (ward.area.name if ward.area else None): {
            row.organization.name: row for row in ward.offices
        }
        for ward in wards
    }


def test_an_office_with_one_current_counselor_is_a_one_person_office(network):
    found = one_person_offices()
    assert found == {
        network["hidamari"].pk: network["counselor"].full_name,
        network["tsumugi"].pk: found[network["tsumugi"].pk],
    }


def test_offices_are_shown_under_each_ward_they_serve(personas, network):
    rows = _rows(actor_as(personas.core_officer))
    assert set(rows) == {"中央区", "東区"}  # the city is no ward
    assert sorted(rows["中央区"]) == ["つむぎ", "ひだまり"]  # ひだまり through its catchment area
    assert sorted(rows["東区"]) == ["つむぎ"]


def test_the_figures_count_the_rows_of_this_fiscal_year(personas, network):
    row = _rows(actor_as(personas.core_officer))["中央区"]["ひだまり"]
    assert row.load is not None
    assert row.load.active == 2
    assert row.load.cap == 50
    assert row.overdue_monitorings.count == 2
    advice, joint = row.requests
    assert advice.sent.count == 3
    assert advice.to_viewer == 2
    assert {label: f.count for label, f in advice.by_status} == {
        "依頼中": 1,
        "完了報告あり": 1,
        "お断り": 1,
    }
    assert joint.sent.count == 2
    assert joint.to_viewer == 1
    assert row.backup_cases.count == 1
    assert row.backup_accepted.count == 2  # the completed advice and the joint support
    assert row.backup_conferences.count == 1


def test_the_city_gets_counts_of_every_core_center_and_no_links(personas, network):
    row = _rows(actor_as(personas.city_official))["中央区"]["ひだまり"]
    assert row.backup_cases.count == 1
    assert row.backup_accepted.count == 2
    assert row.requests[0].sent.count == 3
    figures = [row.backup_cases, row.backup_accepted, row.requests[0].sent, row.requests[1].sent]
    figures += [f for req in row.requests for _label, f in req.by_status]
    assert all(f.url is None for f in figures)


def test_only_the_requests_the_viewer_received_are_linked(personas, network):
    advice, joint = _rows(actor_as(personas.core_officer))["中央区"]["ひだまり"].requests
    assert advice.sent.url is None  # one of the three went to another office
    linked = {label: f.url is not None for label, f in advice.by_status}
    assert linked == {"依頼中": True, "完了報告あり": True, "お断り": False}
    assert joint.sent.url is None
    assert joint.by_status[0][1].url is None  # the in-progress one to office B is among them


def test_each_link_lists_exactly_the_counted_rows(personas, network, client_as):
    client = client_as(personas.core_officer)
    row = _rows(actor_as(personas.core_officer))["中央区"]["ひだまり"]
    figures = [row.backup_cases, row.backup_accepted]
    figures += [f for req in row.requests for _label, f in req.by_status if f.url]
    assert len(figures) == 4
    for figure in figures:
        assert figure.url is not None
        listed = client.get(figure.url)
        assert listed.status_code == 200
        assert listed.context["table"].paginator.count == figure.count


def test_the_page_names_offices_and_counselors_never_a_person(personas, network, client_as):
    page = client_as(personas.core_officer).get("/one-person-offices/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "ひだまり" in body
    assert network["counselor"].full_name in body
    assert "こころ" not in body
    for case in Case.objects.filter(lead_organization=network["hidamari"]):
        assert case.person is not None
        assert case.person.display_name not in body
        assert str(case) not in body  # the title as it reads (typed or named when read)
    # The links on the page are the figures' links.
    row = _rows(actor_as(personas.core_officer))["中央区"]["ひだまり"]
    assert row.backup_cases.url is not None
    assert re.search(re.escape(row.backup_cases.url.replace("&", "&amp;")), body)


def test_the_core_center_and_the_city_see_it_and_nobody_else(personas, network, client_as):
    for user in (personas.core_officer, personas.city_official):
        assert client_as(user).get("/one-person-offices/").status_code == 200
    for user in (personas.counselor_a, network["counselor"]):
        assert client_as(user).get("/one-person-offices/").status_code == 404
    assert (
        AuditEvent.objects.filter(
            action=Action.ACCESS_DENIED, target_id="one_person_offices"
        ).count()
        == 2
    )


def test_junk_in_the_query_string_is_ignored_and_bad_filters_are_told(personas, client_as):
    client = client_as(personas.core_officer)
    assert client.get("/one-person-offices/?year=abc&ward=99999999999999999999").status_code == 200
    response = client.get(f"/cases/?lead_organization={2**63}")
    assert response.status_code == 400
    assert client.get("/cases/?lead_organization=abc").status_code == 400


def test_the_home_and_caseload_pages_link_here_for_the_core_center_only(personas, client_as):
    for path in ("/", "/caseloads/"):
        assert "/one-person-offices/" in client_as(personas.core_officer).get(path).content.decode()
    assert "/one-person-offices/" not in client_as(personas.counselor_a).get("/").content.decode()
