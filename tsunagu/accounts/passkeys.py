"""Passkeys (WebAuthn): the one ceremony module for staff and for the person's portal.

It wraps py_webauthn (`webauthn`), which checks the browser's answers (the challenge, the
origin, the relying party's hash, the signature, user presence and verification, the sign
counter), and adds what a library cannot know (ADR 0024):

- **where**: the relying party id and the allowed origins come from settings
  (`PASSKEY_RP_ID`, `PASSKEY_ORIGINS`); left empty they are the request's own host, and only
  on loopback (the demo and the tests, opened at `localhost`);
- **the challenge**: 32 random bytes kept server-side in `PasskeyChallenge`, bound to a random
  cookie (its SHA-256 in the row) on the path of the side that asked, for one purpose, for five
  minutes, and used once (a conditional delete, so two racing answers cannot both use it);
- **bad input**: anything the browser sends that is not a credential of the expected shape
  is a `PasskeyError` with a Japanese message, never a 500.

What the credential then opens (a staff session verified for 2FA, a portal session) is the
caller's business: accounts/services.py and portal/services.py.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.accounts.models import PasskeyChallenge

if TYPE_CHECKING:
    from webauthn.registration.verify_registration_response import VerifiedRegistration

# py_webauthn is imported inside the four ceremony functions below, not here: its package loads
# pyOpenSSL and the attestation formats, about 25 MB in every worker that never sees a passkey
# ceremony (ADR 0007, memory per worker).  The base64url of its helpers is RFC 4648 section 5
# without padding, written here as the library writes it.

CHALLENGE_LIFETIME = timedelta(minutes=5)
TIMEOUT_MS = 120_000
# A credential answer is a few hundred bytes to a few KB (attestation certificates); anything
# much larger is not one.
MAX_BODY = 64 * 1024
LOOPBACK = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})


class PasskeyError(Exception):
    """The ceremony failed: the message is for the person at the screen (Japanese)."""

    def __init__(self, message: str, *, reason: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


def to_base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("utf-8").replace("=", "")


def from_base64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(f"{text}===")


def _failed() -> PasskeyError:
    return PasskeyError(_("パスキーを確かめられませんでした。もう一度ためしてください。"))


@dataclass(frozen=True)
class RelyingParty:
    id: str
    origins: list[str]


def relying_party(request: HttpRequest) -> RelyingParty | None:
    """This site as a WebAuthn relying party, or None where passkeys cannot work here."""
    configured = str(getattr(settings, "PASSKEY_RP_ID", "") or "")
    if configured:
        origins = list(getattr(settings, "PASSKEY_ORIGINS", []) or [])
        return RelyingParty(configured, origins or [f"https://{configured}"])
    host = request.get_host()
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    if name not in LOOPBACK:
        return None
    scheme = "https" if request.is_secure() else "http"
    return RelyingParty(name.strip("[]"), [f"{scheme}://{host}"])


def available(request: HttpRequest) -> bool:
    return relying_party(request) is not None


def _require_rp(request: HttpRequest) -> RelyingParty:
    rp = relying_party(request)
    if rp is None:
        raise PasskeyError(_("この画面ではパスキーを使えません。"), reason="unavailable")
    return rp


def user_handle(kind: str, pk: int) -> bytes:
    """A stable, opaque WebAuthn user id for a staff user or a portal account: the same
    account gets the same handle (an authenticator replaces its passkey instead of adding a
    second), and it tells nothing about who it is."""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"passkey-user:{kind}:{pk}".encode(), hashlib.sha256
    ).digest()


# --- Challenges -------------------------------------------------------------------------------


def _binding_hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def _issue_challenge(
    request: HttpRequest, *, purpose: str, subject: str, cookie: str
) -> tuple[bytes, str]:
    """A fresh challenge for this browser (the cookie nonce, new or kept) and purpose."""
    nonce = request.COOKIES.get(cookie, "")
    if not nonce or len(nonce) > 100:
        nonce = secrets.token_urlsafe(32)
    moment = timezone.now()
    PasskeyChallenge.objects.filter(expires_at__lte=moment).delete()
    binding = _binding_hash(nonce)
    # One open challenge per browser and purpose: asking again retires the last one.
    PasskeyChallenge.objects.filter(binding_hash=binding, purpose=purpose).delete()
    challenge = secrets.token_bytes(32)
    PasskeyChallenge.objects.create(
        binding_hash=binding,
        purpose=purpose,
        subject=subject,
        challenge=to_base64url(challenge),
        expires_at=moment + CHALLENGE_LIFETIME,
    )
    return challenge, nonce


def _take_challenge(request: HttpRequest, *, purpose: str, subject: str, cookie: str) -> bytes:
    """The challenge this browser was given for this purpose, once: gone after this call."""
    nonce = request.COOKIES.get(cookie, "")
    if not nonce or len(nonce) > 100:
        raise _failed()
    row = PasskeyChallenge.objects.filter(
        binding_hash=_binding_hash(nonce),
        purpose=purpose,
        subject=subject,
        expires_at__gt=timezone.now(),
    ).first()
    if row is None:
        raise _failed()
    taken, _kinds = PasskeyChallenge.objects.filter(pk=row.pk).delete()
    if taken != 1:  # a concurrent answer used it a moment ago
        raise _failed()
    return from_base64url(row.challenge)


def refused(message: str, *, status: int = 400) -> JsonResponse:
    """A ceremony step that failed: the JSON the browser's script shows as its message."""
    return JsonResponse({"error": message}, status=status)


def options_response(options: str, nonce: str, *, cookie: str, path: str) -> HttpResponse:
    """The options for the browser, with the cookie that binds their challenge to it."""
    response = HttpResponse(options, content_type="application/json")
    set_binding_cookie(response, nonce, cookie=cookie, path=path)
    return response


