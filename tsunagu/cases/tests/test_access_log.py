"""「この方の記録を見た人」: for the lead organization and administrators only."""

from __future__ import annotations

import pytest

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.tests.factories import TeamMemberFactory
from tsunagu.records.tests.factories import FormulationFactory, ProgressNoteFactory


def test_shows_a_view_by_another_user(personas, world, client_as):
    TeamMemberFactory.create(
        case=world.case, organization=personas.core_center, added_by=personas.counselor_a
    )
    note = ProgressNoteFactory.create(case=world.case, author=personas.counselor_a)
    formulation = FormulationFactory.create(case=world.case, author=personas.counselor_a)
    officer = client_as(personas.core_officer)
    assert officer.get(f"/cases/{world.case.pk}/").status_code == 200
    AuditEvent.objects.create(
        action=Action.RECORD_VIEWED,
        actor=personas.colleague_a,
        actor_username="colleague_a",
        target_type="records.progressnote",
        target_id=str(note.pk),
    )
    AuditEvent.objects.create(
        action=Action.RECORD_VIEWED,
        actor=personas.colleague_a,
        actor_username="colleague_a",
        target_type="records.formulation",
        target_id=str(formulation.pk),
    )
    AuditEvent.objects.create(
        action=Action.RECORD_VIEWED,
        actor=personas.counselor_b,
        actor_username="counselor_b",
        target_type="records.progressnote",
        target_id="999999",  # someone else's note
    )

    response = client_as(personas.counselor_a).get(f"/cases/people/{world.person.pk}/access-log/")
    assert response.status_code == 200
    body = response.content.decode()
    assert personas.core_officer.full_name in body
    assert personas.core_center.name in body
    assert "記録の閲覧" in body
    assert "支援経過記録" in body
    assert "見立て" in body
    rows = list(response.context["page"])
    assert {e.actor for e in rows} >= {personas.core_officer, personas.colleague_a}
    assert personas.counselor_b not in {e.actor for e in rows}
    # Looking at the log is itself logged.
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_LOG_VIEWED, actor=personas.counselor_a, target_id=str(world.person.pk)
    ).exists()


def test_open_to_administrators(personas, world, client_as):
    response = client_as(personas.admin).get(f"/cases/people/{world.person.pk}/access-log/")
    assert response.status_code == 200


@pytest.mark.parametrize("persona", ["counselor_b", "core_officer", "city_official"])
def test_404_for_everyone_else(persona, personas, world, client_as):
    # Even on the team (core center): the log is for the lead organization.
    TeamMemberFactory.create(
        case=world.case, organization=personas.core_center, added_by=personas.counselor_a
    )
    user = getattr(personas, persona)
    response = client_as(user).get(f"/cases/people/{world.person.pk}/access-log/")
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=user).exists()
    assert not AuditEvent.objects.filter(action=Action.ACCESS_LOG_VIEWED).exists()


def test_missing_person_is_the_same_404(personas, client_as):
    assert client_as(personas.admin).get("/cases/people/999999/access-log/").status_code == 404
