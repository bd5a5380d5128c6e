"""The intake's person/household picker: search, choose with a radio button, validate."""

from __future__ import annotations

import re

from tsunagu.cases.models import Consultation
from tsunagu.cases.tests.test_screens import _intake
from tsunagu.people.tests.factories import HouseholdFactory, PersonFactory


def _radio_values(html: str, name: str) -> set[str]:
    return set(re.findall(rf'type="radio" name="{name}" value="([^"]*)"', html))


def test_form_does_not_list_everyone_visible(personas, world, client_as):
    PersonFactory.create_batch(3, registered_by_organization=personas.office_a)
    html = client_as(personas.counselor_a).get("/cases/consultations/new/").content.decode()
    assert _radio_values(html, "person") == {""}  # only 「選ばない」 until a search
    assert 'name="person_q"' in html
    assert 'hx-get="/cases/consultations/new/choices/?kind=person"' in html
    assert "<select" not in html.split('name="person_q"')[1].split("</fieldset>")[0]


def test_prefill_shows_the_chosen_person_checked(personas, world, client_as):
    client = client_as(personas.counselor_a)
    html = client.get(f"/cases/consultations/new/?person={world.person.pk}").content.decode()
    assert re.search(rf'value="{world.person.pk}"[^>]*checked', html)
    household = HouseholdFactory.create(registered_by_organization=personas.office_a)
    html = client.get(f"/cases/consultations/new/?household={household.pk}").content.decode()
    assert re.search(rf'value="{household.pk}"[^>]*checked', html)


def test_htmx_partial_lists_only_visible_matches(personas, world, client_as):
    client = client_as(personas.counselor_a)
    hidden = world.other_case.person  # registered by office B
    hidden.family_name, hidden.given_name = "佐藤", "次郎"
    hidden.save()
    response = client.get("/cases/consultations/new/choices/?kind=person&person_q=佐藤")
    assert response.status_code == 200
    values = _radio_values(response.content.decode(), "person")
    assert str(world.person.pk) in values
    assert str(hidden.pk) not in values
    assert "<html" not in response.content.decode()
    assert client.get("/cases/consultations/new/choices/?kind=case").status_code == 404


def test_household_search_partial(personas, client_as):
    mine = HouseholdFactory.create(
        name="佐藤さん世帯", registered_by_organization=personas.office_a
    )
    theirs = HouseholdFactory.create(
        name="佐藤様世帯", registered_by_organization=personas.office_b
    )
    client = client_as(personas.counselor_a)
    response = client.get("/cases/consultations/new/choices/?kind=household&household_q=佐藤")
    values = _radio_values(response.content.decode(), "household")
    assert str(mine.pk) in values
    assert str(theirs.pk) not in values


def test_search_without_javascript_keeps_the_input(personas, world, client_as):
    client = client_as(personas.counselor_a)
    response = client.post("/cases/consultations/new/", _intake(person_q="佐藤", _search="person"))
    assert response.status_code == 200
    html = response.content.decode()
    assert str(world.person.pk) in _radio_values(html, "person")
    assert "母親が入院し" in html
    assert "field--error" not in html
    assert not Consultation.objects.exists()
    # …then choosing the found person and submitting saves it.
    response = client.post("/cases/consultations/new/", _intake(person=world.person.pk))
    assert response.status_code == 302
    assert Consultation.objects.get().person == world.person


def test_invisible_and_unknown_ids_get_the_same_error(personas, world, client_as):
    client = client_as(personas.counselor_a)
    forged = client.post("/cases/consultations/new/", _intake(person=world.other_case.person_id))
    unknown = client.post("/cases/consultations/new/", _intake(person=987654))
    assert forged.status_code == unknown.status_code == 400
    message = "選んだ本人が見つかりません。探し直して選んでください。"
    assert message in forged.content.decode()
    assert message in unknown.content.decode()
    assert str(world.other_case.person) not in forged.content.decode()
    theirs = HouseholdFactory.create(registered_by_organization=personas.office_b)
    response = client.post("/cases/consultations/new/", _intake(household=theirs.pk))
    assert response.status_code == 400
    assert "選んだ世帯が見つかりません" in response.content.decode()
    assert not Consultation.objects.exists()
