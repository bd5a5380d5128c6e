"""One-time invitation codes, portal ids, session tokens and the guess throttle (ADR 0024).

- A code is 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L), printed as
  XXXX-XXXX-XXXX: 31^12 ≈ 7.9 × 10^17.  The first four characters are stored in clear to find
  the row and to count guesses under them; the whole is stored only as a keyed hash (HMAC with
  the secret key), so a copy of the database gives no usable code.
- Guesses are counted per code prefix, per address and per portal id, in the database (shared by
  every worker).  After the free failures each key waits 2^(n−free) seconds, up to
  PORTAL_MAX_DELAY; a refused attempt does not even look at the code.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from tsunagu.portal.models import PortalAttempt

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # 31 symbols, no 0 O 1 I L
CODE_LENGTH = 12
PORTAL_ID_LENGTH = 8
CODE_LIFETIME = timedelta(days=14)  # long enough for paper by post
PREFIX_FREE_FAILURES = 3
ADDRESS_FREE_FAILURES = 10
PORTAL_ID_FREE_FAILURES = 5
PORTAL_MAX_DELAY = timedelta(minutes=15)
FORGET_AFTER = timedelta(days=1)


def now() -> datetime:
    """The clock, one place to patch in tests."""
    return timezone.now()


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_code() -> str:
    return _random(CODE_LENGTH)


def new_portal_id() -> str:
    return _random(PORTAL_ID_LENGTH)


def grouped(value: str) -> str:
    """XXXX-XXXX-XXXX: how a code or a portal id is printed and read out."""
    return "-".join(value[i : i + 4] for i in range(0, len(value), 4))


def normalize(typed: str) -> str:
    """What the person typed, as stored: full-width to half-width, upper case, spaces and
    dashes dropped."""
    text = unicodedata.normalize("NFKC", typed or "").upper()
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())[:40]


def code_hash(code: str) -> str:
    return salted_hmac("tsunagu.portal.code", code, algorithm="sha256").hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


# --- The throttle -----------------------------------------------------------------------------


def _free(key: str) -> int:
    if key.startswith("ip:"):
        return ADDRESS_FREE_FAILURES
    if key.startswith("id:"):
        return PORTAL_ID_FREE_FAILURES
    return PREFIX_FREE_FAILURES


def wait_seconds(keys: list[str]) -> int:
    """How long the longest-held of `keys` must still wait (0: may try now)."""
    moment = now()
    longest = 0
    for attempt in PortalAttempt.objects.filter(key__in=keys):
        if moment - attempt.last_failure_at > FORGET_AFTER:
            continue
        over = attempt.failures - _free(attempt.key)
        if over < 0:
            continue
        delay = min(2**over, int(PORTAL_MAX_DELAY.total_seconds()))
        remaining = delay - (moment - attempt.last_failure_at).total_seconds()
        longest = max(longest, int(remaining) + (1 if remaining % 1 else 0))
    return max(longest, 0)


def failed(keys: list[str]) -> None:
    moment = now()
    with transaction.atomic():
        for key in keys:
            attempt, created = PortalAttempt.objects.get_or_create(
                key=key, defaults={"failures": 1, "last_failure_at": moment}
            )
            if created:
                continue
            if moment - attempt.last_failure_at > FORGET_AFTER:
                PortalAttempt.objects.filter(pk=attempt.pk).update(
                    failures=1, last_failure_at=moment
                )
            else:
                PortalAttempt.objects.filter(pk=attempt.pk).update(
                    failures=F("failures") + 1, last_failure_at=moment
                )


def succeeded(keys: list[str]) -> None:
    """The right code or passphrase clears the prefix and portal id counters, never the
    address's: one's own success must not buy guesses at other codes."""
    PortalAttempt.objects.filter(key__in=[k for k in keys if not k.startswith("ip:")]).delete()
