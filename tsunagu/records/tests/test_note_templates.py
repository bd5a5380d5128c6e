"""Note templates (記録のひな形) of an organization: who keeps them, the new-note form that starts
from one, and the API twin.  Another organization's template is never shown nor changed."""

from __future__ import annotations

import pytest

from tsunagu.accounts.tests.factories import UserFactory, api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.core.errors import Forbidden
from tsunagu.organizations.models import JobTitle, SystemRole
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import MembershipFactory
from tsunagu.records import services
from tsunagu.records.models import NoteKind, NoteTemplate

pytestmark = pytest.mark.django_db

VISIT_BODY = "【様子】\n【本人の話】\n【家族の話】\n【次回までに】"


def _template(organization, user, *, name="訪問", kind=NoteKind.HOME_VISIT, body=VISIT_BODY):
    return NoteTemplate.objects.create(
        organization=organization, name=name, kind=kind, body=body, created_by=user
    )


def _headers(user, organization):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(user, organization)}"}


def _manager_of(organization):
    user = UserFactory.create(username="manager_a")
    MembershipFactory.create(
        user=user, organization=organization, job_title=JobTitle.COUNSELOR, role=SystemRole.MANAGER
    )
    return user


# --- Who keeps them ---------------------------------------------------------------------------


def test_staff_keep_the_templates_of_an_organization_without_managers(personas, client_as):
    client = client_as(personas.counselor_a)
    response = client.post(
        "/records/templates/new/", {"name": "訪問", "kind": "home_visit", "body": VISIT_BODY}
    )
    assert response.status_code == 302
    template = NoteTemplate.objects.get()
    assert (template.organization, template.kind, template.body) == (
        personas.office_a,
        NoteKind.HOME_VISIT,
        VISIT_BODY,
    )
    created = AuditEvent.objects.get(action=Action.RECORD_CREATED)
    assert created.target_type == "records.notetemplate"
    assert created.target_id == str(template.pk)


def test_only_managers_keep_them_where_the_organization_has_managers(personas, client_as):
    manager = _manager_of(personas.office_a)
    template = _template(personas.office_a, manager)
    refused = client_as(personas.counselor_a).post(
        f"/records/templates/{template.pk}/edit/",
        {"name": "訪問（新）", "kind": "home_visit", "body": VISIT_BODY},
    )
    assert refused.status_code == 403
    assert "機関の管理者だけ" in refused.content.decode()
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED).exists()
    template.refresh_from_db()
    assert template.name == "訪問"

    with pytest.raises(Forbidden):
        services.note_template_create(
            actor_as(personas.counselor_a), name="電話", kind="phone", body="【内容】"
        )
    services.note_template_create(actor_as(manager), name="電話", kind="phone", body="【内容】")
    assert NoteTemplate.objects.filter(organization=personas.office_a).count() == 2

    # The list still shows them to the staff, without the buttons.
    page = client_as(personas.counselor_a).get("/records/templates/").content.decode()
    assert "訪問" in page
    assert "電話" in page
    assert "ひな形を作る" not in page


def test_a_read_only_member_cannot_keep_templates(personas, client_as):
    response = client_as(personas.reader_a).post(
        "/records/templates/new/", {"name": "訪問", "kind": "home_visit", "body": VISIT_BODY}
    )
    assert response.status_code == 403
    assert not NoteTemplate.objects.exists()


def test_names_are_unique_among_active_templates_and_a_retired_one_frees_its_name(
    personas, client_as
):
    template = _template(personas.office_a, personas.counselor_a)
    client = client_as(personas.counselor_a)
    clash = client.post(
        "/records/templates/new/", {"name": " 訪問 ", "kind": "phone", "body": "【内容】"}
    )
    assert clash.status_code == 400
    assert "同じ名前の使用中のひな形があります" in clash.content.decode()

    retired = client.post(f"/records/templates/{template.pk}/active/", {"active": "0"})
    assert retired.status_code == 302
    template.refresh_from_db()
    assert not template.is_active
    again = client.post("/records/templates/new/", {"name": "訪問", "kind": "phone", "body": "x"})
    assert again.status_code == 302
    assert NoteTemplate.objects.filter(name="訪問").count() == 2

    # Bringing the old one back would make two active templates of one name.
    back = client.post(f"/records/templates/{template.pk}/active/", {"active": "1"})
    assert back.status_code == 302
    template.refresh_from_db()
    assert not template.is_active


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "kind": "phone", "body": "x"},
        {"name": "電話", "kind": "fax", "body": "x"},
        {"name": "電話", "kind": "phone", "body": "   "},
        {"name": "電" * 61, "kind": "phone", "body": "x"},
        {"name": "電話", "kind": "phone", "body": "x" * 4001},
    ],
)
def test_bad_template_input_is_a_message_not_a_500(personas, client_as, data):
    response = client_as(personas.counselor_a).post("/records/templates/new/", data)
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()
    assert not NoteTemplate.objects.exists()


