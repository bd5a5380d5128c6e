"""The calendar screen: what each persona sees in a week and a month, the outsider sees
nothing, bad input is a Japanese message, and each page is on the record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tsunagu.agenda.periods import MONTH, WEEK, period_of
from tsunagu.agenda.tests.world import PERSON_FAMILY, build_agenda_world
from tsunagu.audit.models import Action, AuditEvent

MONDAY = dt.date(2026, 11, 30)
THURSDAY = dt.date(2026, 12, 3)


@pytest.fixture
def world(personas):
    return build_agenda_world(personas, MONDAY)


def _get(client, **query):
    return client.get(reverse("agenda:agenda"), query)


def test_week_of_the_lead_shows_every_kind_with_links(world, personas, client_as):
    response = _get(client_as(personas.counselor_a), view="week", date=THURSDAY.isoformat())
    assert response.status_code == 200
    page = response.content.decode()
    assert "短期入所先の見学日程を調整する" in page
    assert reverse("plans:monitoring_detail", args=[world.monitoring.pk]) in page
    assert reverse("meetings:conference_detail", args=[world.conference.pk]) in page
    assert reverse("meetings:meeting_detail", args=[world.meeting.pk]) in page
    assert reverse("cases:case_detail", args=[world.case.pk]) in page
    assert "中止" in page  # the cancelled meeting is shown as such
    # Another worker's own task is not in "mine".
    assert "事業所連絡会の資料を作る" not in page
    # Japanese weekday headers, Monday first.
    for label in ("月", "火", "水", "木", "金", "土", "日"):
        assert f">{label}<" in page
    kinds = [e.kind for e in response.context["entries"]]
    assert sorted(kinds) == ["conference", "meeting", "meeting", "monitoring", "task"]


def test_organization_scope_adds_a_colleagues_task(world, personas, client_as):
    client = client_as(personas.colleague_a)
    mine = _get(client, date=THURSDAY.isoformat(), scope="mine")
    assert "事業所連絡会の資料を作る" in mine.content.decode()
    assert "短期入所先の見学日程を調整する" not in mine.content.decode()
    # colleague_a is not on the case as a worker: its monitoring is the organization's.
    assert "monitoring" not in {e.kind for e in mine.context["entries"]}
    organization = _get(client, date=THURSDAY.isoformat(), scope="organization")
    page = organization.content.decode()
    assert "事業所連絡会の資料を作る" in page
    assert "短期入所先の見学日程を調整する" in page
    assert "monitoring" in {e.kind for e in organization.context["entries"]}


def test_month_view_holds_the_week_and_links_to_neighbours(world, personas, client_as):
    response = _get(client_as(personas.counselor_a), view="month", date=THURSDAY.isoformat())
    assert response.status_code == 200
    kinds = sorted(e.kind for e in response.context["entries"])
    assert kinds == ["conference", "meeting", "meeting", "monitoring", "task"]
    page = response.content.decode()
    assert "令和8年12月" in page
    assert "view=month&amp;date=2026-11-01" in page  # the previous month
    assert "view=month&amp;date=2027-01-01" in page  # the next month
    november = _get(client_as(personas.counselor_a), view="month", date="2026-11-15")
    # November's grid runs into December (to the 6th), but its entries are November's only.
    assert november.context["entries"] == []


def test_the_outsider_sees_nothing_of_office_a(world, personas, client_as):
    for scope in ("mine", "organization"):
        response = _get(client_as(personas.counselor_b), date=THURSDAY.isoformat(), scope=scope)
        assert response.status_code == 200
        assert response.context["entries"] == []
        page = response.content.decode()
        assert PERSON_FAMILY not in page
        assert "短期入所先" not in page


def test_the_core_center_does_not_see_a_case_it_is_not_on(world, personas, client_as):
    response = _get(client_as(personas.core_officer), scope="organization", date="2026-12-03")
    assert response.context["entries"] == []


def test_the_read_is_audited_with_the_persons_shown(world, personas, client_as):
    _get(client_as(personas.counselor_a), view="week", date=THURSDAY.isoformat())
    row = AuditEvent.objects.filter(action=Action.RECORDS_LISTED).latest("pk")
    assert row.detail["view"] == "agenda.calendar"
    assert row.detail["filters"] == {"view": "week", "date": "2026-12-03", "scope": "mine"}
    assert row.person_ids == [world.case.person_id]


@pytest.mark.parametrize(
    "query",
    [
        {"date": "abc"},
        {"date": "99999-01-01"},
        {"date": "1800-01-01"},
        {"view": "year"},
        {"view": "week", "date": str(2**63)},
        {"scope": "everyone"},
    ],
)
def test_bad_input_is_a_japanese_message(world, personas, client_as, query):
    before = AuditEvent.objects.filter(action=Action.RECORDS_LISTED).count()
    response = _get(client_as(personas.counselor_a), **query)
    assert response.status_code == 400
    page = response.content.decode()
    assert "表示する条件を確かめてください" in page
    assert "短期入所先" not in page
    assert AuditEvent.objects.filter(action=Action.RECORDS_LISTED).count() == before


def test_era_dates_are_read_too(world, personas, client_as):
    response = _get(client_as(personas.counselor_a), date="R8.12.3")
    assert response.status_code == 200
    assert response.context["period"].first == MONDAY


def test_the_edges_of_the_calendar_have_no_link_past_them(personas, client_as):
    client = client_as(personas.counselor_a)
    last = _get(client, view="month", date="2100-12-31")
    assert last.status_code == 200
    assert last.context["next_query"] == ""
    first = _get(client, view="week", date="1868-01-25")
    assert first.status_code == 200
    assert first.context["previous_query"] == ""


def test_periods():
    week = period_of(WEEK, THURSDAY)
    assert (week.first, week.last) == (MONDAY, dt.date(2026, 12, 6))
    assert (week.previous, week.next) == (dt.date(2026, 11, 23), dt.date(2026, 12, 7))
    month = period_of(MONTH, THURSDAY)
    assert (month.first, month.last) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert (month.grid_first, month.grid_last) == (MONDAY, dt.date(2027, 1, 3))
    assert len(month.weeks()) == 5
    assert all(len(w) == 7 for w in month.weeks())


def test_the_menu_links_to_the_calendar(personas, client_as):
    page = client_as(personas.counselor_a).get(reverse("dashboard:home")).content.decode()
    assert f'href="{reverse("agenda:agenda")}"' in page


def test_the_week_runs_a_fixed_number_of_queries(world, personas, client_as):
    client = client_as(personas.counselor_a)
    _get(client, date=THURSDAY.isoformat())  # the session's first-request upkeep
    with CaptureQueriesContext(connection) as first:
        _get(client, date=THURSDAY.isoformat())
    for _ in range(4):
        build_agenda_world(personas, MONDAY)
    with CaptureQueriesContext(connection) as more:
        response = _get(client, date=THURSDAY.isoformat())
    assert len(response.context["entries"]) == 5 * 5
    assert len(more) == len(first), [q["sql"] for q in more.captured_queries]


def test_the_month_is_named_as_dates_are():
    from django.utils import translation

    from tsunagu.core.dates import display_month

    assert display_month(dt.date(2019, 4, 1)) == "平成31年4月"
    assert display_month(dt.date(2019, 5, 1)) == "令和元年5月"
    assert display_month(dt.date(1868, 1, 1)) == "1868-01"  # before Meiji: no era to name
    with translation.override("en"):
        assert display_month(dt.date(2026, 12, 1)) == "2026-12"
