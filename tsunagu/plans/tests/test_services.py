"""The rules of assessments, plans, monitoring, contingencies and tasks, through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from tsunagu.accounts.tests.factories import UserFactory
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Conflict, Forbidden, Invalid, NotFound
from tsunagu.organizations.models import Membership
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import MembershipFactory, OrganizationFactory
from tsunagu.plans import access, selectors, services
from tsunagu.plans.models import (
    MonitoringStatus,
    PlanStatus,
    SupportKind,
    Task,
    TaskSource,
    TaskStatus,
)
from tsunagu.plans.tests.world import build_plan_world
from tsunagu.records.models import ProgressNote


@pytest.fixture
def world(personas):
    return build_plan_world(personas)


def actor(user, organization) -> Actor:
    return Actor(
        user=user,
        membership=Membership.objects.get(user=user, organization=organization),
    )


# --- Three organizations, each sees its own part; an outsider sees nothing --------------------


def test_each_organization_on_the_plan_finds_its_own_items_in_its_task_list(personas, world):
    provider_worker = UserFactory.create(username="provider_staff")
    MembershipFactory.create(user=provider_worker, organization=world.provider)
    expected = {
        personas.office_a: world.items[1],
        personas.core_center: world.items[2],
        world.provider: world.items[0],
    }
    users = {
        personas.office_a: personas.counselor_a,
        personas.core_center: personas.core_officer,
        world.provider: provider_worker,
    }
    for organization, item in expected.items():
        tasks = list(
            selectors.task_list(
                actor=actor(users[organization], organization), scope="organization"
            )
        )
        plan_tasks = [t for t in tasks if t.source == TaskSource.PLAN]
        assert [t.plan_item_id for t in plan_tasks] == [item.pk], organization.name
        assert plan_tasks[0].due_on == (item.evaluation_date or item.target_date)
    # The informal item (民生委員) has no organization and so no task.
    assert not Task.objects.filter(plan_item=world.items[3]).exists()


def test_an_organization_off_the_team_sees_nothing_of_the_case(personas, world):
    outsider = actor(personas.counselor_b, personas.office_b)
    assert not access.assessments_visible_to(outsider).exists()
    assert not access.plans_visible_to(outsider).exists()
    assert not access.plan_items_visible_to(outsider).exists()
    assert not access.monitorings_visible_to(outsider).exists()
    assert not access.contingencies_visible_to(outsider).exists()
    assert not access.tasks_visible_to(outsider).exists()
    assert selectors.task_counts(actor=outsider)["organization"] == 0
    request = actor_as(personas.counselor_b, personas.office_b)
    helpers: list[tuple[Any, Any]] = [
        (access.access_plan, world.plan),
        (access.access_assessment, world.assessment),
        (access.access_monitoring, world.monitoring),
        (access.access_contingency, world.trigger),
        (access.access_task, world.task),
        (access.access_plan_item, world.items[0]),
    ]
    for helper, obj in helpers:
        with pytest.raises(NotFound):
            helper(request, obj.pk)
    denials = AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=personas.counselor_b)
    assert denials.count() == 6


def test_leaving_the_team_hides_the_plan_and_its_tasks(personas, world):
    from tsunagu.cases.models import CaseTeamMember

    member = CaseTeamMember.objects.get(case=world.case, organization=personas.core_center)
    member.left_on = timezone.localdate() - dt.timedelta(days=1)
    member.save()
    core = actor(personas.core_officer, personas.core_center)
    assert not access.plans_visible_to(core).exists()
    assert not access.tasks_visible_to(core).exists()


# --- Plan items name organizations on the team -------------------------------------------------


def _draft(personas, world):
    lead = actor_as(personas.counselor_a, personas.office_a)
    return lead, services.plan_new_version(actor=lead, plan=world.plan, reason="母の入院")


def _item(**overrides):
    data = {
        "priority": 5,
        "need": "通院を続けたい。",
        "goal": "月1回の通院を続ける。",
        "support_kind": SupportKind.FORMAL,
        "service_type": "outpatient",
        "amount": "月1回",
    }
    data.update(overrides)
    return data


def test_an_item_cannot_name_an_organization_off_the_team(personas, world):
    lead, draft = _draft(personas, world)
    with pytest.raises(Invalid, match="支援チームに入っていません"):
        services.plan_item_save(
            actor=lead, plan=draft, data=_item(responsible_organization=personas.office_b)
        )


def test_item_rules_are_refused_with_japanese_messages(personas, world):
    lead, draft = _draft(personas, world)
    with pytest.raises(Invalid, match="担当機関を選んでください"):
        services.plan_item_save(actor=lead, plan=draft, data=_item())
    with pytest.raises(Invalid, match="インフォーマルな支援の内容"):
        services.plan_item_save(
            actor=lead, plan=draft, data=_item(support_kind=SupportKind.INFORMAL)
        )
    with pytest.raises(Invalid, match="計画期間"):
        services.plan_item_save(
            actor=lead,
            plan=draft,
            data=_item(
                responsible_organization=personas.office_a,
                target_date=draft.period_end + dt.timedelta(days=1),
            ),
        )
    with pytest.raises(Invalid, match="担当者は担当機関の職員"):
        services.plan_item_save(
            actor=lead,
            plan=draft,
            data=_item(
                responsible_organization=personas.office_a, responsible_worker=personas.core_officer
            ),
        )


def test_an_agreed_plan_is_not_edited_in_place(personas, world):
    lead = actor_as(personas.counselor_a, personas.office_a)
    with pytest.raises(Conflict, match="合意済み"):
        services.plan_item_save(
            actor=lead, plan=world.plan, data=_item(responsible_organization=personas.office_a)
        )
    with pytest.raises(Conflict):
        services.plan_update(
            actor=lead, plan=world.plan, lock_version=world.plan.lock_version, data={}
        )


# --- Versions ---------------------------------------------------------------------------------


def test_a_new_version_starts_from_the_old_and_keeps_the_history(personas, world):
    lead, draft = _draft(personas, world)
    assert draft.version == 2
    assert draft.based_on_id == world.plan.pk
    assert draft.status == PlanStatus.DRAFT
    assert draft.overall_policy == world.plan.overall_policy
    assert [(i.priority, i.goal) for i in draft.items.order_by("priority")] == [
        (i.priority, i.goal) for i in world.items
    ]
    assert draft.weekly.count() == world.plan.weekly.count() == 3
    with pytest.raises(Conflict, match="作成中の計画案"):
        services.plan_new_version(actor=lead, plan=world.plan, reason="もう一度")


def test_agreeing_a_new_version_supersedes_the_old(personas, world):
    lead, draft = _draft(personas, world)
    old_tasks = list(Task.objects.filter(plan_item__plan=world.plan, source=TaskSource.PLAN))
    services.plan_agree(actor=lead, plan=draft, agreed_on=timezone.localdate(), method="signature")
    world.plan.refresh_from_db()
    assert world.plan.status == PlanStatus.SUPERSEDED
    assert not world.plan.monitorings.filter(status=MonitoringStatus.SCHEDULED).exists()
    assert world.plan.monitorings.filter(status=MonitoringStatus.DONE).count() == 1
    for task in old_tasks:
        task.refresh_from_db()
        assert task.status == TaskStatus.CANCELLED
    draft.refresh_from_db()
    assert draft.status == PlanStatus.AGREED
    assert draft.monitorings.filter(status=MonitoringStatus.SCHEDULED).exists()
    assert Task.objects.filter(plan_item__plan=draft, status=TaskStatus.OPEN).count() == 3


def test_only_the_lead_records_the_agreement(personas, world):
    _lead, draft = _draft(personas, world)
    core = actor_as(personas.core_officer, personas.core_center)
    with pytest.raises(Forbidden):
        services.plan_agree(
            actor=core, plan=draft, agreed_on=timezone.localdate(), method="signature"
        )


def test_a_plan_without_items_cannot_be_agreed(personas, world):
    lead, draft = _draft(personas, world)
    for item in list(draft.items.all()):
        services.plan_item_delete(actor=lead, item=item)
    with pytest.raises(Invalid, match="項目が1つもありません"):
        services.plan_agree(
            actor=lead, plan=draft, agreed_on=timezone.localdate(), method="signature"
        )


def test_a_stale_edit_of_a_draft_is_refused(personas, world):
    lead, draft = _draft(personas, world)
    data = {name: getattr(draft, name) for name in selectors.PLAN_FIELDS}
    data["monitoring_dates"] = []
    services.plan_update(actor=lead, plan=draft, lock_version=draft.lock_version, data=data)
    with pytest.raises(Conflict):
        services.plan_update(actor=lead, plan=draft, lock_version=1, data=data)


def test_plan_period_and_custom_dates_are_checked(personas, world):
    data = {"period_start": dt.date(2026, 4, 1), "period_end": dt.date(2026, 3, 31)}
    problems = services.plan_problems({**data, "monitoring_frequency": "monthly"})
    assert "period_end" in problems
    problems = services.plan_problems(
        {
            "period_start": dt.date(2026, 4, 1),
            "period_end": dt.date(2027, 3, 31),
            "monitoring_frequency": "custom",
            "monitoring_dates": [dt.date(2027, 5, 1)],
        }
    )
    assert "2027-05-01" in problems["monitoring_dates"]


def test_the_agreed_plan_schedules_monthly_monitoring_from_its_start(world):
    dates = list(world.plan.monitorings.order_by("due_on").values_list("due_on", flat=True))
    from tsunagu.plans.schedule import monitoring_due_dates

    assert dates == monitoring_due_dates(
        start=world.plan.period_start, end=world.plan.period_end, frequency="monthly"
    )
    assert len(dates) in (11, 12)


# --- Monitoring -------------------------------------------------------------------------------


def test_plan_change_needed_opens_a_new_version_prefilled(personas, world):
    lead = actor_as(personas.counselor_a, personas.office_a)
    monitoring, new_plan = services.monitoring_report(
        actor=lead,
        monitoring=world.next_monitoring,
        conducted_on=timezone.localdate(),
        data={"overall": "母が入院した。", "plan_change_needed": True},
        goal_reports={world.items[0].pk: {"what_happened": "通所は続いている。"}},
    )
    assert monitoring.status == MonitoringStatus.DONE
    assert new_plan is not None
    assert new_plan.version == 2
    assert new_plan.items.count() == len(world.items)
    assert "モニタリング" in new_plan.change_reason
    with pytest.raises(Conflict):
        services.monitoring_report(
            actor=lead,
            monitoring=world.next_monitoring,
            conducted_on=timezone.localdate(),
            data={"overall": "二度目"},
            goal_reports={},
        )


def test_an_empty_or_future_monitoring_is_refused(personas, world):
    lead = actor_as(personas.counselor_a, personas.office_a)
    with pytest.raises(Invalid, match="空です"):
        services.monitoring_report(
            actor=lead,
            monitoring=world.next_monitoring,
            conducted_on=timezone.localdate(),
            data={},
            goal_reports={},
        )
    with pytest.raises(Invalid, match="未来"):
        services.monitoring_report(
            actor=lead,
            monitoring=world.next_monitoring,
            conducted_on=timezone.localdate() + dt.timedelta(days=1),
            data={"overall": "x"},
            goal_reports={},
        )


def test_overdue_monitoring_is_on_the_dashboard(personas, world, client_as):
    overdue = selectors.monitorings_due(actor=actor(personas.counselor_a, personas.office_a))
    assert world.next_monitoring in overdue
    assert all(m.is_overdue for m in overdue if m.due_on < timezone.localdate())
    page = client_as(personas.counselor_a).get("/").content.decode()
    assert "モニタリングの予定" in page
    assert "期限超過" in page
    assert world.case.title in page
    # Another office's dashboard does not mention the case.
    other = client_as(personas.counselor_b).get("/").content.decode()
    assert world.case.title not in other


# --- Contingency ------------------------------------------------------------------------------


def test_marking_a_trigger_as_happened_tasks_each_organization_and_tells_the_team(
    personas, world, mailoutbox, django_capture_on_commit_callbacks
):
    personas.counselor_a.email = "a1@example.jp"
    personas.counselor_a.save()
    personas.core_officer.email = "core1@example.jp"
    personas.core_officer.save()
    lead = actor_as(personas.counselor_a, personas.office_a)
    services.contingency_action_add(
        actor=lead,
        trigger=world.trigger,
        organization=world.provider,
        action="本人の通所時間を延ばして日中を支える。",
        days_to_act=3,
    )
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        tasks = services.contingency_happened(
            actor=lead, trigger=world.trigger, happened_on=today, note="母が救急搬送された。"
        )
    assert {t.owner_organization_id for t in tasks} == {personas.core_center.pk, world.provider.pk}
    assert {t.due_on for t in tasks} == {today + dt.timedelta(days=1), today + dt.timedelta(days=3)}
    assert all(t.source == TaskSource.CONTINGENCY for t in tasks)
    note = ProgressNote.objects.filter(case=world.case).latest("pk")
    assert "母の入院" in note.text
    recipients = {addr for m in mail.outbox for addr in m.to}
    assert {"a1@example.jp", "core1@example.jp"} <= recipients
    assert personas.counselor_b.email not in recipients  # office B is not on the team
    assert all("佐藤" not in m.body and "佐藤" not in m.subject for m in mail.outbox)
    with pytest.raises(Conflict):
        services.contingency_happened(actor=lead, trigger=world.trigger, happened_on=today, note="")


def test_a_contingency_action_names_a_team_organization(personas, world):
    lead = actor_as(personas.counselor_a, personas.office_a)
    with pytest.raises(Invalid, match="支援チームに入っていません"):
        services.contingency_action_add(
            actor=lead, trigger=world.trigger, organization=personas.office_b, action="見守り"
        )


# --- Assessment versions ----------------------------------------------------------------------


def test_assessment_versions_on_one_date(personas, world):
    lead = actor_as(personas.counselor_a, personas.office_a)
    day = world.assessment.assessed_on
    sections = [{"person_id": world.person.pk, "wishes": "一人暮らしをしたい。"}]
    second = services.assessment_save(
        actor=lead,
        case=world.case,
        assessed_on=day,
        based_on=1,
        data={"summary": "見直し", "revision_reason": "母の話を聞いた"},
        sections=sections,
    )
    assert second.revision == 2
    assert world.assessment.sections.count() == 2  # the first version is untouched
    with pytest.raises(Conflict, match="ほかの人"):
        services.assessment_save(
            actor=lead,
            case=world.case,
            assessed_on=day,
            based_on=1,
            data={"summary": "古い版から", "revision_reason": "x"},
            sections=sections,
        )
    with pytest.raises(Conflict, match="すでにあります"):
        services.assessment_save(
            actor=lead,
            case=world.case,
            assessed_on=day,
            based_on=0,
            data={"summary": "x"},
            sections=sections,
        )
    with pytest.raises(Invalid, match="見直しの理由"):
        services.assessment_save(
            actor=lead,
            case=world.case,
            assessed_on=day,
            based_on=2,
            data={"summary": "x"},
            sections=sections,
        )


def test_an_assessment_covers_only_the_person_and_household(personas, world):
    lead = actor_as(personas.counselor_a, personas.office_a)
    from tsunagu.people.tests.factories import PersonFactory

    stranger = PersonFactory.create()
    with pytest.raises(Invalid, match="本人と世帯員だけ"):
        services.assessment_save(
            actor=lead,
            case=world.case,
            assessed_on=timezone.localdate(),
            based_on=0,
            data={"summary": "x"},
            sections=[{"person_id": stranger.pk, "health": "x"}],
        )


def test_the_ecomap_has_a_text_alternative_naming_household_and_team(personas, world):
    ecomap = selectors.ecomap(
        case=world.case, sections=list(selectors.assessment_sections(world.assessment))
    )
    assert ecomap.center.label == "佐藤 花子"
    assert [m.label for m in ecomap.members] == ["佐藤 恵子"]
    labels = {o.label for o in ecomap.organizations}
    assert {personas.office_a.name, personas.core_center.name, world.provider.name} <= labels
    assert "佐藤 恵子（母）" in ecomap.description
    assert personas.core_center.name in ecomap.description


# --- Tasks ------------------------------------------------------------------------------------


def test_task_status_moves_and_who_may_move_them(personas, world):
    lead = actor_as(personas.counselor_a, personas.office_a)
    task = services.task_set_status(actor=lead, task=world.task, status=TaskStatus.DONE)
    assert task.completed_by == personas.counselor_a
    assert task.completed_at is not None
    with pytest.raises(Conflict):
        services.task_set_status(actor=lead, task=task, status=TaskStatus.CANCELLED, note="x")
    task = services.task_set_status(actor=lead, task=task, status=TaskStatus.IN_PROGRESS)
    with pytest.raises(Invalid, match="理由"):
        services.task_set_status(actor=lead, task=task, status=TaskStatus.CANCELLED)
    core_task = Task.objects.get(plan_item=world.items[2], source=TaskSource.PLAN)
    provider_task = Task.objects.get(plan_item=world.items[0], source=TaskSource.PLAN)
    core = actor_as(personas.core_officer, personas.core_center)
    services.task_set_status(actor=core, task=core_task, status=TaskStatus.IN_PROGRESS)
    with pytest.raises(Forbidden):
        services.task_set_status(actor=core, task=provider_task, status=TaskStatus.DONE)


def test_read_only_members_cannot_write(personas, world):
    reader = actor_as(personas.reader_a, personas.office_a)
    with pytest.raises(Forbidden):
        services.task_set_status(actor=reader, task=world.task, status=TaskStatus.DONE)
    with pytest.raises(Forbidden):
        services.plan_new_version(actor=reader, plan=world.plan, reason="x")


def test_a_task_without_a_case_is_for_the_own_organization_only(personas):
    lead = actor_as(personas.counselor_a, personas.office_a)
    task = services.task_create(
        actor=lead, title="連絡会議の資料を作る", owner_organization=personas.office_a
    )
    assert task in access.tasks_visible_to(actor(personas.colleague_a, personas.office_a))
    assert task not in access.tasks_visible_to(actor(personas.core_officer, personas.core_center))
    with pytest.raises(Invalid):
        services.task_create(
            actor=lead, title="他機関のタスク", owner_organization=OrganizationFactory.create()
        )


def test_what_a_monitoring_says_should_change_becomes_a_task(personas, world):
    # The world's first monitoring asked the provider to move the pick-up by 15 minutes.
    task = Task.objects.get(source=TaskSource.MONITORING, monitoring=world.monitoring)
    assert task.owner_organization == world.provider
    assert task.description == "送迎の時間を15分遅らせる。"
    assert task.due_on == world.next_monitoring.due_on
    # A goal report that asks for nothing makes no task.
    assert not Task.objects.filter(source=TaskSource.MONITORING, plan_item=world.items[1]).exists()


def test_a_refused_write_leaves_its_audit_row_although_the_transaction_rolls_back(personas, world):
    reader = actor_as(personas.reader_a, personas.office_a)
    before = AuditEvent.objects.filter(action=Action.ACCESS_DENIED).count()
    with pytest.raises(Forbidden):
        services.task_set_status(actor=reader, task=world.task, status=TaskStatus.DONE)
    core = actor_as(personas.core_officer, personas.core_center)
    _lead, draft = _draft(personas, world)
    with pytest.raises(Forbidden):
        services.plan_agree(
            actor=core, plan=draft, agreed_on=timezone.localdate(), method="signature"
        )
    denials = AuditEvent.objects.filter(action=Action.ACCESS_DENIED).order_by("pk")[before:]
    assert [(d.target_type, d.detail["reason"]) for d in denials] == [
        ("plans.task", "read-only membership"),
        ("plans.supportplan", "not the lead"),
    ]
