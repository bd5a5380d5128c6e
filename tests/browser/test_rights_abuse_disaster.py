"""Abuse response, rights advocacy and evacuation support (issue 20 item 8) in the browser.

On the demo city, every list, detail and form page of the three apps is checked with axe with
its real rows: the city department (city1) and the core center (core1) each see the pages of
their part.  Then an abuse report is walked from receipt to closure with the keyboard only:
received on the form, fact-found, judged by the core-member meeting, monitored and closed.
"""

from __future__ import annotations

import re

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.keyboard import (
    choose,
    start_at_top,
    submit,
    tab_to,
    tick,
    type_date,
    type_into,
)
from tsunagu.abuse.models import AbuseReport, ReportStatus
from tsunagu.accounts.models import User
from tsunagu.disaster.models import Campaign, RegisterEntry
from tsunagu.rights.models import (
    DiscriminationConsultation,
    GuardianshipPetition,
    SelfRelianceReferral,
)


def _visit_all(page, paths: list[tuple[str, str]], assert_no_axe_violations) -> None:
    """Every page answers 200 and axe finds nothing; all pages are checked before failing, so
    one run lists every finding."""
    failures = []
    for name, path in paths:
        response = page.goto(path)
        if response is None or response.status != 200:
            failures.append(f"{path}: {response.status if response else 'no response'}")
            continue
        try:
            assert_no_axe_violations(page, name)
        except AssertionError as exc:
            failures.append(f"{path}: {exc}")
    assert not failures, "\n".join(failures)


def test_every_screen_of_abuse_rights_and_disaster_is_axe_clean(
    page, demo, browser_sign_in, assert_no_axe_violations
):
    report = AbuseReport.objects.order_by("pk").first()
    assert report is not None
    petition = GuardianshipPetition.objects.order_by("pk").first()
    assert petition is not None
    consultation = DiscriminationConsultation.objects.order_by("pk").first()
    assert consultation is not None
    referral = SelfRelianceReferral.objects.order_by("pk").first()
    entry = RegisterEntry.objects.order_by("pk").first()
    assert entry is not None
    campaign = Campaign.objects.order_by("pk").first()
    assert campaign is not None

    browser_sign_in(User.objects.get(username="city1"))
    city_pages = [
        ("abuse-list", "/abuse/"),
        ("abuse-new", "/abuse/new/"),
        ("abuse-survey", "/abuse/survey/"),
        ("abuse-detail", f"/abuse/{report.pk}/"),
        ("abuse-team", f"/abuse/{report.pk}/team/"),
        ("abuse-fact-finding", f"/abuse/{report.pk}/fact-finding/"),
        ("abuse-judgement", f"/abuse/{report.pk}/judgement/"),
        ("abuse-prefecture", f"/abuse/{report.pk}/prefecture/"),
        ("abuse-close", f"/abuse/{report.pk}/close/"),
        ("disaster-register", "/disaster/"),
        ("disaster-register-print", "/disaster/print/"),
        ("disaster-criteria", "/disaster/criteria/"),
        ("disaster-entry", f"/disaster/entries/{entry.pk}/"),
        ("disaster-plan", f"/disaster/entries/{entry.pk}/plan/"),
        ("disaster-campaigns", "/disaster/campaigns/"),
        ("disaster-campaign-new", "/disaster/campaigns/new/"),
        ("disaster-campaign", f"/disaster/campaigns/{campaign.pk}/"),
    ]
    _visit_all(page, city_pages, assert_no_axe_violations)

    browser_sign_in(User.objects.get(username="core1"))
    core_pages = [
        ("rights-index", "/rights/"),
        ("rights-figures", "/rights/figures/"),
        ("rights-petition", f"/rights/petitions/{petition.pk}/"),
        ("rights-petition-step", f"/rights/petitions/{petition.pk}/step/"),
        ("rights-petition-new", f"/rights/persons/{petition.person_id}/petition/"),
        ("rights-referral-new", f"/rights/persons/{petition.person_id}/referral/"),
        ("rights-cost-new", f"/rights/persons/{petition.person_id}/cost-support/"),
        ("rights-consultation-new", "/rights/consultations/new/"),
        ("rights-consultation", f"/rights/consultations/{consultation.pk}/"),
        ("rights-consultation-step", f"/rights/consultations/{consultation.pk}/step/"),
        ("rights-consultation-close", f"/rights/consultations/{consultation.pk}/close/"),
        ("disaster-campaign-check", f"/disaster/campaigns/{campaign.pk}/check/"),
    ]
    if referral is not None:
        core_pages.append(("rights-referral-outcome", f"/rights/referrals/{referral.pk}/outcome/"))
    _visit_all(page, core_pages, assert_no_axe_violations)


