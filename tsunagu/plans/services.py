"""Writes of assessments, support plans, contingency plans, monitoring reports and tasks.

Each write runs in one transaction with its audit row.  The caller has fetched the case (or
the plan, monitoring, trigger or task) through tsunagu/plans/access.py or
tsunagu/cases/access.py with `for_write=True`, which refuses organizations that may not see it
and read-only members.  Who may do what beyond seeing the case:

- assessments, plans, contingency plans and monitoring: any writer on the case team (the
  formulation is a team's thinking, and so is the plan); agreeing a plan: the lead organization;
- a task: its owner organization or the case's lead organization.

Every organization a plan item or a contingency action names must be on the case team: a task
must never tell an organization about a case it may not see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.accounts.models import User
from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.cases.access import active_team_members, persons_visible_to
from tsunagu.cases.models import Case, CaseStatus
from tsunagu.cases.selectors import subject_person_ids
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Conflict, Invalid
from tsunagu.core.http import site_url
from tsunagu.core.validation import full_clean
from tsunagu.core.validators import MAX_ID
from tsunagu.directory.models import ResourceStatus, SocialResource
from tsunagu.notifications.models import Notification, NotificationKind
from tsunagu.notifications.services import notify, organization_staff
from tsunagu.organizations.models import Membership, Organization
from tsunagu.people.models import DuplicateCandidate
from tsunagu.plans.models import (
    OPEN_TASK_STATUSES,
    SECTION_FIELDS,
    AgreementMethod,
    Assessment,
    AssessmentSection,
    ContingencyAction,
    ContingencyTrigger,
    Monitoring,
    MonitoringFrequency,
    MonitoringGoalReport,
    MonitoringStatus,
    PlanItem,
    PlanStatus,
    SupportKind,
    SupportPlan,
    Task,
    TaskSource,
    TaskStatus,
    WeeklyScheduleEntry,
    contingency_task_title,
    monitoring_task_title,
    next_contact_task_title,
    plan_task_title,
)
from tsunagu.plans.schedule import add_months, monitoring_due_dates
from tsunagu.plans.selectors import (
    DUE_SOON_DAYS,
    ITEM_FIELDS,
    PLAN_FIELDS,
    assessment_subjects,
    service_type_of,
)
from tsunagu.records.models import NoteKind, ProgressNote

ASSESSMENT_FIELDS = ("interactions", "risks", "household_strengths", "summary")
GOAL_REPORT_FIELDS = (
    "what_happened",
    "achievement",
    "person_words",
    "satisfaction",
    "what_should_change",
)
MONITORING_FIELDS = ("overall", "person_words", "satisfaction", "plan_change_needed", "next_steps")
# A plan longer than this is a typing error (計画期間 is at most a few years in practice).
MAX_PLAN_YEARS = 3


def _require_open(case: Case) -> None:
    if not case.is_open:
        raise Invalid(_("終結したケースには記録を追加できません。"))


def team_organization_ids(case: Case, *, on: dt.date | None = None) -> set[int]:
    """The organizations on the case team today (the lead included)."""
    ids = set(
        active_team_members(on=on).filter(case=case).values_list("organization_id", flat=True)
    )
    ids.add(case.lead_organization_id)
    return ids


def _check_on_team(case: Case, organization: Organization | None, what: str) -> None:
    if organization is not None and organization.pk not in team_organization_ids(case):
        raise Invalid(
            _(
                "%(what)s「%(org)s」は支援チームに入っていません。"
                "先にケースの支援チームに加えてください。"
            )
            % {"what": what, "org": organization.name}
        )


def _check_worker(worker: User | None, organization: Organization | None) -> None:
    if worker is None:
        return
    if (
        organization is None
        or not Membership.objects.current().filter(user=worker, organization=organization).exists()
    ):
        raise Invalid(_("担当者は担当機関の職員から選んでください。"))


# --- Assessment -------------------------------------------------------------------------------


def assessment_conflict() -> Conflict:
    return Conflict(
        _(
            "ほかの人が先にこの日のアセスメントを更新しました。"
            "最新の版を確認してから、もう一度入力してください。"
        )
    )


@audit.atomic_with_refusals
def assessment_save(
    actor: Actor,
    *,
    case: Case,
    assessed_on: dt.date,
    based_on: int,
    data: Mapping[str, Any],
    sections: Sequence[Mapping[str, Any]],
) -> Assessment:
    """Save the next version of the assessment of `case` on `assessed_on`.

    `based_on` is the version the author was looking at (0 for a new date); if someone saved a
    later one since, refuse with Conflict so nobody overwrites a colleague's work unseen.  Each
    section names a person who must be the case's person or a current household member.
    """
    actor = audit.require_writer(actor, target=case, deferred=True)
    _require_open(case)
    if assessed_on > timezone.localdate():
        raise Invalid(_("アセスメント日に未来の日付は指定できません。"))
    if assessed_on < case.opened_on:
        raise Invalid(_("アセスメント日はケースの開始日以降にしてください。"))
    list(Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True))
    latest = (
        Assessment.objects.filter(case=case, assessed_on=assessed_on).order_by("-revision").first()
    )
    current = latest.revision if latest else 0
    if based_on == 0 and current:
        raise Conflict(
            _(
                "%(day)sのアセスメントはすでにあります（第%(n)d版）。"
                "その版を開いて「見直す」から新しい版を作ってください。"
            )
            % {"day": f"{assessed_on:%Y-%m-%d}", "n": current}
        )
    if based_on != current:
        raise assessment_conflict()
    reason = str(data.get("revision_reason") or "").strip()
    if current and not reason:
        raise Invalid(_("見直しの理由を書いてください。"))

    subjects = {person.pk: label for person, label in assessment_subjects(case)}
    # A member's section is written only by an organization that member's own basis covers.
    allowed = set(
        persons_visible_to(actor)
        .filter(pk__in=subject_person_ids(case) | set(subjects))
        .values_list("pk", flat=True)
    )
    rows = []
    for order, section in enumerate(sections):
        person_id = int(section["person_id"])
        if person_id not in allowed:
            raise Invalid(_("アセスメントできるのは本人と世帯員だけです。"))
        rows.append((order, person_id, section))
    if not rows:
        raise Invalid(_("少なくとも1人分のアセスメントを書いてください。"))
    texts = [str(data.get(name) or "").strip() for name in ASSESSMENT_FIELDS] + [
        str(section.get(name) or "").strip() for _o, _p, section in rows for name in SECTION_FIELDS
    ]
    if not any(texts):
        raise Invalid(_("アセスメントの内容が空です。少なくとも1つの欄を書いてください。"))

    assessment = Assessment(
        case=case,
        assessed_on=assessed_on,
        revision=current + 1,
        revision_reason=reason,
        author=actor.user,
        author_organization=actor.organization,
        **{name: str(data.get(name) or "").strip() for name in ASSESSMENT_FIELDS},
    )
    full_clean(assessment, exclude=["case", "author", "author_organization"])
    try:
        with audit.atomic():
            assessment.save(force_insert=True)
    except IntegrityError:
        raise assessment_conflict() from None
    seen: set[int] = set()
    for order, person_id, section in rows:
        if person_id in seen:
            raise Invalid(_("同じ人のアセスメントが2つあります。"))
        seen.add(person_id)
        AssessmentSection.objects.create(
            assessment=assessment,
            person_id=person_id,
            relationship=str(section.get("relationship") or subjects.get(person_id, ""))[:40],
            order=order,
            **{name: str(section.get(name) or "").strip() for name in SECTION_FIELDS},
        )
    if latest is not None:
        # The sections of members the author may not see go on unchanged: the author neither
        # read them nor may drop them.
        for kept in latest.sections.exclude(person_id__in=allowed).order_by("order", "pk"):
            AssessmentSection.objects.create(
                assessment=assessment,
                person_id=kept.person_id,
                relationship=kept.relationship,
                order=len(rows) + kept.order,
                **{name: getattr(kept, name) for name in SECTION_FIELDS},
            )
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=assessment,
        detail={
            "case": case.pk,
            "assessed_on": str(assessed_on),
            "revision": assessment.revision,
            "sections": sorted(seen),
        },
    )
    return assessment


# --- Support plan -----------------------------------------------------------------------------


def plan_conflict() -> Conflict:
    return Conflict(
        _(
            "ほかの人が先にこの計画を更新しました。最新の内容を確認してから、もう一度保存してください。"
        )
    )


def _plan_problems(data: Mapping[str, Any]) -> dict[str, str]:
    problems: dict[str, str] = {}
    start, end = data.get("period_start"), data.get("period_end")
    if isinstance(start, dt.date) and isinstance(end, dt.date):
        if end < start:
            problems["period_end"] = _("計画終了日は開始日以降の日付にしてください。")
        elif end > add_months(start, 12 * MAX_PLAN_YEARS):
            problems["period_end"] = _("計画期間は%(years)d年以内にしてください。") % {
                "years": MAX_PLAN_YEARS
            }
    frequency = data.get("monitoring_frequency")
    if frequency not in MonitoringFrequency.values:
        problems["monitoring_frequency"] = _("モニタリング期間を選んでください。")
    elif frequency == MonitoringFrequency.CUSTOM:
        dates = list(data.get("monitoring_dates") or [])
        if not dates:
            problems["monitoring_dates"] = _(
                "「日付を指定」のときは、モニタリングの予定日を1つ以上入力してください。"
            )
        elif isinstance(start, dt.date) and isinstance(end, dt.date):
            outside = [d for d in dates if not start <= d <= end]
            if outside:
                problems["monitoring_dates"] = _(
                    "モニタリングの予定日は計画期間の中にしてください（%(dates)s）。"
                ) % {"dates": "、".join(f"{d:%Y-%m-%d}" for d in outside)}
    return problems


def plan_problems(data: Mapping[str, Any]) -> dict[str, str]:
    """The rules a plan must meet beyond its fields' types, by field (the form shows them by
    the fields; the services refuse with them)."""
    return _plan_problems(data)


def _plan_values(data: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in PLAN_FIELDS:
        value = data.get(name)
        if name == "monitoring_dates":
            value = sorted({d.isoformat() for d in value or []})
            if data.get("monitoring_frequency") != MonitoringFrequency.CUSTOM:
                value = []
        elif name in ("period_start", "period_end", "monitoring_frequency"):
            pass  # required: the model refuses a missing one with its own message
        elif name == "drafted_on":
            value = value or timezone.localdate()
        else:
            value = str(value or "").strip()
        values[name] = value
    return values


@audit.atomic_with_refusals
def plan_create(actor: Actor, *, case: Case, data: Mapping[str, Any]) -> SupportPlan:
    """Start the first plan of a case, or a new version from the latest (as a draft)."""
    actor = audit.require_writer(actor, target=case, deferred=True)
    _require_open(case)
    list(Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True))
    if SupportPlan.objects.filter(case=case, status=PlanStatus.DRAFT).exists():
        raise Conflict(
            _("このケースには作成中の計画案がすでにあります。その案を編集してください。")
        )
    latest = SupportPlan.objects.filter(case=case).order_by("-version").first()
    if latest is not None:
        return _plan_copy(actor=actor, plan=latest, reason="", data=data)
    problems = _plan_problems(data)
    if problems:
        raise Invalid(" ".join(problems.values()))
    plan = SupportPlan(
        case=case,
        version=1,
        author=actor.user,
        author_organization=actor.organization,
        **_plan_values(data),
    )
    full_clean(plan, exclude=["case", "author", "author_organization", "based_on"])
    plan.save(force_insert=True)
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=plan,
        detail={"case": case.pk, "version": 1},
    )
    return plan


@audit.atomic_with_refusals
def plan_update(
    actor: Actor, *, plan: SupportPlan, lock_version: int, data: Mapping[str, Any]
) -> SupportPlan:
    """Edit a draft.  An agreed plan is changed only by a new version."""
    audit.require_writer(actor, target=plan, deferred=True)
    _require_open(plan.case)
    if not plan.is_draft:
        raise Conflict(_("合意済みの計画は編集できません。新しい版を作ってください。"))
    problems = _plan_problems(data)
    if problems:
        raise Invalid(" ".join(problems.values()))
    values = _plan_values(data)
    before = {name: getattr(plan, name) for name in values}
    for name, value in values.items():
        setattr(plan, name, value)
    full_clean(plan, exclude=["case", "author", "author_organization", "based_on"])
    updated = SupportPlan.objects.filter(
        pk=plan.pk, lock_version=lock_version, status=PlanStatus.DRAFT
    ).update(**values, lock_version=lock_version + 1, updated_at=timezone.now())
    if updated != 1:
        raise plan_conflict()
    plan.lock_version = lock_version + 1
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=plan,
        detail={"changed": sorted(n for n in values if before[n] != values[n])},
    )
    return plan


def _plan_copy(
    actor: Actor,
    *,
    plan: SupportPlan,
    reason: str,
    data: Mapping[str, Any] | None = None,
) -> SupportPlan:
    """A new draft version starting from `plan`: its text, items and weekly schedule."""
    version = (
        SupportPlan.objects.filter(case_id=plan.case_id).aggregate(v=models.Max("version"))["v"]
        or 0
    ) + 1
    # A new version is made today, unless the data says when it was drawn up.
    values = {name: getattr(plan, name) for name in PLAN_FIELDS} | {
        "drafted_on": timezone.localdate()
    }
    if data:
        problems = _plan_problems(data)
        if problems:
            raise Invalid(" ".join(problems.values()))
        values = _plan_values(data)
    new = SupportPlan(
        case_id=plan.case_id,
        version=version,
        based_on=plan,
        change_reason=reason,
        author=actor.user,
        author_organization=actor.organization,
        **values,
    )
    new.save(force_insert=True)
    items = list(plan.items.all())
    PlanItem.objects.bulk_create(
        PlanItem(
            plan=new,
            resource_name=item.resource_name,
            provider_name=item.provider_name,
            **{name: getattr(item, name) for name in ITEM_FIELDS},
        )
        for item in items
    )
    WeeklyScheduleEntry.objects.bulk_create(
        WeeklyScheduleEntry(
            plan=new,
            weekday=e.weekday,
            start_time=e.start_time,
            end_time=e.end_time,
            activity=e.activity,
            provider=e.provider,
        )
        for e in plan.weekly.all()
    )
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=new,
        detail={"case": plan.case_id, "version": version, "based_on": plan.pk, "reason": reason},
    )
    return new


@audit.atomic_with_refusals
def plan_new_version(actor: Actor, *, plan: SupportPlan, reason: str) -> SupportPlan:
    """Open the next version of an agreed plan as a draft prefilled from it."""
    actor = audit.require_writer(actor, target=plan, deferred=True)
    _require_open(plan.case)
    list(Case.objects.select_for_update().filter(pk=plan.case_id).values_list("pk", flat=True))
    existing = SupportPlan.objects.filter(case_id=plan.case_id, status=PlanStatus.DRAFT).first()
    if existing is not None:
        raise Conflict(
            _("このケースには作成中の計画案がすでにあります。その案を編集してください。")
        )
    if not reason.strip():
        raise Invalid(_("計画を見直す理由を書いてください。"))
    return _plan_copy(actor=actor, plan=plan, reason=reason.strip()[:200])


def _resource(value: object, *, item: PlanItem | None) -> SocialResource | None:
    """The directory resource an item chooses, by instance or id: an active one, or the one the
    item already names (kept while it is edited, even if it has closed since)."""
    if value is None or value == "":
        return None
    raw = value.pk if isinstance(value, SocialResource) else value
    try:
        pk = int(str(raw))
    except ValueError:
        pk = 0
    resource = None
    if 1 <= pk <= MAX_ID:
        resource = (
            SocialResource.objects.select_related("provider", "service_type").filter(pk=pk).first()
        )
    if resource is None:
        raise Invalid(_("選んだ社会資源が見つかりません。社会資源の一覧から選び直してください。"))
    kept = item is not None and item.resource_id == resource.pk
    if resource.status != ResourceStatus.ACTIVE and not kept:
        raise Invalid(
            _("「%(name)s」は%(status)sのため選べません。利用できる社会資源を選んでください。")
            % {"name": resource.name, "status": resource.get_status_display()}
        )
    return resource


def _item_values(
    plan: SupportPlan, data: Mapping[str, Any], item: PlanItem | None = None
) -> dict[str, Any]:
    values = {name: data.get(name) for name in ITEM_FIELDS}
    resource = _resource(values["resource"], item=item)
    values["resource"] = resource
    for name in ("need", "goal", "amount", "informal_support", "responsible_name", "person_role"):
        values[name] = str(values[name] or "").strip()
    values["notes"] = str(values["notes"] or "").strip()
    values["service_type"] = str(values["service_type"] or "")
    values["priority"] = values["priority"] or 1
    org = values["responsible_organization"]
    if not values["need"]:
        raise Invalid(_("解決すべき課題（本人のニーズ）を書いてください。"))
    if not values["goal"]:
        raise Invalid(_("支援目標を書いてください。"))
    if values["support_kind"] == SupportKind.FORMAL:
        if org is None and resource is None:
            raise Invalid(
                _("公的サービスには、提供するサービス（社会資源）か担当機関を選んでください。")
            )
        if resource is not None and resource.service_type.is_informal:
            raise Invalid(
                _("「%(name)s」はインフォーマルな資源です。支援の種類を選び直してください。")
                % {"name": resource.name}
            )
        values["informal_support"] = ""
        if resource is not None:
            kind = service_type_of(resource)
            if not values["service_type"]:
                values["service_type"] = kind
            elif kind and kind != values["service_type"]:
                raise Invalid(
                    _(
                        "「%(name)s」は%(kind)sの資源です。"
                        "サービスの種類か、提供するサービスを選び直してください。"
                    )
                    % {"name": resource.name, "kind": resource.service_type.name}
                )
    elif values["support_kind"] == SupportKind.INFORMAL:
        if not values["informal_support"]:
            raise Invalid(_("インフォーマルな支援の内容を書いてください。"))
        if resource is not None and not resource.service_type.is_informal:
            raise Invalid(
                _("「%(name)s」は公的サービスの資源です。支援の種類を選び直してください。")
                % {"name": resource.name}
            )
        if org is None and resource is None and not values["responsible_name"]:
            raise Invalid(_("担当機関か地域の資源を選ぶか、担当者名（機関外）を書いてください。"))
        values["service_type"] = ""
    else:
        raise Invalid(_("支援の種類を選んでください。"))
    # The names as they are today, kept with the item: a resource renamed or retired later
    # leaves the plan reading as it was written.  An unchanged choice keeps its names.
    if resource is None:
        values["resource_name"] = values["provider_name"] = ""
    elif item is None or item.resource_id != resource.pk or not item.resource_name:
        values["resource_name"] = resource.name
        values["provider_name"] = resource.provider.name
    for name in ("target_date", "evaluation_date"):
        day = values[name]
        if day is not None and not plan.period_start <= day <= plan.period_end:
            label = _("達成時期") if name == "target_date" else _("評価時期")
            raise Invalid(
                _("%(label)sは計画期間（%(start)s〜%(end)s）の中の日付にしてください。")
                % {
                    "label": label,
                    "start": f"{plan.period_start:%Y-%m-%d}",
                    "end": f"{plan.period_end:%Y-%m-%d}",
                }
            )
    _check_on_team(plan.case, org, _("担当機関"))
    _check_worker(values["responsible_worker"], org)
    return values


def _require_draft(plan: SupportPlan) -> None:
    if not plan.is_draft:
        raise Conflict(_("合意済みの計画は編集できません。新しい版を作ってください。"))


@audit.atomic_with_refusals
def plan_item_save(
    actor: Actor,
    *,
    plan: SupportPlan,
    data: Mapping[str, Any],
    item: PlanItem | None = None,
) -> PlanItem:
    """Add an item to a draft, or change one."""
    audit.require_writer(actor, target=plan, deferred=True)
    _require_open(plan.case)
    _require_draft(plan)
    if item is not None and item.plan_id != plan.pk:
        raise Invalid(_("この計画の項目ではありません。"))
    values = _item_values(plan, data, item)
    target = item or PlanItem(plan=plan)
    for name, value in values.items():
        setattr(target, name, value)
    full_clean(target, exclude=["plan"])
    target.save()
    audit.record(
        action=Action.RECORD_UPDATED if item else Action.RECORD_CREATED,
        actor=actor,
        target=target,
        detail={
            "plan": plan.pk,
            "organization": target.responsible_organization_id,
            "resource": target.resource_id,
            "priority": target.priority,
        },
    )
    return target


@audit.atomic_with_refusals
def plan_item_delete(actor: Actor, *, item: PlanItem) -> None:
    plan = item.plan
    audit.require_writer(actor, target=plan, deferred=True)
    _require_open(plan.case)
    _require_draft(plan)
    audit.record(action=Action.RECORD_DELETED, actor=actor, target=item, detail={"plan": plan.pk})
    item.delete()


@audit.atomic_with_refusals
def weekly_entry_add(
    actor: Actor,
    *,
    plan: SupportPlan,
    weekday: int,
    start_time: dt.time,
    end_time: dt.time,
    activity: str,
    provider: str = "",
) -> WeeklyScheduleEntry:
    audit.require_writer(actor, target=plan, deferred=True)
    _require_draft(plan)
    if end_time <= start_time:
        raise Invalid(_("終了時刻は開始時刻より後にしてください。"))
    if not activity.strip():
        raise Invalid(_("活動・サービスを書いてください。"))
    entry = WeeklyScheduleEntry(
        plan=plan,
        weekday=weekday,
        start_time=start_time,
        end_time=end_time,
        activity=activity.strip(),
        provider=provider.strip(),
    )
    full_clean(entry, exclude=["plan"])
    entry.save()
    audit.record(action=Action.RECORD_CREATED, actor=actor, target=entry, detail={"plan": plan.pk})
    return entry


@audit.atomic_with_refusals
def weekly_entry_delete(actor: Actor, *, plan: SupportPlan, entry_id: int) -> None:
    audit.require_writer(actor, target=plan, deferred=True)
    _require_draft(plan)
    entry = plan.weekly.filter(pk=entry_id).first()
    if entry is None:
        raise Invalid(_("その予定は見つかりません。"))
    audit.record(action=Action.RECORD_DELETED, actor=actor, target=entry, detail={"plan": plan.pk})
    entry.delete()


@audit.atomic_with_refusals
def plan_agree(
    actor: Actor,
    *,
    plan: SupportPlan,
    agreed_on: dt.date,
    method: str,
    note: str = "",
) -> SupportPlan:
    """Record the person's agreement: the draft becomes the plan in force.

    The version it replaces is superseded, its monitorings still to come are cancelled and its
    open tasks closed; the new plan's monitorings are scheduled and each organization named by
    an item gets a task for its part.
    """
    actor = audit.require_writer(actor, target=plan, deferred=True)
    case = plan.case
    _require_open(case)
    if actor.organization_id != case.lead_organization_id:
        raise audit.refusal(
            actor,
            target=plan,
            reason="not the lead",
            message=_("計画の合意を記録できるのは主担当機関だけです。"),
        )
    list(Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True))
    plan.refresh_from_db()
    _require_draft(plan)
    if method not in AgreementMethod.values:
        raise Invalid(_("同意の方法を選んでください。"))
    if agreed_on > timezone.localdate():
        raise Invalid(_("同意日に未来の日付は指定できません。"))
    items = list(plan.items.select_related("responsible_organization", "resource"))
    if not items:
        raise Invalid(_("計画に項目が1つもありません。ニーズと支援目標を追加してください。"))
    team = team_organization_ids(case)
    off_team = [
        i.responsible_organization.name
        for i in items
        if i.responsible_organization and i.responsible_organization_id not in team
    ]
    closed = sorted(
        {
            i.resource_name or i.resource.name
            for i in items
            if i.resource and i.resource.status == ResourceStatus.DEFUNCT
        }
    )
    if closed:
        raise Invalid(
            _(
                "廃止された社会資源が選ばれています: %(names)s。"
                "提供するサービスを選び直してください。"
            )
            % {"names": "、".join(closed)}
        )
    if off_team:
        raise Invalid(
            _("支援チームを離れた機関が担当になっています: %(orgs)s。担当を見直してください。")
            % {"orgs": "、".join(sorted(set(off_team)))}
        )

    previous = list(
        SupportPlan.objects.filter(case=case, status=PlanStatus.AGREED).exclude(pk=plan.pk)
    )
    for old in previous:
        SupportPlan.objects.filter(pk=old.pk).update(
            status=PlanStatus.SUPERSEDED, updated_at=timezone.now()
        )
        Monitoring.objects.filter(plan=old, status=MonitoringStatus.SCHEDULED).update(
            status=MonitoringStatus.CANCELLED, updated_at=timezone.now()
        )
        Task.objects.filter(
            plan_item__plan=old, status__in=OPEN_TASK_STATUSES, source=TaskSource.PLAN
        ).update(
            status=TaskStatus.CANCELLED,
            completion_note=_("計画の改定により終了"),
            updated_at=timezone.now(),
        )

    plan.status = PlanStatus.AGREED
    plan.agreed_on = agreed_on
    plan.agreement_method = method
    plan.agreement_note = note.strip()[:200]
    plan.lock_version += 1
    plan.save(
        update_fields=[
            "status",
            "agreed_on",
            "agreement_method",
            "agreement_note",
            "lock_version",
            "updated_at",
        ]
    )
    due_dates = monitoring_due_dates(
        start=plan.period_start,
        end=plan.period_end,
        frequency=plan.monitoring_frequency,
        custom_dates=[dt.date.fromisoformat(d) for d in plan.monitoring_dates],
    )
    Monitoring.objects.bulk_create(Monitoring(plan=plan, due_on=day) for day in due_dates)
    tasks = [
        Task(
            title=plan_task_title(item.goal),
            description="\n".join(
                p
                for p in (
                    item.support_label,
                    item.person_role and _("本人の役割: ") + item.person_role,
                    item.notes,
                )
                if p
            ),
            case=case,
            owner_organization=item.responsible_organization,
            owner_worker=item.responsible_worker,
            due_on=item.evaluation_date or item.target_date,
            source=TaskSource.PLAN,
            plan_item=item,
            created_by=actor.user,
        )
        for item in items
        if item.responsible_organization is not None
    ]
    Task.objects.bulk_create(tasks)
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=plan,
        detail={
            "event": "plan.agreed",
            "agreed_on": str(agreed_on),
            "method": method,
            "superseded": [p.pk for p in previous],
            "monitorings": [str(d) for d in due_dates],
            "tasks": len(tasks),
        },
    )
    return plan


# --- Monitoring -------------------------------------------------------------------------------


@audit.atomic_with_refusals
def monitoring_report(
    actor: Actor,
    *,
    monitoring: Monitoring,
    conducted_on: dt.date,
    data: Mapping[str, Any],
    goal_reports: Mapping[int, Mapping[str, Any]],
) -> tuple[Monitoring, SupportPlan | None]:
    """Record a monitoring: overall and per goal.  When it says the plan must change, a new
    version of the plan opens as a draft prefilled from the one monitored (returned second)."""
    actor = audit.require_writer(actor, target=monitoring, deferred=True)
    plan = monitoring.plan
    _require_open(plan.case)
    locked = Monitoring.objects.select_for_update().filter(pk=monitoring.pk).first()
    if locked is None or locked.status != MonitoringStatus.SCHEDULED:
        raise Conflict(_("このモニタリングはすでに記録されているか、取り消されています。"))
    if conducted_on > timezone.localdate():
        raise Invalid(_("実施日に未来の日付は指定できません。"))
    if plan.agreed_on and conducted_on < plan.agreed_on:
        raise Invalid(_("実施日は計画の同意日以降にしてください。"))
    items = {item.pk: item for item in plan.items.all()}
    unknown = set(goal_reports) - set(items)
    if unknown:
        raise Invalid(_("この計画にない目標が含まれています。"))
    if (
        not any(str(v or "").strip() for r in goal_reports.values() for v in r.values())
        and not str(data.get("overall") or "").strip()
    ):
        raise Invalid(
            _("モニタリングの内容が空です。全体の状況か、目標ごとの経過を書いてください。")
        )

    for name in MONITORING_FIELDS:
        value = data.get(name)
        if name == "plan_change_needed":
            monitoring.plan_change_needed = bool(value)
        else:
            setattr(monitoring, name, str(value or "").strip())
    monitoring.status = MonitoringStatus.DONE
    monitoring.conducted_on = conducted_on
    monitoring.conducted_by = actor.user
    monitoring.conducted_by_organization = actor.organization
    full_clean(monitoring, exclude=["plan", "conducted_by", "conducted_by_organization"])
    monitoring.save()
    reports = []
    for item_id, values in goal_reports.items():
        report = MonitoringGoalReport(
            monitoring=monitoring,
            plan_item=items[item_id],
            **{name: str(values.get(name) or "").strip() for name in GOAL_REPORT_FIELDS},
        )
        full_clean(report, exclude=["monitoring", "plan_item"])
        reports.append(report)
    MonitoringGoalReport.objects.bulk_create(reports)
    follow_ups = _monitoring_follow_ups(actor, monitoring, reports, conducted_on)

    new_plan = None
    if monitoring.plan_change_needed and plan.status == PlanStatus.AGREED:
        draft = SupportPlan.objects.filter(case_id=plan.case_id, status=PlanStatus.DRAFT).first()
        new_plan = draft or _plan_copy(
            actor=actor,
            plan=plan,
            reason=_("%(day)sのモニタリングで計画の変更が必要と判断")
            % {"day": f"{conducted_on:%Y-%m-%d}"},
        )
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=monitoring,
        detail={
            "event": "monitoring.reported",
            "plan": plan.pk,
            "goals": sorted(goal_reports),
            "plan_change_needed": monitoring.plan_change_needed,
            "new_plan": new_plan.pk if new_plan else None,
            "tasks": [t.owner_organization_id for t in follow_ups],
        },
    )
    return monitoring, new_plan


# Without a next monitoring to aim at, what a monitoring asks for is due this many days later.
FOLLOW_UP_DAYS = 30


def _monitoring_follow_ups(
    actor: Actor,
    monitoring: Monitoring,
    reports: Sequence[MonitoringGoalReport],
    conducted_on: dt.date,
) -> list[Task]:
    """A task for each goal whose report says what should change, to the organization
    responsible for it, due by the next monitoring."""
    plan = monitoring.plan
    team = team_organization_ids(plan.case)
    next_due = (
        plan.monitorings.filter(status=MonitoringStatus.SCHEDULED, due_on__gt=conducted_on)
        .order_by("due_on")
        .values_list("due_on", flat=True)
        .first()
    )
    due = next_due or conducted_on + dt.timedelta(days=FOLLOW_UP_DAYS)
    tasks = [
        Task(
            title=monitoring_task_title(report.plan_item.goal),
            description=report.what_should_change,
            case=plan.case,
            owner_organization_id=report.plan_item.responsible_organization_id,
            owner_worker_id=report.plan_item.responsible_worker_id,
            due_on=due,
            source=TaskSource.MONITORING,
            plan_item=report.plan_item,
            monitoring=monitoring,
            created_by=actor.user,
        )
        for report in reports
        if report.what_should_change and report.plan_item.responsible_organization_id in team
    ]
    Task.objects.bulk_create(tasks)
    return tasks


# --- Contingency (Xデー) ----------------------------------------------------------------------


@audit.atomic_with_refusals
def contingency_create(
    actor: Actor, *, case: Case, description: str, preparation: str = ""
) -> ContingencyTrigger:
    actor = audit.require_writer(actor, target=case, deferred=True)
    _require_open(case)
    if not description.strip():
        raise Invalid(_("きっかけとなる出来事を書いてください（例: 母の入院）。"))
    trigger = ContingencyTrigger(
        case=case,
        description=description.strip(),
        preparation=preparation.strip(),
        created_by=actor.user,
    )
    full_clean(trigger, exclude=["case", "created_by"])
    trigger.save()
    audit.record(
        action=Action.RECORD_CREATED, actor=actor, target=trigger, detail={"case": case.pk}
    )
    return trigger


@audit.atomic_with_refusals
def contingency_action_add(
    actor: Actor,
    *,
    trigger: ContingencyTrigger,
    organization: Organization,
    action: str,
    contact_name: str = "",
    contact_phone: str = "",
    days_to_act: int = 1,
) -> ContingencyAction:
    audit.require_writer(actor, target=trigger, deferred=True)
    _require_open(trigger.case)
    if trigger.has_happened:
        raise Conflict(_("発生済みのXデーには対応を追加できません。タスクで対応してください。"))
    if not action.strip():
        raise Invalid(_("取り決めた対応を書いてください。"))
    _check_on_team(trigger.case, organization, _("対応する機関"))
    row = ContingencyAction(
        trigger=trigger,
        organization=organization,
        action=action.strip(),
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        days_to_act=days_to_act,
    )
    full_clean(row, exclude=["trigger", "organization"])
    row.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=row,
        detail={"trigger": trigger.pk, "organization": organization.pk},
    )
    return row


@audit.atomic_with_refusals
def contingency_happened(
    actor: Actor, *, trigger: ContingencyTrigger, happened_on: dt.date, note: str
) -> list[Task]:
    """The day has come: a task for each organization's agreed action, a note on the case
    timeline for the whole team, and a mail to the members of each organization concerned
    (without the person's name: the mail only says to look in Tsunagu)."""
    actor = audit.require_writer(actor, target=trigger, deferred=True)
    case = trigger.case
    _require_open(case)
    locked = ContingencyTrigger.objects.select_for_update().get(pk=trigger.pk)
    if locked.has_happened:
        raise Conflict(_("このXデーはすでに発生として記録されています。"))
    if happened_on > timezone.localdate():
        raise Invalid(_("発生日に未来の日付は指定できません。"))
    actions = list(trigger.actions.select_related("organization"))
    if not actions:
        raise Invalid(_("取り決めた対応がありません。先に機関ごとの対応を追加してください。"))
    team = team_organization_ids(case)
    trigger.happened_on = happened_on
    trigger.happened_note = note.strip()
    trigger.happened_reported_by = actor.user
    trigger.save(
        update_fields=["happened_on", "happened_note", "happened_reported_by", "updated_at"]
    )
    tasks = [
        Task(
            title=contingency_task_title(trigger.description),
            description="\n".join(
                p
                for p in (
                    a.action,
                    a.contact_name
                    and _("連絡先: ") + f"{a.contact_name} {a.contact_phone}".strip(),
                )
                if p
            ),
            case=case,
            owner_organization=a.organization,
            due_on=happened_on + dt.timedelta(days=a.days_to_act),
            source=TaskSource.CONTINGENCY,
            contingency_action=a,
            created_by=actor.user,
        )
        for a in actions
        if a.organization_id in team
    ]
    Task.objects.bulk_create(tasks)
    assert actor.organization is not None  # noqa: S101  # _writer checked it
    ProgressNote.objects.create(
        case=case,
        occurred_at=timezone.now(),
        kind=NoteKind.AGENCY_CONTACT,
        author=actor.user,
        author_organization=actor.organization,
        text=_(
            "Xデー「%(event)s」が発生（%(day)s）。%(note)s "
            "取り決めた対応を各機関にタスクとして依頼しました。"
        )
        % {"event": trigger.description, "day": f"{happened_on:%Y-%m-%d}", "note": note.strip()},
    )
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=trigger,
        detail={
            "event": "contingency.happened",
            "happened_on": str(happened_on),
            "tasks": [t.owner_organization_id for t in tasks],
        },
    )
    org_ids = {t.owner_organization_id for t in tasks} | team
    transaction.on_commit(lambda: _tell_the_team(actor, org_ids))
    return tasks


