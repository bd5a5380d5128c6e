"""Intake to team (issue 16 item 4): linking the registered person to the consultation, what
`add_team_member` tells its caller, and the worker picker of the team form."""

from __future__ import annotations

import datetime as dt

import pytest

from tsunagu.accounts.tests.factories import UserFactory, api_token_for
from tsunagu.cases import services
from tsunagu.cases.models import CaseTeamMember, Consultation, SharingBasis, TeamRole
from tsunagu.cases.tests.factories import ConsultationFactory
from tsunagu.core.errors import Forbidden, Invalid
from tsunagu.organizations.models import Membership
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.people.models import Person
from tsunagu.people.tests.factories import ConsentFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def unnamed(personas) -> Consultation:
    return ConsultationFactory.create(
        organization=personas.office_a, received_by=personas.counselor_a, person=None
    )


def test_the_registered_person_is_linked_to_the_consultation(personas, unnamed):
    person = PersonFactory.create(registered_by_organization=personas.office_a)
    services.consultation_link_person(
        actor_as(personas.counselor_a), consultation=unnamed, person=person
    )
    assert Consultation.objects.get(pk=unnamed.pk).person == person


def test_linking_is_the_receiving_offices_and_only_once(personas, unnamed):
    person = PersonFactory.create(registered_by_organization=personas.office_a)
    with pytest.raises(Forbidden):
        services.consultation_link_person(
            actor_as(personas.counselor_b), consultation=unnamed, person=person
        )
    hidden = PersonFactory.create(registered_by_organization=personas.office_b)
    with pytest.raises(Invalid):
        services.consultation_link_person(
            actor_as(personas.counselor_a), consultation=unnamed, person=hidden
        )
    services.consultation_link_person(
        actor_as(personas.counselor_a), consultation=unnamed, person=person
    )
    with pytest.raises(Invalid):
        services.consultation_link_person(
            actor_as(personas.counselor_a), consultation=unnamed, person=person
        )


def test_the_person_form_of_the_intake_links_and_leads_to_the_consent(personas, unnamed, client_as):
    client = client_as(personas.counselor_a)
    page = client.post(
        f"/people/new/?consultation={unnamed.pk}",
        {
            "family_name": "山本",
            "given_name": "翔太",
            "family_name_kana": "やまもと",
            "given_name_kana": "しょうた",
            "birth_date": "1990-06-15",
            "sex": "male",
        },
    )
    person = Person.objects.get(family_name="山本")
    assert page.status_code == 302
    assert page["Location"] == f"/people/{person.pk}/consents/new/?consultation={unnamed.pk}"
    assert Consultation.objects.get(pk=unnamed.pk).person == person


def test_an_outsider_gets_404_for_the_intake_of_a_consultation(personas, unnamed, client_as):
    outsider = client_as(personas.counselor_b)
    assert outsider.get(f"/people/new/?consultation={unnamed.pk}").status_code == 404
    assert outsider.get(f"/people/new/?consultation={2**63}").status_code == 404
    assert outsider.get("/people/new/?consultation=%ED%A0%80").status_code == 404
    assert outsider.get(f"/cases/consultations/{unnamed.pk}/").status_code == 404


def test_add_team_member_says_who_was_added_and_whom_to_tell(personas, world):
    ConsentFactory.create(person=world.person, organizations=[personas.core_center])
    consent = world.person.consents.get()
    added = services.add_team_member(
        actor_as(personas.counselor_a),
        case=world.case,
        organization=personas.core_center,
        role=TeamRole.JOINT,
        basis=SharingBasis.CONSENT,
        consent=consent,
        worker=personas.core_officer,
    )
    assert isinstance(added.member, CaseTeamMember)
    assert added.worker == personas.core_officer
    assert added.added_by == personas.counselor_a
    assert added.recipients == (personas.core_officer,)
    assert added.who == f"{personas.core_center.name}（{personas.core_officer.full_name}）"

    # Without a named worker, everyone on the organization's staff is told.
    ConsentFactory.create(person=world.person, organizations=[personas.office_b])
    other = services.add_team_member(
        actor_as(personas.counselor_a),
        case=world.case,
        organization=personas.office_b,
        role=TeamRole.JOINT,
        basis=SharingBasis.CONSENT,
        consent=world.person.consents.get(organizations=personas.office_b),
    )
    assert other.recipients == (personas.counselor_b,)
    assert other.who == personas.office_b.name


