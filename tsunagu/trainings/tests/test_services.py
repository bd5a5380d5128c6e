"""Registration, waiting list, attendance and certificates (issue 18 item 1, "Done when")."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tsunagu.accounts.tests.factories import UserFactory
from tsunagu.audit.models import AuditEvent
from tsunagu.core.errors import Conflict, FieldErrors, Forbidden, Invalid, NotFound
from tsunagu.organizations.models import JobTitle, Membership
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import MembershipFactory
from tsunagu.trainings import access, certificates, selectors, services
from tsunagu.trainings.models import EventStatus, Registration, RegistrationStatus
from tsunagu.trainings.tests.factories import make_event

pytestmark = pytest.mark.django_db


def _member(user, org) -> Membership:
    return Membership.objects.get(user=user, organization=org, is_active=True)


@pytest.fixture
def event(personas):
    return make_event(personas.core_center, personas.core_officer, capacity=2)


def _register(personas, event, user, org=None):
    org = org or personas.office_a
    return services.registration_create(
        actor_as(personas.counselor_a, personas.office_a)
        if org == personas.office_a
        else actor_as(personas.core_officer),
        event=event,
        membership=_member(user, org),
    )


def test_over_capacity_waits_and_a_cancellation_moves_the_first_waiting_up(personas, event):
    office = actor_as(personas.counselor_a)
    third = UserFactory.create(username="third_a", full_name="三谷 三郎")
    fourth = UserFactory.create(username="fourth_a", full_name="四宮 四郎")
    for user in (third, fourth):
        MembershipFactory.create(user=user, organization=personas.office_a, job_title="counselor")
    first = services.registration_create(
        office, event=event, membership=_member(personas.counselor_a, personas.office_a)
    )
    second = services.registration_create(
        office, event=event, membership=_member(personas.colleague_a, personas.office_a)
    )
    waiting_1 = services.registration_create(
        office, event=event, membership=_member(third, personas.office_a)
    )
    waiting_2 = services.registration_create(
        office, event=event, membership=_member(fourth, personas.office_a)
    )
    assert [r.status for r in (first, second)] == [RegistrationStatus.REGISTERED] * 2
    assert [r.status for r in (waiting_1, waiting_2)] == [RegistrationStatus.WAITING] * 2

    services.registration_cancel(office, registration=second)

    waiting_1.refresh_from_db()
    waiting_2.refresh_from_db()
    assert waiting_1.status == RegistrationStatus.REGISTERED  # the first waiting, not the next
    assert waiting_2.status == RegistrationStatus.WAITING
    assert selectors.event_counts(event) == {"registered": 2, "waiting": 1, "free": 0}
    assert AuditEvent.objects.filter(
        action="training.promoted", target_id=str(waiting_1.pk)
    ).exists()

    # A cancelled waiting place frees nothing: nobody moves.
    services.registration_cancel(office, registration=waiting_2)
    assert selectors.event_counts(event) == {"registered": 2, "waiting": 0, "free": 0}


def test_a_larger_capacity_moves_the_waiting_up(personas, event):
    event.capacity = 1
    event.save()
    office = actor_as(personas.counselor_a)
    services.registration_create(
        office, event=event, membership=_member(personas.counselor_a, personas.office_a)
    )
    waiting = services.registration_create(
        office, event=event, membership=_member(personas.colleague_a, personas.office_a)
    )
    assert waiting.status == RegistrationStatus.WAITING
    services.event_update(actor_as(personas.core_officer), event=event, capacity=2)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.REGISTERED
    with pytest.raises(FieldErrors):
        services.event_update(actor_as(personas.core_officer), event=event, capacity=1)


def test_a_worker_cannot_be_registered_twice(personas, event):
    office = actor_as(personas.counselor_a)
    membership = _member(personas.colleague_a, personas.office_a)
    services.registration_create(office, event=event, membership=membership)
    with pytest.raises(Conflict):
        services.registration_create(office, event=event, membership=membership)
    # Not even by the core center for the same worker.
    with pytest.raises(Conflict):
        services.registration_create(
            actor_as(personas.core_officer), event=event, membership=membership
        )


def test_an_office_registers_its_own_members_and_the_core_center_anyone(personas, event):
    office_b = actor_as(personas.counselor_b)
    with pytest.raises(Forbidden):
        services.registration_create(
            office_b, event=event, membership=_member(personas.colleague_a, personas.office_a)
        )
    with pytest.raises(Forbidden):
        services.registration_create(
            actor_as(personas.reader_a),
            event=event,
            membership=_member(personas.colleague_a, personas.office_a),
        )
    registration = services.registration_create(
        actor_as(personas.core_officer),
        event=event,
        membership=_member(personas.counselor_b, personas.office_b),
    )
    assert registration.organization == personas.office_b
    assert registration.registered_by == personas.core_officer


def test_a_draft_or_closed_event_takes_no_registrations(personas):
    draft = make_event(personas.core_center, personas.core_officer, status=EventStatus.DRAFT)
    with pytest.raises(Invalid):
        services.registration_create(
            actor_as(personas.core_officer),
            event=draft,
            membership=_member(personas.colleague_a, personas.office_a),
        )


def test_only_the_core_center_creates_events(personas):
    fields: dict[str, Any] = {
        "theme": "事例検討会",
        "kind": "case_study",
        "held_on": dt.date(2026, 7, 1),
        "starts_at": dt.time(10),
        "ends_at": dt.time(12),
        "format": "in_person",
        "capacity": 20,
    }
    with pytest.raises(Forbidden):
        services.event_create(actor_as(personas.counselor_a), **fields)
    with pytest.raises(FieldErrors) as raised:
        services.event_create(actor_as(personas.core_officer), **{**fields, "ends_at": dt.time(9)})
    assert "ends_at" in raised.value.errors
    event = services.event_create(actor_as(personas.core_officer), **fields)
    assert event.organizer == personas.core_center
    assert AuditEvent.objects.filter(action="record.created", target_id=str(event.pk)).exists()


def test_a_certificate_only_for_recorded_attendance(personas):
    event = make_event(personas.core_center, personas.core_officer, held_on=dt.date(2025, 5, 1))
    office = actor_as(personas.counselor_a)
    core = actor_as(personas.core_officer)
    came = services.registration_create(
        office, event=event, membership=_member(personas.counselor_a, personas.office_a)
    )
    away = services.registration_create(
        office, event=event, membership=_member(personas.colleague_a, personas.office_a)
    )
    # Nothing recorded yet: nothing to issue, and no certificate to print.
    with pytest.raises(Invalid):
        services.certificates_issue(core, event=event)
    with pytest.raises(NotFound):
        certificates.certificate_pdf(office, registration=came)

    services.attendance_record(core, event=event, marks={came.pk: "attended", away.pk: "absent"})
    event.refresh_from_db()
    assert event.status == EventStatus.HELD
    issued = services.certificates_issue(core, event=event)
    assert [r.pk for r in issued] == [came.pk]
    came.refresh_from_db()
    away.refresh_from_db()
    assert came.certificate_issued_on is not None
    assert away.certificate_issued_on is None
    with pytest.raises(NotFound):
        certificates.certificate_pdf(office, registration=away)
    pdf = certificates.certificate_pdf(office, registration=came)
    assert pdf.startswith(b"%PDF")
    # Issued twice: nobody gets a second one.
    assert services.certificates_issue(core, event=event) == []
    # An attended registration cannot be cancelled afterwards.
    with pytest.raises(Invalid):
        services.registration_cancel(office, registration=came)


def test_attendance_is_the_organizers_on_or_after_the_day(personas, event):
    event.held_on = dt.date(2099, 1, 1)
    event.save()
    office = actor_as(personas.counselor_a)
    registration = services.registration_create(
        office, event=event, membership=_member(personas.counselor_a, personas.office_a)
    )
    with pytest.raises(Forbidden):
        services.attendance_record(office, event=event, marks={registration.pk: "attended"})
    with pytest.raises(Invalid):
        services.attendance_record(
            actor_as(personas.core_officer), event=event, marks={registration.pk: "attended"}
        )


def test_a_worker_who_moves_office_keeps_their_record(personas):
    event = make_event(personas.core_center, personas.core_officer, held_on=dt.date(2025, 5, 1))
    core = actor_as(personas.core_officer)
    registration = services.registration_create(
        actor_as(personas.counselor_a),
        event=event,
        membership=_member(personas.colleague_a, personas.office_a),
    )
    services.attendance_record(core, event=event, marks={registration.pk: "attended"})
    services.certificates_issue(core, event=event)
    registration.refresh_from_db()
    # colleague_a moves from office A to office B.
    Membership.objects.filter(user=personas.colleague_a, organization=personas.office_a).update(
        is_active=False, ended_on=dt.date(2025, 9, 30)
    )
    MembershipFactory.create(
        user=personas.colleague_a,
        organization=personas.office_b,
        job_title=JobTitle.CONSULTATION_SPECIALIST,
        is_primary=True,
    )
    now = actor_as(personas.colleague_a, personas.office_b)
    mine = list(selectors.my_registrations(now))
    assert [r.pk for r in mine] == [registration.pk]
    assert mine[0].organization == personas.office_a  # the office at the time, kept
    assert access.access_registration(now, registration.pk) == registration
    assert certificates.certificate_pdf(now, registration=registration).startswith(b"%PDF")
    # Office A still sees what it registered; office B's colleagues do not see it.
    assert access.access_registration(actor_as(personas.counselor_a), registration.pk)
    with pytest.raises(NotFound):
        access.access_registration(actor_as(personas.counselor_b), registration.pk)


def test_a_draft_is_the_organizers_alone(personas):
    draft = make_event(personas.core_center, personas.core_officer, status=EventStatus.DRAFT)
    assert access.access_event(actor_as(personas.core_officer), draft.pk) == draft
    with pytest.raises(NotFound):
        access.access_event(actor_as(personas.counselor_a), draft.pk)
    with pytest.raises(NotFound):
        access.access_event(actor_as(personas.counselor_a), 2**63)
    assert AuditEvent.objects.filter(action="access.denied", target_id=str(draft.pk)).exists()


def test_registration_rows_hold_one_live_row_per_worker(personas, event):
    office = actor_as(personas.counselor_a)
    membership = _member(personas.colleague_a, personas.office_a)
    first = services.registration_create(office, event=event, membership=membership)
    services.registration_cancel(office, registration=first)
    again = services.registration_create(office, event=event, membership=membership)
    assert again.status == RegistrationStatus.REGISTERED
    assert Registration.objects.filter(event=event, worker=personas.colleague_a).count() == 2


def test_the_calendar_shows_the_workers_and_the_organizers_trainings(personas, event):
    from tsunagu.agenda.selectors import agenda_entries

    services.registration_create(
        actor_as(personas.counselor_a),
        event=event,
        membership=_member(personas.colleague_a, personas.office_a),
    )
    window = {"first": event.held_on, "last": event.held_on}
    for user in (personas.colleague_a, personas.core_officer):
        entries = [e for e in agenda_entries(actor_as(user), **window) if e.kind == "training"]
        assert [e.pk for e in entries] == [event.pk]
        assert entries[0].starts_at is not None
    # Not registered, not organizing: not on the calendar.
    assert not [
        e for e in agenda_entries(actor_as(personas.counselor_b), **window) if e.kind == "training"
    ]
