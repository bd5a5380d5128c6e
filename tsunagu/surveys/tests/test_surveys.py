"""Surveys (issue 19): the sender's workflow, prefilled answers, the office's draft and
submission, reopening, reminders, results and who sees what."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import AuditEvent
from tsunagu.cases.models import Case, CaseStatus
from tsunagu.cases.tests.factories import CaseFactory, ConsultationFactory
from tsunagu.core.dates import fiscal_year
from tsunagu.notifications.models import Notification
from tsunagu.organizations.models import OrganizationKind
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import OrganizationFactory
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.surveys import census, selectors, services
from tsunagu.surveys.models import Answer, ResponseStatus, Survey, SurveyStatus
from tsunagu.surveys.tests.factories import make_survey

pytestmark = pytest.mark.django_db


def _last_event() -> int:
    last = AuditEvent.objects.order_by("-pk").first()
    return last.pk if last else 0


def _api(user, org) -> dict[str, Any]:
    token = api_token_for(user, org)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _json(client: Client, method: str, path: str, body: Any, headers: dict[str, Any]):
    data = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return client.generic(method, path, data=data, content_type="application/json", **headers)


def _response_of(survey: Survey, org):
    return survey.responses.get(organization=org)


def _records_of_office_a(personas) -> None:
    """Office A's records: three open cases (one complex) and one closed; consultations this
    year of a 身体, a 知的 and an anonymous caller; office B's case does not count."""
    today = timezone.localdate()
    for categories in (["physical"], ["intellectual"], ["mental"]):
        CaseFactory.create(
            lead_organization=personas.office_a,
            lead_worker=personas.counselor_a,
            person=PersonFactory.create(disability_categories=categories),
            opened_on=today - dt.timedelta(days=5),
        )
    CaseFactory.create(
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
        status=CaseStatus.CLOSED,
        opened_on=today - dt.timedelta(days=30),
        closed_on=today - dt.timedelta(days=1),
    )
    CaseFactory.create(lead_organization=personas.office_b, lead_worker=personas.counselor_b)
    for categories in (["physical"], ["intellectual"]):
        ConsultationFactory.create(
            organization=personas.office_a,
            received_by=personas.counselor_a,
            person=PersonFactory.create(disability_categories=categories),
            received_at=timezone.now() - dt.timedelta(hours=1),
        )
    ConsultationFactory.create(
        organization=personas.office_a,
        received_by=personas.counselor_a,
        person=None,
        received_at=timezone.now() - dt.timedelta(hours=1),
    )


# --- Prefill ------------------------------------------------------------------------------


def test_a_prefilled_answer_equals_the_count_from_the_records(personas):
    _records_of_office_a(personas)
    survey = make_survey(personas)
    response = _response_of(survey, personas.office_a)
    services.response_save(actor_as(personas.counselor_a), response=response, answers={})
    caseload_q, disability_q = survey.questions.order_by("position")[:2]

    open_cases = (
        Case.objects.filter(lead_organization=personas.office_a)
        .exclude(status=CaseStatus.CLOSED)
        .count()
    )
    caseload = Answer.objects.get(response=response, question=caseload_q)
    assert open_cases == 3
    assert caseload.value == caseload.prefilled == open_cases
    assert caseload.from_records

    by_disability = Answer.objects.get(response=response, question=disability_q)
    assert isinstance(by_disability.prefilled, list)
    rows = dict(zip(disability_q.rows, by_disability.prefilled, strict=True))
    assert rows["身体"] == [1]
    assert rows["知的"] == [1]
    assert rows["本人の記録なし（匿名など）"] == [1]
    assert sum(cell for row in by_disability.prefilled for cell in row) == 3


