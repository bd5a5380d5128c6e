"""The person's portal at phone width (issue 22, Done when): the person uses the code from the
paper, sets a passphrase, answers どう？ with the keyboard on a 390px screen, and the answer is
on the counselor's timeline; the mother sees only the plan.  No axe violations on any screen,
no sideways scrolling."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.keyboard import new_signed_in_page, tab_to
from tests.browser.phone import PHONE, no_sideways_scroll_at_phone_width
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.portal import codes
from tsunagu.portal.tests.factories import PASSPHRASE, invite_person, invite_supporter


def test_the_person_answers_a_checkin_on_a_phone_and_the_counselor_reads_it(
    page, browser, live_server, personas, client_as, assert_no_axe_violations
):
    person = PersonFactory.create(
        family_name="小川", given_name="さくら", registered_by_organization=personas.office_a
    )
    case = CaseFactory.create(
        person=person, lead_organization=personas.office_a, lead_worker=personas.counselor_a
    )
    account, code = invite_person(case, personas.counselor_a)
    _mother, mother_code = invite_supporter(case, personas.counselor_a, sections=["plan"])

    page.set_viewport_size(PHONE)
    page.goto("/my/")
    assert_no_axe_violations(page, "portal-01-welcome")
    page.get_by_role("link", name="はじめて使う（コードを入れる）").click()
    page.get_by_label("招待コード").fill(codes.grouped(code))
    assert_no_axe_violations(page, "portal-02-code")
    page.get_by_role("button", name="つぎへ").click()
    page.get_by_label("あいことば", exact=True).fill(PASSPHRASE)
    page.get_by_label("もう一度、同じあいことば").fill(PASSPHRASE)
    assert_no_axe_violations(page, "portal-03-passphrase")
    page.get_by_role("button", name="決める").click()
    expect(page.get_by_test_id("portal-id")).to_have_text(codes.grouped(account.portal_id))
    assert_no_axe_violations(page, "portal-04-ready")
    page.get_by_role("link", name="はじめの画面にもどる").click()
    assert_no_axe_violations(page, "portal-05-home")
    no_sideways_scroll_at_phone_width(page, "portal-05-home")

    # どう？ with the keyboard only: Tab to a face, Enter; Tab to the boxes, type, Enter.
    page.get_by_role("link", name="どう？（ようすを伝える）").click()
    assert_no_axe_violations(page, "portal-06-faces")
    no_sideways_scroll_at_phone_width(page, "portal-06-faces")
    face = page.get_by_test_id("mood-okay")
    box = face.bounding_box()
    assert box is not None
    assert box["height"] >= 48  # a big touch target
    assert box["width"] >= 48
    tab_to(page, face)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="もう少しおしえてください")).to_be_visible()
    tab_to(page, page.get_by_label("よくなったことは？"))
    page.keyboard.type("作業所のなかまと昼ごはんを食べた")
    assert_no_axe_violations(page, "portal-07-more")
    no_sideways_scroll_at_phone_width(page, "portal-07-more")
    tab_to(page, page.get_by_test_id("checkin-send"))
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("checkin-done")).to_be_visible()
    assert_no_axe_violations(page, "portal-08-done")

    for path, name in (("/my/access/", "portal-09-access"), ("/my/rights/", "portal-10-rights")):
        page.goto(path)
        assert_no_axe_violations(page, name)
        no_sideways_scroll_at_phone_width(page, name)
    page.goto("/my/plan/")
    assert_no_axe_violations(page, "portal-11-plan")

    # The counselor reads it on the case's timeline, as the person's own entry.
    counselor = new_signed_in_page(browser, live_server, client_as, personas.counselor_a)
    counselor.goto(f"/records/cases/{case.pk}/notes/")
    expect(counselor.get_by_text("作業所のなかまと昼ごはんを食べた")).to_be_visible()
    expect(counselor.get_by_test_id("person-voice")).to_be_visible()

    # The mother, in her own browser, sees only the plan.
    mother_context = browser.new_context(locale="ja-JP", viewport=PHONE, base_url=live_server.url)
    mother = mother_context.new_page()
    mother.goto("/my/start/")
    mother.get_by_label("招待コード").fill(mother_code)
    mother.get_by_role("button", name="つぎへ").click()
    mother.get_by_label("あいことば", exact=True).fill(PASSPHRASE + " はは")
    mother.get_by_label("もう一度、同じあいことば").fill(PASSPHRASE + " はは")
    mother.get_by_role("button", name="決める").click()
    mother.goto("/my/")
    expect(mother.get_by_role("link", name="さくらさんの計画")).to_be_visible()
    expect(mother.get_by_role("link", name="どう？（ようすを伝える）")).to_have_count(0)
    response = mother.goto("/my/access/")
    assert response is not None
    assert response.status == 404
    mother_context.close()
