"""Restricted notes after a transfer (移管, ADR 0012): the old lead's restricted notes stay with
the organization that wrote them, the new lead does not gain them (it reads the handover
summary instead), and the new lead's own restricted notes are not the old lead's."""

from __future__ import annotations

import pytest

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.cases import selectors as case_selectors
from tsunagu.cases.models import Case, SharingBasis, TeamRole
from tsunagu.cases.services import case_lead_transfer
from tsunagu.core.errors import NotFound
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.people.tests.factories import ConsentFactory
from tsunagu.records.access import access_note, notes_visible_to
from tsunagu.records.tests.factories import ProgressNoteFactory
from tsunagu.search.selectors import documents_visible_to

pytestmark = pytest.mark.django_db

HANDOVER = "本人は電話での連絡を好む。母の入院先とは週1回連絡を取っている。"


@pytest.fixture
def transferred(personas, world):
    """Office A's case, with a restricted note of A's counselor, a restricted note of the core
    center (on the team) and an open note, all written before A hands the lead to office B;
    A stays on the team as joint support (its consent names both offices)."""
    case = world.case
    a_restricted = ProgressNoteFactory.create(
        case=case,
        author=personas.counselor_a,
        author_organization=personas.office_a,
        text="限定公開: 本人から家族の借金についての打ち明け。",
        is_restricted=True,
    )
    core_restricted = ProgressNoteFactory.create(
        case=case,
        author=personas.core_officer,
        author_organization=personas.core_center,
        text="限定公開: 基幹センターが聞き取った虐待の疑い。",
        is_restricted=True,
    )
    open_note = ProgressNoteFactory.create(
        case=case,
        author=personas.counselor_a,
        author_organization=personas.office_a,
        text="通常の記録: 自宅を訪問。",
    )
    ConsentFactory.create(
        person=case.person,
        obtained_by=personas.counselor_a,
        obtained_by_organization=personas.office_a,
        organizations=[personas.office_a, personas.office_b],
    )
    change = case_lead_transfer(
        actor_as(personas.counselor_b),
        case=Case.objects.get(pk=case.pk),
        worker=personas.counselor_b,
        handover_summary=HANDOVER,
        previous_lead_role=TeamRole.JOINT,
    )
    assert change.previous_lead_member is not None
    assert change.previous_lead_member.basis == SharingBasis.CONSENT
    b_restricted = ProgressNoteFactory.create(
        case=case,
        author=personas.counselor_b,
        author_organization=personas.office_b,
        text="限定公開: 新しい主担当機関が書いた記録。",
        is_restricted=True,
    )
    return {
        "a_restricted": a_restricted,
        "core_restricted": core_restricted,
        "open": open_note,
        "b_restricted": b_restricted,
    }


def _visible(user) -> set[int]:
    return set(notes_visible_to(actor_as(user)).values_list("pk", flat=True))


def test_the_new_lead_does_not_gain_the_old_leads_restricted_notes(personas, transferred):
    t = transferred
    seen = _visible(personas.counselor_b)
    assert t["open"].pk in seen
    assert t["b_restricted"].pk in seen
    assert t["a_restricted"].pk not in seen
    # Restricted notes written for the lead of the time are not the next lead's either.
    assert t["core_restricted"].pk not in seen
    with pytest.raises(NotFound):
        access_note(actor_as(personas.counselor_b), t["a_restricted"].pk)
    # Search answers by the same rule.
    searchable = documents_visible_to(actor_as(personas.counselor_b))
    assert not searchable.filter(kind="note", record_id=t["a_restricted"].pk).exists()


def test_the_new_lead_reads_the_handover_summary_instead(personas, world, transferred):
    periods = case_selectors.case_lead_periods(Case.objects.get(pk=world.case.pk))
    assert periods[-1].organization == personas.office_b
    assert periods[-1].handover_summary == HANDOVER


def test_the_old_leads_organization_keeps_its_own_restricted_notes(personas, transferred):
    t = transferred
    # A colleague of the author, not the author: the note is the organization's record.
    seen = _visible(personas.colleague_a)
    assert t["a_restricted"].pk in seen
    assert t["open"].pk in seen
    # The new lead's restricted note and the core center's are not A's (no longer the lead).
    assert t["b_restricted"].pk not in seen
    assert t["core_restricted"].pk not in seen
    assert access_note(actor_as(personas.colleague_a), t["a_restricted"].pk).pk == (
        t["a_restricted"].pk
    )


def test_the_core_center_keeps_its_own_restricted_note(personas, transferred):
    seen = _visible(personas.core_officer)
    assert transferred["core_restricted"].pk in seen
    assert transferred["a_restricted"].pk not in seen


def test_the_notes_screen_and_api_follow_the_rule(personas, world, transferred, client_as, client):
    page = client_as(personas.counselor_b).get(f"/records/cases/{world.case.pk}/notes/")
    body = page.content.decode()
    assert "新しい主担当機関が書いた記録" in body
    assert "家族の借金" not in body
    token = api_token_for(personas.counselor_b, personas.office_b)
    notes = client.get(
        f"/api/v1/cases/{world.case.pk}/notes", HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()["results"]
    texts = " ".join(n["text"] for n in notes)
    assert "家族の借金" not in texts
    assert "新しい主担当機関" in texts


def test_an_outsider_gets_404_for_the_case_and_its_notes(personas, world, transferred, client_as):
    outsider = client_as(personas.city_official)
    assert outsider.get(f"/records/cases/{world.case.pk}/notes/").status_code == 404
    assert outsider.get(f"/cases/{world.case.pk}/").status_code == 404
    assert not _visible(personas.city_official)