def _tell_the_team(actor: Actor, organization_ids: set[int]) -> None:
    recipients = sorted(
        {
            m.user.email
            for m in Membership.objects.current()
            .filter(organization_id__in=organization_ids, user__is_active=True)
            .select_related("user")
            if m.user.email
        }
    )
    if not recipients:
        return
    url = site_url(reverse("plans:task_list"), actor.origin)
    subject = _("つなぐ: 担当の支援ケースでXデーが発生しました")
    body = _(
        "担当している支援ケースで、事前に取り決めていたXデーが発生しました。\n"
        "つなぐにサインインして、あなたの機関のタスクを確認してください。\n%(url)s\n\n"
        "このメールには個人情報を含めていません。"
    ) % {"url": url}
    send_mass_mail(
        [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients],
        fail_silently=True,
    )


# --- Tasks ------------------------------------------------------------------------------------


TASK_TRANSITIONS: dict[str, frozenset[str]] = {
    TaskStatus.OPEN: frozenset({TaskStatus.IN_PROGRESS, TaskStatus.DONE, TaskStatus.CANCELLED}),
    TaskStatus.IN_PROGRESS: frozenset({TaskStatus.OPEN, TaskStatus.DONE, TaskStatus.CANCELLED}),
    TaskStatus.DONE: frozenset({TaskStatus.IN_PROGRESS}),
    TaskStatus.CANCELLED: frozenset({TaskStatus.OPEN}),
}


