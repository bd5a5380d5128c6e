"""The case and household timelines and the new-note form (without attachments)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.people.tests.factories import (
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonFactory,
)
from tsunagu.records.models import NoteKind, ProgressNote
from tsunagu.records.tests.factories import ProgressNoteFactory

pytestmark = pytest.mark.django_db


def _note_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'id="note-(\d+)"', response.content.decode())]


def _notes(case, author, count, *, kind=NoteKind.HOME_VISIT, start=None):
    start = start or timezone.now() - dt.timedelta(days=60)
    return [
        ProgressNoteFactory.create(
            case=case,
            author=author,
            kind=kind,
            occurred_at=start + dt.timedelta(hours=i),
            text=f"記録{i}",
        )
        for i in range(count)
    ]


def test_timeline_is_newest_first_and_paginated_by_20(personas, world, client_as):
    notes = _notes(world.case, personas.counselor_a, 25)
    client = client_as(personas.colleague_a)
    url = f"/records/cases/{world.case.pk}/notes/"

    first = client.get(url)
    assert first.status_code == 200
    newest_first = [n.pk for n in reversed(notes)]
    assert _note_ids(first) == newest_first[:20]
    assert "25件の記録" in first.content.decode()

    second = client.get(url, {"page": 2})
    assert _note_ids(second) == newest_first[20:]


def test_timeline_filters_by_kind(personas, world, client_as):
    _notes(world.case, personas.counselor_a, 3, kind=NoteKind.HOME_VISIT)
    phone = _notes(world.case, personas.counselor_a, 2, kind=NoteKind.PHONE)
    response = client_as(personas.counselor_a).get(
        f"/records/cases/{world.case.pk}/notes/", {"kind": "phone"}
    )
    assert sorted(_note_ids(response)) == sorted(n.pk for n in phone)


def test_a_note_shows_date_kind_author_participants_text_and_badges(personas, world, client_as):
    ProgressNoteFactory.create(
        case=world.case,
        author=personas.counselor_a,
        occurred_at=dt.datetime(2025, 6, 3, 14, 30, tzinfo=ZoneInfo("Asia/Tokyo")),
        kind=NoteKind.ACCOMPANIMENT,
        participants="本人、母",
        text="病院に同行した。\n帰りに<b>喫茶店</b>へ寄った。",
        is_motivating_moment=True,
        motivating_moment="初めて自分から「また来たい」と言った。",
        is_restricted=True,
    )
    html = client_as(personas.counselor_a).get(f"/records/cases/{world.case.pk}/notes/")
    body = html.content.decode()
    assert "令和7年6月3日 14:30" in body
    assert "同行" in body
    assert personas.counselor_a.full_name in body
    assert personas.office_a.name in body
    assert "本人、母" in body
    assert "病院に同行した。<br>帰りに&lt;b&gt;喫茶店&lt;/b&gt;へ寄った。" in body
    assert "badge--moment" in body
    assert "初めて自分から「また来たい」と言った。" in body
    assert "限定公開" in body


def test_one_audit_row_per_timeline_view_naming_the_notes_shown(personas, world, client_as):
    notes = _notes(world.case, personas.counselor_a, 22)
    client = client_as(personas.counselor_a)
    before = AuditEvent.objects.count()
    client.get(f"/records/cases/{world.case.pk}/notes/")
    rows = list(AuditEvent.objects.order_by("id")[before:])
    assert len(rows) == 1
    row = rows[0]
    assert row.action == Action.RECORD_VIEWED
    assert row.actor == personas.counselor_a
    assert (row.target_type, row.target_id) == ("cases.case", str(world.case.pk))
    assert row.detail == {"notes": [n.pk for n in reversed(notes)][:20]}


def test_restricted_notes_are_for_the_lead_organization_and_the_author(personas, world, client_as):
    open_note = ProgressNoteFactory.create(case=world.case, author=personas.counselor_a)
    lead_restricted = ProgressNoteFactory.create(
        case=world.case, author=personas.counselor_a, is_restricted=True
    )
    core_restricted = ProgressNoteFactory.create(
        case=world.case,
        author=personas.core_officer,
        author_organization=personas.core_center,
        is_restricted=True,
    )
    url = f"/records/cases/{world.case.pk}/notes/"

    seen_by_core = set(_note_ids(client_as(personas.core_officer).get(url)))
    assert seen_by_core == {open_note.pk, core_restricted.pk}

    everything = {open_note.pk, lead_restricted.pk, core_restricted.pk}
    assert set(_note_ids(client_as(personas.colleague_a).get(url))) == everything
    assert set(_note_ids(client_as(personas.reader_a).get(url))) == everything


def test_household_timeline_shows_visible_notes_of_members_current_and_past(personas, client_as):
    household = HouseholdFactory.create(registered_by_organization=personas.office_a)
    current = PersonFactory.create(family_name="田中", given_name="一郎")
    former = PersonFactory.create(family_name="田中", given_name="次郎")
    stranger_led = PersonFactory.create(family_name="田中", given_name="三郎")
    HouseholdMemberFactory.create(household=household, person=current)
    HouseholdMemberFactory.create(
        household=household,
        person=former,
        start_date=dt.date(2020, 4, 1),
        end_date=dt.date(2024, 3, 31),
    )
    HouseholdMemberFactory.create(household=household, person=stranger_led)
    a = personas.office_a
    household_case = CaseFactory.create(
        person=None, household=household, title="田中さん世帯", lead_organization=a
    )
    current_case = CaseFactory.create(person=current, lead_organization=a)
    former_case = CaseFactory.create(person=former, lead_organization=a)
    b_case = CaseFactory.create(person=stranger_led, lead_organization=personas.office_b)
    unrelated_case = CaseFactory.create(lead_organization=a)

    visible = [
        ProgressNoteFactory.create(case=c, author=personas.counselor_a)
        for c in (household_case, current_case, former_case)
    ]
    ProgressNoteFactory.create(case=b_case, author=personas.counselor_b)
    ProgressNoteFactory.create(case=unrelated_case, author=personas.counselor_a)

    response = client_as(personas.counselor_a).get(f"/records/households/{household.pk}/notes/")
    assert response.status_code == 200
    assert set(_note_ids(response)) == {n.pk for n in visible}
    body = response.content.decode()
    assert current.display_name in body
    assert former.display_name in body
    assert stranger_led.display_name not in body
    row = AuditEvent.objects.filter(action=Action.RECORD_VIEWED).get()
    assert (row.target_type, row.target_id) == ("people.household", str(household.pk))
    assert sorted(row.detail["notes"]) == sorted(n.pk for n in visible)


def test_household_timeline_leaves_out_restricted_notes_of_others(personas, client_as):
    household = HouseholdFactory.create(registered_by_organization=personas.core_center)
    member = PersonFactory.create()
    HouseholdMemberFactory.create(household=household, person=member)
    case = CaseFactory.create(person=member, lead_organization=personas.office_a)
    from tsunagu.cases.tests.factories import TeamMemberFactory

    TeamMemberFactory.create(case=case, organization=personas.core_center)
    shared = ProgressNoteFactory.create(case=case, author=personas.counselor_a)
    ProgressNoteFactory.create(case=case, author=personas.counselor_a, is_restricted=True)
    response = client_as(personas.core_officer).get(f"/records/households/{household.pk}/notes/")
    assert _note_ids(response) == [shared.pk]


# --- New note ---------------------------------------------------------------------------------


def _form(**overrides):
    data = {
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "kind": "interview",
        "participants": "本人",
        "text": "来所。今後の生活について話し合った。",
    }
    data.update(overrides)
    return data


def test_team_member_adds_a_note(personas, world, client_as):
    client = client_as(personas.core_officer)
    form = client.get(f"/records/cases/{world.case.pk}/notes/new/")
    assert form.status_code == 200
    assert 'type="datetime-local"' in form.content.decode()
    assert "記録者の機関と、記録した時点の主担当機関だけが読めます" in form.content.decode()

    response = client.post(
        f"/records/cases/{world.case.pk}/notes/new/",
        _form(is_motivating_moment="on", motivating_moment="笑顔で話した", is_restricted="on"),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/records/cases/{world.case.pk}/notes/"
    note = ProgressNote.objects.get()
    assert note.author == personas.core_officer
    assert note.author_organization == personas.core_center
    assert note.is_restricted
    assert note.is_motivating_moment
    created = AuditEvent.objects.get(action=Action.RECORD_CREATED)
    assert (created.target_type, created.target_id) == ("records.progressnote", str(note.pk))
    assert created.detail["case"] == world.case.pk


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"text": ""}, "内容"),
        (
            {
                "occurred_at": (timezone.localtime() + dt.timedelta(minutes=30)).strftime(
                    "%Y-%m-%dT%H:%M"
                )
            },
            "日時が未来になっています",
        ),
        ({"is_motivating_moment": "on", "motivating_moment": ""}, "その場面の内容を書いてください"),
    ],
)
def test_bad_note_is_refused_with_a_japanese_message_and_kept(
    overrides, message, personas, world, client_as
):
    data = _form(**overrides)
    response = client_as(personas.counselor_a).post(
        f"/records/cases/{world.case.pk}/notes/new/", data
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "本人" in body  # what was typed is still there
    assert not ProgressNote.objects.exists()


def test_a_note_a_few_minutes_ahead_is_a_clock_difference(personas, world, client_as):
    ahead = (timezone.localtime() + dt.timedelta(minutes=3)).strftime("%Y-%m-%dT%H:%M")
    response = client_as(personas.counselor_a).post(
        f"/records/cases/{world.case.pk}/notes/new/", _form(occurred_at=ahead)
    )
    assert response.status_code == 302


def test_reader_reads_but_cannot_write(personas, world, client_as):
    client = client_as(personas.reader_a)
    assert client.get(f"/records/cases/{world.case.pk}/notes/").status_code == 200
    url = f"/records/cases/{world.case.pk}/notes/new/"
    assert client.get(url).status_code == 403
    response = client.post(url, _form())
    assert response.status_code == 403
    assert "閲覧のみの権限では変更できません。" in response.content.decode()
    assert not ProgressNote.objects.exists()
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=personas.reader_a).exists()
