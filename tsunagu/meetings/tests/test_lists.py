"""The lists of meeting bodies and community issues on the shared list machinery (issue 16):
searchable, filtered, sortable, paged, every name and status a link, the issue list's read
row naming the persons its issues came from, bad input a message, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tsunagu.accounts.models import SavedSearch
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.meetings.models import BodyKind, CommunityIssue, IssueStage, Level
from tsunagu.meetings.tests.factories import MeetingBodyFactory

pytestmark = pytest.mark.django_db

BODIES = reverse("meetings:body_list")
ISSUES = reverse("meetings:issue_list")


def _issue(personas, title: str, **extra) -> CommunityIssue:
    return CommunityIssue.objects.create(
        title=title,
        theme=extra.pop("theme", "respite"),
        description=extra.pop("description", "受け皿が少ない。"),
        source="survey",
        raised_by=personas.counselor_a,
        raised_by_organization=personas.office_a,
        **extra,
    )


@pytest.fixture
def bodies(personas):
    council = MeetingBodyFactory.create(
        name="みどり市自立支援協議会",
        kind=BodyKind.COUNCIL,
        level=Level.MACRO,
        secretariats=[personas.core_center],
        members=[personas.office_a],
    )
    network = MeetingBodyFactory.create(
        name="青葉区ネットワーク会議",
        parent=council,
        secretariats=[personas.office_a],
    )
    return {"council": council, "network": network}


def test_bodies_searched_filtered_and_sorted(personas, client_as, bodies):
    client = client_as(personas.counselor_a)
    found = client.get(BODIES, {"q": "ネットワーク"})
    assert [b.name for b in found.context["rows"]] == ["青葉区ネットワーク会議"]
    macro = client.get(BODIES, {"level": Level.MACRO})
    assert [b.name for b in macro.context["rows"]] == ["みどり市自立支援協議会"]
    down = client.get(BODIES, {"sort": "-name"}).context["rows"]
    up = client.get(BODIES, {"sort": "name"}).context["rows"]
    assert [b.pk for b in down] == [b.pk for b in reversed(up)]


def test_a_body_s_name_parent_kind_and_secretariat_are_links(personas, client_as, bodies):
    page = client_as(personas.counselor_a).get(BODIES).content.decode()
    council, network = bodies["council"], bodies["network"]
    detail = reverse("meetings:body_detail", args=[council.pk])
    assert page.count(f'href="{detail}">みどり市自立支援協議会</a>') == 2  # itself, as parent
    assert f'href="{reverse("meetings:body_detail", args=[network.pk])}"' in page
    assert f'href="?kind={BodyKind.COUNCIL}">' in page
    assert f'href="?level={Level.MACRO}">' in page
    assert f'href="/organizations/{personas.core_center.pk}/">' in page


def test_an_outsider_lists_no_body_of_others(personas, client_as, bodies):
    response = client_as(personas.counselor_b).get(BODIES, {"q": "ネットワーク"})
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "青葉区ネットワーク会議" not in response.content.decode()


def test_issues_searched_by_their_words_and_read_row_keeps_the_filters(personas, client_as):
    respite = _issue(personas, "短期入所先が足りない", description="医療的ケアの受け皿")
    _issue(personas, "グループホームの空きがない", theme="housing")
    client = client_as(personas.counselor_b)
    response = client.get(ISSUES, {"q": "いりょうてき", "stage": IssueStage.RAISED})
    assert response.context["rows"] == []  # kanji are not read as kana
    response = client.get(ISSUES, {"q": "ぐるーぷほーむ"})
    assert [i.title for i in response.context["rows"]] == ["グループホームの空きがない"]
    response = client.get(ISSUES, {"q": "医療的", "stage": IssueStage.RAISED})
    assert [i.pk for i in response.context["rows"]] == [respite.pk]
    page = response.content.decode()
    assert f'href="{reverse("meetings:issue_detail", args=[respite.pk])}">' in page
    assert f'href="?stage={IssueStage.RAISED}">' in page
    assert f'href="/organizations/{personas.office_a.pk}/">' in page
    row = AuditEvent.objects.filter(action=Action.RECORDS_LISTED).latest("pk")
    assert row.detail["view"] == "meetings.issue_list"
    assert row.detail["filters"] == {"stage": IssueStage.RAISED}
    assert "search_digest" in row.detail


def test_issues_sorted_by_the_date_raised(personas, client_as):
    old = _issue(personas, "古い課題", raised_on=dt.date(2026, 4, 1))
    new = _issue(personas, "新しい課題", raised_on=dt.date(2026, 9, 1))
    client = client_as(personas.counselor_a)
    assert [i.pk for i in client.get(ISSUES, {"sort": "raised_on"}).context["rows"]] == [
        old.pk,
        new.pk,
    ]
    assert [i.pk for i in client.get(ISSUES, {"sort": "-raised_on"}).context["rows"]] == [
        new.pk,
        old.pk,
    ]


@pytest.mark.parametrize(
    ("url", "query"),
    [
        (BODIES, {"area": str(2**63)}),
        (BODIES, {"kind": "party"}),
        (ISSUES, {"area": "x"}),
        (ISSUES, {"stage": "done"}),
        (ISSUES, {"theme": str(2**63)}),
    ],
)
def test_bad_filters_are_a_message_not_an_error(personas, client_as, bodies, url, query):
    response = client_as(personas.counselor_a).get(url, query)
    assert response.status_code == 400
    assert response.context["rows"] == []
    assert "入力内容を確認してください" in response.content.decode()


def test_a_body_search_is_saved(personas, client_as, bodies):
    client = client_as(personas.counselor_a)
    client.post(
        reverse("accounts:saved_search_create"),
        {"name": "マクロ", "path": BODIES, "query": f"level={Level.MACRO}"},
    )
    saved = SavedSearch.objects.get(user=personas.counselor_a)
    rows = client.get(f"{saved.path}?{saved.query}").context["rows"]
    assert [b.name for b in rows] == ["みどり市自立支援協議会"]
