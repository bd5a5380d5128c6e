"""Community issues (地域課題) through the pipeline, and the network picture."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.models import SharingBasis, TeamRole
from tsunagu.cases.tests.factories import CaseFactory, TeamMemberFactory
from tsunagu.core.errors import Conflict, Forbidden, Invalid
from tsunagu.meetings import network_svg, selectors, services
from tsunagu.meetings.models import CommunityIssue, IssueSource, IssueStage
from tsunagu.meetings.tests.factories import MeetingFactory
from tsunagu.organizations.models import AreaKind, OrganizationKind
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import AreaFactory, OrganizationFactory
from tsunagu.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(14, 0)))


@pytest.fixture
def case(personas):
    person = PersonFactory.create(
        family_name="鏑木",
        given_name="瑠璃子",
        family_name_kana="カブラギ",
        given_name_kana="ルリコ",
        registered_by_organization=personas.office_a,
    )
    return CaseFactory.create(
        person=person, lead_organization=personas.office_a, lead_worker=personas.counselor_a
    )


ISSUE = {
    "title": "重症心身障害のある人の短期入所先が区内にない",
    "theme": "respite",
    "description": (
        "医療的ケアが必要な人の短期入所の受け皿が区内になく、家族の入院時に困る世帯が続いている。"
    ),
    "source": IssueSource.CASE,
}


def test_an_issue_from_a_case_must_be_de_identified(personas, case):
    lead = actor_as(personas.counselor_a, personas.office_a)
    with pytest.raises(Invalid, match="氏名"):
        services.issue_raise(
            actor=lead,
            data={**ISSUE, "description": "鏑木さんの母が入院したとき、短期入所先がなかった。"},
            source_case=case,
        )
    with pytest.raises(Invalid, match="ケースの画面"):
        services.issue_raise(actor=lead, data=ISSUE)
    with pytest.raises(Invalid, match="名称"):
        services.issue_raise(actor=lead, data={**ISSUE, "source": IssueSource.SURVEY})
    issue = services.issue_raise(actor=lead, data=ISSUE, source_case=case)
    assert issue.stage == IssueStage.RAISED
    assert issue.steps.get().stage == IssueStage.RAISED


def test_the_pipeline_is_tied_to_meetings_and_in_order(personas, case, ward_network):
    lead = actor_as(personas.counselor_a, personas.office_a)
    issue = services.issue_raise(actor=lead, data=ISSUE, source_case=case)
    meeting = MeetingFactory.create(
        body=ward_network, starts_at=_at(dt.date(2026, 11, 18)), ends_at=_at(dt.date(2026, 11, 18))
    )
    with pytest.raises(Invalid, match="どの会議"):
        services.issue_advance(
            actor=lead,
            issue=issue,
            stage=IssueStage.SHARED_MESO,
            occurred_on=dt.date(2026, 11, 18),
            meeting=None,
        )
    with pytest.raises(Conflict):
        services.issue_advance(
            actor=lead,
            issue=issue,
            stage=IssueStage.PROPOSED,
            occurred_on=dt.date(2026, 11, 18),
            meeting=meeting,
        )
    step = services.issue_advance(
        actor=lead,
        issue=issue,
        stage=IssueStage.SHARED_MESO,
        occurred_on=dt.date(2026, 11, 1),
        meeting=meeting,
        note="各機関から同様の声",
    )
    assert step.occurred_on == dt.date(2026, 11, 18)  # the meeting's day
    with pytest.raises(Forbidden):
        services.issue_advance(
            actor=actor_as(personas.counselor_b, personas.office_b),
            issue=issue,
            stage=IssueStage.UNDER_STUDY,
            occurred_on=dt.date(2026, 11, 18),
            meeting=meeting,
        )
    services.issue_advance(
        actor=actor_as(personas.core_officer, personas.core_center),
        issue=issue,
        stage=IssueStage.UNDER_STUDY,
        occurred_on=dt.date(2026, 11, 18),
        meeting=meeting,
    )
    issue.refresh_from_db()
    assert issue.stage == IssueStage.UNDER_STUDY
    assert [s.stage for s in issue.steps.all()] == ["raised", "shared_meso", "under_study"]


def test_an_issue_raised_earlier_than_recorded_keeps_its_day_but_never_a_future_one(personas):
    lead = actor_as(personas.counselor_a, personas.office_a)
    survey = {**ISSUE, "source": IssueSource.SURVEY, "source_note": "令和8年度 事業所アンケート"}
    issue = services.issue_raise(actor=lead, data=survey, raised_on=dt.date(2026, 5, 11))
    assert [(s.stage, s.occurred_on) for s in issue.steps.all()] == [
        (IssueStage.RAISED, dt.date(2026, 5, 11))
    ]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(Invalid, match="今日まで"):
        services.issue_raise(actor=lead, data=survey, raised_on=tomorrow)
    assert CommunityIssue.objects.count() == 1


def test_screens_keep_the_link_for_those_allowed_and_the_council_view_hides_it(
    personas, case, client_as
):
    lead = actor_as(personas.counselor_a, personas.office_a)
    issue = services.issue_raise(actor=lead, data=ISSUE, source_case=case)
    case_url = reverse("cases:case_detail", args=[case.pk])
    detail = reverse("meetings:issue_detail", args=[issue.pk])
    assert case_url in client_as(personas.counselor_a).get(detail).content.decode()
    other = client_as(personas.counselor_b).get(detail).content.decode()
    assert ISSUE["title"] in other
    assert case_url not in other
    council = client_as(personas.counselor_a).get(reverse("meetings:council_issues"))
    html = council.content.decode()
    assert ISSUE["description"] in html
    assert case_url not in html
    listing = client_as(personas.counselor_b).get(reverse("meetings:issue_list") + "?stage=raised")
    assert ISSUE["title"] in listing.content.decode()
    filtered = client_as(personas.counselor_b).get(reverse("meetings:issue_list") + "?stage=action")
    assert ISSUE["title"] not in filtered.content.decode()


def test_raising_on_screen_keeps_what_was_typed(personas, case, client_as):
    client = client_as(personas.counselor_a)
    url = reverse("meetings:case_issue_create", args=[case.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {**ISSUE, "description": "カブラギさんの件で短期入所が見つからない。"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "個人が特定される情報" in html
    assert "短期入所が見つからない" in html
    response = client.post(url, ISSUE)
    assert response.status_code == 302


# --- The network picture --------------------------------------------------------------------


def test_the_network_picture_counts_team_members_by_year_and_marks_newcomers(personas):
    ward = AreaFactory.create(code="net-ward", name="中央区", kind=AreaKind.WARD)
    catchment = AreaFactory.create(
        code="net-c", name="本町圏域", kind=AreaKind.CATCHMENT, parent=ward
    )
    elsewhere = AreaFactory.create(code="net-w2", name="西区", kind=AreaKind.WARD)
    provider = OrganizationFactory.create(
        kind=OrganizationKind.SERVICE_PROVIDER, name="みどり作業所"
    )
    hospital = OrganizationFactory.create(kind=OrganizationKind.HOSPITAL, name="みどりの森病院")
    commissioner = OrganizationFactory.create(
        kind=OrganizationKind.WELFARE_COMMISSIONER, name="本町地区民生委員"
    )

    def case_in(area, opened):
        person = PersonFactory.create(area=area, registered_by_organization=personas.office_a)
        return CaseFactory.create(
            person=person, lead_organization=personas.office_a, opened_on=opened
        )

    def join(case, org, joined, left=None):
        TeamMemberFactory.create(
            case=case,
            organization=org,
            role=TeamRole.OTHER,
            basis=SharingBasis.STATUTORY_MEETING,
            basis_note="支援会議",
            added_by=personas.counselor_a,
            joined_on=joined,
            left_on=left,
        )

    old = case_in(catchment, dt.date(2025, 5, 1))
    join(old, provider, dt.date(2025, 5, 1))  # both years
    join(old, hospital, dt.date(2025, 6, 1), dt.date(2026, 1, 31))  # last year only
    new = case_in(ward, dt.date(2026, 6, 1))
    join(new, provider, dt.date(2026, 6, 1))
    join(new, commissioner, dt.date(2026, 7, 1))  # newly joined this year
    outside = case_in(elsewhere, dt.date(2026, 6, 1))
    join(outside, hospital, dt.date(2026, 6, 1))  # another ward: not counted

    before, now = selectors.network_picture(area_id=ward.pk, year=2026)
    counts_now = {o.name: (o.cases, o.is_new, o.layer) for o in now.organizations}
    lead = personas.office_a.name  # the lead is on each team too
    assert counts_now == {
        lead: (2, False, 0),
        "みどり作業所": (2, False, 1),
        "本町地区民生委員": (1, True, 3),
    }
    assert {o.name for o in before.organizations} == {lead, "みどり作業所", "みどりの森病院"}
    rows = network_svg.layer_rows(before, now)
    assert [(r.organizations_now, r.cases_now, r.new) for r in rows] == [
        (1, 2, 0),
        (1, 2, 0),
        (0, 0, 0),
        (1, 1, 1),
    ]
    rings = network_svg.rings(now)
    assert rings.new_count == 1
    assert len(rings.dots) == 3


def test_the_network_screen_is_for_core_and_city_only(personas, client_as):
    AreaFactory.create(code="net-city", name="みどり市", kind=AreaKind.CITY)
    url = reverse("meetings:network")
    assert client_as(personas.counselor_a).get(url).status_code == 403
    page = client_as(personas.city_official).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html
    assert "層ごとの機関数とケース数" in html


def test_the_outsider_reads_an_issue_but_may_not_move_it(personas, case, client_as):
    issue = services.issue_raise(
        actor=actor_as(personas.counselor_a, personas.office_a), data=ISSUE, source_case=case
    )
    outsider = client_as(personas.counselor_b)
    assert outsider.get(reverse("meetings:issue_detail", args=[issue.pk])).status_code == 200
    response = outsider.post(
        reverse("meetings:issue_advance", args=[issue.pk]),
        {"stage": "shared_meso", "occurred_on": "2026-11-18"},
    )
    assert response.status_code == 403
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, actor=personas.counselor_b, target_id=str(issue.pk)
    ).exists()
    issue.refresh_from_db()
    assert issue.stage == IssueStage.RAISED
    token = api_token_for(personas.counselor_b, personas.office_b)
    api = client_as(personas.counselor_b).get(
        f"/api/v1/community-issues/{issue.pk}", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert api.status_code == 200
    assert api.json()["source_case_id"] is None
    assert api.json()["description"] == ISSUE["description"]
