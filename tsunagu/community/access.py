"""Who sees which community record.

- An activity and its awareness event carry no person data (counts, partners, what came of
  it): every organization logs and edits its own; the city's department and the core center,
  which report the network's community work, read everyone's.  The consultation an activity
  led to is shown (and linked) only to those who see that consultation (cases/access.py).
- An outreach lead is about one person, however little is written: only the organization that
  received it sees it.  Nobody else is told that it exists.
Anyone else gets the audited 404 of a page that does not exist.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.cases.access import consultations_visible_to
from tsunagu.community.models import AwarenessMaterial, CommunityActivity, OutreachLead
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Forbidden
from tsunagu.organizations.models import OrganizationKind

ACTIVITY = "community.communityactivity"
LEAD = "community.outreachlead"
MATERIAL = "community.awarenessmaterial"
OVERSIGHT_KINDS = (OrganizationKind.CITY_DEPARTMENT, OrganizationKind.CORE_CENTER)
MATERIALS_MAX = 10


def oversees(actor: Actor) -> bool:
    org = actor.organization
    return org is not None and org.kind in OVERSIGHT_KINDS


def may_log(actor: Actor) -> bool:
    return actor.organization is not None and actor.can_write


def activities_visible_to(actor: Actor) -> QuerySet[CommunityActivity]:
    rows = CommunityActivity.objects.select_related("organization", "area")
    if oversees(actor):
        return rows
    if actor.organization_id is None:
        return rows.none()
    return rows.filter(organization_id=actor.organization_id)


def leads_visible_to(actor: Actor) -> QuerySet[OutreachLead]:
    rows = OutreachLead.objects.select_related("area", "worried_by_organization", "reviewer")
    if actor.organization_id is None:
        return rows.none()
    return rows.filter(organization_id=actor.organization_id)


def _require_own_writer(actor: Actor, target_type: str, pk: int, organization_id: int) -> None:
    if organization_id != actor.organization_id:
        audit.record_denial(actor, target_type=target_type, target_id=pk, reason="not the owner")
        raise Forbidden(_("記録した機関だけが変更できます。"))
    audit.require_writer(actor, target_type=target_type, target_id=pk)


def access_activity(
    actor: Actor, activity_id: object, *, for_write: bool = False
) -> CommunityActivity:
    pk = audit.object_pk(actor, ACTIVITY, activity_id)
    activity = activities_visible_to(actor).filter(pk=pk).first()
    if activity is None:
        raise audit.not_found(actor, ACTIVITY, pk, "not visible to the acting organization")
    if for_write:
        _require_own_writer(actor, ACTIVITY, pk, activity.organization_id)
    return activity


def access_lead(actor: Actor, lead_id: object, *, for_write: bool = False) -> OutreachLead:
    pk = audit.object_pk(actor, LEAD, lead_id)
    lead = leads_visible_to(actor).filter(pk=pk).first()
    if lead is None:
        raise audit.not_found(actor, LEAD, pk, "not a lead of the acting organization")
    if for_write:
        _require_own_writer(actor, LEAD, pk, lead.organization_id)
    return lead


def access_material(actor: Actor, material_id: object) -> AwarenessMaterial:
    pk = audit.object_pk(actor, MATERIAL, material_id)
    visible = activities_visible_to(actor).values("pk")
    material = (
        AwarenessMaterial.objects.select_related("event__activity")
        .filter(pk=pk, event__activity_id__in=visible)
        .first()
    )
    if material is None:
        raise audit.not_found(actor, MATERIAL, pk, "not visible to the acting organization")
    return material


def consultation_shown(actor: Actor, activity: CommunityActivity) -> bool:
    """Whether the actor sees the consultation an activity led to (then it is linked)."""
    if activity.consultation_id is None:
        return False
    return consultations_visible_to(actor).filter(pk=activity.consultation_id).exists()
