"""The day-service group home evaluation: the order of its steps, the overdue reports and their
notification, who sees what (the home only once published), and bad input."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.core.dates import fiscal_year
from tsunagu.core.errors import Conflict, FieldErrors, Forbidden
from tsunagu.grouphomes import access, services
from tsunagu.grouphomes.models import GroupHomeEvaluation, SelfEvaluationSource, Step
from tsunagu.grouphomes.selectors import render_evaluation_notifications
from tsunagu.grouphomes.tests.factories import (
    ANSWERS,
    OBSERVATIONS,
    advance,
    home_user,
    make_home,
    plan,
    subcommittee,
)
from tsunagu.notifications.models import Notification, NotificationKind
from tsunagu.organizations.tests.actors import actor_as

pytestmark = pytest.mark.django_db


def _last_event() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _api(client, user, org, method, path, body=None, raw=None):
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(user, org)}"}
    if method == "GET":
        return client.get(path, **kwargs)
    data = raw if raw is not None else json.dumps(body or {}, ensure_ascii=False)
    return client.generic(method, path, data=data, content_type="application/json", **kwargs)


@pytest.fixture
def body(personas):
    return subcommittee(personas)


# --- The order of the steps -------------------------------------------------------------------


def test_steps_cannot_be_skipped_and_a_report_is_published_only_once_written(personas, body):
    home = make_home(personas)
    evaluation = plan(personas, home, body)
    city = actor_as(personas.city_official)
    today = timezone.localdate()
    assert evaluation.step == Step.PLANNED
    with pytest.raises(Conflict):
        services.report_write(city, evaluation=evaluation, text="早すぎる報告書")
    with pytest.raises(Conflict):
        services.qa_record(
            city, evaluation=evaluation, held_on=today, items=[{"question": "q", "answer": ""}]
        )
    with pytest.raises(Conflict):
        services.publish(city, evaluation=evaluation)
    # A visit in the future has not happened.
    with pytest.raises(FieldErrors):
        services.visit_record(
            city,
            evaluation=evaluation,
            visited_on=today + dt.timedelta(days=1),
            observations=OBSERVATIONS,
            findings="所見",
        )
    evaluation = advance(personas, evaluation, "qa_held")
    assert evaluation.step == Step.QA_HELD
    assert evaluation.qa_held_on is not None
    assert evaluation.report_due_on == evaluation.qa_held_on + dt.timedelta(days=30)
    with pytest.raises(Conflict):
        services.publish(city, evaluation=evaluation)
    # No going back: the visit is recorded once.
    with pytest.raises(Conflict):
        services.visit_record(
            city, evaluation=evaluation, visited_on=today, observations=OBSERVATIONS, findings="x"
        )
    before = _last_event()
    evaluation = advance(personas, evaluation, "published")
    assert evaluation.step == Step.PUBLISHED
    actions = set(AuditEvent.objects.filter(pk__gt=before).values_list("action", flat=True))
    assert {"grouphomes.report_written", "grouphomes.published"} <= actions


def test_the_written_path_has_no_visit_and_needs_an_earlier_visit(personas, body):
    home = make_home(personas, staff=False)
    this_year = fiscal_year(timezone.localdate())
    with pytest.raises(FieldErrors) as refused:
        plan(personas, home, body, path="written")
    assert "path" in refused.value.errors
    earlier = plan(personas, home, body, year=this_year - 1)
    advance(personas, earlier, "published")
    written = plan(personas, home, body, path="written", visit_planned_on=None)
    assert written.steps == ("planned", "self_evaluated", "report_written", "published")
    city = actor_as(personas.city_official)
    with pytest.raises(Conflict):
        services.visit_record(
            city,
            evaluation=written,
            visited_on=timezone.localdate(),
            observations=OBSERVATIONS,
            findings="x",
        )
    # The home has no accounts: the city enters the paper form, and it says so.
    written = services.self_evaluation_receive(
        city, evaluation=written, received_on=timezone.localdate(), answers=ANSWERS, summary="報告"
    )
    assert written.self_evaluation_source == SelfEvaluationSource.PAPER
    assert written.report_due_on == timezone.localdate() + dt.timedelta(days=30)
    written = services.report_write(city, evaluation=written, text="書面による評価。")
    assert services.publish(city, evaluation=written).step == Step.PUBLISHED


def test_a_home_with_accounts_fills_its_own_form(personas, body, client_as):
    home = make_home(personas)
    evaluation = advance(personas, plan(personas, home, body), "visited")
    city = actor_as(personas.city_official)
    with pytest.raises(Forbidden):
        services.self_evaluation_receive(
            city,
            evaluation=evaluation,
            received_on=timezone.localdate(),
            answers=ANSWERS,
            summary="s",
        )
    staff = client_as(home_user(home))
    url = reverse("grouphomes:self_evaluation", args=[evaluation.pk])
    assert staff.get(url).status_code == 200
    response = staff.post(
        url,
        {
            "received_on": timezone.localdate().isoformat(),
            "summary": "利用者20名。",
            "self_community": "自治会に参加。",
        },
    )
    assert response.status_code == 302, response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.step == Step.SELF_EVALUATED
    assert evaluation.self_evaluation_source == SelfEvaluationSource.HOME
    # Filled: the form is gone for the home, and the evaluation is not yet its to read.
    assert staff.get(url).status_code == 404
    detail = reverse("grouphomes:evaluation_detail", args=[evaluation.pk])
    assert staff.get(detail).status_code == 404


def test_evaluators_come_from_the_city_and_the_council(personas, body):
    home = make_home(personas)
    with pytest.raises(FieldErrors) as refused:
        plan(personas, home, body, evaluators=[personas.counselor_b])
    assert "evaluators" in refused.value.errors
    evaluation = plan(personas, home, body, evaluators=[personas.counselor_a])
    assert access.may_write(actor_as(personas.counselor_a), evaluation)
    assert not access.may_write(actor_as(personas.colleague_a), evaluation)


# --- Overdue reports --------------------------------------------------------------------------


def test_the_overdue_list_shows_exactly_the_overdue_reports(personas, body, client_as, client):
    late = advance(personas, plan(personas, make_home(personas, name="GH あさひ"), body), "qa_held")
    recent = advance(
        personas,
        plan(personas, make_home(personas, name="GH みなみ"), body),
        "qa_held",
        qa_days_ago=10,
    )
    written = advance(
        personas, plan(personas, make_home(personas, name="GH きた"), body), "report_written"
    )
    planned = plan(personas, make_home(personas, name="GH にし"), body)
    assert {e.pk for e in services.overdue()} == {late.pk}
    page = client_as(personas.core_officer).get(reverse("grouphomes:overdue_list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "GH あさひ" in text
    for name in ("GH みなみ", "GH きた", "GH にし"):
        assert name not in text
    response = _api(
        client,
        personas.city_official,
        personas.city,
        "GET",
        "/api/v1/grouphomes/evaluations/overdue",
    )
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [late.pk]
    # Not for a consultation office, even one that sits on the subcommittee.
    assert (
        client_as(personas.counselor_a).get(reverse("grouphomes:overdue_list")).status_code == 404
    )
    assert recent.step == Step.QA_HELD
    assert written.step == Step.REPORT_WRITTEN
    assert planned.step == Step.PLANNED


def test_the_evaluators_hear_of_an_overdue_report_once(personas, body):
    late = advance(personas, plan(personas, make_home(personas), body), "qa_held")
    out = io.StringIO()
    call_command("notify_grouphome_reports_overdue", stdout=out)
    assert "notified 1 " in out.getvalue()
    rows = Notification.objects.filter(kind=NotificationKind.GROUPHOME_REPORT_OVERDUE)
    assert {n.recipient_id for n in rows} == {personas.city_official.pk, personas.core_officer.pk}
    assert {n.target_id for n in rows} == {late.pk}
    assert services.overdue_notify() == []
    assert rows.count() == 2
    # The evaluator's bell shows the evaluation; the notification links to it.
    shown = render_evaluation_notifications(actor_as(personas.core_officer), [late.pk])
    assert shown[late.pk].url == reverse("grouphomes:evaluation_detail", args=[late.pk])
    assert render_evaluation_notifications(actor_as(personas.counselor_b), [late.pk]) == {}


# --- Who sees what ----------------------------------------------------------------------------


def test_the_home_gets_404_before_publication_and_reads_it_after(personas, body, client_as, client):
    home = make_home(personas)
    evaluation = advance(personas, plan(personas, home, body), "report_written")
    staff = home_user(home)
    detail = reverse("grouphomes:evaluation_detail", args=[evaluation.pk])
    api_detail = f"/api/v1/grouphomes/evaluations/{evaluation.pk}"
    assert client_as(staff).get(detail).status_code == 404
    assert _api(client, staff, home.organization, "GET", api_detail).status_code == 404
    # Council members see nothing before publication either.
    assert client_as(personas.counselor_a).get(detail).status_code == 404
    services.publish(actor_as(personas.city_official), evaluation=evaluation)
    page = client_as(staff).get(detail)
    assert page.status_code == 200
    assert "地域との交流を広げる取組みを期待する。" in page.content.decode()
    # Read-only: no step is offered, and a write is refused.
    assert "公表する" not in page.content.decode()
    assert (
        client_as(staff)
        .post(reverse("grouphomes:report", args=[evaluation.pk]), {"text": "x"})
        .status_code
        == 403
    )
    assert _api(client, staff, home.organization, "GET", api_detail).status_code == 200
    assert client_as(personas.counselor_a).get(detail).status_code == 200
    docx = client_as(staff).get(reverse("grouphomes:report_docx", args=[evaluation.pk]))
    assert docx.status_code == 200
    assert docx.content[:2] == b"PK"
    assert AuditEvent.objects.filter(action="grouphomes.report_printed", actor=staff).exists()


def test_an_outsider_gets_404_everywhere(personas, body, client_as, client):
    home = make_home(personas)
    evaluation = advance(personas, plan(personas, home, body), "published")
    outsider = personas.counselor_b
    for name in (
        "evaluation_detail",
        "visit",
        "self_evaluation",
        "qa",
        "report",
        "report_pdf",
        "report_docx",
    ):
        before = _last_event()
        response = client_as(outsider).get(reverse(f"grouphomes:{name}", args=[evaluation.pk]))
        assert response.status_code == 404, name
        assert AuditEvent.objects.filter(pk__gt=before, action=Action.ACCESS_DENIED).exists()
    assert (
        client_as(outsider).post(reverse("grouphomes:publish", args=[evaluation.pk])).status_code
        == 404
    )
    for path in (
        f"/api/v1/grouphomes/evaluations/{evaluation.pk}",
        f"/api/v1/grouphomes/homes/{home.pk}",
    ):
        assert _api(client, outsider, personas.office_b, "GET", path).status_code == 404
    listed = _api(client, outsider, personas.office_b, "GET", "/api/v1/grouphomes/evaluations")
    assert listed.status_code == 200
    assert listed.json()["results"] == []


def test_the_screens_take_an_evaluation_through_its_steps(personas, body, client_as):
    home = make_home(personas, staff=False)
    city = client_as(personas.city_official)
    for name in ("evaluation_create", "home_create", "home_list", "evaluation_list"):
        assert city.get(reverse(f"grouphomes:{name}")).status_code == 200, name
    # The home list and the plan are the city's; the core center reads the homes only.
    assert client_as(personas.core_officer).get(reverse("grouphomes:home_list")).status_code == 200
    core_plan = client_as(personas.core_officer).get(reverse("grouphomes:evaluation_create"))
    assert core_plan.status_code == 404
    response = city.post(
        reverse("grouphomes:evaluation_create"),
        {
            "home": home.pk,
            "fiscal_year": fiscal_year(timezone.localdate()),
            "path": "visit",
            "body": body.pk,
            "visit_planned_on": (timezone.localdate() - dt.timedelta(days=20)).isoformat(),
            "evaluators": [personas.city_official.pk, personas.core_officer.pk],
            "report_due_days": 45,
        },
    )
    assert response.status_code == 302, response.content.decode()
    evaluation = GroupHomeEvaluation.objects.get(home=home)
    assert evaluation.report_due_days == 45
    today = timezone.localdate().isoformat()
    steps = [
        ("visit", {"visited_on": today, "obs_community": "交流あり", "findings": "概ね良好"}),
        ("self_evaluation", {"received_on": today, "summary": "報告", "self_daytime": "作業"}),
        ("qa", {"held_on": today, "question_1": "外出は？", "answer_1": "週1回"}),
        ("report", {"text": "評価の本文"}),
    ]
    for name, data in steps:
        response = city.post(reverse(f"grouphomes:{name}", args=[evaluation.pk]), data)
        assert response.status_code == 302, (name, response.content.decode())
    assert city.post(reverse("grouphomes:publish", args=[evaluation.pk])).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.step == Step.PUBLISHED
    assert evaluation.self_evaluation_source == SelfEvaluationSource.PAPER
    assert evaluation.report_due_on == timezone.localdate() + dt.timedelta(days=45)
    listing = city.get(
        reverse("grouphomes:evaluation_list"), {"fiscal_year": evaluation.fiscal_year}
    )
    assert listing.status_code == 200
    assert home.organization.name in listing.content.decode()


def test_the_api_takes_an_evaluation_through_its_steps(personas, body, client):
    home = make_home(personas, staff=False)
    city, org = personas.city_official, personas.city
    base = "/api/v1/grouphomes/evaluations"
    created = _api(
        client,
        city,
        org,
        "POST",
        base,
        {
            "home_id": home.pk,
            "fiscal_year": fiscal_year(timezone.localdate()),
            "path": "visit",
            "body_id": body.pk,
            "evaluator_ids": [city.pk],
            "visit_planned_on": timezone.localdate().isoformat(),
        },
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    today = timezone.localdate().isoformat()
    # Out of order: 409.
    early = _api(client, city, org, "POST", f"{base}/{pk}/report", {"text": "早い"})
    assert early.status_code == 409
    for step, payload in (
        ("visit", {"visited_on": today, "observations": {"community": "交流"}, "findings": "良好"}),
        (
            "self-evaluation",
            {"received_on": today, "answers": {"rights": "研修"}, "summary": "報告"},
        ),
        ("qa", {"held_on": today, "items": [{"question": "外出は？", "answer": "週1回"}]}),
        ("report", {"text": "本文"}),
        ("publish", {}),
    ):
        response = _api(client, city, org, "POST", f"{base}/{pk}/{step}", payload)
        assert response.status_code == 200, (step, response.content)
    assert response.json()["step"] == "published"


# --- Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [str(2**63), "99999", "あ", "%ED%A0%80"])
def test_bad_ids_and_years_never_500(personas, body, client_as, client, bad):
    city = client_as(personas.city_official)
    base = "/grouphomes/"
    for path in (f"{base}{bad}/", f"{base}homes/{bad}/edit/"):
        assert city.get(path).status_code == 404
    listing = city.get(reverse("grouphomes:evaluation_list") + f"?fiscal_year={bad}&step={bad}")
    assert listing.status_code == 400
    for path in (
        f"/api/v1/grouphomes/evaluations/{bad}",
        f"/api/v1/grouphomes/homes/{bad}",
        f"/api/v1/grouphomes/evaluations?fiscal_year={bad}",
    ):
        response = _api(client, personas.city_official, personas.city, "GET", path)
        assert response.status_code in (404, 422), (path, response.status_code)


def test_bad_bodies_are_422_and_bad_forms_400(personas, body, client_as, client):
    home = make_home(personas)
    evaluation = plan(personas, home, body)
    city, org = personas.city_official, personas.city
    base = "/api/v1/grouphomes/evaluations"
    for payload in (
        {
            "home_id": 2**63,
            "fiscal_year": 2026,
            "path": "visit",
            "body_id": body.pk,
            "evaluator_ids": [city.pk],
        },
        {
            "home_id": home.pk,
            "fiscal_year": 99999,
            "path": "visit",
            "body_id": body.pk,
            "evaluator_ids": [city.pk],
        },
        {
            "home_id": "あ",
            "fiscal_year": 2026,
            "path": "visit",
            "body_id": body.pk,
            "evaluator_ids": [city.pk],
        },
    ):
        assert _api(client, city, org, "POST", base, payload).status_code == 422
    assert _api(client, city, org, "POST", base, raw='"not an object"').status_code == 422
    surrogate = (
        '{"visited_on": "2025-01-01", "observations": {"community": "\\ud800"}, "findings": "x"}'
    )
    response = _api(client, city, org, "POST", f"{base}/{evaluation.pk}/visit", raw=surrogate)
    # The project's answer to characters no database stores (core/middleware.py).
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_characters"
    visit = reverse("grouphomes:visit", args=[evaluation.pk])
    for data in (
        {"visited_on": "99999-01-01", "findings": "x", "obs_community": "y"},
        {"visited_on": "あ", "findings": "x"},
    ):
        assert client_as(city).post(visit, data).status_code == 400
    # A lone surrogate's bytes in a form: Django decodes them as replacement characters, so
    # the record is kept, with text any database stores.
    raw = "visited_on=2025-01-01&obs_community=%ED%A0%80&findings=x"
    response = client_as(city).post(
        visit, data=raw, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 302
    evaluation.refresh_from_db()
    evaluation.visit_observations["community"].encode("utf-8")
    plan_url = reverse("grouphomes:evaluation_create")
    assert client_as(city).post(plan_url, {"fiscal_year": "99999", "home": "あ"}).status_code == 400


def test_the_council_above_the_subcommittee_reads_the_published_report(personas, body):
    from tsunagu.accounts.tests.factories import UserFactory
    from tsunagu.meetings.models import BodyKind, Level
    from tsunagu.meetings.tests.factories import MeetingBodyFactory
    from tsunagu.organizations.tests.factories import MembershipFactory, OrganizationFactory

    member_org = OrganizationFactory.create(name="みどり市手をつなぐ育成会", kind="other")
    member = UserFactory.create(username="council_member")
    MembershipFactory.create(user=member, organization=member_org)
    council = MeetingBodyFactory.create(
        name="みどり市障害者自立支援協議会",
        kind=BodyKind.COUNCIL,
        level=Level.MACRO,
        members=[member_org],
    )
    body.parent = council
    body.save(update_fields=["parent"])
    evaluation = advance(personas, plan(personas, make_home(personas), body), "report_written")
    reader = actor_as(member, member_org)
    assert evaluation not in access.evaluations_visible_to(reader)
    services.publish(actor_as(personas.city_official), evaluation=evaluation)
    assert evaluation in access.evaluations_visible_to(reader)
    assert evaluation not in access.evaluations_visible_to(actor_as(personas.counselor_b))


def test_the_api_lists_cost_the_same_queries_for_one_row_as_for_three(personas, body, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for name in ("GH あさひ", "GH みなみ", "GH きた", "GH にし"):
        advance(personas, plan(personas, make_home(personas, name=name), body), "qa_held")
    for path in (
        "/api/v1/grouphomes/evaluations",
        "/api/v1/grouphomes/evaluations/overdue",
        "/api/v1/grouphomes/homes",
    ):
        counts = []
        for size in (1, 3):
            with CaptureQueriesContext(connection) as queries:
                response = _api(
                    client,
                    personas.city_official,
                    personas.city,
                    "GET",
                    f"{path}?page_size={size}",
                )
            assert response.status_code == 200
            assert len(response.json()["results"]) == size
            counts.append(len(queries))
        assert counts[0] == counts[1], (path, counts)
