"""The main menu matches access: every link it shows opens (200) for the persona it is shown
to, and every entry it hides answers that persona 403 or 404.  The personas are the shared ones
(conftest) and one member of every kind of organization, the managers of the core center and
the city, and a user with no membership."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from tsunagu.accounts.models import User
from tsunagu.accounts.tests.factories import UserFactory
from tsunagu.dashboard import menu
from tsunagu.organizations.models import OrganizationKind, SystemRole
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

NAV = re.compile(r'<nav class="site-nav".*?</nav>', re.S)
HREF = re.compile(r'<a href="([^"]+)"')
ADMIN_LOGIN = "/admin/login/"


def _nav(page: str) -> str:
    found = NAV.search(page)
    assert found, "no main menu on the page"
    return found.group(0)


def _links(page: str) -> list[str]:
    return [html.unescape(h) for h in HREF.findall(_nav(page))]


def _everyone(personas) -> dict[str, User]:
    users = {
        name: getattr(personas, name)
        for name in (
            "counselor_a",
            "colleague_a",
            "reader_a",
            "counselor_b",
            "core_officer",
            "city_official",
            "admin",
        )
    }
    for kind in OrganizationKind.values:
        user = UserFactory.create(username=f"member-{kind}")
        MembershipFactory.create(
            user=user, organization=OrganizationFactory.create(code=f"kind-{kind}", kind=kind)
        )
        users[kind] = user
    for kind in (OrganizationKind.CORE_CENTER, OrganizationKind.CITY_DEPARTMENT):
        user = UserFactory.create(username=f"manager-{kind}")
        MembershipFactory.create(
            user=user,
            organization=OrganizationFactory.create(code=f"managed-{kind}", kind=kind),
            role=SystemRole.MANAGER,
        )
        users[f"manager of {kind}"] = user
    users["no membership"] = UserFactory.create(username="nomember")
    return users


def test_every_link_opens_and_every_hidden_entry_is_closed(personas, client_as):
    entries = [entry for group in menu.MENU for entry in group.entries]
    seen: set[str] = set()
    for who, user in _everyone(personas).items():
        client = client_as(user)
        shown = _links(client.get(reverse("dashboard:home")).content.decode())
        assert len(shown) == len(set(shown)), who
        for entry in entries:
            url = reverse(entry.url_name)
            response = client.get(url)
            if url in shown:
                seen.add(entry.url_name)
                assert response.status_code == 200, (who, entry.url_name, response.status_code)
            elif entry.url_name == "admin:index":
                # Django's own admin sends whoever it does not admit to its sign-in page.
                assert response.status_code == 302, (who, entry.url_name)
                assert response["Location"].startswith(ADMIN_LOGIN)
            else:
                assert response.status_code in (403, 404), (who, entry.url_name, response)
    # The walk is not vacuous: every entry is shown to someone.
    assert seen == {entry.url_name for entry in entries}


def test_the_groups_and_their_order(personas, client_as):
    page = client_as(personas.counselor_a).get(reverse("dashboard:home")).content.decode()
    nav = _nav(page)
    labels = re.findall(r'class="site-nav__heading" id="menu-(\w+)">([^<]+)<', nav)
    # A counselor has nothing to administer: no 管理 group, not even its heading.
    assert [key for key, _ in labels] == ["daily", "network", "learning", "rights"]
    assert [label for _, label in labels] == [
        "日々の支援",
        "ネットワーク",
        "人材育成・評価",
        "権利擁護・防災",
    ]
    # Each group's list is named by its heading.
    for key, _ in labels:
        assert f'aria-labelledby="menu-{key}"' in nav
    daily = nav[nav.index('id="menu-daily"') : nav.index('id="menu-network"')]
    assert re.findall(r">([^<>]+)</a>", daily) == [
        "ホーム",
        "本人・世帯",
        "相談受付",
        "支援ケース",
        "紹介・依頼",
        "タスク",
        "カレンダー",
        "記録の検索",
    ]
    assert "menu-admin" in _nav(
        client_as(personas.core_officer).get(reverse("dashboard:home")).content.decode()
    )


def test_the_current_page_is_marked(personas, client_as):
    nav = _nav(client_as(personas.counselor_a).get(reverse("cases:list")).content.decode())
    assert nav.count('aria-current="page"') == 1
    assert f'<a href="{reverse("cases:list")}" aria-current="page">' in nav


def test_an_entry_no_app_answers_for_is_not_shown(personas, monkeypatch):
    """The surveys and the self-evaluation answer from above the dashboard; without their
    answer the menu fails closed."""
    actor = actor_as(personas.core_officer)
    urls = {link.url for group in menu.menu_for(actor) for link in group.links}
    assert reverse("surveys:survey_list") in urls
    assert reverse("selfevaluations:home") in urls
    monkeypatch.setattr(menu, "_ANSWERED", {})
    urls = {link.url for group in menu.menu_for(actor) for link in group.links}
    assert reverse("surveys:survey_list") not in urls
    assert reverse("selfevaluations:home") not in urls


def test_the_menu_waits_for_the_second_factor(personas, client_as, settings):
    settings.REQUIRE_2FA_FOR_ALL = True
    page = client_as(personas.admin, verified=False).get("/accounts/account/2fa/setup/")
    text = page.content.decode()
    assert "2段階認証の確認が必要です" in text
    assert "site-nav__group" not in text
    assert "監査ログ" not in text
