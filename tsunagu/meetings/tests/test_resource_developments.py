"""A resource development records the community issue and the meeting it came from (issue 6,
item 6): the link is saved and shown, a meeting the user may not see is never offered and is
refused, the CSV has the two columns, and the API takes and gives the two ids."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.core.errors import Invalid
from tsunagu.meetings import services as meeting_services
from tsunagu.meetings.models import CommunityIssue, IssueSource, IssueTheme, ResourceDevelopment
from tsunagu.meetings.tests.factories import DevelopmentFactory, MeetingBodyFactory, MeetingFactory
from tsunagu.organizations.tests.actors import actor_as

pytestmark = pytest.mark.django_db

ISSUE_TITLE = "生活介護の開所時間が短く、家族が働き続けにくい"
BODY_A = "中央区障がい福祉ネットワーク会議（テスト）"
BODY_B = "西区障がい福祉ネットワーク会議（テスト）"
INVISIBLE_NOTICE = "閲覧できない会議"
REFUSED = "選んだ会議は、あなたが閲覧できる会議ではありません。"


@pytest.fixture
def sources(personas):
    """A meeting of office A's body (office B may not see it), one of office B's, an issue."""
    body_a = MeetingBodyFactory.create(
        name=BODY_A, secretariats=[personas.core_center], members=[personas.office_a]
    )
    body_b = MeetingBodyFactory.create(
        name=BODY_B, secretariats=[personas.core_center], members=[personas.office_b]
    )
    start = timezone.make_aware(dt.datetime.combine(dt.date(2026, 5, 20), dt.time(14, 0)))
    meeting_a = MeetingFactory.create(
        body=body_a,
        title="第1回 中央区のネットワーク会議",
        starts_at=start,
        created_by=personas.core_officer,
    )
    meeting_b = MeetingFactory.create(
        body=body_b,
        title="第1回 西区のネットワーク会議",
        starts_at=start + dt.timedelta(days=7),
        created_by=personas.core_officer,
    )
    issue = CommunityIssue.objects.create(
        title=ISSUE_TITLE,
        theme=IssueTheme.DAYTIME,
        description="15時で終わる生活介護が多く、家族の就労の妨げになっている。",
        source=IssueSource.SURVEY,
        raised_by=personas.counselor_a,
        raised_by_organization=personas.office_a,
    )
    return meeting_a, meeting_b, issue


def _form(**extra):
    return {
        "kind": "top_up",
        "title": "生活介護の開所時間を15時から16時まで延長",
        "beneficiaries": "家族の迎えが間に合わない利用者",
        "occurred_on": "2026-06-01",
        **extra,
    }


def test_the_link_is_saved_and_shown_with_the_meeting_only_to_those_who_may_see_it(
    personas, client_as, sources
):
    meeting_a, _meeting_b, issue = sources
    client = client_as(personas.counselor_a)
    response = client.post(
        reverse("meetings:development_create"),
        _form(community_issue=issue.pk, meeting=meeting_a.pk),
    )
    assert response.status_code == 302
    development = ResourceDevelopment.objects.get(recorded_by_organization=personas.office_a)
    assert development.community_issue == issue
    assert development.meeting == meeting_a

    issue_url = reverse("meetings:issue_detail", args=[issue.pk])
    meeting_url = reverse("meetings:meeting_detail", args=[meeting_a.pk])
    mine = client.get(reverse("meetings:development_list")).content.decode()
    assert issue_url in mine
    assert ISSUE_TITLE in mine
    assert meeting_url in mine
    assert BODY_A in mine
    assert "令和8年5月20日" in mine

    # Office B reads the de-identified issue, but not the meeting: no link, no date, no body.
    theirs = client_as(personas.counselor_b).get(reverse("meetings:development_list"))
    html = theirs.content.decode()
    assert issue_url in html
    assert ISSUE_TITLE in html
    assert meeting_url not in html
    assert BODY_A not in html
    assert INVISIBLE_NOTICE in html


def test_the_resource_page_shows_the_links(personas, client_as, sources, directory):
    meeting_a, _meeting_b, issue = sources
    development = directory.development
    development.community_issue = issue
    development.meeting = meeting_a
    development.save()
    url = reverse("directory:resource_detail", args=[directory.resource_a.pk])
    meeting_url = reverse("meetings:meeting_detail", args=[meeting_a.pk])
    html = client_as(personas.counselor_a).get(url).content.decode()
    assert ISSUE_TITLE in html
    assert meeting_url in html
    html = client_as(personas.counselor_b).get(url).content.decode()
    assert ISSUE_TITLE in html
    assert meeting_url not in html
    assert INVISIBLE_NOTICE in html


def test_the_form_lists_every_issue_and_only_visible_meetings(personas, client_as, sources):
    meeting_a, meeting_b, _issue = sources
    html = client_as(personas.counselor_b).get(reverse("meetings:development_create"))
    text = html.content.decode()
    assert ISSUE_TITLE in text
    assert meeting_b.title in text
    assert meeting_a.title not in text
    select = text[text.index('name="meeting"') :]
    select = select[: select.index("</select>")]
    assert f'value="{meeting_b.pk}"' in select
    assert f'value="{meeting_a.pk}"' not in select


def test_an_invisible_meeting_is_refused_by_the_screen_and_the_service(
    personas, client_as, sources
):
    meeting_a, _meeting_b, issue = sources
    response = client_as(personas.counselor_b).post(
        reverse("meetings:development_create"), _form(meeting=meeting_a.pk)
    )
    assert response.status_code == 400
    assert "生活介護の開所時間を15時から16時まで延長" in response.content.decode()  # kept
    assert not ResourceDevelopment.objects.filter(recorded_by_organization=personas.office_b)

    data = {
        "kind": "top_up",
        "title": "送迎の延長",
        "beneficiaries": "利用者",
        "occurred_on": dt.date(2026, 6, 1),
        "community_issue": issue,
        "meeting": meeting_a,
    }
    with pytest.raises(Invalid) as refused:
        meeting_services.development_create(actor=actor_as(personas.counselor_b), data=data)
    assert REFUSED in refused.value.message
    assert not ResourceDevelopment.objects.filter(title="送迎の延長").exists()


def test_an_editor_who_may_not_see_the_linked_meeting_keeps_it(personas, client_as, sources):
    meeting_a, _meeting_b, issue = sources
    development = DevelopmentFactory.create(
        recorded_by=personas.counselor_b,
        recorded_by_organization=personas.office_b,
        community_issue=issue,
        meeting=meeting_a,
    )
    client = client_as(personas.counselor_b)
    url = reverse("meetings:development_edit", args=[development.pk])
    page = client.get(url).content.decode()
    assert "あなたが閲覧できない会議が結び付いています" in page
    assert meeting_a.title not in page
    response = client.post(
        url, _form(version=development.version, community_issue=issue.pk, title="延長（更新）")
    )
    assert response.status_code == 302
    development.refresh_from_db()
    assert development.title == "延長（更新）"
    assert development.meeting == meeting_a


def test_the_csv_has_the_issue_and_the_meeting(personas, client_as, sources, directory):
    meeting_a, _meeting_b, issue = sources
    development = directory.development
    development.community_issue = issue
    development.meeting = meeting_a
    development.save()

    def rows(user):
        response = client_as(user).get(reverse("meetings:development_export"))
        assert response.status_code == 200
        text = response.content.decode("utf-8").lstrip("\ufeff")
        return list(csv.DictReader(io.StringIO(text)))

    [row] = rows(personas.counselor_a)
    assert row["もとの地域課題"] == ISSUE_TITLE
    assert row["きっかけの会議（日付・会議体）"] == f"令和8年5月20日 {BODY_A}"
    [row] = rows(personas.counselor_b)
    assert row["もとの地域課題"] == ISSUE_TITLE
    assert row["きっかけの会議（日付・会議体）"] == "（閲覧できない会議）"


def _client(user, org):
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_token_for(user, org)}")


def _send(client, method, path, body):
    return client.generic(
        method, path, json.dumps(body, ensure_ascii=False), content_type="application/json"
    )


def test_the_api_round_trip_of_the_two_ids(personas, sources):
    meeting_a, meeting_b, issue = sources
    client = _client(personas.counselor_a, personas.office_a)
    body = {
        "kind": "top_up",
        "title": "生活介護の開所時間を延長",
        "beneficiaries": "家族の迎えが間に合わない利用者",
        "occurred_on": "2026-06-01",
        "community_issue_id": issue.pk,
        "meeting_id": meeting_a.pk,
    }
    response = _send(client, "POST", "/api/v1/directory/developments", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["community_issue_id"] == issue.pk
    assert created["meeting_id"] == meeting_a.pk
    assert created["meeting_visible"] is True
    path = f"/api/v1/directory/developments/{created['id']}"
    assert client.get(path).json()["meeting_id"] == meeting_a.pk

    # Office B reads the record; it may not open that meeting.
    outsider = _client(personas.counselor_b, personas.office_b)
    seen = outsider.get(path).json()
    assert seen["community_issue_id"] == issue.pk
    assert seen["meeting_visible"] is False

    # A meeting office A may not see, or one that does not exist: 422, nothing changed.
    for meeting_id in (meeting_b.pk, meeting_b.pk + 1000):
        refused = _send(client, "PATCH", path, {"version": 1, "meeting_id": meeting_id})
        assert refused.status_code == 422
        assert REFUSED in refused.json()["error"]["message"]
    assert ResourceDevelopment.objects.get(pk=created["id"]).meeting == meeting_a

    cleared = _send(client, "PATCH", path, {"version": 1, "meeting_id": None})
    assert cleared.status_code == 200
    assert cleared.json()["meeting_id"] is None
    assert cleared.json()["community_issue_id"] == issue.pk
    missing = _send(client, "PATCH", path, {"version": 2, "community_issue_id": 999999})
    assert missing.status_code == 422


def test_the_issue_page_lists_the_developments_that_came_from_it(personas, client_as, sources):
    _meeting_a, _meeting_b, issue = sources
    url = reverse("meetings:issue_detail", args=[issue.pk])
    html = client_as(personas.counselor_b).get(url).content.decode()
    assert "まだ記録はありません。" in html
    create = reverse("meetings:development_create") + f"?community_issue={issue.pk}"
    assert create.replace("&", "&amp;") in html
    form = client_as(personas.counselor_b).get(create).content.decode()
    assert f'<option value="{issue.pk}" selected>' in form
    DevelopmentFactory.create(
        community_issue=issue,
        recorded_by=personas.counselor_a,
        recorded_by_organization=personas.office_a,
    )
    DevelopmentFactory.create(
        title="ほかの課題から",
        recorded_by=personas.counselor_a,
        recorded_by_organization=personas.office_a,
    )
    # Office B reads it too: the development, like the issue, is de-identified.
    html = client_as(personas.counselor_b).get(url).content.decode()
    assert "生活介護の開所時間を15時から16時まで延長" in html
    assert "家族の迎えが間に合わない利用者" in html
    assert "令和8年6月1日" in html or "R8.6.1" in html
    assert "ほかの課題から" not in html
