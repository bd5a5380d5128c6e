"""The page frame renders the same HTML with its shortcuts as without them: the main menu's
markup kept per menu and language (templatetags/main_menu.py) and its URLs reversed once
(menu._reversed), for actors who see different menus, on pages that mark different entries
current, in both languages, and on an error page (issue 15)."""

from __future__ import annotations

import pytest

from conftest import masked_page
from tsunagu.dashboard import menu
from tsunagu.dashboard.templatetags.main_menu import MainMenuOnceNode
from tsunagu.organizations.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/cases/",
    "/referrals/",
    "/people/",
    "/plans/tasks/",
    "/notifications/",
    "/accounts/account/",
    "/no-such-page/",
]


def test_the_frame_renders_as_without_its_shortcuts(personas, client_as, monkeypatch):
    # A second membership: the header's organization switch, and a menu of another kind.
    MembershipFactory.create(
        user=personas.core_officer, organization=personas.office_a, is_primary=False
    )
    users = [personas.counselor_a, personas.reader_a, personas.core_officer, personas.admin]
    clients = {user.username: client_as(user) for user in users}
    english = client_as(personas.city_official)
    english.cookies["django_language"] = "en"
    clients["city_official (en)"] = english

    kept: list[bool] = []
    render = MainMenuOnceNode.render

    def spied(self: MainMenuOnceNode, context):
        known = len(self.kept)
        text = render(self, context)
        kept.append(len(self.kept) == known)
        return text

    monkeypatch.setattr(MainMenuOnceNode, "render", spied)
    # Page by page, every actor in turn: a menu kept for one must never be shown to another.
    quick = {
        (who, url): masked_page(client, url) for url in PAGES for who, client in clients.items()
    }
    assert any(kept), "no menu was ever reused"
    assert sum(status == 200 for status, _html in quick.values()) >= len(quick) - len(clients)
    navs = {html[html.find("<nav") : html.find("</nav>")] for _s, html in quick.values()}
    assert len(navs) > len(clients)  # the menus differ by actor, page and language

    monkeypatch.setattr(MainMenuOnceNode, "render", lambda node, ctx: node.nodelist.render(ctx))
    monkeypatch.setattr(menu, "_reversed", dict)  # a new, empty one each time: reverse() all
    for (who, url), shown in quick.items():
        assert shown == masked_page(clients[who], url), (who, url)
