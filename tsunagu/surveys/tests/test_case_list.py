"""The 困難ケースの一覧 question (issue 19 item 2; seed 000: 困難さの強い上位 10 ケースの概要):
an office picks its own open cases; the core center receives de-identified summaries and the
difficulty factors, never the case ids."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.cases.models import Case
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.core.dates import fiscal_year
from tsunagu.core.errors import FieldErrors
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.surveys import selectors, services
from tsunagu.surveys.kinds import factor_label
from tsunagu.surveys.models import Answer, Question, Survey

pytestmark = pytest.mark.django_db

SAFE = "【世帯の構成】本人と母\n【状況】金銭管理が難しく、支援の見立てを更新しながら関わっている。"


def _api(user, org) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(user, org)}"}


def _put(client: Client, path: str, body: Any, headers: dict[str, Any]):
    data = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return client.generic("PUT", path, data=data, content_type="application/json", **headers)


def _case(personas, org, worker, factors: list[str]) -> Case:
    person = PersonFactory.create(
        family_name="鈴木",
        given_name="花子",
        family_name_kana="スズキ",
        given_name_kana="ハナコ",
    )
    return CaseFactory.create(
        lead_organization=org,
        lead_worker=worker,
        person=person,
        difficulty_factors=factors,
        opened_on=timezone.localdate() - dt.timedelta(days=40),
    )


def _survey(personas) -> tuple[Survey, Question]:
    actor = actor_as(personas.core_officer)
    survey = services.survey_create(
        actor,
        title="困難ケースの実態調査",
        fiscal_year=fiscal_year(timezone.localdate()),
        deadline=timezone.localdate() + dt.timedelta(days=14),
    )
    question = services.question_add(
        actor, survey=survey, kind="cases", text="困難さの強い上位10ケースの概要", max_rows=10
    )
    services.recipients_set(
        actor, survey=survey, organizations=[personas.office_a, personas.office_b]
    )
    services.survey_send(actor, survey=survey)
    return survey, question


def _path(survey: Survey, org) -> str:
    response = survey.responses.get(organization=org)
    return f"/api/v1/surveys/responses/{response.pk}/answers"


@pytest.mark.parametrize(
    "name",
    ["鈴木花子さんは", "すずき はなこ", "スズキハナコ", "ｽｽﾞｷﾊﾅｺ", "鈴木 花子"],
    ids=["kanji", "hiragana", "katakana", "halfwidth", "spaced"],
)
def test_a_summary_naming_the_person_is_refused_with_the_flags_shown(personas, client, name):
    survey, question = _survey(personas)
    case = _case(personas, personas.office_a, personas.counselor_a, ["life.money"])
    headers = _api(personas.counselor_a, personas.office_a)
    row = {"case_id": case.pk, "summary": f"{name}金銭管理が難しい。", "keep": {}}
    refused = _put(
        client,
        _path(survey, personas.office_a),
        {"answers": [{"question_id": question.pk, "value": [row]}], "submit": True},
        headers,
    )
    assert refused.status_code == 422, refused.content
    message = refused.json()["error"]["message"]
    assert "個人が特定される情報" in message
    assert "本人" in message  # the flag's label: whose name it is
    assert not Answer.objects.filter(question=question, value__isnull=False).exists()


def test_a_kept_expression_needs_its_reason_and_then_passes(personas):
    survey, question = _survey(personas)
    case = _case(personas, personas.office_a, personas.counselor_a, ["life.money"])
    response = survey.responses.get(organization=personas.office_a)
    actor = actor_as(personas.counselor_a)
    text = "本人は2026年5月1日から支援。"
    with pytest.raises(FieldErrors) as refused:
        services.response_save(
            actor,
            response=response,
            answers={question.pk: [{"case_id": case.pk, "summary": text}]},
        )
    message = refused.value.errors[f"q{question.pk}"]
    found = re.search(r"date-[0-9a-f]{12}", message)
    assert found is not None
    key = found.group(0)
    services.response_save(
        actor,
        response=response,
        answers={question.pk: [{"case_id": case.pk, "summary": text, "keep": {key: "支援開始日"}}]},
        submit=True,
    )
    stored = Answer.objects.get(response=response, question=question).value or []
    assert stored[0]["kept"][0]["reason"] == "支援開始日"


def test_another_offices_case_and_a_missing_case_get_the_same_refusal(personas, client, client_as):
    survey, question = _survey(personas)
    theirs = _case(personas, personas.office_b, personas.counselor_b, ["life.money"])
    headers = _api(personas.counselor_a, personas.office_a)
    path = _path(survey, personas.office_a)
    answers = []
    for case_id in (theirs.pk, theirs.pk + 10_000):
        body = {
            "answers": [
                {"question_id": question.pk, "value": [{"case_id": case_id, "summary": SAFE}]}
            ]
        }
        refused = _put(client, path, body, headers)
        assert refused.status_code == 422, refused.content
        answers.append(refused.json()["error"])
    assert answers[0] == answers[1]
    huge = {"answers": [{"question_id": question.pk, "value": [{"case_id": 2**63}]}]}
    assert _put(client, path, huge, headers).status_code == 422
    # The screen: another office's case is not among the choices.
    page = client_as(personas.counselor_a)
    response = survey.responses.get(organization=personas.office_a)
    shown = page.get(reverse("surveys:response_detail", args=[response.pk]))
    assert shown.status_code == 200
    assert f'<option value="{theirs.pk}"' not in shown.content.decode()


def test_the_center_sees_summaries_and_factor_counts_but_no_case_id(personas, client, client_as):
    survey, question = _survey(personas)
    a1 = _case(
        personas, personas.office_a, personas.counselor_a, ["life.money", "env.no_family_support"]
    )
    a2 = _case(personas, personas.office_a, personas.counselor_a, ["life.money"])
    b1 = _case(personas, personas.office_b, personas.counselor_b, ["trait.aggression"])
    for user, org, cases in (
        (personas.counselor_a, personas.office_a, [a1, a2]),
        (personas.counselor_b, personas.office_b, [b1]),
    ):
        done = _put(
            client,
            _path(survey, org),
            {
                "answers": [
                    {
                        "question_id": question.pk,
                        "value": [{"case_id": c.pk, "summary": SAFE} for c in cases],
                    }
                ],
                "submit": True,
            },
            _api(user, org),
        )
        assert done.status_code == 200, done.content
    # The office keeps its own link; the stored value has none.
    answer = Answer.objects.get(question=question, response__organization=personas.office_a)
    assert answer.own_cases == [a1.pk, a2.pk]
    assert all("case_id" not in row for row in answer.value or [])
    shown = selectors.results(actor_as(personas.core_officer), survey)
    counts = dict(shown.questions[0].aggregate.counts)
    expected: dict[str, int] = {}
    for case in (a1, a2, b1):
        for key in case.difficulty_factors:
            expected[factor_label(key)] = expected.get(factor_label(key), 0) + 1
    assert {k: v for k, v in counts.items() if v} == expected
    center = _api(personas.core_officer, personas.core_center)
    results = client.get(f"/api/v1/surveys/{survey.pk}/results", **center)
    assert results.status_code == 200
    body = results.content.decode()
    rows = results.json()["questions"][0]["cases"]
    assert len(rows) == 3
    assert {r["office_name"] for r in rows} == {personas.office_a.name, personas.office_b.name}
    assert "case_id" not in body
    assert "own_cases" not in body
    for response in survey.responses.all():
        detail = client.get(f"/api/v1/surveys/responses/{response.pk}", **center)
        assert detail.status_code == 200
        assert "case_id" not in detail.content.decode()
        for answer in detail.json()["answers"]:
            for row in answer["value"] or []:
                assert set(row) == {"rank", "summary", "factors", "kept"}
    # The other office sees the rows without the office's name.
    other = client.get(
        f"/api/v1/surveys/{survey.pk}/results", **_api(personas.counselor_b, personas.office_b)
    )
    assert {r["office_name"] for r in other.json()["questions"][0]["cases"]} == {None}
    # The screen and the export.
    sender = client_as(personas.core_officer)
    page = sender.get(reverse("surveys:results", args=[survey.pk]))
    assert page.status_code == 200
    assert "困難さの要因ごとのケース数" in page.content.decode()
    csv = sender.get(reverse("surveys:results_export", args=[survey.pk]) + "?format=csv")
    assert csv.status_code == 200
    assert "金銭管理" in csv.content.decode("utf-8-sig")


def test_the_office_answers_on_the_screen_from_its_own_cases(personas, client_as):
    survey, question = _survey(personas)
    case = _case(personas, personas.office_a, personas.counselor_a, ["life.hoarding"])
    response = survey.responses.get(organization=personas.office_a)
    office = client_as(personas.counselor_a)
    url = reverse("surveys:response_detail", args=[response.pk])
    assert f'<option value="{case.pk}"' in office.get(url).content.decode()
    named = office.post(
        url,
        {
            f"q{question.pk}_case_0": case.pk,
            f"q{question.pk}_summary_0": "鈴木花子さん",
            "submit": "0",
        },
    )
    assert named.status_code == 400
    assert "個人が特定される情報" in named.content.decode()
    saved = office.post(
        url,
        {f"q{question.pk}_case_0": case.pk, f"q{question.pk}_summary_0": SAFE, "submit": "1"},
    )
    assert saved.status_code == 302
    answer = Answer.objects.get(response=response, question=question)
    assert (answer.value or [])[0]["factors"] == ["life.hoarding"]
    assert answer.own_cases == [case.pk]


def test_the_author_sets_how_many_rows_and_more_are_refused(personas):
    survey, question = _survey(personas)
    assert question.max_rows == 10
    actor = actor_as(personas.core_officer)
    draft = services.survey_create(
        actor,
        title="別の調査",
        fiscal_year=fiscal_year(timezone.localdate()),
        deadline=timezone.localdate() + dt.timedelta(days=14),
    )
    with pytest.raises(FieldErrors):
        services.question_add(actor, survey=draft, kind="cases", text="上位", max_rows=0)
    cases = [_case(personas, personas.office_a, personas.counselor_a, []) for _i in range(11)]
    with pytest.raises(FieldErrors):
        services.response_save(
            actor_as(personas.counselor_a),
            response=survey.responses.get(organization=personas.office_a),
            answers={question.pk: [{"case_id": c.pk, "summary": SAFE} for c in cases]},
        )


def test_the_author_adds_the_question_on_the_screen_and_through_the_api(
    personas, client, client_as
):
    actor = actor_as(personas.core_officer)
    draft = services.survey_create(
        actor,
        title="上位ケースの調査",
        fiscal_year=fiscal_year(timezone.localdate()),
        deadline=timezone.localdate() + dt.timedelta(days=14),
    )
    sender = client_as(personas.core_officer)
    url = reverse("surveys:question_create", args=[draft.pk])
    too_many = sender.post(url, {"kind": "cases", "text": "上位ケース", "max_rows": "31"})
    assert too_many.status_code == 400
    added = sender.post(url, {"kind": "cases", "text": "上位ケース", "max_rows": "5"})
    assert added.status_code == 302
    assert draft.questions.get(kind="cases").max_rows == 5
    headers = _api(personas.core_officer, personas.core_center)
    path = f"/api/v1/surveys/{draft.pk}/questions"
    bad = client.post(
        path,
        data=json.dumps({"kind": "cases", "text": "上位", "max_rows": 2**63}),
        content_type="application/json",
        **headers,
    )
    assert bad.status_code == 422
    made = client.post(
        path,
        data=json.dumps({"kind": "cases", "text": "上位"}),
        content_type="application/json",
        **headers,
    )
    assert made.status_code == 201, made.content
    assert made.json()["max_rows"] == 10


@pytest.mark.parametrize(
    "value",
    [
        "あ",
        {"case_id": 1},
        [{"case_id": "あ", "summary": SAFE}],
        [{"case_id": True}],
        [{"case_id": 1, "summary": ["x"]}],
        [{"case_id": 1, "summary": SAFE, "keep": "理由"}],
        [{"case_id": 1, "summary": "\ud800"}],
        ["あ"],
    ],
)
def test_bad_rows_are_a_422_never_a_500(personas, client, value):
    survey, question = _survey(personas)
    body = {"answers": [{"question_id": question.pk, "value": value}]}
    data = json.dumps(body, ensure_ascii=True)
    refused = client.generic(
        "PUT",
        _path(survey, personas.office_a),
        data=data,
        content_type="application/json",
        **_api(personas.counselor_a, personas.office_a),
    )
    # A lone surrogate is refused before the route by the app's body check (400).
    assert refused.status_code in (400, 422), refused.content


def test_a_bad_case_choice_on_the_screen_is_a_400(personas, client_as):
    survey, question = _survey(personas)
    theirs = _case(personas, personas.office_b, personas.counselor_b, ["life.money"])
    response = survey.responses.get(organization=personas.office_a)
    office = client_as(personas.counselor_a)
    url = reverse("surveys:response_detail", args=[response.pk])
    for bad in (str(theirs.pk), "あ", str(2**63)):
        shown = office.post(url, {f"q{question.pk}_case_0": bad, "submit": "0"})
        assert shown.status_code == 400
    assert (
        not Answer.objects.filter(response=response, question=question)
        .exclude(own_cases=[])
        .exists()
    )
