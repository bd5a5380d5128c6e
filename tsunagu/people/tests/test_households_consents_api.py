"""The API twins of the household and consent screens (issue 14, API parity): the same services,
the same access rules (an outsider gets 404, a read-only member 403), the same audit rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.people.models import Consent, Household, HouseholdMember
from tsunagu.people.tests.factories import (
    ConsentFactory,
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, api_headers):
    """`api(user).post(path, body)` / `.patch(...)` with a bearer token for the user."""

    def as_user(user):
        headers = api_headers(user)

        class Api:
            def post(self, path, data):
                return client.post(path, data, content_type="application/json", **headers)

            def patch(self, path, data):
                return client.patch(path, data, content_type="application/json", **headers)

        return Api()

    return as_user


@pytest.fixture
def household(personas, yamada):
    household = HouseholdFactory.create(
        name="山田さん世帯", registered_by_organization=personas.office_a
    )
    HouseholdMemberFactory.create(
        household=household, person=yamada, start_date=dt.date(2020, 4, 1)
    )
    return household


def _mother(personas):
    return PersonFactory.create(
        family_name="山田",
        given_name="花子",
        family_name_kana="ヤマダ",
        given_name_kana="ハナコ",
        birth_date=dt.date(1948, 3, 3),
        phone="",
        registered_by_organization=personas.office_a,
    )


# --- Households -------------------------------------------------------------------------------


def test_create_and_update_a_household(personas, api):
    counselor = api(personas.counselor_a)
    created = counselor.post(
        "/api/v1/households",
        {"name": "佐藤さん世帯", "address": "みどり市1-1", "concerns": ["8050", "poverty"]},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    household = Household.objects.get(pk=body["id"])
    assert (body["name"], body["concerns"], body["version"]) == (
        "佐藤さん世帯",
        ["8050", "poverty"],
        1,
    )
    assert household.registered_by_organization == personas.office_a
    assert AuditEvent.objects.filter(
        action=Action.RECORD_CREATED, target_id=str(household.pk)
    ).exists()

    url = f"/api/v1/households/{household.pk}"
    updated = counselor.patch(url, {"version": 1, "address": "みどり市2-2", "concerns": ["8050"]})
    assert updated.status_code == 200, updated.content
    assert (updated.json()["address"], updated.json()["version"]) == ("みどり市2-2", 2)
    event = AuditEvent.objects.get(action=Action.RECORD_UPDATED, target_id=str(household.pk))
    assert event.detail == {"fields": ["address", "concerns"]}
    stale = counselor.patch(url, {"version": 1, "address": "古い版から"})
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"


def test_household_bad_input_is_422(personas, api):
    counselor = api(personas.counselor_a)
    no_name = counselor.post("/api/v1/households", {"name": ""})
    assert no_name.status_code == 422
    assert no_name.json()["error"]["code"] == "validation_error"
    bad_concern = counselor.post("/api/v1/households", {"name": "世帯", "concerns": ["x"]})
    assert bad_concern.status_code == 422
    bad_postal = counselor.post("/api/v1/households", {"name": "世帯", "postal_code": "12"})
    assert bad_postal.status_code == 422
    assert bad_postal.json()["error"]["fields"][0]["field"] == "postal_code"
    assert not Household.objects.exists()


def test_household_writes_refuse_readers_and_outsiders(personas, api, household):
    assert api(personas.reader_a).post("/api/v1/households", {"name": "世帯"}).status_code == 403
    url = f"/api/v1/households/{household.pk}"
    assert api(personas.reader_a).patch(url, {"version": 1, "notes": "x"}).status_code == 403
    outsider = api(personas.counselor_b).patch(url, {"version": 1, "notes": "x"})
    assert outsider.status_code == 404
    assert outsider.json()["error"]["code"] == "not_found"
    household.refresh_from_db()
    assert (household.notes, household.version) == ("", 1)
    assert Household.objects.count() == 1


def test_member_added_then_leaves(personas, api, household):
    counselor = api(personas.counselor_a)
    mother = _mother(personas)
    url = f"/api/v1/households/{household.pk}/members"
    added = counselor.post(
        url,
        {
            "person_id": mother.pk,
            "relationship": "mother",
            "lives_together": False,
            "start_date": "2020-04-01",
        },
    )
    assert added.status_code == 201, added.content
    member = HouseholdMember.objects.get(person=mother)
    assert added.json()["id"] == member.pk
    assert (member.relationship, member.lives_together) == ("mother", False)
    again = counselor.post(url, {"person_id": mother.pk, "relationship": "mother"})
    assert again.status_code == 422
    assert again.json()["error"]["fields"][0]["message"] == "この人はすでにこの世帯の世帯員です。"

    end_url = f"{url}/{member.pk}/end"
    early = counselor.post(end_url, {"end_date": "2019-01-01"})
    assert early.status_code == 422
    ended = counselor.post(end_url, {"end_date": "2024-03-31"})
    assert ended.status_code == 200, ended.content
    member.refresh_from_db()
    assert member.end_date == dt.date(2024, 3, 31)
    assert AuditEvent.objects.filter(
        action=Action.RECORD_UPDATED, target_id=str(member.pk), detail__fields=["end_date"]
    ).exists()


def test_member_routes_refuse_readers_outsiders_and_unseen_persons(personas, api, household):
    mother = _mother(personas)
    url = f"/api/v1/households/{household.pk}/members"
    body = {"person_id": mother.pk, "relationship": "mother"}
    assert api(personas.reader_a).post(url, body).status_code == 403
    assert api(personas.counselor_b).post(url, body).status_code == 404
    # A person of office B that office A may not see is a 404, as if they did not exist.
    stranger = PersonFactory.create(registered_by_organization=personas.office_b)
    unseen = api(personas.counselor_a).post(url, {**body, "person_id": stranger.pk})
    assert unseen.status_code == 404
    assert api(personas.counselor_a).post(url, {**body, "relationship": "x"}).status_code == 422
    assert not HouseholdMember.objects.filter(person__in=[mother, stranger]).exists()
    member = household.members.get()
    end_url = f"{url}/{member.pk}/end"
    assert api(personas.reader_a).post(end_url, {"end_date": "2024-03-31"}).status_code == 403
    assert api(personas.counselor_b).post(end_url, {"end_date": "2024-03-31"}).status_code == 404
    missing = api(personas.counselor_a).post(f"{url}/999999/end", {"end_date": "2024-03-31"})
    assert missing.status_code == 404
    member.refresh_from_db()
    assert member.end_date is None


# --- Consents ---------------------------------------------------------------------------------


def test_record_and_withdraw_a_consent(personas, api, yamada):
    counselor = api(personas.counselor_a)
    url = f"/api/v1/persons/{yamada.pk}/consents"
    recorded = counselor.post(
        url,
        {
            "organization_ids": [personas.office_b.pk, personas.core_center.pk],
            "purposes": ["sharing", "case_conference"],
            "method": "written",
            "obtained_on": timezone.localdate().isoformat(),
        },
    )
    assert recorded.status_code == 201, recorded.content
    consent = Consent.objects.get(person=yamada)
    assert recorded.json()["id"] == consent.pk
    assert set(consent.organizations.all()) == {personas.office_b, personas.core_center}
    assert consent.obtained_by_organization == personas.office_a
    assert AuditEvent.objects.filter(
        action=Action.RECORD_CREATED, target_id=str(consent.pk)
    ).exists()

    withdraw_url = f"{url}/{consent.pk}/withdraw"
    withdrawn = counselor.post(withdraw_url, {"reason": "本人から電話で撤回の申し出"})
    assert withdrawn.status_code == 200, withdrawn.content
    assert withdrawn.json()["withdrawn_at"] is not None
    consent.refresh_from_db()
    assert consent.withdrawal_reason == "本人から電話で撤回の申し出"
    twice = counselor.post(withdraw_url, {})
    assert twice.status_code == 422
    assert twice.json()["error"]["message"] == "この同意はすでに撤回されています。"


def test_consent_bad_input_is_422(personas, api, yamada):
    counselor = api(personas.counselor_a)
    url = f"/api/v1/persons/{yamada.pk}/consents"
    good = {
        "organization_ids": [personas.office_b.pk],
        "purposes": ["sharing"],
        "method": "oral",
        "obtained_on": "2024-04-01",
    }
    for bad in (
        {**good, "organization_ids": []},
        {**good, "organization_ids": [999999]},
        {**good, "purposes": ["marketing"]},
        {**good, "method": "telepathy"},
        {**good, "obtained_on": "1700-01-01"},
        {**good, "expires_on": "2024-03-01"},  # before the consent was given
    ):
        response = counselor.post(url, bad)
        assert response.status_code == 422, bad
        assert set(response.json()["error"]) >= {"code", "message"}
    assert not Consent.objects.exists()


def test_consent_routes_refuse_readers_and_outsiders(personas, api, yamada):
    body = {
        "organization_ids": [personas.office_b.pk],
        "purposes": ["sharing"],
        "method": "oral",
        "obtained_on": "2024-04-01",
    }
    url = f"/api/v1/persons/{yamada.pk}/consents"
    assert api(personas.reader_a).post(url, body).status_code == 403
    assert api(personas.counselor_b).post(url, body).status_code == 404
    assert not Consent.objects.exists()
    consent = ConsentFactory.create(person=yamada)
    withdraw_url = f"{url}/{consent.pk}/withdraw"
    assert api(personas.reader_a).post(withdraw_url, {}).status_code == 403
    assert api(personas.counselor_b).post(withdraw_url, {}).status_code == 404
    other = ConsentFactory.create(person=_mother(personas))
    wrong_person = api(personas.counselor_a).post(f"{url}/{other.pk}/withdraw", {})
    assert wrong_person.status_code == 404
    assert not Consent.objects.filter(withdrawn_at__isnull=False).exists()
