"""/api/v1/cases and /api/v1/consultations."""

from __future__ import annotations

import pytest

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.models import Case, CaseStatus, CaseTeamMember, Consultation
from tsunagu.cases.tests.factories import ConsultationFactory
from tsunagu.people.tests.factories import ConsentFactory


@pytest.fixture
def api(client, personas):
    def as_user(user, organization=None):
        org = organization or user.memberships.get(is_primary=True).organization
        token = api_token_for(user, org)

        class Api:
            def get(self, path, **params):
                return client.get(path, params, HTTP_AUTHORIZATION=f"Bearer {token}")

            def post(self, path, data):
                return client.post(
                    path,
                    data,
                    content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {token}",
                )

        return Api()

    return as_user


def test_create_case_from_person_and_read_it(personas, world, api):
    counselor = api(personas.counselor_a)
    response = counselor.post("/api/v1/cases", {"person_id": world.person.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "intake"
    assert body["lead_organization_id"] == personas.office_a.pk
    assert body["team"][0]["basis"] == "lead"
    detail = counselor.get(f"/api/v1/cases/{body['id']}")
    assert detail.status_code == 200
    listing = counselor.get("/api/v1/cases", page_size=1)
    assert listing.json()["count"] == 2
    assert len(listing.json()["results"]) == 1


def test_create_case_from_consultation(personas, world, api):
    consultation = ConsultationFactory.create(
        organization=personas.office_a, received_by=personas.counselor_a, person=world.person
    )
    response = api(personas.counselor_a).post("/api/v1/cases", {"consultation_id": consultation.pk})
    assert response.status_code == 201
    assert Consultation.objects.get(pk=consultation.pk).case_id == response.json()["id"]
    again = api(personas.counselor_a).post("/api/v1/cases", {"consultation_id": consultation.pk})
    assert again.status_code == 422
    assert again.json()["error"]["message"] == "この相談はすでにケースになっています。"


def test_status_moves_and_illegal_moves(personas, world, api):
    counselor = api(personas.counselor_a)
    url = f"/api/v1/cases/{world.case.pk}/status"
    illegal = counselor.post(url, {"to": "planning"})
    assert illegal.status_code == 422
    assert illegal.json()["error"] == {
        "code": "illegal_transition",
        "message": "受付から計画へは直接移れません。",
    }
    assert counselor.post(url, {"to": "assessment", "reason": "面談開始"}).status_code == 200
    no_reason = counselor.post(url, {"to": "closed"})
    assert no_reason.status_code == 422
    closed = counselor.post(url, {"to": "closed", "closure_reason": "転居"})
    assert closed.json()["status"] == "closed"
    assert counselor.post(url, {"to": "assessment"}).status_code == 422  # reopen needs a reason
    reopened = counselor.post(url, {"to": "assessment", "reason": "市内に戻った"})
    assert reopened.json()["status"] == "assessment"
    history = counselor.get(url).json()["results"]
    # The factory's case has no opening row; a case made by the services starts with "intake".
    assert [h["to_status"] for h in history] == ["assessment", "closed", "assessment"]


def test_team_add_requires_a_basis(personas, world, api):
    counselor = api(personas.counselor_a)
    url = f"/api/v1/cases/{world.case.pk}/team"
    refused = counselor.post(url, {"organization_id": personas.core_center.pk, "role": "joint"})
    assert refused.status_code == 422
    assert refused.json()["error"]["message"] == (
        "この機関を含む有効な同意がありません。"
        "同意を記録するか、支援会議または緊急の根拠を選んでください。"
    )
    consent = ConsentFactory.create(person=world.person, organizations=[personas.core_center])
    added = counselor.post(
        url,
        {
            "organization_id": personas.core_center.pk,
            "role": "joint",
            "basis": "consent",
            "consent_id": consent.pk,
        },
    )
    assert added.status_code == 201, added.content
    assert api(personas.core_officer).get(f"/api/v1/cases/{world.case.pk}").status_code == 200
    assert len(counselor.get(url).json()["results"]) == 2


def test_consultation_api(personas, world, api):
    counselor = api(personas.counselor_a)
    data = {
        "channel": "phone",
        "consulter": "family",
        "main_concern": "母親が入院し、本人の生活が心配。",
        "outcome": "continuing",
        "person_id": world.person.pk,
        "domains": ["family"],
    }
    created = counselor.post("/api/v1/consultations", data)
    assert created.status_code == 201, created.content
    detail = counselor.get(f"/api/v1/consultations/{created.json()['id']}")
    assert detail.json()["main_concern"] == data["main_concern"]
    bad = counselor.post("/api/v1/consultations", {**data, "channel": "telepathy"})
    assert bad.status_code == 422
    anonymous = counselor.post("/api/v1/consultations", {**data, "is_anonymous": True})
    assert anonymous.status_code == 422
    hidden = counselor.post(
        "/api/v1/consultations", {**data, "person_id": world.other_case.person_id}
    )
    assert hidden.status_code == 404


def test_outsider_gets_json_404_everywhere_and_it_is_audited(personas, world, api):
    consultation = ConsultationFactory.create(
        organization=personas.office_a, received_by=personas.counselor_a, person=world.person
    )
    outsider = api(personas.counselor_b)
    case = world.case.pk
    calls = [
        ("get", f"/api/v1/cases/{case}", None),
        ("get", f"/api/v1/cases/{case}/status", None),
        ("post", f"/api/v1/cases/{case}/status", {"to": "assessment"}),
        ("get", f"/api/v1/cases/{case}/team", None),
        (
            "post",
            f"/api/v1/cases/{case}/team",
            {
                "organization_id": personas.office_b.pk,
                "role": "joint",
                "basis": "emergency",
                "basis_note": "x",
            },
        ),
        ("get", f"/api/v1/consultations/{consultation.pk}", None),
        ("post", "/api/v1/cases", {"consultation_id": consultation.pk}),
        ("post", "/api/v1/cases", {"person_id": world.person.pk}),
    ]
    for method, path, data in calls:
        before = AuditEvent.objects.filter(action=Action.ACCESS_DENIED).count()
        response = outsider.get(path) if method == "get" else outsider.post(path, data)
        assert response.status_code == 404, (method, path, response.content)
        assert response.json()["error"]["code"] == "not_found"
        assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED).count() == before + 1
    assert outsider.get("/api/v1/cases").json()["count"] == 1  # only their own
    assert Case.objects.get(pk=case).status == CaseStatus.INTAKE
    assert not CaseTeamMember.objects.filter(organization=personas.office_b, case_id=case)


def test_reader_can_read_but_not_write_over_the_api(personas, world, api):
    reader = api(personas.reader_a)
    assert reader.get(f"/api/v1/cases/{world.case.pk}").status_code == 200
    response = reader.post(f"/api/v1/cases/{world.case.pk}/status", {"to": "assessment"})
    assert response.status_code == 403
    assert reader.post("/api/v1/cases", {"person_id": world.person.pk}).status_code == 403