def test_an_abuse_report_goes_from_receipt_to_closure_by_keyboard(
    page, personas, browser_sign_in, assert_no_axe_violations
):
    """The city's 障害者虐待防止センター receives a report (the time of receipt is filled in),
    records the visit, the core-member meeting's judgement, starts monitoring and closes it:
    Tab, typing, Space, arrow keys and Enter only."""
    today = timezone.localdate()
    browser_sign_in(personas.city_official)
    start_at_top(page, "/abuse/")
    tab_to(page, page.get_by_role("link", name="通報・届出を受け付ける", exact=True))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("通報・届出を受け付ける")
    type_into(page, "本人（表示名）", "Fさん（50代女性）")
    choose(page, page.get_by_label("虐待者の種別", exact=True), "養護者")
    tick(page, "身体的虐待")
    type_into(page, "通報の内容", "デイサービスの職員から、腕にあざがあると通報。")
    type_into(page, "通報者の氏名", "通報者 佐藤")
    tick(page, personas.core_officer.full_name)
    submit(page, "受け付ける")
    report = AbuseReport.objects.get()
    expect(page).to_have_url(re.compile(rf"/abuse/{report.pk}/$"))
    assert set(report.response_team.all()) == {personas.city_official, personas.core_officer}

    tab_to(page, page.get_by_role("link", name="事実確認を記録する", exact=True))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    type_date(page, "訪問日", today)
    type_into(page, "訪問した職員", "市職員2名")
    type_into(page, "事実確認の結果", "本人と面談し、あざを確認。")
    submit(page, "保存する")
    expect(page.get_by_role("region", name="事実確認")).to_contain_text("市職員2名")

    tab_to(page, page.get_by_role("link", name="判断を記録する", exact=True))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    type_date(page, "コアメンバー会議の日", today)
    type_into(page, "出席者", "課長、担当、基幹相談支援センター")
    radio = page.get_by_label("虐待と判断", exact=True)
    tab_to(page, page.locator("input[type=radio][name=judgement]"))
    for _ in range(5):
        if radio.is_checked():
            break
        page.keyboard.press("ArrowDown")
    expect(radio).to_be_checked()
    tick(page, "養護者への支援")
    submit(page, "保存する")
    expect(page.get_by_role("region", name="コアメンバー会議")).to_contain_text("虐待と判断")

    submit(page, "モニタリングを始める")
    report.refresh_from_db()
    assert report.status == ReportStatus.MONITORING
    tab_to(page, page.get_by_role("link", name="終結する", exact=True))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    type_date(page, "終結日", today)
    type_into(page, "終結の理由", "養護者への支援により解消。")
    assert_no_axe_violations(page, "abuse-keyboard-close")
    submit(page, "保存する")
    report.refresh_from_db()
    assert report.status == ReportStatus.CLOSED
    assert report.closed_on == today
    expect(page.get_by_role("region", name="モニタリングと終結")).to_contain_text("終結日")
    assert report.fact_found_at is not None
    assert report.fact_found_at <= report.fact_finding_due  # within the deadline
