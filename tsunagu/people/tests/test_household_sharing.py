"""A household's members are shared each on their own basis (issue 13, item 6).

The 山田 household: the mother 花子 consented to sharing with office B, her son 一郎 did not.
Office A registered both and leads the mother's case; office B is on its team on her consent.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.cases.access import persons_visible_to
from tsunagu.cases.models import SharingBasis
from tsunagu.cases.tests.factories import CaseFactory, ConsultationFactory, TeamMemberFactory
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Invalid
from tsunagu.organizations.models import Membership
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import OrganizationFactory
from tsunagu.people.models import HouseholdMember, Relationship
from tsunagu.people.tests.factories import (
    ConsentFactory,
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonFactory,
)
from tsunagu.plans import services as plan_services
from tsunagu.plans.tests.factories import AssessmentFactory, AssessmentSectionFactory

pytestmark = pytest.mark.django_db

HIDDEN_NOTE = "このほかに世帯員が"


def actor(user):
    return Actor(user=user, membership=Membership.objects.get(user=user))


class Yamada:
    def __init__(self, personas):
        a = personas.office_a
        self.mother = PersonFactory.create(
            family_name="山田",
            given_name="花子",
            family_name_kana="ヤマダ",
            given_name_kana="ハナコ",
            birth_date=dt.date(1948, 3, 3),
            phone="",
            registered_by_organization=a,
        )
        self.son = PersonFactory.create(
            family_name="山田",
            given_name="一郎",
            family_name_kana="ヤマダ",
            given_name_kana="イチロウ",
            birth_date=dt.date(1978, 5, 5),
            phone="",
            registered_by_organization=a,
        )
        self.household = HouseholdFactory.create(name="山田さん世帯", registered_by_organization=a)
        HouseholdMemberFactory.create(
            household=self.household, person=self.mother, relationship=Relationship.SELF
        )
        self.son_member = HouseholdMemberFactory.create(
            household=self.household, person=self.son, relationship=Relationship.CHILD
        )
        self.case = CaseFactory.create(
            person=self.mother,
            household=self.household,
            lead_organization=a,
            lead_worker=personas.counselor_a,
        )
        self.consent = ConsentFactory.create(
            person=self.mother,
            organizations=[personas.office_b],
            obtained_by=personas.counselor_a,
            obtained_by_organization=a,
        )
        TeamMemberFactory.create(
            case=self.case,
            organization=personas.office_b,
            basis=SharingBasis.CONSENT,
            consent=self.consent,
            basis_note="",
            added_by=personas.counselor_a,
        )


@pytest.fixture
def yamada_household(personas):
    return Yamada(personas)


def _household_page(client, household) -> str:
    response = client.get(reverse("people:household_detail", args=[household.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_mothers_consent_shares_her_and_not_her_son(
    personas, client_as, api_headers, yamada_household
):
    y = yamada_household
    visible_to_b = persons_visible_to(actor(personas.counselor_b))
    assert set(visible_to_b.values_list("pk", flat=True)) == {y.mother.pk}

    client = client_as(personas.counselor_b)
    content = _household_page(client, y.household)
    assert "山田 花子" in content
    assert "一郎" not in content
    assert HIDDEN_NOTE not in content  # B is not even told that someone else lives there
    assert client.get(reverse("people:person_detail", args=[y.son.pk])).status_code == 404
    search = client.get(reverse("people:person_search"), {"q": "いちろう"}).content.decode()
    assert f"/people/{y.son.pk}/" not in search

    body = client.get(
        f"/api/v1/households/{y.household.pk}", **api_headers(personas.counselor_b)
    ).json()
    assert [m["person_id"] for m in body["members"]] == [y.mother.pk]
    assert body["hidden_current_members"] is None
    son_api = client.get(f"/api/v1/persons/{y.son.pk}", **api_headers(personas.counselor_b))
    assert son_api.status_code == 404
    assert son_api.json()["error"]["code"]


def test_the_lead_office_that_holds_the_household_sees_everyone(
    personas, client_as, yamada_household
):
    y = yamada_household
    content = _household_page(client_as(personas.counselor_a), y.household)
    assert "山田 花子" in content
    assert "山田 一郎" in content
    assert HIDDEN_NOTE not in content


def test_the_sons_own_consent_shares_him(personas, client_as, yamada_household):
    y = yamada_household
    ConsentFactory.create(
        person=y.son,
        organizations=[personas.office_b],
        obtained_by=personas.counselor_a,
        obtained_by_organization=personas.office_a,
    )
    content = _household_page(client_as(personas.counselor_b), y.household)
    assert "山田 一郎" in content
    assert persons_visible_to(actor(personas.counselor_b)).filter(pk=y.son.pk).exists()


def test_withdrawing_the_mothers_consent_ends_her_sharing(personas, client_as, yamada_household):
    y = yamada_household
    y.consent.withdrawn_at = timezone.now()
    y.consent.save()
    client = client_as(personas.counselor_b)
    assert not persons_visible_to(actor(personas.counselor_b)).exists()
    assert client.get(reverse("people:person_detail", args=[y.mother.pk])).status_code == 404
    url = reverse("people:household_detail", args=[y.household.pk])
    assert client.get(url).status_code == 404


def test_a_hidden_member_cannot_be_ended_through_its_url(personas, client_as, yamada_household):
    y = yamada_household
    url = reverse("people:household_member_end", args=[y.household.pk, y.son_member.pk])
    client = client_as(personas.counselor_b)
    assert client.get(url).status_code == 404
    assert client.post(url, {"end_date": "2026-01-01"}).status_code == 404
    y.son_member.refresh_from_db()
    assert y.son_member.end_date is None


def test_the_holder_is_told_that_a_member_it_may_not_see_exists(
    personas, client_as, api_headers, yamada_household
):
    """A lodger registered by another office, with no basis for office A: A holds the household
    (it registered it), so it is told one more member exists, without who; B is told nothing."""
    y = yamada_household
    other = OrganizationFactory.create(name="地域活動支援センター ひだまり")
    lodger = PersonFactory.create(
        family_name="佐藤",
        given_name="三郎",
        family_name_kana="サトウ",
        given_name_kana="サブロウ",
        registered_by_organization=other,
    )
    HouseholdMember.objects.create(
        household=y.household, person=lodger, relationship=Relationship.OTHER
    )
    content = _household_page(client_as(personas.counselor_a), y.household)
    assert "三郎" not in content
    assert "このほかに世帯員が1人いますが" in content
    body = client_as(personas.counselor_a).get(
        f"/api/v1/households/{y.household.pk}", **api_headers(personas.counselor_a)
    )
    assert body.json()["hidden_current_members"] == 1
    assert lodger.pk not in [m["person_id"] for m in body.json()["members"]]
    assert HIDDEN_NOTE not in _household_page(client_as(personas.counselor_b), y.household)


def test_a_household_case_covers_every_member_for_its_lead(personas, yamada_household):
    """A case about the household itself (no person) has each member as its subject."""
    y = yamada_household
    other = OrganizationFactory.create(name="地域活動支援センター ひだまり")
    lodger = PersonFactory.create(registered_by_organization=other)
    HouseholdMember.objects.create(
        household=y.household, person=lodger, relationship=Relationship.OTHER
    )
    assert not persons_visible_to(actor(personas.counselor_a)).filter(pk=lodger.pk).exists()
    CaseFactory.create(
        person=None,
        household=y.household,
        title="山田さん世帯の支援",
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
    )
    assert persons_visible_to(actor(personas.counselor_a)).filter(pk=lodger.pk).exists()
    # B's consent basis is still the mother's alone.
    assert not persons_visible_to(actor(personas.counselor_b)).filter(pk=lodger.pk).exists()


def test_a_consultation_about_the_son_is_a_basis_for_him(personas, yamada_household):
    y = yamada_household
    ConsultationFactory.create(
        organization=personas.office_b, person=y.son, received_by=personas.counselor_b
    )
    assert persons_visible_to(actor(personas.counselor_b)).filter(pk=y.son.pk).exists()


def test_the_assessment_shows_b_only_the_mothers_section(
    personas, client_as, api_headers, yamada_household
):
    """The lead's household assessment has a section per member; the son's travels only on
    his own basis, so office B reads the mother's section alone."""
    y = yamada_household
    assessment = AssessmentFactory.create(
        case=y.case, author=personas.counselor_a, author_organization=personas.office_a
    )
    AssessmentSectionFactory.create(assessment=assessment, person=y.mother, relationship="本人")
    AssessmentSectionFactory.create(
        assessment=assessment,
        person=y.son,
        relationship="長男",
        health="一郎さんは夜間に不眠が続いている。",
    )
    url = reverse("plans:assessment_detail", args=[assessment.pk])
    seen_by_a = client_as(personas.counselor_a).get(url).content.decode()
    assert "一郎さんは夜間に不眠が続いている。" in seen_by_a
    seen_by_b = client_as(personas.counselor_b).get(url)
    assert seen_by_b.status_code == 200
    content = seen_by_b.content.decode()
    assert "一郎" not in content
    assert "長男" not in content
    body = client_as(personas.counselor_b).get(
        f"/api/v1/assessments/{assessment.pk}", **api_headers(personas.counselor_b)
    )
    assert body.status_code == 200
    assert [s["person_id"] for s in body.json()["sections"]] == [y.mother.pk]


