"""「この方の記録を見た人」: for the lead organization and administrators only."""

from __future__ import annotations

import pytest

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.tests.factories import TeamMemberFactory, pledged_support_meeting
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


def test_names_views_of_the_case_conferences_before_and_after_they_moved_to_cases(
    personas, world, client_as
):
    """A conference opened today is a `cases.caseconference` row; one opened while the model
    lived in the meetings app is a `meetings.caseconference` row.  The log names both."""
    conference = pledged_support_meeting(world.case, personas.office_a, personas.counselor_a)
    colleague = client_as(personas.colleague_a)
    assert colleague.get(f"/meetings/conferences/{conference.pk}/").status_code == 200
    assert AuditEvent.objects.filter(
        action=Action.RECORD_VIEWED,
        target_type="cases.caseconference",
        target_id=str(conference.pk),
        actor=personas.colleague_a,
    ).exists()
    AuditEvent.objects.create(
        action=Action.RECORD_VIEWED,
        actor=personas.core_officer,
        actor_username="core_officer",
        target_type="meetings.caseconference",
        target_id=str(conference.pk),
    )

    response = client_as(personas.counselor_a).get(f"/cases/people/{world.person.pk}/access-log/")
    assert response.status_code == 200
    rows = [e for e in response.context["page"] if e.target_type.endswith(".caseconference")]
    assert {(e.actor, e.target_type, e.target_id) for e in rows} == {
        (personas.colleague_a, "cases.caseconference", str(conference.pk)),
        (personas.core_officer, "meetings.caseconference", str(conference.pk)),
    }
    assert "ケース会議・事例検討" in response.content.decode()


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
