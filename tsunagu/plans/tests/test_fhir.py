"""The FHIR R4 export of a plan: a valid Bundle whose references all resolve inside it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.core.errors import Invalid
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.people.tests.factories import HouseholdFactory
from tsunagu.plans import fhir, services
from tsunagu.plans.models import PlanStatus
from tsunagu.plans.tests.factories import PlanItemFactory, SupportPlanFactory
from tsunagu.plans.tests.world import PlanWorld, build_plan_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(personas) -> PlanWorld:
    return build_plan_world(personas)


def _references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                yield value
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for value in node:
            yield from _references(value)


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _by_url(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["fullUrl"]: e["resource"] for e in bundle["entry"]}


def test_the_bundle_parses_and_every_reference_resolves_inside_it(w):
    bundle = fhir.plan_bundle(w.plan)
    parsed = Bundle.model_validate(bundle)  # the R4B models accept it back
    assert parsed.type == "collection"
    urls = _by_url(bundle)
    refs = list(_references(bundle))
    assert refs
    assert not [r for r in refs if r not in urls]
    kinds = sorted(r["resourceType"] for r in urls.values())
    assert kinds == sorted(
        ["CarePlan", "CareTeam", "EpisodeOfCare", "Patient"] + ["Goal"] * 4 + ["Organization"] * 3
    )


def test_care_plan_goals_and_activities(personas, w):
    bundle = fhir.plan_bundle(w.plan)
    urls = _by_url(bundle)
    [care_plan] = _resources(bundle, "CarePlan")
    assert (care_plan["status"], care_plan["intent"]) == ("active", "plan")
    assert care_plan["description"] == w.plan.overall_policy
    assert care_plan["period"] == {
        "start": w.plan.period_start.isoformat(),
        "end": w.plan.period_end.isoformat(),
    }
    assert urls[care_plan["subject"]["reference"]]["resourceType"] == "Patient"
    assert urls[care_plan["careTeam"][0]["reference"]]["resourceType"] == "CareTeam"
    goals = [urls[g["reference"]] for g in care_plan["goal"]]
    assert [g["description"]["text"] for g in goals] == [i.goal for i in w.items]
    assert goals[0]["lifecycleStatus"] == "active"
    assert goals[0]["target"] == [{"dueDate": w.items[0].target_date.isoformat()}]
    assert goals[0]["achievementStatus"]["coding"][0]["code"] == "improving"  # 一部達成
    assert goals[1]["achievementStatus"]["coding"][0]["code"] == "not-achieved"
    assert "achievementStatus" not in goals[2]  # not monitored yet

    activities = care_plan["activity"]
    assert len(activities) == 4
    performers = [urls[a["detail"]["performer"][0]["reference"]]["name"] for a in activities[:3]]
    assert performers == [w.provider.name, personas.office_a.name, personas.core_center.name]
    assert activities[3]["detail"]["performer"] == [{"display": "民生委員 鈴木さん"}]
    assert activities[0]["detail"]["code"]["text"] == "就労継続支援B型"
    assert activities[0]["detail"]["scheduledString"] == "週3日（月13日）"
    assert activities[0]["detail"]["status"] == "in-progress"
    assert activities[0]["detail"]["goal"][0]["reference"] == care_plan["goal"][0]["reference"]


def test_care_team_episode_and_patient(personas, w):
    bundle = fhir.plan_bundle(w.plan)
    urls = _by_url(bundle)
    [team] = _resources(bundle, "CareTeam")
    members = {
        urls[p["member"]["reference"]]["name"]: p["role"][0]["text"] for p in team["participant"]
    }
    assert members == {
        personas.office_a.name: "主担当",
        personas.core_center.name: "共同支援",
        w.provider.name: "サービス提供",
    }
    [episode] = _resources(bundle, "EpisodeOfCare")
    assert episode["status"] == "active"
    assert episode["period"] == {"start": w.case.opened_on.isoformat()}
    assert urls[episode["managingOrganization"]["reference"]]["name"] == personas.office_a.name
    assert urls[episode["team"][0]["reference"]] == team
    [patient] = _resources(bundle, "Patient")
    assert patient["birthDate"] == "1994-07-15"
    assert patient["gender"] == "female"
    names = {n["extension"][0]["valueCode"]: n["text"] for n in patient["name"]}
    assert names == {"IDE": "佐藤 花子", "SYL": "サトウ ハナコ"}
    assert "address" not in patient
    assert "telecom" not in patient


def test_plan_status_maps_to_care_plan_status(personas, w):
    lead = actor_as(personas.counselor_a, personas.office_a)
    draft = services.plan_new_version(actor=lead, plan=w.plan, reason="母の入院")
    bundle = fhir.plan_bundle(draft)
    [care_plan] = _resources(bundle, "CarePlan")
    assert care_plan["status"] == "draft"
    assert {g["lifecycleStatus"] for g in _resources(bundle, "Goal")} == {"proposed"}
    assert care_plan["activity"][0]["detail"]["status"] == "not-started"

    services.plan_agree(actor=lead, plan=draft, agreed_on=timezone.localdate(), method="oral")
    w.plan.refresh_from_db()
    assert w.plan.status == PlanStatus.SUPERSEDED
    [old] = _resources(fhir.plan_bundle(w.plan), "CarePlan")
    assert old["status"] == "revoked"  # replaced before its period ran out
    later = w.plan.period_end + dt.timedelta(days=1)
    assert fhir.care_plan_status(w.plan, today=later) == "completed"


def test_a_household_case_without_a_person_is_refused_clearly(personas):
    household = HouseholdFactory.create(registered_by_organization=personas.office_a)
    case = CaseFactory.create(
        person=None,
        household=household,
        title="山田さん世帯の支援",
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
    )
    plan = SupportPlanFactory.create(case=case, author=personas.counselor_a)
    PlanItemFactory.create(plan=plan)
    with pytest.raises(Invalid, match="世帯のケース"):
        fhir.plan_bundle(plan)
