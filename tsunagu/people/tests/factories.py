from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from tsunagu.accounts.tests.factories import UserFactory
from tsunagu.core.kana import fold_name, normalize_kana, normalize_phone
from tsunagu.organizations.tests.factories import OrganizationFactory
from tsunagu.people.models import (
    Consent,
    ConsentMethod,
    ConsentPurpose,
    Household,
    HouseholdMember,
    Person,
    Relationship,
    Sex,
)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    family_name = "山田"
    given_name = factory.Sequence(lambda n: f"太郎{n}")
    family_name_kana = "ヤマダ"
    given_name_kana = "タロウ"
    kana_normalized = factory.LazyAttribute(
        lambda p: normalize_kana(p.family_name_kana + p.given_name_kana)
    )
    name_folded = factory.LazyAttribute(lambda p: fold_name(p.family_name, p.given_name))
    birth_date = dt.date(1975, 6, 1)
    sex = Sex.MALE
    phone = "090-1234-5678"
    phone_normalized = factory.LazyAttribute(lambda p: normalize_phone(p.phone))
    address = "みどり市中央区本町1-2-3"
    registered_by_organization = factory.SubFactory(OrganizationFactory)


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    name = factory.Sequence(lambda n: f"山田さん世帯{n}")
    registered_by_organization = factory.SubFactory(OrganizationFactory)


class HouseholdMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HouseholdMember

    household = factory.SubFactory(HouseholdFactory)
    person = factory.SubFactory(PersonFactory)
    relationship = Relationship.SELF
    lives_together = True


class ConsentFactory(factory.django.DjangoModelFactory):
    """A written consent, valid from a year ago, naming `organizations` (pass a list)."""

    class Meta:
        model = Consent
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory)
    purposes = factory.LazyFunction(lambda: [ConsentPurpose.SHARING])
    method = ConsentMethod.WRITTEN
    obtained_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=365))
    obtained_by = factory.SubFactory(UserFactory)
    obtained_by_organization = factory.SubFactory(OrganizationFactory)

    @factory.post_generation
    def organizations(self, create, extracted, **kwargs):
        if create and extracted:
            self.organizations.set(extracted)
