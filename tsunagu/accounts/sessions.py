"""Sessions in the database, written when they change and otherwise at most once a minute.

The idle limit is the session's age (SESSION_COOKIE_AGE, 30 minutes) renewed by every request:
the cookie carries the renewed age on every response (SESSION_SAVE_EVERY_REQUEST), and the
row's expiry, which is what the server checks, was rewritten on every request too: a write per
page view, on SQLite under the database's one write lock.  This store rewrites a session that
did not change only when its stored expiry has fallen more than SESSION_REFRESH_SECONDS (60)
behind the one a write would now give it.  The idle limit therefore counts from a moment at
most a minute before the last request: a session left for 29 minutes may already have ended,
none left for 30 lives on.  The absolute limit (accounts.middleware.SessionLifetimeMiddleware)
does not depend on the row's expiry.

Selected by SESSION_ENGINE = "tsunagu.accounts.sessions"; Django looks for `SessionStore`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session


class SessionStore(db.SessionStore):
    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self._stored_expiry: dt.datetime | None = None

    # The row as Django's db backend reads it (not in django-stubs), to know its stored expiry.
    def _get_session_from_db(self) -> Session | None:
        row: Session | None = super()._get_session_from_db()  # type: ignore[misc]
        self._stored_expiry = row.expire_date if row is not None else None
        return row

    def save(self, must_create: bool = False) -> None:
        if not must_create and not self.modified and self._stored_recently():
            return
        super().save(must_create=must_create)
        self._stored_expiry = self.get_expiry_date()

    def _stored_recently(self) -> bool:
        # get_expiry_date() reads the session (and so the row, if nothing has yet) first.
        due = self.get_expiry_date() - dt.timedelta(seconds=settings.SESSION_REFRESH_SECONDS)
        if self.session_key is None or self._stored_expiry is None:
            return False
        return self._stored_expiry > due