def test_the_office_corrects_a_prefilled_figure_and_both_are_kept(personas, client_as):
    _records_of_office_a(personas)
    survey = make_survey(personas)
    response = _response_of(survey, personas.office_a)
    caseload_q = survey.questions.get(position=1)
    page = client_as(personas.counselor_a).get(
        reverse("surveys:response_detail", args=[response.pk])
    )
    assert page.status_code == 200
    assert "記録から" in page.content.decode()
    assert f'name="q{caseload_q.pk}" value="3"' in page.content.decode()

    saved = client_as(personas.counselor_a).post(
        reverse("surveys:response_detail", args=[response.pk]),
        {f"q{caseload_q.pk}": "5", "submit": "0"},
    )
    assert saved.status_code == 302
    answer = Answer.objects.get(response=response, question=caseload_q)
    assert (answer.value, answer.prefilled) == (5, 3)
    response.refresh_from_db()
    assert response.status == ResponseStatus.DRAFT


def test_the_api_shows_the_prefilled_value_before_anything_is_saved(personas, client):
    _records_of_office_a(personas)
    survey = make_survey(personas)
    response = _response_of(survey, personas.office_a)
    got = client.get(
        f"/api/v1/surveys/responses/{response.pk}", **_api(personas.counselor_a, personas.office_a)
    )
    assert got.status_code == 200
    first = got.json()["answers"][0]
    assert first["from_records"] is True
    assert first["prefilled"] == first["value"] == 3


# --- The office answers: a draft, then a submission that it cannot change ------------------


def _full_answers(survey: Survey) -> dict[str, Any]:
    q = list(survey.questions.order_by("position"))
    return {
        f"q{q[0].pk}": "4",
        f"q{q[2].pk}": "はい",
        f"q{q[3].pk}": ["時間が足りない", "見立てが難しい"],
        f"q{q[4].pk}_0_0": "2",
        f"q{q[4].pk}_0_1": "1",
        f"q{q[4].pk}_1_1": "3",
        f"q{q[5].pk}": "相談できる場がほしい。",
    }


def test_a_submitted_answer_cannot_be_changed_by_the_office_on_the_screen(personas, client_as):
    survey = make_survey(personas)
    response = _response_of(survey, personas.office_a)
    url = reverse("surveys:response_detail", args=[response.pk])
    office = client_as(personas.counselor_a)
    submitted = office.post(url, {**_full_answers(survey), "submit": "1"})
    assert submitted.status_code == 302
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED
    table_q = survey.questions.get(position=5)
    assert Answer.objects.get(response=response, question=table_q).value == [[2, 1], [None, 3]]

    first_q = survey.questions.get(position=1)
    again = office.post(url, {f"q{first_q.pk}": "99", "submit": "0"})
    assert again.status_code == 409
    assert "提出済みの回答や締め切った調査の回答は変更できません" in again.content.decode()
    sender = client_as(personas.core_officer).post(url, {f"q{first_q.pk}": "1", "submit": "0"})
    assert sender.status_code == 403  # the sender reads the answers, and never writes them
    assert Answer.objects.get(response=response, question=first_q).value == 4
    shown = office.get(url).content.decode()
    assert "disabled" in shown
    assert 'name="submit"' not in shown  # neither "一時保存する" nor "提出する" is offered


def test_a_submitted_answer_cannot_be_changed_by_the_office_through_the_api(personas, client):
    survey = make_survey(personas)
    response = _response_of(survey, personas.office_a)
    headers = _api(personas.counselor_a, personas.office_a)
    q = list(survey.questions.order_by("position"))
    path = f"/api/v1/surveys/responses/{response.pk}/answers"
    done = _json(
        client,
        "PUT",
        path,
        {"answers": [{"question_id": q[0].pk, "value": 4}], "submit": True},
        headers,
    )
    assert done.status_code == 200, done.content
    again = _json(client, "PUT", path, {"answers": [{"question_id": q[0].pk, "value": 9}]}, headers)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"
    assert Answer.objects.get(response=response, question=q[0]).value == 4


