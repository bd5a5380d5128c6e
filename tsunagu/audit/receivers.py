"""Sign-in, sign-out and failed sign-in reach the audit log through Django's auth signals."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action, Outcome
from tsunagu.core.actor import Origin


def _origin(request: HttpRequest | None) -> Origin | None:
    return Origin.of(request) if request is not None else None


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit.record(action=Action.LOGIN, origin=_origin(request), user=user, target=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(action=Action.LOGOUT, origin=_origin(request), user=user, target=user)


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Only the username as typed; never the password, and never whether that user exists.
    audit.record(
        action=Action.LOGIN_FAILED,
        origin=_origin(request),
        actor_username=str(credentials.get("username", ""))[:150],
        outcome=Outcome.FAILED,
    )
