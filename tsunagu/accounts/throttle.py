"""Sign-in throttling (issue 13, item 3): growing delays instead of a lockout strangers can set.

One rule for the sign-in form and `POST /api/v1/auth/token`, and for the current password on
the password-change form (counted under the username only, `password_check_attempt`):

- Failures are counted per username as typed (whether or not it exists), per address, and per
  known device.  After `free` failures under a key, the key is refused for 2^(n - free)
  seconds after the n-th failure, capped at `SIGNIN_MAX_DELAY`; a key is forgotten
  `SIGNIN_FORGET_AFTER` after its last failure.  Refused attempts do not check the password.
- A browser that signed in with the right password carries a signed known-device cookie; an
  address the user signed in from is remembered.  From there, the username's counter (the
  one strangers can raise) does not apply; the device's or the address's own counter does.
- The right password resets the username and device counters, never the address counter: an
  insider's own successful sign-ins must not buy more guesses at other accounts.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tsunagu.accounts.models import KnownSignInAddress, SignInThrottle, User
from tsunagu.audit import services as audit
from tsunagu.audit.models import Action, Outcome
from tsunagu.core.actor import Origin, client_ip

DEVICE_COOKIE = "tsunagu_device"
DEVICE_SALT = "tsunagu.accounts.known-device"
DEVICE_MAX_AGE = timedelta(days=180)
DEVICE_MAX_USERS = 10  # a shared office computer: the last ten people who signed in on it


def now() -> datetime:
    """The clock, one place to patch in tests."""
    return timezone.now()


def _rule(kind: str) -> tuple[int, int, timedelta]:
    free = (
        settings.SIGNIN_ADDRESS_FREE_FAILURES
        if kind == "address"
        else settings.SIGNIN_FREE_FAILURES
    )
    return free, int(settings.SIGNIN_MAX_DELAY.total_seconds()), settings.SIGNIN_FORGET_AFTER


@dataclass(frozen=True)
class Attempt:
    """Who is trying to sign in, from where."""

    username: str
    address: str | None
    device: str | None  # id from a valid known-device cookie that names this username

    def keys(self, *, counting: bool) -> list[str]:
        """The counters that apply.  Counting a failure raises the username counter too,
        except from a known device; checking skips it from a known device or address."""
        keys = [f"address:{self.address}"] if self.address else []
        if self.device:
            keys.append(f"device:{self.device}")
        elif counting or not self._known_address():
            keys.append(f"username:{self.username}")
        return keys

    def _known_address(self) -> bool:
        return bool(
            self.address
            and KnownSignInAddress.objects.filter(
                user__username__iexact=self.username, address=self.address
            ).exists()
        )


def password_check_attempt(user: User) -> Attempt:
    """A signed-in user's check of the current password (the password-change form): counted
    under the username alone, with the sign-in rule and counter, so that guesses here and at
    the sign-in form add up.  No known device or address lifts it: whoever holds the session is
    on that device and at that address already."""
    return Attempt(username=user.username.strip()[:150].lower(), address=None, device=None)


def attempt_for(request: HttpRequest, username: str) -> Attempt:
    name = username.strip()[:150].lower()
    return Attempt(
        username=name,
        address=client_address(request),
        device=_known_device(request, name),
    )


def client_address(request: HttpRequest) -> str | None:
    """The address the attempt came from: `core.actor.client_ip`, which behind the proxy
    takes the last X-Forwarded-For entry, the one the proxy itself added (the first ones are
    whatever the client sent, and a guesser could name the victim's office there to pass as a
    known address)."""
    return client_ip(request)


def _known_device(request: HttpRequest, username: str) -> str | None:
    raw = request.COOKIES.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        value = signing.loads(raw, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or username not in value.get("u", []):
        return None
    device = value.get("d")
    return device if isinstance(device, str) else None


def wait_seconds(attempt: Attempt) -> int:
    """How long this attempt must wait before the password is even checked (0: go ahead)."""
    moment = now()
    blocked = SignInThrottle.objects.filter(
        key__in=attempt.keys(counting=False), blocked_until__gt=moment
    ).values_list("blocked_until", flat=True)
    return max((_ceil_seconds(until - moment) for until in blocked if until), default=0)


def _ceil_seconds(delta: timedelta) -> int:
    return max(1, int(-(-delta.total_seconds() // 1)))


@transaction.atomic
def record_failure(attempt: Attempt) -> int:
    """Count a wrong password under every key that applies; the wait it leads to."""
    moment = now()
    longest = 0
    for key in attempt.keys(counting=True):
        free, max_delay, forget_after = _rule(key.split(":", 1)[0])
        row = SignInThrottle.objects.select_for_update().filter(key=key[:200]).first()
        if row is None:
            row = SignInThrottle(key=key[:200], failures=0, last_failure_at=moment)
        elif moment - row.last_failure_at > forget_after:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = moment
        row.blocked_until = None
        if row.failures >= free:
            delay = min(2 ** min(row.failures - free, 30), max_delay)
            row.blocked_until = moment + timedelta(seconds=delay)
            longest = max(longest, delay)
        row.save()
    return longest


@transaction.atomic
def record_success(attempt: Attempt, *, user: User) -> None:
    """The right password: clear the username and device counters, remember the address."""
    moment = now()
    keys = [f"username:{attempt.username}", f"username:{user.username.lower()}"]
    if attempt.device:
        keys.append(f"device:{attempt.device}")
    SignInThrottle.objects.filter(key__in=keys).delete()
    if attempt.address:
        KnownSignInAddress.objects.update_or_create(
            user=user, address=attempt.address, defaults={"last_success_at": moment}
        )


def remember_device(request: HttpRequest, response: HttpResponseBase, *, user: User) -> None:
    """Give (or extend) the browser's known-device cookie for this user."""
    value: dict[str, Any] = {"d": secrets.token_urlsafe(16), "u": []}
    raw = request.COOKIES.get(DEVICE_COOKIE)
    if raw:
        try:
            old = signing.loads(raw, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
        except signing.BadSignature:
            old = None
        if isinstance(old, dict) and isinstance(old.get("d"), str):
            value = {"d": old["d"], "u": [u for u in old.get("u", []) if isinstance(u, str)]}
    name = user.username.lower()
    value["u"] = ([u for u in value["u"] if u != name] + [name])[-DEVICE_MAX_USERS:]
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(value, salt=DEVICE_SALT),
        max_age=int(DEVICE_MAX_AGE.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def is_throttled(username: str) -> bool:
    """For the administration screens: is the username's own counter refusing sign-ins?"""
    return SignInThrottle.objects.filter(
        key=f"username:{username.lower()}", blocked_until__gt=now()
    ).exists()


def throttled_usernames(usernames: list[str]) -> set[str]:
    keys = {f"username:{name.lower()}": name for name in usernames}
    blocked = SignInThrottle.objects.filter(key__in=keys, blocked_until__gt=now()).values_list(
        "key", flat=True
    )
    return {keys[key] for key in blocked}


def clear_username(username: str) -> None:
    SignInThrottle.objects.filter(key=f"username:{username.lower()}").delete()


def record_refusal(request: HttpRequest, attempt: Attempt, wait: int, *, form: str = "") -> None:
    detail: dict[str, Any] = {"wait_seconds": wait}
    if form:
        detail["form"] = form
    audit.record(
        action=Action.LOCKED_OUT,
        actor=getattr(request, "actor", None),  # signed in: the password-change form
        origin=Origin.of(request),
        actor_username=attempt.username,
        outcome=Outcome.DENIED,
        detail=detail,
    )


@transaction.atomic
def record_password_check_failure(request: HttpRequest, attempt: Attempt) -> int:
    """A wrong current password on the password-change form: a failure under the sign-in
    rule (`record_failure`), audited; the wait it leads to."""
    wait = record_failure(attempt)
    audit.record(
        action=Action.PASSWORD_CHECK_FAILED,
        actor=getattr(request, "actor", None),
        origin=Origin.of(request),
        outcome=Outcome.FAILED,
        detail={"wait_seconds": wait},
    )
    return wait


def _wait_words(seconds: int) -> str:
    """「30秒」「約2分」: how long, in words."""
    if seconds < 60:
        return ngettext("%(count)d秒", "%(count)d秒", seconds) % {"count": seconds}
    minutes = -(-seconds // 60)
    return ngettext("約%(count)d分", "約%(count)d分", minutes) % {"count": minutes}


def wait_message(seconds: int) -> str:
    return _(
        "サインインの失敗が続いたため、このユーザー名またはこの接続元からのサインインを"
        "一時的に止めています。%(wait)s待ってからもう一度お試しください。"
    ) % {"wait": _wait_words(seconds)}


def password_check_wait_message(seconds: int) -> str:
    return _(
        "このユーザー名でパスワードの誤りが続いたため、パスワードの変更を一時的に止めています。"
        "%(wait)s待ってからもう一度お試しください。"
    ) % {"wait": _wait_words(seconds)}
