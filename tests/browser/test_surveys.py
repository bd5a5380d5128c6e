"""Surveys (issue 19), with the keyboard only: office A's counselor opens the core center's
survey from the list, finds the caseload filled in from its records ("記録から"), corrects it,
answers a choice, several options, a table of counts and a free text, saves a draft, then
submits; the submitted answers are read-only.  The answer page is checked with axe."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.keyboard import follow, pick_radio, start_at_top, submit, tab_to, tick
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.surveys.models import Answer, ResponseStatus
from tsunagu.surveys.tests.factories import make_survey


def _retype(page: Page, label: str, text: str) -> None:
    field = page.get_by_label(label, exact=True)
    tab_to(page, field)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_an_office_answers_a_survey_by_keyboard(
    page, personas, browser_sign_in, assert_no_axe_violations
):
    for _n in range(2):
        CaseFactory.create(
            lead_organization=personas.office_a,
            lead_worker=personas.counselor_a,
            opened_on=timezone.localdate() - dt.timedelta(days=3),
        )
    survey = make_survey(personas)
    questions = list(survey.questions.order_by("position"))
    caseload = f"1. {questions[0].text}"
    browser_sign_in(personas.counselor_a)

    start_at_top(page, "/surveys/")
    follow(page, survey.title)
    follow(page, "回答する")
    expect(page.get_by_label(caseload, exact=True)).to_have_value("2")
    expect(page.get_by_text("記録からの値: 2")).to_be_visible()
    assert_no_axe_violations(page, "surveys-01-answer")

    _retype(page, caseload, "3")
    pick_radio(page, f"q{questions[2].pk}", "はい")
    tick(page, "時間が足りない")
    tick(page, "見立てが難しい")
    _retype(page, "身体 区分4-6", "2")
    _retype(page, "知的 区分1-3", "1")
    submit(page, "一時保存する")
    expect(page.get_by_text("回答を一時保存しました。")).to_be_visible()
    response = survey.responses.get(organization=personas.office_a)
    assert response.status == ResponseStatus.DRAFT

    _retype(page, f"6. {questions[5].text}", "夜間に相談できる先を共有してほしい。")
    submit(page, "提出する")
    expect(page.get_by_text("回答を提出しました。")).to_be_visible()
    expect(page.get_by_label(caseload, exact=True)).to_be_disabled()
    expect(page.get_by_role("button", name="提出する")).to_have_count(0)
    assert_no_axe_violations(page, "surveys-02-submitted")

    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED
    answers = {a.question_id: a for a in Answer.objects.filter(response=response)}
    assert (answers[questions[0].pk].value, answers[questions[0].pk].prefilled) == (3, 2)
    assert answers[questions[2].pk].value == "はい"
    assert answers[questions[3].pk].value == ["時間が足りない", "見立てが難しい"]
    assert answers[questions[4].pk].value == [[None, 2], [1, None]]
    assert answers[questions[5].pk].value == "夜間に相談できる先を共有してほしい。"
