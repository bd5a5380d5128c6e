"""The offline phone screen of a safety-check campaign (issue 20 item 7, ADR 0020).

What the check page hands its script (`bundle`): the campaign's rows with the version each
shows, and the key the script seals them with on the device.  The key is derived on the server
from the session, the user and the campaign: a new sign-in gives a new key, and no other
session or campaign can open what this one sealed.  It travels only inside the session-bound,
never-cached check page; the script turns it into a non-extractable CryptoKey at once.

What the phone sends back (`parse_items`): the states it queued, each with its own id and the
version the helper saw.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ValidationError

from tsunagu.core.errors import Invalid
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.validators import MAX_ID, Id
from tsunagu.disaster import services
from tsunagu.disaster.models import Campaign, CheckState
from tsunagu.disaster.selectors import CheckRow

KEY_SALT = "tsunagu.disaster.offline"
# The session's sign-in moment (accounts.services.SESSION_AUTH_AT), read by name: the disaster
# app stands on a floor that does not import accounts.
SESSION_AUTH_AT = "tsunagu_auth_at"
# Bump when the service worker's behaviour changes without its assets' names changing.
WORKER_VERSION = "1"
WORKER_ASSETS = (
    "core/vendor/digital-go-design-tokens-1.1.9.css",
    "core/css/app.css",
    "disaster/check.css",
    "disaster/offline.js",
    "disaster/icon.svg",
)


class DisasterSyncItemIn(Schema):
    client_id: uuid.UUID
    entry_id: Id
    state: str = Field(..., max_length=16)
    base: int | None = Field(None, ge=0, le=MAX_ID)
    evacuated_to: str = Field("", max_length=200)
    note: str = Field("", max_length=500)


class DisasterSyncIn(Schema):
    items: list[DisasterSyncItemIn] = Field(..., max_length=services.MAX_BATCH)


def items_of(payload: DisasterSyncIn) -> list[services.SyncItem]:
    return [
        services.SyncItem(
            client_id=i.client_id,
            entry_id=i.entry_id,
            state=i.state,
            base=i.base or None,
            evacuated_to=i.evacuated_to,
            note=i.note,
        )
        for i in payload.items
    ]


def parse_items(body: bytes) -> list[services.SyncItem]:
    try:
        payload = DisasterSyncIn.model_validate_json(body)
    except (ValidationError, ValueError):
        raise Invalid(_("送られた記録を読めませんでした。")) from None
    return items_of(payload)


def check_json(check: Any) -> dict[str, Any]:
    local = timezone.localtime(check.recorded_at)
    return {
        "id": check.pk,
        "entry_id": check.entry_id,
        "state": check.state,
        "label": str(check.get_state_display()),
        "evacuated_to": check.evacuated_to,
        "recorded_at": local.isoformat(),
        "at": local.strftime("%H:%M"),
    }


def result_json(result: services.SyncResult) -> dict[str, Any]:
    return {
        "client_id": result.client_id,
        "status": result.status,
        "replayed": result.replayed,
        "message": result.message,
        "check": check_json(result.check) if result.check is not None else None,
    }


def session_key(request: TsunaguRequest, campaign: Campaign) -> bytes | None:
    session = request.session.session_key
    if not session:
        return None
    value = f"{session}|{request.user.pk}|{campaign.pk}"
    return salted_hmac(KEY_SALT, value, algorithm="sha256").digest()


def bundle(
    request: TsunaguRequest, campaign: Campaign, rows: Sequence[CheckRow], *, may_record: bool
) -> dict[str, Any]:
    """What the page's script keeps on the device: nothing but the order to wipe for a closed
    campaign or a helper who may not record."""
    base: dict[str, Any] = {
        "campaign": campaign.pk,
        "open": campaign.is_open,
        "key": None,
        "worker": reverse("disaster:service_worker"),
        "scope": reverse("disaster:register"),
    }
    key = session_key(request, campaign) if campaign.is_open and may_record else None
    if key is None:
        return base
    auth_at = request.session.get(SESSION_AUTH_AT)
    lifetime = settings.SESSION_ABSOLUTE_LIFETIME.total_seconds()
    expires = (float(auth_at) if auth_at else timezone.now().timestamp()) + lifetime
    states = dict(CheckState.choices)
    return {
        **base,
        "key": base64.b64encode(key).decode(),
        "kid": hashlib.sha256(b"tsunagu offline key id\x00" + key).hexdigest()[:16],
        "expires": int(expires * 1000),
        "title": campaign.title,
        "sync": reverse("disaster:campaign_sync", args=[campaign.pk]),
        "record": reverse("disaster:campaign_record", args=[campaign.pk]),
        "states": [[value, str(label)] for value, label in CheckState.choices],
        "rows": [
            {
                "entry": r.entry.pk,
                "name": r.entry.person.display_name,
                # Through people.protection: hidden under DV protection, on the device too.
                "address": r.shown_address,
                "phone": "" if r.contact is None or r.contact.hidden else r.shown_phone,
                "state": r.latest.state if r.latest else "",
                "label": str(states[r.latest.state]) if r.latest else "",
                "evacuated_to": r.latest.evacuated_to if r.latest else "",
                "at": timezone.localtime(r.latest.recorded_at).strftime("%H:%M")
                if r.latest
                else "",
                "version": r.latest.pk if r.latest else 0,
            }
            for r in rows
        ],
    }


def worker_context() -> dict[str, Any]:
    assets = [static(a) for a in WORKER_ASSETS]
    shell = reverse("disaster:offline_shell")
    digest = hashlib.sha256(json.dumps([WORKER_VERSION, shell, assets]).encode()).hexdigest()
    return {
        "cache": f"tsunagu-offline-{digest[:12]}",
        "shell": shell,
        "precache": json.dumps([shell, *assets]),
        "check_pattern": "^" + reverse("disaster:campaign_list") + r"\d+/check/$",
    }


def manifest() -> dict[str, Any]:
    return {
        "name": _("つなぐ 安否確認"),
        "short_name": _("安否確認"),
        "lang": "ja",
        "start_url": reverse("disaster:campaign_list"),
        "scope": reverse("disaster:register"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0017c1",
        "icons": [{"src": static("disaster/icon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
