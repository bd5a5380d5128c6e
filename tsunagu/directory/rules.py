"""Who may change the directory.  Reading needs no rule: every signed-in member reads it all,
and residents read the published part without signing in.

- The core center and the city department edit everything (they keep the directory), and only
  they import a file.
- Any other organization edits the resources of its own provider (its services), and nothing
  else; a read-only member edits nothing.
- Resource developments (tsunagu.meetings) use `is_keeper` too: any member who may write records
  one; it is edited by its recording organization, the core center or the city department.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Forbidden
from tsunagu.directory.models import Provider, SocialResource
from tsunagu.organizations.models import OrganizationKind

KEEPER_KINDS = (OrganizationKind.CORE_CENTER, OrganizationKind.CITY_DEPARTMENT)


def is_keeper(actor: Actor) -> bool:
    """The core center or the city department, with write rights."""
    organization = actor.organization
    return actor.can_write and organization is not None and organization.kind in KEEPER_KINDS


def can_edit_provider(actor: Actor, provider: Provider) -> bool:
    if is_keeper(actor):
        return True
    return (
        actor.can_write
        and provider.organization_id is not None
        and provider.organization_id == actor.organization_id
    )


def can_edit_resource(actor: Actor, resource: SocialResource) -> bool:
    return can_edit_provider(actor, resource.provider)


def can_create_resource(actor: Actor) -> bool:
    return is_keeper(actor) or (actor.can_write and actor.organization_id is not None)


def require(allowed: bool, message: str = "") -> None:
    if not allowed:
        raise Forbidden(message or _("この社会資源を編集する権限がありません。"))


def record_refusal(actor: Actor, where: str, exc: Forbidden) -> None:
    """A refused write of the directory leaves an access.denied row naming the address."""
    audit.record_denial(actor, target_type="directory", target_id=where[:64], reason=exc.message)


@contextmanager
def refusals_recorded(actor: Actor, where: str) -> Iterator[None]:
    """Around a write (a screen's or the API's): a refusal leaves its access.denied row."""
    try:
        yield
    except Forbidden as exc:
        record_refusal(actor, where, exc)
        raise
