from __future__ import annotations

from django.db.models import prefetch_related_objects
from ninja import Router, Schema

from tsunagu.core.api import ErrorOut, Listing, paginated
from tsunagu.core.errors import NotFound
from tsunagu.core.http import TsunaguRequest
from tsunagu.organizations import selectors
from tsunagu.organizations.models import Area

router = Router(tags=["organizations"])


class AreaOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None


class OrganizationOut(Schema):
    id: int
    code: str
    name: str
    name_kana: str
    kind: str
    kind_label: str
    corporation: str | None
    has_accounts: bool
    postal_code: str
    address: str
    phone: str
    fax: str
    email: str
    caseload_cap: int | None
    areas_served: list[int]


def _organization_out(org: object) -> OrganizationOut:
    from tsunagu.organizations.models import Organization

    assert isinstance(org, Organization)  # noqa: S101
    return OrganizationOut(
        id=org.pk,
        code=org.code,
        name=org.name,
        name_kana=org.name_kana,
        kind=org.kind,
        kind_label=str(org.get_kind_display()),
        corporation=org.corporation.name if org.corporation else None,
        has_accounts=org.has_accounts,
        postal_code=org.postal_code,
        address=org.address,
        phone=org.phone,
        fax=org.fax,
        email=org.email,
        caseload_cap=org.caseload_cap,
        areas_served=[a.pk for a in org.areas_served.all()],
    )


@router.get(
    "/organizations",
    response={200: list[OrganizationOut], 404: ErrorOut, 422: ErrorOut},
    summary="組織の一覧",
)
@paginated
def organization_list(
    request: TsunaguRequest, kind: str = "", area: int | None = None, q: str = ""
) -> Listing:
    area_obj = Area.objects.filter(pk=area).first() if area else None
    if area is not None and area_obj is None:
        raise NotFound("指定された地域はありません。")
    return Listing(
        selectors.organization_list(kind=kind, area=area_obj, query=q),
        out=_organization_out,
        on_page=lambda shown: prefetch_related_objects(shown, "areas_served"),
    )


@router.get(
    "/organizations/{organization_id}",
    response={200: OrganizationOut, 404: ErrorOut},
    summary="組織の詳細",
)
def organization_detail(request: TsunaguRequest, organization_id: int) -> OrganizationOut:
    organization = selectors.organization_detail(organization_id)
    if organization is None:
        raise NotFound("組織が見つかりません。")
    return _organization_out(organization)


@router.get("/areas", response={200: list[AreaOut], 422: ErrorOut}, summary="地域の一覧")
@paginated
def area_list(request: TsunaguRequest) -> Listing:
    """親の地域のすぐ後に子の地域が並びます（深さ優先）。"""
    return Listing(
        selectors.area_tree(),
        out=lambda a: AreaOut(
            id=a.pk, code=a.code, name=a.name, kind=a.kind, parent_id=a.parent_id
        ),
    )
