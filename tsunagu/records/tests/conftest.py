from __future__ import annotations

from dataclasses import dataclass

import pytest

from tsunagu.cases.models import Case
from tsunagu.cases.tests.factories import CaseFactory, case_led_by_a_with_core


@pytest.fixture(autouse=True)
def _attachments_in_tmp(private_media):
    """Attachments go to a throw-away directory."""


@dataclass
class World:
    case: Case  # led by office A; the core center is on the team
    other_case: Case  # led by office B, nobody from A on it


@pytest.fixture
def world(personas) -> World:
    other = CaseFactory.create(
        person__registered_by_organization=personas.office_b,
        lead_organization=personas.office_b,
        lead_worker=personas.counselor_b,
    )
    return World(case=case_led_by_a_with_core(personas), other_case=other)
