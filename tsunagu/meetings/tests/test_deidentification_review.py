"""The review before sharing: a study-session summary or a community issue is refused while a
flag is open; each flag is removed (the text edited and checked again) or kept with a reason,
and both are recorded and audited.  The same on screen (marks, a list of flags, a reason per
flag) and through the API (422 with the flags and their offsets)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.models import CaseStatus, ConferenceKind
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.core.errors import Forbidden
from tsunagu.meetings import deidentify, services
from tsunagu.meetings.models import (
    CommunityIssue,
    DeidentificationDecision,
    DeidentificationOutcome,
    IssueSource,
)
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.people.models import Relationship, Sex
from tsunagu.people.tests.factories import (
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonFactory,
)
from tsunagu.records.tests.factories import FormulationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas):
    office_a = personas.office_a
    person = PersonFactory.create(
        family_name="髙橋",
        given_name="瑠璃子",
        family_name_kana="タカハシ",
        given_name_kana="ルリコ",
        address="みどり市中央区霞ヶ丘九丁目8-7 ハイツ霞302",
        phone="090-0135-7924",
        birth_date=dt.date(1983, 7, 19),
        sex=Sex.FEMALE,
        registered_by_organization=office_a,
    )
    mother = PersonFactory.create(
        family_name="髙橋",
        given_name="八重",
        family_name_kana="タカハシ",
        given_name_kana="ヤエ",
        birth_date=dt.date(1952, 2, 3),
        sex=Sex.FEMALE,
        registered_by_organization=office_a,
    )
    household = HouseholdFactory.create(name="髙橋さん世帯", registered_by_organization=office_a)
    HouseholdMemberFactory.create(household=household, person=person)
    HouseholdMemberFactory.create(
        household=household, person=mother, relationship=Relationship.MOTHER
    )
    case = CaseFactory.create(
        person=person,
        household=household,
        title="支援",
        lead_organization=office_a,
        lead_worker=personas.counselor_a,
        status=CaseStatus.SUPPORT,
        opened_on=timezone.localdate() - dt.timedelta(days=200),
    )
    FormulationFactory.create(
        case=case,
        revision=1,
        author=personas.counselor_a,
        author_organization=office_a,
        # Names written only in kana: the draft must not carry them.
        situation_summary="るりこさんは母のやえさんと二人暮らし。ﾀｶﾊｼさんの家は霞ケ丘にある。",
        hypothesis="母の入院で生活の見通しを失っている。",
        support_policy="短期入所を体験する。",
    )
    return case


def _author(personas):
    return actor_as(personas.counselor_a, personas.office_a)


@pytest.fixture
def session(personas, case):
    conference = services.conference_create(
        actor=_author(personas),
        case=case,
        data={
            "kind": ConferenceKind.CASE_STUDY_SESSION,
            "held_at": timezone.now(),
            "format": "in_person",
            "purpose": "役割分担",
        },
    )
    return services.summary_generate(actor=_author(personas), conference=conference)


def test_the_draft_replaces_names_written_in_kana(session):
    assert "るりこ" not in session.summary
    assert "やえ" not in session.summary
    assert "ﾀｶﾊｼ" not in session.summary
    assert "霞ケ丘" not in session.summary
    assert "本人の家は（住所）にある" in session.summary


def test_a_summary_with_a_hiragana_name_is_refused_until_removed_or_kept(personas, session):
    author = _author(personas)
    text = "【状況】本人は、たかはし るりこちゃんと呼ばれている。ひまわり作業所に通う。"
    with pytest.raises(deidentify.IdentifiersLeft) as refused:
        services.summary_review(actor=author, conference=session, text=text)
    flags = {f.kind: f for f in refused.value.open_flags}
    name = flags["name"]
    assert text[name.start : name.end] == "たかはし るりこちゃん"
    assert "本人の氏名・ふりがな" in refused.value.message
    facility = flags["organization_name"]
    assert facility.text == "ひまわり作業所"
    session.refresh_from_db()
    assert not session.summary_is_shared
    assert DeidentificationDecision.objects.count() == 0

    # The name is removed; the facility is kept with a reason.  A reason for the name that is
    # no longer there is ignored.
    edited = "【状況】本人は、愛称で呼ばれている。ひまわり作業所に通う。"
    services.summary_review(
        actor=author,
        conference=session,
        text=edited,
        keep={facility.key: "市内に同名の作業所が多く、特定につながらない。", name.key: ""},
        seen=[name.key, facility.key],
    )
    session.refresh_from_db()
    assert session.summary_is_shared
    assert session.summary == edited
    decisions = {d.kind: d for d in DeidentificationDecision.objects.filter(conference=session)}
    assert decisions["name"].outcome == DeidentificationOutcome.REMOVED
    assert decisions["name"].reason == ""
    kept = decisions["organization_name"]
    assert kept.outcome == DeidentificationOutcome.KEPT
    assert kept.reason.startswith("市内に同名")
    assert edited[kept.start : kept.end] == "ひまわり作業所"
    assert kept.decided_by == personas.counselor_a
    event = AuditEvent.objects.filter(action=Action.RECORD_UPDATED, target_id=str(session.pk))
    detail = event.order_by("-pk")[0].detail
    assert detail["deidentification"]["removed"] == [name.key]
    assert detail["deidentification"]["kept"][0]["reason"].startswith("市内に同名")


@pytest.mark.parametrize(
    "leak",
    ["ﾙﾘｺさん", "高橋瑠璃子", "Ruriko Takahashi", "たかはし\nやえ様", "S58.7.19", "090 0135 7924"],
)
def test_each_form_of_an_identifier_is_refused(personas, session, leak):
    with pytest.raises(deidentify.IdentifiersLeft):
        services.summary_review(
            actor=_author(personas), conference=session, text=f"【状況】{leak}の件。"
        )


def test_only_the_author_shares_and_a_keep_needs_a_reason(personas, session):
    text = "【状況】山田太郎さんの紹介。"
    with pytest.raises(Forbidden):
        services.summary_review(
            actor=actor_as(personas.colleague_a, personas.office_a),
            conference=session,
            text=text,
        )
    found = deidentify.check(text, session.case)
    with pytest.raises(deidentify.IdentifiersLeft):
        services.summary_review(
            actor=_author(personas),
            conference=session,
            text=text,
            keep={f.key: "   " for f in found},
        )


def test_an_issue_is_not_shown_to_the_council_until_its_flags_are_resolved(
    personas, case, client_as
):
    lead = _author(personas)
    data = {
        "title": "短期入所先が区内に足りない",
        "theme": "respite",
        "description": "ﾙﾘｺさんの母の入院のとき、みどり第二小学校の近くに受け皿がなかった。",
        "source": IssueSource.CASE,
    }
    with pytest.raises(deidentify.IdentifiersLeft) as refused:
        services.issue_raise(actor=lead, data=data, source_case=case)
    assert CommunityIssue.objects.count() == 0
    by_kind = {f.kind: f for f in refused.value.flags}
    assert by_kind["name"].field == "description"
    assert data["description"][by_kind["name"].start : by_kind["name"].end] == "ﾙﾘｺさん"
    school = by_kind["organization_name"]
    edited = {**data, "description": "家族の入院のとき、みどり第二小学校の近くに受け皿がなかった。"}
    issue = services.issue_raise(
        actor=lead,
        data=edited,
        source_case=case,
        keep={school.key: "区内の全世帯が通う学区の学校で、個人は特定されない。"},
        seen=[by_kind["name"].key, school.key],
    )
    outcomes = sorted(issue.deidentification_decisions.values_list("kind", "outcome"))
    assert outcomes == [("name", "removed"), ("organization_name", "kept")]
    council = client_as(personas.counselor_b).get(reverse("meetings:council_issues"))
    assert "みどり第二小学校" in council.content.decode()
    assert "ﾙﾘｺ" not in council.content.decode()


def test_a_survey_issue_is_checked_for_proper_nouns_too(personas):
    with pytest.raises(deidentify.IdentifiersLeft, match="人名"):
        services.issue_raise(
            actor=_author(personas),
            data={
                "title": "移動支援が足りない",
                "theme": "mobility",
                "description": "山田太郎さんのように、通院の足がない人がいる。",
                "source": IssueSource.SURVEY,
                "source_note": "事業所アンケート",
            },
        )


def _marked(text: str) -> str:
    return f'{text}<span class="visually-hidden">［指摘ここまで］</span></mark>'


# --- Screens -----------------------------------------------------------------------------------


def test_the_review_screen_marks_each_flag_and_takes_a_reason(personas, session, client_as):
    client = client_as(personas.counselor_a)
    url = reverse("meetings:summary_review", args=[session.pk])
    text = "【状況】本人は、たかはしさんと呼ばれ、ひまわり作業所に通う。"
    response = client.post(url, {"summary": text})
    assert response.status_code == 400
    html = response.content.decode()
    assert '<mark id="deid-flag-1" class="deid-flag" tabindex="-1">' in html
    assert _marked("たかはしさん") in html
    assert "［指摘1・本人の氏名・ふりがな］" in html  # what a screen reader reads
    assert 'href="#deid-flag-2"' in html  # the list of flags reaches each mark by keyboard
    found = deidentify.check(text, session.case)
    name = next(f for f in found if f.kind == "name")
    facility = next(f for f in found if f.kind == "organization_name")
    assert f'name="reason-{facility.key}"' in html
    assert f'<input type="hidden" name="seen" value="{name.key}">' in html

    edited = "【状況】本人は、ひまわり作業所に通う。"
    response = client.post(
        url,
        {
            "summary": edited,
            "seen": [name.key, facility.key],
            f"reason-{name.key}": "",
            f"reason-{facility.key}": "よくある名前で特定につながらない。",
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.summary == edited
    assert session.summary_is_shared
    assert sorted(session.deidentification_decisions.values_list("outcome", flat=True)) == [
        "kept",
        "removed",
    ]


def test_the_review_screen_shows_the_flags_of_the_draft(personas, session, client_as):
    session.summary = session.summary + "\n山田太郎さんの紹介。"
    session.save(update_fields=["summary"])
    html = (
        client_as(personas.counselor_a)
        .get(reverse("meetings:summary_review", args=[session.pk]))
        .content.decode()
    )
    assert _marked("山田太郎さん") in html
    assert "確認が必要な表現: 1件" in html


def test_opening_the_draft_is_a_read_of_the_persons_it_derives_from(personas, session, client_as):
    """The draft is generated from the case and not yet de-identified: opening it is one
    record.listed row naming the case's person and every member of its household."""
    other = PersonFactory.create(registered_by_organization=personas.office_a)
    url = reverse("meetings:summary_review", args=[session.pk])
    assert client_as(personas.counselor_a).get(url).status_code == 200
    row = AuditEvent.objects.get(action=Action.RECORDS_LISTED, actor=personas.counselor_a)
    household = session.case.household.members.values_list("person_id", flat=True)
    assert row.person_ids == sorted({session.case.person_id, *household})
    assert len(row.person_ids) == 2
    assert other.pk not in row.person_ids
    assert row.detail["view"] == "meetings.summary_review"
    assert (row.target_type, row.target_id) == ("cases.caseconference", str(session.pk))


