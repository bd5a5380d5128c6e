"""どう？ lands on the counselor's timeline as the person's own entry, flagged to the counselor
and in the next monitoring; "who looked" names organizations and roles, never staff; the rights
page shows consents and sends requests, never changes (issue 22 items 3-5)."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.notifications.models import Notification, NotificationKind
from tsunagu.people.tests.factories import ConsentFactory
from tsunagu.plans.tests.factories import MonitoringFactory
from tsunagu.portal.models import CheckIn, PortalRequest, RequestKind
from tsunagu.portal.tests.factories import invite_person, portal_client
from tsunagu.records.models import NoteKind


def test_a_checkin_reaches_the_timeline_the_bell_and_the_monitoring(personas, world, client_as):
    monitoring = MonitoringFactory.create(plan__case=world.case)
    account, code = invite_person(world.case, personas.counselor_a)
    client = portal_client(account, code)
    assert client.get("/my/checkin/").status_code == 200
    step2 = client.post("/my/checkin/", {"mood": "okay"})
    assert step2.status_code == 200
    assert "もう少しおしえてください" in step2.content.decode()
    done = client.post(
        "/my/checkin/",
        {"step": "2", "mood": "okay", "better": "作業所に毎日行けた", "hard": "朝おきるのがつらい"},
    )
    assert done.status_code == 302

    checkin = CheckIn.objects.get(account=account)
    assert checkin.monitoring == monitoring
    note = checkin.note
    assert note is not None
    assert note.kind == NoteKind.PERSON_VOICE
    assert note.author is None
    assert note.case == world.case

    counselor = client_as(personas.counselor_a)
    timeline = counselor.get(f"/records/cases/{world.case.pk}/notes/").content.decode()
    assert "作業所に毎日行けた" in timeline
    assert "本人がポータルから" in timeline
    assert Notification.objects.filter(
        recipient=personas.counselor_a, kind=NotificationKind.CHECKIN_ARRIVED
    ).exists()
    bell = counselor.get("/notifications/").content.decode()
    assert "「どう？」の答え" in bell
    record = counselor.get(f"/plans/monitorings/{monitoring.pk}/").content.decode()
    assert "本人の声（どう？）" in record
    assert "朝おきるのがつらい" in record
    # The API lists the person's entry with no staff author.
    notes = (
        Client()
        .get(
            f"/api/v1/cases/{world.case.pk}/notes",
            HTTP_AUTHORIZATION=f"Bearer {api_token_for(personas.counselor_a, personas.office_a)}",
        )
        .json()
    )
    assert "results" in notes, notes
    mine = next(n for n in notes["results"] if n["id"] == note.pk)
    assert mine["author"] is None
    assert mine["kind"] == "person_voice"


def test_a_checkin_without_a_face_is_asked_again(personas, world):
    account, code = invite_person(world.case, personas.counselor_a)
    client = portal_client(account, code)
    response = client.post("/my/checkin/", {"mood": "<script>"})
    assert response.status_code == 400
    assert "どれか1つをえらんでください" in response.content.decode()
    bad = client.post("/my/checkin/", {"step": "2", "mood": "okay", "better": "x" * 2001})
    assert bad.status_code == 400
    assert not CheckIn.objects.exists()


def test_who_looked_names_the_organization_and_role_not_the_staff(personas, world, client_as):
    account, code = invite_person(world.case, personas.counselor_a)
    client_as(personas.counselor_a).get(f"/cases/{world.case.pk}/")
    client = portal_client(account, code)
    page = client.get("/my/access/").content.decode()
    assert personas.office_a.name in page
    assert "相談員" in page  # counselor_a's job title
    for name in (personas.counselor_a.username, personas.counselor_a.full_name):
        assert name not in page
    # Asking about an access lands with the counselor.
    link = page.split('href="/my/access/')[1].split("/")[0]
    asked = client.post(f"/my/access/{link}/ask/", {"text": "この日はなにを見ましたか？"})
    assert asked.status_code == 302
    request = PortalRequest.objects.get(account=account)
    assert request.kind == RequestKind.ACCESS_QUESTION
    assert request.audit_event_id == int(link)
    assert Notification.objects.filter(
        recipient=personas.counselor_a, kind=NotificationKind.PORTAL_REQUEST
    ).exists()
    staff_page = client_as(personas.counselor_a).get(f"/portal/cases/{world.case.pk}/")
    assert "この日はなにを見ましたか？" in staff_page.content.decode()


def test_rights_show_consents_and_a_change_is_only_a_request(personas, world):
    consent = ConsentFactory.create(
        person=world.case.person,
        obtained_on=timezone.localdate() - dt.timedelta(days=10),
        expires_on=timezone.localdate() + dt.timedelta(days=300),
    )
    consent.organizations.add(personas.office_b)
    account, code = invite_person(world.case, personas.counselor_a)
    client = portal_client(account, code)
    page = client.get("/my/rights/").content.decode()
    assert personas.office_b.name in page
    assert "記録を見せてほしいと伝える" in page
    sent = client.post(
        f"/my/rights/ask/consent_change/?consent={consent.pk}", {"text": "かえでには見せたくない"}
    )
    assert sent.status_code == 302
    request = PortalRequest.objects.get(account=account)
    assert request.kind == RequestKind.CONSENT_CHANGE
    assert request.consent_id == consent.pk
    consent.refresh_from_db()
    assert consent.withdrawn_at is None  # a request, never a direct change
    assert client.post("/my/rights/ask/disclosure/", {"text": ""}).status_code == 302
    assert client.get("/my/rights/ask/nonsense/").status_code == 404


def test_the_plan_page_is_the_include_point(personas, world):
    account, code = invite_person(world.case, personas.counselor_a)
    page = portal_client(account, code).get("/my/plan/").content.decode()
    assert 'data-testid="plan-include-point"' in page
