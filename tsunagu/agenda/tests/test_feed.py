"""The .ics feed: made, shown once and stopped on the user's own page; a stopped or unknown
address is a 404; what it carries names no person and no case detail; each fetch is audited."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tsunagu.accounts.services import user_end_sessions
from tsunagu.agenda import services
from tsunagu.agenda.models import CalendarFeed, Scope
from tsunagu.agenda.tests.world import PERSON_FAMILY, PERSON_GIVEN, build_agenda_world
from tsunagu.audit.models import AuditEvent
from tsunagu.organizations.models import Membership
from tsunagu.organizations.tests.actors import actor_as


@pytest.fixture
def world(personas):
    today = timezone.localdate()
    return build_agenda_world(personas, today - dt.timedelta(days=today.weekday()))


def _create(client: Client, scope: str = "mine") -> str:
    response = client.post(reverse("agenda:feed_settings"), {"action": "create", "scope": scope})
    assert response.status_code == 200
    url = response.context["feed_url"]
    assert url
    assert url in response.content.decode()
    return url


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def _fetch(url: str):
    CalendarFeed.objects.update(last_fetched_at=None)  # no waiting out the interval in a test
    return Client().get(_path(url))


def test_lifecycle_create_fetch_revoke(world, personas, client_as):
    client = client_as(personas.counselor_a)
    page = client.get(reverse("agenda:feed_settings")).content.decode()
    assert "配信には本人の氏名やケースの内容は含まれません" in page
    url = _create(client)
    feed = CalendarFeed.objects.get(user=personas.counselor_a)
    raw = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert feed.key_hash != raw
    assert raw not in feed.key_hash
    # Shown once: the settings page afterwards does not show it.
    assert raw not in client.get(reverse("agenda:feed_settings")).content.decode()

    response = _fetch(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "no-store" in response["Cache-Control"]
    cal = Calendar.from_ical(response.content)
    summaries = sorted(str(e["SUMMARY"]) for e in cal.walk("VEVENT"))
    case = world.case.pk
    assert f"タスク期限（ケース #{case}）" in summaries
    assert f"モニタリング期限（ケース #{case}）" in summaries
    assert f"ケース会議（ケース #{case}）" in summaries
    assert "会議（中央区障がい福祉ネットワーク会議）" in summaries
    cancelled = [e for e in cal.walk("VEVENT") if str(e["STATUS"]) == "CANCELLED"]
    assert len(cancelled) == 1
    for event in cal.walk("VEVENT"):
        assert str(event["URL"]).startswith("http://testserver/")

    client.post(reverse("agenda:feed_settings"), {"action": "revoke"})
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    assert _fetch(url).status_code == 404
    actions = list(
        AuditEvent.objects.filter(action__startswith="agenda.").values_list("action", flat=True)
    )
    assert sorted(actions) == [
        services.FEED_CREATED,
        services.FEED_FETCHED,
        services.FEED_REVOKED,
    ]


def test_the_feed_names_no_person_and_no_case_detail(world, personas, client_as):
    url = _create(client_as(personas.counselor_a), scope="organization")
    body = _fetch(url).content.decode()
    for secret in (
        PERSON_FAMILY,
        PERSON_GIVEN,
        world.case.title,
        world.task.title,
        world.colleague_task.title,
        world.task.description[:10],
        "本人宅",  # the conference's place
        world.conference.purpose[:6],
    ):
        assert secret not in body, secret
    assert "中央区役所" in body  # a network meeting's venue is not about a person


def test_each_fetch_is_audited_without_persons(world, personas, client_as):
    url = _create(client_as(personas.counselor_a))
    _fetch(url)
    row = AuditEvent.objects.filter(action=services.FEED_FETCHED).get()
    assert row.actor == personas.counselor_a
    assert row.organization == personas.office_a
    assert row.person_ids == []
    assert row.detail["count"] == 5


def test_a_fetch_soon_after_another_is_throttled(world, personas, client_as):
    url = _create(client_as(personas.counselor_a))
    assert _fetch(url).status_code == 200
    again = Client().get(_path(url))
    assert again.status_code == 429
    assert again["Retry-After"] == "60"
    assert AuditEvent.objects.filter(action=services.FEED_FETCHED).count() == 1


def test_a_new_feed_stops_the_old_one(world, personas, client_as):
    client = client_as(personas.counselor_a)
    first = _create(client)
    second = _create(client)
    assert _fetch(first).status_code == 404
    assert _fetch(second).status_code == 200
    assert CalendarFeed.objects.active().filter(user=personas.counselor_a).count() == 1


@pytest.mark.parametrize(
    "token", ["x", "cal_", "cal_" + "A" * 43, "cal_" + "A" * 500, "tsu_abc", "cal_..%2F"]
)
def test_an_unknown_address_is_a_404(personas, token):
    assert Client().get(f"/agenda/feed/{token}.ics").status_code == 404


def test_a_nul_in_the_address_is_refused_before_the_view(personas):
    assert Client().get("/agenda/feed/cal_%00.ics").status_code == 400


def test_ending_the_sessions_or_the_membership_stops_the_feed(world, personas, client_as):
    url = _create(client_as(personas.counselor_a))
    user_end_sessions(actor_as(personas.admin), user=personas.counselor_a)
    assert _fetch(url).status_code == 404

    url = _create(client_as(personas.colleague_a))
    assert _fetch(url).status_code == 200
    Membership.objects.filter(user=personas.colleague_a).update(is_active=False)
    assert _fetch(url).status_code == 404


def test_a_read_only_member_may_have_a_feed_of_their_own(personas, client_as):
    url = _create(client_as(personas.reader_a))
    assert _fetch(url).status_code == 200


def test_bad_scope_is_refused_in_japanese(personas, client_as):
    response = client_as(personas.counselor_a).post(
        reverse("agenda:feed_settings"), {"action": "create", "scope": "everyone"}
    )
    assert response.status_code == 400
    assert "正しく選択してください" in response.content.decode()
    assert not CalendarFeed.objects.exists()


def test_scope_is_kept_on_the_feed(world, personas, client_as):
    _create(client_as(personas.colleague_a), scope="organization")
    assert CalendarFeed.objects.get().scope == Scope.ORGANIZATION


def test_the_account_page_links_to_the_feed(personas, client_as):
    page = client_as(personas.counselor_a).get(reverse("accounts:account")).content.decode()
    assert reverse("agenda:feed_settings") in page
