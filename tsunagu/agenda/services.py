"""Writes about calendar feeds: make one (its address shown once), stop it, and the fetch.

Each writes its audit row in its transaction.  The feed's address is a bearer secret, so only
its SHA-256 is stored (as `accounts.ApiToken`); making a new feed stops the user's old ones, so
a user has at most one address in circulation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.agenda.models import CalendarFeed, Scope
from tsunagu.audit import services as audit
from tsunagu.audit.actions import register_action
from tsunagu.core.actor import Actor, Origin
from tsunagu.core.errors import Invalid
from tsunagu.organizations.actors import actor_for

FEED_CREATED = register_action("agenda.feed_created", gettext_lazy("カレンダー配信の作成"))
FEED_REVOKED = register_action("agenda.feed_revoked", gettext_lazy("カレンダー配信の停止"))
FEED_FETCHED = register_action("agenda.feed_fetched", gettext_lazy("カレンダー配信の取得"))

TOKEN_PREFIX = "cal_"  # noqa: S105  # a marker, not a secret
TOKEN_MAX_LENGTH = 64  # what we issue is 47 characters; anything longer is not ours
# A calendar app polls every quarter of an hour or less often; a feed read more often than this
# is answered 429 without building it (cheap whatever a client does).
MIN_FETCH_INTERVAL = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class IssuedFeed:
    raw: str
    feed: CalendarFeed


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _revoke_all(actor: Actor) -> list[CalendarFeed]:
    feeds = list(CalendarFeed.objects.active().filter(user=actor.user))
    now = timezone.now()
    for feed in feeds:
        feed.revoked_at = now
        feed.save(update_fields=["revoked_at"])
        audit.record(action=FEED_REVOKED, actor=actor, target=feed)
    return feeds


@audit.atomic_with_refusals
def feed_create(actor: Actor, *, scope: str) -> IssuedFeed:
    """A new feed for the actor acting for their organization; stops any feed they had."""
    if actor.organization_id is None:
        raise Invalid(_("所属機関を選んでからカレンダーの配信を作成してください。"))
    if scope not in Scope.values:
        raise Invalid(_("表示する予定を選んでください。"))
    _revoke_all(actor)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    feed = CalendarFeed(
        user=actor.user,
        organization_id=actor.organization_id,
        scope=scope,
        key_hash=_hash(raw),
        prefix=raw[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 8],
        epoch=actor.user.session_epoch,
    )
    feed.full_clean()
    feed.save()
    audit.record(action=FEED_CREATED, actor=actor, target=feed, detail={"scope": scope})
    return IssuedFeed(raw=raw, feed=feed)


@audit.atomic_with_refusals
def feed_revoke(actor: Actor) -> int:
    """Stop every feed of the actor's user; how many there were."""
    return len(_revoke_all(actor))


def feed_active(actor: Actor) -> CalendarFeed | None:
    feeds = CalendarFeed.objects.active().filter(user=actor.user)
    return feeds.select_related("organization").first()


def feed_authenticate(raw: str, *, origin: Origin) -> tuple[CalendarFeed, Actor] | None:
    """The feed a secret opens and the actor it reads as, or None: unknown, revoked, the user
    disabled or signed out everywhere since, or no longer a member of the organization."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > TOKEN_MAX_LENGTH:
        return None
    feed = (
        CalendarFeed.objects.active()
        .filter(key_hash=_hash(raw))
        .select_related("user", "organization")
        .first()
    )
    if feed is None or not feed.user.is_active or feed.epoch != feed.user.session_epoch:
        return None
    actor = actor_for(feed.user, feed.organization_id, origin=origin)
    if actor.organization_id != feed.organization_id:
        return None
    return feed, actor


def feed_claim_fetch(feed: CalendarFeed) -> bool:
    """Mark the feed read now, unless it was read less than MIN_FETCH_INTERVAL ago (then
    False).  One conditional UPDATE, so two fetches at once cannot both pass."""
    now = timezone.now()
    return bool(
        CalendarFeed.objects.filter(pk=feed.pk)
        .filter(Q(last_fetched_at__isnull=True) | Q(last_fetched_at__lte=now - MIN_FETCH_INTERVAL))
        .update(last_fetched_at=now)
    )


def feed_fetched(actor: Actor, *, feed: CalendarFeed, count: int) -> None:
    """The audit row of one fetch.  The feed names no person, so the row names none."""
    audit.record(
        action=FEED_FETCHED,
        actor=actor,
        target=feed,
        detail={"count": count, "scope": feed.scope},
    )
