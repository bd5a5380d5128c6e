"""A progress note and a case summary, printed: PDF, audited, 404 for outsiders."""

from __future__ import annotations

import pytest

from tsunagu.audit.models import Action, AuditEvent, Outcome
from tsunagu.disclosure import documents
from tsunagu.organizations.tests.actors import actor_as

pytestmark = pytest.mark.django_db


def _print_events(event: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(action=Action.RECORD_VIEWED, detail__event=event).order_by("pk")
    )


def test_the_lead_prints_a_note_as_a_pdf_and_the_print_is_audited(personas, world, client_as):
    response = client_as(personas.counselor_a).get(f"/disclosure/notes/{world.note.pk}/print/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]
    assert "attachment" in response["Content-Disposition"]
    [row] = _print_events("note.printed")
    assert (row.target_type, row.target_id) == ("records.progressnote", str(world.note.pk))
    assert row.person_ids == [world.person.pk]
    assert row.actor == personas.counselor_a


def test_outsider_gets_404_for_a_note_print_and_the_refusal_is_audited(personas, world, client_as):
    for note_id in (world.note.pk, 2**63, 99999999):
        response = client_as(personas.counselor_b).get(f"/disclosure/notes/{note_id}/print/")
        assert response.status_code == 404
    assert not _print_events("note.printed")
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED,
        outcome=Outcome.DENIED,
        target_type="records.progressnote",
        target_id=str(world.note.pk),
    ).exists()


def test_a_restricted_note_prints_only_for_the_lead_and_its_author(personas, world, client_as):
    url = f"/disclosure/notes/{world.restricted.pk}/print/"
    assert client_as(personas.core_officer).get(url).status_code == 404
    assert client_as(personas.colleague_a).get(url).status_code == 200


def test_the_case_summary_prints_for_the_lead_and_the_team(personas, world, client_as):
    for user in (personas.counselor_a, personas.core_officer):
        response = client_as(user).get(f"/disclosure/cases/{world.case.pk}/summary/")
        assert response.status_code == 200
        assert response.content.startswith(b"%PDF")
    rows = _print_events("case.summary_printed")
    assert [row.actor for row in rows] == [personas.counselor_a, personas.core_officer]
    assert all(row.person_ids == [world.person.pk] for row in rows)


def test_the_case_summary_shows_only_notes_the_reader_may_read(personas, world):
    lead = documents.case_summary(actor_as(personas.counselor_a), world.case)
    team = documents.case_summary(actor_as(personas.core_officer), world.case)
    assert {n.pk for n in lead.notes} == {
        world.note.pk,
        world.restricted.pk,
        world.core_restricted.pk,
    }
    assert {n.pk for n in team.notes} == {world.note.pk, world.core_restricted.pk}
    assert lead.formulation is not None
    assert {m.organization for m in team.team} == {personas.office_a, personas.core_center}


def test_outsider_gets_404_for_a_case_summary(personas, world, client_as):
    for case_id in (world.case.pk, 2**63):
        response = client_as(personas.counselor_b).get(f"/disclosure/cases/{case_id}/summary/")
        assert response.status_code == 404
    assert not _print_events("case.summary_printed")


def test_the_case_and_note_pages_link_to_the_prints(personas, world, client_as):
    client = client_as(personas.counselor_a)
    case_page = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert f"/disclosure/cases/{world.case.pk}/summary/" in case_page
    notes_page = client.get(f"/records/cases/{world.case.pk}/notes/").content.decode()
    assert f"/disclosure/notes/{world.note.pk}/print/" in notes_page


def test_the_printed_note_names_its_case_and_its_next_contact(personas, world, client_as):
    import datetime as dt

    from tsunagu.cases.models import Case
    from tsunagu.core.tests.pdf import pdf_text
    from tsunagu.records.models import ProgressNote

    Case.objects.filter(pk=world.case.pk).update(title="")  # named when read
    ProgressNote.objects.filter(pk=world.note.pk).update(next_contact_on=dt.date(2026, 12, 24))
    response = client_as(personas.counselor_a).get(f"/disclosure/notes/{world.note.pk}/print/")
    text = pdf_text(response.content)
    assert "佐藤花子さんの支援" in text
    assert "次回連絡予定日" in text
    assert "令和8年12月24日" in text
