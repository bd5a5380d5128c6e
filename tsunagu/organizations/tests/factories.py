from __future__ import annotations

import factory

from tsunagu.accounts.tests.factories import UserFactory
from tsunagu.organizations.models import (
    Area,
    AreaKind,
    Corporation,
    JobTitle,
    Membership,
    Organization,
    OrganizationKind,
    SystemRole,
)


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"area-{n}")
    name = factory.Sequence(lambda n: f"テスト区{n}")
    kind = AreaKind.WARD
    parent = None


class CorporationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Corporation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"社会福祉法人 みどり福祉会{n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"相談支援事業所 ひだまり{n}")
    name_kana = factory.Sequence(lambda n: f"そうだんしえんじぎょうしょ ひだまり{n}")
    kind = OrganizationKind.COMMISSIONED_OFFICE
    phone = "022-000-0000"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    job_title = JobTitle.COUNSELOR
    role = SystemRole.STAFF
    is_primary = True
