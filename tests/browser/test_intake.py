"""Intake to team in one flow (issue 16 item 4): from a consultation about someone not yet
registered, the counselor registers the person, records the consent, opens the case and adds a
team member, each step leading to the next; the worker picker offers only the chosen
organization's staff, the case page says who was added, and the worker added hears of it."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.keyboard import (
    choose,
    follow,
    new_signed_in_page,
    pick_radio,
    start_at_top,
    submit,
    tick,
    type_date,
    type_into,
)
from tsunagu.cases.models import Case, CaseTeamMember, Consultation, SharingBasis, TeamRole
from tsunagu.cases.tests.factories import ConsultationFactory
from tsunagu.people.models import Consent, Person


def test_consultation_to_person_consent_case_and_team_in_one_flow(
    page, browser, live_server, client_as, personas, browser_sign_in, assert_no_axe_violations
):
    consultation = ConsultationFactory.create(
        organization=personas.office_a,
        received_by=personas.counselor_a,
        person=None,
        main_concern="母が入院し、本人の日中の居場所がなくなると姉から電話。",
    )
    browser_sign_in(personas.counselor_a)
    today = timezone.localdate()

    # 0. The consultation names nobody yet: it offers to register the person.
    start_at_top(page, f"/cases/consultations/{consultation.pk}/")
    assert_no_axe_violations(page, "intake-01-consultation")
    follow(page, "本人を登録して支援を始める")

    # 1. Register the person; the steps of the flow are shown.
    expect(page.get_by_role("navigation", name="受付から支援チームまで")).to_be_visible()
    type_into(page, "姓", "山本")
    type_into(page, "名", "翔太")
    type_into(page, "姓（カナ）", "やまもと")
    type_into(page, "名（カナ）", "しょうた")
    type_date(page, "生年月日", dt.date(1990, 6, 15))
    choose(page, page.get_by_label("性別", exact=True), "男性")
    submit(page, "登録する")
    person = Person.objects.get(family_name="山本", given_name="翔太")
    assert Consultation.objects.get(pk=consultation.pk).person == person

    # 2. The consent, next, naming the core center.
    expect(page).to_have_url(
        re.compile(rf"/people/{person.pk}/consents/new/\?consultation={consultation.pk}$")
    )
    assert_no_axe_violations(page, "intake-02-consent")
    choose(page, page.get_by_label("共有先の機関", exact=True), personas.core_center.name)
    tick(page, "支援のための情報共有")
    pick_radio(page, "method", "書面")
    type_date(page, "同意日", today)
    submit(page, "記録する")
    consent = Consent.objects.get(person=person)

    # 3. Back at the consultation: open the case.
    expect(page).to_have_url(re.compile(rf"/cases/consultations/{consultation.pk}/\?intake=1$"))
    submit(page, "支援ケースにする")
    case = Case.objects.get(person=person)
    assert case.lead_organization == personas.office_a

    # 4. Straight on to the team: the worker list follows the organization chosen.
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/team/new/$"))
    workers = page.get_by_label("担当者（サインインする機関）", exact=True)
    expect(workers.locator("option", has_text=personas.counselor_a.full_name)).to_have_count(0)
    choose(page, page.get_by_label("機関", exact=True), personas.core_center.name)
    expect(workers.locator("option", has_text=personas.core_officer.full_name)).to_have_count(1)
    expect(workers.locator("option")).to_have_count(2)  # the blank choice and the officer
    assert_no_axe_violations(page, "intake-03-team-form")
    choose(page, workers, personas.core_officer.full_name)
    choose(page, page.get_by_label("役割", exact=True), "共同支援")
    pick_radio(page, "basis", "本人の同意")
    choose(
        page,
        page.get_by_label("同意（根拠が「本人の同意」のとき）", exact=True),
        f"{today:%Y-%m-%d}（{personas.core_center.name}）",
    )
    submit(page, "チームに加える")

    member = CaseTeamMember.objects.get(case=case, organization=personas.core_center)
    assert (member.role, member.basis, member.consent) == (
        TeamRole.JOINT,
        SharingBasis.CONSENT,
        consent,
    )
    assert member.worker == personas.core_officer
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    who = f"{personas.core_center.name}（{personas.core_officer.full_name}）"
    expect(page.get_by_text(f"「{who}」を支援チームに加えました。")).to_be_visible()
    history = page.locator("div.table-wrap[aria-label='ケースの経過']")
    expect(history).to_contain_text(f"{who}を支援チームに加えた")
    assert_no_axe_violations(page, "intake-04-case")

    # 5. The officer added is told: one unread notification on their own bell.
    officer = new_signed_in_page(browser, live_server, client_as, personas.core_officer)
    officer.goto("/")
    expect(officer.get_by_test_id("bell-count")).to_have_text(re.compile(r"^\s*1\s*$"))
    officer.get_by_test_id("bell").click()
    expect(officer.get_by_text("支援チームに追加されました")).to_be_visible()
    assert_no_axe_violations(officer, "intake-05-notified")