def _task_actor(actor: Actor, task: Task) -> Actor:
    actor = audit.require_writer(actor, target=task, deferred=True)
    lead = task.case.lead_organization_id if task.case else None
    if actor.organization_id not in {task.owner_organization_id, lead}:
        raise audit.refusal(
            actor,
            target=task,
            reason="not the owner",
            message=_("タスクを変更できるのは担当機関と主担当機関だけです。"),
        )
    return actor


@audit.atomic_with_refusals
def task_create(
    actor: Actor,
    *,
    title: str,
    owner_organization: Organization,
    case: Case | None = None,
    owner_worker: User | None = None,
    due_on: dt.date | None = None,
    description: str = "",
    source: str = TaskSource.MANUAL,
) -> Task:
    """A task by hand (or from a meeting).  On a case, the owner must be on the team."""
    actor = audit.require_writer(actor, target=case or owner_organization, deferred=True)
    if not title.strip():
        raise Invalid(_("件名を書いてください。"))
    if case is not None:
        _require_open(case)
        _check_on_team(case, owner_organization, _("担当機関"))
    elif owner_organization.pk != actor.organization_id:
        raise Invalid(_("ケースに結び付かないタスクは、自分の機関にだけ作れます。"))
    _check_worker(owner_worker, owner_organization)
    task = Task(
        title=title.strip(),
        description=description.strip(),
        case=case,
        owner_organization=owner_organization,
        owner_worker=owner_worker,
        due_on=due_on,
        source=source,
        created_by=actor.user,
    )
    full_clean(task, exclude=["case", "owner_organization", "owner_worker", "created_by"])
    task.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=task,
        detail={"case": case.pk if case else None, "organization": owner_organization.pk},
    )
    _notify_task_assigned(actor, task)
    return task


