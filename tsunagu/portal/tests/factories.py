"""Portal test helpers: accounts are made through the services, as the counselor makes them."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.cases.models import Case
from tsunagu.core.actor import Origin
from tsunagu.organizations.actors import actor_for
from tsunagu.portal import services
from tsunagu.portal.middleware import PORTAL_PREFIX
from tsunagu.portal.models import PortalAccount

PASSPHRASE = "あおぞら こもれび しずく みずうみ"


def invite_person(case: Case, by: User, **kwargs: object) -> tuple[PortalAccount, str]:
    account, _invitation, code = services.portal_invite(
        actor_for(by),
        case=case,
        kind="person",
        display_name=str(kwargs.pop("display_name", "さくらさん")),
        channel=str(kwargs.pop("channel", "paper")),
    )
    return account, code


def invite_supporter(
    case: Case, by: User, *, sections: list[str], relationship: str = "母"
) -> tuple[PortalAccount, str]:
    account, _invitation, code = services.portal_invite(
        actor_for(by),
        case=case,
        kind="supporter",
        display_name="お母さん",
        relationship=relationship,
        sections=sections,
        consent_obtained_on=timezone.localdate() - dt.timedelta(days=1),
        consent_method="書面",
        channel="paper",
    )
    return account, code


def portal_client(account: PortalAccount, code: str) -> Client:
    """A browser that used its code (set the passphrase) and holds only a portal cookie."""
    _account, token = services.invitation_redeem(
        code, passphrase=PASSPHRASE, again=PASSPHRASE, origin=Origin(ip_address="192.0.2.10")
    )
    client = Client()
    client.cookies["tsunagu_portal"] = token
    client.cookies["tsunagu_portal"]["path"] = PORTAL_PREFIX
    return client


def tiny_wav(seconds: float = 0.3, rate: int = 8000) -> bytes:
    """A short, valid WAV (8 kHz, 16-bit mono, a soft 440 Hz tone): a voice note for tests."""
    import io
    import math
    import struct
    import wave

    frames = b"".join(
        struct.pack("<h", int(3000 * math.sin(2 * math.pi * 440 * i / rate)))
        for i in range(int(seconds * rate))
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return buffer.getvalue()
