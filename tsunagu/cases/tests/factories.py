from __future__ import annotations

import factory

from tsunagu.accounts.tests.factories import UserFactory
from tsunagu.cases.models import (
    Case,
    CaseTeamMember,
    Channel,
    Consultation,
    ConsultationOutcome,
    Consulter,
    SharingBasis,
    TeamRole,
)
from tsunagu.organizations.tests.factories import OrganizationFactory
from tsunagu.people.tests.factories import PersonFactory


class CaseFactory(factory.django.DjangoModelFactory):
    """A case led by `lead_organization`, with the lead already on its team."""

    class Meta:
        model = Case
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory)
    title = factory.LazyAttribute(
        lambda c: f"{c.person.display_name}さんの支援" if c.person else ""
    )
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
