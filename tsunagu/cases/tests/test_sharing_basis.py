"""Lawful bases for sharing as checked facts (issue 13, items 4, 5 and 8; DESIGN.md §5).

4. A support-meeting basis (社会福祉法106条の6) names a recorded meeting: held, about the case,
   attended by the organization, every attendee's confidentiality pledge recorded.
5. An emergency basis (個人情報保護法27条1項2号) ends after TSUNAGU_EMERGENCY_BASIS_DAYS, has a
   named core-center reviewer and a review queue; the access ends with the date.
8. Break-glass reads only, is limited per user per day, and reaches the review list at once.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent, Outcome
from tsunagu.cases import services
from tsunagu.cases.access import cases_visible_to, persons_visible_to
from tsunagu.cases.models import (
    BasisEnd,
    BreakGlassAccess,
    CaseConference,
    CaseTeamMember,
    ConferenceAttendee,
    ConferenceKind,
    SharingBasis,
    TeamRole,
)
from tsunagu.cases.tests.factories import CaseFactory, pledged_support_meeting
from tsunagu.core.errors import Forbidden, Invalid
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.people.tests.factories import ConsentFactory, PersonFactory

REASON = "本人が自宅で倒れているとの通報あり。服薬状況を至急確認するため。"


def _api(user, organization) -> Client:
    token = api_token_for(user, organization)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def _post(client: Client, url: str, body: dict[str, object]) -> Any:
    return client.post(url, body, content_type="application/json")


def _core_sees(personas, case) -> bool:
    actor = actor_as(personas.core_officer)
    return cases_visible_to(actor).filter(pk=case.pk).exists()


def _add_emergency(personas, case, **kwargs) -> CaseTeamMember:
    return services.team_member_add(
        actor=actor_as(personas.counselor_a),
        case=case,
        organization=kwargs.pop("organization", personas.core_center),
        role=TeamRole.JOINT,
        basis=SharingBasis.EMERGENCY,
        basis_note="自宅で倒れているとの通報、安否確認のため",
        reviewer=kwargs.pop("reviewer", personas.core_officer),
        **kwargs,
    )


# --- 4. Support meetings ----------------------------------------------------------------------


def test_api_refuses_a_support_meeting_basis_without_a_recorded_meeting(personas, world):
    """Before the fix any note, even 「あ」, was accepted and opened the whole case."""
    client = _api(personas.counselor_a, personas.office_a)
    url = f"/api/v1/cases/{world.case.pk}/team"
    body = {
        "organization_id": personas.core_center.pk,
        "role": "joint",
        "basis": "statutory_meeting",
        "basis_note": "あ",
    }
    response = _post(client, url, body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "no_meeting"
    assert not _core_sees(personas, world.case)

    meeting = pledged_support_meeting(world.case, personas.core_center, personas.counselor_a)
    response = _post(client, url, {**body, "conference_id": meeting.pk})
    assert response.status_code == 201, response.content
    assert response.json()["conference_id"] == meeting.pk
    assert _core_sees(personas, world.case)
    event = AuditEvent.objects.get(action=Action.TEAM_MEMBER_ADDED)
    assert event.detail["conference"] == meeting.pk


def test_the_api_records_a_support_meeting_that_then_qualifies(personas, world):
    """The whole way by API, as on the screens: the meeting, its attendees, their pledges."""
    client = _api(personas.counselor_a, personas.office_a)
    held_at = (timezone.now() - dt.timedelta(hours=2)).isoformat()
    response = _post(
        client,
        f"/api/v1/cases/{world.case.pk}/conferences",
        {"kind": "statutory_support_meeting", "held_at": held_at},
    )
    assert response.status_code == 201, response.content
    conference_id = response.json()["id"]
    team_body = {
        "organization_id": personas.core_center.pk,
        "role": "joint",
        "basis": "statutory_meeting",
        "conference_id": conference_id,
    }
    response = _post(
        client,
        f"/api/v1/case-conferences/{conference_id}/attendees",
        {"organization_id": personas.core_center.pk, "name": "出席者"},
    )
    assert response.status_code == 201, response.content
    # The organizer attends from the start; every attendee must pledge.
    listed = client.get(f"/api/v1/case-conferences/{conference_id}/attendees").json()["results"]
    attendees = [a["id"] for a in listed]
    assert len(attendees) == 2
    # Attended but nobody has pledged yet: still not a basis, and the answer says why.
    response = _post(client, f"/api/v1/cases/{world.case.pk}/team", team_body)
    assert response.status_code == 422
    assert "誓約" in response.json()["error"]["message"]
    for attendee_id in attendees:
        response = _post(
            client,
            f"/api/v1/case-conference-attendees/{attendee_id}/pledge",
            {"pledged_by_name": "田中 一郎"},
        )
        assert response.status_code == 200, response.content
        assert response.json()["pledged_at"] is not None
    response = _post(client, f"/api/v1/cases/{world.case.pk}/team", team_body)
    assert response.status_code == 201, response.content
    assert _core_sees(personas, world.case)


def _meeting(case, *, kind=ConferenceKind.STATUTORY_SUPPORT_MEETING, held_at=None, by):
    return CaseConference.objects.create(
        case=case,
        kind=kind,
        organizer=case.lead_organization,
        held_at=held_at or timezone.now() - dt.timedelta(days=1),
        created_by=by,
    )


def _attend(conference, organization, *, pledged=True, by=None):
    return ConferenceAttendee.objects.create(
        conference=conference,
        organization=organization,
        name="出席者",
        pledged_at=timezone.now() - dt.timedelta(days=1) if pledged else None,
        pledged_by_name="出席者" if pledged else "",
        pledge_recorded_by=by if pledged else None,
    )


@pytest.mark.parametrize(
    ("defect", "message"),
    [
        ("not_statutory", "支援会議（社会福祉法106条の6）ではありません"),
        ("not_held", "まだ開催されていません"),
        ("not_attended", "出席者にいません"),
        ("not_pledged", "誓約が記録されていない"),
        ("other_case", "このケース（本人・世帯）についての会議ではありません"),
    ],
)
def test_a_meeting_that_falls_short_says_what_is_missing(defect, message, personas, world):
    lead = personas.counselor_a
    case = world.case
    if defect == "other_case":
        case = CaseFactory.create(
            person=PersonFactory.create(registered_by_organization=personas.office_a),
            lead_organization=personas.office_a,
            lead_worker=lead,
        )
    conference = _meeting(
        case,
        kind=(
            ConferenceKind.CASE_CONFERENCE
            if defect == "not_statutory"
            else ConferenceKind.STATUTORY_SUPPORT_MEETING
        ),
        held_at=timezone.now() + dt.timedelta(days=2) if defect == "not_held" else None,
        by=lead,
    )
    _attend(conference, personas.office_a, by=lead)
    if defect == "not_attended":
        _attend(conference, personas.office_b, by=lead)
    else:
        _attend(conference, personas.core_center, pledged=defect != "not_pledged", by=lead)
    with pytest.raises(Invalid, match=message) as info:
        services.team_member_add(
            actor=actor_as(lead),
            case=world.case,
            organization=personas.core_center,
            role=TeamRole.JOINT,
            basis=SharingBasis.STATUTORY_MEETING,
            conference=conference,
        )
    assert info.value.code == "no_meeting"
    assert not _core_sees(personas, world.case)


def test_a_meeting_about_the_household_qualifies_for_the_household_case(personas, world):
    from tsunagu.people.tests.factories import HouseholdFactory, HouseholdMemberFactory

    household = HouseholdFactory.create(registered_by_organization=personas.office_a)
    HouseholdMemberFactory.create(household=household, person=world.person)
    world.case.household = household
    world.case.save()
    household_case = CaseFactory.create(
        person=None,
        household=household,
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
    )
    meeting = pledged_support_meeting(world.case, personas.core_center, personas.counselor_a)
    member = services.team_member_add(
        actor=actor_as(personas.counselor_a),
        case=household_case,
        organization=personas.core_center,
        role=TeamRole.JOINT,
        basis=SharingBasis.STATUTORY_MEETING,
        conference=meeting,
    )
    assert member.conference == meeting


# --- 5. Emergency -----------------------------------------------------------------------------


def test_emergency_basis_has_an_end_date_and_a_core_center_reviewer(personas, world, settings):
    settings.EMERGENCY_BASIS_DAYS = 14
    with pytest.raises(Invalid) as info:
        _add_emergency(personas, world.case, reviewer=None)
    assert info.value.code == "no_reviewer"
    with pytest.raises(Invalid, match="基幹相談支援センターの職員"):
        _add_emergency(personas, world.case, reviewer=personas.counselor_b)
    member = _add_emergency(personas, world.case)
    assert member.emergency_ends_on == timezone.localdate() + dt.timedelta(days=14)
    assert member.reviewer == personas.core_officer
    event = AuditEvent.objects.get(action=Action.TEAM_MEMBER_ADDED)
    assert event.detail["emergency_ends_on"] == str(member.emergency_ends_on)
    assert event.detail["reviewer"] == personas.core_officer.pk


def test_emergency_access_ends_with_its_date_without_any_command(personas, world, client_as):
    member = _add_emergency(personas, world.case, organization=personas.office_b)
    client = client_as(personas.counselor_b)
    assert client.get(f"/cases/{world.case.pk}/").status_code == 200
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    CaseTeamMember.objects.filter(pk=member.pk).update(emergency_ends_on=yesterday)
    # Reading stops at once: lists, search and the object agree (active_team_members).
    assert client.get(f"/cases/{world.case.pk}/").status_code == 404
    actor = actor_as(personas.counselor_b)
    assert not cases_visible_to(actor).filter(pk=world.case.pk).exists()
    assert not persons_visible_to(actor).filter(pk=world.person.pk).exists()
    # The member is told why, with nothing of the case but its number.
    page = client.get("/cases/").content.decode()
    assert 'id="ended-sharing-notice"' in page
    assert f"ケース #{world.case.pk}" in page
    assert world.case.title not in page


def test_the_command_records_the_end_audits_and_mails(personas, world):
    personas.core_officer.email = "core@example.jp"
    personas.core_officer.save()
    member = _add_emergency(personas, world.case)
    CaseTeamMember.objects.filter(pk=member.pk).update(
        emergency_ends_on=timezone.localdate() - dt.timedelta(days=1)
    )
    out = StringIO()
    call_command("end_expired_emergencies", stdout=out)
    member.refresh_from_db()
    assert member.basis_ended_at is not None
    assert member.basis_end_reason == BasisEnd.EXPIRED
    event = AuditEvent.objects.get(action=Action.SHARING_BASIS_ENDED)
    assert event.detail["reason"] == "expired"
    assert "core@example.jp" in mail.outbox[0].to
    # Idempotent: a second run ends nothing more.
    call_command("end_expired_emergencies", stdout=StringIO())
    assert AuditEvent.objects.filter(action=Action.SHARING_BASIS_ENDED).count() == 1


def test_converting_to_consent_keeps_the_access_past_the_end_date(personas, world):
    member = _add_emergency(personas, world.case)
    consent = ConsentFactory.create(person=world.person, organizations=[personas.core_center])
    with pytest.raises(Forbidden):
        services.emergency_basis_convert(
            actor=actor_as(personas.counselor_a),
            member=member,
            basis=SharingBasis.CONSENT,
            consent=consent,
        )
    services.emergency_basis_convert(
        actor=actor_as(personas.core_officer),
        member=member,
        basis=SharingBasis.CONSENT,
        consent=consent,
    )
    member.refresh_from_db()
    assert member.basis == SharingBasis.CONSENT
    assert member.basis_reviewed_by == personas.core_officer
    CaseTeamMember.objects.filter(pk=member.pk).update(
        emergency_ends_on=timezone.localdate() - dt.timedelta(days=1)
    )
    assert _core_sees(personas, world.case)
    event = AuditEvent.objects.get(action=Action.SHARING_BASIS_CONVERTED)
    assert event.detail["to"] == "consent"


def test_review_queue_screen_lists_and_ends_an_emergency(personas, world, client_as):
    member = _add_emergency(personas, world.case, organization=personas.office_b)
    reviewer = client_as(personas.core_officer)
    queue = reviewer.get("/cases/break-glass/").content.decode()
    assert f"/cases/review/emergency/{member.pk}/" in queue
    assert world.case.title not in queue
    assert reviewer.get(f"/cases/review/emergency/{member.pk}/").status_code == 200
    response = reviewer.post(f"/cases/review/emergency/{member.pk}/end/", {"note": "状況確認済"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.basis_end_reason == BasisEnd.ENDED_BY_REVIEWER
    assert client_as(personas.counselor_b).get(f"/cases/{world.case.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action=Action.SHARING_BASIS_ENDED).exists()


@pytest.mark.parametrize("persona", ["counselor_a", "counselor_b", "city_official"])
def test_review_urls_are_404_for_everyone_but_reviewers(persona, personas, world, client_as):
    member = _add_emergency(personas, world.case)
    client = client_as(getattr(personas, persona))
    for url in (
        f"/cases/review/emergency/{member.pk}/",
        f"/cases/review/emergency/{member.pk}/end/",
        f"/cases/review/emergency/{member.pk}/reviewed/",
        f"/cases/review/emergency/{member.pk}/convert/",
    ):
        method = client.get if url.endswith(f"{member.pk}/") else client.post
        assert method(url).status_code == 404, url
    member.refresh_from_db()
    assert member.basis_ended_at is None
    token_client = _api(getattr(personas, persona), None)
    assert token_client.get("/api/v1/review/emergencies").status_code == 404


def test_review_api_marks_reviewed_and_refuses_the_author(personas, world):
    member = _add_emergency(personas, world.case)
    client = _api(personas.core_officer, personas.core_center)
    listed = client.get("/api/v1/review/emergencies").json()["results"]
    assert [m["id"] for m in listed] == [member.pk]
    response = _post(client, f"/api/v1/review/emergencies/{member.pk}/reviewed", {"note": "確認"})
    assert response.status_code == 200
    assert response.json()["basis_reviewed_at"] is not None
    assert AuditEvent.objects.filter(action=Action.SHARING_BASIS_REVIEWED).count() == 1


# --- 8. Break-glass ---------------------------------------------------------------------------


def _break_glass(personas, world) -> BreakGlassAccess:
    access = services.break_glass_open(
        actor=actor_as(personas.counselor_a),
        person_id=world.other_case.person_id,
        reason=REASON,
    )
    assert access is not None
    return access


def test_break_glass_reads_but_never_writes(personas, world, client_as):
    _break_glass(personas, world)
    client = client_as(personas.counselor_a)
    assert client.get(f"/cases/{world.other_case.pk}/").status_code == 200
    api = _api(personas.counselor_a, personas.office_a)
    response = _post(api, f"/api/v1/cases/{world.other_case.pk}/status", {"to": "closed"})
    assert response.status_code == 403
    assert "閲覧だけ" in response.json()["error"]["message"]
    denial = AuditEvent.objects.filter(action=Action.ACCESS_DENIED).latest("pk")
    assert denial.detail["reason"] == "break-glass is read-only"
    # Nor can it be turned into lasting access by taking a consultation about the person.
    with pytest.raises(Invalid):
        services.consultation_create(
            actor=actor_as(personas.counselor_a),
            person=world.other_case.person,
            household=None,
            is_anonymous=False,
            channel="phone",
            consulter="self",
            received_at=timezone.now(),
            main_concern="相談内容",
            outcome="information",
        )


def test_break_glass_is_limited_per_user_per_day(personas, world, settings):
    settings.BREAK_GLASS_PER_DAY = 2
    for _ in range(2):
        services.break_glass_open(
            actor=actor_as(personas.counselor_a), person_id="999999", reason=REASON
        )
    with pytest.raises(Forbidden) as info:
        _break_glass(personas, world)
    assert info.value.code == "break_glass_limit"
    assert not BreakGlassAccess.objects.exists()
    denial = AuditEvent.objects.filter(action=Action.ACCESS_DENIED).latest("pk")
    assert denial.outcome == Outcome.DENIED
    assert denial.detail["reason"] == "break-glass daily limit"
    # Another user's allowance is their own.
    services.break_glass_open(
        actor=actor_as(personas.colleague_a), person_id="999999", reason=REASON
    )


def test_each_break_glass_use_is_on_the_review_list_at_once(personas, world):
    access = _break_glass(personas, world)
    client = _api(personas.core_officer, personas.core_center)
    listed = client.get("/api/v1/review/break-glass").json()["results"]
    assert [a["id"] for a in listed] == [access.pk]
    response = _post(client, f"/api/v1/review/break-glass/{access.pk}/reviewed", {"note": "妥当"})
    assert response.status_code == 200
    assert client.get("/api/v1/review/break-glass").json()["results"] == []


# --- The data migration (0004) on rows written under the old rules ---------------------------


@pytest.fixture
def old_rules(db):
    """Rows as the old rules allowed them: SQLite can set CHECK constraints aside for a while
    (PostgreSQL cannot, and the migration's logic is the same there)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("only SQLite can write rows that break the new CHECK constraints")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA ignore_check_constraints = ON")
    yield
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA ignore_check_constraints = OFF")


def test_the_migration_links_or_ends_old_meeting_bases_and_dates_old_emergencies(
    old_rules, personas, world, settings
):
    import importlib

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    migration = importlib.import_module("tsunagu.cases.migrations.0004_sharing_basis_existing_rows")
    # The models as they stood when 0004 ran (case conferences were then the meetings app's;
    # the tables are the same), as `migrate` hands them to the function.
    apps = (
        MigrationLoader(connection)
        .project_state(("cases", "0004_sharing_basis_existing_rows"), at_end=False)
        .apps
    )
    settings.EMERGENCY_BASIS_DAYS = 14
    meeting = pledged_support_meeting(world.case, personas.core_center, personas.counselor_a)
    linked = _add_emergency(personas, world.case)  # rewritten below into an old row
    CaseTeamMember.objects.filter(pk=linked.pk).update(
        basis=SharingBasis.STATUTORY_MEETING, basis_note="あ", emergency_ends_on=None, reviewer=None
    )
    free_text = _add_emergency(personas, world.case, organization=personas.office_b)
    CaseTeamMember.objects.filter(pk=free_text.pk).update(
        basis=SharingBasis.STATUTORY_MEETING, basis_note="あ", emergency_ends_on=None, reviewer=None
    )
    joined = timezone.localdate() - dt.timedelta(days=60)
    world.case.opened_on = joined
    world.case.save()
    old_emergency = CaseTeamMember.objects.create(
        case=world.case,
        organization=personas.city,
        role=TeamRole.ADMINISTRATION,
        basis=SharingBasis.EMERGENCY,
        basis_note="安否確認",
        joined_on=joined,
        added_by=personas.counselor_a,
    )

    migration.forwards(apps, None)

    linked.refresh_from_db()
    assert linked.conference == meeting
    assert linked.basis_ended_at is None
    free_text.refresh_from_db()
    assert free_text.basis_end_reason == BasisEnd.NO_MEETING_RECORDED
    assert free_text.basis_ended_at is not None
    old_emergency.refresh_from_db()
    assert old_emergency.emergency_ends_on == timezone.localdate() + dt.timedelta(days=14)
    assert old_emergency.reviewer == personas.core_officer
    actor = actor_as(personas.counselor_b)
    assert not cases_visible_to(actor).filter(pk=world.case.pk).exists()
