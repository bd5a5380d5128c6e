from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from tsunagu.cases.models import Case
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.people.models import Consent, DisabilityCategory, Person
from tsunagu.people.tests.factories import ConsentFactory, PersonFactory


@dataclass
class World:
    person: Person  # registered by office A; mental + developmental
    case: Case  # led by office A (counselor_a), opened 90 days ago
    consent: Consent  # the person's consent naming the core center, valid today


@pytest.fixture
def world(personas) -> World:
    person = PersonFactory.create(
        family_name="佐藤",
        given_name="健一",
        family_name_kana="サトウ",
        given_name_kana="ケンイチ",
        disability_categories=[DisabilityCategory.MENTAL, DisabilityCategory.DEVELOPMENTAL],
        registered_by_organization=personas.office_a,
    )
    case = CaseFactory.create(
        person=person,
        title="佐藤健一さんの支援",
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
        opened_on=timezone.localdate() - dt.timedelta(days=90),
    )
    consent = ConsentFactory.create(
        person=person,
        obtained_by=personas.counselor_a,
        obtained_by_organization=personas.office_a,
        organizations=[personas.core_center],
    )
    return World(person=person, case=case, consent=consent)
