"""factory_boy factories for meeting bodies, meetings, case conferences and resource
developments."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from tsunagu.accounts.tests.factories import UserFactory
from tsunagu.cases.models import CaseConference, ConferenceAttendee, ConferenceKind
from tsunagu.meetings.models import (
    BodyKind,
    DevelopmentKind,
    FrequencyKind,
    Level,
    Meeting,
    MeetingBody,
    MeetingStatus,
    ResourceDevelopment,
)
from tsunagu.organizations.tests.factories import OrganizationFactory


class MeetingBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingBody
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"中央区障がい福祉ネットワーク会議{n}")
    kind = BodyKind.WARD_NETWORK
    level = Level.MESO
    frequency_kind = FrequencyKind.AT_LEAST
    frequency_count = 4

    @factory.post_generation
    def secretariats(self, create, extracted, **kwargs):
        if create and extracted:
            self.secretariats.set(extracted)

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.member_organizations.set(extracted)


def _local(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    body = factory.SubFactory(MeetingBodyFactory)
    title = factory.LazyAttribute(lambda m: m.body.name)
    starts_at = factory.LazyFunction(lambda: _local(timezone.localdate(), 14))
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + dt.timedelta(hours=2))
    status = MeetingStatus.HELD
    place = "中央区役所 第1会議室"
    agenda = "各機関の近況報告\n地域課題の共有"
    created_by = factory.SubFactory(UserFactory)


class CaseConferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseConference

    kind = ConferenceKind.CASE_CONFERENCE
    organizer = factory.SubFactory(OrganizationFactory)
    held_at = factory.LazyFunction(timezone.now)
    purpose = "母の入院に備えた役割分担"
    discussion = "短期入所の体験利用を調整する。"
    created_by = factory.SubFactory(UserFactory)


class AttendeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConferenceAttendee

    conference = factory.SubFactory(CaseConferenceFactory)
    organization = factory.SubFactory(OrganizationFactory)
    name = "出席者"


class DevelopmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceDevelopment

    kind = DevelopmentKind.TOP_UP
    title = "生活介護の開所時間を15時から16時まで延長"
    beneficiaries = "家族の迎えが間に合わない利用者"
    occurred_on = dt.date(2026, 6, 1)
    source_note = "中央区の支援会議"
