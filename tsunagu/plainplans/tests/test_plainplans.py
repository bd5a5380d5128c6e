"""The plan in plain words, staff side: a draft from the case's current plan (its goals, items
and next monitoring), written, checked, previewed, released to the person and per section to
the family; a new release replaces the old; restricted notes are never part of it; audited;
the API twins; the outsider's 404; bad input."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.models import CaseStatus
from tsunagu.core.errors import Conflict, FieldErrors, Invalid, NotFound
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.plainplans import selectors, services
from tsunagu.plainplans.models import PlainPlan, PlainPlanStatus
from tsunagu.plainplans.services import ACTION_RELEASED
from tsunagu.plainplans.tests.factories import PARTS, make_case, released, written
from tsunagu.records.tests.factories import ProgressNoteFactory

pytestmark = pytest.mark.django_db

BIG = 2**63
SECRET = "限定公開のメモ: 本人には伝えない主治医の見立て"


def _last() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _api(client, user, org, method, path, body=None):
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(user, org)}"}
    if method == "GET":
        return client.get(path, **kwargs)
    return client.generic(
        method, path, data=json.dumps(body), content_type="application/json", **kwargs
    )


@pytest.fixture
def world(personas):
    return make_case(personas)


def test_a_draft_starts_from_the_current_plan_and_its_monitoring_schedule(personas, world):
    marker = _last()
    draft = services.plain_plan_start(actor_as(personas.counselor_a), case=world.case)
    assert draft.status == PlainPlanStatus.DRAFT
    assert draft.plan == world.plan
    assert draft.person == world.case.person
    assert draft.next_meeting_on == world.next_meeting
    assert world.plan.long_term_goal in draft.goals
    parts = selectors.plain_plan_parts(draft)
    assert [p.what for p in parts] == ["作業所に週3日通い続ける。", "月1回の通院に付き添う。"]
    assert [p.who for p in parts] == ["ひだまり工房", "母"]
    assert AuditEvent.objects.filter(
        pk__gt=marker, action=Action.RECORD_CREATED, target_id=str(draft.pk)
    ).exists()
    with pytest.raises(Conflict):  # one draft at a time
        services.plain_plan_start(actor_as(personas.counselor_a), case=world.case)


def test_released_to_the_person_and_only_the_allowed_sections_to_the_family(personas, world):
    person = world.case.person
    assert selectors.released_for(person, audience="person") is None
    plain = written(personas, world.case)
    assert selectors.released_for(person, audience="person") is None  # a draft is not shown
    with pytest.raises(FieldErrors):  # the family needs the person's permission, dated
        services.plain_plan_release(
            actor_as(personas.counselor_a), plain_plan=plain, family_goals=True
        )
    marker = _last()
    services.plain_plan_release(
        actor_as(personas.counselor_a),
        plain_plan=plain,
        family_meeting=True,
        family_allowed_on=timezone.localdate(),
        family_allowed_note="母には会う日だけ見せてよい、と本人。",
    )
    mine = selectors.released_for(person, audience="person")
    assert mine is not None
    assert (mine.shows_goals, mine.shows_parts, mine.shows_meeting) == (True, True, True)
    family = selectors.released_for(person, audience="family")
    assert family is not None
    assert (family.shows_goals, family.shows_parts, family.shows_meeting) == (False, False, True)
    event = AuditEvent.objects.get(pk__gt=marker, action=ACTION_RELEASED)
    assert event.detail["family_sections"] == ["meeting"]
    assert event.person_ids == [person.pk]
    with pytest.raises(ValueError, match="stranger"):
        selectors.released_for(person, audience="stranger")


def test_a_new_release_replaces_the_old_and_family_without_permission_sees_nothing(personas, world):
    first = released(
        personas,
        world.case,
        family_goals=True,
        family_allowed_on=timezone.localdate(),
    )
    second = written(personas, world.case, goals="新しい目標です。")
    assert second.version == 2
    assert second.family_goals  # the draft starts from what the person allowed before
    services.plain_plan_release(actor_as(personas.counselor_a), plain_plan=second)
    first.refresh_from_db()
    assert first.status == PlainPlanStatus.REPLACED
    shown = selectors.released_for(world.case.person, audience="person")
    assert shown is not None
    assert shown.pk == second.pk
    assert selectors.released_for(world.case.person, audience="family") is None
    with pytest.raises(Conflict):  # a release is never changed
        services.plain_plan_update(
            actor_as(personas.counselor_a),
            plain_plan=second,
            goals="x",
            parts=[],
            next_meeting_on=None,
            kanji_grade=3,
        )


def test_a_closed_case_shows_nothing(personas, world):
    released(personas, world.case)
    type(world.case).objects.filter(pk=world.case.pk).update(status=CaseStatus.CLOSED)
    assert selectors.released_for(world.case.person, audience="person") is None


def test_parts_need_both_halves_and_a_plan_item_of_this_plan(personas, world):
    actor = actor_as(personas.counselor_a)
    draft = services.plain_plan_start(actor, case=world.case)
    with pytest.raises(FieldErrors):
        services.plain_plan_update(
            actor,
            plain_plan=draft,
            goals="",
            parts=[{"who": "作業所", "what": ""}],
            next_meeting_on=None,
            kanji_grade=3,
        )
    other = make_case(personas)
    foreign_item = other.plan.items.get(priority=1)
    with pytest.raises(FieldErrors):
        services.plain_plan_update(
            actor,
            plain_plan=draft,
            goals="",
            parts=[{"who": "作業所", "what": "はたらく", "plan_item": foreign_item.pk}],
            next_meeting_on=None,
            kanji_grade=3,
        )
    services.plain_plan_update(
        actor, plain_plan=draft, goals="", parts=[], next_meeting_on=None, kanji_grade=3
    )
    with pytest.raises(Invalid):  # nothing to release
        services.plain_plan_release(actor, plain_plan=draft)


def test_the_outsider_and_the_read_only_member_cannot(personas, world):
    plain = written(personas, world.case)
    with pytest.raises(NotFound):
        services.plain_plan_start(actor_as(personas.counselor_b), case=world.case)
    with pytest.raises(NotFound):
        services.plain_plan_release(actor_as(personas.counselor_b), plain_plan=plain)
    assert not selectors.plain_plan_list(actor_as(personas.counselor_b), case=world.case)


def test_restricted_notes_are_never_part_of_it(personas, world, client_as):
    ProgressNoteFactory.create(
        case=world.case,
        author=personas.counselor_a,
        text=SECRET,
        is_restricted=True,
    )
    plain = released(personas, world.case)
    client = client_as(personas.counselor_a)
    for url in (
        reverse("plainplans:detail", args=[plain.pk]),
        reverse("plainplans:preview", args=[plain.pk]),
    ):
        assert SECRET not in client.get(url).content.decode()
    api = _api(
        client, personas.counselor_a, personas.office_a, "GET", f"/api/v1/plainplans/{plain.pk}"
    )
    assert SECRET not in api.content.decode()


def test_the_screens_walk_start_check_save_preview_release(personas, world, client_as):
    client = client_as(personas.counselor_a)
    page = client.get(reverse("plainplans:case", args=[world.case.pk]))
    assert page.status_code == 200
    response = client.post(reverse("plainplans:start", args=[world.case.pk]))
    draft = PlainPlan.objects.get(case=world.case)
    assert response.url == reverse("plainplans:edit", args=[draft.pk])
    edit = reverse("plainplans:edit", args=[draft.pk])
    body = {
        "goals": (
            "支給決定が出たので、就労継続支援の事業所に通って、毎日元気に働けるように練習します。"
        ),
        "next_meeting_on": "",
        "next_meeting_note": "",
        "kanji_grade": "2",
        "who_1": "作業所",
        "what_1": "いっしょに はたらきます。",
        "item_1": "",
    }
    checked = client.post(edit, {**body, "check": "1"})
    assert checked.status_code == 200
    html = checked.content.decode()
    assert "サービスを使ってよいという決定" in html  # the plain replacement
    assert "文が長いです" in html
    assert "1行目 1文字目" in html
    draft.refresh_from_db()
    assert draft.goals != body["goals"]  # チェック saves nothing
    saved = client.post(edit, body)
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert draft.goals == body["goals"]
    assert [p.who for p in draft.parts.all()] == ["作業所"]
    detail = client.get(reverse("plainplans:detail", args=[draft.pk])).content.decode()
    assert "むずかしいことばです" in detail  # the saved text's flags; saving was not blocked
    preview = client.get(reverse("plainplans:preview", args=[draft.pk]))
    assert '<article class="plain-plan" lang="ja"' in preview.content.decode()
    assert "<rb>支給決定</rb>" not in preview.content.decode()  # ruby per word
    assert "<rb>支給</rb><rt>しきゅう</rt>" in preview.content.decode()
    refused = client.post(reverse("plainplans:release", args=[draft.pk]), {"family_parts": "on"})
    assert refused.status_code == 400
    done = client.post(
        reverse("plainplans:release", args=[draft.pk]),
        {"family_parts": "on", "family_allowed_on": timezone.localdate().isoformat()},
    )
    assert done.status_code == 302
    draft.refresh_from_db()
    assert draft.status == PlainPlanStatus.RELEASED
    family = client.get(reverse("plainplans:preview", args=[draft.pk]), {"audience": "family"})
    family_html = family.content.decode()
    assert "いっしょに" in family_html
    assert "<rb>支給</rb>" not in family_html  # goals are not the family's


def test_the_person_view_is_accessible_markup_with_names_read_as_recorded(personas, world):
    from django.template.loader import render_to_string

    plain = released(personas, world.case)
    plain.goals = (
        "月見里陽菜さんは作業所にかよいます。\n"
        "相談支援専門員と、就労継続支援と障害支援区分のことを話します。"
    )
    html = render_to_string(
        "plainplans/_person_view.html",
        {"plain_plan": selectors.shown_as(plain, "person")},
    )
    assert 'lang="ja"' in html
    assert "<table" not in html
    assert "<h3" in html and "<ul" in html  # noqa: PT018
    assert "<rb>月見里</rb><rt>やまなし</rt>" in html
    assert "<rb>陽菜</rb><rt>ひな</rt>" in html
    assert (
        "<ruby><rb>相談</rb><rt>そうだん</rt></ruby><ruby><rb>支援</rb><rt>しえん</rt></ruby>"
        "<ruby><rb>専門員</rb><rt>せんもんいん</rt></ruby>"
    ) in html
    assert "<ruby><rb>就労継続支援</rb><rt>しゅうろうけいぞくしえん</rt></ruby>" in html
    assert (
        "<ruby><rb>障害</rb><rt>しょうがい</rt></ruby><ruby><rb>支援</rb><rt>しえん</rt></ruby>"
        "<ruby><rb>区分</rb><rt>くぶん</rt></ruby>"
    ) in html
    assert "<time datetime=" in html


def test_the_api_twins(personas, world, client):
    user, org = personas.counselor_a, personas.office_a
    made = _api(client, user, org, "POST", f"/api/v1/plainplans/cases/{world.case.pk}")
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    body = {
        "goals": "支給決定が出ました。",
        "parts": PARTS,
        "next_meeting_on": "2026-12-24",
        "kanji_grade": 3,
    }
    checked = _api(client, user, org, "POST", f"/api/v1/plainplans/{pk}/check", body)
    assert checked.status_code == 200
    assert "difficult_word" in {f["kind"] for f in checked.json()["flags"]}
    saved = _api(client, user, org, "PUT", f"/api/v1/plainplans/{pk}", body)
    assert saved.status_code == 200, saved.content
    assert saved.json()["goals"] == "支給決定が出ました。"
    assert saved.json()["flags"]
    preview = _api(client, user, org, "GET", f"/api/v1/plainplans/{pk}/preview?audience=family")
    assert preview.status_code == 200
    assert preview.json()["sections"] == []
    released_ = _api(
        client,
        user,
        org,
        "POST",
        f"/api/v1/plainplans/{pk}/release",
        {"family_sections": ["goals"], "family_allowed_on": timezone.localdate().isoformat()},
    )
    assert released_.status_code == 200, released_.content
    assert released_.json()["status"] == "released"
    assert released_.json()["family_sections"] == ["goals"]
    listed = _api(client, user, org, "GET", f"/api/v1/plainplans/cases/{world.case.pk}")
    assert [r["id"] for r in listed.json()["results"]] == [pk]
    outsider = _api(
        client, personas.counselor_b, personas.office_b, "GET", f"/api/v1/plainplans/{pk}"
    )
    assert outsider.status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"goals": "x", "kanji_grade": 99999},
        {"goals": "\ud800", "kanji_grade": 3},
        {"goals": "x", "kanji_grade": 3, "next_meeting_on": "99999-01-01"},
        {"goals": "x", "kanji_grade": 3, "parts": "作業所"},
        {
            "goals": "x",
            "kanji_grade": 3,
            "parts": [{"who": "a", "what": "b", "plan_item_id": 2**63}],
        },
        "just a string",
    ],
)
def test_bad_input_is_a_json_error_never_a_500(personas, world, client, body):
    draft = services.plain_plan_start(actor_as(personas.counselor_a), case=world.case)
    response = _api(
        client,
        personas.counselor_a,
        personas.office_a,
        "PUT",
        f"/api/v1/plainplans/{draft.pk}",
        body,
    )
    assert 400 <= response.status_code < 500
    assert "error" in response.json()
    huge = _api(
        client, personas.counselor_a, personas.office_a, "GET", f"/api/v1/plainplans/{2**63}"
    )
    assert huge.status_code == 404


def test_bad_input_on_the_screens_is_a_japanese_message(personas, world, client_as):
    draft = services.plain_plan_start(actor_as(personas.counselor_a), case=world.case)
    client = client_as(personas.counselor_a)
    edit = reverse("plainplans:edit", args=[draft.pk])
    response = client.post(edit, {"goals": "x", "kanji_grade": "99999", "check": "1"})
    assert response.status_code == 400
    response = client.post(edit, {"goals": "x", "kanji_grade": "3", "next_meeting_on": "99999-1-1"})
    assert response.status_code == 400
    preview = client.get(reverse("plainplans:preview", args=[draft.pk]), {"audience": "x"})
    assert preview.status_code == 400
    assert client.get(f"/plain-plans/{2**63}/").status_code == 404
