"""The life hub API: the same access helpers, selectors and services as the screens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Router, Schema, Status

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.api import ERRORS, ErrorOut, paginated
from tsunagu.core.errors import FieldErrors
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.schemas import Out
from tsunagu.core.validators import Id, SaneDate
from tsunagu.lifehub import access, selectors, services
from tsunagu.lifehub.models import (
    EmergencyReason,
    EmergencyRequest,
    HubFunction,
    HubRole,
    PublicationConsent,
    PublicationScope,
    ResidentActivity,
    ResidentActivityKind,
)
from tsunagu.organizations.models import Area, Organization

router = Router(tags=["lifehub"])


def _organization(pk: int | None, field: str) -> Organization | None:
    if pk is None:
        return None
    found = Organization.objects.filter(pk=pk, is_active=True).first()
    if found is None:
        raise FieldErrors({field: "機関が見つかりません。"})
    return found


class LifehubRoleOut(Out):
    id: int
    function: str
    organization_id: int
    organization_name: str = Field(alias="organization.name")
    description: str
    capacity: int | None
    since: dt.date
    ended_on: dt.date | None


class LifehubRoleIn(Schema):
    function: HubFunction
    organization_id: Id
    description: str = Field("", max_length=300)
    capacity: int | None = Field(None, ge=0, le=999)
    since: SaneDate | None = None


class LifehubFunctionOut(Schema):
    function: str
    label: str
    roles: list[LifehubRoleOut]


class LifehubBodyOut(Schema):
    id: int
    name: str
    secretariat_ids: list[int]
    member_organization_ids: list[int]


class LifehubHubOut(Schema):
    functions: list[LifehubFunctionOut]
    operating_bodies: list[LifehubBodyOut]


class LifehubEmergencyOut(Out):
    id: int
    received_at: dt.datetime
    receiving_organization_id: int
    requesting_organization_id: int | None
    reason: str
    situation: str
    status: str
    accepted_by_id: int | None
    stay_from: dt.date | None
    stay_until: dt.date | None
    stay_days: int | None
    decline_reason: str


class LifehubEmergencyIn(Schema):
    reason: EmergencyReason
    situation: str = Field(..., min_length=1, max_length=1000)
    requesting_organization_id: Id | None = None
    received_at: dt.datetime | None = None


class LifehubAcceptIn(Schema):
    accepted_by_id: Id
    stay_from: SaneDate


class LifehubDeclineIn(Schema):
    reason: str = Field(..., min_length=1, max_length=300)


class LifehubEndIn(Schema):
    stay_until: SaneDate


class LifehubConsentOut(Out):
    id: int
    scope: str
    consented_by_name: str
    consented_by_role: str
    consented_on: dt.date
    method: str
    recorded_by_id: int
    recorded_by_organization_id: int
    recorded_at: dt.datetime
    withdrawn_on: dt.date | None
    withdrawn_at: dt.datetime | None


class LifehubActivityOut(Out):
    id: int
    resource_id: int
    name: str = Field(alias="resource.name")
    kind: str
    group_name: str
    area_id: int | None
    contact_name: str
    contact_phone: str
    recorded_by_organization_id: int
    standing_scopes: list[str]

    @staticmethod
    def resolve_standing_scopes(obj: ResidentActivity) -> list[str]:
        standing = getattr(obj, "standing_consents", None)
        if standing is None:
            return sorted(selectors.standing_scopes(obj))
        return sorted(c.scope for c in standing)


class LifehubActivityDetailOut(LifehubActivityOut):
    consents: list[LifehubConsentOut]

    @staticmethod
    def resolve_consents(obj: ResidentActivity) -> list[PublicationConsent]:
        return list(selectors.activity_consents(obj))


class LifehubActivityIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    kind: ResidentActivityKind
    group_name: str = Field(..., min_length=1, max_length=200)
    area_id: Id | None = None
    description: str = Field("", max_length=2000)
    contact_name: str = Field(..., min_length=1, max_length=100)
    contact_phone: str = Field("", max_length=20)
    consented_by_name: str = Field(..., min_length=1, max_length=100)
    consented_by_role: str = Field("", max_length=100)
    consented_on: SaneDate
    method: str = Field("", max_length=100)
    scopes: list[PublicationScope] = Field(..., min_length=1, max_length=2)


class LifehubConsentIn(Schema):
    scope: PublicationScope
    consented_by_name: str = Field(..., min_length=1, max_length=100)
    consented_by_role: str = Field("", max_length=100)
    consented_on: SaneDate
    method: str = Field("", max_length=100)


class LifehubWithdrawIn(Schema):
    scope: PublicationScope
    withdrawn_on: SaneDate | None = None
    note: str = Field("", max_length=300)


# --- The hub ------------------------------------------------------------------------------


@router.get(
    "/lifehub",
    response={200: LifehubHubOut},
    summary="地域生活支援拠点の機能と運営会議",
    url_name="lifehub_hub",
)
def hub(request: TsunaguRequest) -> dict[str, Any]:
    bodies = list(selectors.operating_bodies())
    return {
        "functions": [
            {"function": row.function, "label": row.label, "roles": row.roles}
            for row in selectors.hub_functions()
        ],
        "operating_bodies": [
            {
                "id": body.pk,
                "name": body.name,
                "secretariat_ids": sorted(o.pk for o in body.secretariats.all()),
                "member_organization_ids": sorted(o.pk for o in body.member_organizations.all()),
            }
            for body in bodies
        ],
    }


@router.post(
    "/lifehub/roles",
    response={201: LifehubRoleOut, **ERRORS},
    summary="拠点の機能を担う機関を加える（基幹・市）",
    url_name="lifehub_role_add",
)
def role_add(request: TsunaguRequest, payload: LifehubRoleIn) -> Status[HubRole]:
    actor = audit.require_role(request.actor, access.may_manage_hub, view="lifehub_role_add")
    organization = _organization(payload.organization_id, "organization_id")
    assert organization is not None  # noqa: S101  # an id was given, so a row or FieldErrors
    role = services.role_add(
        actor,
        function=str(payload.function.value),
        organization=organization,
        description=payload.description,
        capacity=payload.capacity,
        since=payload.since,
    )
    return Status(201, role)


@router.post(
    "/lifehub/roles/{role_id}/end",
    response={200: LifehubRoleOut, **ERRORS},
    summary="拠点の役割を終える（基幹・市）",
    url_name="lifehub_role_end",
)
def role_end(request: TsunaguRequest, role_id: int) -> HubRole:
    role = access.access_role(request.actor, role_id)
    return services.role_end(request.actor, role=role)


# --- Emergency acceptance -------------------------------------------------------------------


@router.get(
    "/lifehub/emergencies",
    response={200: list[LifehubEmergencyOut], 404: ErrorOut, 422: ErrorOut},
    summary="緊急時の受け入れ依頼（見られるものだけ）",
    url_name="lifehub_emergency_list",
)
@paginated
def emergency_list(request: TsunaguRequest) -> Any:
    audit.record_read(request.actor, view="lifehub_emergency_list", person_ids=[])
    return selectors.emergency_rows(request.actor)


@router.post(
    "/lifehub/emergencies",
    response={201: LifehubEmergencyOut, **ERRORS},
    summary="緊急時の受け入れ依頼を受け付ける",
    url_name="lifehub_emergency_receive",
)
def emergency_receive(
    request: TsunaguRequest, payload: LifehubEmergencyIn
) -> Status[EmergencyRequest]:
    actor = audit.require_role(
        request.actor, access.may_record_emergency, view="lifehub_emergency_receive"
    )
    created = services.emergency_receive(
        actor,
        reason=str(payload.reason.value),
        situation=payload.situation,
        requesting_organization=_organization(
            payload.requesting_organization_id, "requesting_organization_id"
        ),
        received_at=payload.received_at,
    )
    return Status(201, created)


@router.get(
    "/lifehub/emergencies/{request_id}",
    response={200: LifehubEmergencyOut, 404: ErrorOut},
    summary="緊急時の受け入れ依頼の1件",
    url_name="lifehub_emergency_detail",
)
def emergency_detail(request: TsunaguRequest, request_id: int) -> EmergencyRequest:
    found = access.access_emergency(request.actor, request_id)
    audit.record(action=Action.RECORD_VIEWED, actor=request.actor, target=found)
    return found


@router.post(
    "/lifehub/emergencies/{request_id}/accept",
    response={200: LifehubEmergencyOut, **ERRORS},
    summary="受け入れを記録する",
    url_name="lifehub_emergency_accept",
)
def emergency_accept(
    request: TsunaguRequest, request_id: int, payload: LifehubAcceptIn
) -> EmergencyRequest:
    found = access.access_emergency(request.actor, request_id)
    accepted_by = _organization(payload.accepted_by_id, "accepted_by_id")
    assert accepted_by is not None  # noqa: S101  # an id was given
    return services.emergency_accept(
        request.actor, request=found, accepted_by=accepted_by, stay_from=payload.stay_from
    )


@router.post(
    "/lifehub/emergencies/{request_id}/decline",
    response={200: LifehubEmergencyOut, **ERRORS},
    summary="受け入れできなかったことを記録する",
    url_name="lifehub_emergency_decline",
)
def emergency_decline(
    request: TsunaguRequest, request_id: int, payload: LifehubDeclineIn
) -> EmergencyRequest:
    found = access.access_emergency(request.actor, request_id)
    return services.emergency_decline(request.actor, request=found, reason=payload.reason)


@router.post(
    "/lifehub/emergencies/{request_id}/end",
    response={200: LifehubEmergencyOut, **ERRORS},
    summary="受け入れの終了を記録する",
    url_name="lifehub_emergency_end",
)
def emergency_end(
    request: TsunaguRequest, request_id: int, payload: LifehubEndIn
) -> EmergencyRequest:
    found = access.access_emergency(request.actor, request_id)
    return services.emergency_end(request.actor, request=found, stay_until=payload.stay_until)


# --- Resident activities ------------------------------------------------------------------


@router.get(
    "/lifehub/activities",
    response={200: list[LifehubActivityOut], 404: ErrorOut, 422: ErrorOut},
    summary="住民の活動（生活支援サービス）",
    url_name="lifehub_activity_list",
)
@paginated
def activity_list(request: TsunaguRequest) -> Any:
    audit.record_read(request.actor, view="lifehub_activity_list", person_ids=[])
    return selectors.activity_rows(request.actor)


@router.post(
    "/lifehub/activities",
    response={201: LifehubActivityDetailOut, **ERRORS},
    summary="住民の活動を社会資源に登録する（同意の記録とともに）",
    url_name="lifehub_activity_create",
)
def activity_create(
    request: TsunaguRequest, payload: LifehubActivityIn
) -> Status[ResidentActivity]:
    actor = audit.require_role(
        request.actor, access.may_keep_activities, view="lifehub_activity_create"
    )
    area = None
    if payload.area_id is not None:
        area = Area.objects.filter(pk=payload.area_id).first()
        if area is None:
            raise FieldErrors({"area_id": "地域が見つかりません。"})
    data = payload.model_dump(exclude={"area_id", "kind", "scopes"})
    activity = services.activity_create(
        actor,
        area=area,
        kind=str(payload.kind.value),
        scopes=[str(s.value) for s in payload.scopes],
        **data,
    )
    return Status(201, activity)


@router.get(
    "/lifehub/activities/{activity_id}",
    response={200: LifehubActivityDetailOut, 404: ErrorOut},
    summary="住民の活動と掲載への同意の記録",
    url_name="lifehub_activity_detail",
)
def activity_detail(request: TsunaguRequest, activity_id: int) -> ResidentActivity:
    activity = access.access_activity(request.actor, activity_id)
    audit.record(action=Action.RECORD_VIEWED, actor=request.actor, target=activity)
    return activity


@router.post(
    "/lifehub/activities/{activity_id}/consents",
    response={201: LifehubConsentOut, **ERRORS},
    summary="掲載への同意を記録する",
    url_name="lifehub_consent_give",
)
def consent_give(
    request: TsunaguRequest, activity_id: int, payload: LifehubConsentIn
) -> Status[PublicationConsent]:
    activity = access.access_activity(request.actor, activity_id)
    data = payload.model_dump(exclude={"scope"})
    consent = services.consent_give(
        request.actor, activity=activity, scope=str(payload.scope.value), **data
    )
    return Status(201, consent)


@router.post(
    "/lifehub/activities/{activity_id}/withdraw",
    response={200: LifehubConsentOut, **ERRORS},
    summary="掲載への同意の撤回を記録する（ただちに掲載を止める）",
    url_name="lifehub_consent_withdraw",
)
def consent_withdraw(
    request: TsunaguRequest, activity_id: int, payload: LifehubWithdrawIn
) -> PublicationConsent:
    activity = access.access_activity(request.actor, activity_id)
    return services.consent_withdraw(
        request.actor,
        activity=activity,
        scope=str(payload.scope.value),
        withdrawn_on=payload.withdrawn_on,
        note=payload.note,
    )
