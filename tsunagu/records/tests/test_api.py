"""/api/v1/cases/{id}/notes and /formulations: the same rules as the screens, in JSON."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.records.models import Formulation, NoteKind, ProgressNote
from tsunagu.records.tests.factories import FormulationFactory, ProgressNoteFactory

pytestmark = pytest.mark.django_db


def _headers(user, organization):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(user, organization)}"}


NOTE = {"kind": "phone", "participants": "母", "text": "母から電話。退院日が決まったとのこと。"}


def test_post_and_list_notes(personas, world, client):
    headers = _headers(personas.counselor_a, personas.office_a)
    url = f"/api/v1/cases/{world.case.pk}/notes"
    created = client.post(url, NOTE, content_type="application/json", **headers)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["kind"] == "phone"
    assert body["kind_label"] == "電話"
    assert body["author_organization"] == personas.office_a.name
    note = ProgressNote.objects.get()
    assert note.author == personas.counselor_a
    assert AuditEvent.objects.filter(action=Action.RECORD_CREATED).count() == 1

    start = timezone.now() - dt.timedelta(days=10)
    for i in range(21):
        ProgressNoteFactory.create(
            case=world.case,
            author=personas.counselor_a,
            kind=NoteKind.HOME_VISIT,
            occurred_at=start + dt.timedelta(hours=i),
        )
    listing = client.get(url, **headers).json()
    assert (listing["count"], listing["page"], listing["pages"]) == (22, 1, 2)
    assert len(listing["results"]) == 20
    assert listing["results"][0]["id"] == note.pk  # newest first
    assert len(client.get(url, {"page": 2}, **headers).json()["results"]) == 2
    phone = client.get(url, {"kind": "phone"}, **headers).json()
    assert [n["id"] for n in phone["results"]] == [note.pk]
    viewed = AuditEvent.objects.filter(action=Action.RECORD_VIEWED).order_by("id").first()
    assert viewed is not None
    assert viewed.detail["notes"] == [n["id"] for n in listing["results"]]


@pytest.mark.parametrize(
    "payload",
    [
        {**NOTE, "text": ""},
        {**NOTE, "kind": "fax"},
        {**NOTE, "is_motivating_moment": True},
        {**NOTE, "occurred_at": (timezone.now() + dt.timedelta(hours=2)).isoformat()},
        {"kind": "phone"},
    ],
    ids=["empty text", "unknown kind", "moment without description", "future", "no text"],
)
def test_bad_note_is_422(payload, personas, world, client):
    response = client.post(
        f"/api/v1/cases/{world.case.pk}/notes",
        payload,
        content_type="application/json",
        **_headers(personas.counselor_a, personas.office_a),
    )
    assert response.status_code == 422, response.content
    assert response.json()["error"]["message"]
    assert not ProgressNote.objects.exists()


def test_restricted_note_is_not_listed_for_another_team_organization(personas, world, client):
    shared = ProgressNoteFactory.create(case=world.case, author=personas.counselor_a)
    ProgressNoteFactory.create(case=world.case, author=personas.counselor_a, is_restricted=True)
    listing = client.get(
        f"/api/v1/cases/{world.case.pk}/notes",
        **_headers(personas.core_officer, personas.core_center),
    ).json()
    assert [n["id"] for n in listing["results"]] == [shared.pk]


def test_formulations_over_the_api_with_conflict(personas, world, client):
    headers = _headers(personas.counselor_a, personas.office_a)
    url = f"/api/v1/cases/{world.case.pk}/formulations"
    first = {
        "based_on": 0,
        "situation_summary": "状況",
        "hypothesis": "仮説",
        "support_policy": "方針",
    }
    assert client.post(url, first, content_type="application/json", **headers).status_code == 201
    missing_prompt = client.post(
        url, {**first, "based_on": 1}, content_type="application/json", **headers
    )
    assert missing_prompt.status_code == 422
    second = {**first, "based_on": 1, "hypothesis": "新しい仮説", "prompted_by": "面談"}
    assert client.post(url, second, content_type="application/json", **headers).status_code == 201
    stale = client.post(url, second, content_type="application/json", **headers)
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"
    assert "ほかの人が先に見立てを更新しました。" in stale.json()["error"]["message"]

    listing = client.get(url, **headers).json()["results"]
    assert [f["revision"] for f in listing] == [2, 1]
    assert listing[0]["hypothesis"] == "新しい仮説"


def test_reader_can_read_but_not_write_over_the_api(personas, world, client):
    FormulationFactory.create(case=world.case, revision=1, author=personas.counselor_a)
    headers = _headers(personas.reader_a, personas.office_a)
    base = f"/api/v1/cases/{world.case.pk}"
    assert client.get(f"{base}/notes", **headers).status_code == 200
    assert client.get(f"{base}/formulations", **headers).status_code == 200
    refused = client.post(f"{base}/notes", NOTE, content_type="application/json", **headers)
    assert refused.status_code == 403
    refused = client.post(
        f"{base}/formulations",
        {
            "based_on": 1,
            "situation_summary": "s",
            "hypothesis": "h",
            "support_policy": "p",
            "prompted_by": "x",
        },
        content_type="application/json",
        **headers,
    )
    assert refused.status_code == 403
    assert not ProgressNote.objects.exists()
    assert Formulation.objects.count() == 1
