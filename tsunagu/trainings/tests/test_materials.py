"""Materials of an event: checked like every upload, for the organizer and the workers
registered on it; anyone else gets the 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import AuditEvent
from tsunagu.records.tests.factories import minimal_pdf
from tsunagu.trainings.models import Registration, TrainingMaterial
from tsunagu.trainings.tests.factories import make_event

pytestmark = pytest.mark.django_db


def _pdf(name: str = "配布資料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, minimal_pdf(), content_type="application/pdf")


@pytest.fixture
def event(personas, private_media):
    event = make_event(
        personas.core_center, personas.core_officer, status="held", held_on=dt.date(2025, 6, 1)
    )
    for user, status in ((personas.colleague_a, "registered"), (personas.reader_a, "waiting")):
        Registration.objects.create(
            event=event,
            worker=user,
            organization=personas.office_a,
            job_title="counselor",
            status=status,
            registered_by=personas.counselor_a,
        )
    return event


def test_the_organizer_adds_and_the_registered_worker_downloads(personas, event, client_as):
    core = client_as(personas.core_officer)
    url = reverse("trainings:materials_add", args=[event.pk])
    assert core.get(url).status_code == 200
    response = core.post(url, {"uploads": [_pdf(), _pdf("スライド.pdf")]})
    assert response.status_code == 302, response.content.decode()
    first, second = TrainingMaterial.objects.order_by("original_name")
    assert first.content_type == "application/pdf"
    added = AuditEvent.objects.get(action="training.material_added")
    assert sorted(added.detail["materials"]) == sorted([first.pk, second.pk])

    download = reverse("trainings:material_download", args=[first.pk])
    worker = client_as(personas.colleague_a)
    detail = worker.get(reverse("trainings:event_detail", args=[event.pk])).content.decode()
    assert download in detail
    got = worker.get(download)
    assert got.status_code == 200
    assert b"".join(got.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="training.material_downloaded").count() == 1

    # Not registered (a colleague, another office) or only waiting: the 404.
    for user in (personas.counselor_a, personas.counselor_b, personas.reader_a):
        client = client_as(user)
        assert client.get(download).status_code == 404, user
        page = client.get(reverse("trainings:event_detail", args=[event.pk])).content.decode()
        assert download not in page

    # A registered worker may not delete; the organizer may.
    delete = reverse("trainings:material_delete", args=[first.pk])
    assert worker.post(delete).status_code == 403
    assert core.post(delete).status_code == 302
    assert not TrainingMaterial.objects.filter(pk=first.pk).exists()
    assert AuditEvent.objects.filter(action="training.material_deleted").count() == 1


def test_a_file_that_is_not_a_pdf_or_an_image_is_refused(personas, event, client_as):
    core = client_as(personas.core_officer)
    url = reverse("trainings:materials_add", args=[event.pk])
    bad = SimpleUploadedFile("資料.pdf", b"<html><script>alert(1)</script></html>")
    response = core.post(url, {"uploads": [_pdf(), bad]})
    assert response.status_code == 400
    assert "受け付けられない形式" in response.content.decode()
    assert not TrainingMaterial.objects.exists()
    assert core.post(url, {}).status_code == 400


def test_materials_through_the_api(personas, event, client):
    core = {
        "HTTP_AUTHORIZATION": f"Bearer {api_token_for(personas.core_officer, personas.core_center)}"
    }
    worker = {
        "HTTP_AUTHORIZATION": f"Bearer {api_token_for(personas.colleague_a, personas.office_a)}"
    }
    other = {
        "HTTP_AUTHORIZATION": f"Bearer {api_token_for(personas.counselor_b, personas.office_b)}"
    }
    path = f"/api/v1/trainings/{event.pk}/materials"
    created = client.post(path, {"files": [_pdf()]}, **core)
    assert created.status_code == 201, created.content
    (material,) = created.json()
    assert material["original_name"] == "配布資料.pdf"
    bad = client.post(path, {"files": [SimpleUploadedFile("x.pdf", b"plain text")]}, **core)
    assert bad.status_code == 422
    assert bad.json()["error"]["message"]
    assert client.post(path, {"files": [_pdf()]}, **worker).status_code == 403

    assert [m["id"] for m in client.get(path, **worker).json()["results"]] == [material["id"]]
    assert client.get(path, **other).status_code == 404
    one = f"/api/v1/training-materials/{material['id']}"
    assert client.get(one, **worker).status_code == 200
    assert client.get(one, **other).status_code == 404
    assert client.delete(one, **other).status_code == 404
    assert client.delete(one, **worker).status_code == 403
    assert client.delete(one, **core).status_code == 204
    assert client.get(one, **core).status_code == 404
