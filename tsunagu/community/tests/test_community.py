"""Community activities, awareness events and outreach leads (issue 21 items 1-3)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.models import Channel, Consultation, Consulter
from tsunagu.community import access, selectors, services
from tsunagu.community.models import (
    ActivityKind,
    AwarenessEvent,
    CommunityActivity,
    LeadStatus,
    OutreachLead,
)
from tsunagu.community.tests.factories import CommunityWorld, make_world
from tsunagu.core.dates import fiscal_year
from tsunagu.core.errors import FieldErrors, Forbidden, Invalid
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.records.tests.factories import minimal_pdf

TODAY = timezone.localdate


@pytest.fixture
def w(db) -> CommunityWorld:
    return make_world()


def _api(client: Client, user, method: str, path: str, body: Any = None):
    token = api_token_for(user, user.memberships.get(is_primary=True).organization)
    kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if method == "GET":
        return client.get(path, **kwargs)
    data = body if isinstance(body, str) else json.dumps(body or {}, ensure_ascii=False)
    return client.generic(method, path, data=data, content_type="application/json", **kwargs)


def _marker() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _activity(personas, w, **kw) -> CommunityActivity:
    fields = {
        "kind": ActivityKind.NETWORK,
        "title": "民生委員児童委員協議会の定例会で説明",
        "held_on": TODAY() - dt.timedelta(days=3),
        "area": w.district,
        "welfare_commissioners": 14,
        **kw,
    }
    return services.activity_create(actor_as(personas.counselor_a), **fields)


def _lead(personas, w, **kw) -> OutreachLead:
    fields = {
        "label": "Kさん",
        "area": w.district,
        "worried_by": "welfare_commissioner",
        "concern": "母親が亡くなってから外に出ていない様子",
        "received_on": TODAY() - dt.timedelta(days=10),
        "basis": "consent",
        "consent_given_on": TODAY() - dt.timedelta(days=10),
        "consent_confirmed_by": "担当の民生委員",
        **kw,
    }
    return services.lead_create(actor_as(personas.counselor_a), **fields)


# --- Activities -------------------------------------------------------------------------------


def test_an_activity_is_logged_on_the_screen_with_partners_and_counts(personas, w, client_as):
    client = client_as(personas.counselor_a)
    marker = _marker()
    response = client.post(
        reverse("community:activity_create"),
        {
            "kind": "network",
            "title": "ささえりあとの連絡会",
            "held_on": (TODAY() - dt.timedelta(days=1)).isoformat(),
            "area": w.district.pk,
            "partners": [personas.core_center.pk],
            "informal_partners": "青葉町内会、ふれあいサロン",
            "residents": 5,
            "students": 0,
            "firms": 1,
            "welfare_commissioners": 3,
            "others": 0,
            "resource_found": "見守りボランティア",
        },
    )
    assert response.status_code == 302, response.content.decode()
    activity = CommunityActivity.objects.get()
    assert activity.organization == personas.office_a
    assert activity.participants == 9
    assert activity.informal_partner_list == ["青葉町内会", "ふれあいサロン"]
    assert list(activity.partners.all()) == [personas.core_center]
    created = AuditEvent.objects.filter(pk__gt=marker, action=Action.RECORD_CREATED)
    assert created.get().target_id == str(activity.pk)
    page = client.get(reverse("community:activity_detail", args=[activity.pk]))
    assert "見守りボランティア" in page.content.decode()


def test_bad_input_on_the_screen_is_a_japanese_message(personas, w, client_as):
    client = client_as(personas.counselor_a)
    response = client.post(
        reverse("community:activity_create"),
        {
            "kind": "network",
            "title": "x",
            "held_on": "99999-01-01",
            "area": 2**63,
            "consultation": 2**63,
            "residents": -1,
        },
    )
    assert response.status_code == 400
    assert "地域" in response.content.decode()
    assert not CommunityActivity.objects.exists()
    assert client.get(reverse("community:home") + "?fiscal_year=99999").status_code == 404


def test_an_activity_links_only_a_consultation_the_actor_sees(personas, w):
    from tsunagu.cases.tests.factories import ConsultationFactory

    theirs = ConsultationFactory.create(
        organization=personas.office_b, received_by=personas.counselor_b
    )
    with pytest.raises(FieldErrors):
        _activity(personas, w, consultation=theirs)
    ours = ConsultationFactory.create(
        organization=personas.office_a, received_by=personas.counselor_a
    )
    activity = _activity(personas, w, consultation=ours)
    assert access.consultation_shown(actor_as(personas.counselor_a), activity)
    # The core center reads the activity (oversight) but not office A's consultation.
    core = actor_as(personas.core_officer)
    assert access.access_activity(core, activity.pk) == activity
    assert not access.consultation_shown(core, activity)


def test_only_the_owner_changes_an_activity_and_the_change_is_audited(personas, w, client_as):
    activity = _activity(personas, w)
    edit = reverse("community:activity_edit", args=[activity.pk])
    assert client_as(personas.counselor_b).get(edit).status_code == 404
    assert client_as(personas.core_officer).get(edit).status_code == 403
    assert client_as(personas.reader_a).get(edit).status_code == 403
    marker = _marker()
    response = _api(
        Client(),
        personas.colleague_a,
        "PUT",
        f"/api/v1/community/activities/{activity.pk}",
        {
            "kind": "resources",
            "held_on": activity.held_on.isoformat(),
            "title": activity.title,
            "area_id": w.ward.pk,
            "residents": 7,
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["kind"] == "resources"
    event = AuditEvent.objects.filter(pk__gt=marker, action=Action.RECORD_UPDATED).get()
    assert event.detail["changed"]["kind"] == ["network", "resources"]


def test_the_api_refuses_bad_bodies_with_json_errors(personas, w):
    client = Client()
    path = "/api/v1/community/activities"
    for body in (
        '"a string"',
        {"kind": "network", "held_on": "99999-01-01", "title": "x", "area_id": w.ward.pk},
        {"kind": "network", "held_on": "2026-04-01", "title": "x", "area_id": 2**63},
        '{"kind": "network", "held_on": "2026-04-01", "title": "\\ud800", "area_id": 1}',
    ):
        response = _api(client, personas.counselor_a, "POST", path, body)
        assert response.status_code in (400, 422), (body, response.content)
        assert "error" in response.json() or "detail" in response.json()
    assert _api(client, personas.counselor_a, "GET", f"{path}/{2**63}").status_code == 404
    assert _api(client, personas.counselor_a, "GET", f"{path}?fiscal_year=99999").status_code in (
        400,
        422,
    )


def test_outsiders_get_404_on_every_object_url(personas, w, client_as, private_media):
    event = services.awareness_create(
        actor_as(personas.counselor_a),
        title="サポーター研修",
        held_on=TODAY(),
        area=w.ward,
        theme="supporter_training",
        audiences=["residents"],
        supporters_completed=8,
    )
    material = services.materials_add(
        actor_as(personas.counselor_a),
        event=event,
        files=[SimpleUploadedFile("資料.pdf", minimal_pdf())],
    )[0]
    lead = _lead(personas, w)
    a, m, lead_id = event.activity_id, material.pk, lead.pk
    screens = [
        reverse("community:activity_detail", args=[a]),
        reverse("community:activity_edit", args=[a]),
        reverse("community:awareness_results", args=[a]),
        reverse("community:materials_add", args=[a]),
        reverse("community:material_download", args=[m]),
        reverse("community:lead_detail", args=[lead_id]),
        reverse("community:lead_contact", args=[lead_id]),
        reverse("community:lead_consent", args=[lead_id]),
        reverse("community:lead_connect", args=[lead_id]),
        reverse("community:lead_close", args=[lead_id]),
    ]
    outsider = client_as(personas.counselor_b)
    marker = _marker()
    for url in screens:
        assert outsider.get(url).status_code == 404, url
        assert outsider.post(url, {}).status_code in (404, 405), url
    denied = AuditEvent.objects.filter(pk__gt=marker, action=Action.ACCESS_DENIED)
    assert denied.count() >= len(screens)
    owner = client_as(personas.counselor_a)
    for url in screens:
        assert owner.get(url).status_code == 200, url
    apis = [
        ("GET", f"/api/v1/community/activities/{a}"),
        ("PUT", f"/api/v1/community/activities/{a}"),
        ("GET", f"/api/v1/community/activities/{a}/awareness"),
        ("PUT", f"/api/v1/community/activities/{a}/awareness"),
        ("GET", f"/api/v1/community/activities/{a}/materials"),
        ("POST", f"/api/v1/community/activities/{a}/materials"),
        ("GET", f"/api/v1/community/materials/{m}"),
        ("GET", f"/api/v1/community/leads/{lead_id}"),
        ("POST", f"/api/v1/community/leads/{lead_id}/contact"),
        ("POST", f"/api/v1/community/leads/{lead_id}/consent"),
        ("POST", f"/api/v1/community/leads/{lead_id}/connect"),
        ("POST", f"/api/v1/community/leads/{lead_id}/close"),
    ]
    for method, path in apis:
        response = _api(Client(), personas.counselor_b, method, path, {})
        assert response.status_code in (404, 422), (path, response.status_code)
    # The lead is office A's alone: not even the core center sees it.
    core = _api(Client(), personas.core_officer, "GET", f"/api/v1/community/leads/{lead_id}")
    assert core.status_code == 404
    assert _api(Client(), personas.core_officer, "GET", apis[0][1]).status_code == 200


# --- Awareness --------------------------------------------------------------------------------


def test_awareness_event_counts_supporters_per_ward_and_the_questionnaire(personas, w):
    actor = actor_as(personas.counselor_a)
    event = services.awareness_create(
        actor,
        title="障がい者サポーター研修（青葉中学校）",
        held_on=TODAY(),
        area=w.district,
        theme="supporter_training",
        audiences=["schools", "residents"],
        students=30,
        supporters_completed=28,
        questionnaire={"understanding": {"much": 20, "some": 8}, "act": {"yes": 25}},
    )
    services.awareness_create(
        actor,
        title="差別解消法の説明会",
        held_on=TODAY(),
        area=w.other_ward,
        theme="discrimination",
        audiences=["firms"],
        firms=12,
    )
    with pytest.raises(FieldErrors):
        services.awareness_create(
            actor,
            title="x",
            held_on=TODAY(),
            area=w.ward,
            theme="discrimination",
            audiences=["firms"],
            supporters_completed=3,
        )
    with pytest.raises(FieldErrors):
        services.questionnaire_clean({"understanding": {"much": "many"}})
    assert event.activity.kind == ActivityKind.AWARENESS
    figures = selectors.year_figures(fiscal_year(TODAY()))
    assert figures.supporters_by_ward[str(w.ward.pk)] == 28
    assert figures.supporters_by_ward[str(w.other_ward.pk)] == 0
    assert figures.by_kind["awareness"] == 2
    assert figures.by_kind_ward["awareness", str(w.other_ward.pk)] == 1
    assert figures.awareness_by_theme["supporter_training"] == 1
    assert figures.participants["students"] == 30
    assert AwarenessEvent.objects.get(pk=event.pk).questionnaire == {
        "understanding": {"much": 20, "some": 8},
        "act": {"yes": 25},
    }


def test_awareness_on_the_screen_with_a_material_downloaded(personas, w, client_as, private_media):
    client = client_as(personas.counselor_a)
    response = client.post(
        reverse("community:awareness_create"),
        {
            "title": "虐待防止の出前講座",
            "theme": "abuse_prevention",
            "held_on": TODAY().isoformat(),
            "area": w.ward.pk,
            "audiences": ["residents", "welfare_commissioners"],
            "supporters_completed": 0,
            "residents": 20,
            "students": 0,
            "firms": 0,
            "welfare_commissioners": 6,
            "others": 0,
            "q_understanding_much": 11,
            "q_act_yes": 9,
        },
    )
    assert response.status_code == 302, response.content.decode()
    event = AwarenessEvent.objects.get()
    assert event.questionnaire == {"understanding": {"much": 11}, "act": {"yes": 9}}
    upload = client.post(
        reverse("community:materials_add", args=[event.activity_id]),
        {"uploads": [SimpleUploadedFile("講座資料.pdf", minimal_pdf())]},
    )
    assert upload.status_code == 302
    material = event.materials.get()
    download = client.get(reverse("community:material_download", args=[material.pk]))
    assert download.status_code == 200
    page = client.get(reverse("community:activity_detail", args=[event.activity_id]))
    assert "講座資料.pdf" in page.content.decode()


# --- Outreach ---------------------------------------------------------------------------------


def test_a_lead_keeps_the_least_personal_data_and_a_checkable_basis(personas, w):
    with pytest.raises(FieldErrors) as phone:
        _lead(personas, w, concern="電話 090-1234-5678 に連絡してほしい")
    assert "concern" in phone.value.errors
    with pytest.raises(FieldErrors):
        _lead(personas, w, basis="consent", consent_given_on=None)
    with pytest.raises(FieldErrors) as own:
        _lead(
            personas,
            w,
            basis="emergency",
            emergency_ends_on=TODAY(),
            reviewer=personas.counselor_a,
        )
    assert "reviewer" in own.value.errors
    with pytest.raises(FieldErrors):
        _lead(
            personas,
            w,
            basis="emergency",
            emergency_ends_on=TODAY() + dt.timedelta(days=60),
            reviewer=personas.core_officer,
        )
    lead = _lead(
        personas,
        w,
        basis="emergency",
        emergency_ends_on=TODAY() + dt.timedelta(days=3),
        reviewer=personas.core_officer,
    )
    assert lead.basis_holds
    assert lead.consent_given_on is None


def test_an_expired_emergency_basis_stops_the_work_until_consent(personas, w):
    lead = _lead(
        personas,
        w,
        received_on=TODAY() - dt.timedelta(days=20),
        basis="emergency",
        emergency_ends_on=TODAY() - dt.timedelta(days=7),
        reviewer=personas.core_officer,
    )
    actor = actor_as(personas.counselor_a)
    assert not lead.basis_holds
    with pytest.raises(Invalid):
        services.lead_connect(actor, lead=lead)
    services.lead_consent(actor, lead=lead, given_on=TODAY(), confirmed_by="本人")
    assert lead.basis == "consent"
    assert lead.reviewer is None
    services.lead_contact(actor, lead=lead, on=TODAY())
    assert lead.days_to_first_contact == 20


def test_connecting_a_lead_makes_a_consultation_in_one_step(personas, w, client_as):
    lead = _lead(personas, w)
    client = client_as(personas.counselor_a)
    marker = _marker()
    response = client.post(reverse("community:lead_connect", args=[lead.pk]), {})
    assert response.status_code == 302, response.content.decode()
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONNECTED
    consultation = lead.consultation
    assert consultation is not None
    assert (consultation.channel, consultation.consulter) == (
        Channel.OUTREACH,
        Consulter.WELFARE_COMMISSIONER,
    )
    assert consultation.organization == personas.office_a
    assert consultation.main_concern == lead.concern
    assert lead.first_contact_on == TODAY()
    events = AuditEvent.objects.filter(pk__gt=marker)
    assert events.filter(target_type="cases.consultation", action=Action.RECORD_CREATED).exists()
    assert events.filter(target_type=access.LEAD, action=Action.RECORD_UPDATED).exists()
    again = client.post(reverse("community:lead_connect", args=[lead.pk]), {})
    assert again.status_code == 400
    assert Consultation.objects.count() == 1
    with pytest.raises(Forbidden):
        services.lead_close(actor_as(personas.reader_a), lead=lead, reason="no_need")


def test_leads_through_the_api_and_the_median_days_to_first_contact(personas, w):
    client = Client()
    created = _api(
        client,
        personas.counselor_a,
        "POST",
        "/api/v1/community/leads",
        {
            "label": "Tくん",
            "area_id": w.ward.pk,
            "worried_by": "school",
            "concern": "欠席が続いている",
            "received_on": (TODAY() - dt.timedelta(days=6)).isoformat(),
            "basis": "consent",
            "consent_given_on": (TODAY() - dt.timedelta(days=6)).isoformat(),
        },
    )
    assert created.status_code == 201, created.content
    lead_id = created.json()["id"]
    contact = _api(
        client,
        personas.counselor_a,
        "POST",
        f"/api/v1/community/leads/{lead_id}/contact",
        {"on": (TODAY() - dt.timedelta(days=2)).isoformat()},
    )
    assert contact.status_code == 200, contact.content
    assert contact.json()["days_to_first_contact"] == 4
    other = _lead(personas, w, received_on=TODAY() - dt.timedelta(days=10))
    services.lead_contact(actor_as(personas.counselor_a), lead=other, on=TODAY())
    third = _lead(personas, w, label="Mさん", received_on=TODAY() - dt.timedelta(days=3))
    services.lead_contact(actor_as(personas.counselor_a), lead=third, on=TODAY())
    medians = selectors.median_days_by_year(personas.office_a.pk)
    assert medians[0][1:] == (4, 3)  # days 4, 10, 3 → median 4
    figures = _api(client, personas.counselor_a, "GET", "/api/v1/community/figures").json()
    assert figures["leads"] == 3
    assert figures["median_days_to_first_contact"] == 4
    closed = _api(
        client,
        personas.counselor_a,
        "POST",
        f"/api/v1/community/leads/{lead_id}/close",
        {"reason": "other_agency", "note": "地域包括が対応"},
    )
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    connect = _api(
        client, personas.counselor_a, "POST", f"/api/v1/community/leads/{other.pk}/connect", {}
    )
    assert connect.status_code == 201, connect.content
    assert connect.json()["lead"]["status"] == "connected"
    listed = _api(client, personas.counselor_b, "GET", "/api/v1/community/leads").json()
    assert listed["count"] == 0


def test_the_home_page_counts_by_kind_month_and_ward(personas, w, client_as):
    _activity(personas, w, held_on=TODAY())
    _activity(personas, w, kind="disaster", held_on=TODAY(), area=w.other_ward)
    services.activity_create(
        actor_as(personas.counselor_b),
        kind="outreach",
        title="B",
        held_on=TODAY(),
        area=w.ward,
    )
    own = selectors.year_figures(
        fiscal_year(TODAY()), organization_ids=[personas.office_a.pk], leads_of=None
    )
    assert own.total == 2
    assert own.by_month[str(TODAY().month)] == 2
    everyone = selectors.year_figures(fiscal_year(TODAY()))
    assert everyone.total == 3
    assert everyone.by_ward[str(w.ward.pk)] == 2
    page = client_as(personas.core_officer).get(reverse("community:home"))
    assert page.status_code == 200
    assert "ネットワーク全体" in page.content.decode()
    office = client_as(personas.counselor_a).get(reverse("community:activity_list"))
    assert "民生委員児童委員協議会の定例会で説明" in office.content.decode()
    assert ">B<" not in office.content.decode()
