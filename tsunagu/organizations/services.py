from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from tsunagu.accounts.models import User
from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.errors import Invalid, NotFound
from tsunagu.organizations.models import Membership, Organization

ACTING_ORGANIZATION_SESSION_KEY = "acting_organization_id"


def acting_organization_switch(*, request: HttpRequest, organization_id: int) -> Membership:
    """Act for another of the user's organizations from the next request on."""
    # Not @transaction.atomic: raising NotFound inside it would roll back the refusal's audit row.
    membership = (
        Membership.objects.current()
        .filter(user=request.user, organization_id=organization_id)  # type: ignore[misc]
        .select_related("organization")
        .first()
    )
    if membership is None:
        audit.record_denial(
            request,
            target_type="organizations.organization",
            target_id=organization_id,
            reason="not a member",
        )
        raise NotFound("所属していない組織です。")
    previous = getattr(request, "acting_membership", None)
    audit.record(
        action=Action.ORGANIZATION_SWITCHED,
        request=request,
        organization=membership.organization,
        target=membership.organization,
        detail={"from": previous.organization_id if previous else None},
    )
    request.session[ACTING_ORGANIZATION_SESSION_KEY] = membership.organization_id
    request.acting_membership = membership  # type: ignore[attr-defined]
    return membership


@transaction.atomic
def membership_add(
    *,
    user: User,
    organization: Organization,
    job_title: str,
    role: str,
    request: HttpRequest | None = None,
    actor: User | None = None,
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
        request=request,
        actor=actor,
        organization=organization,
        target=membership,
        detail={"user": user.pk, "job_title": job_title, "role": role},
    )
    return membership
