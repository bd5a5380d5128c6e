"""Meeting bodies, meetings, action items, the calendar, compliance and .ics."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.core.errors import Conflict, Forbidden, Invalid
from tsunagu.meetings import selectors, services
from tsunagu.meetings.models import (
    BodyKind,
    FrequencyKind,
    Level,
    Meeting,
    MeetingBody,
    MeetingStatus,
)
from tsunagu.meetings.tests.factories import MeetingBodyFactory, MeetingFactory
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.plans.models import Task, TaskSource

pytestmark = pytest.mark.django_db

FY = 2026  # 令和8年度: 2026-04-01 .. 2027-03-31; today is 2026-12-01 in these tests


def _at(day: dt.date, hour: int = 14) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _held(body, *days: dt.date, status=MeetingStatus.HELD):
    return [
        MeetingFactory.create(body=body, starts_at=_at(d), ends_at=_at(d, 16), status=status)
        for d in days
    ]


# --- Compliance -------------------------------------------------------------------------------


def test_a_ward_network_meeting_held_three_times_of_four_is_flagged(personas, ward_network):
    _held(ward_network, dt.date(2026, 5, 20), dt.date(2026, 8, 19), dt.date(2026, 11, 18))
    actor = actor_as(personas.core_officer, personas.core_center)
    # The year is over: nothing more can be held.
    [row] = selectors.compliance(actor=actor, year=FY, today=dt.date(2027, 4, 1))
    assert (row.required, row.held, row.scheduled) == (4, 3, 0)
    assert row.is_short
    assert row.cannot_reach


def test_four_held_is_not_flagged_and_cancelled_or_past_scheduled_do_not_count(
    personas, ward_network
):
    _held(
        ward_network,
        dt.date(2026, 5, 20),
        dt.date(2026, 8, 19),
        dt.date(2026, 11, 18),
        dt.date(2027, 2, 17),
    )
    _held(ward_network, dt.date(2026, 6, 1), status=MeetingStatus.CANCELLED)
    _held(ward_network, dt.date(2025, 11, 1))  # the year before
    actor = actor_as(personas.city_official, personas.city)
    [row] = selectors.compliance(actor=actor, year=FY, today=dt.date(2027, 4, 1))
    assert (row.held, row.is_short) == (4, False)


def test_a_scheduled_meeting_still_ahead_makes_it_reachable(personas, ward_network):
    _held(ward_network, dt.date(2026, 5, 20), dt.date(2026, 8, 19), dt.date(2026, 11, 18))
    _held(ward_network, dt.date(2027, 2, 17), status=MeetingStatus.SCHEDULED)
    actor = actor_as(personas.core_officer, personas.core_center)
    [row] = selectors.compliance(actor=actor, year=FY, today=dt.date(2026, 12, 1))
    # Eight months passed: two of four are due by now, three were held (pro rata, item 9).
    assert (row.due, row.is_short) == (2, False)
    assert not row.cannot_reach
    assert row.scheduled == 1


def test_a_council_of_may_october_february_misses_a_month(personas):
    council = MeetingBodyFactory.create(
        name="みどり市障害者自立支援協議会",
        kind=BodyKind.COUNCIL,
        level=Level.MACRO,
        frequency_kind=FrequencyKind.MONTHS,
        frequency_months=[5, 10, 2],
        secretariats=[personas.city],
    )
    _held(council, dt.date(2026, 5, 25), dt.date(2026, 11, 5))  # October's was held late
    actor = actor_as(personas.core_officer, personas.core_center)
    [row] = selectors.compliance(actor=actor, year=FY, today=dt.date(2026, 12, 1))
    assert row.required == 3
    assert row.missing_months == [10]
    assert row.is_short


def test_the_compliance_screen_shows_the_flag(personas, client_as, ward_network, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(2026, 12, 1))
    _held(ward_network, dt.date(2026, 5, 20), dt.date(2026, 8, 19))
    page = client_as(personas.core_officer).get(reverse("meetings:compliance") + "?year=2025")
    assert page.status_code == 200
    # 令和7年度 has none held: flagged as 不足 (the year is over).
    assert "不足" in page.content.decode()
    page = client_as(personas.core_officer).get(reverse("meetings:compliance"))
    html = page.content.decode()
    assert "令和8年度" in html
    assert "中央区障がい福祉ネットワーク会議" in html
    # December 1: eight months passed, two of four due; two held is on track (pro rata).
    assert "row--flagged" not in html
    assert "順調" in html
    _held(ward_network, dt.date(2026, 11, 18), status=MeetingStatus.CANCELLED)
    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(2027, 1, 5))
    # January 5: nine months passed, three due; two held is flagged.
    html = client_as(personas.core_officer).get(reverse("meetings:compliance")).content.decode()
    assert "row--flagged" in html


# --- Visibility -----------------------------------------------------------------------------


def test_bodies_are_visible_to_members_secretariat_core_and_city_only(personas, ward_network):
    other = MeetingBodyFactory.create(
        name="西区実務者ネットワーク会議", secretariats=[personas.office_b]
    )
    for user, org, expected in (
        (personas.counselor_a, personas.office_a, {ward_network.pk}),
        (personas.counselor_b, personas.office_b, {other.pk}),
        (personas.core_officer, personas.core_center, {ward_network.pk, other.pk}),
        (personas.city_official, personas.city, {ward_network.pk, other.pk}),
    ):
        actor = actor_as(user, org)
        assert set(selectors.bodies_visible_to(actor).values_list("pk", flat=True)) == expected


def test_an_outsider_gets_404_for_a_body_and_its_meetings(personas, client_as, ward_network):
    meeting = _held(ward_network, dt.date(2026, 11, 18))[0]
    outsider = client_as(personas.counselor_b)
    for url in (
        reverse("meetings:body_detail", args=[ward_network.pk]),
        reverse("meetings:meeting_detail", args=[meeting.pk]),
        reverse("meetings:meeting_ics", args=[meeting.pk]),
        reverse("meetings:body_ics", args=[ward_network.pk]),
    ):
        assert outsider.get(url).status_code == 404
    assert (
        AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=personas.counselor_b).count()
        == 4
    )
    cal = outsider.get(reverse("meetings:calendar")).content.decode()
    assert ward_network.name not in cal


# --- Writes ---------------------------------------------------------------------------------


def _meeting_data(day: dt.date) -> dict[str, object]:
    return {
        "title": "第3回 中央区障がい福祉ネットワーク会議",
        "starts_at": _at(day),
        "ends_at": _at(day, 16),
        "format": "hybrid",
        "place": "中央区役所 第1会議室",
        "agenda": "各機関の近況\n地域課題の共有",
    }


def test_the_secretariat_schedules_records_and_audits(personas, ward_network):
    lead = actor_as(personas.core_officer, personas.core_center)
    meeting = services.meeting_create(
        actor=lead, body=ward_network, data=_meeting_data(dt.date(2026, 11, 18))
    )
    assert meeting.agenda_items == ["各機関の近況", "地域課題の共有"]
    meeting = services.meeting_record(
        actor=lead,
        meeting=meeting,
        version=1,
        data={
            "status": MeetingStatus.HELD,
            "minutes": "各機関から近況報告。短期入所の空きが少ない。",
            "decisions": "地域部会に提起する。",
            "guests": "みどり市社会福祉協議会 地域福祉課",
        },
        attendees=[personas.office_a, personas.core_center],
    )
    assert meeting.version == 2
    assert set(meeting.attendee_organizations.all()) == {personas.office_a, personas.core_center}
    assert AuditEvent.objects.filter(
        action=Action.RECORD_UPDATED, target_type="meetings.meeting", target_id=str(meeting.pk)
    ).exists()
    with pytest.raises(Conflict):
        services.meeting_record(actor=lead, meeting=meeting, version=1, data={}, attendees=[])


def test_others_may_not_schedule_and_bad_input_is_refused(personas, ward_network):
    member_only = MeetingBodyFactory.create(
        secretariats=[personas.core_center], members=[personas.office_a]
    )
    with pytest.raises(Forbidden):
        services.meeting_create(
            actor=actor_as(personas.counselor_a, personas.office_a),
            body=member_only,
            data=_meeting_data(dt.date(2026, 12, 10)),
        )
    with pytest.raises(Forbidden):
        services.meeting_create(
            actor=actor_as(personas.reader_a, personas.office_a),
            body=ward_network,
            data=_meeting_data(dt.date(2026, 12, 10)),
        )
    lead = actor_as(personas.core_officer, personas.core_center)
    backwards = {**_meeting_data(dt.date(2026, 12, 10)), "ends_at": _at(dt.date(2026, 12, 10), 9)}
    with pytest.raises(Invalid, match="終了日時"):
        services.meeting_create(actor=lead, body=ward_network, data=backwards)
    future = services.meeting_create(
        actor=lead, body=ward_network, data=_meeting_data(dt.date(2027, 2, 17))
    )
    with pytest.raises(Invalid, match="開催済み"):
        services.meeting_record(
            actor=lead,
            meeting=future,
            version=1,
            data={"status": MeetingStatus.HELD},
            attendees=[],
        )
    with pytest.raises(Invalid, match="ゲスト"):
        services.meeting_record(
            actor=lead, meeting=future, version=1, data={}, attendees=[personas.office_b]
        )
    assert Meeting.objects.filter(body=ward_network).count() == 1


def test_body_create_needs_core_or_city_and_a_sane_frequency(personas):
    data = {
        "name": "中央区自立支援協議会 実務者ネットワーク会議",
        "kind": BodyKind.PRACTITIONER_NETWORK,
        "level": Level.MESO,
        "frequency_kind": FrequencyKind.MONTHS,
        "frequency_months": [5, 13],
    }
    city = actor_as(personas.city_official, personas.city)
    with pytest.raises(Invalid, match="開催月"):
        services.body_create(actor=city, data=data, secretariats=[personas.core_center])
    with pytest.raises(Forbidden):
        services.body_create(
            actor=actor_as(personas.counselor_a, personas.office_a),
            data={**data, "frequency_months": [5]},
            secretariats=[personas.office_a],
        )
    body = services.body_create(
        actor=city, data={**data, "frequency_months": [5, 10, 2]}, secretariats=[personas.city]
    )
    assert body.required_per_year == 3
    assert MeetingBody.objects.count() == 1


def test_action_items_become_tasks_own_at_once_others_when_taken(personas, ward_network):
    lead = actor_as(personas.core_officer, personas.core_center)
    meeting = _held(ward_network, dt.date(2026, 11, 18))[0]
    own = services.action_item_add(
        actor=lead,
        meeting=meeting,
        title="地域部会への提起資料を作る",
        owner_organization=personas.core_center,
        due_on=dt.date(2026, 12, 20),
    )
    assert own.task is not None
    assert own.task.source == TaskSource.MEETING
    assert own.task.case is None
    assert own.task.owner_organization == personas.core_center
    other = services.action_item_add(
        actor=lead,
        meeting=meeting,
        title="短期入所の空き状況を集める",
        owner_organization=personas.office_a,
    )
    assert other.task is None
    with pytest.raises(Forbidden):
        services.action_item_take(actor=lead, item=other)
    taken = services.action_item_take(
        actor=actor_as(personas.counselor_a, personas.office_a), item=other
    )
    assert taken.task is not None
    assert taken.task.owner_organization == personas.office_a
    with pytest.raises(Conflict):
        services.action_item_take(
            actor=actor_as(personas.counselor_a, personas.office_a), item=other
        )
    with pytest.raises(Invalid, match="構成機関"):
        services.action_item_add(
            actor=lead, meeting=meeting, title="x", owner_organization=personas.office_b
        )
    assert Task.objects.filter(source=TaskSource.MEETING).count() == 2


def test_the_home_page_shows_the_next_meetings_and_the_actions_to_take_on(
    personas, client_as, ward_network
):
    lead = actor_as(personas.core_officer, personas.core_center)
    past = _held(ward_network, dt.date(2026, 11, 18))[0]
    ahead = MeetingFactory.create(
        body=ward_network,
        title="第4回 中央区ネットワーク会議",
        starts_at=timezone.now() + dt.timedelta(days=10),
        status=MeetingStatus.SCHEDULED,
    )
    services.action_item_add(
        actor=lead,
        meeting=past,
        title="短期入所の空き状況を集める",
        owner_organization=personas.office_a,
    )
    home = client_as(personas.counselor_a).get("/").content.decode()
    assert "これからの会議" in home
    assert reverse("meetings:meeting_detail", args=[ahead.pk]) in home
    assert "第4回 中央区ネットワーク会議" in home
    assert "短期入所の空き状況を集める" in home
    # Office B is not a member: neither the meeting nor the action reaches its home page.
    other = client_as(personas.counselor_b).get("/").content.decode()
    assert "第4回 中央区ネットワーク会議" not in other
    assert "短期入所の空き状況を集める" not in other
    assert "予定されている会議はありません。" in other


# --- Screens, calendar, .ics -----------------------------------------------------------------


def test_create_and_record_a_meeting_on_screen(personas, client_as, ward_network):
    client = client_as(personas.core_officer)
    url = reverse("meetings:meeting_create", args=[ward_network.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"starts_at": "2026-12-10T14:00", "ends_at": "", "format": "online"})
    assert bad.status_code == 400
    assert "入力内容を確認してください" in bad.content.decode()
    response = client.post(
        url,
        {
            "title": "第4回",
            "starts_at": "2026-11-30T14:00",
            "ends_at": "2026-11-30T16:00",
            "format": "in_person",
            "place": "中央区役所",
            "agenda": "近況報告",
        },
    )
    meeting = Meeting.objects.get(title="第4回")
    assert response.status_code == 302
    record_url = reverse("meetings:meeting_record", args=[meeting.pk])
    page = client.get(record_url).content.decode()
    assert "個人が特定される情報" in page  # the help text of the minutes
    response = client.post(
        record_url,
        {
            "version": 1,
            "status": "held",
            "attendees": [personas.office_a.pk],
            "minutes": "空き状況を共有",
            "decisions": "次回までに一覧を作る",
        },
    )
    assert response.status_code == 302
    stale = client.post(record_url, {"version": 1, "status": "held", "minutes": "上書き"})
    assert stale.status_code == 409
    assert "上書き" in stale.content.decode()  # nothing typed is lost
    response = client.post(
        reverse("meetings:action_add", args=[meeting.pk]),
        {"title": "空き一覧を作る", "owner_organization": personas.core_center.pk},
    )
    assert response.status_code == 302
    detail = client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert "空き一覧を作る" in detail
    assert "空き状況を共有" in detail
    # A member that is not the secretariat reads but may not write.
    member = client_as(personas.counselor_a)
    assert member.get(reverse("meetings:meeting_detail", args=[meeting.pk])).status_code == 200


def test_read_only_and_non_secretariat_get_403_on_write_screens(personas, client_as):
    body = MeetingBodyFactory.create(
        secretariats=[personas.core_center], members=[personas.office_a]
    )
    meeting = _held(body, dt.date(2026, 11, 18))[0]
    member = client_as(personas.counselor_a)
    assert member.get(reverse("meetings:meeting_create", args=[body.pk])).status_code == 403
    assert member.get(reverse("meetings:meeting_record", args=[meeting.pk])).status_code == 403
    assert member.get(reverse("meetings:body_create")).status_code == 403


def test_ics_of_a_meeting_and_of_a_year(personas, client_as, ward_network):
    meetings = _held(ward_network, dt.date(2026, 5, 20), dt.date(2026, 11, 18))
    client = client_as(personas.counselor_a)
    response = client.get(reverse("meetings:meeting_ics", args=[meetings[0].pk]))
    assert response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    [event] = cal.walk("VEVENT")
    assert str(event["summary"]).startswith("中央区障がい福祉ネットワーク会議")
    assert event.decoded("dtstart") == meetings[0].starts_at
    year = client.get(reverse("meetings:body_ics", args=[ward_network.pk]) + "?year=2026")
    events = icalendar.Calendar.from_ical(year.content).walk("VEVENT")
    assert len(events) == 2


def test_the_annual_calendar_lists_the_year_by_month(personas, client_as, ward_network):
    _held(ward_network, dt.date(2026, 5, 20), dt.date(2027, 2, 17))
    html = client_as(personas.counselor_a).get(reverse("meetings:calendar")).content.decode()
    assert "2026年5月" in html
    assert "2027年3月" in html
    assert html.count("中央区障がい福祉ネットワーク会議") >= 2