def _notify_task_assigned(actor: Actor, task: Task) -> None:
    """The worker a task names hears of it; a task for another organization without a named
    worker reaches that organization's staff.  A task one makes for one's own office without a
    name is a note to oneself: nobody is notified."""
    if task.owner_worker is not None:
        recipients: list[User] = [task.owner_worker]
    elif task.owner_organization_id != actor.organization_id:
        recipients = organization_staff(task.owner_organization_id)
    else:
        return
    notify(
        recipients=recipients,
        kind=NotificationKind.TASK_ASSIGNED,
        target=task,
        caused_by=actor.user,
    )


@audit.atomic_with_refusals
def task_set_status(actor: Actor, *, task: Task, status: str, note: str = "") -> Task:
    actor = _task_actor(actor, task)
    if status not in TaskStatus.values:
        raise Invalid(_("状態を選んでください。"))
    if status == task.status:
        return task
    if status not in TASK_TRANSITIONS[task.status]:
        raise Conflict(
            _("「%(from)s」から「%(to)s」には変更できません。")
            % {"from": TaskStatus(task.status).label, "to": TaskStatus(status).label}
        )
    if status == TaskStatus.CANCELLED and not note.strip():
        raise Invalid(_("取り消す理由を書いてください。"))
    before = task.status
    updated = Task.objects.filter(pk=task.pk, status=before).update(
        status=status,
        completed_at=timezone.now() if status == TaskStatus.DONE else None,
        completed_by=actor.user if status == TaskStatus.DONE else None,
        completion_note=note.strip()[:200],
        updated_at=timezone.now(),
    )
    if updated != 1:
        raise Conflict(_("ほかの人が先にこのタスクを更新しました。画面を開き直してください。"))
    task.refresh_from_db()
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=task,
        detail={"from": before, "to": status, "note": note.strip()[:200]},
    )
    return task


