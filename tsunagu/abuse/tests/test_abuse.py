"""Abuse response (issue 20 item 1): a report from receipt through fact-finding and the
core-member meeting to closure, counted in the yearly survey; the reporter's identity shown
only to the response team; an overdue fact-finding on the city's list."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.abuse import access, selectors, services
from tsunagu.abuse.models import AbuseReport, ReportStatus
from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.core.dates import fiscal_year
from tsunagu.core.errors import FieldErrors, Forbidden, Invalid, NotFound
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

REPORTER = "通報者山田一郎"


def _receive(personas, *, hours_ago: float = 1, abuser_type: str = "carer", **over):
    data = {
        "received_at": timezone.now() - dt.timedelta(hours=hours_ago),
        "abuser_type": abuser_type,
        "abuse_types": ["physical", "psychological"],
        "summary": "近所の方から、怒鳴り声とあざについて通報。",
        "victim_label": "Aさん（40代男性）",
        "response_team": [personas.city_official],
        "reporter_name": REPORTER,
        "reporter_contact": "090-0000-0000",
        "reporter_relation": "近所の人",
        **over,
    }
    return services.report_receive(actor_as(personas.city_official), **data)


def _api(client, user, org, method, path, body=None):
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(user, org)}"}
    if method == "GET":
        return client.get(path, **kwargs)
    data = body if isinstance(body, str) else json.dumps(body or {})
    return client.generic(method, path, data=data, content_type="application/json", **kwargs)


def _last_event() -> int:
    last = AuditEvent.objects.order_by("-pk").first()
    return last.pk if last else 0


# --- The whole way, on the screens -------------------------------------------------------------


def test_a_report_goes_from_receipt_to_closure_and_is_counted(personas, client_as):
    city = client_as(personas.city_official)
    today = timezone.localdate()
    received = timezone.localtime() - dt.timedelta(hours=2)
    response = city.post(
        reverse("abuse:report_create"),
        {
            "received_at": received.strftime("%Y-%m-%dT%H:%M"),
            "victim_label": "Bさん",
            "abuser_type": "carer",
            "abuse_types": ["economic", "neglect"],
            "summary": "年金を家族が使い込んでいる。",
            "reporter_name": REPORTER,
            "reporter_relation": "民生委員",
            "response_team": [personas.city_official.pk, personas.core_officer.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()
    report = AbuseReport.objects.get()
    assert report.status == ReportStatus.RECEIVED
    assert report.fact_finding_due - report.received_at == dt.timedelta(hours=48)
    detail = reverse("abuse:report_detail", args=[report.pk])
    assert REPORTER in city.get(detail).content.decode()

    steps = [
        (
            "abuse:fact_finding",
            {"visited_on": today, "visited_by": "市職員2名", "findings": "確認"},
        ),
        (
            "abuse:judgement",
            {
                "meeting_on": today,
                "attendees": "課長、担当、基幹",
                "judgement": "abuse",
                "measures": ["guardianship", "carer_support"],
            },
        ),
    ]
    for name, body in steps:
        response = city.post(reverse(name, args=[report.pk]), body)
        assert response.status_code == 302, (name, response.content.decode())
    assert city.post(reverse("abuse:monitoring", args=[report.pk])).status_code == 302
    response = city.post(
        reverse("abuse:close", args=[report.pk]), {"closed_on": today, "note": "後見人選任"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.CLOSED
    assert report.fact_found_at is not None
    assert report.fact_found_at <= report.fact_finding_due
    assert report.measures == ["guardianship", "carer_support"]

    year = fiscal_year(timezone.localtime(report.received_at).date())
    survey = selectors.survey(actor_as(personas.city_official), year)
    assert survey.total == 1
    carer = next(row for row in survey.by_type if row[0] == "carer")
    # economic and neglect of five types, in the AbuseType order
    assert carer[2] == [0, 0, 0, 1, 1]
    assert carer[3] == 1
    abuse = next(row for row in survey.by_outcome if row[0] == "abuse")
    assert abuse[2] == [1, 0, 0]
    guardianship = next(row for row in survey.by_measure if row[0] == "guardianship")
    assert guardianship[2] == [1, 0, 0]
    page = city.get(reverse("abuse:survey"), {"fiscal_year": year})
    assert page.status_code == 200
    assert "後見" in page.content.decode()
    xlsx = city.get(reverse("abuse:survey_export"), {"fiscal_year": year, "format": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"].endswith(f'abuse-survey-{year}.xlsx"')


def test_the_steps_keep_their_order(personas):
    report = _receive(personas)
    city = actor_as(personas.city_official)
    with pytest.raises(Invalid):
        services.judgement_record(
            city, report=report, meeting_on=timezone.localdate(), attendees="x", judgement="abuse"
        )
    with pytest.raises(Invalid):
        services.report_close(city, report=report, closed_on=timezone.localdate())
    with pytest.raises(FieldErrors):
        services.fact_finding_record(
            city,
            report=report,
            visited_on=timezone.localdate() - dt.timedelta(days=30),
            visited_by="x",
            findings="x",
        )


def test_facility_abuse_is_reported_to_the_prefecture_before_closure(personas, client_as):
    report = _receive(personas, abuser_type="facility")
    city = actor_as(personas.city_official)
    today = timezone.localdate()
    services.fact_finding_record(
        city, report=report, visited_on=today, visited_by="x", findings="y"
    )
    services.judgement_record(
        city, report=report, meeting_on=today, attendees="x", judgement="abuse"
    )
    with pytest.raises(Invalid):
        services.report_close(city, report=report, closed_on=today)
    client = client_as(personas.city_official)
    response = client.post(reverse("abuse:prefecture", args=[report.pk]), {"reported_on": today})
    assert response.status_code == 302
    services.report_close(city, report=report, closed_on=today)
    report.refresh_from_db()
    assert report.status == ReportStatus.CLOSED
    assert report.prefecture_reported_on == today
    # A carer's abuse is not reported to the prefecture.
    with pytest.raises(Invalid):
        services.prefecture_record(city, report=_receive(personas), reported_on=today)


# --- The reporter is protected -----------------------------------------------------------------


def test_the_reporter_is_shown_only_to_the_response_team(personas, client_as, client):
    # The person registered by the city, with a case led by office A: the link must not make
    # the report visible to the case's team.
    person = PersonFactory.create(registered_by_organization=personas.city)
    CaseFactory.create(
        person=person, lead_organization=personas.office_a, lead_worker=personas.counselor_a
    )
    report = _receive(personas, person=person)
    detail = reverse("abuse:report_detail", args=[report.pk])

    before = _last_event()
    page = client_as(personas.city_official).get(detail).content.decode()
    assert REPORTER in page
    assert "090-0000-0000" in page
    shown = AuditEvent.objects.filter(pk__gt=before, action=access.ACTION_REPORTER_VIEWED)
    assert shown.filter(actor=personas.city_official, target_id=str(report.pk)).count() == 1

    # The core center's officer sees the report (a response organization) but is not on its
    # team: no reporter, and no reporter-read row.
    before = _last_event()
    response = client_as(personas.core_officer).get(detail)
    assert response.status_code == 200
    assert REPORTER not in response.content.decode()
    assert "近所の人" not in response.content.decode()
    assert not AuditEvent.objects.filter(pk__gt=before, action=access.ACTION_REPORTER_VIEWED)
    assert AuditEvent.objects.filter(
        pk__gt=before, action=Action.RECORD_VIEWED, target_id=str(report.pk)
    ).exists()
    api = _api(
        client,
        personas.core_officer,
        personas.core_center,
        "GET",
        f"/api/v1/abuse/reports/{report.pk}",
    )
    assert api.status_code == 200
    assert api.json()["reporter"] is None
    mine = _api(
        client, personas.city_official, personas.city, "GET", f"/api/v1/abuse/reports/{report.pk}"
    )
    assert mine.json()["reporter"]["name"] == REPORTER
    listed = _api(client, personas.city_official, personas.city, "GET", "/api/v1/abuse/reports")
    assert listed.json()["count"] == 1
    assert listed.json()["results"][0]["reporter"] is None
    assert REPORTER not in listed.content.decode()

    # The person's case team (office A) and any other office: the 404 of a page that does not
    # exist, audited.
    for user, org in (
        (personas.counselor_a, personas.office_a),
        (personas.counselor_b, personas.office_b),
    ):
        before = _last_event()
        assert client_as(user).get(detail).status_code == 404
        assert client_as(user).get(reverse("abuse:report_list")).status_code == 404
        assert (
            _api(client, user, org, "GET", f"/api/v1/abuse/reports/{report.pk}").status_code == 404
        )
        assert AuditEvent.objects.filter(
            pk__gt=before, action=Action.ACCESS_DENIED, actor=user
        ).exists()
    with pytest.raises(NotFound):
        access.access_report(actor_as(personas.counselor_a), report.pk)

    # The log never holds the reporter's identity.
    assert not AuditEvent.objects.filter(detail__icontains=REPORTER).exists()


def test_the_response_team_is_chosen_from_the_response_organizations(personas):
    with pytest.raises(FieldErrors):
        _receive(personas, response_team=[personas.counselor_a])
    report = _receive(personas)
    city = actor_as(personas.city_official)
    services.team_set(city, report=report, response_team=[personas.core_officer])
    assert access.sees_reporter(actor_as(personas.core_officer), report)
    assert not access.sees_reporter(city, report)
    with pytest.raises(Forbidden):
        services.team_set(
            actor_as(personas.counselor_a), report=report, response_team=[personas.core_officer]
        )


def test_a_person_the_actor_does_not_see_cannot_be_linked(personas):
    hidden = PersonFactory.create(registered_by_organization=personas.office_b)
    with pytest.raises(FieldErrors):
        _receive(personas, person=hidden)


# --- The deadline ----------------------------------------------------------------------------


def test_an_overdue_fact_finding_is_on_the_citys_list(personas, client_as, client, settings):
    late = _receive(personas, hours_ago=72, victim_label="期限切れのCさん")
    fresh = _receive(personas, hours_ago=1, victim_label="受付直後のDさん")
    assert list(selectors.overdue(actor_as(personas.city_official))) == [late]
    page = client_as(personas.city_official).get(reverse("abuse:report_list")).content.decode()
    section = page.split('id="overdue-heading"')[1].split("</section>")[0]
    assert "期限切れのCさん" in section
    assert "受付直後のDさん" not in section
    api = _api(
        client, personas.city_official, personas.city, "GET", "/api/v1/abuse/reports/overdue"
    )
    assert [r["id"] for r in api.json()["results"]] == [late.pk]
    assert api.json()["results"][0]["overdue"] is True
    # The deadline is a setting.
    settings.TSUNAGU_ABUSE_FACT_FINDING_HOURS = 0
    quick = _receive(personas, hours_ago=0.5)
    assert quick.fact_finding_due == quick.received_at
    # Recorded, the fact-finding takes the report off the list.
    services.fact_finding_record(
        actor_as(personas.city_official),
        report=late,
        visited_on=timezone.localdate(),
        visited_by="x",
        findings="y",
    )
    assert fresh not in selectors.overdue(actor_as(personas.city_official))
    assert late not in selectors.overdue(actor_as(personas.city_official))


def test_an_overdue_fact_finding_is_notified_once_to_the_team_and_the_core_center(personas):
    from io import StringIO

    from django.core.management import call_command

    from tsunagu.notifications.models import Notification, NotificationKind
    from tsunagu.notifications.registry import render_targets

    late = _receive(personas, hours_ago=49, victim_label="期限切れのEさん")
    _receive(personas, hours_ago=47)  # not yet due
    done = _receive(personas, hours_ago=60)  # found in time, recorded late in the list's eyes
    services.fact_finding_record(
        actor_as(personas.city_official),
        report=done,
        visited_on=timezone.localdate(),
        visited_by="市職員",
        findings="確認済み",
    )
    marker = _last_event()
    out = StringIO()
    call_command("notify_abuse_fact_findings_overdue", stdout=out)
    assert "notified 1 " in out.getvalue()
    sent = Notification.objects.filter(kind=NotificationKind.ABUSE_FACT_FINDING_OVERDUE)
    assert {(n.recipient_id, n.target_id) for n in sent} == {
        (personas.city_official.pk, late.pk),  # the response team
        (personas.core_officer.pk, late.pk),  # the core center
    }
    [event] = AuditEvent.objects.filter(pk__gt=marker, action=services.ACTION_OVERDUE_NOTIFIED)
    assert event.target_id == str(late.pk)
    assert event.detail["recipients"] == sorted(
        [personas.city_official.pk, personas.core_officer.pk]
    )
    assert REPORTER not in json.dumps(event.detail, ensure_ascii=False)
    # Once per report: the next hour's run sends nothing more.
    assert services.overdue_notify() == []
    assert sent.count() == 2
    # The bell links the response organizations to the report and names nobody; anyone else
    # sees it as no longer visible.
    key = ("abuse.abusereport", late.pk)
    shown = render_targets(actor_as(personas.core_officer), [key])[key]
    assert shown.url == reverse("abuse:report_detail", args=[late.pk])
    assert "Eさん" not in shown.title
    assert REPORTER not in shown.title
    assert render_targets(actor_as(personas.counselor_a), [key]) == {}


# --- The API does what the screens do; bad input never 500s ---------------------------------


def test_the_api_takes_a_report_through_to_closure(personas, client):
    def call(method, path, body=None):
        return _api(client, personas.city_official, personas.city, method, path, body)

    today = timezone.localdate().isoformat()
    created = call(
        "POST",
        "/api/v1/abuse/reports",
        {
            "received_at": (timezone.now() - dt.timedelta(hours=3)).isoformat(),
            "victim_label": "Eさん",
            "abuser_type": "employer",
            "abuse_types": ["economic"],
            "summary": "賃金が払われていない。",
            "reporter_name": REPORTER,
            "response_team_ids": [personas.city_official.pk],
        },
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["reporter"]["name"] == REPORTER
    base = f"/api/v1/abuse/reports/{pk}"
    for path, body in (
        ("/fact-finding", {"visited_on": today, "visited_by": "x", "findings": "y"}),
        ("/judgement", {"meeting_on": today, "attendees": "x", "judgement": "abuse"}),
        ("/monitoring", {}),
        ("/prefecture", {"reported_on": today}),
        ("/close", {"closed_on": today}),
    ):
        response = call("POST", base + path, body)
        assert response.status_code == 200, (path, response.content)
    assert call("GET", base).json()["status"] == "closed"
    year = fiscal_year(timezone.localdate())
    survey = call("GET", f"/api/v1/abuse/survey?fiscal_year={year}").json()
    assert survey["total"] == 1
    team = call("PUT", base + "/team", {"response_team_ids": [personas.core_officer.pk]})
    assert team.status_code == 200
    assert team.json()["reporter"] is None


def test_bad_input_is_refused_in_japanese(personas, client_as, client):
    city = client_as(personas.city_official)
    form = city.get(reverse("abuse:report_create"))
    assert form.status_code == 200
    assert "対応チーム" in form.content.decode()
    assert city.get(reverse("abuse:survey")).status_code == 200
    assert client_as(personas.counselor_a).get(reverse("abuse:survey")).status_code == 404
    assert client_as(personas.counselor_a).get(reverse("abuse:report_create")).status_code == 404
    assert city.get(reverse("abuse:survey"), {"fiscal_year": "99999"}).status_code == 400
    assert city.get(reverse("abuse:survey"), {"fiscal_year": "あ"}).status_code == 400
    assert city.get(reverse("abuse:survey_export"), {"fiscal_year": "x"}).status_code == 404
    assert city.get(f"/abuse/{2**63}/").status_code == 404
    assert city.get("/abuse/%ED%A0%80/").status_code == 404
    response = city.post(reverse("abuse:report_create"), {"victim_label": "x"})
    assert response.status_code == 400
    assert "対応チーム" in response.content.decode()

    def call(method, path, body=None):
        return _api(client, personas.city_official, personas.city, method, path, body)

    assert call("POST", "/api/v1/abuse/reports", '"あ"').status_code == 422
    assert call("GET", "/api/v1/abuse/survey?fiscal_year=99999").status_code == 422
    assert call("GET", f"/api/v1/abuse/reports/{2**63}").status_code == 404
    report = _receive(personas)
    bad = call(
        "POST",
        f"/api/v1/abuse/reports/{report.pk}/judgement",
        {"meeting_on": "2026-04-01", "attendees": "x", "judgement": "abuse"},
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["message"]