def test_a_required_question_must_be_answered_before_submitting(personas, client_as):
    survey = make_survey(personas)
    response = _response_of(survey, personas.office_b)  # office B has no cases: prefill is 0
    q = survey.questions.get(position=1)
    got = client_as(personas.counselor_b).post(
        reverse("surveys:response_detail", args=[response.pk]), {f"q{q.pk}": "", "submit": "1"}
    )
    assert got.status_code == 400
    assert "回答必須の設問です" in got.content.decode()
    response.refresh_from_db()
    assert response.status != ResponseStatus.SUBMITTED


def test_only_the_sender_reopens_a_submitted_answer_with_a_reason(personas, client_as, client):
    survey = make_survey(personas)
    response = _response_of(survey, personas.office_a)
    services.response_save(
        actor_as(personas.counselor_a),
        response=response,
        answers={survey.questions.get(position=1).pk: 1},
        submit=True,
    )
    office = _json(
        client,
        "POST",
        f"/api/v1/surveys/responses/{response.pk}/reopen",
        {"reason": "直したい"},
        _api(personas.counselor_a, personas.office_a),
    )
    assert office.status_code == 404  # the sender's action: not offered to the office at all
    url = reverse("surveys:response_reopen", args=[response.pk])
    empty = client_as(personas.core_officer).post(url, {"reason": "  "})
    assert empty.status_code == 400
    before = _last_event()
    done = client_as(personas.core_officer).post(url, {"reason": "件数の記入漏れがあるため"})
    assert done.status_code == 302
    response.refresh_from_db()
    assert response.status == ResponseStatus.DRAFT
    assert response.reopen_reason == "件数の記入漏れがあるため"
    row = AuditEvent.objects.get(pk__gt=before, action=services.ACTION_REOPENED)
    assert row.detail["reason"] == "件数の記入漏れがあるため"
    assert row.actor == personas.core_officer


# --- Who sees what ---------------------------------------------------------------------------


def test_an_office_cannot_read_another_offices_answers(personas, client_as, client):
    survey = make_survey(personas)
    theirs = _response_of(survey, personas.office_a)
    screen = client_as(personas.counselor_b).get(
        reverse("surveys:response_detail", args=[theirs.pk])
    )
    assert screen.status_code == 404
    api = client.get(
        f"/api/v1/surveys/responses/{theirs.pk}", **_api(personas.counselor_b, personas.office_b)
    )
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "not_found"
    listed = client.get(
        f"/api/v1/surveys/{survey.pk}/responses", **_api(personas.counselor_b, personas.office_b)
    )
    assert [r["organization_id"] for r in listed.json()["results"]] == [personas.office_b.pk]


def test_an_organization_the_survey_was_not_sent_to_gets_404(personas, client_as, client):
    survey = make_survey(personas, recipients=[personas.office_a])
    outsider = client_as(personas.counselor_b)
    for name in ("survey_detail", "results"):
        assert outsider.get(reverse(f"surveys:{name}", args=[survey.pk])).status_code == 404
    headers = _api(personas.counselor_b, personas.office_b)
    assert client.get(f"/api/v1/surveys/{survey.pk}", **headers).status_code == 404
    listed = client.get("/api/v1/surveys", **headers).json()
    assert listed["count"] == 0


def test_a_draft_survey_is_the_senders_alone(personas, client_as):
    survey = make_survey(personas, send=False)
    office = client_as(personas.counselor_a)
    assert office.get(reverse("surveys:survey_detail", args=[survey.pk])).status_code == 404
    sender = client_as(personas.core_officer)
    assert sender.get(reverse("surveys:survey_detail", args=[survey.pk])).status_code == 200