def set_binding_cookie(response: HttpResponse, nonce: str, *, cookie: str, path: str) -> None:
    response.set_cookie(
        cookie,
        nonce,
        max_age=int(CHALLENGE_LIFETIME.total_seconds()),
        path=path,
        secure=bool(getattr(settings, "HTTPS", False)),
        httponly=True,
        samesite="Strict",
    )


# --- Reading what the browser sent ------------------------------------------------------------


def credential_from(request: HttpRequest) -> dict[str, Any]:
    """The JSON object the browser posted ({"credential": {...}, ...} or the credential
    itself), or PasskeyError: a string, a list, garbage or too much is not a credential."""
    if len(request.body) > MAX_BODY:
        raise _failed()
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _failed() from None
    if not isinstance(payload, dict):
        raise _failed()
    credential = payload.get("credential", payload)
    if not isinstance(credential, dict):
        raise _failed()
    return credential


def posted_payload(request: HttpRequest) -> dict[str, Any]:
    """The posted JSON object, or {} for anything else."""
    if len(request.body) > MAX_BODY:
        return {}
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return payload if isinstance(payload, dict) else {}


def posted_name(request: HttpRequest, *, limit: int = 64) -> str:
    name = posted_payload(request).get("name")
    return name.strip()[:limit] if isinstance(name, str) else ""


def credential_id_of(credential: dict[str, Any]) -> str:
    """The credential id as base64url text (how the tables keep it), checked to decode."""
    raw = credential.get("rawId", credential.get("id"))
    if not isinstance(raw, str) or not raw or len(raw) > 1400:
        raise _failed()
    try:
        return to_base64url(from_base64url(raw))
    except (ValueError, TypeError):
        raise _failed() from None


def user_handle_of(credential: dict[str, Any]) -> bytes | None:
    response = credential.get("response")
    handle = response.get("userHandle") if isinstance(response, dict) else None
    if not isinstance(handle, str) or not handle:
        return None
    try:
        return from_base64url(handle)
    except (ValueError, TypeError):
        return None


# --- Registration -----------------------------------------------------------------------------


def registration_begin(
    request: HttpRequest,
    *,
    purpose: str,
    subject: str,
    handle: bytes,
    user_name: str,
    display_name: str,
    existing: list[str],
    cookie: str,
) -> tuple[str, str]:
    """The options for `navigator.credentials.create` (JSON text) and the cookie nonce.
    A discoverable credential (a passkey) with user verification is asked for."""
    from webauthn import generate_registration_options, options_to_json
    from webauthn.helpers.structs import (
        AuthenticatorSelectionCriteria,
        PublicKeyCredentialDescriptor,
        ResidentKeyRequirement,
        UserVerificationRequirement,
    )

    rp = _require_rp(request)
    challenge, nonce = _issue_challenge(request, purpose=purpose, subject=subject, cookie=cookie)
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=str(getattr(settings, "PASSKEY_RP_NAME", "つなぐ")),
        user_id=handle,
        user_name=user_name,
        user_display_name=display_name,
        challenge=challenge,
        timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=from_base64url(c)) for c in existing],
    )
    return options_to_json(options), nonce


def registration_finish(
    request: HttpRequest, *, purpose: str, subject: str, cookie: str
) -> VerifiedRegistration:
    from webauthn import verify_registration_response
    from webauthn.helpers.exceptions import WebAuthnException

    rp = _require_rp(request)
    credential = credential_from(request)
    challenge = _take_challenge(request, purpose=purpose, subject=subject, cookie=cookie)
    try:
        return verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origins,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError):
        raise _failed() from None


# --- Authentication ---------------------------------------------------------------------------


def authentication_begin(request: HttpRequest, *, purpose: str, cookie: str) -> tuple[str, str]:
    """Options for `navigator.credentials.get` with no allowed list: the authenticator offers
    the passkeys it holds for this site (no username to remember)."""
    from webauthn import generate_authentication_options, options_to_json
    from webauthn.helpers.structs import UserVerificationRequirement

    rp = _require_rp(request)
    challenge, nonce = _issue_challenge(request, purpose=purpose, subject="", cookie=cookie)
    options = generate_authentication_options(
        rp_id=rp.id,
        challenge=challenge,
        timeout=TIMEOUT_MS,
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return options_to_json(options), nonce


@dataclass(frozen=True)
class Assertion:
    credential: dict[str, Any]
    credential_id: str
    challenge: bytes
    rp: RelyingParty


def authentication_read(request: HttpRequest, *, purpose: str, cookie: str) -> Assertion:
    """What the browser answered and the challenge it answers (taken now, once); the caller
    finds the stored passkey by `credential_id` and then calls `authentication_verify`."""
    rp = _require_rp(request)
    credential = credential_from(request)
    credential_id = credential_id_of(credential)
    challenge = _take_challenge(request, purpose=purpose, subject="", cookie=cookie)
    return Assertion(credential, credential_id, challenge, rp)


def authentication_verify(assertion: Assertion, *, public_key: bytes, sign_count: int) -> int:
    """Checks the signature with the stored key, user verification and the sign counter
    (a counter that did not go up means a cloned authenticator); returns the new count."""
    from webauthn import verify_authentication_response
    from webauthn.helpers.exceptions import WebAuthnException

    try:
        verified = verify_authentication_response(
            credential=assertion.credential,
            expected_challenge=assertion.challenge,
            expected_rp_id=assertion.rp.id,
            expected_origin=assertion.rp.origins,
            credential_public_key=public_key,
            credential_current_sign_count=sign_count,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError):
        raise _failed() from None
    return int(verified.new_sign_count)
