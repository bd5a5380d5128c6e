"""The core center's training plan (issue 18 item 3): planned against held, the needs panel,
who reads and who writes, screens and API alike."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.core.dates import fiscal_year
from tsunagu.core.errors import FieldErrors, Forbidden
from tsunagu.expertise.models import ExpertiseDeclaration
from tsunagu.meetings.models import CommunityIssue
from tsunagu.organizations.models import AreaKind, OrganizationKind
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import (
    AreaFactory,
    MembershipFactory,
    OrganizationFactory,
)
from tsunagu.trainingplans import selectors, services
from tsunagu.trainingplans.models import PlannedTraining, TrainingPlan
from tsunagu.trainings.models import Registration
from tsunagu.trainings.tests.factories import make_event

pytestmark = pytest.mark.django_db

YEAR = 2025
TODAY = dt.date(2025, 11, 20)


def _core(personas):
    return actor_as(personas.core_officer, personas.core_center)


def _plan(personas, *, status: str = "draft") -> TrainingPlan:
    plan = services.plan_create(_core(personas), fiscal_year=YEAR, note="基礎と専門の二本立て")
    if status != "draft":
        plan = services.plan_update(_core(personas), plan=plan, status=status)
    return plan


def _item(personas, plan, **kw) -> PlannedTraining:
    fields: dict[str, Any] = {
        "theme": "強度行動障害の支援",
        "month": 6,
        "kind": "lecture",
        "need_source": "other",
    }
    fields.update(kw)
    return services.item_create(_core(personas), plan=plan, **fields)


def _issue(personas, theme: str = "behavior", title: str = "行動障害のある人の短期入所先がない"):
    return CommunityIssue.objects.create(
        title=title,
        theme=theme,
        description="複数のケースで受け皿が見つからない。",
        source="meeting",
        raised_by=personas.counselor_a,
        raised_by_organization=personas.office_a,
    )


def test_each_planned_training_is_read_against_what_was_held(personas):
    plan = _plan(personas)
    core = personas.core_center
    held = make_event(core, personas.core_officer, held_on=dt.date(2025, 6, 10), status="held")
    coming = make_event(
        core, personas.core_officer, held_on=dt.date(2026, 1, 15), theme="ひきこもり"
    )
    unplanned = make_event(
        core, personas.core_officer, held_on=dt.date(2025, 9, 1), status="held", theme="権利擁護"
    )
    make_event(core, personas.core_officer, held_on=dt.date(2025, 10, 1), status="cancelled")
    done = _item(personas, plan, events=[held])
    scheduled = _item(personas, plan, theme="ひきこもり支援", month=1, events=[coming])
    overdue = _item(personas, plan, theme="医療的ケア", month=9)
    not_yet = _item(personas, plan, theme="虐待防止", month=2)

    found = selectors.progress(plan, today=TODAY)
    states = {row.item.pk: row.state for row in found.items}
    assert states == {
        done.pk: "held",
        scheduled.pk: "scheduled",
        overdue.pk: "overdue",
        not_yet.pk: "not_yet",
    }
    # In the fiscal year's order: June, September, January, February.
    assert [row.item.pk for row in found.items] == [done.pk, overdue.pk, scheduled.pk, not_yet.pk]
    assert [e.pk for e in found.unplanned] == [unplanned.pk]
    assert found.counts == {"held": 1, "scheduled": 1, "overdue": 1, "not_yet": 1}


def test_an_item_links_only_the_centers_trainings_of_the_year(personas):
    plan = _plan(personas)
    other_year = make_event(
        personas.core_center, personas.core_officer, held_on=dt.date(2024, 6, 1)
    )
    elsewhere = OrganizationFactory.create(kind=OrganizationKind.CORE_CENTER)
    theirs = make_event(elsewhere, personas.core_officer, held_on=dt.date(2025, 6, 1))
    for event in (other_year, theirs):
        with pytest.raises(FieldErrors) as caught:
            _item(personas, plan, events=[event])
        assert "events" in caught.value.errors
    with pytest.raises(FieldErrors) as caught:
        _item(personas, plan, need_source="community_issue")
    assert "community_issue" in caught.value.errors
    with pytest.raises(FieldErrors) as caught:
        _item(personas, plan, need_source="expertise_gap")
    assert "expertise_theme" in caught.value.errors
    issue = _issue(personas)
    item = _item(personas, plan, need_source="community_issue", community_issue=issue)
    assert item.community_issue == issue


def test_only_the_core_center_plans_and_every_change_is_audited(personas):
    with pytest.raises(Forbidden):
        services.plan_create(actor_as(personas.counselor_a), fiscal_year=YEAR)
    plan = _plan(personas)
    with pytest.raises(Forbidden):
        services.item_create(
            actor_as(personas.city_official),
            plan=plan,
            theme="x",
            month=4,
            kind="lecture",
            need_source="other",
        )
    item = _item(personas, plan)
    services.item_update(_core(personas), item=item, month=7)
    services.item_delete(_core(personas), item=item)
    rows = AuditEvent.objects.filter(target_type__startswith="trainingplans.")
    assert sorted(rows.values_list("action", flat=True)) == sorted(
        [
            # The two refusals, kept though their services rolled back (ADR 0009).
            Action.ACCESS_DENIED,
            Action.ACCESS_DENIED,
            Action.RECORD_CREATED,  # the plan
            Action.RECORD_CREATED,  # the item
            Action.RECORD_UPDATED,
            Action.RECORD_DELETED,
        ]
    )
    changed = rows.get(action=Action.RECORD_UPDATED).detail["changed"]
    assert changed == {"month": [6, 7]}


def test_the_needs_panel_proposes_themes_from_the_records(personas):
    city = AreaFactory.create(code="n-city", name="みどり市", kind=AreaKind.CITY)
    north = AreaFactory.create(code="n-kita", name="北区", kind=AreaKind.WARD, parent=city)
    east = AreaFactory.create(code="n-higashi", name="東区", kind=AreaKind.WARD, parent=city)
    personas.office_a.areas_served.set([north])
    personas.office_b.areas_served.set([east])
    personas.core_center.areas_served.set([city])
    ExpertiseDeclaration.objects.create(
        organization=personas.office_a, theme="severe_behaviour", declared_by=personas.counselor_a
    )
    ExpertiseDeclaration.objects.create(
        organization=personas.core_center,
        theme="severe_behaviour",
        declared_by=personas.core_officer,
    )
    _issue(personas)
    _issue(personas, title="行動障害の人のグループホームが少ない")
    _issue(personas, theme="respite", title="短期入所が足りない")
    plan = _plan(personas)
    full = make_event(
        personas.core_center, personas.core_officer, held_on=dt.date(2024, 9, 1), capacity=1
    )
    for user, org in (
        (personas.counselor_a, personas.office_a),
        (personas.counselor_b, personas.office_b),
    ):
        Registration.objects.create(
            event=full,
            worker=user,
            organization=org,
            job_title="counselor",
            status="registered" if org == personas.office_a else "waiting",
            registered_by=user,
        )

    needs = selectors.needs(_core(personas), plan)
    assert [(n.theme, n.count) for n in needs.issues] == [("behavior", 2), ("respite", 1)]
    behaviour = next(n for n in needs.expertise if n.theme == "severe_behaviour")
    # Office A knows it in 北区; the core center serves the whole city and counts in no ward.
    assert dict(behaviour.per_ward) == {"北区": 1, "東区": 0}
    assert set(behaviour.short_wards) == {"北区", "東区"}
    assert [(n.event.pk, n.waiting) for n in needs.waiting] == [(full.pk, 1)]
    assert AuditEvent.objects.filter(
        action=Action.RECORDS_LISTED,
        actor=personas.core_officer,
        detail__view="training_plan_needs",
    ).exists()


# --- Screens ------------------------------------------------------------------------------------


def test_the_core_center_builds_the_plan_on_the_screens(personas, client_as):
    client = client_as(personas.core_officer)
    assert "研修計画" in client.get("/trainings/").content.decode()
    this_year = fiscal_year(timezone.localdate())
    response = client.post("/training-plans/new/", {"fiscal_year": this_year, "note": "方針"})
    assert response.status_code == 302
    plan = TrainingPlan.objects.get()
    url = f"/training-plans/{plan.pk}/"
    assert response["Location"] == url
    # The same year again: the message on the form, not a 500.
    again = client.post("/training-plans/new/", {"fiscal_year": this_year})
    assert again.status_code == 409
    assert "すでにあります" in again.content.decode()
    issue = _issue(personas)
    prefilled = client.get(
        f"{url}items/new/?theme=強度行動障害&need_source=community_issue&community_issue={issue.pk}"
    ).content.decode()
    assert 'value="強度行動障害"' in prefilled
    response = client.post(
        f"{url}items/new/",
        {
            "theme": "強度行動障害の支援",
            "month": "6",
            "kind": "case_study",
            "target_kinds": ["commissioned_office"],
            "need_source": "community_issue",
            "community_issue": issue.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()
    bad = client.post(f"{url}items/new/", {"theme": " ", "month": "13", "kind": "x"})
    assert bad.status_code == 400
    page = client.get(url).content.decode()
    assert "強度行動障害の支援" in page
    assert "研修のニーズ" in page
    item = PlannedTraining.objects.get()
    assert client.post(f"/training-plans/items/{item.pk}/delete/").status_code == 302
    assert not PlannedTraining.objects.exists()


def test_offices_read_the_published_plan_and_outsiders_get_404(personas, client_as):
    plan = _plan(personas)
    url = f"/training-plans/{plan.pk}/"
    office = client_as(personas.counselor_a)
    assert office.get(url).status_code == 404  # a draft is the center's and the city's
    city = client_as(personas.city_official)
    page = city.get(url)
    assert page.status_code == 200
    assert "研修のニーズ" in page.content.decode()
    assert city.get(f"{url}edit/").status_code == 403  # the city reads, never writes

    services.plan_update(_core(personas), plan=plan, status="published")
    page = office.get(url)
    assert page.status_code == 200
    assert "研修のニーズ" not in page.content.decode()  # the panel is the center's and city's
    assert office.get(f"{url}edit/").status_code == 403

    hospital = OrganizationFactory.create(kind=OrganizationKind.HOSPITAL)
    doctor = MembershipFactory.create(organization=hospital, job_title="other").user
    stranger = client_as(doctor)
    for path in ("/training-plans/", url, f"{url}edit/", f"{url}items/new/"):
        assert stranger.get(path).status_code == 404, path
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=doctor).count() == 4
    assert stranger.get("/training-plans/abc/").status_code == 404


# --- API ------------------------------------------------------------------------------------


def _api(client, user, org, method, path, body=None):
    token = api_token_for(user, org)
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if method == "GET":
        return client.get(path, **kwargs)
    return client.generic(
        method, path, data=json.dumps(body or {}), content_type="application/json", **kwargs
    )


def test_the_api_plans_and_reads_back_the_progress(personas, client):
    core = (personas.core_officer, personas.core_center)
    response = _api(client, *core, "POST", "/api/v1/training-plans", {"fiscal_year": YEAR})
    assert response.status_code == 201, response.content
    plan_id = response.json()["id"]
    held = make_event(
        personas.core_center, personas.core_officer, held_on=dt.date(2025, 6, 10), status="held"
    )
    response = _api(
        client,
        *core,
        "POST",
        f"/api/v1/training-plans/{plan_id}/items",
        {
            "theme": "強度行動障害の支援",
            "month": 6,
            "kind": "lecture",
            "need_source": "expertise_gap",
            "expertise_theme": "severe_behaviour",
            "event_ids": [held.pk],
        },
    )
    assert response.status_code == 201, response.content
    item_id = response.json()["id"]
    bad = _api(
        client,
        *core,
        "POST",
        f"/api/v1/training-plans/{plan_id}/items",
        {"theme": "x", "month": 13},
    )
    assert bad.status_code == 422
    detail = _api(client, *core, "GET", f"/api/v1/training-plans/{plan_id}").json()
    assert [(i["item"]["id"], i["state"]) for i in detail["items"]] == [(item_id, "held")]
    assert detail["items"][0]["held"][0]["id"] == held.pk
    needs = _api(client, *core, "GET", f"/api/v1/training-plans/{plan_id}/needs")
    assert needs.status_code == 200
    assert {"issues", "expertise", "waiting"} <= set(needs.json())

    office = (personas.counselor_a, personas.office_a)
    assert _api(client, *office, "GET", f"/api/v1/training-plans/{plan_id}").status_code == 404
    _api(client, *core, "PATCH", f"/api/v1/training-plans/{plan_id}", {"status": "published"})
    assert _api(client, *office, "GET", f"/api/v1/training-plans/{plan_id}").status_code == 200
    assert (
        _api(client, *office, "GET", f"/api/v1/training-plans/{plan_id}/needs").status_code == 404
    )
    refused = _api(client, *office, "PATCH", f"/api/v1/training-plan-items/{item_id}", {"month": 7})
    assert refused.status_code == 403
    assert (
        _api(client, *core, "DELETE", f"/api/v1/training-plan-items/{item_id}").status_code == 204
    )


def test_the_needs_panel_counts_the_curriculum_requirements_workers_wait_on(personas):
    """Seed 001's staged curriculum: counselor A finished stages 1 and 2 and waits on the
    third, whose training is announced; colleague A finished stage 1 only, and nothing to come
    meets stage 2: it is listed first, as a training to plan."""
    import datetime as dt

    from django.utils import timezone

    from tsunagu.curricula.tests.factories import attended, make_seed001

    seed = make_seed001(
        personas.core_center,
        personas.core_officer,
        upcoming=timezone.localdate() + dt.timedelta(days=30),
    )
    attended(seed.events[0], personas.counselor_a, personas.office_a)
    attended(seed.events[1], personas.counselor_a, personas.office_a)
    attended(seed.events[0], personas.colleague_a, personas.office_a)
    found = {n.requirement: n for n in selectors.curriculum_needs()}
    second, third = seed.requirements[1].name, seed.requirements[2].name
    assert found[second].upcoming == 0
    assert found[third].upcoming == 1
    assert found[second].workers >= 1
    assert found[third].workers >= 1
    ordered = [n.requirement for n in selectors.curriculum_needs()]
    assert ordered.index(second) < ordered.index(third)
