"""Who acts, for which organization, with what rights, and from where.

Every service and selector takes an `Actor` as its first argument; none takes a web request.
The actor is built once: by `organizations.middleware.ActingOrganizationMiddleware` for a screen
(`request.actor`), by `accounts.api_auth.BearerAuth` for an API call, and by
`organizations.actors.actor_for` for a management command, the demo city or a test.  Its
`origin` says where the action came from (the request id, address, user agent, path), which is
what the audit row needs of a request.
"""

from __future__ import annotations

import ipaddress
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest

if TYPE_CHECKING:  # types only: core stands below accounts and organizations
    from tsunagu.accounts.models import User
    from tsunagu.organizations.models import Membership, Organization


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


def _host_url(request: HttpRequest) -> str:
    try:
        return request.build_absolute_uri("/").rstrip("/")
    except (DisallowedHost, KeyError):  # a bad or missing Host header: the audit row still
        return ""  # gets written, and a mail falls back to TSUNAGU_SITE_URL or the path


@dataclass(frozen=True)
class Origin:
    """Where an action came from, as its audit row records it."""

    request_id: str = ""
    ip_address: str | None = None
    user_agent: str = ""
    path: str = ""
    method: str = ""
    page: str = ""  # the page of a list asked for (`?page=`), for the read-audit row
    host_url: str = ""  # scheme and host, for an address in a mail when no SITE_URL is set

    @classmethod
    def of(cls, request: HttpRequest) -> Origin:
        return cls(
            request_id=getattr(request, "request_id", "") or uuid.uuid4().hex,
            ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent", "")[:256],
            path=request.path,
            method=request.method or "",
            page=request.GET.get("page", "")[:20],
            host_url=_host_url(request),
        )

    @classmethod
    def command(cls, name: str) -> Origin:
        """A management command, the demo seeder or a background job."""
        return cls(request_id=uuid.uuid4().hex, path=f"manage.py {name}", method="COMMAND")


@dataclass(frozen=True)
class Actor:
    """A user acting for one organization (or for none), through one of their memberships."""

    user: User
    membership: Membership | None
    memberships: tuple[Membership, ...] = ()
    origin: Origin = field(default_factory=Origin)

    @property
    def organization(self) -> Organization | None:
        return self.membership.organization if self.membership else None

    @property
    def organization_id(self) -> int | None:
        return self.membership.organization_id if self.membership else None

    @property
    def can_write(self) -> bool:
        return self.membership is not None and self.membership.can_write

    @property
    def request_id(self) -> str:
        return self.origin.request_id
