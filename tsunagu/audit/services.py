"""`record()` is the only way a row enters the audit log.

Call it inside the transaction of the change it records, so that both commit or neither does.
Callers import this module as `audit`: `audit.record(action=..., actor=actor, target=obj)`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from tsunagu.audit import chain
from tsunagu.audit.models import Action, AuditEvent, Outcome
from tsunagu.core.actor import Actor, Origin
from tsunagu.core.errors import Forbidden, NotFound
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.middleware import current_request_id
from tsunagu.core.validators import MAX_ID

if TYPE_CHECKING:
    from tsunagu.accounts.models import User
    from tsunagu.organizations.models import Organization

P = ParamSpec("P")
R = TypeVar("R")


def target_type_of(obj: models.Model) -> str:
    return obj._meta.label_lower


def record(
    *,
    action: Action | str,
    actor: Actor | None = None,
    origin: Origin | None = None,
    user: User | None = None,
    actor_username: str = "",
    organization: Organization | None = None,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str | int = "",
    outcome: Outcome | str = Outcome.SUCCESS,
    detail: dict[str, Any] | None = None,
    person_ids: Iterable[int] = (),
) -> AuditEvent:
    """Append one row, chained to the last.  Who, for which organization and from where come
    from `actor` unless given explicitly (`user`, `organization`, `origin`: a sign-in, before
    anyone acts).  `person_ids` names the persons whose data a list or search showed."""
    if actor is not None:
        user = user or actor.user
        organization = organization or actor.organization
        origin = origin or actor.origin
    origin = origin or Origin()
    if target is not None:
        target_type = target_type or target_type_of(target)
        target_id = target_id or str(target.pk)
    event = AuditEvent(
        actor=user,
        actor_username=actor_username or (user.get_username() if user else ""),
        organization=organization,
        action=str(action),
        outcome=str(outcome),
        target_type=target_type,
        target_id=str(target_id),
        ip_address=origin.ip_address,
        user_agent=origin.user_agent,
        request_id=origin.request_id or current_request_id().strip("-"),
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
    actor: Actor,
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
    detail: dict[str, Any] = {"view": view, "path": actor.origin.path, "count": len(ids)}
    shown_filters = {k: str(v)[:200] for k, v in (filters or {}).items() if v not in (None, "")}
    if actor.origin.page:
        shown_filters["page"] = actor.origin.page
    if shown_filters:
        detail["filters"] = shown_filters
    if search_text.strip():
        detail["search_digest"] = search_digest(search_text)
    return record(
        action=Action.RECORDS_LISTED,
        actor=actor,
        target=target,
        detail=detail,
        person_ids=ids,
    )


class _Pending(threading.local):
    """The access.denied rows of the write service running on this thread (one database
    connection per thread), kept until its transaction is over: `None` outside any."""

    denials: list[Callable[[], object]] | None = None


_pending = _Pending()


@contextmanager
def refusals_kept() -> Iterator[None]:
    """Around a write service's transaction: every access.denied row asked for inside
    (`record_denial`, `not_found`, a `Refusal`) is written once the outermost such block is
    over, committed or rolled back, so a refusal is on the record even when the write it
    refused is undone.  `atomic_with_refusals` is this around `transaction.atomic`."""
    outermost = _pending.denials is None
    if outermost:
        _pending.denials = []
    try:
        yield
    except Refusal as exc:
        exc.record()
        raise
    finally:
        if outermost:
            denials, _pending.denials = _pending.denials or [], None
            for write in denials:
                write()


def record_denial(
    actor: Actor | None,
    *,
    target_type: str,
    target_id: str | int = "",
    reason: str = "",
    origin: Origin | None = None,
) -> AuditEvent | None:
    """Every refusal of access is written down, including the 404s that hide a record.  With
    no actor, `origin` says where the refused request came from.  Inside a write service
    (`atomic_with_refusals`, `refusals_kept`) the row is written when its transaction is over
    (and `None` returned); elsewhere at once."""
    origin = origin or (actor.origin if actor is not None else Origin())
    if _pending.denials is not None:
        deferred_origin = origin
        _pending.denials.append(
            lambda: record_denial(
                actor,
                target_type=target_type,
                target_id=target_id,
                reason=reason,
                origin=deferred_origin,
            )
        )
        return None
    return record(
        action=Action.ACCESS_DENIED,
        actor=actor,
        origin=origin,
        target_type=target_type,
        target_id=target_id,
        outcome=Outcome.DENIED,
        detail={"path": origin.path, "method": origin.method, "reason": reason},
    )


def not_found(actor: Actor, target_type: str, target_id: object, reason: str) -> NotFound:
    """The 404 of a record the actor may not see (or that does not exist: the two answer
    alike, so a refusal tells nothing of what exists), its access.denied row written now.
    Raise what it returns."""
    record_denial(actor, target_type=target_type, target_id=str(target_id)[:64], reason=reason)
    return NotFound(_("見つかりません。"))


def object_pk(actor: Actor, target_type: str, value: object) -> int:
    """A record's id from a URL or a body: a whole number a database key can hold, else the
    audited 404 of `not_found` ("abc" and 2**63 never reach a query)."""
    try:
        pk = int(str(value))
    except ValueError:
        pk = 0
    if not 0 < pk <= MAX_ID:
        raise not_found(actor, target_type, value, "malformed id")
    return pk


class Refusal(Forbidden):
    """A refusal raised inside a service's transaction.  Its access.denied row cannot be
    written there (it would roll back with everything else), so `atomic_with_refusals` writes
    it once the transaction is gone."""

    def __init__(
        self, message: str, *, actor: Actor, target_type: str, target_id: str, reason: str
    ) -> None:
        super().__init__(message)
        self.actor = actor
        self.target_type = target_type
        self.target_id = target_id
        self.reason = reason
        self.recorded = False

    def record(self) -> None:
        """Its access.denied row, once (nested services see the same Refusal go by)."""
        if not self.recorded:
            self.recorded = True
            record_denial(
                self.actor,
                target_type=self.target_type,
                target_id=self.target_id,
                reason=self.reason,
            )


def require_role(actor: Actor, allowed: Callable[[Actor], bool], *, view: str) -> Actor:
    """The actor, if `allowed(actor)`; else NotFound, with its access.denied row.  A page or
    route for a role (statistics, caseloads, staffing) answers anyone else as it answers for a
    page that does not exist."""
    if allowed(actor):
        return actor
    record_denial(actor, target_type="view", target_id=view, reason="no role")
    raise NotFound(_("見つかりません。"))


def for_role(
    allowed: Callable[[Actor], bool], *, view: str
) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """`require_role` before a screen (which maps the NotFound with
    `core.screens.errors_as_pages`).  An API route calls `require_role` itself: ninja reads a
    route's annotations in the module that defines it, not through a wrapper."""

    def decorate(handler: Callable[..., R]) -> Callable[..., R]:
        @wraps(handler)
        def guarded(request: TsunaguRequest, *args: Any, **kwargs: Any) -> R:
            require_role(request.actor, allowed, view=view)
            return handler(request, *args, **kwargs)

        return guarded

    return decorate


