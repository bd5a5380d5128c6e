"""Invitation codes: single use, expiry, stored hashed, guesses throttled; sign-in by portal id
and passphrase; access ends on every path the issue names (ADR 0024)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tsunagu.audit.models import AuditEvent
from tsunagu.cases.models import CaseStatus
from tsunagu.core.actor import Origin
from tsunagu.core.errors import FieldErrors, Invalid
from tsunagu.organizations.actors import actor_for
from tsunagu.portal import codes, services
from tsunagu.portal.models import AccountStatus, PortalInvitation, PortalSession
from tsunagu.portal.tests.factories import (
    PASSPHRASE,
    invite_person,
    invite_supporter,
    portal_client,
)

HOME = Origin(ip_address="192.0.2.10")


def test_a_code_is_stored_only_as_a_keyed_hash(personas, world):
    account, code = invite_person(world.case, personas.counselor_a)
    invitation = PortalInvitation.objects.get(account=account)
    assert len(code) == codes.CODE_LENGTH
    assert invitation.prefix == code[:4]
    assert code not in invitation.code_hash
    assert invitation.code_hash == codes.code_hash(code)
    assert account.status == AccountStatus.INVITED


def test_a_code_works_once(personas, world):
    account, code = invite_person(world.case, personas.counselor_a)
    services.invitation_redeem(code, passphrase=PASSPHRASE, again=PASSPHRASE, origin=HOME)
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE
    with pytest.raises(Invalid):
        services.invitation_redeem(code, passphrase=PASSPHRASE, again=PASSPHRASE, origin=HOME)


def test_a_code_typed_with_dashes_and_wide_letters_still_opens(personas, world):
    _account, code = invite_person(world.case, personas.counselor_a)
    wide = "－".join(code[i : i + 4] for i in range(0, 12, 4)).lower()
    wide = wide.translate(
        str.maketrans(
            "abcdefghjkmnpqrstuvwxyz23456789",
            "ａｂｃｄｅｆｇｈｊｋｍｎｐｑｒｓｔｕｖｗｘｙｚ２３４５６７８９",
        )
    )
    assert services.invitation_check(wide, origin=HOME).account_id == _account.pk


def test_a_code_expires(personas, world, monkeypatch):
    _account, code = invite_person(world.case, personas.counselor_a)
    later = timezone.now() + codes.CODE_LIFETIME + dt.timedelta(minutes=1)
    monkeypatch.setattr(codes, "now", lambda: later)
    with pytest.raises(Invalid):
        services.invitation_check(code, origin=HOME)


def test_a_new_code_retires_the_old_one(personas, world):
    account, old = invite_person(world.case, personas.counselor_a)
    _invitation, new = services.portal_code_issue(
        actor_for(personas.counselor_a), account=account, channel="paper"
    )
    with pytest.raises(Invalid):
        services.invitation_check(old, origin=HOME)
    assert services.invitation_check(new, origin=HOME).account_id == account.pk


def test_guessing_codes_under_one_prefix_is_throttled_from_any_address(personas, world):
    _account, code = invite_person(world.case, personas.counselor_a)
    for n in range(codes.PREFIX_FREE_FAILURES + 1):
        wrong = code[:4] + ("2" if code[4] != "2" else "3") * 8
        with pytest.raises(Invalid):
            services.invitation_check(wrong, origin=Origin(ip_address=f"198.51.100.{n}"))
    # Even the right code waits now: a refused attempt does not look at the code.
    with pytest.raises(services.Throttled):
        services.invitation_check(code, origin=Origin(ip_address="203.0.113.9"))


def test_guessing_codes_from_one_address_is_throttled_for_any_prefix(personas, world):
    _account, code = invite_person(world.case, personas.counselor_a)
    attacker = Origin(ip_address="198.51.100.7")
    for n in range(codes.ADDRESS_FREE_FAILURES + 1):
        prefix = codes.ALPHABET[n % 31] * 4
        if prefix == code[:4]:
            prefix = "ZZZY"
        with pytest.raises(Invalid):
            services.invitation_check(prefix + "22222222", origin=attacker)
    with pytest.raises(services.Throttled):
        services.invitation_check(code, origin=attacker)
    # The person at home is not held back by the attacker's address.
    assert services.invitation_check(code, origin=HOME).account.pk == _account.pk


def test_the_throttle_forgives_after_the_wait(personas, world, monkeypatch):
    _account, code = invite_person(world.case, personas.counselor_a)
    for _n in range(codes.PREFIX_FREE_FAILURES + 1):
        with pytest.raises(Invalid):
            services.invitation_check(code[:4] + "22222222", origin=HOME)
    later = timezone.now() + codes.PORTAL_MAX_DELAY + dt.timedelta(seconds=1)
    monkeypatch.setattr(codes, "now", lambda: later)
    assert services.invitation_check(code, origin=HOME).account_id == _account.pk


def test_the_passphrase_follows_the_password_validators(personas, world):
    _account, code = invite_person(world.case, personas.counselor_a)
    with pytest.raises(FieldErrors) as short:
        services.invitation_redeem(code, passphrase="sakura", again="sakura", origin=HOME)
    assert "passphrase" in short.value.errors
    with pytest.raises(FieldErrors) as mismatch:
        services.invitation_redeem(code, passphrase=PASSPHRASE, again=PASSPHRASE + "x", origin=HOME)
    assert "again" in mismatch.value.errors
    # A refused passphrase does not use the code up.
    services.invitation_redeem(code, passphrase=PASSPHRASE, again=PASSPHRASE, origin=HOME)


def test_sign_in_by_portal_id_and_passphrase_and_its_throttle(personas, world):
    account, code = invite_person(world.case, personas.counselor_a)
    services.invitation_redeem(code, passphrase=PASSPHRASE, again=PASSPHRASE, origin=HOME)
    signed, token = services.sign_in(codes.grouped(account.portal_id), PASSPHRASE, origin=HOME)
    assert signed.pk == account.pk
    assert token
    marker = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    for n in range(codes.PORTAL_ID_FREE_FAILURES + 1):
        with pytest.raises(Invalid):
            services.sign_in(
                account.portal_id, "wrong " * 3, origin=Origin(ip_address=f"198.51.100.{n}")
            )
    with pytest.raises(services.Throttled):
        services.sign_in(account.portal_id, PASSPHRASE, origin=HOME)
    failures = AuditEvent.objects.filter(pk__gt=marker, action=services.SIGN_IN_FAILED)
    # The free failures, then a wait (the attempt after them is refused unchecked).
    assert failures.count() == codes.PORTAL_ID_FREE_FAILURES
    assert all(e.actor_id is None for e in failures)


def _signed_in(client: Client) -> bool:
    response = client.get("/my/plan/")
    return response.status_code == 200


def test_access_ends_when_the_counselor_ends_it(personas, world):
    account, code = invite_person(world.case, personas.counselor_a)
    client = portal_client(account, code)
    assert _signed_in(client)
    services.portal_account_end(actor_for(personas.counselor_a), account=account)
    assert client.get("/my/plan/").status_code == 302
    assert not PortalSession.objects.filter(account=account, ended_at__isnull=True).exists()


def test_access_ends_when_the_case_closes(personas, world):
    account, code = invite_person(world.case, personas.counselor_a)
    client = portal_client(account, code)
    assert _signed_in(client)
    type(world.case).objects.filter(pk=world.case.pk).update(status=CaseStatus.CLOSED)
    assert client.get("/my/plan/").status_code == 302


def test_access_ends_when_the_person_ends_it(personas, world):
    account, code = invite_person(world.case, personas.counselor_a)
    client = portal_client(account, code)
    assert client.post("/my/end/").status_code == 200
    account.refresh_from_db()
    assert account.status == AccountStatus.ENDED
    assert client.get("/my/plan/").status_code == 302
    with pytest.raises(Invalid):
        services.sign_in(account.portal_id, PASSPHRASE, origin=HOME)


def test_a_supporters_access_ends_when_the_person_withdraws_consent(personas, world):
    person, person_code = invite_person(world.case, personas.counselor_a)
    mother, mother_code = invite_supporter(world.case, personas.counselor_a, sections=["plan"])
    mothers = portal_client(mother, mother_code)
    persons = portal_client(person, person_code)
    assert _signed_in(mothers)
    response = persons.post(f"/my/rights/supporters/{mother.pk}/end/")
    assert response.status_code == 302
    mother.refresh_from_db()
    assert mother.consent_withdrawn_at is not None
    assert mothers.get("/my/plan/").status_code == 302


def test_a_supporters_access_ends_when_consent_expires(personas, world):
    mother, code = invite_supporter(world.case, personas.counselor_a, sections=["plan"])
    client = portal_client(mother, code)
    assert _signed_in(client)
    type(mother).objects.filter(pk=mother.pk).update(
        consent_expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    assert client.get("/my/plan/").status_code == 302


def test_a_supporter_needs_the_persons_recorded_consent(personas, world):
    with pytest.raises(FieldErrors) as refused:
        services.portal_invite(
            actor_for(personas.counselor_a),
            case=world.case,
            kind="supporter",
            display_name="お母さん",
            relationship="母",
            sections=["plan"],
            channel="paper",
        )
    assert "consent_obtained_on" in refused.value.errors


def test_the_code_screens_step_by_step(personas, world):
    _account, code = invite_person(world.case, personas.counselor_a)
    client = Client()
    assert client.get("/my/start/").status_code == 200
    step2 = client.post("/my/start/", {"code": code})
    assert step2.status_code == 200
    assert "あいことばを決めてください" in step2.content.decode()
    done = client.post(
        "/my/start/", {"step": "2", "code": code, "passphrase": PASSPHRASE, "again": PASSPHRASE}
    )
    assert done.status_code == 302
    cookie = done.cookies["tsunagu_portal"]
    assert cookie["path"] == "/my/"
    assert cookie["httponly"]
    assert client.get("/my/ready/").status_code == 200
    again = Client().post("/my/start/", {"code": code})
    assert again.status_code == 400
    assert "つかえなくなっています" in again.content.decode()
