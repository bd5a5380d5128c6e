from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from tsunagu.directory.models import Provider, SocialResource
from tsunagu.directory.tests.factories import (
    ContactFactory,
    LocationFactory,
    PhoneFactory,
    ProviderFactory,
    ResourceFactory,
    ScheduleFactory,
    term,
)
from tsunagu.meetings.models import ResourceDevelopment
from tsunagu.meetings.tests.factories import DevelopmentFactory
from tsunagu.organizations.models import Area, AreaKind
from tsunagu.organizations.tests.factories import AreaFactory

INTERNAL_NOTE = "送迎車は2台（内部メモ・非公開）"
INTERNAL_PHONE = "022-011-9999"
INTERNAL_CONTACT = "サービス管理責任者 大野"


@dataclass
class Directory:
    ward: Area
    catchment: Area
    provider_a: Provider  # office A's own provider
    informal_provider: Provider  # no tsunagu organization
    resource_a: SocialResource  # office A's, with internal phone, contact and note
    salon: SocialResource  # informal, published
    hidden: SocialResource  # unpublished
    development: ResourceDevelopment  # recorded by office A


@pytest.fixture
def directory(personas) -> Directory:
    city = AreaFactory.create(code="t-city", name="みどり市", kind=AreaKind.CITY)
    ward = AreaFactory.create(code="t-chuo", name="中央区", kind=AreaKind.WARD, parent=city)
    catchment = AreaFactory.create(
        code="t-honcho", name="本町圏域", kind=AreaKind.CATCHMENT, parent=ward
    )
    provider_a = ProviderFactory.create(
        name="相談支援センター あおば",
        name_kana="そうだんしえんせんたー あおば",
        organization=personas.office_a,
    )
    informal = ProviderFactory.create(name="本町町内会", name_kana="ほんちょうちょうないかい")
    resource_a = ResourceFactory.create(
        provider=provider_a,
        name="ヒダマリの家",
        name_kana="ひだまりのいえ",
        specialties=[term("smid-medical-care")],
        capacity=20,
        vacancies=2,
        vacancies_confirmed_on=dt.date(2026, 11, 25),
        accepts_visits=True,
        accepts_trial=True,
        internal_note=INTERNAL_NOTE,
    )
    LocationFactory.create(resource=resource_a, area=catchment, accessibility="段差なし")
    ScheduleFactory.create(resource=resource_a)
    PhoneFactory.create(resource=resource_a, number="022-011-3101")
    PhoneFactory.create(resource=resource_a, number=INTERNAL_PHONE, is_internal=True)
    ContactFactory.create(resource=resource_a, name=INTERNAL_CONTACT)
    ContactFactory.create(resource=resource_a, name="受付窓口", is_internal=False)
    salon = ResourceFactory.create(
        provider=informal,
        name="ふれあいサロン ほんまち",
        name_kana="ふれあいさろん ほんまち",
        service_type=term("salon"),
    )
    LocationFactory.create(resource=salon, area=ward, address="中央区本町二丁目9番 集会所")
    hidden = ResourceFactory.create(
        provider=informal,
        name="手話サークル（準備中）",
        service_type=term("volunteer"),
        is_published=False,
    )
    development = DevelopmentFactory.create(
        resource=resource_a,
        recorded_by=personas.counselor_a,
        recorded_by_organization=personas.office_a,
    )
    from tsunagu.directory.services import refresh_search_text

    for resource in (resource_a, salon, hidden):
        refresh_search_text(resource)
    return Directory(
        ward=ward,
        catchment=catchment,
        provider_a=provider_a,
        informal_provider=informal,
        resource_a=resource_a,
        salon=salon,
        hidden=hidden,
        development=development,
    )