def test_b_revising_the_assessment_neither_reads_nor_drops_the_sons_section(
    personas, client_as, yamada_household
):
    y = yamada_household
    assessment = AssessmentFactory.create(
        case=y.case, author=personas.counselor_a, author_organization=personas.office_a
    )
    AssessmentSectionFactory.create(assessment=assessment, person=y.mother, relationship="本人")
    AssessmentSectionFactory.create(
        assessment=assessment,
        person=y.son,
        relationship="長男",
        health="一郎さんは夜間に不眠が続いている。",
    )
    form = client_as(personas.counselor_b).get(
        reverse("plans:assessment_create", args=[y.case.pk]), {"from": assessment.pk}
    )
    assert form.status_code == 200
    assert "一郎" not in form.content.decode()

    revised = plan_services.assessment_save(
        actor=actor_as(personas.counselor_b, personas.office_b),
        case=y.case,
        assessed_on=assessment.assessed_on,
        based_on=assessment.revision,
        data={"summary": "母の通院の付き添いをB所が担う。", "revision_reason": "役割の見直し"},
        sections=[{"person_id": y.mother.pk, "relationship": "本人", "health": "通院は月1回。"}],
    )
    kept = revised.sections.get(person=y.son)
    assert kept.health == "一郎さんは夜間に不眠が続いている。"
    with pytest.raises(Invalid):
        plan_services.assessment_save(
            actor=actor_as(personas.counselor_b, personas.office_b),
            case=y.case,
            assessed_on=assessment.assessed_on,
            based_on=revised.revision,
            data={"summary": "書き換え", "revision_reason": "試し"},
            sections=[{"person_id": y.son.pk, "relationship": "長男", "health": "書き換え"}],
        )
