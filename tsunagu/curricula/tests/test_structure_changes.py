"""Changing a curriculum's structure (issue 18 item 2): renaming stages and requirements,
moving stages, and removing either only while no training or learning depends on them; the
core center alone, audited, on the screens and in the API.  And the training's page names the
requirements it meets."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.tests.factories import UserFactory, api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.core.errors import Conflict, Forbidden
from tsunagu.curricula import services
from tsunagu.curricula.models import Requirement, Stage
from tsunagu.curricula.tests.factories import make_seed001
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import MembershipFactory, OrganizationFactory
from tsunagu.records.tests.factories import minimal_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed(personas):
    upcoming = timezone.localdate() + dt.timedelta(days=30)
    return make_seed001(personas.core_center, personas.core_officer, upcoming=upcoming)


def _core(personas):
    return actor_as(personas.core_officer, personas.core_center)


def _names(curriculum) -> list[str]:
    return list(curriculum.stages.order_by("position").values_list("name", flat=True))


def _api(client, method, path, token, body=None):
    return client.generic(
        method,
        path,
        data=json.dumps(body or {}, ensure_ascii=False),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_rename_stage_and_requirement_is_audited(personas, seed):
    core = _core(personas)
    services.stage_rename(core, stage=seed.stages[0], name="第1段階 共通研修")
    services.requirement_update(
        core,
        requirement=seed.requirements[0],
        name="共通研修（制度と倫理）",
        description="県の研修も可",
    )
    seed.requirements[0].refresh_from_db()
    assert seed.requirements[0].name == "共通研修（制度と倫理）"
    assert _names(seed.curriculum)[0] == "第1段階 共通研修"
    rows = AuditEvent.objects.filter(action=Action.RECORD_UPDATED, actor=personas.core_officer)
    details = [r.detail for r in rows]
    assert {"changed": {"name": ["共通研修", "第1段階 共通研修"]}} in details


def test_move_a_stage_up_and_down(personas, seed):
    core = _core(personas)
    services.stage_move(core, stage=seed.stages[2], direction="up")
    assert _names(seed.curriculum) == ["共通研修", "重層", "対人援助"]
    services.stage_move(core, stage=seed.stages[0], direction="down")
    assert _names(seed.curriculum) == ["重層", "共通研修", "対人援助"]
    assert list(seed.curriculum.stages.order_by("position").values_list("position", flat=True)) == [
        1,
        2,
        3,
    ]
    with pytest.raises(Conflict, match="最初の段階"):
        services.stage_move(core, stage=seed.stages[2], direction="up")
    with pytest.raises(Conflict, match="最後の段階"):
        services.stage_move(core, stage=seed.stages[1], direction="down")
    moves = AuditEvent.objects.filter(
        action=Action.RECORD_UPDATED, target_type="curricula.stage", actor=personas.core_officer
    )
    assert moves.count() == 2


def test_removal_is_refused_while_evidence_depends(personas, seed, private_media):
    core = _core(personas)
    # A linked training keeps the requirement and its stage.
    with pytest.raises(Conflict, match="削除できません"):
        services.requirement_delete(core, requirement=seed.requirements[0])
    with pytest.raises(Conflict, match="削除できません"):
        services.stage_delete(core, stage=seed.stages[0])
    # Unlinked, but a worker's pending learning still points at it.
    services.requirement_event_unlink(core, link=seed.links[2])
    services.learning_create(
        actor_as(personas.colleague_a, personas.office_a),
        worker=personas.colleague_a,
        requirement=seed.requirements[2],
        course_name="県の研修",
        provider="みどり県",
        completed_on=dt.date(2025, 9, 1),
        evidence=SimpleUploadedFile("修了証.pdf", minimal_pdf()),
    )
    with pytest.raises(Conflict, match="同等の学習が1件"):
        services.requirement_delete(core, requirement=seed.requirements[2])
    assert Requirement.objects.filter(pk=seed.requirements[2].pk).exists()


def test_removal_without_evidence_closes_the_gap(personas, seed):
    core = _core(personas)
    services.requirement_event_unlink(core, link=seed.links[1])
    spare = services.requirement_add(core, stage=seed.stages[1], name="予備の要件")
    services.requirement_delete(core, requirement=spare)
    assert not Requirement.objects.filter(pk=spare.pk).exists()
    services.stage_delete(core, stage=seed.stages[1])
    assert _names(seed.curriculum) == ["共通研修", "重層"]
    assert list(seed.curriculum.stages.order_by("position").values_list("position", flat=True)) == [
        1,
        2,
    ]
    deleted = AuditEvent.objects.filter(action=Action.RECORD_DELETED, actor=personas.core_officer)
    assert set(deleted.values_list("target_type", flat=True)) == {
        "curricula.stage",
        "curricula.requirement",
    }


def test_only_the_core_center_changes_the_structure(personas, seed):
    office = actor_as(personas.counselor_a, personas.office_a)
    for call in (
        lambda: services.stage_rename(office, stage=seed.stages[0], name="x"),
        lambda: services.stage_move(office, stage=seed.stages[1], direction="up"),
        lambda: services.stage_delete(office, stage=seed.stages[0]),
        lambda: services.requirement_update(office, requirement=seed.requirements[0], name="x"),
        lambda: services.requirement_delete(office, requirement=seed.requirements[0]),
    ):
        with pytest.raises(Forbidden):
            call()
    assert _names(seed.curriculum) == ["共通研修", "対人援助", "重層"]


def test_screens_for_the_core_center_and_404_for_others(personas, seed, client_as):
    stage, requirement = seed.stages[1], seed.requirements[1]
    urls = [
        ("get", reverse("curricula:stage_edit", args=[stage.pk]), {}),
        ("post", reverse("curricula:stage_move", args=[stage.pk]), {"direction": "up"}),
        ("post", reverse("curricula:stage_delete", args=[stage.pk]), {}),
        ("get", reverse("curricula:requirement_edit", args=[requirement.pk]), {}),
        ("post", reverse("curricula:requirement_delete", args=[requirement.pk]), {}),
    ]
    hospital = OrganizationFactory.create(kind="hospital", name="みどりの森病院", code="hosp")
    nurse = UserFactory.create(username="nurse")
    MembershipFactory.create(user=nurse, organization=hospital, job_title="other")
    for user in (nurse, personas.counselor_a):  # outsider, and a network office that is not core
        client = client_as(user)
        for method, url, body in urls:
            assert getattr(client, method)(url, body).status_code == 404, (user, url)
    assert _names(seed.curriculum) == ["共通研修", "対人援助", "重層"]

    core = client_as(personas.core_officer)
    detail = core.get(reverse("curricula:detail", args=[seed.curriculum.pk])).content.decode()
    assert reverse("curricula:stage_move", args=[stage.pk]) in detail
    assert "「対人援助」を前の段階と入れ替える" in detail
    assert "「共通研修」を前の段階と入れ替える" not in detail  # the first has nowhere to go
    assert core.get(urls[0][1]).status_code == 200
    response = core.post(urls[0][1], {"name": "対人援助の技術"})
    assert response.status_code == 302
    response = core.post(urls[1][1], {"direction": "up"}, follow=True)
    assert "第1段階に移しました" in response.content.decode()
    assert _names(seed.curriculum) == ["対人援助の技術", "共通研修", "重層"]
    # A requirement with a training linked: the refusal, in Japanese, nothing removed.
    response = core.post(urls[4][1], follow=True)
    assert "削除できません" in response.content.decode()
    assert Requirement.objects.filter(pk=requirement.pk).exists()
    response = core.post(urls[3][1], {"name": "対人援助（基礎）", "description": ""})
    assert response.status_code == 302
    requirement.refresh_from_db()
    assert requirement.name == "対人援助（基礎）"
    # Blank name: the form again with the message, never a 500.
    response = core.post(urls[0][1], {"name": "  "})
    assert response.status_code == 400  # the form helper's answer to bad input
    assert "<form" in response.content.decode()


def test_api_twins(personas, seed, client):
    token = api_token_for(personas.core_officer, personas.core_center)
    stage, requirement = seed.stages[2], seed.requirements[2]
    response = _api(
        client, "PATCH", f"/api/v1/curriculum-stages/{stage.pk}", token, {"name": "重層的支援"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "重層的支援"
    response = _api(
        client, "POST", f"/api/v1/curriculum-stages/{stage.pk}/move", token, {"direction": "up"}
    )
    assert response.status_code == 200, response.content
    assert [s["name"] for s in response.json()] == ["共通研修", "重層的支援", "対人援助"]
    response = _api(
        client, "POST", f"/api/v1/curriculum-stages/{stage.pk}/move", token, {"direction": "left"}
    )
    assert response.status_code == 422
    response = _api(
        client, "PATCH", f"/api/v1/curriculum-requirements/{requirement.pk}", token, {"name": ""}
    )
    assert response.status_code == 422
    response = _api(
        client,
        "PATCH",
        f"/api/v1/curriculum-requirements/{requirement.pk}",
        token,
        {"description": "県の研修も可"},
    )
    assert response.status_code == 200
    assert response.json()["description"] == "県の研修も可"
    # Evidence depends: 409 with the Japanese reason.
    response = _api(client, "DELETE", f"/api/v1/curriculum-requirements/{requirement.pk}", token)
    assert response.status_code == 409
    assert "削除できません" in response.json()["error"]["message"]
    response = _api(client, "DELETE", f"/api/v1/curriculum-stages/{stage.pk}", token)
    assert response.status_code == 409
    # Unlinked: both go.
    _api(client, "DELETE", f"/api/v1/curriculum-requirement-events/{seed.links[2].pk}", token)
    response = _api(client, "DELETE", f"/api/v1/curriculum-stages/{stage.pk}", token)
    assert response.status_code == 204
    assert not Stage.objects.filter(pk=stage.pk).exists()
    assert _names(seed.curriculum) == ["共通研修", "対人援助"]

    office = api_token_for(personas.counselor_a, personas.office_a)
    response = _api(
        client, "PATCH", f"/api/v1/curriculum-stages/{seed.stages[0].pk}", office, {"name": "x"}
    )
    assert response.status_code == 404
    response = _api(
        client, "DELETE", f"/api/v1/curriculum-requirements/{seed.requirements[0].pk}", office
    )
    assert response.status_code == 404


def test_the_training_page_names_the_requirements_it_meets(personas, seed, client_as):
    event = seed.events[1]
    page = client_as(personas.counselor_a).get(reverse("trainings:event_detail", args=[event.pk]))
    body = page.content.decode()
    assert "この研修で満たせる修了要件" in body
    assert reverse("curricula:detail", args=[seed.curriculum.pk]) in body
    assert "対人援助コミュニケーション研修" in body
    other = client_as(personas.counselor_a).get(
        reverse("trainings:event_detail", args=[seed.events[0].pk])
    )
    assert "対人援助コミュニケーション研修」" not in other.content.decode()
