"""The organization list on the shared list machinery (issue 16): the reading found however
the kana is typed, sortable columns, filters in the URL and saved, every name and count a
link, and bad input answered with the filter form's message, never a 500."""

from __future__ import annotations

import re

import pytest

from tsunagu.accounts.models import SavedSearch
from tsunagu.organizations.models import OrganizationKind
from tsunagu.organizations.tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

URL = "/organizations/"


@pytest.fixture
def groups(personas):
    gh = OrganizationFactory.create(
        code="gh-sakura",
        name="グループホーム さくら",
        name_kana="ぐるーぷほーむ さくら",
        kind=OrganizationKind.SERVICE_PROVIDER,
    )
    MembershipFactory.create(organization=gh)
    school = OrganizationFactory.create(
        code="school-a",
        name="青葉小学校",
        name_kana="アオバショウガッコウ",
        kind=OrganizationKind.SCHOOL,
        has_accounts=False,
    )
    return {"gh": gh, "school": school}


def _names(response) -> list[str]:
    assert response.status_code == 200
    return [o.name for o in response.context["rows"]]


@pytest.mark.parametrize("typed", ["グループホーム", "ｸﾞﾙｰﾌﾟﾎｰﾑ", "ぐる-ぷほ-む", "グループ さくら"])
def test_the_reading_is_found_however_the_kana_is_typed(personas, client_as, groups, typed):
    assert _names(client_as(personas.counselor_a).get(URL, {"q": typed})) == [
        "グループホーム さくら"
    ]


def test_a_katakana_reading_is_found_by_hiragana(personas, client_as, groups):
    assert _names(client_as(personas.counselor_a).get(URL, {"q": "あおばしょう"})) == ["青葉小学校"]


def test_sorted_by_a_column_and_the_sort_is_kept_with_the_filters(personas, client_as, groups):
    client = client_as(personas.counselor_a)
    up = _names(client.get(URL, {"sort": "member_count"}))
    down = _names(client.get(URL, {"sort": "-member_count"}))
    assert up[-1] == down[0] != up[0]
    html = client.get(URL, {"kind": OrganizationKind.COMMISSIONED_OFFICE, "sort": "name"}).content
    page = html.decode()
    assert 'aria-sort="ascending"' in page
    assert re.search(r'href="\?kind=commissioned_office&amp;sort=-name"', page)


def test_names_kinds_and_staff_counts_link_to_what_they_name(personas, client_as, groups):
    page = client_as(personas.counselor_a).get(URL).content.decode()
    gh = groups["gh"]
    assert f'href="/organizations/{gh.pk}/">グループホーム さくら</a>' in page
    assert f'href="/organizations/{gh.pk}/#staff">1人' in page
    assert f'href="?kind={OrganizationKind.SCHOOL}">' in page
    assert f'href="/organizations/{groups["school"].pk}/#staff"' not in page  # no sign-in


@pytest.mark.parametrize(
    "query",
    [
        {"area": str(2**63)},
        {"area": "abc"},
        {"kind": "castle"},
        {"q": "あ" * 101},
    ],
)
def test_bad_filters_are_a_message_not_an_error(personas, client_as, groups, query):
    response = client_as(personas.counselor_a).get(URL, query)
    assert response.status_code == 400
    assert response.context["rows"] == []
    assert "入力内容を確認してください" in response.content.decode()


@pytest.mark.parametrize("query", [{"sort": "password"}, {"page": "x"}, {"page": str(2**63)}])
def test_a_bad_sort_or_page_is_ignored(personas, client_as, groups, query):
    assert "グループホーム さくら" in _names(client_as(personas.counselor_a).get(URL, query))


def test_the_filters_are_saved_and_opened_again(personas, client_as, groups):
    client = client_as(personas.counselor_a)
    response = client.post(
        "/accounts/account/searches/new/",
        {"name": "学校", "path": URL, "query": f"kind={OrganizationKind.SCHOOL}"},
    )
    assert response.status_code == 302
    saved = SavedSearch.objects.get(user=personas.counselor_a)
    assert _names(client.get(f"{saved.path}?{saved.query}")) == ["青葉小学校"]
