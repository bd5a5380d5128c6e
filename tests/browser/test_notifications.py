"""A board message with a mention reaches the bell of the mentioned colleague (issue 16)."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.keyboard import new_signed_in_page
from tsunagu.cases.models import SharingBasis, TeamRole
from tsunagu.cases.tests.factories import CaseFactory, TeamMemberFactory
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.records.models import BoardMessage


def test_a_mention_on_the_board_rings_the_colleagues_bell(
    page, browser, live_server, personas, browser_sign_in, client_as, assert_no_axe_violations
):
    person = PersonFactory.create(
        family_name="中村", given_name="陽菜", registered_by_organization=personas.office_a
    )
    case = CaseFactory.create(
        person=person,
        title="中村陽菜さんの支援",
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
        opened_on=timezone.localdate() - dt.timedelta(days=30),
    )
    TeamMemberFactory.create(
        case=case,
        organization=personas.core_center,
        worker=personas.core_officer,
        role=TeamRole.JOINT,
        basis=SharingBasis.STATUTORY_MEETING,
        added_by=personas.counselor_a,
        joined_on=timezone.localdate() - dt.timedelta(days=7),
    )

    # The counselor writes on the team's board and mentions the core officer.
    browser_sign_in(personas.counselor_a)
    page.goto(f"/records/cases/{case.pk}/board/")
    assert_no_axe_violations(page, "board-01-empty")
    page.get_by_label("メッセージ").fill(
        "@core_officer さん、来週のケース会議の前に一度相談させてください。"
    )
    page.get_by_role("button", name="投稿する").click()
    expect(page.get_by_text("投稿しました。")).to_be_visible()
    expect(page.get_by_test_id("board-message")).to_have_count(1)
    assert_no_axe_violations(page, "board-02-posted")
    message = BoardMessage.objects.get(case=case)

    # The colleague at the core center sees the bell with one unread notification.
    colleague = new_signed_in_page(browser, live_server, client_as, personas.core_officer)
    colleague.goto("/")
    expect(colleague.get_by_test_id("bell-count")).to_have_text(re.compile(r"^\s*1\s*$"))
    colleague.get_by_test_id("bell").click()
    expect(colleague).to_have_url(re.compile(r"/notifications/$"))
    expect(colleague.get_by_text("掲示板でメンションされました")).to_be_visible()
    assert_no_axe_violations(colleague, "notifications-01-list")
    colleague.screenshot(path="test-artifacts/screenshots/notifications-01-list.png")

    # Opening it marks it read and leads to the message on the board.
    colleague.get_by_role("button", name="「中村陽菜さんの支援」の掲示板").click()
    expect(colleague).to_have_url(
        re.compile(rf"/records/cases/{case.pk}/board/#message-{message.pk}$")
    )
    expect(colleague.get_by_text("来週のケース会議の前に")).to_be_visible()
    expect(colleague.get_by_test_id("bell-count")).to_have_count(0)
    colleague.screenshot(path="test-artifacts/screenshots/notifications-02-board.png")

    # The outsider's board answers 404.
    outsider = new_signed_in_page(browser, live_server, client_as, personas.counselor_b)
    response = outsider.goto(f"/records/cases/{case.pk}/board/")
    assert response is not None
    assert response.status == 404
