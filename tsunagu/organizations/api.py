from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.db.models import prefetch_related_objects
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from tsunagu.audit import services as audit
from tsunagu.core.api import ErrorOut, Listing, paginated
from tsunagu.core.dates import fiscal_year as current_fiscal_year
from tsunagu.core.dates import fiscal_year_label
from tsunagu.core.errors import FieldErrors, Invalid, NotFound
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.schemas import Out, patch_field
from tsunagu.core.validators import Id, SaneDate, Year
from tsunagu.organizations import selectors, services, staffing
from tsunagu.organizations.models import (
    HEADCOUNT_MAX,
    Area,
    Organization,
    StaffingAssignment,
    StaffingPost,
)

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


# --- Staffing (organizations/staffing.py) ------------------------------------------------

PostKindValue = Literal[
    "capacity_building_officer",
    "community_support_worker",
    "counselor",
    "comprehensive_support_coordinator",
]
Headcount = Annotated[int, Field(ge=1, le=HEADCOUNT_MAX)]


class StaffingPostIn(Schema):
    kind: PostKindValue
    headcount: Headcount = 1
    required_from: SaneDate
    required_until: SaneDate | None = None


class StaffingPostPatch(Schema):
    headcount: Headcount = patch_field()
    required_until: SaneDate | None = Field(
        None, description="配置の終了日。null で終わりなしに戻します。"
    )


class StaffingAssignmentIn(Schema):
    membership_id: Id = Field(..., description="そのセンターの職員の所属（Membership）のID")
    started_on: SaneDate
    ended_on: SaneDate | None = None


class StaffingAssignmentEnd(Schema):
    ended_on: SaneDate


class StaffingAssignmentOut(Out):
    id: int
    post_id: int
    membership_id: int
    user_id: int = Field(alias="membership.user_id")
    name: str = Field(alias="membership.user.full_name")
    started_on: dt.date
    ended_on: dt.date | None


class StaffingPostOut(Out):
    id: int
    organization_id: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    headcount: int
    required_from: dt.date
    required_until: dt.date | None


class VacancyOut(Out):
    start: dt.date
    end: dt.date
    days: int
    missing: int
    ongoing: bool


class PostStaffingOut(Out):
    post: StaffingPostOut
    required: int
    filled: int
    shortfall: int
    holders: list[StaffingAssignmentOut]
    vacancies: list[VacancyOut]


class CenterStaffingOut(Out):
    organization_id: int = Field(alias="organization.pk")
    name: str = Field(alias="organization.name")
    required: int
    filled: int
    shortfall: int
    vacant_days: int
    posts: list[PostStaffingOut]


class StaffingOut(Out):
    fiscal_year: int
    label: str
    counted_from: dt.date | None
    counted_until: dt.date | None
    centers: list[CenterStaffingOut]


@router.get(
    "/staffing",
    response={200: StaffingOut, 404: ErrorOut, 422: ErrorOut},
    summary="センターの人員配置と欠員期間",
    url_name="staffing",
)
def staffing_report(request: TsunaguRequest, fiscal_year: Year | None = None) -> dict[str, Any]:
    """市担当課と基幹相談支援センターは全センター、センターは自センターのみ。欠員期間は
    年度の初日から今日まで（過ぎた年度は年度末まで）。"""
    actor = audit.require_role(request.actor, staffing.may_view, view="staffing")
    today = timezone.localdate()
    year = current_fiscal_year(today) if fiscal_year is None else fiscal_year
    if year > current_fiscal_year(today) + 1:
        raise Invalid("まだ選べない年度です。", code="unknown_fiscal_year")
    counted = staffing.counted_range(year, today)
    return {
        "fiscal_year": year,
        "label": fiscal_year_label(year),
        "counted_from": counted[0] if counted else None,
        "counted_until": counted[1] if counted else None,
        "centers": staffing.staffing(actor, fiscal_year=year, today=today),
    }


@router.post(
    "/organizations/{organization_id}/staffing-posts",
    response={201: StaffingPostOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="センターに配置を追加する（市担当課）",
    url_name="staffing_post_create",
)
def staffing_post_create(
    request: TsunaguRequest, organization_id: int, payload: StaffingPostIn
) -> Status[StaffingPost]:
    center = staffing.access_center(request.actor, organization_id, for_posts=True)
    post = services.staffing_post_create(request.actor, organization=center, **payload.model_dump())
    return Status(201, post)


@router.patch(
    "/staffing-posts/{post_id}",
    response={200: StaffingPostOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="配置の人数・終了日を変える（市担当課）",
    url_name="staffing_post_update",
)
def staffing_post_update(
    request: TsunaguRequest, post_id: int, payload: StaffingPostPatch
) -> StaffingPost:
    post = staffing.access_post(request.actor, post_id, for_write=True)
    return services.staffing_post_update(
        request.actor, post=post, **payload.model_dump(exclude_unset=True)
    )


@router.post(
    "/staffing-posts/{post_id}/assignments",
    response={201: StaffingAssignmentOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="配置の担当者を記録する（センターの管理者・市担当課）",
    url_name="staffing_assignment_add",
)
def staffing_assignment_add(
    request: TsunaguRequest, post_id: int, payload: StaffingAssignmentIn
) -> Status[StaffingAssignment]:
    post = staffing.access_post(request.actor, post_id, for_fill=True)
    membership = staffing.members_who_may_fill(post).filter(pk=payload.membership_id).first()
    if membership is None:
        raise FieldErrors({"membership_id": "そのセンターの職員を選んでください。"})
    assignment = services.staffing_assignment_add(
        request.actor,
        post=post,
        membership=membership,
        started_on=payload.started_on,
        ended_on=payload.ended_on,
    )
    return Status(201, assignment)


@router.post(
    "/staffing-assignments/{assignment_id}/end",
    response={200: StaffingAssignmentOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="担当者の最終勤務日を記録する（センターの管理者・市担当課）",
    url_name="staffing_assignment_end",
)
def staffing_assignment_end(
    request: TsunaguRequest, assignment_id: int, payload: StaffingAssignmentEnd
) -> StaffingAssignment:
    assignment = staffing.access_assignment(request.actor, assignment_id)
    return services.staffing_assignment_end(
        request.actor, assignment=assignment, ended_on=payload.ended_on
    )
