"""FHIR R4 interchange of referrals (fhir.resources.R4B).

Export: a `collection` Bundle with the Patient, both Organizations, the ServiceRequest (what is
asked), the Task (where the request stands, as in the HL7 SDOH closed-loop referral workflow)
and the Consent (the basis for sharing).  Before acceptance the receiver gets the Patient only
as far as the requester's summary shows it: the same minimal disclosure as on screen.

Import: a partner system sends a Task with a new status; it is mapped onto the move of
tsunagu/referrals/rules.py that reaches that status from the current one and applied by the
same service as the screens, so the same side and reason rules hold.  Sending the status the
referral already has changes nothing (partners re-deliver).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.cases.models import SharingBasis
from tsunagu.core.errors import Conflict, Invalid
from tsunagu.organizations.models import Organization, OrganizationKind
from tsunagu.people.models import Sex
from tsunagu.referrals.models import (
    ACCEPTED_STATUSES,
    BusinessStatus,
    Referral,
    ReferralKind,
    ReferralStatus,
    Side,
)
from tsunagu.referrals.rules import Move, move_to

SYSTEM = "https://tsunagu.example/fhir"
KIND_SYSTEM = f"{SYSTEM}/CodeSystem/referral-kind"
BUSINESS_SYSTEM = f"{SYSTEM}/CodeSystem/referral-business-status"
REFERRAL_SYSTEM = f"{SYSTEM}/referral"
ORGANIZATION_SYSTEM = f"{SYSTEM}/organization"
PERSON_SYSTEM = f"{SYSTEM}/person"
KANA_EXTENSION = "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation"
NAMESPACE = uuid.UUID("6f1c3a52-3b9e-4b7e-9d55-6a0f1f2f7c10")
LOOP_CLOSED = "loop-closed"

S = ReferralStatus
TASK_STATUS: dict[str, str] = {
    S.DRAFT: "draft",
    S.REQUESTED: "requested",
    S.ACCEPTED: "accepted",
    S.REJECTED: "rejected",
    S.IN_PROGRESS: "in-progress",
    S.ON_HOLD: "on-hold",
    S.COMPLETED: "completed",
    S.FAILED: "failed",
    S.CANCELLED: "cancelled",
    S.CONFIRMED: "completed",
}
SERVICE_REQUEST_STATUS: dict[str, str] = {
    S.DRAFT: "draft",
    S.REQUESTED: "active",
    S.ACCEPTED: "active",
    S.IN_PROGRESS: "active",
    S.ON_HOLD: "on-hold",
    S.COMPLETED: "completed",
    S.CONFIRMED: "completed",
    S.REJECTED: "revoked",
    S.FAILED: "revoked",
    S.CANCELLED: "revoked",
}
GENDER: dict[str, str] = {
    Sex.MALE: "male",
    Sex.FEMALE: "female",
    Sex.OTHER: "other",
    Sex.NO_ANSWER: "unknown",
}


def _urn(kind: str, pk: object) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{kind}/{pk}')}"


def _instant(moment: dt.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment is not None else None


def task_id(referral: Referral) -> str:
    return f"referral-{referral.pk}"


# --- Export ---------------------------------------------------------------------------------


def _organization(org: Organization) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Organization",
        "id": f"org-{org.pk}",
        "identifier": [{"system": ORGANIZATION_SYSTEM, "value": org.code}],
        "active": org.is_active,
        "type": [{"text": str(OrganizationKind(org.kind).label)}],
        "name": org.name,
    }
    if org.phone:
        resource["telecom"] = [{"system": "phone", "value": org.phone, "use": "work"}]
    return resource


def _patient(referral: Referral, full: bool) -> dict[str, Any]:
    """The whole name and birth date for the requester and, after acceptance, the receiver;
    before that only what the requester's summary shows."""
    person = referral.person
    summary = referral.summary or {}
    resource: dict[str, Any] = {"resourceType": "Patient", "id": f"person-{referral.person_id}"}
    if full and person is not None:
        resource["identifier"] = [{"system": PERSON_SYSTEM, "value": str(person.pk)}]
        names: list[dict[str, Any]] = []
        if person.family_name or person.given_name:
            names.append(
                {
                    "use": "official",
                    "text": person.display_name,
                    "family": person.family_name or None,
                    "given": [person.given_name] if person.given_name else None,
                }
            )
        names.append(
            {
                "extension": [{"url": KANA_EXTENSION, "valueCode": "SYL"}],
                "text": person.kana_name,
                "family": person.family_name_kana,
                "given": [person.given_name_kana],
            }
        )
        resource["name"] = [{k: v for k, v in n.items() if v is not None} for n in names]
        resource["gender"] = GENDER.get(person.sex, "unknown")
        if person.birth_date:
            resource["birthDate"] = person.birth_date.isoformat()
        return resource
    if summary.get("name"):
        resource["name"] = [{"text": str(summary["name"])}]
    if summary.get("sex") in GENDER:
        resource["gender"] = GENDER[summary["sex"]]
    if summary.get("area"):
        resource["address"] = [{"district": str(summary["area"])}]
    return resource


