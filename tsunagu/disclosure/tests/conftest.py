from __future__ import annotations

from dataclasses import dataclass

import pytest

from tsunagu.cases.models import Case
from tsunagu.cases.tests.factories import CaseFactory, case_led_by_a_with_core
from tsunagu.people.models import Person
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.records.models import NoteKind, ProgressNote
from tsunagu.records.tests.factories import FormulationFactory, ProgressNoteFactory


@pytest.fixture(autouse=True)
def _attachments_in_tmp(private_media):
    """Attachments go to a throw-away directory."""


@dataclass
class World:
    person: Person
    case: Case  # led by office A; the core center is on the team
    note: ProgressNote  # office A's, open
    restricted: ProgressNote  # office A's own restricted note
    core_restricted: ProgressNote  # the core center's restricted note on the same case
    second: Person  # another person of office A, with a case and a note
    second_note: ProgressNote


@pytest.fixture
def world(personas) -> World:
    case = case_led_by_a_with_core(personas)
    person = case.person
    assert person is not None
    note = ProgressNoteFactory.create(
        case=case,
        author=personas.counselor_a,
        kind=NoteKind.HOME_VISIT,
        text="自宅を訪問。本人は作業所に通いたいと話した。",
    )
    restricted = ProgressNoteFactory.create(
        case=case,
        author=personas.counselor_a,
        kind=NoteKind.PHONE,
        is_restricted=True,
        text="兄から電話。本人には伝えないでほしいとのこと。",
    )
    core_restricted = ProgressNoteFactory.create(
        case=case,
        author=personas.core_officer,
        author_organization=personas.core_center,
        kind=NoteKind.AGENCY_CONTACT,
        is_restricted=True,
        text="基幹の限定公開メモ。医療機関からの情報。",
    )
    FormulationFactory.create(case=case, author=personas.counselor_a)
    second = PersonFactory.create(
        family_name="鈴木", given_name="一郎", registered_by_organization=personas.office_a
    )
    second_case = CaseFactory.create(
        person=second,
        title="鈴木一郎さんの支援",
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
    )
    second_note = ProgressNoteFactory.create(
        case=second_case, author=personas.counselor_a, text="鈴木さんの面談記録。別人の記録。"
    )
    return World(
        person=person,
        case=case,
        note=note,
        restricted=restricted,
        core_restricted=core_restricted,
        second=second,
        second_note=second_note,
    )