def refusal(
    actor: Actor,
    *,
    target: models.Model | None,
    target_type: str = "",
    reason: str,
    message: str,
) -> Refusal:
    return Refusal(
        message,
        actor=actor,
        target_type=target_type or (target_type_of(target) if target is not None else ""),
        target_id=str(target.pk) if target is not None and target.pk else "",
        reason=reason,
    )


@contextmanager
def atomic() -> Iterator[None]:
    """`with audit.atomic():` is `atomic_with_refusals` for a block inside a service."""
    with refusals_kept(), transaction.atomic():
        yield


def atomic_with_refusals(service: Callable[P, R]) -> Callable[P, R]:
    """`transaction.atomic` for a write service, with every access.denied row asked for
    inside (a Refusal, `record_denial`, `not_found`) written after the commit or rollback
    (`refusals_kept`)."""

    @wraps(service)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with refusals_kept(), transaction.atomic():
            return service(*args, **kwargs)

    return wrapper


def require_writer(
    actor: Actor,
    *,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: object = "",
    deferred: bool = False,
) -> Actor:
    """The actor, if they act for an organization with write rights; else Forbidden, with its
    access.denied row written now or (`deferred`, inside a service under
    `atomic_with_refusals`) after the rollback."""
    if actor.membership is None:
        reason, message = "no organization", _("所属を選んでから操作してください。")
    elif not actor.can_write:
        reason, message = "read-only membership", _("閲覧のみの権限では変更できません。")
    else:
        return actor
    if target is not None:
        target_type = target_type or target_type_of(target)
        target_id = target.pk or ""
    refused = Refusal(
        message, actor=actor, target_type=target_type, target_id=str(target_id)[:64], reason=reason
    )
    if not deferred:
        refused.record()
    raise refused
