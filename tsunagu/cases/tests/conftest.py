from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from tsunagu.cases.models import Case
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.people.models import Person
from tsunagu.people.tests.factories import PersonFactory


@dataclass
class World:
    person: Person  # registered by office A
    case: Case  # led by office A, counselor_a the lead worker, opened 90 days ago
    other_case: Case  # led by office B


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
    other = CaseFactory.create(
        person__registered_by_organization=personas.office_b,
        lead_organization=personas.office_b,
        lead_worker=personas.counselor_b,
    )
    return World(person=person, case=case, other_case=other)