def test_texts_reach_other_offices_only_once_reviewed(personas, client_as):
    survey = make_survey(personas)
    text_q = survey.questions.get(position=6)
    response = _response_of(survey, personas.office_a)
    services.response_save(
        actor_as(personas.counselor_a),
        response=response,
        answers={survey.questions.get(position=1).pk: 2, text_q.pk: "夜間の相談先がほしい。"},
        submit=True,
    )
    results_url = reverse("surveys:results", args=[survey.pk])
    office_b = client_as(personas.counselor_b)
    assert "夜間の相談先がほしい" not in office_b.get(results_url).content.decode()
    sender_page = client_as(personas.core_officer).get(results_url).content.decode()
    assert "夜間の相談先がほしい" in sender_page
    assert personas.office_a.name in sender_page

    answer = Answer.objects.get(response=response, question=text_q)
    reviewed = client_as(personas.core_officer).post(
        reverse("surveys:answer_review", args=[answer.pk]), {"reviewed": "1"}
    )
    assert reviewed.status_code == 302
    shown = office_b.get(results_url).content.decode()
    assert "夜間の相談先がほしい" in shown
    assert personas.office_a.name not in shown  # the text, not who wrote it
    assert 'role="img"' in client_as(personas.core_officer).get(results_url).content.decode()


def test_results_count_submitted_responses_and_export_in_every_format(personas, client_as):
    survey = make_survey(personas)
    q = list(survey.questions.order_by("position"))
    for user, org, count, choice in (
        (personas.counselor_a, personas.office_a, 4, "はい"),
        (personas.counselor_b, personas.office_b, 6, "いいえ"),
    ):
        services.response_save(
            actor_as(user),
            response=_response_of(survey, org),
            answers={q[0].pk: count, q[2].pk: choice, q[4].pk: [[1, 2], [3, None]]},
            submit=True,
        )
    shown = selectors.results(actor_as(personas.core_officer), survey)
    number = shown.questions[0].aggregate
    assert (number.answered, number.total, number.mean) == (2, 10, 5.0)
    assert shown.questions[2].aggregate.counts == [("はい", 1), ("いいえ", 1)]
    assert shown.questions[4].aggregate.table == [[2, 4], [6, 0]]
    sender = client_as(personas.core_officer)
    url = reverse("surveys:results_export", args=[survey.pk])
    csv = sender.get(url + "?format=csv")
    assert csv.status_code == 200
    assert csv.content.startswith("\ufeff".encode())
    assert sender.get(url + "?format=cp932").status_code == 200
    assert sender.get(url + "?format=xlsx").status_code == 200
    assert sender.get(url + "?format=exe").status_code == 400


# --- The sender's workflow and reminders -----------------------------------------------------


def test_the_sender_builds_sends_and_reminds_on_the_screens(personas, client_as):
    sender = client_as(personas.core_officer)
    created = sender.post(
        reverse("surveys:survey_create"),
        {
            "title": "相談支援の実情調査",
            "purpose": "困難ケースの把握",
            "fiscal_year": str(fiscal_year(timezone.localdate())),
            "deadline": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
        },
    )
    assert created.status_code == 302
    survey = Survey.objects.get(title="相談支援の実情調査")
    bad = sender.post(
        reverse("surveys:question_create", args=[survey.pk]),
        {"kind": "single", "text": "一人事業所ですか", "choices": "はい"},
    )
    assert bad.status_code == 400  # one option is not a choice
    added = sender.post(
        reverse("surveys:question_create", args=[survey.pk]),
        {
            "kind": "table",
            "text": "障害種別×支援区分",
            "rows": "身体\n知的",
            "columns": "区分1\n区分2",
        },
    )
    assert added.status_code == 302
    chosen = sender.post(
        reverse("surveys:recipients", args=[survey.pk]),
        {"kinds": [OrganizationKind.COMMISSIONED_OFFICE]},
    )
    assert chosen.status_code == 302
    assert set(survey.responses.values_list("organization_id", flat=True)) == {
        personas.office_a.pk,
        personas.office_b.pk,
    }
    sent = sender.post(reverse("surveys:survey_send", args=[survey.pk]))
    assert sent.status_code == 302
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.SENT
    assert Notification.objects.filter(
        recipient=personas.counselor_a, kind="survey_sent", target_id=survey.pk
    ).exists()

    services.response_save(
        actor_as(personas.counselor_a),
        response=_response_of(survey, personas.office_a),
        answers={},
        submit=True,
    )
    reminded = sender.post(reverse("surveys:survey_remind", args=[survey.pk]))
    assert reminded.status_code == 302
    reminders = Notification.objects.filter(kind="survey_reminder", target_id=survey.pk)
    assert set(reminders.values_list("recipient__username", flat=True)) == {"counselor_b"}
    detail = sender.get(reverse("surveys:survey_detail", args=[survey.pk])).content.decode()
    assert "提出済み 1・回答中 0・未回答 1" in detail