def _consent(referral: Referral) -> dict[str, Any]:
    basis = referral.basis
    consent = referral.consent
    today = timezone.localdate()
    resource: dict[str, Any] = {
        "resourceType": "Consent",
        "id": f"referral-{referral.pk}-basis",
        "status": "active",
        "scope": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                    "code": "patient-privacy",
                }
            ]
        },
        "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
        "patient": {"reference": _urn("person", referral.person_id)},
        "organization": [{"reference": _urn("org", referral.requesting_organization_id)}],
        "provision": {
            "type": "permit",
            "actor": [
                {
                    "role": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                                "code": "IRCP",
                            }
                        ]
                    },
                    "reference": {"reference": _urn("org", referral.receiving_organization_id)},
                }
            ],
        },
    }
    if basis == SharingBasis.CONSENT and consent is not None:
        resource["dateTime"] = dt.datetime.combine(
            consent.obtained_on, dt.time.min, tzinfo=timezone.get_current_timezone()
        ).isoformat()
        period = {"start": consent.obtained_on.isoformat()}
        if consent.expires_on:
            period["end"] = consent.expires_on.isoformat()
        resource["provision"]["period"] = period
        resource["policyRule"] = {"text": str(SharingBasis.CONSENT.label)}
        if not consent.is_valid_on(today):
            resource["status"] = "inactive"
    elif basis in (SharingBasis.STATUTORY_MEETING, SharingBasis.EMERGENCY):
        label = str(SharingBasis(basis).label)
        resource["policyRule"] = {
            "text": f"{label}: {referral.basis_note}" if referral.basis_note else label
        }
    else:
        resource["status"] = "draft"
        resource["policyRule"] = {"text": _("共有の根拠は未記録です。")}
    return resource


def _business_status(referral: Referral) -> dict[str, Any] | None:
    if referral.status == S.CONFIRMED:
        return {
            "coding": [{"system": BUSINESS_SYSTEM, "code": LOOP_CLOSED}],
            "text": str(S.CONFIRMED.label),
        }
    if referral.status == S.REQUESTED and referral.business_status == BusinessStatus.RECEIVED:
        return {
            "coding": [{"system": BUSINESS_SYSTEM, "code": BusinessStatus.RECEIVED.value}],
            "text": str(BusinessStatus.RECEIVED.label),
        }
    return None


def _task(referral: Referral) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Task",
        "id": task_id(referral),
        "identifier": [{"system": REFERRAL_SYSTEM, "value": str(referral.pk)}],
        "status": TASK_STATUS[referral.status],
        "intent": "order",
        "code": {
            "coding": [{"system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill"}]
        },
        "focus": {"reference": _urn("servicerequest", referral.pk)},
        "for": {"reference": _urn("person", referral.person_id)},
        "authoredOn": _instant(referral.requested_at or referral.created_at),
        "lastModified": _instant(referral.updated_at),
        "requester": {"reference": _urn("org", referral.requesting_organization_id)},
        "owner": {"reference": _urn("org", referral.receiving_organization_id)},
    }
    business = _business_status(referral)
    if business:
        resource["businessStatus"] = business
    if referral.status_reason:
        resource["statusReason"] = {"text": referral.status_reason}
    if referral.outcome:
        resource["output"] = [{"type": {"text": _("結果の報告")}, "valueString": referral.outcome}]
    return resource


def _service_request(referral: Referral) -> dict[str, Any]:
    return {
        "resourceType": "ServiceRequest",
        "id": f"referral-{referral.pk}-request",
        "identifier": [{"system": REFERRAL_SYSTEM, "value": str(referral.pk)}],
        "status": SERVICE_REQUEST_STATUS[referral.status],
        "intent": "order",
        "code": {
            "coding": [
                {
                    "system": KIND_SYSTEM,
                    "code": referral.kind,
                    "display": str(ReferralKind(referral.kind).label),
                }
            ],
            "text": str(ReferralKind(referral.kind).label),
        },
        "subject": {"reference": _urn("person", referral.person_id)},
        "authoredOn": _instant(referral.requested_at or referral.created_at),
        "requester": {"reference": _urn("org", referral.requesting_organization_id)},
        "performer": [{"reference": _urn("org", referral.receiving_organization_id)}],
        "reasonCode": [{"text": referral.reason}],
        "note": [{"text": referral.request_text}, {"text": referral.summary_text}],
    }


