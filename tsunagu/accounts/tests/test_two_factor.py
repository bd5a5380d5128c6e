"""Two-factor sign-in: enrolment, verification, recovery codes, and who must use it."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tsunagu.accounts import services
from tsunagu.accounts.tests.factories import (
    PASSWORD,
    TOTPDeviceFactory,
    UserFactory,
    totp_code,
    wrong_totp_code,
)
from tsunagu.accounts.views import SESSION_SETUP_DEVICE
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import MembershipFactory

SETUP = "/accounts/account/2fa/setup/"
VERIFY = "/accounts/login/verify/"
RECOVERY_CODE = re.compile(r"\b[a-z2-9]{5}-[a-z2-9]{5}\b")


def _sign_in(client: Client, username: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.fixture
def new_user(db):
    user = UserFactory.create(username="new_counselor")
    MembershipFactory.create(user=user)
    return user


def _setup_device(client: Client) -> TOTPDevice:
    assert client.get(SETUP).status_code == 200
    return TOTPDevice.objects.get(pk=client.session[SESSION_SETUP_DEVICE], confirmed=False)


def test_everyone_must_enrol_when_2fa_is_required_for_all(settings, new_user, client):
    settings.REQUIRE_2FA_FOR_ALL = True
    response = _sign_in(client, "new_counselor")
    assert response.status_code == 302
    assert response["Location"] == SETUP
    for path in ["/", "/organizations/", "/accounts/account/"]:
        blocked = client.get(path)
        assert blocked.status_code == 302, path
        assert blocked["Location"] == SETUP
    # The API does not take a session instead of a token either.
    assert client.get("/api/v1/auth/me").status_code == 401


def test_setup_page_shows_a_qr_code_and_the_secret(settings, new_user, client):
    settings.REQUIRE_2FA_FOR_ALL = True
    _sign_in(client, "new_counselor")
    response = client.get(SETUP)
    body = response.content.decode()
    assert "<svg" in body
    device = TOTPDevice.objects.get(user=new_user, confirmed=False)
    assert response.context["secret"].replace(" ", "") in device.config_url


def test_setup_with_a_wrong_code_shows_an_error(settings, new_user, client):
    settings.REQUIRE_2FA_FOR_ALL = True
    _sign_in(client, "new_counselor")
    device = _setup_device(client)
    response = client.post(SETUP, {"token": wrong_totp_code(device)})
    assert response.status_code == 400
    assert "確認コードが一致しません" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/")["Location"] == SETUP


def test_setup_refuses_a_code_that_is_not_six_digits(settings, new_user, client):
    settings.REQUIRE_2FA_FOR_ALL = True
    _sign_in(client, "new_counselor")
    _setup_device(client)
    response = client.post(SETUP, {"token": "12345a"})
    assert response.status_code == 400
    assert "6桁の数字を入力してください。" in response.content.decode()


def test_setup_with_the_right_code_confirms_and_shows_ten_recovery_codes(
    settings, new_user, client
):
    settings.REQUIRE_2FA_FOR_ALL = True
    _sign_in(client, "new_counselor")
    device = _setup_device(client)
    response = client.post(SETUP, {"token": totp_code(device)})
    assert response.status_code == 200
    codes = set(RECOVERY_CODE.findall(response.content.decode()))
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    stored = set(StaticToken.objects.filter(device__user=new_user).values_list("token", flat=True))
    assert stored == codes
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action=Action.OTP_ENROLLED, actor=new_user).exists()
    assert AuditEvent.objects.filter(action=Action.RECOVERY_CODES_ISSUED, actor=new_user).exists()


def test_a_user_with_an_authenticator_is_asked_for_a_code(settings, personas, client):
    settings.REQUIRE_2FA_FOR_ALL = False  # having a device is enough
    device = TOTPDeviceFactory.create(user=personas.counselor_a)
    response = _sign_in(client, "counselor_a")
    assert response["Location"] == VERIFY
    assert client.get("/")["Location"] == VERIFY
    wrong = client.post(VERIFY, {"token": wrong_totp_code(device)})
    assert wrong.status_code == 400
    assert "確認コードが正しくないか" in wrong.content.decode()
    assert AuditEvent.objects.filter(action=Action.OTP_FAILED).exists()


def test_verify_with_the_authenticator_code(settings, personas, client):
    device = TOTPDeviceFactory.create(user=personas.counselor_a)
    _sign_in(client, "counselor_a")
    response = client.post(VERIFY, {"token": totp_code(device)})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    event = AuditEvent.objects.get(action=Action.OTP_VERIFIED)
    assert event.detail == {"method": "totp"}


def _user_with_recovery_codes(personas) -> list[str]:
    TOTPDeviceFactory.create(user=personas.counselor_a)
    return services.recovery_codes_issue(actor_as(personas.counselor_a))


def test_a_recovery_code_works_once(personas, client):
    codes = _user_with_recovery_codes(personas)
    _sign_in(client, "counselor_a")
    # Typed with upper case and a space, as people do.
    response = client.post(VERIFY, {"token": codes[0].upper().replace("-", " - ")})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.get(action=Action.OTP_VERIFIED).detail == {"method": "recovery"}
    device = StaticDevice.objects.get(user=personas.counselor_a)
    assert device.token_set.count() == 9

    again = Client()
    _sign_in(again, "counselor_a")
    refused = again.post(VERIFY, {"token": codes[0]})
    assert refused.status_code == 400
    assert again.get("/")["Location"] == VERIFY


def test_new_recovery_codes_replace_the_old_ones(personas, client_as):
    old = _user_with_recovery_codes(personas)
    client = client_as(personas.counselor_a)
    response = client.post("/accounts/account/2fa/recovery-codes/")
    new = RECOVERY_CODE.findall(response.content.decode())
    assert len(set(new)) == 10
    stored = set(
        StaticToken.objects.filter(device__user=personas.counselor_a).values_list(
            "token", flat=True
        )
    )
    assert stored == set(new)
    assert not stored & set(old)


def test_an_administrator_always_needs_2fa(settings, personas, client):
    settings.REQUIRE_2FA_FOR_ALL = False
    response = _sign_in(client, "admin_t")
    assert response["Location"] == SETUP
    assert client.get("/")["Location"] == SETUP
    assert client.get("/accounts/admin/users/")["Location"] == SETUP


def test_without_the_requirement_a_user_without_a_device_goes_straight_home(
    settings, new_user, client
):
    settings.REQUIRE_2FA_FOR_ALL = False
    response = _sign_in(client, "new_counselor")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    # Setting one up stays possible, and optional.
    assert client.get(SETUP).status_code == 200


def test_admin_reset_of_2fa_removes_devices_and_ends_sessions(personas, client_as):
    _user_with_recovery_codes(personas)
    victim = client_as(personas.counselor_a)
    admin = client_as(personas.admin)
    response = admin.post(f"/accounts/admin/users/{personas.counselor_a.pk}/reset_2fa/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=personas.counselor_a).exists()
    assert not StaticDevice.objects.filter(user=personas.counselor_a).exists()
    assert victim.get("/")["Location"].startswith("/accounts/login/")
    assert AuditEvent.objects.filter(
        action=Action.USER_2FA_RESET, target_id=str(personas.counselor_a.pk)
    ).exists()
