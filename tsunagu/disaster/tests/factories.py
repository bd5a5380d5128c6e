"""A small disaster world: a ward with a 民生委員区, a 民生委員 serving it, two persons on the
list there (one consenting, one not) and an outside worker organization."""

from __future__ import annotations

from dataclasses import dataclass

from tsunagu.accounts.models import User
from tsunagu.disaster import services
from tsunagu.disaster.models import RegisterEntry
from tsunagu.organizations.models import Area, Organization, OrganizationKind
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import MembershipFactory, OrganizationFactory
from tsunagu.people.models import DisabilityCertificate
from tsunagu.people.tests.factories import PersonFactory


@dataclass
class DisasterWorld:
    ward: Area
    district: Area
    other_ward: Area
    commissioners: Organization  # 避難支援等関係者 serving the district
    commissioner: User
    consenting: RegisterEntry
    not_consenting: RegisterEntry
    elsewhere: RegisterEntry


def make_world(personas, prefix: str = "dw") -> DisasterWorld:
    city_area = Area.objects.create(code=f"{prefix}-city", name="みどり市", kind="city")
    ward = Area.objects.create(code=f"{prefix}-ward", name="青葉区", kind="ward", parent=city_area)
    other = Area.objects.create(code=f"{prefix}-ward2", name="楓区", kind="ward", parent=city_area)
    district = Area.objects.create(
        code=f"{prefix}-district",
        name="青葉第一民生委員区",
        kind="commissioner_district",
        parent=ward,
    )
    commissioners = OrganizationFactory.create(
        code=f"{prefix}-minsei",
        name="青葉第一地区 民生委員児童委員協議会",
        kind=OrganizationKind.WELFARE_COMMISSIONER,
    )
    commissioners.areas_served.add(district)
    commissioner = MembershipFactory.create(organization=commissioners).user
    city = actor_as(personas.city_official)
    services.criteria_set(
        city,
        physical_grades=["1", "2"],
        intellectual_grades=["A"],
        mental_grades=["1"],
        min_support_category=4,
        living_alone=False,
        medical_equipment=True,
    )
    a = PersonFactory.create(family_name="青木", area=district, address="青葉区1-1")
    b = PersonFactory.create(family_name="馬場", area=ward, support_category="5")
    c = PersonFactory.create(family_name="千田", area=other, support_category="6")
    DisabilityCertificate.objects.create(person=a, kind="physical", grade="1")
    PersonFactory.create(family_name="対象外", area=ward, support_category="2")
    added = {e.person_id: e for e in services.register_build(city)}
    consenting = services.consent_record(city, entry=added[a.pk], given=True)
    return DisasterWorld(
        ward=ward,
        district=district,
        other_ward=other,
        commissioners=commissioners,
        commissioner=commissioner,
        consenting=consenting,
        not_consenting=added[b.pk],
        elsewhere=added[c.pk],
    )
