from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from tsunagu.core.api import ErrorOut
from tsunagu.core.errors import NotFound
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


@router.get("/organizations", response=list[OrganizationOut], summary="組織の一覧")
def organization_list(
    request: HttpRequest, kind: str = "", area: int | None = None, q: str = ""
) -> list[OrganizationOut]:
    area_obj = Area.objects.filter(pk=area).first() if area else None
    if area is not None and area_obj is None:
        raise NotFound("指定された地域はありません。")
    organizations = selectors.organization_list(kind=kind, area=area_obj, query=q)
    from django.db.models import prefetch_related_objects

    prefetch_related_objects(organizations, "areas_served")
    return [_organization_out(o) for o in organizations]


@router.get(
    "/organizations/{organization_id}",
    response={200: OrganizationOut, 404: ErrorOut},
    summary="組織の詳細",
)
def organization_detail(request: HttpRequest, organization_id: int) -> OrganizationOut:
    organization = selectors.organization_detail(organization_id)
    if organization is None:
        raise NotFound("組織が見つかりません。")
    return _organization_out(organization)


@router.get("/areas", response=list[AreaOut], summary="地域の一覧")
def area_list(request: HttpRequest) -> list[AreaOut]:
    return [
        AreaOut(id=a.pk, code=a.code, name=a.name, kind=a.kind, parent_id=a.parent_id)
        for a in selectors.area_tree()
    ]
