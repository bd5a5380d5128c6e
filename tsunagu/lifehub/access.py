"""Who sees and changes the life hub's records and the resident activities.

- Resident activities and their consents: the directory's keepers (the core center and the
  city department, with write rights) enter them, as they keep the directory; the consent rows
  name a resident (the contact person), so only the keepers' organizations and the organization
  that entered an activity read them.  Anyone else gets the audited 404.
- The hub's functions and who fills them: every signed-in member reads them (the network must
  know whom to call); the core center (the operating meeting's secretariat) and the city
  department change them.
- An emergency-acceptance request: the organization that received it, the one that asked, the
  one that accepted, and the core center and the city department (who run the hub) see it;
  anyone else gets the audited 404.  It carries no name, but its situation is a person's.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tsunagu.audit import services as audit
from tsunagu.core.actor import Actor
from tsunagu.directory import rules as directory_rules
from tsunagu.lifehub.models import EmergencyRequest, HubFunction, HubRole, ResidentActivity
from tsunagu.organizations.models import OrganizationKind

ACTIVITY = "lifehub.residentactivity"
EMERGENCY = "lifehub.emergencyrequest"
ROLE = "lifehub.hubrole"
HUB_KEEPER_KINDS = (OrganizationKind.CORE_CENTER, OrganizationKind.CITY_DEPARTMENT)


def runs_hub(actor: Actor) -> bool:
    """The core center and the city department: they see every request of the hub."""
    org = actor.organization
    return org is not None and org.kind in HUB_KEEPER_KINDS


def may_manage_hub(actor: Actor) -> bool:
    return runs_hub(actor) and actor.can_write


def may_keep_activities(actor: Actor) -> bool:
    return directory_rules.is_keeper(actor)


def may_record_emergency(actor: Actor) -> bool:
    """The hub's keepers, a life hub, or an organization filling the emergency function."""
    org = actor.organization
    if org is None or not actor.can_write:
        return False
    if org.kind in (*HUB_KEEPER_KINDS, OrganizationKind.COMMUNITY_LIFE_HUB):
        return True
    return HubRole.objects.filter(
        organization=org, function=HubFunction.EMERGENCY, ended_on__isnull=True
    ).exists()


def activities_visible_to(actor: Actor) -> QuerySet[ResidentActivity]:
    activities = ResidentActivity.objects.select_related(
        "resource", "area", "recorded_by_organization"
    )
    org = actor.organization
    if org is None:
        return activities.none()
    if org.kind in directory_rules.KEEPER_KINDS:
        return activities
    return activities.filter(recorded_by_organization=org)


def access_activity(actor: Actor, activity_id: object) -> ResidentActivity:
    pk = audit.object_pk(actor, ACTIVITY, activity_id)
    activity = activities_visible_to(actor).filter(pk=pk).first()
    if activity is None:
        raise audit.not_found(actor, ACTIVITY, pk, "not an activity this organization keeps")
    return activity


def emergencies_visible_to(actor: Actor) -> QuerySet[EmergencyRequest]:
    requests = EmergencyRequest.objects.select_related(
        "receiving_organization", "requesting_organization", "accepted_by"
    )
    org_id = actor.organization_id
    if org_id is None:
        return requests.none()
    if runs_hub(actor):
        return requests
    return requests.filter(
        Q(receiving_organization_id=org_id)
        | Q(requesting_organization_id=org_id)
        | Q(accepted_by_id=org_id)
    )


def access_emergency(actor: Actor, request_id: object) -> EmergencyRequest:
    pk = audit.object_pk(actor, EMERGENCY, request_id)
    found = emergencies_visible_to(actor).filter(pk=pk).first()
    if found is None:
        raise audit.not_found(actor, EMERGENCY, pk, "not a request of this organization")
    return found


def access_role(actor: Actor, role_id: object) -> HubRole:
    """A role to change: the hub's keepers only; anyone else the audited 404."""
    pk = audit.object_pk(actor, ROLE, role_id)
    role = None
    if runs_hub(actor):
        role = HubRole.objects.select_related("organization").filter(pk=pk).first()
    if role is None:
        raise audit.not_found(actor, ROLE, pk, "not a role this organization keeps")
    return role
