"""`record()` is the only way a row enters the audit log.

Call it inside the transaction of the change it records, so that both commit or neither does.
Callers import this module as `audit`: `audit.record(action=..., request=request, target=obj)`.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from tsunagu.audit import chain
from tsunagu.audit.models import Action, AuditEvent, Outcome
from tsunagu.core.errors import Forbidden
from tsunagu.core.middleware import current_request_id

if TYPE_CHECKING:
    from tsunagu.accounts.models import User
    from tsunagu.organizations.models import Organization

P = ParamSpec("P")
R = TypeVar("R")


def client_ip(request: HttpRequest) -> str | None:
    """The client's address; behind the proxy, the entry the proxy itself appended.

    The first entries of X-Forwarded-For are whatever the client sent, so they prove nothing;
    the sign-in throttle reads the same last entry (`accounts.throttle`).
    """
    candidate = request.META.get("REMOTE_ADDR") or ""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded.strip():
            candidate = forwarded.split(",")[-1]
    try:
        return str(ipaddress.ip_address(candidate.strip()))
    except ValueError:  # not an address: recorded as none rather than refusing the row
        return None


def target_type_of(obj: models.Model) -> str:
    return obj._meta.label_lower


def record(
    *,
    action: Action | str,
    request: HttpRequest | None = None,
    actor: User | None = None,
    actor_username: str = "",
    organization: Organization | None = None,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str | int = "",
    outcome: Outcome | str = Outcome.SUCCESS,
    detail: dict[str, Any] | None = None,
    person_ids: Iterable[int] = (),
) -> AuditEvent:
    """Append one row, chained to the last.  Who and where come from `request` unless given
    explicitly.  `person_ids` names the persons whose data a list or search showed."""
    if request is not None:
        user = getattr(request, "user", None)
        if actor is None and user is not None and user.is_authenticated:
            actor = user
        if organization is None:
            membership = getattr(request, "acting_membership", None)
            if membership is not None:
                organization = membership.organization
    if target is not None:
        target_type = target_type or target_type_of(target)
        target_id = target_id or str(target.pk)
    event = AuditEvent(
        actor=actor,
        actor_username=actor_username or (actor.get_username() if actor else ""),
        organization=organization,
        action=str(action),
        outcome=str(outcome),
        target_type=target_type,
        target_id=str(target_id),
        ip_address=client_ip(request) if request is not None else None,
        user_agent=(request.headers.get("User-Agent", "")[:256] if request is not None else ""),
        request_id=getattr(request, "request_id", "") or current_request_id().strip("-"),
        # As the database will give it back, so that the hash computed now is the one a
        # verification recomputes from the stored row.
        detail=json.loads(json.dumps(detail or {}, cls=DjangoJSONEncoder)),
        person_ids=sorted({int(pk) for pk in person_ids}),
    )
    # One query more per row (the head under a lock; SQLite also counts the BEGIN IMMEDIATE
    # that holds its write lock when no transaction is open yet).
    with transaction.atomic(savepoint=False):
        chain.seal(event)
        event.save(force_insert=True)
    return event


def search_digest(text: str) -> str:
    """A keyed digest of words someone searched for.  The words may be personal data (a name,
    a phone number, a diagnosis) of someone the search did not even find, so the append-only
    log keeps this instead; an investigator who suspects a search recomputes it."""
    return salted_hmac("tsunagu.audit.search", " ".join(text.split())).hexdigest()


def record_read(
    request: HttpRequest,
    *,
    view: str,
    person_ids: Iterable[int],
    target: models.Model | None = None,
    filters: dict[str, Any] | None = None,
    search_text: str = "",
) -> AuditEvent:
    """One row per request that showed person data in a list, a search or a summary: which
    persons (ids only, never their data) and the query that produced them (the filters as
    given, the page, and the searched words as `search_digest`)."""
    ids = sorted({int(pk) for pk in person_ids})
    detail: dict[str, Any] = {"view": view, "path": request.path, "count": len(ids)}
    shown_filters = {k: str(v)[:200] for k, v in (filters or {}).items() if v not in (None, "")}
    page = request.GET.get("page", "")
    if page:
        shown_filters["page"] = page[:20]
    if shown_filters:
        detail["filters"] = shown_filters
    if search_text.strip():
        detail["search_digest"] = search_digest(search_text)
    return record(
        action=Action.RECORDS_LISTED,
        request=request,
        target=target,
        detail=detail,
        person_ids=ids,
    )


def record_denial(
    request: HttpRequest,
    *,
    target_type: str,
    target_id: str | int = "",
    reason: str = "",
) -> AuditEvent:
    """Every refusal of access is written down, including the 404s that hide a record."""
    return record(
        action=Action.ACCESS_DENIED,
        request=request,
        target_type=target_type,
        target_id=target_id,
        outcome=Outcome.DENIED,
        detail={"path": request.path, "method": request.method, "reason": reason},
    )


class Refusal(Forbidden):
    """A refusal raised inside a service's transaction.  Its access.denied row cannot be
    written there (it would roll back with everything else), so `atomic_with_refusals` writes
    it once the transaction is gone."""

    def __init__(
        self, message: str, *, request: HttpRequest, target_type: str, target_id: str, reason: str
    ) -> None:
        super().__init__(message)
        self.request = request
        self.target_type = target_type
        self.target_id = target_id
        self.reason = reason

    def record(self) -> AuditEvent:
        return record_denial(
            self.request, target_type=self.target_type, target_id=self.target_id, reason=self.reason
        )


def refusal(
    request: HttpRequest,
    *,
    target: models.Model | None,
    target_type: str = "",
    reason: str,
    message: str,
) -> Refusal:
    return Refusal(
        message,
        request=request,
        target_type=target_type or (target_type_of(target) if target is not None else ""),
        target_id=str(target.pk) if target is not None and target.pk else "",
        reason=reason,
    )


def atomic_with_refusals(service: Callable[P, R]) -> Callable[P, R]:
    """`transaction.atomic` for a write service, with the access.denied row of a Refusal
    written after the rollback."""

    @wraps(service)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            with transaction.atomic():
                return service(*args, **kwargs)
        except Refusal as exc:
            exc.record()
            raise

    return wrapper
