"""Writes of the life hub and the resident activities: each takes an Actor, checks its right,
and leaves its audit row in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Conflict, FieldErrors, Invalid
from tsunagu.core.validation import full_clean_fields
from tsunagu.directory import services as directory_services
from tsunagu.directory.models import TaxonomyTerm
from tsunagu.lifehub import access
from tsunagu.lifehub.models import (
    KIND_TERMS,
    EmergencyRequest,
    EmergencyStatus,
    HubRole,
    PublicationConsent,
    PublicationScope,
    ResidentActivity,
)
from tsunagu.organizations.models import Area, Organization


def _keeper(actor: Actor, view: str) -> Actor:
    audit.require_role(actor, access.may_keep_activities, view=view)
    return audit.require_writer(actor)


def _hub_manager(actor: Actor, view: str) -> Actor:
    audit.require_role(actor, access.may_manage_hub, view=view)
    return audit.require_writer(actor)


# --- Resident activities ----------------------------------------------------------------------


def _consent_create(
    actor: Actor,
    *,
    activity: ResidentActivity,
    scope: str,
    consented_by_name: str,
    consented_by_role: str,
    consented_on: dt.date,
    method: str,
) -> PublicationConsent:
    if scope not in PublicationScope.values:
        raise FieldErrors({"scope": _("同意の範囲を選んでください。")})
    if activity.consents.filter(scope=scope, withdrawn_at__isnull=True).exists():
        raise Conflict(_("この範囲への同意はすでに記録されています。"))
    if consented_on > timezone.localdate():
        raise FieldErrors({"consented_on": _("同意の日に未来の日付は入れられません。")})
    consent = PublicationConsent(
        activity=activity,
        scope=scope,
        consented_by_name=consented_by_name.strip(),
        consented_by_role=consented_by_role.strip(),
        consented_on=consented_on,
        method=method.strip(),
        recorded_by=actor.user,
        recorded_by_organization=actor.organization,
    )
    full_clean_fields(
        consent, exclude=["activity", "recorded_by", "recorded_by_organization"], every_message=True
    )
    consent.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=consent,
        detail={"activity": activity.pk, "scope": scope, "consented_on": str(consented_on)},
    )
    return consent


@audit.atomic_with_refusals
def activity_create(
    actor: Actor,
    *,
    name: str,
    kind: str,
    group_name: str,
    area: Area | None,
    contact_name: str,
    contact_phone: str = "",
    description: str = "",
    consented_by_name: str,
    consented_by_role: str = "",
    consented_on: dt.date,
    method: str = "",
    scopes: Iterable[str],
) -> ResidentActivity:
    """Enter a residents' activity into the directory, with the consent its contact person
    gave: to which publications, who, when.  Without a consent to a publication, it stays out
    of that publication (directory/holds.py)."""
    _keeper(actor, "lifehub_activity_create")
    scopes = sorted(set(scopes))
    if not scopes:
        raise FieldErrors({"scopes": _("掲載に同意した範囲を1つ以上選んでください。")})
    directory_services.ensure_terms()
    code = KIND_TERMS.get(kind)  # type: ignore[call-overload]  # a str, checked here
    term = TaxonomyTerm.objects.filter(code=code).first() if code else None
    if term is None:
        raise FieldErrors({"kind": _("活動の種類を選んでください。")})
    if not name.strip() or not group_name.strip() or not contact_name.strip():
        raise Invalid(_("活動の名称、グループ名、連絡担当の方を入力してください。"))
    provider = directory_services.provider_create(
        actor, data={"name": group_name.strip(), "description": _("住民が運営する活動")}
    )
    resource = directory_services.resource_create(
        actor,
        data={
            "provider": provider,
            "name": name.strip(),
            "service_type": term,
            "description": description.strip(),
            "is_published": True,
        },
        locations=[{"area": area}] if area is not None else [],
        contacts=[
            {"name": contact_name.strip(), "phone": contact_phone.strip(), "is_internal": True}
        ],
    )
    activity = ResidentActivity(
        resource=resource,
        kind=kind,
        group_name=group_name.strip(),
        area=area,
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        recorded_by_organization=actor.organization,
        created_by=actor.user,
    )
    full_clean_fields(
        activity, exclude=["resource", "recorded_by_organization", "created_by"], every_message=True
    )
    activity.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=activity,
        detail={"resource": resource.pk, "kind": kind},
    )
    for scope in scopes:
        _consent_create(
            actor,
            activity=activity,
            scope=scope,
            consented_by_name=consented_by_name,
            consented_by_role=consented_by_role,
            consented_on=consented_on,
            method=method,
        )
    return activity


@audit.atomic_with_refusals
def consent_give(
    actor: Actor,
    *,
    activity: ResidentActivity,
    scope: str,
    consented_by_name: str,
    consented_by_role: str = "",
    consented_on: dt.date,
    method: str = "",
) -> PublicationConsent:
    _keeper(actor, "lifehub_consent_give")
    return _consent_create(
        actor,
        activity=activity,
        scope=scope,
        consented_by_name=consented_by_name,
        consented_by_role=consented_by_role,
        consented_on=consented_on,
        method=method,
    )


@audit.atomic_with_refusals
def consent_withdraw(
    actor: Actor,
    *,
    activity: ResidentActivity,
    scope: str,
    withdrawn_on: dt.date | None = None,
    note: str = "",
) -> PublicationConsent:
    """The group withdraws its consent to `scope`: from this moment the resource is out of
    that publication (the directory reads the standing consents on every request)."""
    _keeper(actor, "lifehub_consent_withdraw")
    day = withdrawn_on or timezone.localdate()
    if day > timezone.localdate():
        raise FieldErrors({"withdrawn_on": _("撤回の日に未来の日付は入れられません。")})
    consent = (
        PublicationConsent.objects.select_for_update()
        .filter(activity=activity, scope=scope, withdrawn_at__isnull=True)
        .first()
    )
    if consent is None:
        raise Conflict(_("この範囲への同意は記録されていないか、すでに撤回されています。"))
    consent.withdrawn_on = day
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor.user
    consent.withdrawal_note = note.strip()[:300]
    consent.save(update_fields=["withdrawn_on", "withdrawn_at", "withdrawn_by", "withdrawal_note"])
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=consent,
        detail={"activity": activity.pk, "scope": scope, "withdrawn_on": str(day)},
    )
    return consent


# --- The hub's functions ------------------------------------------------------------------------


@audit.atomic_with_refusals
def role_add(
    actor: Actor,
    *,
    function: str,
    organization: Organization,
    description: str = "",
    capacity: int | None = None,
    since: dt.date | None = None,
) -> HubRole:
    _hub_manager(actor, "lifehub_role_add")
    if HubRole.objects.filter(
        function=function, organization=organization, ended_on__isnull=True
    ).exists():
        raise Conflict(_("この機関はすでにこの機能を担っています。"))
    role = HubRole(
        function=function,
        organization=organization,
        description=description.strip(),
        capacity=capacity,
        since=since or timezone.localdate(),
        created_by=actor.user,
    )
    full_clean_fields(role, exclude=["organization", "created_by"], every_message=True)
    role.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=role,
        detail={"function": function, "organization": organization.pk},
    )
    return role


@audit.atomic_with_refusals
def role_end(actor: Actor, *, role: HubRole, ended_on: dt.date | None = None) -> HubRole:
    _hub_manager(actor, "lifehub_role_end")
    if role.ended_on is not None:
        raise Conflict(_("この役割はすでに終了しています。"))
    day = ended_on or timezone.localdate()
    if day < role.since:
        raise FieldErrors({"ended_on": _("終了日は開始日より後にしてください。")})
    role.ended_on = day
    role.save(update_fields=["ended_on", "updated_at"])
    audit.record(
        action=Action.RECORD_UPDATED, actor=actor, target=role, detail={"ended_on": str(day)}
    )
    return role


# --- Emergency acceptance -------------------------------------------------------------------


def _may_handle(actor: Actor, request: EmergencyRequest) -> None:
    if access.may_manage_hub(actor):
        return
    if actor.can_write and request.receiving_organization_id == actor.organization_id:
        return
    raise audit.refusal(
        actor,
        target=request,
        reason="not the receiving organization",
        message=_("この依頼を更新できるのは、受け付けた機関と基幹相談支援センター・市です。"),
    )


@audit.atomic_with_refusals
def emergency_receive(
    actor: Actor,
    *,
    reason: str,
    situation: str,
    requesting_organization: Organization | None = None,
    received_at: dt.datetime | None = None,
) -> EmergencyRequest:
    audit.require_role(actor, access.may_record_emergency, view="lifehub_emergency_receive")
    audit.require_writer(actor)
    received = received_at or timezone.now()
    if received > timezone.now() + dt.timedelta(minutes=5):
        raise FieldErrors({"received_at": _("受付日時に未来の日時は入れられません。")})
    request = EmergencyRequest(
        received_at=received,
        receiving_organization=actor.organization,
        requesting_organization=requesting_organization,
        reason=reason,
        situation=situation.strip(),
        created_by=actor.user,
    )
    full_clean_fields(
        request,
        exclude=["receiving_organization", "requesting_organization", "accepted_by", "created_by"],
        every_message=True,
    )
    request.save()
    audit.record(
        action=Action.RECORD_CREATED, actor=actor, target=request, detail={"reason": reason}
    )
    return request


def _move(
    actor: Actor, request: EmergencyRequest, *, allowed: tuple[str, ...], to: str
) -> EmergencyRequest:
    _may_handle(actor, request)
    locked = EmergencyRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status not in allowed:
        raise Conflict(
            _("この依頼は「%(status)s」のため、この操作はできません。")
            % {"status": locked.get_status_display()}
        )
    locked.status = to
    locked.version += 1
    return locked


@audit.atomic_with_refusals
def emergency_accept(
    actor: Actor, *, request: EmergencyRequest, accepted_by: Organization, stay_from: dt.date
) -> EmergencyRequest:
    locked = _move(actor, request, allowed=(EmergencyStatus.RECEIVED,), to=EmergencyStatus.ACCEPTED)
    if stay_from < timezone.localtime(locked.received_at).date():
        raise FieldErrors({"stay_from": _("受け入れ開始日は受付日より後にしてください。")})
    locked.accepted_by = accepted_by
    locked.stay_from = stay_from
    locked.save(update_fields=["status", "accepted_by", "stay_from", "version", "updated_at"])
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=locked,
        detail={"status": locked.status, "accepted_by": accepted_by.pk},
    )
    return locked


@audit.atomic_with_refusals
def emergency_decline(actor: Actor, *, request: EmergencyRequest, reason: str) -> EmergencyRequest:
    locked = _move(actor, request, allowed=(EmergencyStatus.RECEIVED,), to=EmergencyStatus.DECLINED)
    if not reason.strip():
        raise FieldErrors({"reason": _("受け入れできなかった理由を入力してください。")})
    locked.decline_reason = reason.strip()[:300]
    locked.save(update_fields=["status", "decline_reason", "version", "updated_at"])
    audit.record(
        action=Action.RECORD_UPDATED, actor=actor, target=locked, detail={"status": locked.status}
    )
    return locked


@audit.atomic_with_refusals
def emergency_end(
    actor: Actor, *, request: EmergencyRequest, stay_until: dt.date
) -> EmergencyRequest:
    locked = _move(actor, request, allowed=(EmergencyStatus.ACCEPTED,), to=EmergencyStatus.ENDED)
    if locked.stay_from is not None and stay_until < locked.stay_from:
        raise FieldErrors({"stay_until": _("終了日は開始日より後にしてください。")})
    locked.stay_until = stay_until
    locked.save(update_fields=["status", "stay_until", "version", "updated_at"])
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=locked,
        detail={"status": locked.status, "days": locked.stay_days},
    )
    return locked
