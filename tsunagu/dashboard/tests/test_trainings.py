"""The trainings on the dashboards (issue 18 item 6): held by kind, attendees by the kind of
their organization, attendance and certificates; the council's small counts suppressed."""

from __future__ import annotations

import datetime as dt

import pytest

from tsunagu.accounts.tests.factories import UserFactory
from tsunagu.dashboard import figures as dashboards
from tsunagu.meetings.models import BodyKind, Level
from tsunagu.meetings.tests.factories import MeetingBodyFactory
from tsunagu.organizations.models import AreaKind, OrganizationKind
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import (
    AreaFactory,
    MembershipFactory,
    OrganizationFactory,
)
from tsunagu.trainings.models import Registration
from tsunagu.trainings.tests.factories import make_event

pytestmark = pytest.mark.django_db

YEAR = 2025
TODAY = dt.date(2026, 3, 20)


def _board(user):
    actor = actor_as(user)
    scope = dashboards.scope_of(actor)
    assert scope is not None
    return dashboards.dashboard(actor, scope, year=YEAR, today=TODAY)


def _counts(distribution):
    return {row.key: row.count for row in distribution.rows if row.count != 0}


@pytest.fixture
def trainings(personas):
    core = personas.core_center
    lecture = make_event(core, personas.core_officer, held_on=dt.date(2025, 6, 1), capacity=20)
    study = make_event(core, personas.core_officer, held_on=dt.date(2025, 9, 1), capacity=20)
    study.kind = "case_study"
    for event in (lecture, study):
        event.status = "held"
        event.save()
    # Not held in the year: announced, cancelled, the year before.
    make_event(core, personas.core_officer, held_on=dt.date(2026, 3, 30))
    make_event(core, personas.core_officer, held_on=dt.date(2025, 7, 1), status="cancelled")
    make_event(core, personas.core_officer, held_on=dt.date(2025, 3, 1), status="held")
    designated = OrganizationFactory.create(kind=OrganizationKind.DESIGNATED_PLANNING_OFFICE)
    people = [(personas.office_a, "attended", True)] * 6 + [
        (designated, "attended", False),
        (personas.office_b, "absent", False),
        (personas.office_b, "", False),
    ]
    for i, (org, attendance, certified) in enumerate(people):
        worker = UserFactory.create()
        Registration.objects.create(
            event=lecture if i % 2 else study,
            worker=worker,
            organization=org,
            job_title="counselor",
            status="registered",
            attendance=attendance,
            certificate_issued_on=dt.date(2025, 9, 2) if certified else None,
            registered_by=worker,
        )
    Registration.objects.create(
        event=lecture,
        worker=UserFactory.create(),
        organization=personas.office_a,
        job_title="counselor",
        status="waiting",
        registered_by=personas.counselor_a,
    )
    return designated


def test_the_city_and_the_core_center_see_the_trainings_held(personas, trainings):
    for user in (personas.city_official, personas.core_officer):
        board = _board(user)
        held = board.distribution("trainings_by_kind")
        assert _counts(held) == {"lecture": 1, "case_study": 1}
        assert held.total == 2
        participants = board.distribution("training_participants_by_kind")
        assert _counts(participants) == {"commissioned_office": 6, "designated_planning_office": 1}
        assert participants.total == 7
        attendance = board.distribution("training_attendance")
        assert _counts(attendance) == {"attended": 7, "absent": 1, "unrecorded": 1}
        assert attendance.total == 9  # the one waiting is not expected
        assert attendance.summary.startswith(
            "出席率77.8%（出席 / 参加予定）。修了証の発行6人（出席者の85.7%）。合計9人。"
        )


def test_the_council_sees_no_small_training_count(personas, trainings, client_as):
    council = MeetingBodyFactory.create(kind=BodyKind.COUNCIL, level=Level.MACRO)
    association = OrganizationFactory.create(kind=OrganizationKind.OTHER)
    council.member_organizations.add(association)
    member = MembershipFactory.create(organization=association, job_title="other").user
    board = _board(member)
    held = board.distribution("trainings_by_kind")
    assert [row.count for row in held.rows if row.key in ("lecture", "case_study")] == [None, None]
    assert held.total is None  # 2 in all
    participants = board.distribution("training_participants_by_kind")
    assert participants.total == 7
    counts = {row.key: row.count for row in participants.rows}
    assert counts["designated_planning_office"] is None
    # With the total shown, a second cell is hidden so that the 1 cannot be worked back.
    assert sum(1 for n in counts.values() if n is None) >= 2
    attendance = board.distribution("training_attendance")
    assert [row.count for row in attendance.rows] == [7, None, None]  # absent 1, unrecorded 1
    assert attendance.total == 9
    assert attendance.summary.startswith("出席率77.8%（出席 / 参加予定）。修了証の発行6人")
    # A year with fewer than five expected: no rate is worked out from a hidden count.
    Registration.objects.filter(attendance="attended").exclude(
        organization__kind=OrganizationKind.DESIGNATED_PLANNING_OFFICE
    ).delete()
    attendance = _board(member).distribution("training_attendance")
    assert attendance.total is None
    assert "出席率" not in attendance.summary
    page = client_as(member).get("/dashboards/").content.decode()
    assert "研修の出席者（所属の種別）" in page


def test_a_ward_office_has_no_training_figures(personas, trainings):
    ward = AreaFactory.create(kind=AreaKind.WARD, name="中央区")
    office = OrganizationFactory.create(kind=OrganizationKind.WARD_OFFICE)
    office.areas_served.set([ward])
    user = MembershipFactory.create(organization=office, job_title="caseworker").user
    keys = [d.key for d in _board(user).distributions]
    assert "trainings_by_kind" not in keys
