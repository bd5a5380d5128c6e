"""The plan screens as a counselor uses them: every page renders, bad input is refused in
Japanese with everything typed kept, and a read-only member is told so."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.plans.models import (
    Assessment,
    MonitoringStatus,
    PlanStatus,
    SupportPlan,
    Task,
    TaskSource,
    TaskStatus,
)
from tsunagu.plans.schedule import add_months
from tsunagu.plans.tests.world import build_plan_world


@pytest.fixture
def world(personas):
    return build_plan_world(personas)


def _pages(world):
    plan, case = world.plan, world.case
    return [
        reverse("plans:assessment_list", args=[case.pk]),
        reverse("plans:assessment_create", args=[case.pk]),
        reverse("plans:assessment_create", args=[case.pk]) + f"?from={world.assessment.pk}",
        reverse("plans:assessment_detail", args=[world.assessment.pk]),
        reverse("plans:plan_list", args=[case.pk]),
        reverse("plans:plan_detail", args=[plan.pk]),
        reverse("plans:plan_new_version", args=[plan.pk]),
        reverse("plans:monitoring_detail", args=[world.monitoring.pk]),
        reverse("plans:monitoring_detail", args=[world.next_monitoring.pk]),
        reverse("plans:monitoring_report", args=[world.next_monitoring.pk]),
        reverse("plans:contingency_list", args=[case.pk]),
        reverse("plans:contingency_action_add", args=[world.trigger.pk]),
        reverse("plans:contingency_happened", args=[world.trigger.pk]),
        reverse("plans:task_list"),
        reverse("plans:task_list") + "?scope=organization&status=all",
        reverse("plans:monitoring_due_list"),
        reverse("plans:monitoring_due_list") + "?scope=mine",
    ]


def test_every_page_renders_for_the_lead(personas, world, client_as):
    client = client_as(personas.counselor_a)
    for path in _pages(world):
        response = client.get(path)
        assert response.status_code == 200, path
    detail = client.get(reverse("plans:plan_detail", args=[world.plan.pk])).content.decode()
    for text in ("総合的な援助の方針", "作業所に週3日通い続ける。", "週間計画表", "絵画教室"):
        assert text in detail


def test_the_assessment_page_draws_the_ecomap_with_a_text_alternative(personas, world, client_as):
    page = client_as(personas.counselor_a).get(
        reverse("plans:assessment_detail", args=[world.assessment.pk])
    )
    html = page.content.decode()
    assert '<svg viewBox="0 0 720 480" role="img"' in html
    assert '<desc id="ecomap-svg-desc">' in html
    assert "佐藤 恵子（母）" in html
    assert "グループホームで暮らしてみたい。" in html


def test_a_first_plan_through_the_screens(personas, client_as):
    person = PersonFactory.create(
        family_name="山田", given_name="太郎", registered_by_organization=personas.office_a
    )
    case = CaseFactory.create(
        person=person,
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
        opened_on=timezone.localdate() - dt.timedelta(days=30),
    )
    client = client_as(personas.counselor_a)
    today = timezone.localdate()
    bad = client.post(
        reverse("plans:plan_create", args=[case.pk]),
        {
            "overall_policy": "本人のペースで通所先を探す。",
            "period_start": today.isoformat(),
            "period_end": (today - dt.timedelta(days=1)).isoformat(),
            "monitoring_frequency": "monthly",
        },
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "計画終了日は開始日以降の日付にしてください。" in html
    assert "本人のペースで通所先を探す。" in html  # what was typed is kept
    assert not SupportPlan.objects.filter(case=case).exists()

    response = client.post(
        reverse("plans:plan_create", args=[case.pk]),
        {
            "overall_policy": "本人のペースで通所先を探す。",
            "period_start": today.isoformat(),
            "period_end": add_months(today, 6).isoformat(),
            "monitoring_frequency": "monthly",
        },
    )
    plan = SupportPlan.objects.get(case=case)
    assert response.status_code == 302
    item_url = reverse("plans:plan_item_create", args=[plan.pk])
    bad = client.post(item_url, {"priority": 1, "need": "日中の居場所", "support_kind": "formal"})
    assert bad.status_code == 400
    assert (
        "公的サービスには、提供するサービス（社会資源）か担当機関を選んでください。"
        in bad.content.decode()
    )
    assert "日中の居場所" in bad.content.decode()
    response = client.post(
        item_url,
        {
            "priority": 1,
            "need": "日中の居場所がほしい",
            "goal": "見学に2か所行く",
            "support_kind": "formal",
            "service_type": "daily_life_care",
            "responsible_organization": personas.office_a.pk,
        },
    )
    assert response.status_code == 302
    bad = client.post(reverse("plans:plan_agree", args=[plan.pk]), {"agreed_on": "", "method": ""})
    assert bad.status_code == 400
    response = client.post(
        reverse("plans:plan_agree", args=[plan.pk]),
        {"agreed_on": today.isoformat(), "method": "signature", "note": "本人が署名"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED
    assert plan.monitorings.count() == 6
    assert Task.objects.filter(plan_item__plan=plan, owner_organization=personas.office_a).exists()


def test_a_monitoring_report_through_the_screen(personas, world, client_as):
    client = client_as(personas.counselor_a)
    url = reverse("plans:monitoring_report", args=[world.next_monitoring.pk])
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    bad = client.post(url, {"conducted_on": future, "overall": "通所は安定。"})
    assert bad.status_code == 400
    assert "実施日に未来の日付は指定できません。" in bad.content.decode()
    assert "通所は安定。" in bad.content.decode()
    item = world.items[0]
    response = client.post(
        url,
        {
            "conducted_on": timezone.localdate().isoformat(),
            "overall": "通所は安定。",
            f"g{item.pk}-what_happened": "週3日通えた。",
            f"g{item.pk}-achievement": "achieved",
            f"g{item.pk}-person_words": "楽しい",
            "plan_change_needed": "on",
        },
    )
    assert response.status_code == 302
    world.next_monitoring.refresh_from_db()
    assert world.next_monitoring.status == MonitoringStatus.DONE
    draft = SupportPlan.objects.get(case=world.case, status=PlanStatus.DRAFT)
    assert response["Location"] == reverse("plans:plan_detail", args=[draft.pk])


def test_an_assessment_through_the_screen_and_a_stale_copy(personas, world, client_as):
    client = client_as(personas.counselor_a)
    url = reverse("plans:assessment_create", args=[world.case.pk])
    day = timezone.localdate().isoformat()
    data = {
        "based_on": 0,
        "assessed_on": day,
        "m0-person_id": world.person.pk,
        "m0-wishes": "一人で買い物に行きたい。",
        "m1-person_id": world.mother.pk,
        "m1-health": "腰痛",
        "summary": "本人の意欲が高まっている。",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    again = client.post(url, data)
    assert again.status_code == 409
    assert "すでにあります" in again.content.decode()
    assert "一人で買い物に行きたい。" in again.content.decode()
    assert Assessment.objects.filter(case=world.case, assessed_on=day).count() == 1


def test_task_status_from_the_list(personas, world, client_as):
    client = client_as(personas.counselor_a)
    response = client.post(
        reverse("plans:task_status", args=[world.task.pk]),
        {"status": "done", "note": "見学日を決めた", "next": "/plans/tasks/?scope=organization"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/plans/tasks/?scope=organization"
    world.task.refresh_from_db()
    assert world.task.status == TaskStatus.DONE
    response = client.post(
        reverse("plans:task_status", args=[world.task.pk]),
        {"status": "cancelled", "next": "https://evil.example/"},
        follow=True,
    )
    assert "「完了」から「取り消し」には変更できません。" in response.content.decode()


def test_read_only_members_are_told_they_cannot_change_anything(personas, world, client_as):
    client = client_as(personas.reader_a)
    response = client.get(reverse("plans:plan_new_version", args=[world.plan.pk]))
    assert response.status_code == 403
    assert "閲覧のみの権限では変更できません。" in response.content.decode()
    response = client.get(reverse("plans:plan_detail", args=[world.plan.pk]))
    assert response.status_code == 200
    assert "新しい版を作る" not in response.content.decode()


def test_the_monitoring_due_list_shows_overdue_monitoring_of_the_organization(
    personas, world, client_as
):
    page = client_as(personas.counselor_a).get(reverse("plans:monitoring_due_list"))
    html = page.content.decode()
    assert world.case.title in html
    assert "期限超過" in html
    other = client_as(personas.counselor_b).get(reverse("plans:monitoring_due_list"))
    assert world.case.title not in other.content.decode()


def test_a_task_made_from_the_plan_reads_in_the_readers_language(personas, world, client_as):
    # Made while working in Japanese: the stored title is Japanese and stays so.
    assert world.task.title.startswith("支援計画: ")
    client = client_as(personas.counselor_a)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("plans:task_list") + "?scope=organization").content.decode()
    goal = world.task.plan_item.goal
    assert f"Support plan: {goal}" in page
    assert world.task.title not in page
    world.task.refresh_from_db()
    assert world.task.title == f"支援計画: {goal}"

    # A task typed by hand keeps the words it was typed with.
    world.task.source = TaskSource.MANUAL
    world.task.title = "見学の日程を決める"
    world.task.save(update_fields=["source", "title"])
    page = client.get(reverse("plans:task_list") + "?scope=organization").content.decode()
    assert "見学の日程を決める" in page
