from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.db.models import prefetch_related_objects
from django.utils import timezone
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from tsunagu.audit import services as audit
from tsunagu.core.api import ERRORS, ErrorOut, Listing, paginated
from tsunagu.core.dates import fiscal_year as current_fiscal_year
from tsunagu.core.dates import fiscal_year_label
from tsunagu.core.errors import FieldErrors, Invalid, NotFound
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.kana import KANA_PATTERN
from tsunagu.core.schemas import Out, model_field, patch_field
from tsunagu.core.validators import Id, NonBlank, SaneDate, Year
from tsunagu.organizations import imports, management, selectors, services, staffing
from tsunagu.organizations.models import (
    HEADCOUNT_MAX,
    Area,
    JobTitle,
    Organization,
    OrganizationKind,
    StaffingAssignment,
    StaffingPost,
    SystemRole,
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
    response={200: StaffingPostOut, **ERRORS},
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


# --- Organizations, memberships and the office list, managed (organizations/management.py;
# ADR 0014).  The city's and the core center's managers; everyone else 404. ---------------

CaseloadCap = Annotated[int, Field(ge=1, le=10000)]


class OrganizationIn(Schema):
    kind: OrganizationKind
    name: NonBlank = model_field(Organization, "name")
    name_kana: str = model_field(
        Organization,
        "name_kana",
        "",
        description="ひらがな・カタカナ（半角も可）。ひらがなで保存します。",
        json_schema_extra={"pattern": f"(?:{KANA_PATTERN})|^$"},
    )
    short_name: str = model_field(Organization, "short_name", "")
    office_number: str = Field(
        "", max_length=20, description="WAM NET の事業所番号（数字10桁）。全角数字・ハイフン可。"
    )
    corporation_name: str = Field("", max_length=200, description="運営法人の名称")
    areas_served: list[Id] = Field(default_factory=list, max_length=100)
    has_accounts: bool = True
    postal_code: str = model_field(Organization, "postal_code", "")
    address: str = model_field(Organization, "address", "")
    phone: str = model_field(Organization, "phone", "")
    fax: str = model_field(Organization, "fax", "")
    email: str = model_field(Organization, "email", "")
    contact_person: str = model_field(Organization, "contact_person", "")
    caseload_cap: CaseloadCap | None = None
    caseload_cap_due_on: SaneDate | None = None
    opened_on: SaneDate | None = None
    closed_on: SaneDate | None = None


class OrganizationPatch(Schema):
    kind: OrganizationKind = patch_field()
    name: NonBlank = patch_field(max_length=200)
    name_kana: str = patch_field(max_length=200)
    short_name: str = patch_field(max_length=60)
    office_number: str = patch_field(max_length=20)
    corporation_name: str = patch_field(max_length=200)
    areas_served: list[Id] = patch_field(max_length=100)
    has_accounts: bool = patch_field()
    postal_code: str = patch_field(max_length=8)
    address: str = patch_field(max_length=200)
    phone: str = patch_field(max_length=20)
    fax: str = patch_field(max_length=20)
    email: str = patch_field(max_length=254)
    contact_person: str = patch_field(max_length=100)
    caseload_cap: CaseloadCap | None = Field(None, description="null で上限なし")
    caseload_cap_due_on: SaneDate | None = None
    opened_on: SaneDate | None = None
    closed_on: SaneDate | None = Field(None, description="廃止日。null で有効に戻します。")


class ManagedOrganizationOut(OrganizationOut):
    office_number: str
    is_active: bool
    opened_on: dt.date | None
    closed_on: dt.date | None
    caseload_cap_due_on: dt.date | None


class MembershipIn(Schema):
    user_id: Id
    job_title: JobTitle
    role: SystemRole = SystemRole.STAFF
    started_on: SaneDate | None = Field(None, description="空なら今日")


class MembershipEndIn(Schema):
    ended_on: SaneDate


class ManagedMembershipOut(Out):
    id: int
    user_id: int
    name: str = Field(alias="user.full_name")
    organization_id: int
    job_title: str
    role: str
    is_active: bool
    started_on: dt.date | None
    ended_on: dt.date | None


class ImportRowOut(Out):
    line: int
    office_number: str
    name: str
    kind: str
    outcome: str
    areas: list[str]
    errors: list[str]


class ImportOut(Out):
    committed: bool
    rows: list[ImportRowOut]
    errors: list[str]


def _areas(actor: Any, ids: list[int]) -> list[Area]:
    areas = list(Area.objects.filter(pk__in=ids))
    if len(areas) != len(set(ids)):
        raise FieldErrors({"areas_served": "指定された地域がありません。"})
    return areas


def _changes(request: TsunaguRequest, payload: Schema, *, partial: bool) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=partial)
    if "areas_served" in data:
        data["areas_served"] = _areas(request.actor, data["areas_served"])
    return data


