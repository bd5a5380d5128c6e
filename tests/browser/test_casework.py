"""Casework with the keyboard only: intake → case → team (with consent) → note → formulation.

A counselor who cannot or does not use a mouse must be able to do the whole job: every step
here is Tab / Shift+Tab, typing, Space, arrow keys and Enter (no clicks), and every page reached
is checked with axe (WCAG 2.1 A/AA), empty and with a validation error at least once.  At the end
the core center, on the team through the consent, sees the case; the outsider gets 404.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
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
from tsunagu.cases.models import BreakGlassAccess, Case, CaseTeamMember, SharingBasis
from tsunagu.people.models import Consent, Person
from tsunagu.people.tests.factories import HouseholdFactory, HouseholdMemberFactory
from tsunagu.records.models import Formulation, ProgressNote

# --- The walk -------------------------------------------------------------------------------


def test_casework_by_keyboard_only(
    page, browser, live_server, personas, browser_sign_in, client_as, assert_no_axe_violations
):
    browser_sign_in(personas.counselor_a)
    today = timezone.localdate()

    # 1. Register the person.  First an empty form: the validation messages are accessible.
    start_at_top(page, "/people/new/")
    assert_no_axe_violations(page, "casework-01-person-form")
    submit(page, "登録する")
    expect(page.get_by_text("姓（カナ）を入力してください。").first).to_be_visible()
    assert_no_axe_violations(page, "casework-02-person-form-error")
    type_into(page, "姓", "鈴木")
    type_into(page, "名", "一郎")
    type_into(page, "姓（カナ）", "すずき")
    type_into(page, "名（カナ）", "いちろう")
    type_date(page, "生年月日", dt.date(1980, 4, 1))
    choose(page, page.get_by_label("性別", exact=True), "男性")
    type_into(page, "電話番号", "090-2468-1357")
    submit(page, "登録する")
    person = Person.objects.get(family_name="鈴木", given_name="一郎")
    expect(page).to_have_url(re.compile(rf"/people/{person.pk}/$"))
    assert_no_axe_violations(page, "casework-03-person-detail")

    # 2. Record a consent naming the core center.
    start_at_top(page, f"/people/{person.pk}/consents/new/")
    assert_no_axe_violations(page, "casework-04-consent-form")
    choose(page, page.get_by_label("共有先の機関", exact=True), personas.core_center.name)
    tick(page, "支援のための情報共有")
    pick_radio(page, "method", "書面")
    type_date(page, "同意日", today)
    submit(page, "記録する")
    consent = Consent.objects.get(person=person)
    assert list(consent.organizations.all()) == [personas.core_center]

    # 3. A new consultation for that person (empty first, for the error messages).
    start_at_top(page, f"/cases/consultations/new/?person={person.pk}")
    assert_no_axe_violations(page, "casework-05-consultation-form")
    submit(page, "受け付ける")
    assert_no_axe_violations(page, "casework-06-consultation-form-error")
    choose(page, page.get_by_label("相談方法", exact=True), "電話")
    choose(page, page.get_by_label("相談者", exact=True), "家族")
    type_into(page, "主訴", "父が入院し、本人の日中の居場所がなくなると母から電話。")
    choose(page, page.get_by_label("対応結果", exact=True), "継続支援")
    submit(page, "受け付ける")
    expect(page).to_have_url(re.compile(r"/cases/consultations/\d+/$"))
    assert_no_axe_violations(page, "casework-07-consultation-detail")

    # 4. Open a case from it.
    submit(page, "支援ケースにする")
    case = Case.objects.get(person=person)
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    assert_no_axe_violations(page, "casework-08-case-detail")

    # 5. Add the core center to the team, on the basis of the consent.
    follow(page, "機関をチームに加える")
    assert_no_axe_violations(page, "casework-09-team-form")
    choose(page, page.get_by_label("機関", exact=True), personas.core_center.name)
    choose(page, page.get_by_label("役割", exact=True), "共同支援")
    pick_radio(page, "basis", "本人の同意")
    choose(
        page,
        page.get_by_label("同意（根拠が「本人の同意」のとき）", exact=True),
        f"{today:%Y-%m-%d}（{personas.core_center.name}）",
    )
    submit(page, "チームに加える")
    member = CaseTeamMember.objects.get(case=case, organization=personas.core_center)
    assert member.basis == SharingBasis.CONSENT
    assert member.consent == consent
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))

    # 6. A progress note with a motivating moment (empty first).
    start_at_top(page, f"/records/cases/{case.pk}/notes/new/")
    assert_no_axe_violations(page, "casework-10-note-form")
    submit(page, "保存する")
    assert_no_axe_violations(page, "casework-11-note-form-error")
    choose(page, page.get_by_label("種別", exact=True), "面談")
    type_into(page, "内容", "事業所で面談。日中の過ごし方を一緒に考えた。")
    tick(page, "心の動く場面")
    type_into(page, "心の動く場面の内容", "作業所の話になると、初めて笑顔で話してくれた。")
    submit(page, "保存する")
    note = ProgressNote.objects.get(case=case)
    assert note.is_motivating_moment
    expect(page).to_have_url(re.compile(rf"/records/cases/{case.pk}/notes/$"))
    assert_no_axe_violations(page, "casework-12-timeline")

    # 7. The first formulation, then a second revision with what prompted it.
    start_at_top(page, f"/records/cases/{case.pk}/formulations/new/")
    assert_no_axe_violations(page, "casework-13-formulation-form")
    type_into(page, "状況の要約", "父の入院で、本人の日中の居場所がなくなりつつある。")
    type_into(page, "見立て（仮説）", "生活の変化への不安が強く、外出を控えている。")
    type_into(page, "支援方針", "作業所の見学から、本人のペースで始める。")
    submit(page, "新しい版として保存する")
    expect(page).to_have_url(re.compile(rf"/records/cases/{case.pk}/formulations/$"))
    follow(page, "見立てを見直す")
    type_into(page, "支援方針", "作業所の体験利用を週2回から始める。")
    submit(page, "新しい版として保存する")
    expect(page.get_by_text("見立てを見直したきっかけを書いてください。").first).to_be_visible()
    assert_no_axe_violations(page, "casework-14-formulation-form-error")
    type_into(page, "見直しのきっかけ", "面談で、作業所の話に本人が前向きだった。")
    submit(page, "新しい版として保存する")
    revisions = list(Formulation.objects.filter(case=case).order_by("revision"))
    assert [f.revision for f in revisions] == [1, 2]
    assert revisions[1].prompted_by.startswith("面談で")
    assert_no_axe_violations(page, "casework-15-formulation-history")

    # 8. The other screens a counselor reaches in a day.
    household = HouseholdFactory.create(
        name="鈴木さん世帯", registered_by_organization=personas.office_a
    )
    HouseholdMemberFactory.create(household=household, person=person)
    for path, name in [
        ("/people/?q=すずき", "casework-16-person-search"),
        (f"/people/households/{household.pk}/", "casework-17-household-detail"),
        ("/cases/consultations/", "casework-18-consultation-list"),
        ("/cases/", "casework-19-case-list"),
        (f"/cases/people/{person.pk}/access-log/", "casework-20-access-log"),
        ("/cases/break-glass/new/", "casework-21-break-glass-form"),
    ]:
        page.goto(path)
        assert_no_axe_violations(page, name)
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    # 9. The core center sees the case (on the team via the consent) and reviews break-glass.
    BreakGlassAccess.objects.create(
        person=person,
        user=personas.colleague_a,
        organization=personas.office_a,
        reason="夜間に本人と連絡が取れず、安否確認のため。",
        expires_at=timezone.now() + dt.timedelta(hours=settings.BREAK_GLASS_HOURS),
    )
    core = new_signed_in_page(browser, live_server, client_as, personas.core_officer)
    response = core.goto(f"/cases/{case.pk}/")
    assert response is not None
    assert response.status == 200
    expect(core.get_by_role("heading", level=1)).to_contain_text("鈴木")
    core.goto(f"/cases/break-glass/new/?person={person.pk}")
    assert_no_axe_violations(core, "casework-22-break-glass-form-core")
    core.goto("/cases/break-glass/")
    expect(core.get_by_text("安否確認").first).to_be_visible()
    assert_no_axe_violations(core, "casework-23-break-glass-review-list")
    core.context.close()

    # 10. The outsider gets the same 404 as for a page that does not exist.
    outsider = new_signed_in_page(browser, live_server, client_as, personas.counselor_b)
    response = outsider.goto(f"/cases/{case.pk}/")
    assert response is not None
    assert response.status == 404
    outsider.context.close()
