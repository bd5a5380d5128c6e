"""What a session remembers about its user between requests, and for how long.

Every request reads the session row and the user row.  Whether the second factor the session
was verified with still holds, whether an unverified user has a second factor at all, and the
memberships the user acts through were read on every request as well (three to four queries, a
tenth to a fifth of a minimal page's CPU, issue 15).  They are now read again at most every
ACCESS_RECHECK_SECONDS (60 by default, 0 for every request) per session, and kept in the
session in between.

Each remembered value is stamped with the user's id and session epoch.  Whatever ends a user's
sessions (an administrator ending them, disabling the user, resetting their 2FA) changes the
epoch, so it takes effect at the next request as before.  A membership ended or an
organization closed takes effect within the recheck interval, as does an authenticator
replaced from another session.  The decisions that matter at one moment read the database
themselves: switching the acting organization, enrolling an authenticator, signing in.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone

from tsunagu.accounts.models import User

SESSION_KEY = "tsunagu_recheck"


def _stamp(user: User) -> list[int]:
    return [user.pk, user.session_epoch]


def remembered(session: SessionBase, name: str, user: User, default: Any = None) -> Any:
    """The value remembered under `name` for this user, or `default` when there is none or it
    is due to be read again."""
    entry = session.get(SESSION_KEY, {}).get(name)
    if not isinstance(entry, list) or len(entry) != 3:
        return default
    checked_at, stamp, value = entry
    age = timezone.now().timestamp() - float(checked_at)
    if stamp != _stamp(user) or not 0 <= age < settings.ACCESS_RECHECK_SECONDS:
        return default
    return value


def remember(session: SessionBase, name: str, user: User, value: Any) -> None:
    """Keep `value` (plain JSON) under `name` until the next recheck is due."""
    if settings.ACCESS_RECHECK_SECONDS <= 0:
        return
    entries = dict(session.get(SESSION_KEY, {}))
    entries[name] = [timezone.now().timestamp(), _stamp(user), value]
    session[SESSION_KEY] = entries


def forget(session: SessionBase, name: str) -> None:
    entries = session.get(SESSION_KEY, {})
    if name in entries:
        session[SESSION_KEY] = {k: v for k, v in entries.items() if k != name}
