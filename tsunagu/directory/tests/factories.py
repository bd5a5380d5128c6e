from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from tsunagu.directory.models import (
    Contact,
    Location,
    Phone,
    Provider,
    Schedule,
    SocialResource,
    TaxonomyTerm,
)
from tsunagu.directory.services import ensure_terms


def term(code: str) -> TaxonomyTerm:
    """A term of tsunagu/directory/taxonomy.py (loaded by migration 0002; a transactional
    test's flush removes them, so they are put back first)."""
    ensure_terms()
    return TaxonomyTerm.objects.get(code=code)


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"社会福祉法人 わかば会{n}")
    name_kana = factory.Sequence(lambda n: f"わかばかい{n}")
    description = "障害福祉サービスを運営する法人。"
    phone = "022-011-0000"


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialResource
        skip_postgeneration_save = True

    provider = factory.SubFactory(ProviderFactory)
    name = factory.Sequence(lambda n: f"生活介護 わかばの家{n}")
    name_kana = factory.Sequence(lambda n: f"せいかつかいご わかばのいえ{n}")
    service_type = factory.LazyFunction(lambda: term("life-care"))
    description = "日中活動の場。"

    @factory.post_generation  # type: ignore[untyped-decorator]  # factory_boy is untyped
    def specialties(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.specialties.set(extracted)


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    resource = factory.SubFactory(ResourceFactory)
    postal_code = "981-0001"
    city = "みどり市"
    address = "中央区本町三丁目12番5号"


class ScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Schedule

    resource = factory.SubFactory(ResourceFactory)
    weekdays = "MO,TU,WE,TH,FR"
    opens_at = dt.time(9, 30)
    closes_at = dt.time(16, 0)


class PhoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phone

    resource = factory.SubFactory(ResourceFactory)
    number = "022-011-3101"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    resource = factory.SubFactory(ResourceFactory)
    name = "サービス管理責任者 大野"
    phone = "022-011-3109"
    is_internal = True
