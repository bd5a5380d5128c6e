"""Who sees which part of the 避難行動要支援者名簿 and of a safety-check campaign.

- The city's department and the core center see the whole list (第49条の10: the city keeps it;
  the core center supports it) and every campaign.
- A 避難支援等関係者 (民生委員, 社会福祉協議会, 自主防災組織 as "other") sees, in normal times,
  only the consenting persons of the areas it serves (第49条の11第2項); a withdrawal of
  consent takes the person off its list at once.
- The organizations a campaign names see, while it is open, everyone on the list in its areas,
  consent or not (第49条の11第3項); closing the campaign ends that basis at once.
Anyone else gets the audited 404 of a page that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from tsunagu.audit import services as audit
from tsunagu.core.actor import Actor
from tsunagu.disaster.models import Campaign, RegisterEntry
from tsunagu.organizations.models import Area, OrganizationKind

ENTRY = "disaster.registerentry"
CAMPAIGN = "disaster.campaign"
OVERSIGHT_KINDS = (OrganizationKind.CITY_DEPARTMENT, OrganizationKind.CORE_CENTER)
SUPPORTER_KINDS = (
    OrganizationKind.WELFARE_COMMISSIONER,
    OrganizationKind.SOCIAL_WELFARE_COUNCIL,
    OrganizationKind.OTHER,
)


def oversees(actor: Actor) -> bool:
    org = actor.organization
    return org is not None and org.kind in OVERSIGHT_KINDS


def may_manage(actor: Actor) -> bool:
    """The city's department with write rights sets criteria, keeps the list, declares."""
    org = actor.organization
    return org is not None and org.kind == OrganizationKind.CITY_DEPARTMENT and actor.can_write


def may_plan(actor: Actor) -> bool:
    """Consents and 個別避難計画: the city and the core center."""
    return oversees(actor) and actor.can_write


def area_ids_under(areas: Iterable[Area]) -> set[int]:
    """The areas and every area below them."""
    found = {a.pk for a in areas}
    frontier = set(found)
    while frontier:
        frontier = set(Area.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier -= found
        found |= frontier
    return found


def open_campaigns_of(actor: Actor) -> QuerySet[Campaign]:
    org_id = actor.organization_id
    if org_id is None:
        return Campaign.objects.none()
    return Campaign.objects.filter(closed_at__isnull=True, workers__id=org_id).distinct()


def campaigns_visible_to(actor: Actor) -> QuerySet[Campaign]:
    if oversees(actor):
        return Campaign.objects.all()
    org_id = actor.organization_id
    if org_id is None:
        return Campaign.objects.none()
    return Campaign.objects.filter(workers__id=org_id).distinct()


def consenting() -> Q:
    return Q(consent_given_on__isnull=False, consent_withdrawn_on__isnull=True)


def entries_visible_to(actor: Actor) -> QuerySet[RegisterEntry]:
    """The list as this actor may see it now (see the module's docstring)."""
    entries = RegisterEntry.objects.select_related("person", "person__area")
    if oversees(actor):
        return entries
    org = actor.organization
    if org is None:
        return entries.none()
    seen = Q(pk__in=[])
    if org.kind in SUPPORTER_KINDS:
        served = area_ids_under(org.areas_served.all())
        seen |= consenting() & Q(person__area_id__in=served)
    disaster_areas: set[int] = set()
    for campaign in open_campaigns_of(actor).prefetch_related("areas"):
        disaster_areas |= area_ids_under(campaign.areas.all())
    if disaster_areas:
        seen |= Q(person__area_id__in=disaster_areas)
    return entries.filter(seen)


def campaign_entries(campaign: Campaign) -> QuerySet[RegisterEntry]:
    """Everyone on the list in the campaign's areas."""
    areas = area_ids_under(campaign.areas.all())
    return RegisterEntry.objects.select_related("person", "person__area").filter(
        person__area_id__in=areas
    )


def access_entry(actor: Actor, entry_id: object) -> RegisterEntry:
    pk = audit.object_pk(actor, ENTRY, entry_id)
    entry = entries_visible_to(actor).filter(pk=pk).first()
    if entry is None:
        raise audit.not_found(actor, ENTRY, pk, "not on a list this organization may see")
    return entry


def access_campaign(actor: Actor, campaign_id: object, *, to_record: bool = False) -> Campaign:
    pk = audit.object_pk(actor, CAMPAIGN, campaign_id)
    campaign = campaigns_visible_to(actor).filter(pk=pk).first()
    if campaign is None:
        raise audit.not_found(actor, CAMPAIGN, pk, "not a campaign of this organization")
    return campaign


def may_record(actor: Actor, campaign: Campaign) -> bool:
    if not campaign.is_open or not actor.can_write:
        return False
    return oversees(actor) or campaign.workers.filter(pk=actor.organization_id or 0).exists()
