from __future__ import annotations

from django.db.models import prefetch_related_objects
from ninja import Field, Router

from tsunagu.core.api import ErrorOut, Listing, paginated
from tsunagu.core.errors import NotFound
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.schemas import Out
from tsunagu.core.validators import Id
from tsunagu.organizations import selectors
from tsunagu.organizations.models import Area, Organization

router = Router(tags=["organizations"])


class AreaOut(Out):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None


class OrganizationOut(Out):
    id: int
    code: str
    name: str
    name_kana: str
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    corporation: str | None = Field(None, alias="corporation.name")
    has_accounts: bool
    postal_code: str
    address: str
    phone: str
    fax: str
    email: str
    caseload_cap: int | None
    areas_served: list[int]

    @staticmethod
    def resolve_areas_served(org: Organization) -> list[int]:
        return [a.pk for a in org.areas_served.all()]


@router.get(
    "/organizations",
    response={200: list[OrganizationOut], 404: ErrorOut, 422: ErrorOut},
    summary="組織の一覧",
)
@paginated
def organization_list(
    request: TsunaguRequest, kind: str = "", area: Id | None = None, q: str = ""
) -> Listing:
    area_obj = Area.objects.filter(pk=area).first() if area else None
    if area is not None and area_obj is None:
        raise NotFound("指定された地域はありません。")
    return Listing(
        selectors.organization_list(kind=kind, area=area_obj, query=q),
        on_page=lambda shown: prefetch_related_objects(shown, "areas_served"),
    )


@router.get(
    "/organizations/{organization_id}",
    response={200: OrganizationOut, 404: ErrorOut},
    summary="組織の詳細",
)
def organization_detail(request: TsunaguRequest, organization_id: int) -> Organization:
    organization = selectors.organization_detail(organization_id)
    if organization is None:
        raise NotFound("組織が見つかりません。")
    return organization


@router.get("/areas", response={200: list[AreaOut], 422: ErrorOut}, summary="地域の一覧")
@paginated
def area_list(request: TsunaguRequest) -> list[Area]:
    """親の地域のすぐ後に子の地域が並びます（深さ優先）。"""
    return selectors.area_tree()