def referral_bundle(referral: Referral, *, full_patient: bool) -> dict[str, Any]:
    """The Bundle as FHIR JSON, built and validated with fhir.resources.R4B."""
    from fhir.resources.R4B.bundle import Bundle

    resources = [
        (_urn("person", referral.person_id), _patient(referral, full_patient)),
        (
            _urn("org", referral.requesting_organization_id),
            _organization(referral.requesting_organization),
        ),
        (
            _urn("org", referral.receiving_organization_id),
            _organization(referral.receiving_organization),
        ),
        (_urn("servicerequest", referral.pk), _service_request(referral)),
        (_urn("task", referral.pk), _task(referral)),
        (_urn("consent", referral.pk), _consent(referral)),
    ]
    bundle = Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "identifier": {"system": REFERRAL_SYSTEM, "value": task_id(referral)},
            "type": "collection",
            "timestamp": timezone.localtime().isoformat(),
            "entry": [{"fullUrl": url, "resource": resource} for url, resource in resources],
        }
    )
    import json

    result: dict[str, Any] = json.loads(bundle.model_dump_json())
    return result


def full_patient_for(side: str | None, referral: Referral, case_visible: bool) -> bool:
    if side == Side.REQUESTER:
        return True
    return referral.status in ACCEPTED_STATUSES and case_visible


# --- Import ---------------------------------------------------------------------------------

FROM_TASK_STATUS: dict[str, str] = {
    "requested": S.REQUESTED,
    "received": S.REQUESTED,
    "accepted": S.ACCEPTED,
    "rejected": S.REJECTED,
    "in-progress": S.IN_PROGRESS,
    "on-hold": S.ON_HOLD,
    "completed": S.COMPLETED,
    "failed": S.FAILED,
    "cancelled": S.CANCELLED,
}


@dataclass(frozen=True)
class TaskUpdate:
    move: Move | None  # None: the referral already has this status
    reason: str
    outcome: str


def _codes(concept: Any) -> set[str]:
    if concept is None:
        return set()
    return {c.code for c in (concept.coding or []) if c.code}


def task_update(referral: Referral, payload: dict[str, Any]) -> TaskUpdate:
    """Read a partner's Task and find the move it asks for.  Invalid FHIR → Invalid (422);
    a status that cannot be reached from where the referral is → Conflict (409)."""
    from fhir.resources.R4B.task import Task
    from pydantic import ValidationError

    if payload.get("resourceType") != "Task":
        raise Invalid(_("FHIRのTaskリソース（resourceType: Task）を送ってください。"))
    try:
        task = Task.model_validate(payload)
    except (ValidationError, ValueError) as exc:
        raise Invalid(
            _("FHIR R4のTaskとして読めません: %(error)s") % {"error": str(exc).splitlines()[0]},
            code="invalid_fhir",
        ) from None
    ids = {task.id} if task.id else set()
    ids |= {f"referral-{i.value}" for i in (task.identifier or []) if i.system == REFERRAL_SYSTEM}
    if task_id(referral) not in ids:
        raise Invalid(
            _("Taskのid（%(id)s）または識別子がこの依頼と一致しません。")
            % {"id": task_id(referral)},
            code="task_mismatch",
        )
    target = FROM_TASK_STATUS.get(str(task.status))
    if target is None:
        raise Invalid(
            _("Taskの状態「%(status)s」は取り込めません。") % {"status": task.status},
            code="unsupported_status",
        )
    codes = _codes(task.businessStatus)
    target_business = ""
    if task.status == "received" or (
        target == S.REQUESTED and BusinessStatus.RECEIVED.value in codes
    ):
        target_business = BusinessStatus.RECEIVED.value
    if target == S.COMPLETED and LOOP_CLOSED in codes:
        target = S.CONFIRMED
    note = "\n".join(n.text for n in (task.note or []) if n.text)
    reason = task.statusReason.text if task.statusReason and task.statusReason.text else note
    outcome = "\n".join(
        str(o.valueString) for o in (task.output or []) if getattr(o, "valueString", None)
    )
    outcome = outcome or note
    if target == referral.status and (
        target_business == referral.business_status or target != S.REQUESTED
    ):
        return TaskUpdate(move=None, reason=reason, outcome=outcome)
    move = move_to(
        status=referral.status,
        business_status=referral.business_status,
        target=target,
        target_business=target_business,
    )
    if move is None:
        raise Conflict(
            _("「%(status)s」の依頼を「%(target)s」にはできません。")
            % {"status": S(referral.status).label, "target": S(target).label},
            code="illegal_transition",
        )
    return TaskUpdate(move=move, reason=reason, outcome=outcome)
