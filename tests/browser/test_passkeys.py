"""Passkeys in a real browser (ADR 0024): Chromium's virtual authenticator (over CDP) stands in
for the phone's fingerprint.  The person adds a passkey in the portal, signs out and comes back
with one tap; a staff member registers one on the account page, signs out and signs in with
it fully (no password, no code).  The pages have no axe violations."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.core.actor import Origin
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.portal import services as portal_services
from tsunagu.portal.middleware import PORTAL_PREFIX
from tsunagu.portal.models import PortalPasskey
from tsunagu.portal.tests.factories import PASSPHRASE, invite_person


def virtual_authenticator(page: Page) -> Any:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp


def test_the_person_adds_a_passkey_and_comes_back_with_one_tap(
    page, live_server, personas, assert_no_axe_violations
):
    assert "localhost" in live_server.url  # a passkey's relying party is a name, not an IP
    person = PersonFactory.create(
        family_name="小川", given_name="さくら", registered_by_organization=personas.office_a
    )
    case = CaseFactory.create(
        person=person, lead_organization=personas.office_a, lead_worker=personas.counselor_a
    )
    account, code = invite_person(case, personas.counselor_a)
    _account, token = portal_services.invitation_redeem(
        code, passphrase=PASSPHRASE, again=PASSPHRASE, origin=Origin(ip_address="127.0.0.1")
    )
    page.context.add_cookies(
        [
            {
                "name": "tsunagu_portal",
                "value": token,
                "url": f"{live_server.url}{PORTAL_PREFIX}",
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )
    virtual_authenticator(page)

    page.goto("/my/")
    page.get_by_role("link", name="パスキー（かんたんに入る方法）").click()
    expect(page.get_by_role("heading", name="パスキー", exact=True)).to_be_visible()
    assert_no_axe_violations(page, "passkeys-01-portal-none")
    page.get_by_test_id("passkey-add").click()
    expect(page.get_by_test_id("passkey-added")).to_be_visible()
    expect(page.get_by_test_id("portal-passkeys")).to_contain_text("につくった")
    assert_no_axe_violations(page, "passkeys-02-portal-added")
    assert PortalPasskey.objects.filter(account=account).count() == 1

    with page.expect_navigation():
        page.get_by_role("button", name="おわる（サインアウト）").click()
    page.goto("/my/signin/")
    assert_no_axe_violations(page, "passkeys-03-portal-signin")
    page.get_by_test_id("passkey-signin").click()
    expect(page.get_by_role("heading", name="さくらさん、こんにちは")).to_be_visible()


def test_a_staff_member_registers_a_passkey_and_signs_in_with_it(
    page, live_server, personas, browser_sign_in, assert_no_axe_violations
):
    browser_sign_in(personas.counselor_a)
    virtual_authenticator(page)
    page.goto("/accounts/account/")
    page.get_by_label("パスキーの名前（例: 職場のPC）").fill("職場のPC")
    page.get_by_role("button", name="パスキーを登録する").click()
    expect(page.get_by_test_id("staff-passkeys")).to_contain_text("職場のPC")
    assert_no_axe_violations(page, "passkeys-04-staff-account")

    # Let the sign-out's own navigation land before going on: a goto during it is aborted.
    with page.expect_navigation():
        page.locator("form[data-sign-out] button").first.click()
    page.goto("/accounts/login/")
    expect(page.get_by_test_id("passkey-signin")).to_be_visible()
    assert_no_axe_violations(page, "passkeys-05-staff-login")
    page.get_by_test_id("passkey-signin").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
    # Signed in and verified: the account page opens without the 2FA step.
    page.goto("/accounts/account/")
    expect(page.get_by_role("heading", name="アカウント設定")).to_be_visible()
    expect(page.get_by_test_id("staff-passkeys")).to_contain_text("最後の利用")
