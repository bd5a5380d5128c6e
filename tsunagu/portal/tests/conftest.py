from __future__ import annotations

from dataclasses import dataclass

import pytest

from tsunagu.cases.models import Case
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.people.tests.factories import PersonFactory


@dataclass
class PortalWorld:
    case: Case  # led by office A, counselor_a the lead worker
    other_case: Case  # another person's case, also led by office A


@pytest.fixture
def world(personas) -> PortalWorld:
    person = PersonFactory.create(
        family_name="佐藤", given_name="さくら", registered_by_organization=personas.office_a
    )
    case = CaseFactory.create(
        person=person, lead_organization=personas.office_a, lead_worker=personas.counselor_a
    )
    other = CaseFactory.create(
        person=PersonFactory.create(
            family_name="高橋", given_name="健", registered_by_organization=personas.office_a
        ),
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
    )
    return PortalWorld(case=case, other_case=other)
