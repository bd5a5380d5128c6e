from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.accounts.tests.factories import UserFactory
from tsunagu.cases.models import (
    Case,
    CaseConference,
    CaseTeamMember,
    Channel,
    ConferenceAttendee,
    ConferenceKind,
    Consultation,
    ConsultationOutcome,
    Consulter,
    SharingBasis,
    TeamRole,
)
from tsunagu.organizations.models import Organization
from tsunagu.organizations.tests.factories import OrganizationFactory
from tsunagu.people.tests.factories import PersonFactory


class CaseFactory(factory.django.DjangoModelFactory):
    """A case led by `lead_organization`, with the lead already on its team."""

    class Meta:
        model = Case
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory)
    title = ""  # named when read (Case.default_title), as a case opened without a name
    lead_organization = factory.SubFactory(OrganizationFactory)
    lead_worker = factory.SubFactory(UserFactory)

    @factory.post_generation
    def lead_on_team(self, create, extracted, **kwargs):
        if create:
            CaseTeamMember.objects.create(
                case=self,
                organization=self.lead_organization,
                worker=self.lead_worker,
                role=TeamRole.LEAD,
                basis=SharingBasis.LEAD,
                joined_on=self.opened_on,
                added_by=self.lead_worker,
            )


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseTeamMember

    case = factory.SubFactory(CaseFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = TeamRole.JOINT
    basis = SharingBasis.STATUTORY_MEETING
    basis_note = "令和7年度第3回支援会議"
    added_by = factory.SubFactory(UserFactory)
    # A support-meeting basis names a held meeting that the organization attended and pledged.
    conference = factory.LazyAttribute(
        lambda o: (
            pledged_support_meeting(o.case, o.organization, o.added_by)
            if o.basis == SharingBasis.STATUTORY_MEETING
            else None
        )
    )
    emergency_ends_on = factory.LazyAttribute(
        lambda o: (
            timezone.localdate() + dt.timedelta(days=14)
            if o.basis == SharingBasis.EMERGENCY
            else None
        )
    )
    reviewer = factory.LazyAttribute(
        lambda o: o.added_by if o.basis == SharingBasis.EMERGENCY else None
    )


def pledged_support_meeting(
    case: Case, organization: Organization, recorded_by: User
) -> CaseConference:
    """A statutory support meeting about `case`, held an hour ago, that `organization` attended
    and where its attendee pledged confidentiality (社会福祉法106条の6第5項)."""
    now = timezone.now()
    conference = CaseConference.objects.create(
        case=case,
        kind=ConferenceKind.STATUTORY_SUPPORT_MEETING,
        organizer=case.lead_organization,
        held_at=now - dt.timedelta(hours=1),
        created_by=recorded_by,
    )
    for org in {case.lead_organization, organization}:
        ConferenceAttendee.objects.create(
            conference=conference,
            organization=org,
            name="出席者",
            pledged_at=now - dt.timedelta(hours=1),
            pledged_by_name="出席者",
            pledge_recorded_by=recorded_by,
        )
    return conference


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation

    organization = factory.SubFactory(OrganizationFactory)
    received_by = factory.SubFactory(UserFactory)
    channel = Channel.PHONE
    consulter = Consulter.FAMILY
    person = factory.SubFactory(PersonFactory)
    main_concern = "母親が入院し、本人の生活が心配との相談。"
    domains = factory.LazyFunction(lambda: ["family", "welfare_services"])
    outcome = ConsultationOutcome.CONTINUING
    minutes_spent = 30


def case_led_by_a_with_core(personas: Any) -> Case:
    """佐藤花子さん's case, the world several apps' tests share: office A's counselor has led it
    for 90 days, and the core center's officer joined the team 30 days ago."""
    today = timezone.localdate()
    case = CaseFactory.create(
        person=PersonFactory.create(
            family_name="佐藤", given_name="花子", registered_by_organization=personas.office_a
        ),
        title="佐藤花子さんの支援",
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
        opened_on=today - dt.timedelta(days=90),
    )
    TeamMemberFactory.create(
        case=case,
        organization=personas.core_center,
        worker=personas.core_officer,
        added_by=personas.counselor_a,
        joined_on=today - dt.timedelta(days=30),
    )
    return case
