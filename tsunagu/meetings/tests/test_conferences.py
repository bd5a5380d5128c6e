"""Case conferences: the kind decides what is shared; case study sessions are de-identified."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.models import CaseStatus, ConferenceKind
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.core.errors import Conflict, Forbidden, Invalid
from tsunagu.meetings import deidentify, selectors, services
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.people.models import Relationship, Sex
from tsunagu.people.tests.factories import (
    ConsentFactory,
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonFactory,
)
from tsunagu.records.tests.factories import FormulationFactory

pytestmark = pytest.mark.django_db

# Sentinels: values that cannot appear in a summary by chance.
NAME = ("鏑木", "瑠璃子", "カブラギ", "ルリコ")
MOTHER = ("鏑木", "八重", "カブラギ", "ヤエ")
ADDRESS = "みどり市中央区霞ヶ丘九丁目8-7 ハイツ霞302"
PHONE = "090-0135-7924"
BIRTH = dt.date(1983, 7, 19)


@pytest.fixture
def case(personas):
    office_a = personas.office_a
    person = PersonFactory.create(
        family_name=NAME[0],
        given_name=NAME[1],
        family_name_kana=NAME[2],
        given_name_kana=NAME[3],
        address=ADDRESS,
        phone=PHONE,
        birth_date=BIRTH,
        sex=Sex.FEMALE,
        registered_by_organization=office_a,
    )
    mother = PersonFactory.create(
        family_name=MOTHER[0],
        given_name=MOTHER[1],
        family_name_kana=MOTHER[2],
        given_name_kana=MOTHER[3],
        address=ADDRESS,
        phone="022-0246-8135",
        birth_date=dt.date(1952, 2, 3),
        sex=Sex.FEMALE,
        registered_by_organization=office_a,
    )
    household = HouseholdFactory.create(name="鏑木さん世帯", registered_by_organization=office_a)
    HouseholdMemberFactory.create(household=household, person=person)
    HouseholdMemberFactory.create(
        household=household, person=mother, relationship=Relationship.MOTHER
    )
    case = CaseFactory.create(
        person=person,
        household=household,
        title="鏑木瑠璃子さんの支援",
        lead_organization=office_a,
        lead_worker=personas.counselor_a,
        status=CaseStatus.SUPPORT,
        difficulty_factors=["env.multiple_needs", "life.withdrawal"],
        opened_on=timezone.localdate() - dt.timedelta(days=400),
    )
    FormulationFactory.create(
        case=case,
        revision=1,
        author=personas.counselor_a,
        author_organization=office_a,
        situation_summary=(
            f"鏑木瑠璃子さん（{BIRTH.isoformat()}生まれ、昭和58年7月19日）は{ADDRESS}で母の"
            f"鏑木八重さんと二人暮らし。連絡先は{PHONE}、母は022-0246-8135。"
            "2026年3月14日に母が入院し、ルリコさんは42歳で初めて一人で過ごした。"
        ),
        hypothesis="カブラギ ルリコさんは母の入院で生活の見通しを失っている。",
        support_policy="令和8年4月1日から短期入所を体験する。",
    )
    return case


def _request(personas, user, org):
    return actor_as(getattr(personas, user), getattr(personas, org))


def _conference(personas, case, kind):
    return services.conference_create(
        actor=_request(personas, "counselor_a", "office_a"),
        case=case,
        data={
            "kind": kind,
            "held_at": timezone.now(),
            "format": "in_person",
            "purpose": "役割分担",
        },
    )


def _sees(personas, conference, user="counselor_b", org="office_b") -> bool:
    actor = _request(personas, user, org)
    return selectors.conferences_visible_to(actor).filter(pk=conference.pk).exists()


# --- De-identified summaries --------------------------------------------------------------


def test_a_case_study_summary_contains_no_identifier(personas, case):
    summary = deidentify.generate_summary(case)
    forbidden = [
        *NAME,
        *MOTHER[1:2],
        *MOTHER[3:],
        "".join(NAME[:2]),
        "".join(NAME[2:]),
        ADDRESS,
        "霞ヶ丘",
        PHONE,
        "0135",
        "7924",
        "022-0246-8135",
        BIRTH.isoformat(),
        "1983",
        "昭和58年7月19日",
        "3月14日",
        "4月1日",
        "42歳",
    ]
    leaked = [value for value in forbidden if value in summary]
    assert leaked == [], summary
    assert "本人（40代・女性）" in summary
    assert "母（70代・女性）" in summary
    assert "2026年3月頃" in summary  # exact dates become month and year
    assert "家庭内に" not in summary  # rare details: only the group of the factor is named
    assert "当事者を取り巻く環境" in summary
    assert deidentify.find_identifiers(summary, case) == []


def test_the_review_refuses_a_summary_with_identifiers(personas, case):
    conference = _conference(personas, case, ConferenceKind.CASE_STUDY_SESSION)
    author = _request(personas, "counselor_a", "office_a")
    conference = services.summary_generate(actor=author, conference=conference)
    assert not conference.summary_is_shared
    assert not _sees(personas, conference, "core_officer", "core_center")
    services.attendee_add(actor=author, conference=conference, organization=personas.core_center)
    # Not shared until reviewed: the attendee sees nothing.
    assert not _sees(personas, conference, "core_officer", "core_center")
    with pytest.raises(Invalid, match="氏名"):
        services.summary_review(
            actor=author, conference=conference, text=conference.summary + "\n鏑木さんの件"
        )
    with pytest.raises(Invalid, match="電話番号"):
        services.summary_review(actor=author, conference=conference, text="連絡先 0135-7924-11")
    with pytest.raises(Forbidden):
        services.summary_review(
            actor=_request(personas, "colleague_a", "office_a"),
            conference=conference,
            text="要約",
        )
    services.summary_review(actor=author, conference=conference, text=conference.summary)
    assert _sees(personas, conference, "core_officer", "core_center")


def test_a_study_session_attendee_sees_only_the_summary(personas, case, client_as):
    conference = _conference(personas, case, ConferenceKind.CASE_STUDY_SESSION)
    author = _request(personas, "counselor_a", "office_a")
    services.conference_record(
        actor=author,
        conference=conference,
        data={"discussion": "鏑木さんの母の入院について", "supervisor_name": "精神科医 山本"},
    )
    services.summary_generate(actor=author, conference=conference)
    conference.refresh_from_db()
    services.summary_review(actor=author, conference=conference, text=conference.summary)
    services.attendee_add(actor=author, conference=conference, organization=personas.office_b)
    page = client_as(personas.counselor_b).get(
        reverse("meetings:conference_detail", args=[conference.pk])
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "本人（40代・女性）" in html
    for value in (*NAME, ADDRESS, PHONE, "鏑木さんの母", case.title, "精神科医 山本"):
        assert value not in html


# --- The basis for sharing ------------------------------------------------------------------


def test_an_attendee_without_consent_or_pledge_sees_nothing(personas, case, client_as):
    for kind in (ConferenceKind.STATUTORY_SUPPORT_MEETING, ConferenceKind.CASE_CONFERENCE):
        conference = _conference(personas, case, kind)
        services.attendee_add(
            actor=_request(personas, "counselor_a", "office_a"),
            conference=conference,
            organization=personas.office_b,
            name="かえで 田中",
        )
        assert not _sees(personas, conference)
        outsider = client_as(personas.counselor_b)
        page = outsider.get(reverse("meetings:conference_detail", args=[conference.pk]))
        assert page.status_code == 404
        assert NAME[0] not in page.content.decode()
        assert outsider.get(reverse("cases:case_detail", args=[case.pk])).status_code == 404
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, actor=personas.counselor_b
    ).exists()


def test_a_statutory_meeting_opens_with_the_pledge_and_records_who_and_when(personas, case):
    conference = _conference(personas, case, ConferenceKind.STATUTORY_SUPPORT_MEETING)
    lead = _request(personas, "counselor_a", "office_a")
    attendee = services.attendee_add(
        actor=lead, conference=conference, organization=personas.office_b
    )
    assert not _sees(personas, conference)
    attendee = services.attendee_pledge(actor=lead, attendee=attendee, pledged_by_name="田中 一郎")
    assert attendee.pledged_at is not None
    assert attendee.pledge_recorded_by == personas.counselor_a
    assert _sees(personas, conference)
    # The pledge opens the conference, not the case: the case itself stays behind access.py.
    actor = _request(personas, "counselor_b", "office_b")
    assert not selectors.case_is_visible(actor, conference)
    with pytest.raises(Conflict):
        services.attendee_pledge(actor=lead, attendee=attendee, pledged_by_name="田中 一郎")


def test_consent_kinds_follow_a_valid_consent_naming_the_organization(personas, case):
    conference = _conference(personas, case, ConferenceKind.MULTI_LAYER_SUPPORT_MEETING)
    lead = _request(personas, "counselor_a", "office_a")
    attendee = services.attendee_add(
        actor=lead, conference=conference, organization=personas.office_b
    )
    with pytest.raises(Invalid, match="支援会議"):
        services.attendee_pledge(actor=lead, attendee=attendee, pledged_by_name="田中")
    assert not _sees(personas, conference)
    consent = ConsentFactory.create(
        person=case.household.members.get(relationship=Relationship.MOTHER).person,
        obtained_by=personas.counselor_a,
        obtained_by_organization=personas.office_a,
        organizations=[personas.office_b],
    )
    assert _sees(personas, conference)  # a household member's consent counts
    basis = {a.organization_id: ok for a, ok in selectors.conference_attendees(conference)}
    assert basis[personas.office_b.pk] is True
    consent.withdrawn_at = timezone.now()
    consent.save()
    assert not _sees(personas, conference)  # withdrawal takes effect at once
    basis = {a.organization_id: ok for a, ok in selectors.conference_attendees(conference)}
    assert basis[personas.office_b.pk] is False


def test_only_the_organizer_or_lead_records_and_sv_needs_a_name(personas, case):
    conference = _conference(personas, case, ConferenceKind.CASE_CONFERENCE)
    with pytest.raises(Forbidden):
        services.conference_record(
            actor=_request(personas, "core_officer", "core_center"),
            conference=conference,
            data={"discussion": "x"},
        )
    lead = _request(personas, "counselor_a", "office_a")
    with pytest.raises(Invalid, match="SV"):
        services.conference_record(
            actor=lead, conference=conference, data={"supervisor_advice": "焦らず関係づくりを"}
        )
    conference = services.conference_record(
        actor=lead,
        conference=conference,
        data={
            "supervisor_name": "山本 恵",
            "supervisor_profession": "精神科医",
            "supervisor_advice": "焦らず関係づくりを",
            "decisions": "見立てを見直す",
        },
    )
    assert conference.supervisor_profession == "精神科医"


def test_conference_screens_for_the_lead(personas, case, client_as):
    client = client_as(personas.counselor_a)
    url = reverse("meetings:conference_create", args=[case.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"kind": "", "held_at": "x", "format": "in_person"})
    assert bad.status_code == 400
    response = client.post(
        url,
        {"kind": "statutory_support_meeting", "held_at": "2026-11-30T10:00", "format": "online"},
    )
    assert response.status_code == 302
    conference = case.conferences.get()
    detail = client.get(response["Location"]).content.decode()
    assert "守秘義務の誓約" in detail
    assert reverse("records:formulation_create", args=[case.pk]) in detail
    listing = client.get(reverse("meetings:conference_list", args=[case.pk])).content.decode()
    assert reverse("meetings:conference_detail", args=[conference.pk]) in listing
    response = client.post(
        reverse("meetings:attendee_add", args=[conference.pk]),
        {"organization": personas.office_b.pk, "name": "田中"},
    )
    assert response.status_code == 302
    attendee = conference.attendees.get(organization=personas.office_b)
    response = client.post(
        reverse("meetings:attendee_pledge", args=[attendee.pk]), {"pledged_by_name": "田中 一郎"}
    )
    assert response.status_code == 302
    attendee.refresh_from_db()
    assert attendee.pledged_by_name == "田中 一郎"


def test_the_meetings_page_leads_to_a_case_s_conferences(personas, case, client_as):
    page = client_as(personas.counselor_a).get(reverse("meetings:body_list")).content.decode()
    assert f'value="{case.pk}"' in page
    start = reverse("meetings:conference_start") + f"?case={case.pk}"
    response = client_as(personas.counselor_a).get(start)
    assert response["Location"] == reverse("meetings:conference_list", args=[case.pk])
    outsider = client_as(personas.counselor_b)
    assert f'value="{case.pk}"' not in outsider.get(reverse("meetings:body_list")).content.decode()
    assert outsider.get(start).status_code == 404
    assert outsider.get(reverse("meetings:conference_start") + "?case=x").status_code == 404