def test_raising_an_issue_on_screen_marks_the_title_and_description(personas, case, client_as):
    client = client_as(personas.counselor_a)
    url = reverse("meetings:case_issue_create", args=[case.pk])
    data = {
        "title": "ﾀｶﾊｼ家のような世帯の短期入所",
        "theme": "respite",
        "description": "短期入所の受け皿が区内にない。",
        "source": IssueSource.CASE,
    }
    response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert _marked("ﾀｶﾊｼ") in html
    assert CommunityIssue.objects.count() == 0
    [flag] = deidentify.check(data["title"], case)
    response = client.post(url, {**data, "title": "8050世帯の短期入所", "seen": [flag.key]})
    assert response.status_code == 302
    issue = CommunityIssue.objects.get()
    assert issue.deidentification_decisions.get().outcome == "removed"


# --- API ---------------------------------------------------------------------------------------


def _api(client, personas, user="counselor_a", org="office_a"):
    token = api_token_for(getattr(personas, user), getattr(personas, org))
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", "content_type": "application/json"}


def test_api_raising_an_issue_answers_422_with_the_flags_then_201(personas, case, client):
    headers = _api(client, personas)
    body = {
        "title": "短期入所が足りない",
        "theme": "respite",
        "description": "たかはしさんの母が入院したとき受け皿がなかった。",
        "source": "case",
        "source_case_id": case.pk,
    }
    response = client.post("/api/v1/community-issues", body, **headers)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "identifiers_left"
    [flag] = error["flags"]
    assert flag["field"] == "description"
    assert flag["open"] is True
    assert body["description"][flag["start"] : flag["end"]] == "たかはしさん"
    assert CommunityIssue.objects.count() == 0

    keep = [{"key": flag["key"], "reason": "同姓が多く特定につながらないと判断した。"}]
    response = client.post("/api/v1/community-issues", {**body, "keep": keep}, **headers)
    assert response.status_code == 201
    assert response.json()["description"] == body["description"]
    decision = DeidentificationDecision.objects.get()
    assert (decision.outcome, decision.field) == ("kept", "description")

    bad = client.post(
        "/api/v1/community-issues", {**body, "keep": [{"key": "x", "reason": "r"}]}, **headers
    )
    assert bad.status_code == 422
    hidden = client.post(
        "/api/v1/community-issues",
        body,
        **_api(client, personas, "counselor_b", "office_b"),
    )
    assert hidden.status_code == 404  # another office's case: as if it did not exist


def test_api_sharing_a_summary(personas, session, client):
    url = f"/api/v1/case-conferences/{session.pk}/summary"
    response = client.post(url, {"summary": "ﾀｶﾊｼ ﾙﾘｺの件。"}, **_api(client, personas))
    assert response.status_code == 422
    flags = response.json()["error"]["flags"]
    assert [f["text"] for f in flags] == ["ﾀｶﾊｼ ﾙﾘｺ"]
    response = client.post(
        url,
        {"summary": "本人の件。", "seen_flags": [flags[0]["key"]]},
        **_api(client, personas),
    )
    assert response.status_code == 200
    assert response.json()["summary"] == "本人の件。"
    assert session.deidentification_decisions.get().outcome == "removed"
    other = client.post(
        url, {"summary": "本人の件。"}, **_api(client, personas, "colleague_a", "office_a")
    )
    assert other.status_code == 403
    outsider = client.post(
        url, {"summary": "本人の件。"}, **_api(client, personas, "counselor_b", "office_b")
    )
    assert outsider.status_code == 404
