"""Break-glass access: reason, time limit, review, and no hint about which ids exist."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tsunagu.audit.models import Action, AuditEvent, Outcome
from tsunagu.cases.access import cases_visible_to, persons_visible_to
from tsunagu.cases.models import BreakGlassAccess
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.people.models import Relationship
from tsunagu.people.tests.factories import HouseholdFactory, HouseholdMemberFactory, PersonFactory

REASON = "本人が自宅で倒れているとの通報あり。服薬状況を至急確認するため。"


def _sees(personas, user, world) -> bool:
    from tsunagu.organizations.tests.actors import actor_as

    actor = actor_as(user)
    return (
        persons_visible_to(actor).filter(pk=world.other_case.person_id).exists()
        and cases_visible_to(actor).filter(pk=world.other_case.pk).exists()
    )


def test_break_glass_grants_access_for_24_hours(personas, world, client_as, settings):
    client = client_as(personas.counselor_a)
    person_id = world.other_case.person_id
    assert not _sees(personas, personas.counselor_a, world)

    form = client.get(f"/cases/break-glass/new/?person={person_id}")
    assert form.status_code == 200
    assert world.other_case.person.display_name not in form.content.decode()

    response = client.post("/cases/break-glass/new/", {"person": person_id, "reason": REASON})
    assert response.status_code == 302
    access = BreakGlassAccess.objects.get()
    assert access.user == personas.counselor_a
    assert access.organization == personas.office_a
    assert access.expires_at - access.started_at == dt.timedelta(hours=settings.BREAK_GLASS_HOURS)
    assert settings.BREAK_GLASS_HOURS == 24
    assert _sees(personas, personas.counselor_a, world)
    assert client.get(f"/cases/{world.other_case.pk}/").status_code == 200
    event = AuditEvent.objects.get(action=Action.BREAK_GLASS_OPENED)
    assert event.outcome == Outcome.SUCCESS
    assert event.detail["reason"] == REASON
    assert event.target_id == str(person_id)

    # A colleague in the same office gets nothing from it: the access is the user's own.
    assert not _sees(personas, personas.colleague_a, world)

    BreakGlassAccess.objects.filter(pk=access.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert not _sees(personas, personas.counselor_a, world)
    assert client.get(f"/cases/{world.other_case.pk}/").status_code == 404


def test_reason_must_be_at_least_10_characters(personas, world, client_as):
    response = client_as(personas.counselor_a).post(
        "/cases/break-glass/new/", {"person": world.other_case.person_id, "reason": "緊急です"}
    )
    assert response.status_code == 400
    assert "10文字以上" in response.content.decode()
    assert not BreakGlassAccess.objects.exists()


def test_a_random_id_gets_the_same_answer_as_a_real_one(personas, world, client_as):
    client = client_as(personas.counselor_a)
    real = client.post(
        "/cases/break-glass/new/", {"person": world.other_case.person_id, "reason": REASON}
    )
    missing = client.post("/cases/break-glass/new/", {"person": 987654, "reason": REASON})
    assert real.status_code == missing.status_code == 302
    assert real["Location"] == f"/people/{world.other_case.person_id}/"
    assert missing["Location"] == "/people/987654/"
    messages = [m.message for m in real.wsgi_request._messages] + [
        m.message for m in missing.wsgi_request._messages
    ]
    assert len(set(messages)) == 1
    assert BreakGlassAccess.objects.count() == 1
    miss = AuditEvent.objects.get(action=Action.BREAK_GLASS_OPENED, outcome=Outcome.DENIED)
    assert miss.target_id == "987654"


def test_read_only_member_cannot_break_glass(personas, world, client_as):
    response = client_as(personas.reader_a).post(
        "/cases/break-glass/new/", {"person": world.other_case.person_id, "reason": REASON}
    )
    assert response.status_code == 403
    assert not BreakGlassAccess.objects.exists()


def _open(personas, world, client_as) -> BreakGlassAccess:
    client_as(personas.counselor_a).post(
        "/cases/break-glass/new/", {"person": world.other_case.person_id, "reason": REASON}
    )
    return BreakGlassAccess.objects.get()


@pytest.mark.parametrize("reviewer", ["core_officer", "admin"])
def test_review_list_for_core_center_and_administrators(reviewer, personas, world, client_as):
    access = _open(personas, world, client_as)
    client = client_as(getattr(personas, reviewer))
    page = client.get("/cases/break-glass/")
    assert page.status_code == 200
    body = page.content.decode()
    assert REASON in body
    assert f"#{world.other_case.person_id}" in body
    assert personas.office_a.name in body

    response = client.post(f"/cases/break-glass/{access.pk}/review/", {"note": "妥当と確認"})
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.reviewed_by == getattr(personas, reviewer)
    assert access.review_note == "妥当と確認"
    assert AuditEvent.objects.filter(action=Action.BREAK_GLASS_REVIEWED).exists()


@pytest.mark.parametrize("persona", ["counselor_b", "counselor_a", "city_official"])
def test_review_list_is_404_for_others(persona, personas, world, client_as):
    access = _open(personas, world, client_as)
    client = client_as(getattr(personas, persona))
    before = AuditEvent.objects.filter(action=Action.ACCESS_DENIED).count()
    assert client.get("/cases/break-glass/").status_code == 404
    assert client.post(f"/cases/break-glass/{access.pk}/review/").status_code == 404
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED).count() == before + 2
    access.refresh_from_db()
    assert access.reviewed_at is None


def test_break_glass_on_a_member_opens_her_cases_not_another_members(personas, client_as):
    """ADR 0008: a person's data travels on that person's own basis.  Break-glass on the mother
    opens her own case and the household's case without a person (she is its subject), not her
    son's own case in the same household."""
    household = HouseholdFactory.create(registered_by_organization=personas.office_b)
    mother = PersonFactory.create(
        family_name="鈴木", given_name="和子", registered_by_organization=personas.office_b
    )
    son = PersonFactory.create(
        family_name="鈴木", given_name="翔太", registered_by_organization=personas.office_b
    )
    HouseholdMemberFactory.create(household=household, person=mother)
    HouseholdMemberFactory.create(household=household, person=son, relationship=Relationship.CHILD)
    lead = {"lead_organization": personas.office_b, "lead_worker": personas.counselor_b}
    mothers_case = CaseFactory.create(person=mother, household=household, **lead)
    sons_case = CaseFactory.create(person=son, household=household, **lead)
    household_case = CaseFactory.create(
        person=None, household=household, title="世帯の支援", **lead
    )

    client = client_as(personas.counselor_a)
    response = client.post("/cases/break-glass/new/", {"person": mother.pk, "reason": REASON})
    assert response.status_code == 302
    assert BreakGlassAccess.objects.filter(person=mother, user=personas.counselor_a).exists()

    from tsunagu.organizations.tests.actors import actor_as

    actor = actor_as(personas.counselor_a)
    assert set(cases_visible_to(actor).values_list("pk", flat=True)) >= {
        mothers_case.pk,
        household_case.pk,
    }
    assert not cases_visible_to(actor).filter(pk=sons_case.pk).exists()
    assert not persons_visible_to(actor).filter(pk=son.pk).exists()
    assert client.get(f"/cases/{mothers_case.pk}/").status_code == 200
    assert client.get(f"/cases/{sons_case.pk}/").status_code == 404


@pytest.mark.parametrize("reviewer", ["core_officer", "admin"])
def test_the_review_queue_is_named_for_both_lists(reviewer, personas, client_as):
    """The queue lists emergency sharing bases as well as break-glass uses: the menu and the
    page say so."""
    label = "緊急アクセス・緊急共有の確認"
    body = client_as(getattr(personas, reviewer)).get("/cases/break-glass/").content.decode()
    assert f"<title>{label} | " in body
    assert f"<h1>{label}</h1>" in body
    assert f'aria-current="page">{label}</a>' in body
    assert "緊急アクセスの確認" not in body
