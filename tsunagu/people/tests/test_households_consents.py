"""Households over time, consents and their withdrawal, and who may open which URL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.access import cases_visible_to
from tsunagu.cases.models import SharingBasis
from tsunagu.cases.tests.factories import CaseFactory, TeamMemberFactory
from tsunagu.core.actor import Actor
from tsunagu.organizations.models import Membership
from tsunagu.people.models import Consent, Household, HouseholdMember
from tsunagu.people.tests.factories import (
    ConsentFactory,
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def actor(user):
    return Actor(user=user, membership=Membership.objects.get(user=user))


@pytest.fixture
def household(personas, yamada):
    household = HouseholdFactory.create(
        name="山田さん世帯", registered_by_organization=personas.office_a
    )
    HouseholdMemberFactory.create(
        household=household, person=yamada, start_date=dt.date(2020, 4, 1)
    )
    return household


# --- Households -------------------------------------------------------------------------------


def test_create_and_edit_a_household(personas, client_as):
    client = client_as(personas.counselor_a)
    response = client.post(
        reverse("people:household_create"),
        {"name": "佐藤さん世帯", "address": "みどり市1-1", "concerns": ["8050", "poverty"]},
    )
    assert response.status_code == 302
    household = Household.objects.get()
    assert household.concerns == ["8050", "poverty"]
    assert household.registered_by_organization == personas.office_a
    url = reverse("people:household_edit", args=[household.pk])
    assert client.get(url).status_code == 200
    data = {"name": "佐藤さん世帯", "address": "みどり市2-2", "concerns": ["8050"], "version": 1}
    assert client.post(url, data).status_code == 302
    household.refresh_from_db()
    assert (household.address, household.concerns, household.version) == (
        "みどり市2-2",
        ["8050"],
        2,
    )
    stale = client.post(url, {**data, "address": "古い版から"})
    assert stale.status_code == 409
    assert "ほかの人が先に更新しました。" in stale.content.decode()
    updated = AuditEvent.objects.get(action=Action.RECORD_UPDATED, target_id=str(household.pk))
    assert updated.detail == {"fields": ["address", "concerns"]}


def test_household_needs_a_name(personas, client_as):
    response = client_as(personas.counselor_a).post(reverse("people:household_create"), {})
    assert response.status_code == 400
    assert "世帯名を入力してください。" in response.content.decode()
    assert not Household.objects.exists()


def test_member_added_then_leaves_and_joins_another_household(
    personas, client_as, household, yamada
):
    client = client_as(personas.counselor_a)
    mother = PersonFactory.create(
        family_name="山田",
        given_name="花子",
        family_name_kana="ヤマダ",
        given_name_kana="ハナコ",
        birth_date=dt.date(1948, 3, 3),
        phone="",
        registered_by_organization=personas.office_a,
    )
    add_url = reverse("people:household_member_add", args=[household.pk])
    search = client.get(add_url, {"q": "はなこ"})
    assert f"?person={mother.pk}" in search.content.decode()
    assert client.get(add_url, {"person": mother.pk}).status_code == 200
    response = client.post(
        add_url,
        {
            "person": mother.pk,
            "relationship": "mother",
            "lives_together": "0",
            "start_date": "2020-04-01",
        },
    )
    assert response.status_code == 302
    member = HouseholdMember.objects.get(person=mother)
    assert member.lives_together is False

    detail = client.get(reverse("people:household_detail", args=[household.pk]))
    content = detail.content.decode()
    assert "山田 花子" in content
    assert "母" in content
    assert "別居" in content

    end_url = reverse("people:household_member_end", args=[household.pk, member.pk])
    early = client.post(end_url, {"end_date": "2019-01-01"})
    assert early.status_code == 400
    assert "世帯を離れた日は、世帯に加わった日以降の日付にしてください。" in early.content.decode()
    assert client.post(end_url, {"end_date": "2024-03-31"}).status_code == 302
    member.refresh_from_db()
    assert member.end_date == dt.date(2024, 3, 31)

    # Later she belongs to another household; both memberships are kept.
    other = HouseholdFactory.create(
        name="花子さん世帯", registered_by_organization=personas.office_a
    )
    response = client.post(
        reverse("people:household_member_add", args=[other.pk]),
        {"person": mother.pk, "relationship": "self", "lives_together": "1"},
    )
    assert response.status_code == 302
    assert HouseholdMember.objects.filter(person=mother).count() == 2
    person_page = client.get(reverse("people:person_detail", args=[mother.pk])).content.decode()
    assert "山田さん世帯" in person_page
    assert "花子さん世帯" in person_page


def test_a_current_member_cannot_be_added_twice(personas, client_as, household, yamada):
    response = client_as(personas.counselor_a).post(
        reverse("people:household_member_add", args=[household.pk]),
        {"person": yamada.pk, "relationship": "self", "lives_together": "1"},
    )
    assert response.status_code == 400
    assert "この人はすでにこの世帯の世帯員です。" in response.content.decode()


def test_member_add_refuses_a_person_the_user_may_not_see(personas, client_as, household):
    stranger = PersonFactory.create(registered_by_organization=personas.office_b)
    response = client_as(personas.counselor_a).post(
        reverse("people:household_member_add", args=[household.pk]),
        {"person": stranger.pk, "relationship": "other", "lives_together": "1"},
    )
    assert response.status_code == 404
    assert not HouseholdMember.objects.filter(person=stranger).exists()


def test_household_api(personas, client, household, yamada, api_headers):
    response = client.get(f"/api/v1/households/{household.pk}", **api_headers(personas.counselor_a))
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "山田さん世帯"
    assert body["members"][0]["person_id"] == yamada.pk


# --- Consents ---------------------------------------------------------------------------------


def test_record_a_consent(personas, client_as, yamada):
    client = client_as(personas.counselor_a)
    url = reverse("people:consent_create", args=[yamada.pk])
    assert client.get(url).status_code == 200
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "organizations": [personas.office_b.pk, personas.core_center.pk],
            "purposes": ["sharing", "case_conference"],
            "method": "written",
            "obtained_on": today.isoformat(),
            "expires_on": (today + dt.timedelta(days=365)).isoformat(),
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert set(consent.organizations.all()) == {personas.office_b, personas.core_center}
    assert consent.obtained_by == personas.counselor_a
    assert consent.obtained_by_organization == personas.office_a
    page = client.get(reverse("people:person_detail", args=[yamada.pk])).content.decode()
    assert "有効" in page
    assert "ケース会議での共有" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        # In the future but within the dates any field takes (2999 is refused as out of range).
        ({"obtained_on": "2099-01-01"}, "同意日が未来の日付になっています。"),
        (
            {"obtained_on": "2024-04-01", "expires_on": "2024-03-31"},
            "有効期限は同意日以降の日付にしてください。",
        ),
        ({"purposes": []}, "目的を1つ以上選んでください。"),
        ({"organizations": []}, "共有先の機関を1つ以上選んでください。"),
    ],
)
def test_consent_bad_input(personas, client_as, yamada, overrides, message):
    data = {
        "organizations": [personas.office_b.pk],
        "purposes": ["sharing"],
        "method": "oral",
        "obtained_on": "2024-04-01",
        **overrides,
    }
    response = client_as(personas.counselor_a).post(
        reverse("people:consent_create", args=[yamada.pk]), data
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Consent.objects.exists()


def test_withdrawal_ends_a_team_membership_based_on_it_at_once(personas, client_as, yamada):
    case = CaseFactory.create(
        person=yamada, lead_organization=personas.office_a, lead_worker=personas.counselor_a
    )
    consent = ConsentFactory.create(person=yamada, organizations=[personas.office_b])
    TeamMemberFactory.create(
        case=case,
        organization=personas.office_b,
        basis=SharingBasis.CONSENT,
        consent=consent,
        joined_on=timezone.localdate() - dt.timedelta(days=30),
    )
    outsider = client_as(personas.counselor_b)
    detail = reverse("people:person_detail", args=[yamada.pk])
    assert case in cases_visible_to(actor(personas.counselor_b))
    assert outsider.get(detail).status_code == 200

    page = client_as(personas.counselor_a).get(detail).content.decode()
    withdraw = reverse("people:consent_withdraw", args=[yamada.pk, consent.pk])
    assert withdraw in page
    response = client_as(personas.counselor_a).post(withdraw, {"reason": "本人の申し出"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert consent.withdrawal_reason == "本人の申し出"

    assert case not in cases_visible_to(actor(personas.counselor_b))
    assert outsider.get(detail).status_code == 404
    assert AuditEvent.objects.filter(
        action=Action.RECORD_UPDATED, target_type="people.consent", target_id=str(consent.pk)
    ).exists()
    page = client_as(personas.counselor_a).get(detail).content.decode()
    assert "撤回" in page


# --- Outsider and read-only member ------------------------------------------------------------


@pytest.fixture
def objects(personas, yamada, household):
    consent = ConsentFactory.create(person=yamada, organizations=[personas.office_a])
    member = household.members.get()
    return {"person": yamada, "household": household, "consent": consent, "member": member}


def _urls(objects):
    p, h = objects["person"].pk, objects["household"].pk
    return [
        ("get", reverse("people:person_detail", args=[p])),
        ("get", reverse("people:person_edit", args=[p])),
        ("post", reverse("people:person_edit", args=[p])),
        ("get", reverse("people:consent_create", args=[p])),
        ("post", reverse("people:consent_create", args=[p])),
        ("get", reverse("people:consent_withdraw", args=[p, objects["consent"].pk])),
        ("post", reverse("people:consent_withdraw", args=[p, objects["consent"].pk])),
        ("get", reverse("people:household_detail", args=[h])),
        ("get", reverse("people:household_edit", args=[h])),
        ("post", reverse("people:household_edit", args=[h])),
        ("get", reverse("people:household_member_add", args=[h])),
        ("post", reverse("people:household_member_add", args=[h])),
        ("get", reverse("people:household_member_end", args=[h, objects["member"].pk])),
        ("post", reverse("people:household_member_end", args=[h, objects["member"].pk])),
    ]


def test_every_object_url_is_a_404_for_the_outsider(personas, client_as, objects):
    client = client_as(personas.counselor_b)
    for method, url in _urls(objects):
        before = AuditEvent.objects.filter(action=Action.ACCESS_DENIED).count()
        response = getattr(client, method)(url)
        assert response.status_code == 404, url
        denials = AuditEvent.objects.filter(action=Action.ACCESS_DENIED)
        assert denials.count() == before + 1, url
        assert denials.latest("pk").actor == personas.counselor_b
    objects["consent"].refresh_from_db()
    assert objects["consent"].withdrawn_at is None


def test_every_api_object_url_is_a_404_for_the_outsider(personas, client, objects, api_headers):
    headers = api_headers(personas.counselor_b)
    p, h = objects["person"].pk, objects["household"].pk
    for method, url, body in [
        ("get", f"/api/v1/persons/{p}", None),
        ("patch", f"/api/v1/persons/{p}", {"version": 1, "notes": "x"}),
        ("get", f"/api/v1/households/{h}", None),
    ]:
        before = AuditEvent.objects.filter(action=Action.ACCESS_DENIED).count()
        kwargs = {"content_type": "application/json", "data": body} if body else {}
        response = getattr(client, method)(url, **kwargs, **headers)
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found"
        assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED).count() == before + 1


def test_the_reader_can_look_but_every_write_is_refused(personas, client_as, objects):
    client = client_as(personas.reader_a)
    p, h = objects["person"].pk, objects["household"].pk
    assert client.get(reverse("people:person_detail", args=[p])).status_code == 200
    assert client.get(reverse("people:household_detail", args=[h])).status_code == 200
    for method, url in _urls(objects):
        if url in (
            reverse("people:person_detail", args=[p]),
            reverse("people:household_detail", args=[h]),
        ):
            continue
        response = getattr(client, method)(url)
        assert response.status_code == 403, url
    assert client.get(reverse("people:household_create")).status_code == 403
    assert client.post(reverse("people:household_create"), {"name": "x"}).status_code == 403
    objects["consent"].refresh_from_db()
    assert objects["consent"].withdrawn_at is None
    assert Household.objects.count() == 1
