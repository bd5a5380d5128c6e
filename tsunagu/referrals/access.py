"""The one way in to referrals, built on tsunagu/cases/access.py.

A referral is visible to the requesting organization and to the receiving organization (a draft
to the requester only), acting as that organization, and to nobody else.  Seeing a referral
does not open its case: before acceptance the receiver sees only the summary the requester
chose; accepting puts the receiver on the case team, and the case's own rules apply from then.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tsunagu.cases.access import access_object, cases_visible_to
from tsunagu.core.actor import Actor
from tsunagu.referrals.models import Referral, ReferralStatus, Side


def referrals_visible_to(actor: Actor) -> QuerySet[Referral]:
    if actor.organization_id is None:
        return Referral.objects.none()
    org_id = actor.organization_id
    return Referral.objects.filter(
        Q(requesting_organization_id=org_id)
        | (Q(receiving_organization_id=org_id) & ~Q(status=ReferralStatus.DRAFT))
    )


def side_of(actor: Actor, referral: Referral) -> str | None:
    if actor.organization_id is None:
        return None
    if actor.organization_id == referral.requesting_organization_id:
        return Side.REQUESTER
    if actor.organization_id == referral.receiving_organization_id:
        return Side.RECEIVER
    return None


def access_referral(actor: Actor, referral_id: object, *, for_write: bool = False) -> Referral:
    """404 for missing and not-yours alike (audited); a `record.viewed` row for a read; 403 for
    a write by a read-only member."""
    queryset = referrals_visible_to(actor).select_related(
        "case",
        "person",
        "requesting_organization",
        "requesting_worker",
        "receiving_organization",
        "receiving_worker",
        "consent",
        "plan_item",
    )
    obj = access_object(actor, queryset, referral_id, for_write=for_write)
    assert isinstance(obj, Referral)  # noqa: S101
    return obj


def can_see_case(actor: Actor, referral: Referral) -> bool:
    """Whether the actor may open the referral's case (the case rules, not the referral's)."""
    return cases_visible_to(actor).filter(pk=referral.case_id).exists()
