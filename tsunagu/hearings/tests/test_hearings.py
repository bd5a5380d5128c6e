"""Hearings: who sees what (the holder, the offices heard, the council, an outsider), the notes
shared only by choice, findings and directions de-identified, adoption on a council date, and
an adopted direction taken up as a community issue or a resource development."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.core.errors import Conflict, Forbidden, Invalid
from tsunagu.hearings import access, selectors, services
from tsunagu.hearings.models import Direction
from tsunagu.hearings.tests.factories import make_hearings
from tsunagu.meetings import deidentify
from tsunagu.meetings.models import CommunityIssue, IssueSource
from tsunagu.organizations.tests.actors import actor_as

pytestmark = pytest.mark.django_db


def _last_event_id() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _api(client, user, org, method, path, body=None, raw=None):
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(user, org)}"}
    if method == "GET":
        return client.get(path, **kwargs)
    data = raw if raw is not None else json.dumps(body or {}, ensure_ascii=False)
    return client.generic(method, path, data=data, content_type="application/json", **kwargs)


# --- Who sees what ------------------------------------------------------------------------------


def test_outsider_gets_404_on_every_object_url(personas, client_as):
    world = make_hearings(personas, adopted=True)
    outsider = client_as(personas.counselor_b)
    urls = [
        reverse("hearings:round_detail", args=[world.round.pk]),
        reverse("hearings:results", args=[world.round.pk]),
        reverse("hearings:hearing_detail", args=[world.hearing.pk]),
        reverse("hearings:notes", args=[world.hearing.pk]),
    ]
    for url in urls:
        before = _last_event_id()
        assert outsider.get(url).status_code == 404, url
        assert AuditEvent.objects.filter(
            pk__gt=before, action=Action.ACCESS_DENIED, actor=personas.counselor_b
        ).exists()
    for path in (
        f"/api/v1/hearings/rounds/{world.round.pk}",
        f"/api/v1/hearings/hearings/{world.hearing.pk}/notes",
        f"/api/v1/hearings/findings/{world.finding.pk}",
        f"/api/v1/hearings/directions/{world.direction.pk}",
    ):
        response = _api(outsider, personas.counselor_b, personas.office_b, "GET", path)
        assert response.status_code == 404, path
    assert outsider.get(reverse("hearings:round_list")).status_code == 200
    assert world.round.title not in outsider.get(reverse("hearings:round_list")).content.decode()


def test_the_office_heard_reads_its_notes_only_once_shared(personas, client_as):
    world = make_hearings(personas)
    office = client_as(personas.counselor_a)
    notes_url = reverse("hearings:notes", args=[world.hearing.pk])
    assert (
        office.get(reverse("hearings:hearing_detail", args=[world.hearing.pk])).status_code == 200
    )
    assert office.get(notes_url).status_code == 404
    api_path = f"/api/v1/hearings/hearings/{world.hearing.pk}/notes"
    assert _api(office, personas.counselor_a, personas.office_a, "GET", api_path).status_code == 404

    services.notes_share(actor_as(personas.core_officer), hearing=world.hearing, shared=True)
    before = _last_event_id()
    page = office.get(notes_url)
    assert page.status_code == 200
    assert "困難ケースに時間を割けない" in page.content.decode()
    read = AuditEvent.objects.get(pk__gt=before, action=Action.RECORD_VIEWED)
    assert read.target_type == access.NOTES
    assert read.actor == personas.counselor_a
    body = _api(office, personas.counselor_a, personas.office_a, "GET", api_path).json()
    assert [n["text"] for n in body["notes"]][1] == "OJTが中心。"
    # The office reads, never writes, and never the results.
    edit = reverse("hearings:notes_edit", args=[world.hearing.pk])
    assert office.post(edit, {}).status_code == 403
    assert office.get(reverse("hearings:results", args=[world.round.pk])).status_code == 404


def test_the_council_reads_adopted_directions_and_findings_never_the_notes(personas, client_as):
    world = make_hearings(personas)
    city = client_as(personas.city_official)
    results = reverse("hearings:results", args=[world.round.pk])
    page = city.get(results).content.decode()
    assert world.finding.text in page
    assert world.direction.title not in page  # a draft is the holder's
    services.direction_adopt(
        actor_as(personas.core_officer),
        direction=world.direction,
        adopted_on=timezone.localdate(world.meeting.starts_at),
        meeting=world.meeting,
    )
    assert world.direction.title in city.get(results).content.decode()
    assert city.get(reverse("hearings:notes", args=[world.hearing.pk])).status_code == 404
    assert city.get(reverse("hearings:hearing_detail", args=[world.hearing.pk])).status_code == 404
    listed = _api(
        city,
        personas.city_official,
        personas.city,
        "GET",
        f"/api/v1/hearings/rounds/{world.round.pk}/directions",
    ).json()
    assert [d["id"] for d in listed["results"]] == [world.direction.pk]


def test_the_holder_reads_notes_audited_and_the_results_roll_up_by_theme(personas, client_as):
    world = make_hearings(personas)
    core = client_as(personas.core_officer)
    before = _last_event_id()
    assert core.get(reverse("hearings:notes", args=[world.hearing.pk])).status_code == 200
    assert AuditEvent.objects.filter(
        pk__gt=before, action=Action.RECORD_VIEWED, target_type=access.NOTES
    ).exists()
    groups = selectors.results_by_theme(actor_as(personas.core_officer), world.round)
    assert [(g.theme, len(g.findings), len(g.directions)) for g in groups] == [
        ("consultation", 1, 1)
    ]


# --- Rules ------------------------------------------------------------------------------------


def test_a_direction_needs_a_past_date_and_findings(personas):
    world = make_hearings(personas)
    core = actor_as(personas.core_officer)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(Invalid, match="今日まで"):
        services.direction_adopt(core, direction=world.direction, adopted_on=tomorrow)
    with pytest.raises(Invalid):
        services.direction_adopt(core, direction=world.direction, adopted_on=None)
    with pytest.raises(Invalid, match="根拠"):
        services.direction_create(
            core,
            round_=world.round,
            title="研修",
            text="研修を見直す。",
            theme="consultation",
            findings=[],
        )
    world.direction.findings.clear()
    with pytest.raises(Invalid, match="根拠"):
        services.direction_adopt(core, direction=world.direction, adopted_on=timezone.localdate())
    assert Direction.objects.get(pk=world.direction.pk).adopted_on is None


def test_adoption_at_a_meeting_takes_its_date(personas):
    world = make_hearings(personas)
    core = actor_as(personas.core_officer)
    with pytest.raises(Invalid, match="開催日"):
        services.direction_adopt(
            core,
            direction=world.direction,
            adopted_on=timezone.localdate() - dt.timedelta(days=5),
            meeting=world.meeting,
        )
    adopted = services.direction_adopt(
        core,
        direction=world.direction,
        adopted_on=timezone.localdate(world.meeting.starts_at),
        meeting=world.meeting,
    )
    assert adopted.adopted_meeting == world.meeting
    with pytest.raises(Conflict):
        services.direction_adopt(core, direction=adopted, adopted_on=timezone.localdate())


@pytest.mark.parametrize(
    "name",
    ["山田太郎さん", "やまだたろうさん", "ﾔﾏﾀﾞﾀﾛｳさん"],
    ids=["kanji", "hiragana", "halfwidth"],
)
def test_a_direction_naming_a_person_is_blocked(personas, name):
    world = make_hearings(personas)
    core = actor_as(personas.core_officer)
    text = f"{name}のような困難ケースの事例検討を研修に組み込む。"
    with pytest.raises(deidentify.IdentifiersLeft) as raised:
        services.direction_create(
            core,
            round_=world.round,
            title="事例検討",
            text=text,
            theme="consultation",
            findings=[world.finding],
        )
    flag = raised.value.open_flags[0]
    assert flag.kind == deidentify.PERSON_NAME
    assert name.startswith(flag.text[:2])
    # Kept with a reason, it goes through, and the reason is recorded.
    kept = services.direction_create(
        core,
        round_=world.round,
        title="事例検討",
        text=text,
        theme="consultation",
        findings=[world.finding],
        keep={flag.key: "架空の例として示すため"},
    )
    assert kept.deidentification_kept == {flag.key: "架空の例として示すため"}


def test_the_direction_api_answers_the_flags_with_422(personas, client):
    world = make_hearings(personas)
    response = _api(
        client,
        personas.core_officer,
        personas.core_center,
        "POST",
        f"/api/v1/hearings/rounds/{world.round.pk}/directions",
        {
            "title": "事例検討",
            "text": "やまだたろうさんの事例を研修で扱う。",
            "theme": "consultation",
            "finding_ids": [world.finding.pk],
        },
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "identifiers_left"
    assert [f["text"] for f in error["flags"]] == ["やまだたろうさん"]


def test_common_words_before_an_honorific_are_not_names(personas):
    world = make_hearings(personas)
    direction = services.direction_create(
        actor_as(personas.core_officer),
        round_=world.round,
        title="家族支援",
        text="利用者のおかあさんやみなさんの声を聞く場をつくる。",
        theme="household",
        findings=[world.finding],
    )
    assert direction.deidentification_kept == {}


def test_an_adopted_direction_becomes_a_community_issue_linked_back(personas, client_as):
    world = make_hearings(personas)
    core = actor_as(personas.core_officer)
    with pytest.raises(Conflict):
        services.direction_to_issue(core, direction=world.direction)
    adopted = services.direction_adopt(
        core, direction=world.direction, adopted_on=timezone.localdate(world.meeting.starts_at)
    )
    response = client_as(personas.core_officer).post(
        reverse("hearings:direction_issue", args=[adopted.pk]),
        {"title": adopted.title, "description": adopted.text},
    )
    assert response.status_code == 302
    issue = CommunityIssue.objects.get()
    assert issue.source == IssueSource.SURVEY
    assert issue.raised_on == adopted.adopted_on
    assert world.round.title in issue.source_note
    assert Direction.objects.get(pk=adopted.pk).community_issue == issue
    assert Direction.objects.get(community_issue=issue).pk == adopted.pk
    page = client_as(personas.core_officer).get(
        reverse("hearings:results", args=[adopted.round_id])
    )
    assert reverse("meetings:issue_detail", args=[issue.pk]) in page.content.decode()
    with pytest.raises(Conflict):
        services.direction_to_issue(core, direction=adopted)


def test_an_adopted_direction_becomes_a_resource_development(personas, client):
    world = make_hearings(personas, adopted=True)
    response = _api(
        client,
        personas.core_officer,
        personas.core_center,
        "POST",
        f"/api/v1/hearings/directions/{world.direction.pk}/resource-development",
        {
            "kind": "system_change",
            "title": "相談支援従事者研修に事例検討を追加",
            "beneficiaries": "困難ケースを担当する相談支援専門員",
            "occurred_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 201, response.content
    direction = Direction.objects.get(pk=world.direction.pk)
    assert direction.resource_development_id == response.json()["resource_development_id"]
    assert direction.resource_development is not None
    assert direction.resource_development.meeting == world.meeting


def test_only_the_holder_writes(personas):
    world = make_hearings(personas)
    with pytest.raises(Forbidden):
        services.notes_write(
            actor_as(personas.counselor_a), hearing=world.hearing, answers={}, free_notes="x"
        )
    with pytest.raises(Forbidden):
        services.round_create(
            actor_as(personas.counselor_a), title="x", fiscal_year=2024, questions=["q"]
        )


def test_a_hearing_moves_forward_only_and_notes_wait_until_held(personas):
    world = make_hearings(personas)
    core = actor_as(personas.core_officer)
    planned = services.hearing_create(
        core,
        round_=world.round,
        kind="group",
        held_on=timezone.localdate(),
        offices=[personas.office_a, personas.office_b],
        interviewers=[personas.core_officer],
        format="online",
    )
    with pytest.raises(Conflict):
        services.notes_write(core, hearing=planned, answers={}, free_notes="x")
    with pytest.raises(Conflict):
        services.hearing_status(core, hearing=planned, status="notes_done")
    with pytest.raises(Invalid, match="1つの事業所"):
        services.hearing_create(
            core,
            round_=world.round,
            kind="individual",
            held_on=timezone.localdate(),
            offices=[personas.office_a, personas.office_b],
            interviewers=[personas.core_officer],
        )
    with pytest.raises(Invalid, match="聞き手"):
        services.hearing_create(
            core,
            round_=world.round,
            kind="individual",
            held_on=timezone.localdate(),
            offices=[personas.office_a],
            interviewers=[personas.counselor_a],
        )


def test_screens_create_a_round_a_hearing_notes_and_a_finding(personas, client_as):
    core = client_as(personas.core_officer)
    response = core.post(
        reverse("hearings:round_create"),
        {
            "title": "令和6年度 指定特定へのヒアリング",
            "fiscal_year": "2024",
            "questions": "困っていること\n人材育成",
        },
    )
    assert response.status_code == 302
    round_ = access.rounds_visible_to(actor_as(personas.core_officer)).get()
    response = core.post(
        reverse("hearings:hearing_create", args=[round_.pk]),
        {
            "kind": "individual",
            "held_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "format": "in_person",
            "offices": [personas.office_a.pk],
            "interviewers": [personas.core_officer.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()
    hearing = round_.hearings.get()
    core.post(reverse("hearings:hearing_status", args=[hearing.pk]), {"status": "held"})
    q1 = round_.questions.get(position=1)
    response = core.post(
        reverse("hearings:notes_edit", args=[hearing.pk]), {f"q{q1.pk}": "件数が多い。"}
    )
    assert response.status_code == 302
    assert hearing.notes.get().text == "件数が多い。"
    response = core.post(
        reverse("hearings:finding_create", args=[round_.pk]),
        {
            "text": "佐藤花子さんの件で時間が足りない。",
            "themes": ["consultation"],
            "hearings": [hearing.pk],
        },
    )
    assert response.status_code == 400
    assert "確認が必要な表現" in response.content.decode()
    response = core.post(
        reverse("hearings:finding_create", args=[round_.pk]),
        {
            "text": "困難ケースに時間が足りない。",
            "themes": ["consultation"],
            "hearings": [hearing.pk],
        },
    )
    assert response.status_code == 302
    assert core.get(reverse("hearings:results", args=[round_.pk])).status_code == 200


# --- Bad input --------------------------------------------------------------------------------


def test_bad_input_is_400_or_422_never_500(personas, client_as, client):
    world = make_hearings(personas)
    core = client_as(personas.core_officer)
    big = 2**63
    assert core.get(f"/hearings/{big}/").status_code == 404
    assert core.get(f"/hearings/hearings/{big}/notes/").status_code == 404
    response = core.post(
        reverse("hearings:round_create"),
        {"title": "x", "fiscal_year": "99999", "questions": "q"},
    )
    assert response.status_code == 400
    response = core.post(
        reverse("hearings:round_create"), {"title": "x", "fiscal_year": "あ", "questions": "q"}
    )
    assert response.status_code == 400
    assert core.get(reverse("hearings:round_list") + "?fiscal_year=99999").status_code in (200, 400)
    response = core.post(
        reverse("hearings:direction_adopt", args=[world.direction.pk]),
        {"adopted_on": "99999-01-01"},
    )
    assert response.status_code == 400
    base = "/api/v1/hearings"
    user, org = personas.core_officer, personas.core_center
    assert _api(client, user, org, "GET", f"{base}/rounds/{big}").status_code == 404
    assert _api(client, user, org, "GET", f"{base}/rounds?fiscal_year=99999").status_code == 422
    assert (
        _api(
            client,
            user,
            org,
            "POST",
            f"{base}/rounds",
            {"title": "x", "fiscal_year": 99999, "questions": ["q"]},
        ).status_code
        == 422
    )
    assert _api(client, user, org, "POST", f"{base}/rounds", raw='"a string"').status_code == 422
    surrogate = '{"title": "\\ud800", "fiscal_year": 2024, "questions": ["q"]}'
    response = _api(client, user, org, "POST", f"{base}/rounds", raw=surrogate)
    assert response.status_code == 400  # the house answer to bad characters
    assert response.json()["error"]["code"] == "bad_characters"
    response = _api(
        client,
        user,
        org,
        "POST",
        f"{base}/directions/{world.direction.pk}/adopt",
        {"adopted_on": "99999-01-01"},
    )
    assert response.status_code == 422
    response = _api(
        client,
        user,
        org,
        "POST",
        f"{base}/rounds/{world.round.pk}/directions",
        {"title": "x", "text": "y", "theme": "consultation", "finding_ids": [big]},
    )
    assert response.status_code == 422
    response = core.post(
        reverse("hearings:round_create"),
        data="title=%ED%A0%80&fiscal_year=2024&questions=q",
        content_type="application/x-www-form-urlencoded",
    )
    # Bytes that are no UTF-8 are read as the replacement character: a title, not a crash.
    assert response.status_code in (302, 400)
    assert core.get(reverse("hearings:round_list") + "?fiscal_year=%ED%A0%80").status_code == 400


# --- Lists and the guide ------------------------------------------------------------------------


def test_api_lists_are_paginated(personas, client):
    world = make_hearings(personas)
    core = actor_as(personas.core_officer)
    services.round_create(core, title="令和7年度 ヒアリング", fiscal_year=2025, questions=["q"])
    user, org = personas.core_officer, personas.core_center
    page = _api(client, user, org, "GET", "/api/v1/hearings/rounds?page_size=1").json()
    assert page["count"] == 2
    assert len(page["results"]) == 1
    assert page["next"]
    assert _api(client, user, org, "GET", "/api/v1/hearings/rounds?page=0").status_code == 422
    only = _api(client, user, org, "GET", "/api/v1/hearings/rounds?fiscal_year=2024").json()
    assert [r["id"] for r in only["results"]] == [world.round.pk]
    for path in ("hearings", "findings", "directions"):
        listed = _api(client, user, org, "GET", f"/api/v1/hearings/rounds/{world.round.pk}/{path}")
        assert listed.json()["count"] == 1, path


def test_a_question_with_notes_is_reworded_not_removed(personas):
    world = make_hearings(personas)
    core = actor_as(personas.core_officer)
    with pytest.raises(Invalid, match="削除できません"):
        services.round_update(core, round_=world.round, questions=["困難ケースの状況"])
    services.round_update(
        core,
        round_=world.round,
        questions=["困難ケースの状況", "人材育成の状況", "基幹に求めること"],
    )
    assert list(world.round.questions.values_list("text", flat=True)) == [
        "困難ケースの状況",
        "人材育成の状況",
        "基幹に求めること",
    ]
    assert world.hearing.notes.count() == 2


def test_a_hearing_is_changed_on_screen_and_in_the_api(personas, client_as, client):
    world = make_hearings(personas)
    core = client_as(personas.core_officer)
    url = reverse("hearings:hearing_edit", args=[world.hearing.pk])
    assert core.get(url).status_code == 200
    data = {
        "held_on": world.hearing.held_on.isoformat(),
        "format": "online",
        "place": "オンライン",
        "offices": [personas.office_a.pk],
        "interviewers": [personas.core_officer.pk],
    }
    assert core.post(url, data).status_code == 302
    response = _api(
        client,
        personas.core_officer,
        personas.core_center,
        "PATCH",
        f"/api/v1/hearings/hearings/{world.hearing.pk}",
        {"office_ids": [personas.office_a.pk, personas.office_b.pk]},
    )
    assert response.status_code == 422  # an individual hearing hears one office
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = _api(
        client,
        personas.core_officer,
        personas.core_center,
        "PATCH",
        f"/api/v1/hearings/hearings/{world.hearing.pk}",
        {"held_on": tomorrow},
    )
    assert response.status_code == 422  # held already
    world.hearing.refresh_from_db()
    assert (world.hearing.format, world.hearing.place) == ("online", "オンライン")