def test_the_worker_picker_lists_only_that_organizations_staff_once_each(
    personas, world, client_as
):
    # A user on the staff of the core center and of office B is one choice of the center's.
    twice = UserFactory.create(full_name="二重 所属")
    Membership.objects.create(user=twice, organization=personas.core_center, job_title="counselor")
    Membership.objects.create(user=twice, organization=personas.office_b, job_title="counselor")
    client = client_as(personas.counselor_a)
    options = client.get(
        f"/cases/{world.case.pk}/team/new/workers/?organization={personas.core_center.pk}"
    ).content.decode()
    assert options.count("二重 所属") == 1
    assert personas.core_officer.full_name in options
    assert personas.counselor_a.full_name not in options
    assert personas.counselor_b.full_name not in options
    # Nothing chosen, or nonsense: no staff at all, not an error.
    for bad in ("", "abc", str(2**63), "%ED%A0%80"):
        page = client.get(f"/cases/{world.case.pk}/team/new/workers/?organization={bad}")
        assert page.status_code == 200
        assert personas.core_officer.full_name not in page.content.decode()


def test_an_outsider_gets_404_for_the_worker_picker(personas, world, client_as):
    outsider = client_as(personas.counselor_b)
    url = f"/cases/{world.case.pk}/team/new/workers/?organization={personas.core_center.pk}"
    assert outsider.get(url).status_code == 404


def test_a_person_already_registered_is_linked_instead_of_registered_again(
    personas, unnamed, client_as
):
    known = PersonFactory.create(
        family_name="山本",
        given_name="翔太",
        family_name_kana="ヤマモト",
        given_name_kana="ショウタ",
        birth_date=dt.date(1990, 6, 15),
        registered_by_organization=personas.office_a,
    )
    client = client_as(personas.counselor_a)
    page = client.post(
        f"/people/new/?consultation={unnamed.pk}",
        {
            "family_name": "山本",
            "given_name": "翔太",
            "family_name_kana": "やまもと",
            "given_name_kana": "しょうた",
            "birth_date": "1990-06-15",
            "sex": "male",
        },
    )
    body = page.content.decode()
    assert f"/cases/consultations/{unnamed.pk}/person/" in body
    assert Person.objects.filter(family_name="山本").count() == 1
    linked = client.post(f"/cases/consultations/{unnamed.pk}/person/", {"person": known.pk})
    assert linked.status_code == 302
    assert linked["Location"] == f"/people/{known.pk}/consents/new/?consultation={unnamed.pk}"
    assert Consultation.objects.get(pk=unnamed.pk).person == known


def test_linking_bad_or_hidden_people_is_a_404_and_outsiders_get_404(personas, unnamed, client_as):
    hidden = PersonFactory.create(registered_by_organization=personas.office_b)
    client = client_as(personas.counselor_a)
    url = f"/cases/consultations/{unnamed.pk}/person/"
    for bad in (str(hidden.pk), str(2**63), "abc", "%ED%A0%80", "%EF%BD%B1", ""):
        # Sent as the browser sends it: a lone surrogate's bytes, half-width kana.
        posted = client.post(url, f"person={bad}", content_type="application/x-www-form-urlencoded")
        assert posted.status_code == 404
    assert Consultation.objects.get(pk=unnamed.pk).person is None
    outsider = client_as(personas.counselor_b)
    mine = PersonFactory.create(registered_by_organization=personas.office_b)
    assert outsider.post(url, {"person": mine.pk}).status_code == 404


def test_the_api_links_the_person_too(personas, unnamed, client):
    person = PersonFactory.create(registered_by_organization=personas.office_a)
    token = api_token_for(personas.counselor_a, personas.office_a)
    url = f"/api/v1/consultations/{unnamed.pk}/person"
    body = client.post(
        url,
        {"person_id": person.pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert body.status_code == 200, body.content
    assert Consultation.objects.get(pk=unnamed.pk).person == person
    again = client.post(
        url,
        {"person_id": person.pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert again.status_code == 422
    assert again.json()["error"]["message"]
    outsider = api_token_for(personas.counselor_b, personas.office_b)
    refused = client.post(
        url,
        {"person_id": person.pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {outsider}",
    )
    assert refused.status_code == 404
