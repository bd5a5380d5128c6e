from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from tsunagu.cases.models import Case
from tsunagu.cases.tests.factories import CaseFactory, TeamMemberFactory
from tsunagu.people.tests.factories import PersonFactory


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Attachments go to a throw-away directory (the private storage follows the setting)."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@dataclass
class World:
    case: Case  # led by office A; the core center is on the team
    other_case: Case  # led by office B, nobody from A on it


@pytest.fixture
def world(personas) -> World:
    person = PersonFactory.create(
        family_name="佐藤", given_name="花子", registered_by_organization=personas.office_a
    )
    case = CaseFactory.create(
        person=person,
        title="佐藤花子さんの支援",
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
        opened_on=timezone.localdate() - dt.timedelta(days=90),
    )
    TeamMemberFactory.create(
        case=case,
        organization=personas.core_center,
        worker=personas.core_officer,
        added_by=personas.counselor_a,
        joined_on=timezone.localdate() - dt.timedelta(days=30),
    )
    other = CaseFactory.create(
        person__registered_by_organization=personas.office_b,
        lead_organization=personas.office_b,
        lead_worker=personas.counselor_b,
    )
    return World(case=case, other_case=other)
