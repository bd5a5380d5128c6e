"""Supervision sessions: who sees them, de-identified and lawfully linked cases, advice on the
case record only when the office chooses, carry-over and follow-up, counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.core.dates import fiscal_year
from tsunagu.core.errors import Conflict, FieldErrors, Forbidden, Invalid, NotFound
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.records.models import ProgressNote
from tsunagu.supervision import access, selectors, services
from tsunagu.supervision.models import PresentedCase, SupervisionSession
from tsunagu.supervision.tests.factories import core_joins, make_session, office_case

pytestmark = pytest.mark.django_db


def _present(personas, session, **over):
    data = {
        "session": session,
        "presenting_office": personas.office_a,
        "summary": "40代男性。母と二人暮らしで、母の入院を機に生活が崩れつつある。",
        "themes": ["family_8050", "hikikomori"],
        "question": "本人との関係づくりの糸口を相談したい。",
        **over,
    }
    return services.item_create(actor_as(personas.counselor_a), **data)


def _api(client, user, org, method, path, body=None):
    token = api_token_for(user, org)
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if method == "GET":
        return client.get(path, **kwargs)
    return client.generic(
        method,
        path,
        data=__import__("json").dumps(body or {}),
        content_type="application/json",
        **kwargs,
    )


# --- Access -----------------------------------------------------------------------------------


def test_outsider_gets_404_and_the_attending_office_sees_its_session(personas, client_as):
    session = make_session(personas)
    item = _present(personas, session)
    urls = [
        reverse("supervision:session_detail", args=[session.pk]),
        reverse("supervision:item_advice", args=[item.pk]),
        reverse("supervision:item_carry", args=[item.pk]),
    ]
    outsider = client_as(personas.counselor_b)
    for url in urls:
        before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        assert outsider.get(url).status_code == 404
        assert AuditEvent.objects.filter(
            pk__gt=before, action=Action.ACCESS_DENIED, actor=personas.counselor_b
        ).exists()
    office = client_as(personas.counselor_a)
    page = office.get(urls[0]).content.decode()
    assert "母と二人暮らし" in page
    # The list shows only sessions the office attended; the city sees none of them.
    assert list(access.sessions_visible_to(actor_as(personas.counselor_b))) == []
    assert list(access.sessions_visible_to(actor_as(personas.city_official))) == []
    assert list(access.sessions_visible_to(actor_as(personas.counselor_a))) == [session]
    assert (
        client_as(personas.counselor_b).get(reverse("supervision:session_list")).status_code == 200
    )


def test_only_the_core_center_holds_sessions_and_records_advice(personas):
    with pytest.raises(Forbidden):
        services.session_create(
            actor_as(personas.counselor_a),
            kind="group",
            held_on=timezone.localdate(),
            supervisor=personas.core_officer,
            offices=[personas.office_a],
        )
    session = make_session(personas)
    item = _present(personas, session)
    with pytest.raises(Forbidden):
        services.advice_record(actor_as(personas.counselor_a), item=item, advice="助言")
    with pytest.raises(FieldErrors):  # the supervisor is a core-center worker
        services.session_create(
            actor_as(personas.core_officer),
            kind="group",
            held_on=timezone.localdate(),
            supervisor=personas.counselor_a,
            offices=[personas.office_a],
        )
    with pytest.raises(FieldErrors):  # an individual session is for one office
        services.session_create(
            actor_as(personas.core_officer),
            kind="individual",
            held_on=timezone.localdate(),
            supervisor=personas.core_officer,
            offices=[personas.office_a, personas.office_b],
        )
    with pytest.raises(FieldErrors):  # office B does not attend: it cannot present there
        services.item_create(
            actor_as(personas.core_officer),
            session=session,
            presenting_office=personas.office_b,
            summary="概要",
        )


# --- De-identified and linked cases -----------------------------------------------------------


def test_a_de_identified_case_holds_no_link_to_a_person(personas):
    session = make_session(personas)
    item = _present(personas, session)
    assert item.case_id is None
    assert item.basis_id is None
    linked_fields = [
        f.name
        for f in PresentedCase._meta.get_fields()
        if isinstance(f.related_model, type)
        and issubclass(f.related_model, Model)
        and f.related_model._meta.app_label in ("people", "cases", "records")
    ]
    assert sorted(linked_fields) == ["basis", "case"]  # nothing else can point at a person
    services.advice_record(
        actor_as(personas.core_officer), item=item, advice="まず母の入院先と連携。"
    )
    case = office_case(personas)
    note = services.advice_to_case(actor_as(personas.counselor_a), item=item, case=case)
    item.refresh_from_db()
    assert note.case == case
    assert item.case_id is None
    assert item.basis_id is None
    assert item.advice_on_case_at is not None


def test_a_link_needs_the_supervisor_on_the_case_team(personas):
    session = make_session(personas)
    case = office_case(personas)
    with pytest.raises(FieldErrors) as refused:
        _present(personas, session, case=case)
    assert "支援チーム" in str(refused.value.errors)
    assert not PresentedCase.objects.exists()

    member = core_joins(personas, case)
    item = _present(personas, session, case=case)
    assert (item.case, item.basis) == (case, member)

    # Another office cannot link an office A case it does not see: the 404 of a missing case.
    other = make_session(personas, offices=[personas.office_b])
    with pytest.raises(NotFound):
        services.item_create(
            actor_as(personas.counselor_b),
            session=other,
            presenting_office=personas.office_b,
            summary="概要",
            case=case,
        )
    # The database refuses a case without its basis.
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        PresentedCase.objects.filter(pk=item.pk).update(basis=None)


def test_the_link_is_shown_only_to_who_sees_the_case_and_the_read_is_audited(
    personas, client_as, client
):
    session = make_session(personas, offices=[personas.office_a, personas.office_b])
    case = office_case(personas)
    core_joins(personas, case)
    item = _present(personas, session, case=case)
    url = reverse("supervision:session_detail", args=[session.pk])

    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    page = client_as(personas.counselor_a).get(url).content.decode()
    assert "佐藤花子さんの支援" in page
    assert AuditEvent.objects.filter(
        pk__gt=before, action=Action.RECORD_VIEWED, target_type="cases.case", target_id=str(case.pk)
    ).exists()

    # Office B attends the same group session: it reads the summary, never the case.
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    page = client_as(personas.counselor_b).get(url).content.decode()
    assert "母と二人暮らし" in page
    assert "花子" not in page  # the case title (佐藤花子さんの支援)
    assert not AuditEvent.objects.filter(pk__gt=before, target_type="cases.case").exists()
    path = f"/api/v1/supervision/items/{item.pk}"
    answer = _api(client, personas.counselor_b, personas.office_b, "GET", path).json()
    assert answer["case_id"] is None
    assert answer["case_title"] is None
    answer = _api(client, personas.core_officer, personas.core_center, "GET", path).json()
    assert answer["case_id"] == case.pk


# --- Advice on the case record ---------------------------------------------------------------


def test_advice_goes_on_the_case_only_when_the_office_chooses(personas, client_as):
    session = make_session(personas)
    case = office_case(personas)
    core_joins(personas, case)
    item = _present(personas, session, case=case)
    services.advice_record(
        actor_as(personas.core_officer),
        item=item,
        advice="母の入院先の相談員と早めに連絡を取る。",
        follow_up_point="入院先との連絡の結果",
    )
    assert not ProgressNote.objects.filter(case=case).exists()  # recording advice writes none

    with pytest.raises(Forbidden):  # the core center does not write on the office's record
        services.advice_to_case(actor_as(personas.core_officer), item=item)

    office = client_as(personas.counselor_a)
    response = office.post(reverse("supervision:item_record", args=[item.pk]), {})
    assert response.status_code == 302, response.content.decode()
    note = ProgressNote.objects.get(case=case)
    assert note.author == personas.counselor_a
    assert note.author_organization == personas.office_a
    assert "母の入院先の相談員と早めに連絡を取る。" in note.text
    assert AuditEvent.objects.filter(
        action=Action.RECORD_CREATED, target_type="records.progressnote", target_id=str(note.pk)
    ).exists()
    assert AuditEvent.objects.filter(
        action=services.ACTION_ADVICE_ON_CASE, target_id=str(item.pk)
    ).exists()
    with pytest.raises(Conflict):
        services.advice_to_case(actor_as(personas.counselor_a), item=item)
    assert ProgressNote.objects.filter(case=case).count() == 1


def test_no_advice_yet_writes_nothing(personas):
    session = make_session(personas)
    item = _present(personas, session)
    with pytest.raises(Invalid):
        services.advice_to_case(
            actor_as(personas.counselor_a), item=item, case=office_case(personas)
        )
    assert not ProgressNote.objects.exists()


# --- Follow-up -------------------------------------------------------------------------------


def test_an_item_is_carried_to_the_next_session_and_followed_up_there(personas, client_as):
    today = timezone.localdate()
    first = make_session(personas, held_on=today - dt.timedelta(days=35))
    second = make_session(personas, held_on=today - dt.timedelta(days=5))
    item = _present(personas, first)
    with pytest.raises(Invalid):  # not carried: nothing to follow up
        services.item_follow_up(actor_as(personas.counselor_a), item=item, result="結果")
    office = client_as(personas.counselor_a)
    response = office.post(
        reverse("supervision:item_carry", args=[item.pk]),
        {"session": second.pk, "follow_up_point": "母の退院後の生活"},
    )
    assert response.status_code == 302, response.content.decode()
    carried = PresentedCase.objects.get(session=second)
    assert carried.carried_from == item
    assert carried.follow_up_point == "母の退院後の生活"
    with pytest.raises(Conflict):
        services.item_carry(actor_as(personas.counselor_a), item=item, to_session=second)
    with pytest.raises(FieldErrors):  # not backwards
        services.item_carry(actor_as(personas.counselor_a), item=carried, to_session=first)
    response = office.post(
        reverse("supervision:item_follow_up", args=[carried.pk]),
        {"result": "退院後は訪問看護が入り、落ち着いている。"},
    )
    assert response.status_code == 302
    carried.refresh_from_db()
    assert carried.followed_up_at is not None
    page = office.get(reverse("supervision:session_detail", args=[second.pk])).content.decode()
    assert "前回からの継続" in page
    assert "退院後は訪問看護" in page


# --- Counts ----------------------------------------------------------------------------------


def test_counts_per_office_and_theme(personas, client_as, client):
    session = make_session(personas, offices=[personas.office_a, personas.office_b])
    _present(personas, session)
    services.item_create(
        actor_as(personas.counselor_b),
        session=session,
        presenting_office=personas.office_b,
        summary="10代。不登校が続き、家族が疲れている。",
        themes=["developmental"],
    )
    make_session(personas, kind="individual")
    year = fiscal_year(timezone.localdate() - dt.timedelta(days=7))

    every = selectors.year_counts(actor_as(personas.city_official), year)
    assert every.sessions == 2
    rows = {r.office.pk: r for r in every.offices}
    assert (
        rows[personas.office_a.pk].group_sessions,
        rows[personas.office_a.pk].individual_sessions,
    ) == (1, 1)
    assert rows[personas.office_a.pk].presented == 1
    assert rows[personas.office_b.pk].presented == 1
    themes = {value: count for value, _label, count in every.themes}
    assert themes["family_8050"] == 1
    assert themes["developmental"] == 1

    own = selectors.year_counts(actor_as(personas.counselor_b), year)
    assert [r.office for r in own.offices] == [personas.office_b]
    assert {v: c for v, _l, c in own.themes}["family_8050"] == 0

    page = client_as(personas.city_official).get(
        reverse("supervision:counts"), {"fiscal_year": year}
    )
    assert page.status_code == 200
    assert personas.office_b.name in page.content.decode()
    assert (
        client_as(personas.counselor_a)
        .get(reverse("supervision:counts"), {"fiscal_year": "abc"})
        .status_code
        == 400
    )
    answer = _api(
        client,
        personas.counselor_a,
        personas.office_a,
        "GET",
        f"/api/v1/supervision/counts?fiscal_year={year}",
    ).json()
    assert [o["office_id"] for o in answer["offices"]] == [personas.office_a.pk]
    assert (
        _api(
            client,
            personas.core_officer,
            personas.core_center,
            "GET",
            "/api/v1/supervision/counts?fiscal_year=abc",
        ).status_code
        == 422
    )


# --- The walk on the screens and the API ------------------------------------------------------


def test_the_walk_on_the_screens(personas, client_as):
    core = client_as(personas.core_officer)
    response = core.post(
        reverse("supervision:session_create"),
        {
            "kind": "group",
            "held_on": "令和7年6月12日",
            "place": "基幹相談支援センター",
            "supervisor": personas.core_officer.pk,
            "offices": [personas.office_a.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()
    session = SupervisionSession.objects.get()
    assert core.post(reverse("supervision:session_create"), {"kind": "group"}).status_code == 400

    office = client_as(personas.counselor_a)
    response = office.post(
        reverse("supervision:item_create", args=[session.pk]),
        {
            "presenting_office": personas.office_a.pk,
            "summary": "30代女性。就労が続かず、家族との関係が悪化している。",
            "themes": ["developmental"],
        },
    )
    assert response.status_code == 302, response.content.decode()
    item = PresentedCase.objects.get()
    response = core.post(
        reverse("supervision:item_advice", args=[item.pk]), {"advice": "本人の得意なことから。"}
    )
    assert response.status_code == 302
    # The office may not record advice: a refusal page, not a change.
    response = office.post(reverse("supervision:item_advice", args=[item.pk]), {"advice": "x"})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.advice == "本人の得意なことから。"
    page = office.get(reverse("supervision:session_detail", args=[session.pk])).content.decode()
    assert "助言を支援経過記録に残す" in page


def test_the_api_walk(personas, client):
    core = (personas.core_officer, personas.core_center)
    response = _api(
        client,
        *core,
        "POST",
        "/api/v1/supervision/sessions",
        {
            "kind": "group",
            "held_on": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
            "supervisor_id": personas.core_officer.pk,
            "office_ids": [personas.office_a.pk],
            "worker_ids": [personas.counselor_a.pk],
        },
    )
    assert response.status_code == 201, response.content
    session_id = response.json()["id"]
    bad = _api(client, *core, "POST", "/api/v1/supervision/sessions", {"kind": "group"})
    assert bad.status_code == 422
    office = (personas.counselor_a, personas.office_a)
    response = _api(
        client,
        *office,
        "POST",
        f"/api/v1/supervision/sessions/{session_id}/items",
        {"presenting_office_id": personas.office_a.pk, "summary": "概要", "themes": ["abuse"]},
    )
    assert response.status_code == 201, response.content
    item_id = response.json()["id"]
    response = _api(
        client, *core, "POST", f"/api/v1/supervision/items/{item_id}/advice", {"advice": "助言"}
    )
    assert response.status_code == 200
    assert response.json()["advice"] == "助言"
    response = _api(
        client, *office, "POST", f"/api/v1/supervision/items/{item_id}/record-on-case", {}
    )
    assert response.status_code == 422  # de-identified: which case?
    case = office_case(personas)
    response = _api(
        client,
        *office,
        "POST",
        f"/api/v1/supervision/items/{item_id}/record-on-case",
        {"case_id": case.pk},
    )
    assert response.status_code == 200, response.content
    assert response.json()["case_id"] is None
    assert ProgressNote.objects.filter(case=case).count() == 1
    response = _api(client, *office, "GET", f"/api/v1/supervision/sessions/{session_id}/items")
    assert response.json()["count"] == 1
    assert response.json()["results"][0]["case_id"] is None
    response = _api(
        client, *core, "PATCH", f"/api/v1/supervision/sessions/{session_id}", {"place": "会議室"}
    )
    assert response.status_code == 200
    assert response.json()["place"] == "会議室"


def test_when_the_core_center_leaves_the_team_the_link_is_no_longer_shown_or_carried(personas):
    today = timezone.localdate()
    first = make_session(personas, held_on=today - dt.timedelta(days=20))
    second = make_session(personas, held_on=today - dt.timedelta(days=2))
    case = office_case(personas)
    member = core_joins(personas, case)
    item = _present(personas, first, case=case)
    core = actor_as(personas.core_officer)
    assert access.visible_linked_cases(core, [item]) == {item.pk: case}

    member.left_on = today - dt.timedelta(days=1)
    member.save(update_fields=["left_on"])
    assert access.visible_linked_cases(core, [item]) == {}  # the core center sees no case
    office = actor_as(personas.counselor_a)
    assert access.visible_linked_cases(office, [item]) == {item.pk: case}  # the lead still does
    carried = services.item_carry(office, item=item, to_session=second)
    assert carried.case_id is None  # no basis today: the item goes on de-identified
    assert carried.basis_id is None
