"""A support plan as FHIR R4 (DESIGN.md §4: interchange), built with `fhir.resources.R4B`.

One Bundle of type `collection`, self-contained: every reference points at an entry of the
bundle by its `urn:uuid:` full URL, so a receiver needs nothing else to read it.

- CarePlan: the plan (intent `plan`); status from the plan's: a draft is `draft`, the agreed
  plan in force `active`; a superseded version is `completed` if its period ran out and
  `revoked` (ended before its period was over, replaced by the next version) otherwise.
  description = 総合的な援助の方針; an activity per item, with the responsible organization as
  performer and the item's goal.
- Goal per item: lifecycleStatus from the plan's status, the latest monitoring's achievement,
  the target date (達成時期) as target.dueDate.
- CareTeam: the organizations on the case team today, with their roles.
- EpisodeOfCare: the case (status, period, managing organization = the lead).
- Patient: the person, minimal: the name in kanji and in kana (the ISO 21090 representation
  extension, IDE and SYL, as JP Core does), sex and birth date.  No address, phone or
  recipient numbers: a plan exchange does not need them.
- Organization for every organization referred to.

Building each resource through the models validates it; a plan the models reject is a bug here
and fails loudly rather than sending invalid FHIR.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.cases.models import Case, CaseStatus, CaseTeamMember
from tsunagu.core.errors import Invalid
from tsunagu.organizations.models import Organization
from tsunagu.people.models import Person, Sex
from tsunagu.plans import documents, selectors
from tsunagu.plans.models import Achievement, PlanItem, PlanStatus, SupportKind, SupportPlan

# Stable ids: the same plan exported twice gives the same full URLs.
NAMESPACE = uuid.UUID("5d0c1a8e-2f4b-4c55-9a70-7473756e6167")
SYSTEM = "urn:tsunagu"
NAME_REPRESENTATION = "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
CARE_TEAM_CATEGORY = "http://loinc.org"

GENDER = {Sex.MALE: "male", Sex.FEMALE: "female", Sex.OTHER: "other", Sex.NO_ANSWER: "unknown"}
ACHIEVEMENT = {
    Achievement.ACHIEVED: ("achieved", "Achieved"),
    Achievement.PARTLY: ("improving", "Improving"),
    Achievement.NOT_YET: ("not-achieved", "Not Achieved"),
}
EPISODE_STATUS = {CaseStatus.INTAKE: "planned", CaseStatus.CLOSED: "finished"}


def _url(kind: str, pk: object) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{kind}/{pk}')}"


def _ref(kind: str, pk: object, display: str = "") -> dict[str, str]:
    ref = {"reference": _url(kind, pk)}
    if display:
        ref["display"] = display
    return ref


def _identifier(kind: str, value: object) -> list[dict[str, str]]:
    return [{"system": f"{SYSTEM}:{kind}", "value": str(value)}]


def _period(start: dt.date | None, end: dt.date | None) -> dict[str, str]:
    period = {}
    if start:
        period["start"] = start.isoformat()
    if end:
        period["end"] = end.isoformat()
    return period


def care_plan_status(plan: SupportPlan, *, today: dt.date | None = None) -> str:
    if plan.status == PlanStatus.DRAFT:
        return "draft"
    if plan.status == PlanStatus.AGREED:
        return "active"
    day = today or timezone.localdate()
    return "completed" if plan.period_end < day else "revoked"


def goal_lifecycle(plan: SupportPlan, achievement: str) -> str:
    if plan.status == PlanStatus.DRAFT:
        return "proposed"
    if achievement == Achievement.ACHIEVED:
        return "completed"
    if plan.status == PlanStatus.AGREED:
        return "active"
    return "cancelled"  # the goal went with a superseded version (the next one carries it on)


# --- Resources --------------------------------------------------------------------------------


def _patient(person: Person) -> dict[str, Any]:
    names: list[dict[str, Any]] = []
    kanji = f"{person.family_name} {person.given_name}".strip()
    if kanji:
        names.append(_name(kanji, person.family_name, person.given_name, representation="IDE"))
    kana = person.kana_name
    if kana:
        names.append(
            _name(kana, person.family_name_kana, person.given_name_kana, representation="SYL")
        )
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "id": f"person-{person.pk}",
        "identifier": _identifier("person", person.pk),
        "name": names,
        "gender": GENDER.get(Sex(person.sex), "unknown"),
    }
    if person.birth_date:
        patient["birthDate"] = person.birth_date.isoformat()
    return patient


def _name(text: str, family: str, given: str, *, representation: str) -> dict[str, Any]:
    name: dict[str, Any] = {
        "extension": [{"url": NAME_REPRESENTATION, "valueCode": representation}],
        "use": "official",
        "text": text,
    }
    if family:
        name["family"] = family
    if given:
        name["given"] = [given]
    return name


def _organization(org: Organization) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Organization",
        "id": f"organization-{org.pk}",
        "identifier": _identifier("organization", org.code),
        "active": org.is_active,
        "type": [{"text": str(org.get_kind_display())}],
        "name": org.name,
    }
    if org.short_name:
        resource["alias"] = [org.short_name]
    if org.phone:
        resource["telecom"] = [{"system": "phone", "value": org.phone, "use": "work"}]
    return resource


def _goal(
    plan: SupportPlan, item: PlanItem, subject: dict[str, str], achievement: str
) -> dict[str, Any]:
    goal: dict[str, Any] = {
        "resourceType": "Goal",
        "id": f"plan-item-{item.pk}",
        "identifier": _identifier("plan-item", item.pk),
        "lifecycleStatus": goal_lifecycle(plan, achievement),
        "description": {"text": item.goal},
        "subject": subject,
        "note": [{"text": f"解決すべき課題（本人のニーズ）: {item.need}"}],
    }
    if achievement in ACHIEVEMENT:
        code, display = ACHIEVEMENT[Achievement(achievement)]
        goal["achievementStatus"] = {
            "coding": [{"system": GOAL_ACHIEVEMENT, "code": code, "display": display}],
            "text": str(Achievement(achievement).label),
        }
    if item.target_date:
        goal["target"] = [{"dueDate": item.target_date.isoformat()}]
    if item.person_role:
        goal["note"].append({"text": f"本人の役割: {item.person_role}"})
    return goal


def _activity(plan: SupportPlan, item: PlanItem) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "status": {
            PlanStatus.DRAFT: "not-started",
            PlanStatus.AGREED: "in-progress",
        }.get(PlanStatus(plan.status), "stopped"),
        "reasonCode": [{"text": item.need}],
        "goal": [_ref("Goal", item.pk)],
        "description": item.support_label or item.goal,
    }
    if item.support_kind == SupportKind.FORMAL and item.service_type:
        detail["code"] = {
            "coding": [
                {
                    "system": f"{SYSTEM}:service-type",
                    "code": item.service_type,
                    "display": str(item.get_service_type_display()),
                }
            ],
            "text": str(item.get_service_type_display()),
        }
    else:
        detail["code"] = {"text": str(item.get_support_kind_display())}
    if item.amount:
        detail["scheduledString"] = item.amount
    performers: list[dict[str, Any]] = []
    if item.provider_name:
        # The directory's provider (HSDS organization) by name: it need not be a Tsunagu
        # organization, so it has no reference of its own.
        performers.append({"display": item.provider_name})
    if item.responsible_organization is not None:
        performers.append(
            _ref(
                "Organization", item.responsible_organization_id, item.responsible_organization.name
            )
        )
    elif item.responsible_name:
        performers.append({"display": item.responsible_name})
    if performers:
        detail["performer"] = performers
    activity: dict[str, Any] = {"detail": detail}
    notes = [n for n in (item.notes, item.person_role and f"本人の役割: {item.person_role}") if n]
    if notes:
        activity["progress"] = [{"text": n} for n in notes]
    return activity


def _care_team(case: Case, team: list[CaseTeamMember], subject: dict[str, str]) -> dict[str, Any]:
    return {
        "resourceType": "CareTeam",
        "id": f"case-team-{case.pk}",
        "status": "inactive" if case.status == CaseStatus.CLOSED else "active",
        "name": f"支援チーム（{case.title or case}）",
        "subject": subject,
        "managingOrganization": [_ref("Organization", case.lead_organization_id)],
        "participant": [
            {
                "role": [
                    {
                        "coding": [{"system": f"{SYSTEM}:team-role", "code": m.role}],
                        "text": str(m.get_role_display()),
                    }
                ],
                "member": _ref("Organization", m.organization_id, m.organization.name),
                "period": _period(m.joined_on, m.left_on),
            }
            for m in team
        ],
    }


def _episode(case: Case, subject: dict[str, str]) -> dict[str, Any]:
    return {
        "resourceType": "EpisodeOfCare",
        "id": f"case-{case.pk}",
        "identifier": _identifier("case", case.pk),
        "status": EPISODE_STATUS.get(CaseStatus(case.status), "active"),
        "type": [{"text": str(case.get_support_layer_display())}],
        "patient": subject,
        "managingOrganization": _ref("Organization", case.lead_organization_id),
        "period": _period(case.opened_on, case.closed_on),
        "team": [_ref("CareTeam", case.pk)],
    }


def _care_plan(plan: SupportPlan, items: list[PlanItem], subject: dict[str, str]) -> dict[str, Any]:
    case = plan.case
    notes = [
        text
        for text in (
            plan.person_wishes and f"本人の意向: {plan.person_wishes}",
            plan.family_wishes and f"家族の意向: {plan.family_wishes}",
            plan.long_term_goal and f"長期目標: {plan.long_term_goal}",
            plan.short_term_goal and f"短期目標: {plan.short_term_goal}",
        )
        if text
    ]
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": f"plan-{plan.pk}",
        "identifier": _identifier("support-plan", f"{case.pk}-{plan.version}"),
        "status": care_plan_status(plan),
        "intent": "plan",
        "category": [{"text": "サービス等利用計画"}],
        "title": f"サービス等利用計画 第{plan.version}版",
        "description": plan.overall_policy
        or plan.long_term_goal
        or "（総合的な援助の方針は未記入）",
        "subject": subject,
        "period": _period(plan.period_start, plan.period_end),
        "created": timezone.localtime(plan.created_at).isoformat(),
        "author": _ref("Organization", plan.author_organization_id, plan.author_organization.name),
        "careTeam": [_ref("CareTeam", case.pk)],
        "goal": [_ref("Goal", item.pk) for item in items],
        "activity": [_activity(plan, item) for item in items],
    }
    if notes:
        resource["note"] = [{"text": text} for text in notes]
    return resource


# --- The bundle -------------------------------------------------------------------------------


def _validated(resource: dict[str, Any]) -> dict[str, Any]:
    from fhir.resources.R4B import get_fhir_model_class

    model = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return json.loads(model.model_dump_json())  # type: ignore[no-any-return]  # FHIR JSON


def plan_bundle(plan: SupportPlan) -> dict[str, Any]:
    """The plan and everything it refers to, as the JSON of a validated FHIR R4 Bundle."""
    from fhir.resources.R4B.bundle import Bundle

    case = plan.case
    person = case.person if case.person_id is not None else None
    if person is None:
        # EpisodeOfCare.patient is a Patient (1..1): a household case without one person
        # cannot be said in FHIR R4 without inventing one.
        raise Invalid(
            _(
                "世帯のケースの計画はFHIRで出力できません。"
                "本人を指定したケースの計画を出力してください。"
            )
        )
    subject = _ref("Patient", person.pk, person.display_name)
    items = list(selectors.plan_items(plan))
    team = documents.team_for_export(case)
    achievements = {
        item_id: report.achievement
        for item_id, report in documents.latest_goal_reports(plan).items()
    }
    # (kind, primary key, resource): the full URL is derived from the first two, as in _ref.
    entries: list[tuple[str, int, dict[str, Any]]] = [
        ("CarePlan", plan.pk, _care_plan(plan, items, subject)),
        *[
            ("Goal", item.pk, _goal(plan, item, subject, achievements.get(item.pk, "")))
            for item in items
        ],
        ("CareTeam", case.pk, _care_team(case, team, subject)),
        ("EpisodeOfCare", case.pk, _episode(case, subject)),
        ("Patient", person.pk, _patient(person)),
        *[
            ("Organization", org.pk, _organization(org))
            for org in documents.organizations_named(plan, team)
        ],
    ]
    bundle_entries = [
        {"fullUrl": _url(kind, pk), "resource": _validated(resource)}
        for kind, pk, resource in entries
    ]
    bundle = Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "id": str(uuid.uuid4()),
            "identifier": {"system": f"{SYSTEM}:export", "value": str(uuid.uuid4())},
            "type": "collection",
            "timestamp": timezone.now().isoformat(),
            "entry": bundle_entries,
        }
    )
    return json.loads(bundle.model_dump_json())  # type: ignore[no-any-return]  # FHIR JSON