def test_the_periodic_job_reminds_before_and_after_the_deadline_once_a_day(personas):
    survey = make_survey(personas)
    before, after = services.remind_days(survey.deadline)
    assert services.surveys_remind_due(today=before - dt.timedelta(days=1)) == []
    assert services.surveys_remind_due(today=before) == [survey]
    assert services.surveys_remind_due(today=before) == []  # once that day
    reminded = Notification.objects.filter(kind="survey_reminder")
    # Every current member of both offices: counselor_a, colleague_a, reader_a, counselor_b.
    assert reminded.count() == 4
    assert [s.pk for s in services.surveys_remind_due(today=after)] == [survey.pk]


def test_the_office_cannot_send_or_remind(personas, client_as, client):
    survey = make_survey(personas)
    office = client_as(personas.counselor_a)
    assert office.post(reverse("surveys:survey_remind", args=[survey.pk])).status_code == 404
    assert office.get(reverse("surveys:survey_create")).status_code == 404
    made = _json(
        client,
        "POST",
        "/api/v1/surveys",
        {"title": "x", "fiscal_year": 2026, "deadline": "2026-12-24"},
        _api(personas.counselor_a, personas.office_a),
    )
    assert made.status_code == 404


# --- Bad input -------------------------------------------------------------------------------


def test_bad_input_is_a_400_or_422_never_a_500(personas, client_as, client):
    survey = make_survey(personas)
    response = _response_of(survey, personas.office_a)
    q = list(survey.questions.order_by("position"))
    office = client_as(personas.counselor_a)
    url = reverse("surveys:response_detail", args=[response.pk])
    for typed in ("あ", "-1", "1.5", str(2**63)):
        got = office.post(url, {f"q{q[0].pk}": typed, "submit": "0"})
        assert got.status_code == 400, typed
    negative_cell = office.post(url, {f"q{q[4].pk}_0_0": "-3", "submit": "0"})
    assert negative_cell.status_code == 400
    surrogate = office.generic(
        "POST",
        url,
        f"q{q[0].pk}=%ED%A0%80&submit=0",  # a lone surrogate where a count is asked
        content_type="application/x-www-form-urlencoded",
    )
    assert surrogate.status_code == 400

    headers = _api(personas.counselor_a, personas.office_a)
    path = f"/api/v1/surveys/responses/{response.pk}/answers"
    for value in ("あ", -1, 2**63, True, {"x": 1}):
        got = _json(
            client, "PUT", path, {"answers": [{"question_id": q[0].pk, "value": value}]}, headers
        )
        assert got.status_code == 422, (value, got.content)
    lone = _json(
        client,
        "PUT",
        path,
        f'{{"answers": [{{"question_id": {q[5].pk}, "value": "\\ud800"}}]}}',
        headers,
    )
    assert lone.status_code in (400, 422)
    assert _json(client, "PUT", path, '"abc"', headers).status_code == 422
    assert (
        _json(
            client, "PUT", path, {"answers": [{"question_id": 2**63, "value": 1}]}, headers
        ).status_code
        == 422
    )
    table = _json(
        client, "PUT", path, {"answers": [{"question_id": q[4].pk, "value": [[1]]}]}, headers
    )
    assert table.status_code == 422
    assert client.get(f"/api/v1/surveys/{2**63}", **headers).status_code == 404
    assert client.get(f"/api/v1/surveys/responses/{2**63}", **headers).status_code == 404
    assert office.get(f"/surveys/responses/{2**63}/").status_code == 404
    sender = client_as(personas.core_officer)
    year = sender.post(
        reverse("surveys:survey_create"),
        {"title": "x", "fiscal_year": "99999", "deadline": "2026-12-24"},
    )
    assert year.status_code == 400
    response.refresh_from_db()
    assert response.status == ResponseStatus.NOT_STARTED


