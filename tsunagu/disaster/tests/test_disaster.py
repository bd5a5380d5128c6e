"""The 避難行動要支援者名簿 and the safety checks (issue 20 items 6, 7)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.disaster import access, selectors, services
from tsunagu.disaster.models import DISASTER_BASIS, Campaign, SafetyCheck
from tsunagu.disaster.tests.factories import DisasterWorld, make_world
from tsunagu.organizations.tests.actors import actor_as


@pytest.fixture
def w(personas) -> DisasterWorld:
    return make_world(personas)


def _api(client: Client, user, method: str, path: str, body: Any = None):
    token = api_token_for(user, user.memberships.get(is_primary=True).organization)
    kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if method == "GET":
        return client.get(path, **kwargs)
    data = body if isinstance(body, str) else json.dumps(body or {}, ensure_ascii=False)
    return client.generic(method, path, data=data, content_type="application/json", **kwargs)


def _last_event_id() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _declare(personas, w: DisasterWorld) -> Campaign:
    return services.campaign_declare(
        actor_as(personas.city_official),
        title="豪雨",
        areas=[w.ward],
        workers=[personas.office_a, w.commissioners],
    )


def _main(response) -> str:
    """The main region: the signed-in user's name in the header is not a listed person."""
    return response.content.decode().split('<main id="main"', 1)[1]


def _visible(user) -> set[str]:
    return {e.person.family_name for e in access.entries_visible_to(actor_as(user))}


def test_the_criteria_build_the_list(w):
    names = {e.person.family_name for e in [w.consenting, w.not_consenting, w.elsewhere]}
    assert names == {"青木", "馬場", "千田"}
    assert not access.entries_visible_to(actor_as(w.commissioner)).filter(
        person__family_name="対象外"
    )


def test_normal_times_a_supporter_sees_only_consenting_persons_of_its_area(personas, w):
    assert _visible(w.commissioner) == {"青木"}
    assert _visible(personas.counselor_a) == set()
    assert _visible(personas.core_officer) == {"青木", "馬場", "千田"}


def test_withdrawing_consent_takes_the_person_off_the_normal_time_list_at_once(
    personas, w, client_as
):
    client = client_as(w.commissioner)
    url = reverse("disaster:register")
    assert "青木" in _main(client.get(url))
    marker = _last_event_id()
    core = client_as(personas.core_officer)
    response = core.post(reverse("disaster:entry_consent", args=[w.consenting.pk]), {"given": "0"})
    assert response.status_code == 302
    assert _visible(w.commissioner) == set()
    assert "青木" not in _main(client.get(url))
    assert client.get(reverse("disaster:entry_detail", args=[w.consenting.pk])).status_code == 404
    listed = _api(Client(), w.commissioner, "GET", "/api/v1/disaster/entries").json()
    assert listed["count"] == 0
    events = AuditEvent.objects.filter(pk__gt=marker)
    assert events.filter(action=Action.RECORD_UPDATED, person_ids=[w.consenting.person_id])
    assert events.filter(action=Action.ACCESS_DENIED, target_type=access.ENTRY)


def test_consent_through_the_api_is_the_twin(personas, w):
    path = f"/api/v1/disaster/entries/{w.not_consenting.pk}/consent"
    response = _api(Client(), personas.core_officer, "POST", path, {"given": True})
    assert response.status_code == 200, response.content
    assert response.json()["consents"] is True
    refused = _api(Client(), w.commissioner, "POST", path, {"given": False})
    assert refused.status_code == 404  # the commissioner does not see 馬場 (not in its area)


def test_a_campaign_shows_everyone_in_its_areas_and_closing_ends_the_basis(personas, w, client_as):
    campaign = _declare(personas, w)
    assert campaign.basis == DISASTER_BASIS
    assert _visible(personas.counselor_a) == {"青木", "馬場"}  # not 千田: another ward
    assert _visible(w.commissioner) == {"青木", "馬場"}
    phone = client_as(personas.counselor_a)
    page = _main(phone.get(reverse("disaster:campaign_check", args=[campaign.pk])))
    assert "馬場" in page
    assert "千田" not in page
    record = reverse("disaster:campaign_record", args=[campaign.pk])
    response = phone.post(
        record, {"entry": w.not_consenting.pk, "state": "evacuated", "evacuated_to": "青葉小学校"}
    )
    assert response.status_code == 302
    check = SafetyCheck.objects.get()
    assert (check.state, check.evacuated_to, check.organization) == (
        "evacuated",
        "青葉小学校",
        personas.office_a,
    )
    progress = {p.area: p for p in selectors.progress(actor_as(personas.core_officer), campaign)}
    assert progress["青葉区"].counts == {"evacuated": 1}
    assert progress["青葉第一民生委員区"].unchecked == 1

    marker = _last_event_id()
    city = client_as(personas.city_official)
    closed = city.post(reverse("disaster:campaign_close", args=[campaign.pk]))
    assert closed.status_code == 302
    campaign.refresh_from_db()
    assert campaign.closed_at is not None
    assert AuditEvent.objects.filter(
        pk__gt=marker, action=Action.RECORD_UPDATED, target_id=str(campaign.pk)
    ).exists()
    # The basis has ended: those who saw the non-consenting only through it see them no more.
    assert _visible(personas.counselor_a) == set()
    assert _visible(w.commissioner) == {"青木"}
    gone = phone.get(reverse("disaster:entry_detail", args=[w.not_consenting.pk]))
    assert gone.status_code == 404
    page = _main(phone.get(reverse("disaster:campaign_check", args=[campaign.pk])))
    assert "馬場" not in page
    again = phone.post(record, {"entry": w.not_consenting.pk, "state": "safe"})
    assert again.status_code == 404
    assert SafetyCheck.objects.count() == 1
    # The city and the core center keep the record.
    assert _visible(personas.core_officer) == {"青木", "馬場", "千田"}


