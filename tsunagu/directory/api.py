"""Staff CRUD of the directory under /api/v1/directory/ (bearer token); the same services and
selectors as the screens.  The public HSDS API is tsunagu/directory/hsds_views.py."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from tsunagu.core.api import ERRORS, ErrorOut, paginated
from tsunagu.core.errors import Invalid
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.schemas import Out, model_field, model_max_length, patch_field
from tsunagu.core.validators import Id, SaneDate, Version
from tsunagu.directory import rules, selectors, services
from tsunagu.directory.models import (
    Contact,
    Location,
    Phone,
    PhoneKind,
    Provider,
    ResourceStatus,
    Schedule,
    SocialResource,
    Taxonomy,
    TaxonomyTerm,
)
from tsunagu.organizations.models import Area, Organization

router = Router(tags=["directory"])

StatusValue = Literal["active", "temporarily closed", "inactive", "defunct"]
SMALL_MAX = 32_767  # PositiveSmallIntegerField
INT_MAX = 2_147_483_647  # PositiveIntegerField
TERM_CODE_LENGTH = model_max_length(TaxonomyTerm, "code")
assert set(StatusValue.__args__) == set(ResourceStatus.values)  # type: ignore[attr-defined]  # noqa: S101


# --- Schemas ----------------------------------------------------------------------------------


class LocationIO(Schema):
    hsds_id: uuid.UUID | None = None
    name: str = model_field(Location, "name", "")
    postal_code: str = model_field(Location, "postal_code", "")
    prefecture: str = model_field(Location, "prefecture", "")
    city: str = model_field(Location, "city", "")
    address: str = model_field(Location, "address", "")
    area: str | None = Field(None, description="地域コード（例: midori-wakaba）")
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    transportation: str = model_field(Location, "transportation", "")
    accessibility: str = model_field(Location, "accessibility", "")


Weekday = Literal["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


class ScheduleIO(Schema):
    hsds_id: uuid.UUID | None = None
    weekdays: list[Weekday] = []
    opens_at: dt.time | None = None
    closes_at: dt.time | None = None
    description: str = model_field(Schedule, "description", "")


class PhoneIO(Schema):
    hsds_id: uuid.UUID | None = None
    number: str = model_field(Phone, "number", min_length=1)
    kind: PhoneKind = PhoneKind.VOICE
    description: str = model_field(Phone, "description", "")
    is_internal: bool = False


class ContactIO(Schema):
    hsds_id: uuid.UUID | None = None
    name: str = model_field(Contact, "name", min_length=1)
    title: str = model_field(Contact, "title", "")
    department: str = model_field(Contact, "department", "")
    email: str = model_field(Contact, "email", "")
    phone: str = model_field(Contact, "phone", "")
    is_internal: bool = True


class ResourceFields(Schema):
    name_kana: str = model_field(SocialResource, "name_kana", "")
    description: str = ""
    status: StatusValue = "active"
    is_published: bool = True
    eligibility_description: str = ""
    application_process: str = ""
    fees_description: str = model_field(SocialResource, "fees_description", "")
    url: str = model_field(SocialResource, "url", "")
    email: str = model_field(SocialResource, "email", "")
    minimum_age: int | None = Field(None, ge=0, le=SMALL_MAX)
    maximum_age: int | None = Field(None, ge=0, le=SMALL_MAX)
    capacity: int | None = Field(None, ge=0, le=INT_MAX)
    vacancies: int | None = Field(None, ge=0, le=INT_MAX)
    vacancies_confirmed_on: SaneDate | None = None
    accepts_visits: bool = False
    accepts_trial: bool = False
    visit_note: str = model_field(SocialResource, "visit_note", "")
    internal_note: str = ""


class ResourceIn(ResourceFields):
    provider_id: Id
    name: str = model_field(SocialResource, "name", min_length=1)
    service_type: str = model_field(
        TaxonomyTerm, "code", description="サービスの種類のコード（例: life-care）"
    )
    specialties: list[Annotated[str, Field(max_length=TERM_CODE_LENGTH)]] = []
    locations: list[LocationIO] = []
    schedules: list[ScheduleIO] = []
    phones: list[PhoneIO] = []
    contacts: list[ContactIO] = []


class ResourcePatch(Schema):
    version: Version = Field(description="読んだときの版。最新でなければ409。")
    # Left out: not changed.  `null` only where the record may be empty (ages, capacity).
    provider_id: Id = patch_field()
    name: str = model_field(SocialResource, "name", None, min_length=1)
    name_kana: str = model_field(SocialResource, "name_kana", None)
    service_type: str = model_field(TaxonomyTerm, "code", None)
    specialties: list[Annotated[str, Field(max_length=TERM_CODE_LENGTH)]] = patch_field()
    description: str = patch_field()
    status: StatusValue = patch_field()
    is_published: bool = patch_field()
    eligibility_description: str = patch_field()
    application_process: str = patch_field()
    fees_description: str = model_field(SocialResource, "fees_description", None)
    url: str = model_field(SocialResource, "url", None)
    email: str = model_field(SocialResource, "email", None)
    minimum_age: int | None = Field(None, ge=0, le=SMALL_MAX)
    maximum_age: int | None = Field(None, ge=0, le=SMALL_MAX)
    capacity: int | None = Field(None, ge=0, le=INT_MAX)
    vacancies: int | None = Field(None, ge=0, le=INT_MAX)
    vacancies_confirmed_on: SaneDate | None = None
    accepts_visits: bool = patch_field()
    accepts_trial: bool = patch_field()
    visit_note: str = model_field(SocialResource, "visit_note", None)
    internal_note: str = patch_field()
    locations: list[LocationIO] = patch_field()
    schedules: list[ScheduleIO] = patch_field()
    phones: list[PhoneIO] = patch_field()
    contacts: list[ContactIO] = patch_field()


class LocationOut(LocationIO, Out):
    area: str | None = Field(None, alias="area.code", description="地域コード（例: midori-wakaba）")


class ScheduleOut(ScheduleIO, Out):
    weekdays: list[Weekday] = Field(alias="weekday_list")


class ResourceOut(ResourceFields, Out):
    id: int
    hsds_id: uuid.UUID
    version: int
    provider_id: int
    provider: str = Field(alias="provider.name")
    name: str
    service_type: str = Field(alias="service_type.code")
    service_type_label: str = Field(alias="service_type.name")
    specialties: list[str]
    locations: list[LocationOut]
    schedules: list[ScheduleOut]
    phones: list[PhoneIO]
    contacts: list[ContactIO]
    public_url: str
    updated_at: dt.datetime

    @staticmethod
    def resolve_specialties(resource: SocialResource) -> list[str]:
        return [t.code for t in resource.specialties.all()]

    @staticmethod
    def resolve_public_url(resource: SocialResource) -> str:
        return f"/directory/{resource.hsds_id}/"


class ProviderOut(Out):
    id: int
    hsds_id: uuid.UUID
    name: str
    name_kana: str
    organization_code: str | None = Field(None, alias="organization.code")
    is_informal: bool


def _term(code: str, taxonomy: Taxonomy) -> TaxonomyTerm:
    term = TaxonomyTerm.objects.filter(code=code, taxonomy=taxonomy).first()
    if term is None:
        raise Invalid(
            _("分類「%(taxonomy)s」にコード %(code)s の項目はありません。")
            % {"taxonomy": taxonomy.label, "code": code}
        )
    return term


def _area(code: str | None) -> Area | None:
    if not code:
        return None
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise Invalid(_("地域コード %(code)s はありません。") % {"code": code})
    return area


def _provider(provider_id: int) -> Provider:
    provider = Provider.objects.select_related("organization").filter(pk=provider_id).first()
    if provider is None:
        raise Invalid(_("提供者 %(id)d はありません。") % {"id": provider_id})
    return provider


def _children(payload: ResourceIn | ResourcePatch) -> dict[str, list[dict[str, Any]] | None]:
    def rows(items: list[Any] | None) -> list[dict[str, Any]] | None:
        return None if items is None else [item.dict() for item in items]

    locations = rows(payload.locations)
    for row in locations or []:
        row["area"] = _area(row.get("area"))
    schedules = rows(payload.schedules)
    for row in schedules or []:
        row["weekdays"] = ",".join(row.get("weekdays") or [])
    return {
        "locations": locations,
        "schedules": schedules,
        "phones": rows(payload.phones),
        "contacts": rows(payload.contacts),
    }


def _reload(resource: SocialResource) -> SocialResource:
    return selectors.resource_detail(resource.pk, public=False)


# --- Resources --------------------------------------------------------------------------------


@router.get(
    "/directory/resources",
    response={200: list[ResourceOut], 422: ErrorOut},
    summary="社会資源の一覧・検索（職員向け。非公開の項目を含む）",
    url_name="directory_resource_list",
)
@paginated
def resource_list(
    request: TsunaguRequest,
    q: str = "",
    service_type: str | None = None,
    specialty: str | None = None,
    area: str | None = None,
    accepts_visits: bool = False,
    has_vacancy: bool = False,
) -> QuerySet[SocialResource]:
    filters = selectors.ResourceFilters(
        q=q,
        service_type=_term(service_type, Taxonomy.SERVICE_TYPE) if service_type else None,
        specialty=_term(specialty, Taxonomy.SPECIALTY) if specialty else None,
        area=_area(area),
        accepts_visits=accepts_visits,
        has_vacancy=has_vacancy,
    )
    return selectors.resource_list(filters=filters, public=False)


@router.post(
    "/directory/resources",
    response={201: ResourceOut, 403: ErrorOut, 422: ErrorOut},
    summary="社会資源の登録",
    url_name="directory_resource_create",
)
def resource_create(request: TsunaguRequest, payload: ResourceIn) -> Status[SocialResource]:
    data = payload.dict(exclude={"provider_id", "service_type", "specialties", *services.CHILDREN})
    data["provider"] = _provider(payload.provider_id)
    data["service_type"] = _term(payload.service_type, Taxonomy.SERVICE_TYPE)
    specialties = [_term(code, Taxonomy.SPECIALTY) for code in payload.specialties]
    children = {k: v or [] for k, v in _children(payload).items()}
    with rules.refusals_recorded(request.actor, request.path):
        resource = services.resource_create(
            actor=request.actor, data=data, specialties=specialties, **children
        )
    return Status(201, _reload(resource))


@router.get(
    "/directory/resources/{resource_id}",
    response={200: ResourceOut, 404: ErrorOut},
    summary="社会資源",
    url_name="directory_resource_detail",
)
def resource_detail(request: TsunaguRequest, resource_id: int) -> SocialResource:
    return selectors.resource_detail(resource_id, public=False)


@router.patch(
    "/directory/resources/{resource_id}",
    response={200: ResourceOut, **ERRORS},
    summary="社会資源の更新（送った項目だけ。配列は送ると置き換え）",
    url_name="directory_resource_update",
)
def resource_update(
    request: TsunaguRequest, resource_id: int, payload: ResourcePatch
) -> SocialResource:
    resource = selectors.resource_detail(resource_id, public=False)
    sent = payload.dict(exclude_unset=True)
    changes = {
        k: v
        for k, v in sent.items()
        if k not in {"version", "provider_id", "service_type", "specialties", *services.CHILDREN}
    }
    if payload.provider_id is not None:
        changes["provider"] = _provider(payload.provider_id)
    if payload.service_type is not None:
        changes["service_type"] = _term(payload.service_type, Taxonomy.SERVICE_TYPE)
    specialties = (
        None
        if payload.specialties is None
        else [_term(code, Taxonomy.SPECIALTY) for code in payload.specialties]
    )
    with rules.refusals_recorded(request.actor, request.path):
        updated = services.resource_update(
            actor=request.actor,
            resource=resource,
            expected_version=payload.version,
            changes=changes,
            specialties=specialties,
            **_children(payload),
        )
    return _reload(updated)


@router.get(
    "/directory/providers",
    response={200: list[ProviderOut], 422: ErrorOut},
    summary="提供者の一覧",
    url_name="directory_provider_list",
)
@paginated
def provider_list(request: TsunaguRequest) -> QuerySet[Provider]:
    return selectors.provider_list()


# --- The directory screens' other writes: providers and the quick vacancy update ----------------
# The same services as the screens (directory.services); a refused write leaves an access.denied
# row, as on the screens.

_MAX_ID = 2**63 - 1


class ProviderIn(Schema):
    name: str = Field(min_length=1, max_length=200, description="名称")
    name_kana: str = Field("", max_length=200)
    description: str = ""
    organization_id: int | None = Field(
        None,
        ge=1,
        le=_MAX_ID,
        description="つなぐの組織と結び付けるとき（自分の組織、または基幹・市が指定）",
    )
    website: str = Field("", max_length=200, description="https://…")
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=20)


class ProviderPatch(Schema):
    """Only the fields sent are changed."""

    name: str | None = Field(None, min_length=1, max_length=200)
    name_kana: str | None = Field(None, max_length=200)
    description: str | None = None
    organization_id: int | None = Field(None, ge=1, le=_MAX_ID)
    website: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=20)


class VacancyIn(Schema):
    vacancies: int | None = Field(
        description="空きの数（0以上、わからなければ null）。確認日は今日になります",
        ge=0,
        le=100_000,
    )


def _provider_values(sent: dict[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in sent.items() if k in services.PROVIDER_FIELDS and v is not None}
    if "organization_id" in sent:
        values["organization"] = None
        if sent["organization_id"] is not None:
            values["organization"] = Organization.objects.filter(pk=sent["organization_id"]).first()
            if values["organization"] is None:
                raise Invalid(_("指定された組織はありません。"))
    return values


@router.post(
    "/directory/providers",
    response={201: ProviderOut, 403: ErrorOut, 422: ErrorOut},
    summary="提供者の登録（基幹・市、または自分の組織の提供者）",
    url_name="directory_provider_create",
)
def provider_create(request: TsunaguRequest, payload: ProviderIn) -> Status[Provider]:
    values = _provider_values(payload.dict())
    with rules.refusals_recorded(request.actor, request.path):
        provider = services.provider_create(actor=request.actor, data=values)
    return Status(201, provider)


@router.patch(
    "/directory/providers/{provider_id}",
    response={200: ProviderOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="提供者の更新（送った項目だけ。組織との結び付けは基幹が変更）",
    url_name="directory_provider_update",
)
def provider_update(request: TsunaguRequest, provider_id: int, payload: ProviderPatch) -> Provider:
    provider = selectors.provider_detail(provider_id)
    values = _provider_values(payload.dict(exclude_unset=True))
    with rules.refusals_recorded(request.actor, request.path):
        return services.provider_update(actor=request.actor, provider=provider, changes=values)


@router.post(
    "/directory/resources/{resource_id}/vacancy",
    response={200: ResourceOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="空きの更新（確認日は今日）",
    description="事業所がいちばんよく更新する項目です。version は要りません。",
    url_name="directory_vacancy_update",
)
def vacancy_update(request: TsunaguRequest, resource_id: int, payload: VacancyIn) -> SocialResource:
    resource = selectors.resource_detail(resource_id, public=False)
    with rules.refusals_recorded(request.actor, request.path):
        updated = services.vacancy_update(
            actor=request.actor, resource=resource, vacancies=payload.vacancies
        )
    return _reload(updated)
