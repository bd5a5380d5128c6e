"""The second factor a session was verified with, and whether an unverified user has one, are
read at most every ACCESS_RECHECK_SECONDS (accounts/recheck.py); what ends the user's sessions
still ends them at the next request."""

from __future__ import annotations

from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from tsunagu.accounts import recheck
from tsunagu.accounts.tests.factories import PASSWORD, TOTPDeviceFactory

VERIFY = "/accounts/login/verify/"


def _age_rechecks(client: Client, seconds: float) -> None:
    session = client.session
    entries = session[recheck.SESSION_KEY]
    for entry in entries.values():
        entry[0] -= seconds
    session[recheck.SESSION_KEY] = entries
    session.save()


def _device_queries(client: Client, path: str = "/") -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in ctx.captured_queries if "otp_" in q["sql"]]


def test_a_verified_session_reads_its_device_once_per_interval(personas, client_as):
    client = client_as(personas.counselor_a)
    assert _device_queries(client)  # the first request reads it
    assert _device_queries(client) == []
    _age_rechecks(client, django_settings.ACCESS_RECHECK_SECONDS)
    assert len(_device_queries(client)) == 1
    assert _device_queries(client) == []


def test_a_replaced_authenticator_unverifies_other_sessions_within_the_interval(
    personas, client_as
):
    client = client_as(personas.counselor_a)
    assert client.get("/").status_code == 200
    # Replaced from another session (totp_device_confirm deletes the other confirmed ones).
    TOTPDevice.objects.filter(user=personas.counselor_a).delete()
    TOTPDeviceFactory.create(user=personas.counselor_a)
    _age_rechecks(client, django_settings.ACCESS_RECHECK_SECONDS)
    assert client.get("/")["Location"] == VERIFY


def test_with_no_interval_the_device_is_read_on_every_request(settings, personas, client_as):
    settings.ACCESS_RECHECK_SECONDS = 0
    client = client_as(personas.counselor_a)
    client.get("/")
    assert len(_device_queries(client)) == 1
    TOTPDevice.objects.filter(user=personas.counselor_a).delete()
    TOTPDeviceFactory.create(user=personas.counselor_a)
    assert client.get("/")["Location"] == VERIFY


def test_a_user_without_a_second_factor_is_not_asked_again_each_request(settings, personas, client):
    settings.REQUIRE_2FA_FOR_ALL = False
    response = client.post("/accounts/login/", {"username": "counselor_b", "password": PASSWORD})
    assert response["Location"] == "/"
    client.get("/")
    assert _device_queries(client) == []
    # An authenticator set up from elsewhere: this session must use it once the interval ends.
    TOTPDeviceFactory.create(user=personas.counselor_b)
    _age_rechecks(client, django_settings.ACCESS_RECHECK_SECONDS)
    assert client.get("/")["Location"] == VERIFY


def test_a_session_mid_sign_in_keeps_being_sent_to_verification(settings, personas, client):
    TOTPDeviceFactory.create(user=personas.counselor_a)
    client.post("/accounts/login/", {"username": "counselor_a", "password": PASSWORD})
    for _ in range(3):
        assert client.get("/")["Location"] == VERIFY