def note_follow_up_sync(actor: Actor, *, note: ProgressNote) -> Task | None:
    """Keep the task of a note's next contact (次回連絡予定日) in step with the note, inside the
    caller's transaction (records.services): a date and no open task makes one for the
    author and the author's organization; another date moves the open task; no date cancels
    it.  A task already done stays done, and a new date after it is a new task.  Returns the
    open task, if any."""
    task = (
        Task.objects.select_for_update()
        .filter(progress_note=note, source=TaskSource.NOTE, status__in=OPEN_TASK_STATUSES)
        .order_by("-pk")
        .first()
    )
    day = note.next_contact_on
    if task is not None and day is None:
        Task.objects.filter(pk=task.pk).update(
            status=TaskStatus.CANCELLED,
            completion_note=_("次回連絡予定日が消されました。")[:200],
            updated_at=timezone.now(),
        )
        task.refresh_from_db()
        audit.record(
            action=Action.RECORD_UPDATED,
            actor=actor,
            target=task,
            detail={"from": task.status, "to": TaskStatus.CANCELLED, "note": note.pk},
        )
        return None
    if task is not None and day is not None:
        if task.due_on != day:
            before = task.due_on
            task.due_on = day
            task.save(update_fields=["due_on", "updated_at"])
            audit.record(
                action=Action.RECORD_UPDATED,
                actor=actor,
                target=task,
                detail={"due_on": [str(before) if before else None, str(day)], "note": note.pk},
            )
        return task
    if day is None:
        return None
    if not note.case.is_open:
        raise Invalid(_("終結したケースには次回連絡予定日を付けられません。"))
    task = Task(
        title=next_contact_task_title(note.get_kind_display()),
        case=note.case,
        owner_organization_id=note.author_organization_id,
        owner_worker=note.author,
        due_on=day,
        source=TaskSource.NOTE,
        progress_note=note,
        created_by=actor.user,
    )
    full_clean(
        task, exclude=["case", "owner_organization", "owner_worker", "created_by", "progress_note"]
    )
    task.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=task,
        detail={"case": note.case_id, "organization": note.author_organization_id, "note": note.pk},
    )
    if note.author_id != actor.user.pk:
        _notify_task_assigned(actor, task)
    return task


