from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tsunagu.cases.models import Case, CaseTeamMember, SharingBasis, TeamRole
from tsunagu.cases.tests.factories import CaseFactory, TeamMemberFactory
from tsunagu.organizations.models import Organization
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.people.tests.factories import ConsentFactory, PersonFactory
from tsunagu.supervision import services
from tsunagu.supervision.models import SupervisionSession


def make_session(
    personas,
    *,
    offices: list[Organization] | None = None,
    kind: str = "group",
    held_on: dt.date | None = None,
) -> SupervisionSession:
    offices = offices or [personas.office_a]
    return services.session_create(
        actor_as(personas.core_officer),
        kind=kind,
        held_on=held_on or timezone.localdate() - dt.timedelta(days=7),
        place="みどり市基幹相談支援センター 会議室",
        supervisor=personas.core_officer,
        offices=offices,
        workers=[personas.counselor_a] if personas.office_a in offices else [],
    )


def office_case(personas, *, title: str = "佐藤花子さんの支援") -> Case:
    person = PersonFactory.create(
        family_name="佐藤", given_name="花子", registered_by_organization=personas.office_a
    )
    return CaseFactory.create(
        person=person,
        title=title,
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
        opened_on=timezone.localdate() - dt.timedelta(days=90),
    )


def core_joins(personas, case: Case) -> CaseTeamMember:
    """The supervisor's organization joins the case team on the person's consent."""
    consent = ConsentFactory.create(
        person=case.person,
        obtained_by=personas.counselor_a,
        obtained_by_organization=personas.office_a,
        organizations=[personas.core_center],
    )
    return TeamMemberFactory.create(
        case=case,
        organization=personas.core_center,
        worker=personas.core_officer,
        role=TeamRole.JOINT,
        basis=SharingBasis.CONSENT,
        consent=consent,
        basis_note="",
        added_by=personas.counselor_a,
        joined_on=timezone.localdate() - dt.timedelta(days=30),
    )
