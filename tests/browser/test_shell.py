"""The page frame in a real browser: sign-in, lockout, 2FA, acting organization, accessibility.

Sign-in and switching are done with the keyboard only, as a counselor who does not use a mouse
would.  Every page of the shell is checked with axe-core (WCAG 2.1 A/AA) at 1280px and 820px.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from tsunagu.accounts import throttle
from tsunagu.accounts.models import User
from tsunagu.accounts.tests.factories import PASSWORD, TOTPDeviceFactory, UserFactory
from tsunagu.audit import services as audit
from tsunagu.audit.models import Action, AuditEvent, Outcome
from tsunagu.organizations.models import AreaKind, Organization, OrganizationKind
from tsunagu.organizations.tests.factories import (
    AreaFactory,
    CorporationFactory,
    MembershipFactory,
    OrganizationFactory,
)

BAD_CREDENTIALS = "ユーザー名またはパスワードが正しくありません。"
OFFICE_NAME = "相談支援センター あおば"
CORE_NAME = "みどり市基幹相談支援センター"


def member_of(username: str, *organizations: Organization) -> User:
    """A user with a membership in each organization; the first is the primary one."""
    user = UserFactory(username=username)
    for index, organization in enumerate(organizations):
        MembershipFactory(user=user, organization=organization, is_primary=index == 0)
    return user


def office() -> Organization:
    return OrganizationFactory(code="office-a", name=OFFICE_NAME)


def submit_with_enter(page: Page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def totp_code(secret: str) -> str:
    """The code an authenticator app shows for the secret printed on the setup page."""
    secret = secret.replace(" ", "").upper()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key):06d}"


def complete_totp_setup(page: Page) -> None:
    """On the setup page: read the key, type the current code, submit."""
    code = totp_code(page.get_by_test_id("totp-secret").inner_text())
    page.get_by_role("textbox", name=re.compile("確認コード")).focus()
    page.keyboard.type(code)
    submit_with_enter(page)
    expect(page.get_by_test_id("recovery-codes")).to_be_visible()


# --- Sign-in ----------------------------------------------------------------------------------


def test_keyboard_only_sign_in_lands_on_home_with_acting_organization(page, live_server, settings):
    settings.REQUIRE_2FA_FOR_ALL = False
    user = member_of("kb_counselor", office())
    page.goto("/accounts/login/")

    # The skip link is the first Tab stop, shows itself, and moves focus to the main content.
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="本文へ移動")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    page.keyboard.press("Tab")
    expect(page.get_by_label("ユーザー名")).to_be_focused()
    page.keyboard.type(user.username)
    page.keyboard.press("Tab")
    expect(page.get_by_label("パスワード")).to_be_focused()
    page.keyboard.type(PASSWORD)
    submit_with_enter(page)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_test_id("acting-organization")).to_have_text(OFFICE_NAME)


def test_user_who_need_not_use_2fa_gets_the_main_menu(page, browser_sign_in, settings):
    settings.REQUIRE_2FA_FOR_ALL = False
    browser_sign_in(member_of("relaxed_counselor", office()), verified=False)
    page.goto("/")
    expect(page.get_by_test_id("acting-organization")).to_have_text(OFFICE_NAME)
    assert page.get_by_role("navigation", name="メインメニュー").count() == 1
    assert page.get_by_text("2段階認証の確認が必要です").count() == 0


def test_wrong_password_message_does_not_reveal_whether_user_exists(
    page, live_server, sign_in_via_form
):
    user = member_of("real_counselor", office())

    sign_in_via_form(page, live_server, user.username, "not-the-password")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(BAD_CREDENTIALS)
    expect(summary).to_be_focused()
    for_existing = page.locator("main").inner_text()

    sign_in_via_form(page, live_server, "nobody_by_this_name", "not-the-password")
    expect(summary).to_contain_text(BAD_CREDENTIALS)
    assert page.locator("main").inner_text() == for_existing


def test_lockout_after_failure_limit_looks_the_same_for_unknown_usernames(
    page, live_server, settings, sign_in_via_form, monkeypatch
):
    settings.REQUIRE_2FA_FOR_ALL = False
    # The throttle's delays start at one second: stop its clock so none runs out mid-test.
    stopped = timezone.now()
    monkeypatch.setattr(throttle, "now", lambda: stopped)
    user = member_of("clumsy_counselor", office())
    limit = settings.SIGNIN_FREE_FAILURES
    lockout = page.get_by_test_id("lockout-message")

    pages_seen = []
    for username in (user.username, "ghost_user"):
        for attempt in range(1, limit + 1):
            sign_in_via_form(page, live_server, username, f"wrong-password-{attempt}")
            if attempt < limit:
                expect(page.get_by_role("alert")).to_contain_text(BAD_CREDENTIALS)
                expect(lockout).to_have_count(0)
        expect(lockout).to_be_visible()
        expect(lockout).to_be_focused()
        expect(lockout).to_contain_text("一時的にサインインできません")
        pages_seen.append(page.locator("main").inner_text())
    assert pages_seen[0] == pages_seen[1]

    # While locked out, even the right password does not sign in.
    sign_in_via_form(page, live_server, user.username, PASSWORD)
    expect(lockout).to_be_visible()
    expect(page.get_by_test_id("acting-organization")).to_have_count(0)


# --- Acting organization ----------------------------------------------------------------------


def test_switch_acting_organization_with_keyboard(page, browser_sign_in, assert_no_axe_violations):
    office_a = office()
    core = OrganizationFactory(code="core", name=CORE_NAME, kind=OrganizationKind.CORE_CENTER)
    user = member_of("two_hats", office_a, core)
    browser_sign_in(user)
    page.goto("/")
    acting = page.get_by_test_id("acting-organization")
    expect(acting).to_have_text(OFFICE_NAME)

    select = page.get_by_label("所属を切り替える")
    for _ in range(10):  # Tab through the header until the organization select has focus
        page.keyboard.press("Tab")
        if select.evaluate("(el) => el === document.activeElement"):
            break
    expect(select).to_be_focused()
    options = select.locator("option").all_inner_texts()
    steps = options.index(CORE_NAME) - options.index(OFFICE_NAME)
    for _ in range(abs(steps)):
        page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
    expect(select).to_have_value(str(core.pk))
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="切り替え")).to_be_focused()
    submit_with_enter(page)

    expect(acting).to_have_text(CORE_NAME)
    expect(page.get_by_role("status")).to_contain_text(f"「{CORE_NAME}」として操作します。")
    expect(select).to_have_value(str(core.pk))
    assert AuditEvent.objects.filter(
        action=Action.ORGANIZATION_SWITCHED, actor=user, organization=core
    ).exists()
    # The header with a switcher and the confirmation message are accessible too.
    assert_no_axe_violations(page, "home-after-switch")


def test_every_tab_stop_shows_where_focus_is(page, personas, browser_sign_in):
    """WCAG 2.4.7: each Tab stop of the frame (skip link, header, menu, footer) has a visible
    focus indicator: an outline or a ring, not only a colour change."""
    MembershipFactory(user=personas.admin, organization=personas.office_a, is_primary=False)
    browser_sign_in(personas.admin)
    page.goto("/accounts/account/")
    seen: list[dict[str, Any]] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        stop = page.evaluate(
            """() => {
                const el = document.activeElement;
                const style = getComputedStyle(el);
                return {
                    name: el.tagName + " " + (el.textContent || el.value || "").trim().slice(0, 20),
                    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
                    ring: style.boxShadow !== "none",
                    isBody: el === document.body,
                };
            }"""
        )
        if stop["isBody"] or stop["name"] in {s["name"] for s in seen}:
            break
        seen.append(stop)
    assert len(seen) > 10, seen
    assert [s["name"] for s in seen if not (s["outline"] or s["ring"])] == []


# --- Two-factor authentication ----------------------------------------------------------------


def test_two_factor_setup_then_code_on_next_sign_in(page, live_server, settings, sign_in_via_form):
    settings.REQUIRE_2FA_FOR_ALL = True
    user = member_of("careful_counselor", office())

    sign_in_via_form(page, live_server, user.username, PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/account/2fa/setup/$"))
    # Until set up, other pages send the user back to the setup page.
    page.goto("/organizations/")
    expect(page).to_have_url(re.compile(r"/accounts/account/2fa/setup/$"))

    complete_totp_setup(page)
    codes = page.get_by_test_id("recovery-codes").locator("li")
    expect(codes).to_have_count(settings.RECOVERY_CODE_COUNT)
    recovery_code = codes.first.inner_text()
    page.get_by_role("link", name="控えたので次へ進む").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_test_id("acting-organization")).to_have_text(OFFICE_NAME)

    page.get_by_role("button", name="サインアウト").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))

    sign_in_via_form(page, live_server, user.username, PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/login/verify/$"))
    expect(page.get_by_label("確認コード")).to_be_visible()
    page.goto("/organizations/")
    expect(page).to_have_url(re.compile(r"/accounts/login/verify/$"))

    # A recovery code works in place of the app's code, once.
    page.get_by_role("textbox", name=re.compile("確認コード")).focus()
    page.keyboard.type(recovery_code)
    submit_with_enter(page)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("status")).to_contain_text("残りは9個です")


# --- Accessibility: axe-core on every page of the shell ---------------------------------------


@dataclass
class Shell:
    page: Page
    live_server: Any
    settings: Any
    personas: Any
    browser_sign_in: Callable[..., Page]
    sign_in_via_form: Callable[..., None]

    def goto(self, path: str) -> None:
        self.page.goto(path)

    def as_counselor(self, path: str) -> None:
        self.browser_sign_in(self.personas.counselor_a)
        self.goto(path)

    def as_admin(self, path: str) -> None:
        self.browser_sign_in(self.personas.admin)
        self.goto(path)


def _login_empty(shell: Shell) -> None:
    shell.goto("/accounts/login/")


def _login_errors(shell: Shell) -> None:
    shell.goto("/accounts/login/")
    shell.page.get_by_role("button", name="サインイン", exact=True).click()
    expect(shell.page.get_by_role("alert")).to_be_visible()
    # Each error is read out with its field (aria-describedby), not only in the summary.
    expect(shell.page.get_by_label("ユーザー名")).to_have_accessible_description(
        "このフィールドは必須です。"
    )


def _login_bad_credentials(shell: Shell) -> None:
    shell.sign_in_via_form(shell.page, shell.live_server, "counselor_a", "wrong-password")
    expect(shell.page.get_by_role("alert")).to_contain_text(BAD_CREDENTIALS)


def _lockout(shell: Shell) -> None:
    for attempt in range(shell.settings.SIGNIN_FREE_FAILURES):
        shell.sign_in_via_form(shell.page, shell.live_server, "counselor_a", f"wrong-{attempt}")
    expect(shell.page.get_by_test_id("lockout-message")).to_be_visible()


def _otp_verify(shell: Shell, *, with_error: bool = False) -> None:
    user = shell.personas.counselor_a
    TOTPDeviceFactory(user=user)
    shell.browser_sign_in(user, verified=False)
    shell.goto("/accounts/login/verify/")
    if with_error:
        shell.page.get_by_label("確認コード").fill("000000")
        shell.page.get_by_role("button", name="確認", exact=True).click()
        expect(shell.page.get_by_role("alert")).to_be_visible()


def _otp_setup(shell: Shell) -> None:
    shell.settings.REQUIRE_2FA_FOR_ALL = True
    shell.browser_sign_in(shell.personas.counselor_a, verified=False)
    shell.goto("/accounts/account/2fa/setup/")
    expect(shell.page.get_by_test_id("totp-secret")).to_be_visible()


def _recovery_codes(shell: Shell) -> None:
    _otp_setup(shell)
    complete_totp_setup(shell.page)


def _password_change_errors(shell: Shell) -> None:
    shell.as_counselor("/accounts/account/password/")
    shell.page.locator("#id_old_password").fill("not-my-password")
    shell.page.locator("#id_new_password1").fill("short")
    shell.page.locator("#id_new_password2").fill("shorter")
    shell.page.get_by_role("button", name="変更する").click()
    expect(shell.page.get_by_role("alert")).to_be_visible()
    # The password rules (a list) are the new password's description, not an empty <p>.
    expect(shell.page.locator("#id_new_password1")).to_have_accessible_description(re.compile("13"))


def _organization_detail(shell: Shell) -> None:
    office_a = shell.personas.office_a
    office_a.corporation = CorporationFactory(name="社会福祉法人 みどり福祉会")
    office_a.postal_code, office_a.address = "980-0000", "みどり市青葉区本町1-2-3"
    office_a.email, office_a.contact_person = "aoba@example.jp", "佐藤 花子"
    office_a.save()
    city = AreaFactory(code="midori", name="みどり市", kind=AreaKind.CITY)
    office_a.areas_served.add(AreaFactory(code="aoba", name="青葉区", parent=city))
    shell.as_counselor(f"/organizations/{office_a.pk}/")


def _areas(shell: Shell) -> None:
    city = AreaFactory(code="midori", name="みどり市", kind=AreaKind.CITY)
    ward = AreaFactory(code="aoba", name="青葉区", parent=city)
    catchment = AreaFactory(
        code="aoba-1", name="青葉第一圏域", kind=AreaKind.CATCHMENT, parent=ward
    )
    AreaFactory(
        code="aoba-1-s", name="本町小学校区", kind=AreaKind.SCHOOL_DISTRICT, parent=catchment
    )
    shell.as_counselor("/organizations/areas/")


def _user_create_errors(shell: Shell) -> None:
    shell.as_admin("/accounts/admin/users/new/")
    shell.page.get_by_label("ユーザー名").fill("x")
    shell.page.get_by_label("初期パスワード").fill("password")
    shell.page.get_by_role("button", name="追加する").click()
    expect(shell.page.get_by_role("alert")).to_be_visible()


def _audit_log(shell: Shell) -> None:
    personas = shell.personas
    audit.record(
        action=Action.LOGIN,
        user=personas.counselor_a,
        target=personas.counselor_a,
        organization=personas.office_a,
    )
    audit.record(
        action=Action.LOGIN_FAILED, actor_username="unknown_person", outcome=Outcome.FAILED
    )
    audit.record(
        action=Action.ACCESS_DENIED,
        user=personas.counselor_b,
        organization=personas.office_b,
        outcome=Outcome.DENIED,
        target_type="accounts.user",
        target_id=personas.counselor_a.pk,
    )
    shell.as_admin("/audit/")


AXE_PAGES: dict[str, Callable[[Shell], None]] = {
    "login": _login_empty,
    "login-errors": _login_errors,
    "login-bad-credentials": _login_bad_credentials,
    "lockout": _lockout,
    "otp-verify": _otp_verify,
    "otp-verify-errors": lambda shell: _otp_verify(shell, with_error=True),
    "otp-setup": _otp_setup,
    "recovery-codes": _recovery_codes,
    "home": lambda shell: shell.as_counselor("/"),
    "account": lambda shell: shell.as_counselor("/accounts/account/"),
    "password-change": lambda shell: shell.as_counselor("/accounts/account/password/"),
    "password-change-errors": _password_change_errors,
    "organizations": lambda shell: shell.as_counselor("/organizations/"),
    "organization-detail": _organization_detail,
    "areas": _areas,
    "user-list": lambda shell: shell.as_admin("/accounts/admin/users/"),
    "user-detail": lambda shell: shell.as_admin(
        f"/accounts/admin/users/{shell.personas.counselor_a.pk}/"
    ),
    "user-create-errors": _user_create_errors,
    "audit-log": _audit_log,
    "not-found": lambda shell: shell.as_counselor("/no-such-page/"),
    "not-found-signed-out": lambda shell: shell.goto("/no-such-page/"),
}


@pytest.mark.parametrize("name", list(AXE_PAGES))
def test_page_has_no_axe_violations(
    name,
    page,
    live_server,
    settings,
    personas,
    browser_sign_in,
    sign_in_via_form,
    assert_no_axe_violations,
):
    shell = Shell(page, live_server, settings, personas, browser_sign_in, sign_in_via_form)
    AXE_PAGES[name](shell)
    expect(page.locator("h1")).to_be_visible()
    assert_no_axe_violations(page, name)
