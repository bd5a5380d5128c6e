"""Every object URL of the records app answers the outsider (counselor_b) 404, audited."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent, Outcome
from tsunagu.people.tests.factories import HouseholdFactory, HouseholdMemberFactory
from tsunagu.records.models import Formulation, NoteAttachment, ProgressNote
from tsunagu.records.tests.factories import FormulationFactory, minimal_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def targets(personas, world, client_as):
    client_as(personas.counselor_a).post(
        f"/records/cases/{world.case.pk}/notes/new/",
        {
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "kind": "interview",
            "text": "面談。",
            "attachments": [SimpleUploadedFile("a.pdf", minimal_pdf())],
        },
    )
    FormulationFactory.create(case=world.case, revision=1, author=personas.counselor_a)
    household = HouseholdFactory.create(registered_by_organization=personas.office_a)
    HouseholdMemberFactory.create(household=household, person=world.case.person)
    return {
        "case": world.case.pk,
        "household": household.pk,
        "attachment": NoteAttachment.objects.get().pk,
    }


def _screens(t):
    c = t["case"]
    return [
        ("get", f"/records/cases/{c}/notes/", {}),
        ("get", f"/records/cases/{c}/notes/new/", {}),
        ("post", f"/records/cases/{c}/notes/new/", {"kind": "phone", "text": "x"}),
        ("get", f"/records/households/{t['household']}/notes/", {}),
        ("get", f"/records/attachments/{t['attachment']}/", {}),
        ("get", f"/records/cases/{c}/formulations/", {}),
        ("get", f"/records/cases/{c}/formulations/new/", {}),
        ("post", f"/records/cases/{c}/formulations/new/", {"based_on": "1"}),
    ]


def _api(t):
    c = t["case"]
    body = {"based_on": 1, "situation_summary": "s", "hypothesis": "h", "support_policy": "p"}
    return [
        ("get", f"/api/v1/cases/{c}/notes", None),
        ("post", f"/api/v1/cases/{c}/notes", {"kind": "phone", "text": "x"}),
        ("get", f"/api/v1/cases/{c}/formulations", None),
        ("post", f"/api/v1/cases/{c}/formulations", {**body, "prompted_by": "x"}),
    ]


def _assert_denied(user, path, before):
    rows = list(AuditEvent.objects.order_by("id")[before:])
    assert [r.action for r in rows] == [Action.ACCESS_DENIED], path
    assert rows[0].outcome == Outcome.DENIED
    assert rows[0].actor == user


def test_outsider_gets_404_on_every_screen(personas, targets, client_as):
    client = client_as(personas.counselor_b)
    notes, formulations = ProgressNote.objects.count(), Formulation.objects.count()
    for method, path, data in _screens(targets):
        before = AuditEvent.objects.count()
        response = getattr(client, method)(path, data)
        assert response.status_code == 404, f"{method} {path}"
        _assert_denied(personas.counselor_b, path, before)
    assert (ProgressNote.objects.count(), Formulation.objects.count()) == (notes, formulations)


def test_outsider_gets_json_404_on_every_api_route(personas, targets, client):
    headers = {
        "HTTP_AUTHORIZATION": f"Bearer {api_token_for(personas.counselor_b, personas.office_b)}"
    }
    notes, formulations = ProgressNote.objects.count(), Formulation.objects.count()
    for method, path, data in _api(targets):
        before = AuditEvent.objects.count()
        if method == "get":
            response = client.get(path, **headers)
        else:
            response = client.post(path, data, content_type="application/json", **headers)
        assert response.status_code == 404, f"{method} {path}: {response.content!r}"
        assert response.json()["error"]["code"] == "not_found"
        _assert_denied(personas.counselor_b, path, before)
    assert (ProgressNote.objects.count(), Formulation.objects.count()) == (notes, formulations)


def test_missing_objects_look_the_same_as_hidden_ones(personas, targets, client_as):
    client = client_as(personas.counselor_a)
    for path in [
        "/records/cases/999999/notes/",
        "/records/households/999999/notes/",
        "/records/attachments/999999/",
        "/records/cases/999999/formulations/",
    ]:
        assert client.get(path).status_code == 404, path
