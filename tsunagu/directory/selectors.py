"""Reads of the directory.  Staff read everything; residents and the HSDS API read
`SocialResource.objects.public()` only, through `public=True`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from tsunagu.core.errors import NotFound
from tsunagu.core.kana import normalize_kana
from tsunagu.directory.models import (
    Contact,
    Location,
    Phone,
    Provider,
    ResourceStatus,
    SocialResource,
    Taxonomy,
    TaxonomyTerm,
)
from tsunagu.directory.taxonomy import PEER_COUNSELLING
from tsunagu.organizations.models import Area

RESOURCES_PER_PAGE = 20


@dataclass(frozen=True)
class ResourceFilters:
    q: str = ""
    service_type: TaxonomyTerm | None = None
    specialty: TaxonomyTerm | None = None
    area: Area | None = None
    accepts_visits: bool = False
    has_vacancy: bool = False
    informal: bool | None = None  # None: both
    provider: Provider | None = None


def _area_ids(area: Area) -> list[int]:
    """The area and every area under it (a ward finds its catchment areas' resources)."""
    ids = [area.pk]
    frontier = [area.pk]
    while frontier:
        frontier = list(Area.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    return ids


def _public_children(public: bool) -> list[Any]:
    phones = Phone.objects.filter(is_internal=False) if public else Phone.objects.all()
    contacts = Contact.objects.filter(is_internal=False) if public else Contact.objects.all()
    return [
        Prefetch("phones", queryset=phones),
        Prefetch("contacts", queryset=contacts),
    ]


def resource_queryset(*, public: bool) -> QuerySet[SocialResource]:
    base = SocialResource.objects.public() if public else SocialResource.objects.all()
    return base.select_related("provider", "provider__organization", "service_type")


def filter_resources(
    resources: QuerySet[SocialResource], filters: ResourceFilters
) -> QuerySet[SocialResource]:
    """The resident's search and the staff list's filters.  Each row once: what could
    repeat a resource (its locations) is a subquery."""
    for word in filters.q.split():
        folded = normalize_kana(word)
        if folded:
            resources = resources.filter(search_text__icontains=folded)
    if filters.service_type is not None:
        resources = resources.filter(service_type=filters.service_type)
    if filters.specialty is not None:
        resources = resources.filter(specialties=filters.specialty)
    if filters.area is not None:
        located = Location.objects.filter(area_id__in=_area_ids(filters.area))
        resources = resources.filter(pk__in=located.values("resource_id"))
    if filters.accepts_visits:
        resources = resources.filter(Q(accepts_visits=True) | Q(accepts_trial=True))
    if filters.has_vacancy:
        resources = resources.filter(vacancies__gt=0)
    if filters.informal is not None:
        resources = resources.filter(service_type__is_informal=filters.informal)
    if filters.provider is not None:
        resources = resources.filter(provider=filters.provider)
    return resources


def resource_list(*, filters: ResourceFilters, public: bool) -> QuerySet[SocialResource]:
    return filter_resources(resource_queryset(public=public), filters).prefetch_related(
        "specialties",
        Prefetch("locations", queryset=Location.objects.select_related("area")),
        "schedules",
        *_public_children(public),
    )


def resource_rows() -> QuerySet[SocialResource]:
    """The staff list's rows: every resource, with the areas of its locations."""
    return resource_queryset(public=False).prefetch_related(
        Prefetch("locations", queryset=Location.objects.select_related("area"))
    )


def resource_detail(resource_id: object, *, public: bool) -> SocialResource:
    """One resource with everything its page shows; NotFound for a missing id (and, for
    residents, for an unpublished one: they cannot tell the two apart)."""
    resources = resource_queryset(public=public).prefetch_related(
        "specialties",
        Prefetch("locations", queryset=Location.objects.select_related("area")),
        "schedules",
        *_public_children(public),
    )
    try:
        if isinstance(resource_id, uuid.UUID) or (
            isinstance(resource_id, str) and not resource_id.isdigit()
        ):
            return resources.get(hsds_id=uuid.UUID(str(resource_id)))
        return resources.get(pk=int(str(resource_id)))
    except (SocialResource.DoesNotExist, ValueError):
        raise NotFound(_("社会資源が見つかりません。")) from None


def peer_counsellors() -> QuerySet[SocialResource]:
    """The peer counsellors and peer supporters of the directory (the resources of the
    ピアカウンセリング・ピアサポート type that are not defunct), for a consultation to name."""
    return (
        SocialResource.objects.filter(service_type__code=PEER_COUNSELLING)
        .exclude(status=ResourceStatus.DEFUNCT)
        .select_related("provider")
        .order_by("name_kana", "name", "pk")
    )


def terms(taxonomy: Taxonomy) -> QuerySet[TaxonomyTerm]:
    return TaxonomyTerm.objects.filter(taxonomy=taxonomy)


def provider_list() -> QuerySet[Provider]:
    return Provider.objects.select_related("organization").order_by("name_kana", "name")


def provider_rows() -> QuerySet[Provider]:
    """The staff list's rows: the providers with how many resources each runs."""
    return provider_list().annotate(resource_count=Count("resources"))


def provider_detail(provider_id: int) -> Provider:
    try:
        return Provider.objects.select_related("organization").get(pk=provider_id)
    except Provider.DoesNotExist:
        raise NotFound(_("提供者が見つかりません。")) from None


def public_areas() -> QuerySet[Area]:
    """The areas a resident can choose: wards and catchment areas."""
    return Area.objects.filter(kind__in=["ward", "catchment"]).select_related("parent")