@router.get(
    "/manage/organizations",
    response={200: list[ManagedOrganizationOut], 404: ErrorOut, 422: ErrorOut},
    summary="管理する組織の一覧（市担当課・基幹相談支援センターの管理者）",
    url_name="managed_organization_list",
)
@paginated
def managed_organization_list(request: TsunaguRequest) -> Listing:
    management.require_manager(request.actor, view="organization_manage_list")
    rows = management.organizations_managed_by(request.actor).select_related("corporation")
    return Listing(
        rows.order_by("kind", "name_kana", "name", "pk"),
        on_page=lambda shown: prefetch_related_objects(shown, "areas_served"),
    )


@router.post(
    "/organizations",
    response={201: ManagedOrganizationOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="組織を登録する（市担当課・基幹相談支援センターの管理者）",
    url_name="organization_create",
)
def organization_create(request: TsunaguRequest, payload: OrganizationIn) -> Status[Organization]:
    management.require_manager(request.actor, view="organization_create")
    organization = services.organization_create(
        request.actor, **_changes(request, payload, partial=False)
    )
    return Status(201, organization)


@router.patch(
    "/organizations/{organization_id}",
    response={200: ManagedOrganizationOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="組織の登録内容を変える（市担当課・基幹相談支援センターの管理者）",
    url_name="organization_update",
)
def organization_update(
    request: TsunaguRequest, organization_id: int, payload: OrganizationPatch
) -> Organization:
    organization = management.access_managed_organization(request.actor, organization_id)
    return services.organization_update(
        request.actor, organization=organization, **_changes(request, payload, partial=True)
    )


@router.get(
    "/manage/organizations/{organization_id}/memberships",
    response={200: list[ManagedMembershipOut], 404: ErrorOut, 422: ErrorOut},
    summary="組織の所属（終了したものも）",
    url_name="managed_membership_list",
)
@paginated
def managed_membership_list(request: TsunaguRequest, organization_id: int) -> list[Any]:
    organization = management.access_managed_organization(request.actor, organization_id)
    return management.memberships_of_organization(organization)


@router.post(
    "/organizations/{organization_id}/memberships",
    response={201: ManagedMembershipOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="組織に所属を追加する",
    url_name="membership_grant",
)
def membership_grant(
    request: TsunaguRequest, organization_id: int, payload: MembershipIn
) -> Status[Any]:
    organization = management.access_managed_organization(request.actor, organization_id)
    user = management.users_managed_by(request.actor).filter(pk=payload.user_id).first()
    if user is None:
        raise FieldErrors({"user_id": "このアカウントは管理できません。"})
    membership = services.membership_grant(
        request.actor,
        user=user,
        organization=organization,
        job_title=payload.job_title,
        role=payload.role,
        started_on=payload.started_on,
    )
    return Status(201, membership)


@router.post(
    "/memberships/{membership_id}/end",
    response={200: ManagedMembershipOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="所属を終了する（記録は残ります）",
    url_name="membership_end",
)
def membership_end(request: TsunaguRequest, membership_id: int, payload: MembershipEndIn) -> Any:
    membership = management.access_managed_membership(request.actor, membership_id)
    return services.membership_end(request.actor, membership=membership, ended_on=payload.ended_on)


@router.post(
    "/manage/organizations/import",
    response={200: ImportOut, 404: ErrorOut, 422: ErrorOut},
    summary="事業所一覧（WAM NET の形のCSV）を取り込む（市担当課の管理者）",
    url_name="organization_import",
)
def organization_import(
    request: TsunaguRequest, file: File[UploadedFile], commit: Form[bool] = False
) -> Any:
    """`commit=false`（既定）は確認のみで何も保存しません。`commit=true` は全行に誤りが
    なければ取り込み、1行でも誤りがあれば何も取り込みません（`committed` が false）。"""
    management.require_manager(request.actor, view="organization_import", importing=True)
    if file.size is not None and file.size > imports.MAX_BYTES:
        raise Invalid("ファイルが大きすぎます（1MBまで）。", code="too_large")
    outcome = imports.office_list_import(request.actor, raw=file.read(), commit=commit)
    return {
        "committed": outcome.committed,
        "rows": [
            {**row.__dict__, "areas": list(row.areas), "errors": list(row.errors)}
            for row in outcome.rows
        ],
        "errors": list(outcome.errors),
    }
