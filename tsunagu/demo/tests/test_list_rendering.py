"""The list pages render the same HTML with core/lists.py's shortcuts as without them: the
filter forms' widgets written in Python (core/formrender.py), the table cells' templates
compiled once and rendered in the page's context, and the cached choice labels and render
signatures of `_Row` (issue 15)."""

from __future__ import annotations

import django_tables2 as tables
import pytest
from django.forms.renderers import DjangoTemplates
from django.test import Client

from conftest import masked_page
from tsunagu.accounts.models import User
from tsunagu.core import lists

pytestmark = pytest.mark.django_db

NASTY = "<b>\"A&B\"</b> 'c'"
PAGES = [
    "/referrals/",
    "/referrals/?box=outbox&state=all",
    "/referrals/?state=all&status=accepted&status=declined&kind=collaboration&sort=-requested_at",
    f"/referrals/?state=zzz&status={NASTY}&requested_from={NASTY}&organization=999999",
    "/cases/",
    "/cases/?sort=-opened_on&page=2",
    f"/cases/?status={NASTY}&q={NASTY}",
    "/cases/consultations/",
    "/cases/consultations/?sort=urgency&page=2",
    "/people/?q=サトウ",
    f"/people/?q={NASTY}",
    "/people/households/",
    "/plans/tasks/",
    "/plans/tasks/?status=done&scope=mine",
    "/plans/monitorings/",
    "/plans/monitorings/?scope=all",
    "/directory/staff/",
    "/directory/staff/providers/",
    "/organizations/",
    "/meetings/",
    "/meetings/issues/",
    "/trainings/",
    "/supervision/",
    "/surveys/",
    "/hearings/",
    "/grouphomes/",
]


@pytest.fixture
def demo(demo_city, settings):
    settings.DEMO_MODE = True
    return demo_city


def page(client: Client, url: str, *, htmx: bool) -> tuple[int, str]:
    return masked_page(client, url, **({"HX-Request": "true"} if htmx else {}))


@pytest.mark.parametrize("username", ["core1", "office_a1", "city1"])
def test_the_list_pages_render_as_without_the_shortcuts(demo, client_as, monkeypatch, username):
    client = client_as(User.objects.get(username=username))
    quick = {(url, htmx): page(client, url, htmx=htmx) for url in PAGES for htmx in (False, True)}
    assert sum(status == 200 for status, _html in quick.values()) >= len(PAGES)
    assert any("<option" in html and "<td>" in html for _status, html in quick.values())

    monkeypatch.setattr(lists, "QUICK_RENDERER", DjangoTemplates())
    monkeypatch.setattr(lists.TemplateColumn, "render", tables.TemplateColumn.render)
    monkeypatch.setattr(lists.ListTable, "paginated_rows", tables.Table.paginated_rows)
    for (url, htmx), shown in quick.items():
        assert shown == page(client, url, htmx=htmx), url
