"""The audit log as a hash chain.

Each row stores `prev_hash` (the `row_hash` of the row before it, "" for the first row) and
`row_hash = SHA-256(prev_hash + "\\n" + canonical JSON of the row's content)`.  Changing a row's
content, deleting a row in the middle or moving rows around breaks a link that `verify()` finds
by recomputing every hash from the stored content.  Cutting rows off the end leaves a shorter but
valid chain: only a head saved elsewhere (`head()`, printed by `manage.py audit_verify`) shows it.

Appends are serialised so that two writers never chain onto the same head: on PostgreSQL
`audit_chain_head_locked()` (migration 0003) takes a transaction-level advisory lock and then
reads the head in the same statement; SQLite takes its write lock at `BEGIN IMMEDIATE`.

Restores insert rows with their stored hashes and never recompute them here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection

from tsunagu.audit.models import AuditEvent

GENESIS = ""
CHUNK = 2000


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken_id: int | None
    reason: str
    head: tuple[int, str] | None = None  # the last row checked (id, hash)


def _utc(at: dt.datetime) -> str:
    if at.tzinfo is None:  # USE_TZ is on; a naive value is UTC as stored
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return str(value)


def content_of(event: AuditEvent) -> dict[str, Any]:
    """What a row's hash covers: every column but the id and the two hashes."""
    return {
        "v": 1,
        "at": _utc(event.at),
        "actor": event.actor_id,
        "actor_username": event.actor_username,
        "organization": event.organization_id,
        "action": event.action,
        "outcome": event.outcome,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "ip_address": _ip(event.ip_address),
        "user_agent": event.user_agent,
        "request_id": event.request_id,
        "detail": event.detail,
        "person_ids": event.person_ids,
    }


def canonical(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def row_hash(prev_hash: str, event: AuditEvent) -> str:
    payload = f"{prev_hash}\n{canonical(content_of(event))}"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _head_hash_locked() -> str:
    """The head's hash, with appends serialised until this transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT audit_chain_head_locked()")
            found = cursor.fetchone()
        return str(found[0]) if found and found[0] else GENESIS
    last = AuditEvent.objects.order_by("-id").values_list("row_hash", flat=True).first()
    return last or GENESIS


def seal(event: AuditEvent) -> None:
    """Chain an unsaved row onto the head.  Call inside the transaction that inserts it."""
    event.prev_hash = _head_hash_locked()
    event.row_hash = row_hash(event.prev_hash, event)


def head() -> tuple[int, str] | None:
    """Id and hash of the last row, or None for an empty log."""
    last = AuditEvent.objects.order_by("-id").values_list("id", "row_hash").first()
    return (int(last[0]), str(last[1])) if last else None


def verify(*, expected_head: tuple[int, str] | None = None) -> VerifyResult:
    """Walk the whole log in id order, recomputing each hash and checking each link.

    `expected_head` is a head saved earlier: the row with that id must still exist in the
    chain with that hash (a truncated tail is found only this way)."""
    prev = GENESIS
    checked = 0
    last: tuple[int, str] | None = None
    seen_expected = expected_head is None
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=CHUNK):
        if event.prev_hash != prev:
            reason = (
                "the first row does not start the chain"
                if last is None
                else f"does not link to row {last[0]} (a row was deleted, inserted or moved)"
            )
            return VerifyResult(False, checked, event.pk, reason, last)
        if row_hash(event.prev_hash, event) != event.row_hash:
            return VerifyResult(False, checked, event.pk, "content was changed", last)
        checked += 1
        prev = event.row_hash
        last = (event.pk, event.row_hash)
        if expected_head is not None and event.pk == expected_head[0]:
            if event.row_hash != expected_head[1]:
                return VerifyResult(False, checked, event.pk, "differs from the saved head", last)
            seen_expected = True
    if not seen_expected and expected_head is not None:
        return VerifyResult(
            False,
            checked,
            expected_head[0],
            "the saved head is missing (rows were cut off the end)",
            last,
        )
    return VerifyResult(True, checked, None, "", last)