def test_the_not_reached_come_first(personas, w):
    campaign = _declare(personas, w)
    worker = actor_as(personas.counselor_a)
    services.check_record(worker, campaign=campaign, entry=w.consenting, state="safe")
    rows = selectors.campaign_rows(worker, campaign)
    assert [r.entry for r in rows] == [w.not_consenting, w.consenting]


def test_the_api_records_states_and_lists_rows_paginated(personas, w):
    campaign = _declare(personas, w)
    base = f"/api/v1/disaster/campaigns/{campaign.pk}"
    ok = _api(
        Client(),
        personas.counselor_a,
        "POST",
        f"{base}/checks",
        {"entry_id": w.consenting.pk, "state": "needs_help", "note": "薬が切れそう"},
    )
    assert ok.status_code == 201, ok.content
    rows = _api(Client(), personas.counselor_a, "GET", f"{base}/rows").json()
    assert rows["count"] == 2
    assert rows["results"][0]["entry_id"] == w.not_consenting.pk
    detail = _api(Client(), personas.core_officer, "GET", base).json()
    assert {a["area"]: a["counts"] for a in detail["areas"]}["青葉第一民生委員区"] == {
        "needs_help": 1
    }
    bad = _api(
        Client(), personas.counselor_a, "POST", f"{base}/checks", {"entry_id": 1, "state": "あ"}
    )
    assert bad.status_code == 422
    outsider = _api(Client(), personas.counselor_b, "GET", base)
    assert outsider.status_code == 404
    closed = _api(Client(), personas.city_official, "POST", f"{base}/close")
    assert closed.status_code == 200
    assert closed.json()["closed_at"]
    late = _api(
        Client(),
        personas.core_officer,
        "POST",
        f"{base}/checks",
        {"entry_id": w.consenting.pk, "state": "safe"},
    )
    assert late.status_code == 403


def test_bad_input_on_the_screens_is_a_page_not_a_500(personas, w, client_as):
    campaign = _declare(personas, w)
    phone = client_as(personas.counselor_a)
    record = reverse("disaster:campaign_record", args=[campaign.pk])
    for data in (
        {"entry": str(2**63), "state": "safe"},
        {"entry": "あ", "state": "safe"},
        {"entry": w.consenting.pk, "state": "あ"},
    ):
        assert phone.post(record, data).status_code == 400
    assert phone.get(reverse("disaster:register") + "?area=あ").status_code == 404
    city = client_as(personas.city_official)
    response = city.post(reverse("disaster:campaign_create"), {"title": "", "areas": ["あ"]})
    assert response.status_code == 400


def test_the_city_declares_a_campaign_and_exports_it(personas, w, client_as):
    city = client_as(personas.city_official)
    response = city.post(
        reverse("disaster:campaign_create"),
        {"title": "地震", "areas": [w.ward.pk], "workers": [personas.office_a.pk]},
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(title="地震")
    core = client_as(personas.core_officer)
    page = _main(core.get(reverse("disaster:campaign_detail", args=[campaign.pk])))
    assert DISASTER_BASIS in page
    marker = _last_event_id()
    export = core.get(reverse("disaster:campaign_export", args=[campaign.pk]) + "?format=csv")
    assert export.status_code == 200
    text = export.content.decode("utf-8-sig")
    assert "馬場" in text
    assert "千田" not in text
    assert AuditEvent.objects.filter(pk__gt=marker, action=Action.RECORDS_LISTED).exists()


def test_the_plan_and_the_printable_list(personas, w, client_as):
    core = client_as(personas.core_officer)
    response = core.post(
        reverse("disaster:entry_plan", args=[w.consenting.pk]),
        {"helpers": "隣の鈴木さん", "destination": "青葉小学校", "contact": "090-0000-0000"},
    )
    assert response.status_code == 302
    printed = client_as(w.commissioner).get(
        reverse("disaster:register_print") + f"?area={w.district.pk}"
    )
    text = printed.content.decode()
    assert "青木" in text
    assert "隣の鈴木さん" in text
    assert "馬場" not in text
    api = _api(
        Client(),
        personas.core_officer,
        "PUT",
        f"/api/v1/disaster/entries/{w.consenting.pk}/plan",
        {"destination": "青葉中学校"},
    )
    assert api.status_code == 200
    assert api.json()["destination"] == "青葉中学校"


def test_criteria_and_build_through_the_api(personas, w):
    response = _api(
        Client(),
        personas.city_official,
        "PUT",
        "/api/v1/disaster/criteria",
        {"physical_grades": ["1"], "living_alone": True},
    )
    assert response.status_code == 200, response.content
    built = _api(Client(), personas.city_official, "POST", "/api/v1/disaster/register/build")
    assert built.status_code == 200
    refused = _api(Client(), personas.core_officer, "POST", "/api/v1/disaster/register/build")
    assert refused.status_code == 404
    assert (
        _api(
            Client(), personas.city_official, "PUT", "/api/v1/disaster/criteria", '"x"'
        ).status_code
        == 422
    )
