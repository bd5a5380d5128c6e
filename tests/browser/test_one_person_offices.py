"""One-person offices (issue 17 item 7): the core center goes from its home page to the offices
with one counselor, by the keyboard, reads them at a phone's width, and follows a figure to
the requests behind it.  Every page is checked with axe (WCAG 2.1 A/AA)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect

from tests.browser.keyboard import follow, start_at_top, tab_to
from tsunagu.cases.models import CaseLeadPeriod, SupportLayer
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.organizations.models import AreaKind, JobTitle, OrganizationKind
from tsunagu.organizations.tests.factories import (
    AreaFactory,
    MembershipFactory,
    OrganizationFactory,
)
from tsunagu.referrals.models import ReferralKind, ReferralStatus
from tsunagu.referrals.tests.factories import ReferralFactory

PHONE: ViewportSize = {"width": 390, "height": 844}
# Beside the ones assert_no_axe_violations saves (at desktop and tablet width).
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def _one_person_office(personas) -> None:
    ward = AreaFactory.create(code="b-chuo", name="中央区", kind=AreaKind.WARD)
    office = OrganizationFactory.create(
        name="相談支援事業所 ひだまり",
        kind=OrganizationKind.DESIGNATED_PLANNING_OFFICE,
        caseload_cap=35,
    )
    office.areas_served.set([ward])
    counselor = MembershipFactory.create(
        organization=office, job_title=JobTitle.CONSULTATION_SPECIALIST
    ).user
    sent = timezone.now() - dt.timedelta(hours=3)
    for status in (ReferralStatus.REQUESTED, ReferralStatus.IN_PROGRESS):
        case = CaseFactory.create(
            lead_organization=office, lead_worker=counselor, support_layer=SupportLayer.PLANNING
        )
        CaseLeadPeriod.objects.create(case=case, organization=office, started_on=case.opened_on)
        ReferralFactory.create(
            case=case,
            kind=ReferralKind.ADVICE,
            receiving_organization=personas.core_center,
            status=status,
            sent_at=sent,
            acknowledged_at=sent,
            decided_at=sent,
            accepted_at=sent,
            support_meeting=False,
        )


def test_the_core_center_reads_its_one_person_offices_by_keyboard(
    page: Page, personas, browser_sign_in, assert_no_axe_violations
):
    _one_person_office(personas)
    browser_sign_in(personas.core_officer)
    start_at_top(page, "/")
    follow(page, "一人事業所の状況")
    expect(page.get_by_role("heading", level=1)).to_have_text("一人事業所の状況")
    expect(page.get_by_role("heading", level=2, name="中央区")).to_be_visible()
    expect(page.get_by_role("rowheader", name="相談支援事業所 ひだまり")).to_be_visible()
    assert_no_axe_violations(page, "one-person-offices")

    # At a phone's width the page does not scroll sideways: the table scrolls in its region.
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    region = page.get_by_role("region", name="中央区の一人事業所")
    tab_to(page, region)
    page.keyboard.press("ArrowRight")
    page.screenshot(path=str(SCREENSHOTS / "one-person-offices-390.png"), full_page=True)
    assert_no_axe_violations(page, "one-person-offices-phone")

    # The accepted request is the center's own: its figure opens the inbox with that one row.
    accepted = page.get_by_role("row").filter(has_text="ひだまり").get_by_role("link", name="1")
    expect(accepted).to_have_count(3)  # 依頼中, 対応中 and 受理した依頼
    tab_to(page, accepted.last)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("受信した依頼")
    expect(page.locator("tbody tr")).to_have_count(1)
    assert_no_axe_violations(page, "one-person-offices-accepted")