def test_another_organizations_template_is_a_404(personas, client_as):
    theirs = _template(personas.office_b, personas.counselor_b, name="かえでの訪問")
    client = client_as(personas.counselor_a)
    for url in (
        f"/records/templates/{theirs.pk}/edit/",
        f"/records/templates/{2**63}/edit/",
    ):
        assert client.get(url).status_code == 404
    assert (
        client.post(f"/records/templates/{theirs.pk}/active/", {"active": "0"}).status_code == 404
    )
    theirs.refresh_from_db()
    assert theirs.is_active
    assert "かえでの訪問" not in client.get("/records/templates/").content.decode()


# --- The new-note form starts from a template ---------------------------------------------


def test_the_new_note_form_is_filled_from_a_chosen_template(personas, world, client_as):
    template = _template(personas.office_a, personas.counselor_a)
    url = f"/records/cases/{world.case.pk}/notes/new/"
    client = client_as(personas.colleague_a)

    plain = client.get(url).content.decode()
    assert "【本人の話】" not in plain
    assert f'<option value="{template.pk}">訪問（訪問）</option>' in plain

    filled = client.get(url, {"template": template.pk}).content.decode()
    assert "【様子】\n【本人の話】\n【家族の話】\n【次回までに】</textarea>" in filled
    assert '<option value="home_visit" selected>' in filled


@pytest.mark.parametrize("raw", ["abc", "-1", "0", str(2**63), "1e3", "", "１"])
def test_a_junk_template_id_gives_the_plain_form(personas, world, client_as, raw):
    response = client_as(personas.counselor_a).get(
        f"/records/cases/{world.case.pk}/notes/new/", {"template": raw}
    )
    assert response.status_code == 200
    assert "【様子】" not in response.content.decode()


def test_another_organizations_or_a_retired_template_gives_the_plain_form(
    personas, world, client_as
):
    theirs = _template(personas.office_b, personas.counselor_b, body="【かえでの見出し】")
    retired = _template(personas.office_a, personas.counselor_a, name="旧", body="【古い見出し】")
    retired.is_active = False
    retired.save()
    client = client_as(personas.counselor_a)
    url = f"/records/cases/{world.case.pk}/notes/new/"
    for template in (theirs, retired):
        page = client.get(url, {"template": template.pk}).content.decode()
        assert "見出し】" not in page
    # The core center (on the team) sees its own templates only, never office A's.
    mine = _template(personas.office_a, personas.counselor_a, name="訪問A", body="【A社の見出し】")
    page = client_as(personas.core_officer).get(url, {"template": mine.pk}).content.decode()
    assert "【A社の見出し】" not in page


# --- API ------------------------------------------------------------------------------------


def test_api_creates_lists_edits_and_retires_templates(personas, client):
    headers = _headers(personas.counselor_a, personas.office_a)
    created = client.post(
        "/api/v1/note-templates",
        {"name": "電話", "kind": "phone", "body": "【用件】\n【次回までに】"},
        content_type="application/json",
        **headers,
    )
    assert created.status_code == 201, created.content
    template_id = created.json()["id"]
    assert created.json()["kind_label"] == "電話"
    _template(personas.office_b, personas.counselor_b, name="かえでの訪問")

    listing = client.get("/api/v1/note-templates", **headers).json()
    assert [t["id"] for t in listing["results"]] == [template_id]

    patched = client.patch(
        f"/api/v1/note-templates/{template_id}",
        {"is_active": False},
        content_type="application/json",
        **headers,
    )
    assert patched.status_code == 200
    assert patched.json()["is_active"] is False
    assert patched.json()["name"] == "電話"  # left out, not changed
    assert client.get("/api/v1/note-templates", {"active": "true"}, **headers).json()["count"] == 0


@pytest.mark.parametrize(
    "payload",
    [
        {"name": None},
        {"kind": "fax"},
        {"body": ""},
        {"name": "x" * 61},
        {"is_active": "maybe"},
    ],
)
def test_api_refuses_bad_patches_with_422(personas, client, payload):
    template = _template(personas.office_a, personas.counselor_a)
    response = client.patch(
        f"/api/v1/note-templates/{template.pk}",
        payload,
        content_type="application/json",
        **_headers(personas.counselor_a, personas.office_a),
    )
    assert response.status_code == 422
    assert "error" in response.json()


def test_api_answers_404_for_another_organizations_template(personas, client):
    theirs = _template(personas.office_b, personas.counselor_b)
    headers = _headers(personas.counselor_a, personas.office_a)
    for template_id in (theirs.pk, 2**63):
        assert client.get(f"/api/v1/note-templates/{template_id}", **headers).status_code == 404
        response = client.patch(
            f"/api/v1/note-templates/{template_id}",
            {"is_active": False},
            content_type="application/json",
            **headers,
        )
        assert response.status_code == 404
