"""/api/v1 for assessments, plans, monitoring, contingencies and tasks: the rules of the
screens, in JSON (422 for bad input, 409 for illegal moves, 403 read-only, 404 outsiders)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.plans.models import (
    Monitoring,
    MonitoringStatus,
    PlanItem,
    PlanStatus,
    SupportPlan,
    Task,
    TaskSource,
)
from tsunagu.plans.tests.world import PlanWorld, build_plan_world

pytestmark = pytest.mark.django_db


class Api:
    """A client for one user acting for one organization."""

    def __init__(self, user, organization) -> None:
        self.client = Client()
        token = api_token_for(user, organization)
        self.headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def get(self, path: str, **params: Any):
        return self.client.get(f"/api/v1{path}", params, **self.headers)

    def send(self, method: str, path: str, body: dict[str, Any] | None = None):
        return self.client.generic(
            method,
            f"/api/v1{path}",
            data=json.dumps(body or {}, ensure_ascii=False, default=str),
            content_type="application/json",
            **self.headers,
        )

    def post(self, path: str, body: dict[str, Any] | None = None):
        return self.send("POST", path, body)

    def patch(self, path: str, body: dict[str, Any] | None = None):
        return self.send("PATCH", path, body)

    def delete(self, path: str):
        return self.send("DELETE", path)


@pytest.fixture
def w(personas) -> PlanWorld:
    return build_plan_world(personas)


@pytest.fixture
def lead(personas) -> Api:
    return Api(personas.counselor_a, personas.office_a)


@pytest.fixture
def core(personas) -> Api:
    return Api(personas.core_officer, personas.core_center)


@pytest.fixture
def reader(personas) -> Api:
    return Api(personas.reader_a, personas.office_a)


@pytest.fixture
def outsider(personas) -> Api:
    return Api(personas.counselor_b, personas.office_b)


def _error(response, status: int, code: str | None = None) -> str:
    assert response.status_code == status, response.content.decode()
    error = response.json()["error"]
    if code is not None:
        assert error["code"] == code
    assert error["message"]
    return str(error["message"])


TODAY = timezone.localdate()


def _day(days: int) -> str:
    return str(TODAY + dt.timedelta(days=days))


# A year from today with monthly monitoring: 11 monitorings (the 12th month is past the end).
PLAN = {
    "person_wishes": "作業所に通い続けたい。",
    "overall_policy": "本人の得意なことを生かして通所を続ける。",
    "period_start": _day(0),
    "period_end": _day(364),
    "monitoring_frequency": "monthly",
}


# --- Assessments ------------------------------------------------------------------------------


def test_assessments_list_detail_and_a_new_version(w, lead):
    listing = lead.get(f"/cases/{w.case.pk}/assessments")
    assert listing.status_code == 200
    [first] = listing.json()["results"]
    assert first["revision"] == 1
    assert [s["person_name"] for s in first["sections"]] == ["佐藤 花子", "佐藤 恵子"]
    assert first["sections"][0]["motivating_moments"] == "作業所で自分の絵が飾られたとき。"
    detail = lead.get(f"/assessments/{w.assessment.pk}").json()
    assert detail["id"] == w.assessment.pk

    body = {
        "assessed_on": str(w.assessment.assessed_on),
        "based_on": 1,
        "summary": "母の入院に備え、短期入所の体験を急ぐ。",
        "revision_reason": "母の体調が悪化した",
        "sections": [{"person_id": w.person.pk, "wishes": "家で暮らし続けたい。"}],
    }
    created = lead.post(f"/cases/{w.case.pk}/assessments", body)
    assert created.status_code == 201, created.content
    assert created.json()["revision"] == 2
    # Someone looking at version 1 saves after that: refused, nothing overwritten.
    _error(lead.post(f"/cases/{w.case.pk}/assessments", body), 409, "conflict")


@pytest.mark.parametrize(
    "change",
    [
        {"assessed_on": "2999-01-01"},
        {"sections": []},
        {"sections": [{"person_id": 0, "health": "良好"}]},
        {"revision_reason": "", "based_on": 1},
        {"based_on": -1},
    ],
    ids=["future", "no sections", "not a household member", "no reason", "negative version"],
)
def test_bad_assessment_is_422(change, w, lead):
    body = {
        "assessed_on": str(timezone.localdate()),
        "based_on": 0,
        "summary": "通所が安定してきた。",
        "sections": [{"person_id": w.person.pk, "health": "良好"}],
        **change,
    }
    if change.get("based_on") == 1:
        body["assessed_on"] = str(w.assessment.assessed_on)
    _error(lead.post(f"/cases/{w.case.pk}/assessments", body), 422)


# --- Plans ------------------------------------------------------------------------------------


def test_plan_list_and_detail(w, lead):
    [plan] = lead.get(f"/cases/{w.case.pk}/plans").json()["results"]
    assert (plan["status"], plan["status_label"], plan["version"]) == ("agreed", "合意済み", 1)
    detail = lead.get(f"/plans/{w.plan.pk}").json()
    assert [i["priority"] for i in detail["items"]] == [1, 2, 3, 4]
    assert detail["items"][0]["responsible_organization"] == "就労継続支援B型 みどり作業所"
    assert detail["items"][3]["responsible_name"] == "民生委員 鈴木さん"
    assert [e["weekday_label"] for e in detail["weekly"]] == ["月", "水", "土"]


def test_new_draft_edit_items_and_agree(personas, w, lead, core):
    created = lead.post(f"/cases/{w.case.pk}/plans", PLAN)
    assert created.status_code == 201, created.content
    draft = created.json()
    assert (draft["version"], draft["status"], draft["based_on_id"]) == (2, "draft", w.plan.pk)
    assert len(draft["items"]) == 4  # the new version starts from the old one
    _error(lead.post(f"/cases/{w.case.pk}/plans", PLAN), 409, "conflict")

    url = f"/plans/{draft['id']}"
    edited = lead.patch(
        url, {"lock_version": draft["lock_version"], "long_term_goal": "一人暮らし"}
    )
    assert edited.status_code == 200, edited.content
    assert edited.json()["long_term_goal"] == "一人暮らし"
    assert edited.json()["overall_policy"] == PLAN["overall_policy"]  # untouched
    _error(lead.patch(url, {"lock_version": draft["lock_version"], "short_term_goal": "x"}), 409)

    item = lead.post(
        f"{url}/items",
        {
            "priority": 5,
            "need": "母が入院したときの行き先を決めておきたい。",
            "goal": "緊急時の短期入所先を決める。",
            "support_kind": "formal",
            "service_type": "short_stay",
            "amount": "緊急時",
            "responsible_organization_id": personas.core_center.pk,
            "target_date": _day(100),
        },
    )
    assert item.status_code == 201, item.content
    item_id = item.json()["id"]
    patched = lead.patch(f"/plan-items/{item_id}", {"amount": "緊急時 最大7日"})
    assert patched.status_code == 200, patched.content
    assert patched.json()["amount"] == "緊急時 最大7日"
    assert patched.json()["service_type"] == "short_stay"
    informal = lead.patch(
        f"/plan-items/{item_id}",
        {
            "support_kind": "informal",
            "informal_support": "叔母の見守り",
            "responsible_name": "叔母",
        },
    )
    assert informal.status_code == 200, informal.content
    assert informal.json()["service_type"] == ""
    deleted = lead.delete(f"/plan-items/{draft['items'][3]['id']}")
    assert deleted.status_code == 204
    assert PlanItem.objects.filter(plan_id=draft["id"]).count() == 4

    # Only the lead organization records the person's agreement.
    body = {"agreed_on": str(timezone.localdate()), "method": "seal", "note": "自宅で説明"}
    _error(core.post(f"{url}/agree", body), 403, "forbidden")
    agreed = lead.post(f"{url}/agree", body)
    assert agreed.status_code == 200, agreed.content
    assert agreed.json()["status"] == "agreed"
    w.plan.refresh_from_db()
    assert w.plan.status == PlanStatus.SUPERSEDED
    assert not Monitoring.objects.filter(plan=w.plan, status=MonitoringStatus.SCHEDULED).exists()
    assert Monitoring.objects.filter(plan_id=draft["id"]).count() == 11
    _error(
        lead.patch(url, {"lock_version": agreed.json()["lock_version"], "family_wishes": "x"}), 409
    )


def test_an_agreed_plan_cannot_be_edited(w, lead):
    message = _error(
        lead.patch(
            f"/plans/{w.plan.pk}", {"lock_version": w.plan.lock_version, "family_wishes": "x"}
        ),
        409,
        "conflict",
    )
    assert "新しい版" in message
    _error(
        lead.post(
            f"/plans/{w.plan.pk}/items",
            {
                "need": "x",
                "goal": "y",
                "responsible_name": "母",
                "support_kind": "informal",
                "informal_support": "見守り",
            },
        ),
        409,
    )
    _error(lead.patch(f"/plan-items/{w.items[0].pk}", {"amount": "週5日"}), 409)
    _error(lead.delete(f"/plan-items/{w.items[0].pk}"), 409)
    _error(
        lead.post(f"/plans/{w.plan.pk}/agree", {"agreed_on": "2026-11-01", "method": "seal"}), 409
    )


@pytest.mark.parametrize(
    "change",
    [
        {"period_end": _day(-1)},
        {"period_end": _day(5 * 365)},
        {"monitoring_frequency": "weekly"},
        {"monitoring_frequency": "custom", "monitoring_dates": []},
        {"monitoring_frequency": "custom", "monitoring_dates": [_day(2 * 365)]},
        {"period_start": "not a date"},
    ],
    ids=["ends before start", "too long", "unknown frequency", "custom no dates", "outside", "bad"],
)
def test_bad_plan_is_422(change, w, lead):
    _error(lead.post(f"/cases/{w.case.pk}/plans", {**PLAN, **change}), 422)
    assert SupportPlan.objects.filter(case=w.case).count() == 1


def test_bad_items_are_422(personas, w, lead):
    draft = lead.post(f"/cases/{w.case.pk}/plans", PLAN).json()
    url = f"/plans/{draft['id']}/items"
    base = {"need": "通院を続けたい", "goal": "月1回通院する", "support_kind": "formal"}
    off_team = lead.post(url, {**base, "responsible_organization_id": personas.office_b.pk})
    assert "支援チームに入っていません" in _error(off_team, 422)
    _error(lead.post(url, base), 422)  # a formal service needs an organization
    _error(lead.post(url, {**base, "responsible_organization_id": 999999}), 422)
    outside = {
        **base,
        "responsible_organization_id": personas.office_a.pk,
        "target_date": _day(5 * 365),
    }
    assert "計画期間" in _error(lead.post(url, outside), 422)
    _error(lead.post(url, {**base, "service_type": "teleport"}), 422, "validation_error")
    worker = {
        **base,
        "responsible_organization_id": personas.office_a.pk,
        "responsible_worker_id": personas.core_officer.pk,
    }
    _error(lead.post(url, worker), 422)


def test_new_version_of_an_agreed_plan(w, lead):
    url = f"/plans/{w.plan.pk}/new-version"
    _error(lead.post(url, {"reason": "  "}), 422)
    created = lead.post(url, {"reason": "母が入院したため"})
    assert created.status_code == 201, created.content
    assert created.json()["change_reason"] == "母が入院したため"
    assert created.json()["based_on_id"] == w.plan.pk
    _error(lead.post(url, {"reason": "もう一度"}), 409, "conflict")


# --- Monitoring -------------------------------------------------------------------------------


def test_monitoring_list_detail_and_report(w, lead):
    listing = lead.get(f"/plans/{w.plan.pk}/monitorings").json()["results"]
    assert len(listing) == 11
    assert listing[0]["status"] == "done"
    assert listing[0]["goal_reports"][0]["achievement"] == "partly"
    detail = lead.get(f"/monitorings/{w.next_monitoring.pk}").json()
    assert detail["status"] == "scheduled"

    url = f"/monitorings/{w.next_monitoring.pk}/report"
    body = {
        "conducted_on": str(timezone.localdate()),
        "overall": "母が入院し、短期入所を利用中。",
        "satisfaction": "unsure",
        "plan_change_needed": True,
        "goals": [
            {
                "plan_item_id": w.items[1].pk,
                "what_happened": "緊急で短期入所を利用した。",
                "achievement": "achieved",
                "person_words": "思ったより大丈夫だった。",
            }
        ],
    }
    reported = lead.post(url, body)
    assert reported.status_code == 200, reported.content
    out = reported.json()
    assert out["monitoring"]["status"] == "done"
    assert out["monitoring"]["satisfaction"] == "unsure"
    assert out["monitoring"]["goal_reports"][0]["achievement"] == "achieved"
    new_plan = SupportPlan.objects.get(pk=out["new_plan_id"])
    assert (new_plan.status, new_plan.based_on_id) == (PlanStatus.DRAFT, w.plan.pk)
    assert new_plan.items.count() == 4  # prefilled from the monitored plan
    _error(lead.post(url, body), 409, "conflict")


@pytest.mark.parametrize(
    "change",
    [
        {"conducted_on": "2999-01-01"},
        {"overall": "", "goals": []},
        {"goals": [{"plan_item_id": 999999, "what_happened": "x"}]},
        {"satisfaction": "happy"},
    ],
    ids=["future", "empty", "not this plan's goal", "unknown satisfaction"],
)
def test_bad_monitoring_report_is_422(change, w, lead):
    body = {"conducted_on": str(timezone.localdate()), "overall": "変わりなし。", **change}
    _error(lead.post(f"/monitorings/{w.next_monitoring.pk}/report", body), 422)
    w.next_monitoring.refresh_from_db()
    assert w.next_monitoring.status == MonitoringStatus.SCHEDULED


# --- Contingency ------------------------------------------------------------------------------


def test_contingency_from_trigger_to_tasks(personas, w, lead, core, mailoutbox):
    [trigger] = lead.get(f"/cases/{w.case.pk}/contingencies").json()["results"]
    assert trigger["actions"][0]["organization"] == personas.core_center.name

    created = lead.post(
        f"/cases/{w.case.pk}/contingencies",
        {"description": "家賃滞納3か月", "preparation": "家計相談の窓口を本人と確認しておく。"},
    )
    assert created.status_code == 201, created.content
    url = f"/contingencies/{created.json()['id']}"
    _error(lead.post(f"{url}/happened", {"happened_on": str(timezone.localdate())}), 422)
    off_team = lead.post(f"{url}/actions", {"organization_id": personas.office_b.pk, "action": "x"})
    _error(off_team, 422)
    for org in (personas.office_a, w.provider):
        added = lead.post(
            f"{url}/actions",
            {"organization_id": org.pk, "action": "大家さんと連絡を取る。", "days_to_act": 3},
        )
        assert added.status_code == 201, added.content
    assert len(added.json()["actions"]) == 2

    _error(core.post(f"{url}/happened", {"happened_on": "2999-01-01"}), 422)
    happened = core.post(
        f"{url}/happened", {"happened_on": str(timezone.localdate()), "note": "督促状"}
    )
    assert happened.status_code == 200, happened.content
    tasks = happened.json()["tasks"]
    assert sorted(t["owner_organization_id"] for t in tasks) == sorted(
        [personas.office_a.pk, w.provider.pk]
    )
    assert all(t["source"] == "contingency" for t in tasks)
    assert happened.json()["contingency"]["happened_on"] == str(timezone.localdate())
    _error(core.post(f"{url}/happened", {"happened_on": str(timezone.localdate())}), 409)
    _error(
        lead.post(f"{url}/actions", {"organization_id": personas.office_a.pk, "action": "x"}), 409
    )


# --- Tasks ------------------------------------------------------------------------------------


def test_each_organization_sees_its_own_part_of_the_plan(personas, w, lead, core, outsider):
    mine = lead.get("/tasks").json()
    assert [t["title"] for t in mine["results"]] == ["支援計画: 短期入所を1回体験する。"]
    office = lead.get("/tasks", scope="organization").json()["results"]
    assert {t["owner_organization_id"] for t in office} == {personas.office_a.pk}
    center = core.get("/tasks", scope="organization").json()["results"]
    assert [t["title"] for t in center] == ["支援計画: 月の小遣いを自分で管理できる。"]
    assert core.get("/tasks").json()["count"] == 0  # nobody assigned the core officer
    assert Task.objects.filter(source=TaskSource.PLAN, owner_organization=w.provider).count() == 1
    assert outsider.get("/tasks", scope="organization").json()["count"] == 0
    _error(lead.get("/tasks", scope="everyone"), 422, "validation_error")


def test_task_create_and_status(personas, w, lead, core):
    created = lead.post(
        "/tasks",
        {
            "title": "主治医の意見書を受け取る",
            "case_id": w.case.pk,
            "owner_organization_id": personas.core_center.pk,
            "due_on": str(timezone.localdate() + dt.timedelta(days=3)),
        },
    )
    assert created.status_code == 201, created.content
    task = created.json()
    assert (task["owner_organization"], task["status"]) == (personas.core_center.name, "open")
    own = lead.post("/tasks", {"title": "事業所内の引き継ぎ"})
    assert own.status_code == 201
    assert own.json()["case_id"] is None
    assert own.json()["owner_organization_id"] == personas.office_a.pk

    url = f"/tasks/{task['id']}/status"
    done = core.post(url, {"status": "done", "note": "受け取った"})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "done"
    assert done.json()["completed_at"]
    assert "変更できません" in _error(core.post(url, {"status": "cancelled", "note": "x"}), 409)
    reopened = core.post(url, {"status": "in_progress"})
    assert reopened.json()["status"] == "in_progress"
    _error(core.post(url, {"status": "cancelled"}), 422)  # cancelling needs a reason
    _error(core.post(url, {"status": "waiting"}), 422, "validation_error")
    assert lead.get("/tasks", status="all", scope="organization").json()["count"] == 2


def test_bad_tasks_are_422(personas, w, lead):
    _error(lead.post("/tasks", {"title": "  "}), 422)
    _error(
        lead.post(
            "/tasks",
            {"title": "x", "case_id": w.case.pk, "owner_organization_id": personas.office_b.pk},
        ),
        422,
    )
    _error(
        lead.post("/tasks", {"title": "x", "owner_organization_id": personas.core_center.pk}), 422
    )
    _error(lead.post("/tasks", {"title": "x", "owner_worker_id": personas.core_officer.pk}), 422)


# --- Who may ----------------------------------------------------------------------------------


def test_read_only_member_reads_but_cannot_write(w, reader):
    assert reader.get(f"/plans/{w.plan.pk}").status_code == 200
    assert reader.get(f"/cases/{w.case.pk}/assessments").status_code == 200
    writes = [
        (f"/cases/{w.case.pk}/plans", PLAN),
        (f"/plans/{w.plan.pk}/new-version", {"reason": "見直し"}),
        (
            f"/monitorings/{w.next_monitoring.pk}/report",
            {"conducted_on": "2026-11-30", "overall": "x"},
        ),
        (f"/cases/{w.case.pk}/contingencies", {"description": "主介護者の死亡"}),
        (f"/contingencies/{w.trigger.pk}/happened", {"happened_on": "2026-11-30"}),
        (f"/tasks/{w.task.pk}/status", {"status": "done"}),
        ("/tasks", {"title": "x", "case_id": w.case.pk}),
    ]
    before = AuditEvent.objects.filter(action=Action.ACCESS_DENIED).count()
    for path, body in writes:
        _error(reader.post(path, body), 403, "forbidden")
    _error(reader.patch(f"/plan-items/{w.items[0].pk}", {"amount": "週5日"}), 403)
    _error(reader.delete(f"/plan-items/{w.items[0].pk}"), 403)
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED).count() >= before + len(writes)
    assert SupportPlan.objects.filter(case=w.case).count() == 1


def test_outsider_gets_404_and_learns_nothing(w, outsider):
    for path in (
        f"/cases/{w.case.pk}/assessments",
        f"/assessments/{w.assessment.pk}",
        f"/plans/{w.plan.pk}",
        f"/plans/{w.plan.pk}/monitorings",
        f"/plans/{w.plan.pk}/fhir",
        f"/monitorings/{w.monitoring.pk}",
        f"/cases/{w.case.pk}/contingencies",
    ):
        _error(outsider.get(path), 404, "not_found")
    _error(outsider.post(f"/tasks/{w.task.pk}/status", {"status": "done"}), 404)
    _error(outsider.post("/tasks", {"title": "x", "case_id": w.case.pk}), 404)
    assert outsider.get("/tasks", scope="organization", status="all").json()["count"] == 0


def test_fhir_route_answers_fhir_json_and_is_audited(w, lead):
    response = lead.get(f"/plans/{w.plan.pk}/fhir")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert "no-store" in response["Cache-Control"]
    assert response.json()["resourceType"] == "Bundle"
    event = AuditEvent.objects.filter(action=Action.RECORD_VIEWED).latest("pk")
    assert event.detail["event"] == "plan.exported"
    assert event.detail["format"] == "fhir"
    assert event.target_id == str(w.plan.pk)