def duplicate_contact_task_create(
    actor: Actor,
    candidate: DuplicateCandidate,
    organization: Organization,
    title: str,
    description: str,
) -> int:
    """The core center asks `organization` to contact a person its record may duplicate
    (`people.duplicates`, which calls this through `register_contact_request`).  A task for
    another organization, not tied to a case: `task_create` refuses that (it lets an office
    give itself tasks only), so the row is written here."""
    task = Task(
        title=title,
        description=description,
        owner_organization=organization,
        source=TaskSource.MANUAL,
        created_by=actor.user,
    )
    task.full_clean(exclude=["owner_organization", "created_by"])
    task.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=task,
        detail={"case": None, "organization": organization.pk, "duplicate_candidate": candidate.pk},
    )
    return task.pk


# --- Monitorings falling due: notifications (command `notify_monitorings_due`) --------------


def monitorings_due_notify(*, today: dt.date | None = None) -> list[Monitoring]:
    """Tell each scheduled monitoring's case lead (the lead worker, else the lead
    organization's staff) once that it falls due within DUE_SOON_DAYS or is overdue.  Run daily
    by cron; a monitoring already notified is skipped, so runs may repeat or overlap safely
    enough (a rare double notice, never a missed one)."""
    day = today or timezone.localdate()
    already = Notification.objects.filter(
        kind=NotificationKind.MONITORING_DUE,
        target_type=Monitoring._meta.label_lower,
        target_id=models.OuterRef("pk"),
    )
    due = (
        Monitoring.objects.filter(
            status=MonitoringStatus.SCHEDULED,
            plan__status=PlanStatus.AGREED,
            due_on__lte=day + dt.timedelta(days=DUE_SOON_DAYS),
        )
        .exclude(plan__case__status=CaseStatus.CLOSED)
        .filter(~models.Exists(already))
        .select_related("plan__case__lead_worker")
        .order_by("due_on", "pk")
    )
    notified: list[Monitoring] = []
    for monitoring in due:
        case = monitoring.plan.case
        lead_worker = case.lead_worker
        with audit.atomic():
            rows = notify(
                recipients=[lead_worker]
                if lead_worker is not None and lead_worker.is_active
                else organization_staff(case.lead_organization_id),
                kind=NotificationKind.MONITORING_DUE,
                target=monitoring,
            )
        if rows:
            notified.append(monitoring)
    return notified
