"""The actor a test acts as, built as a management command or the demo builds one."""

from __future__ import annotations

import uuid

from tsunagu.accounts.models import User
from tsunagu.core.actor import Actor, Origin
from tsunagu.organizations.actors import actor_for
from tsunagu.organizations.models import Organization


def actor_as(user: User, organization: Organization | None = None) -> Actor:
    """`user` acting for `organization` (else their primary membership), as from a screen."""
    origin = Origin(request_id=uuid.uuid4().hex, path="/test/", method="POST")
    return actor_for(user, organization, origin=origin)