# --- 実態調査 --------------------------------------------------------------------------------


def test_the_census_is_made_from_the_template_and_compared_with_last_year(personas, client_as):
    planning = OrganizationFactory.create(
        name="相談支援事業所 ひだまり", kind=OrganizationKind.DESIGNATED_PLANNING_OFFICE
    )
    from tsunagu.accounts.tests.factories import UserFactory
    from tsunagu.organizations.tests.factories import MembershipFactory

    specialist = UserFactory.create(username="specialist_p")
    MembershipFactory.create(
        user=specialist, organization=planning, job_title="consultation_specialist"
    )
    city = actor_as(personas.city_official)
    this_year = fiscal_year(timezone.localdate())
    surveys = {}
    for year, staff in ((this_year - 1, 1), (this_year, 2)):
        survey = census.census_create(
            city, fiscal_year=year, deadline=timezone.localdate() + dt.timedelta(days=7)
        )
        services.survey_send(city, survey=survey)
        codes = {q.code: q.pk for q in survey.questions.all()}
        services.response_save(
            actor_as(specialist),
            response=survey.responses.get(organization=planning),
            answers={
                codes["staff_full_time"]: staff,
                codes["staff_part_time"]: 0,
                codes["one_person_office"]: "はい" if staff == 1 else "いいえ",
                codes["difficulties"]: ["支援で行き詰まったときに相談できる相手がいない"],
            },
            submit=True,
        )
        surveys[year] = survey
    assert set(surveys[this_year].questions.values_list("code", flat=True)) >= {
        "staff_full_time",
        "one_person_office",
        "caseload",
        "difficulties",
        "requests",
    }
    own = client_as(specialist).get(reverse("surveys:census_compare")).content.decode()
    assert "一人事業所" in own
    assert "はい" in own
    assert "いいえ" in own
    city_page = client_as(personas.city_official).get(
        reverse("surveys:census_compare") + f"?office={planning.pk}"
    )
    assert city_page.status_code == 200
    assert "市全体の集計" in city_page.content.decode()
    again = client_as(personas.city_official).post(
        reverse("surveys:census_create"),
        {"fiscal_year": str(this_year), "deadline": timezone.localdate().isoformat()},
    )
    assert again.status_code == 409


def test_the_census_command_creates_this_years_survey_from_the_template(personas):
    from io import StringIO

    from django.core.management import CommandError, call_command

    OrganizationFactory.create(kind=OrganizationKind.DESIGNATED_PLANNING_OFFICE)
    out = StringIO()
    call_command("survey_census", username="city_official", deadline="R8.10.31", stdout=out)
    survey = Survey.objects.get(kind="office_census")
    assert survey.status == SurveyStatus.DRAFT
    assert survey.sender == personas.city
    assert survey.questions.count() == len(census.TEMPLATE)
    assert survey.responses.count() == 1
    assert "設問 7問" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("survey_census", username="city_official", deadline="R8.10.31")
    with pytest.raises(CommandError):
        call_command("survey_census", username="counselor_a", deadline="2026-02-30")


def test_the_list_shows_sent_and_received_surveys(personas, client_as):
    make_survey(personas, title="送付済みの調査")
    make_survey(personas, title="作成中の調査", send=False)
    office = client_as(personas.counselor_a).get(reverse("surveys:survey_list")).content.decode()
    assert "送付済みの調査" in office
    assert "作成中の調査" not in office
    sender = client_as(personas.core_officer).get(reverse("surveys:survey_list"))
    assert "作成中の調査" in sender.content.decode()
    assert "調査を作成する" in sender.content.decode()
    bad = client_as(personas.core_officer).get(reverse("surveys:survey_list") + "?fiscal_year=あ")
    assert bad.status_code == 400
