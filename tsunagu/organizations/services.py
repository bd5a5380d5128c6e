from __future__ import annotations

from django.db import transaction

from tsunagu.accounts.models import User
from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Invalid, NotFound
from tsunagu.organizations.models import Membership, Organization

ACTING_ORGANIZATION_SESSION_KEY = "acting_organization_id"


def acting_organization_switch(actor: Actor, *, organization_id: int) -> Membership:
    """The membership through which the actor acts for another of their organizations, from
    the next request on (the screen keeps the choice in the session)."""
    # Not @transaction.atomic: raising NotFound inside it would roll back the refusal's audit row.
    membership = (
        Membership.objects.current()
        .filter(user=actor.user, organization_id=organization_id)
        .select_related("organization")
        .first()
    )
    if membership is None:
        audit.record_denial(
            actor,
            target_type="organizations.organization",
            target_id=organization_id,
            reason="not a member",
        )
        raise NotFound("所属していない組織です。")
    audit.record(
        action=Action.ORGANIZATION_SWITCHED,
        actor=actor,
        organization=membership.organization,
        target=membership.organization,
        detail={"from": actor.organization_id},
    )
    return membership


@transaction.atomic
def membership_add(
    actor: Actor | None,
    *,
    user: User,
    organization: Organization,
    job_title: str,
    role: str,
    is_primary: bool = False,
) -> Membership:
    if not organization.has_accounts:
        raise Invalid("この組織の職員はサインインしない設定です。")
    if not Membership.objects.filter(user=user).exists():
        is_primary = True
    membership = Membership(
        user=user, organization=organization, job_title=job_title, role=role, is_primary=is_primary
    )
    membership.full_clean()
    membership.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        organization=organization,
        target=membership,
        detail={"user": user.pk, "job_title": job_title, "role": role},
    )
    return membership
