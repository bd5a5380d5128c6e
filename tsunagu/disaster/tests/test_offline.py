"""The offline phone screen's server side (issue 20 item 7, ADR 0020): the batch of queued
states with versions, conflicts the core center settles, idempotent retries, and what the
device is told to keep or wipe."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.disaster import selectors, services
from tsunagu.disaster.models import Campaign, Resolution, SafetyCheck
from tsunagu.disaster.tests.factories import DisasterWorld, make_world
from tsunagu.organizations.tests.actors import actor_as


@pytest.fixture
def w(personas) -> DisasterWorld:
    return make_world(personas)


@pytest.fixture
def campaign(personas, w) -> Campaign:
    return services.campaign_declare(
        actor_as(personas.city_official),
        title="豪雨",
        areas=[w.ward],
        workers=[personas.office_a, w.commissioners],
    )


def _api(user, method: str, path: str, body: Any = None):
    token = api_token_for(user, user.memberships.get(is_primary=True).organization)
    kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if method == "GET":
        return Client().get(path, **kwargs)
    data = body if isinstance(body, str) else json.dumps(body or {}, ensure_ascii=False)
    return Client().generic(method, path, data=data, content_type="application/json", **kwargs)


def _batch_url(campaign: Campaign) -> str:
    return f"/api/v1/disaster/campaigns/{campaign.pk}/checks/batch"


def _item(entry, state: str, base: int | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "client_id": str(extra.pop("client_id", uuid.uuid4())),
        "entry_id": entry.pk,
        "state": state,
        "base": base,
        **extra,
    }


def _last_event_id() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _state_of(campaign: Campaign, entry) -> str:
    latest = selectors.latest_checks(campaign).get(entry.pk)
    return latest.state if latest else ""


def test_a_queued_batch_is_recorded_once_with_its_versions_and_audited(personas, w, campaign):
    marker = _last_event_id()
    items = [
        _item(w.consenting, "safe"),
        _item(w.not_consenting, "evacuated", evacuated_to="青葉小学校", note="家族と一緒"),
    ]
    first = _api(personas.counselor_a, "POST", _batch_url(campaign), {"items": items})
    assert first.status_code == 200, first.content
    results = first.json()["results"]
    assert [r["status"] for r in results] == ["recorded", "recorded"]
    assert [r["replayed"] for r in results] == [False, False]
    checks = {c.entry_id: c for c in SafetyCheck.objects.all()}
    assert checks[w.not_consenting.pk].evacuated_to == "青葉小学校"
    assert str(checks[w.consenting.pk].client_id) == items[0]["client_id"]
    assert results[0]["check"]["id"] == checks[w.consenting.pk].pk
    created = AuditEvent.objects.filter(
        pk__gt=marker, action=Action.RECORD_CREATED, target_type="disaster.safetycheck"
    )
    assert {e.detail["client_id"] for e in created} == {i["client_id"] for i in items}

    # The network dropped before the answer arrived: the phone sends the same batch again.
    again = _api(personas.counselor_a, "POST", _batch_url(campaign), {"items": items})
    assert again.status_code == 200
    assert [r["replayed"] for r in again.json()["results"]] == [True, True]
    assert [r["check"]["id"] for r in again.json()["results"]] == [
        r["check"]["id"] for r in results
    ]
    assert SafetyCheck.objects.count() == 2

    # Changed again from the version the phone now holds: no conflict.
    version = results[0]["check"]["id"]
    later = _api(
        personas.counselor_a,
        "POST",
        _batch_url(campaign),
        {"items": [_item(w.consenting, "needs_help", base=version)]},
    )
    assert later.json()["results"][0]["status"] == "recorded"
    assert _state_of(campaign, w.consenting) == "needs_help"


def test_the_same_helper_changing_a_state_twice_offline_is_no_conflict(personas, w, campaign):
    items = [_item(w.consenting, "not_reached"), _item(w.consenting, "safe")]
    response = _api(personas.counselor_a, "POST", _batch_url(campaign), {"items": items})
    assert [r["status"] for r in response.json()["results"]] == ["recorded", "recorded"]
    assert _state_of(campaign, w.consenting) == "safe"


def test_two_helpers_from_the_same_version_make_a_conflict_the_core_center_settles(
    personas, w, campaign, client_as
):
    first = _api(
        personas.counselor_a,
        "POST",
        _batch_url(campaign),
        {"items": [_item(w.consenting, "safe")]},
    )
    assert first.json()["results"][0]["status"] == "recorded"
    # The 民生委員 saw no state either (version 0) and records another one.
    marker = _last_event_id()
    phone = client_as(w.commissioner)
    sync = reverse("disaster:campaign_sync", args=[campaign.pk])
    body = {"items": [_item(w.consenting, "injured", base=0, note="足をけが")]}
    second = phone.post(sync, json.dumps(body), content_type="application/json")
    assert second.status_code == 200, second.content
    result = second.json()["results"][0]
    assert result["status"] == "conflict"
    incoming = SafetyCheck.objects.get(pk=result["check"]["id"])
    existing = SafetyCheck.objects.get(pk=first.json()["results"][0]["check"]["id"])
    assert (incoming.resolution, incoming.conflict_with) == (Resolution.OPEN, existing)
    event = AuditEvent.objects.get(pk__gt=marker, target_id=str(incoming.pk))
    assert event.detail["conflict_with"] == existing.pk
    # Not silently overwritten: the first state stands until the core center decides.
    assert _state_of(campaign, w.consenting) == "safe"

    # The core center sees the conflict on the campaign page and through the API.
    core = client_as(personas.core_officer)
    marker = _last_event_id()
    page = core.get(reverse("disaster:campaign_detail", args=[campaign.pk])).content.decode()
    assert f'data-testid="conflict-{incoming.pk}"' in page
    assert "足をけが" not in page  # the note stays in the record, not on the progress page
    listed_ids = AuditEvent.objects.filter(pk__gt=marker, action=Action.RECORDS_LISTED)
    assert any(w.consenting.person_id in e.person_ids for e in listed_ids)
    listed = _api(
        personas.core_officer, "GET", f"/api/v1/disaster/campaigns/{campaign.pk}/conflicts"
    )
    assert listed.status_code == 200
    row = listed.json()["results"][0]
    assert (row["incoming"]["id"], row["existing"]["id"]) == (incoming.pk, existing.pk)
    # A helper may neither list nor settle conflicts.
    assert (
        _api(
            personas.counselor_a, "GET", f"/api/v1/disaster/campaigns/{campaign.pk}/conflicts"
        ).status_code
        == 404
    )
    settle = reverse("disaster:conflict_settle", args=[campaign.pk, incoming.pk])
    refused = client_as(personas.counselor_a).post(settle, {"keep": "incoming"})
    assert refused.status_code == 403
    assert _state_of(campaign, w.consenting) == "safe"

    marker = _last_event_id()
    settled = core.post(settle, {"keep": "incoming"})
    assert settled.status_code == 302
    incoming.refresh_from_db()
    assert (incoming.resolution, incoming.settled_by) == (
        Resolution.ACCEPTED,
        personas.core_officer,
    )
    assert _state_of(campaign, w.consenting) == "injured"
    event = AuditEvent.objects.get(
        pk__gt=marker, action=Action.RECORD_UPDATED, target_id=str(incoming.pk)
    )
    assert event.detail["kept"] == "incoming"
    # Settled once: the same conflict is no longer open.
    assert core.post(settle, {"keep": "existing"}).status_code == 404


def test_the_api_twin_settles_by_keeping_the_existing_state(personas, w, campaign):
    services.check_record(
        actor_as(personas.counselor_a), campaign=campaign, entry=w.consenting, state="safe"
    )
    conflict = _api(
        w.commissioner,
        "POST",
        _batch_url(campaign),
        {"items": [_item(w.consenting, "not_reached", base=None)]},
    ).json()["results"][0]
    assert conflict["status"] == "conflict"
    url = f"/api/v1/disaster/campaigns/{campaign.pk}/conflicts/{conflict['check']['id']}/settle"
    bad = _api(personas.core_officer, "POST", url, {"keep": "both"})
    assert bad.status_code == 422
    kept = _api(personas.core_officer, "POST", url, {"keep": "existing"})
    assert kept.status_code == 200, kept.content
    assert kept.json()["resolution"] == "rejected"
    assert _state_of(campaign, w.consenting) == "safe"
    huge = f"/api/v1/disaster/campaigns/{campaign.pk}/conflicts/{2**63}/settle"
    assert _api(personas.core_officer, "POST", huge, {"keep": "existing"}).status_code == 404


def test_a_form_post_with_the_version_it_showed_detects_a_conflict_too(
    personas, w, campaign, client_as
):
    services.check_record(
        actor_as(w.commissioner), campaign=campaign, entry=w.not_consenting, state="safe"
    )
    phone = client_as(personas.counselor_a)
    record = reverse("disaster:campaign_record", args=[campaign.pk])
    phone.post(record, {"entry": w.not_consenting.pk, "state": "needs_help", "base": "0"})
    latest = SafetyCheck.objects.order_by("-pk").first()
    assert latest is not None
    assert latest.resolution == Resolution.OPEN
    assert _state_of(campaign, w.not_consenting) == "safe"


def test_outsiders_get_404_and_a_closed_campaign_410(personas, w, campaign, client_as):
    items = {"items": [_item(w.consenting, "safe")]}
    sync = reverse("disaster:campaign_sync", args=[campaign.pk])
    marker = _last_event_id()
    assert _api(personas.counselor_b, "POST", _batch_url(campaign), items).status_code == 404
    outsider = client_as(personas.counselor_b).post(
        sync, json.dumps(items), content_type="application/json"
    )
    assert outsider.status_code == 404
    assert AuditEvent.objects.filter(pk__gt=marker, action=Action.ACCESS_DENIED).count() >= 2
    assert not SafetyCheck.objects.exists()

    services.campaign_close(actor_as(personas.city_official), campaign=campaign)
    marker = _last_event_id()
    gone = _api(personas.counselor_a, "POST", _batch_url(campaign), items)
    assert gone.status_code == 410
    assert gone.json()["error"]["code"] == "gone"
    phone = client_as(personas.counselor_a)
    assert phone.post(sync, json.dumps(items), content_type="application/json").status_code == 410
    assert AuditEvent.objects.filter(
        pk__gt=marker, action=Action.ACCESS_DENIED, target_id=str(campaign.pk)
    ).exists()
    assert not SafetyCheck.objects.exists()
    # The closed campaign's page tells the phone to wipe: no key, no rows.
    page = phone.get(reverse("disaster:campaign_check", args=[campaign.pk])).content.decode()
    data = _offline_data(page)
    assert data == {
        "campaign": campaign.pk,
        "open": False,
        "key": None,
        "worker": "/disaster/sw.js",
        "scope": "/disaster/",
    }


def test_bad_items_are_refused_one_by_one_and_bad_bodies_are_422(personas, w, campaign, client_as):
    someone_elses = uuid.uuid4()
    _api(
        w.commissioner,
        "POST",
        _batch_url(campaign),
        {"items": [_item(w.consenting, "safe", client_id=someone_elses)]},
    )
    marker = _last_event_id()
    items = [
        _item(w.elsewhere, "safe"),  # another ward: not on this campaign's list
        _item(w.consenting, "あ"),
        _item(w.consenting, "safe", client_id=someone_elses),
        _item(w.not_consenting, "safe"),
    ]
    response = _api(personas.counselor_a, "POST", _batch_url(campaign), {"items": items})
    assert response.status_code == 200
    statuses = [r["status"] for r in response.json()["results"]]
    assert statuses == ["rejected", "rejected", "rejected", "recorded"]
    assert AuditEvent.objects.filter(
        pk__gt=marker, action=Action.ACCESS_DENIED, target_id=str(w.elsewhere.pk)
    ).exists()
    sync = reverse("disaster:campaign_sync", args=[campaign.pk])
    phone = client_as(personas.counselor_a)
    for body in (
        '"items"',
        "[]",
        "{not json",
        json.dumps({"items": [_item(w.consenting, "safe", base=2**63)]}),
        json.dumps({"items": [{**_item(w.consenting, "safe"), "entry_id": 2**63}]}),
        json.dumps({"items": [{**_item(w.consenting, "safe"), "client_id": "x"}]}),
        json.dumps({"items": [_item(w.consenting, "safe")] * 201}),
    ):
        answer = phone.post(sync, body, content_type="application/json")
        assert answer.status_code == 422, body[:40]
        assert answer.json()["error"]["code"] == "invalid"
        # The API: ninja's 422, or the 400 of the bad-input guard (ids past bigint).
        api = _api(personas.counselor_a, "POST", _batch_url(campaign), body)
        assert api.status_code in (400, 422), body[:40]
        assert api.json()["error"]["code"]
    form = phone.post(sync, {"items": "x"})  # a form, not JSON
    assert form.status_code == 422
    assert SafetyCheck.objects.filter(recorded_by=personas.counselor_a).count() == 1


def _offline_data(page: str) -> dict[str, Any]:
    raw = page.split('<script id="offline-data" type="application/json">', 1)[1]
    return json.loads(raw.split("</script>", 1)[0])


def test_the_check_page_hands_a_key_per_session_and_campaign(personas, w, campaign, client_as):
    phone = client_as(personas.counselor_a)
    url = reverse("disaster:campaign_check", args=[campaign.pk])
    page = phone.get(url)
    assert "no-store" in page["Cache-Control"]
    data = _offline_data(page.content.decode())
    assert len(base64.b64decode(data["key"])) == 32
    assert data["sync"] == reverse("disaster:campaign_sync", args=[campaign.pk])
    assert {r["entry"] for r in data["rows"]} == {w.consenting.pk, w.not_consenting.pk}
    assert _offline_data(phone.get(url).content.decode())["key"] == data["key"]
    other = services.campaign_declare(
        actor_as(personas.city_official), title="地震", areas=[w.ward], workers=[personas.office_a]
    )
    other_page = phone.get(reverse("disaster:campaign_check", args=[other.pk]))
    assert _offline_data(other_page.content.decode())["key"] != data["key"]
    again = client_as(personas.counselor_a)  # a new sign-in: a new session, a new key
    assert _offline_data(again.get(url).content.decode())["key"] != data["key"]
    # A reader of the campaign who may not record keeps nothing on the device.
    reader = client_as(personas.core_officer)
    services.campaign_close(actor_as(personas.city_official), campaign=other)
    closed = _offline_data(
        reader.get(reverse("disaster:campaign_check", args=[other.pk])).content.decode()
    )
    assert closed["key"] is None


def test_the_worker_the_manifest_and_the_empty_page_hold_no_data(client_as, w, campaign):
    anonymous = Client()
    worker = anonymous.get("/disaster/sw.js")
    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("text/javascript")
    body = worker.content.decode()
    assert "/disaster/offline/" in body
    assert "disaster/offline.js" in body
    manifest = anonymous.get("/disaster/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    assert manifest.json()["scope"] == "/disaster/"
    shell = anonymous.get("/disaster/offline/")
    assert shell.status_code == 200
    text = shell.content.decode()
    assert "<script>" not in text  # the CSP allows files only
    assert w.consenting.person.family_name not in text


def test_signing_out_clears_the_device(personas, client_as):
    client = client_as(personas.counselor_a)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
