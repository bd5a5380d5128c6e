"""Screens for assessments, support plans, contingency (Xデー) plans, monitoring and tasks.

Thin, as in tsunagu/cases/views.py: parse the form, fetch through tsunagu/plans/access.py,
call a service, render or redirect.  NotFound becomes the project's 404; Forbidden shows its
message with status 403; Invalid and Conflict redisplay the form with the message and
everything the user typed (status 400 / 409).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.audit.lists import list_page
from tsunagu.cases.access import access_case, persons_visible_to
from tsunagu.cases.models import Case
from tsunagu.core.errors import Forbidden, NotFound
from tsunagu.core.http import TsunaguRequest, safe_next
from tsunagu.core.screens import action, form_page, posted, screen
from tsunagu.moments import selectors as moment_selectors
from tsunagu.plans import forms, lists, selectors, services
from tsunagu.plans.access import (
    access_assessment,
    access_contingency,
    access_monitoring,
    access_plan,
    access_task,
)
from tsunagu.plans.models import (
    SECTION_FIELDS,
    Assessment,
    MonitoringStatus,
    PlanItem,
    PlanStatus,
    SupportPlan,
)
from tsunagu.plans.schedule import add_months
from tsunagu.plans.selectors import PLAN_FIELDS
from tsunagu.plans.services import ASSESSMENT_FIELDS
from tsunagu.plans.voices import monitoring_voices
from tsunagu.records import selectors as records_selectors
from tsunagu.trials import selectors as trial_selectors

TASK_STATUSES = forms.TaskStatusForm.base_fields["status"].choices  # type: ignore[attr-defined]


def _of_case(request: TsunaguRequest, case: Case, **context: Any) -> dict[str, Any]:
    """A case's page: the case, whether the user may add to it (while it is open), the rest."""
    return {"case": case, "can_write": request.actor.can_write and case.is_open, **context}


# --- Assessment -------------------------------------------------------------------------------


@screen("GET")
def assessment_list(request: TsunaguRequest, case_id: int) -> HttpResponse:
    case = access_case(request.actor, case_id)
    assessments = selectors.assessment_list(actor=request.actor, case=case)
    context = _of_case(request, case, assessments=assessments)
    return render(request, "plans/pages/assessment_list.html", context)


def _section_forms(
    request: TsunaguRequest, case: Case, data: Any = None, previous: Assessment | None = None
) -> list[forms.SectionForm]:
    """A section per member the author may see; the others keep theirs (assessment_save)."""
    actor = request.actor
    shown = selectors.assessment_sections_for(actor=actor, assessment=previous) if previous else []
    before = {s.person_id: s for s in shown}
    subjects = selectors.assessment_subjects(case)
    visible = set(
        persons_visible_to(actor)
        .filter(pk__in=[person.pk for person, _label in subjects])
        .values_list("pk", flat=True)
    )
    subjects = [(person, label) for person, label in subjects if person.pk in visible]
    # Someone with a section who has since left the household keeps it.
    subjects += [(s.person, s.relationship) for pk, s in before.items() if pk not in visible]
    shown_forms = []
    for index, (person, relationship) in enumerate(subjects):
        initial: dict[str, Any] = {"person_id": person.pk, "relationship": relationship}
        if person.pk in before:
            initial.update({name: getattr(before[person.pk], name) for name in SECTION_FIELDS})
        shown_forms.append(
            forms.SectionForm(
                data,
                prefix=f"m{index}",
                initial=initial,
                person_label=f"{person.display_name}（{relationship}）"
                if relationship
                else person.display_name,
            )
        )
    return shown_forms


@screen("GET", "POST")
def assessment_create(request: TsunaguRequest, case_id: int) -> HttpResponse:
    """A new assessment, or (?from=<id>) the next version of one, prefilled from it."""
    case = access_case(request.actor, case_id, for_write=True)
    previous = None
    source = request.GET.get("from") or request.POST.get("from")
    if source:
        previous = access_assessment(request.actor, source)
        if previous.case_id != case.pk:
            raise NotFound(_("見つかりません。"))
    initial: dict[str, Any] = {}
    if previous is not None and request.method != "POST":
        initial = {n: getattr(previous, n) for n in (*ASSESSMENT_FIELDS, "assessed_on")}
        initial["based_on"] = previous.revision
    form = forms.AssessmentForm(posted(request), initial=initial)
    sections = _section_forms(request, case, posted(request), previous)

    def save(data: dict[str, Any]) -> Assessment:
        day = data["assessed_on"]
        based_on = data["based_on"]
        if previous is not None and previous.assessed_on != day:
            based_on = 0  # another date: a first version there, or a conflict if it exists
        return services.assessment_save(
            actor=request.actor,
            case=case,
            assessed_on=day,
            based_on=based_on,
            data=data,
            sections=[s.cleaned_data for s in sections],
        )

    def unreadable(form: forms.AssessmentForm) -> None:
        if form.is_valid() and not all(s.is_valid() for s in sections):
            form.add_error(
                None, _("世帯員ごとの欄を読み取れませんでした。画面を開き直してください。")
            )

    return form_page(
        request,
        form,
        "plans/pages/assessment_form.html",
        save=save,
        done=lambda saved: redirect("plans:assessment_detail", assessment_id=saved.pk),
        context={"case": case, "sections": sections, "previous": previous},
        valid=lambda: all(s.is_valid() for s in sections),
        invalid=unreadable,
        success=_("アセスメントを保存しました。"),
    )


@screen("GET")
def assessment_detail(request: TsunaguRequest, assessment_id: int) -> HttpResponse:
    assessment = access_assessment(request.actor, assessment_id)
    case = assessment.case
    shown = list(selectors.assessment_sections_for(actor=request.actor, assessment=assessment))
    context = _of_case(
        request,
        case,
        assessment=assessment,
        sections=[(section, selectors.section_rows(section)) for section in shown],
        versions=selectors.assessment_versions(assessment),
        ecomap=selectors.ecomap(case=case, sections=shown),
    )
    return render(request, "plans/pages/assessment_detail.html", context)


# --- Support plan -----------------------------------------------------------------------------


@screen("GET")
def plan_list(request: TsunaguRequest, case_id: int) -> HttpResponse:
    case = access_case(request.actor, case_id)
    plans = list(selectors.plan_list(actor=request.actor, case=case))
    return render(request, "plans/pages/plan_list.html", _of_case(request, case, plans=plans))


@screen("GET", "POST")
def plan_create(request: TsunaguRequest, case_id: int) -> HttpResponse:
    """The first plan of a case.  Later versions start from the latest (plan_new_version)."""
    case = access_case(request.actor, case_id, for_write=True)
    actor = request.actor
    draft = selectors.plan_draft(actor=actor, case=case)
    if draft is not None:
        messages.info(request, _("作成中の計画案があります。その案を編集してください。"))
        return redirect("plans:plan_detail", plan_id=draft.pk)
    current = selectors.plan_current(actor=actor, case=case)
    if current is not None:
        return redirect("plans:plan_new_version", plan_id=current.pk)
    initial = _plan_initial_from_case(request, case) if request.method != "POST" else None
    return form_page(
        request,
        forms.PlanForm(posted(request), initial=initial),
        "plans/pages/plan_form.html",
        save=lambda data: services.plan_create(actor=actor, case=case, data=data),
        done=lambda plan: redirect("plans:plan_detail", plan_id=plan.pk),
        context={"case": case, "plan": None},
        success=_("計画案を作りました。続けてニーズと支援目標を追加してください。"),
    )


def _plan_initial_from_case(request: TsunaguRequest, case: Case) -> dict[str, Any]:
    """A first plan starts from the latest assessment's wishes and the formulation's policy."""
    today = timezone.localdate()
    initial: dict[str, Any] = {
        "period_start": today,
        "period_end": add_months(today, 12) - dt.timedelta(days=1),
    }
    actor = request.actor
    formulation = records_selectors.formulation_current(actor=actor, case=case)
    if formulation is not None:
        initial["overall_policy"] = formulation.support_policy
    latest = selectors.assessment_list(actor=actor, case=case).first()
    if latest is not None:
        first = selectors.assessment_sections(latest).first()
        if first is not None:
            initial["person_wishes"] = first.wishes
    return initial


@screen("GET")
def plan_detail(request: TsunaguRequest, plan_id: int) -> HttpResponse:
    plan = access_plan(request.actor, plan_id)
    case = plan.case
    actor = request.actor
    can_edit = actor.can_write and plan.is_draft and case.is_open
    items = list(selectors.plan_items(plan))
    # Issue 21 items 5 and 6: the services tried before deciding, and the moments the plan
    # builds on (the trials and moments apps share this floor).
    candidates = list(trial_selectors.plan_candidates(actor, plan))
    return render(
        request,
        "plans/pages/plan_detail.html",
        {
            "case": case,
            "plan": plan,
            "items": items,
            "candidates": candidates,
            "chosen_after_trial": trial_selectors.chosen_after_trial(candidates),
            "moments": moment_selectors.plan_moments(actor, plan),
            "ring": selectors.service_ring(plan, items),
            "weekly": selectors.weekly_entries(plan),
            "monitorings": selectors.plan_monitorings(plan),
            "changed": selectors.plan_diff(plan),
            "versions": selectors.plan_list(actor=actor, case=case),
            "can_edit": can_edit,
            "can_agree": can_edit and actor.organization_id == case.lead_organization_id,
            "can_revise": actor.can_write
            and plan.status == PlanStatus.AGREED
            and case.is_open
            and not selectors.plan_draft(actor=actor, case=case),
        },
    )


def _draft_for_write(request: TsunaguRequest, plan_id: int) -> SupportPlan:
    plan = access_plan(request.actor, plan_id, for_write=True)
    if not plan.is_draft:
        raise Forbidden(_("合意済みの計画は編集できません。新しい版を作ってください。"))
    return plan


def _item(plan: SupportPlan, item_id: object) -> PlanItem:
    """An item of the plan, else NotFound."""
    item = selectors.plan_item(plan, item_id)
    if item is None:
        raise NotFound(_("見つかりません。"))
    return item


@screen("GET", "POST")
def plan_edit(request: TsunaguRequest, plan_id: int) -> HttpResponse:
    plan = _draft_for_write(request, plan_id)
    initial = {name: getattr(plan, name) for name in PLAN_FIELDS}
    return form_page(
        request,
        forms.PlanForm(posted(request), initial={**initial, "lock_version": plan.lock_version}),
        "plans/pages/plan_form.html",
        save=lambda data: services.plan_update(
            actor=request.actor,
            plan=plan,
            lock_version=data["lock_version"] or 0,
            data=data,
        ),
        done=lambda saved: redirect("plans:plan_detail", plan_id=plan.pk),
        context={"case": plan.case, "plan": plan},
        success=_("計画案を保存しました。"),
    )


@screen("GET", "POST")
def plan_new_version(request: TsunaguRequest, plan_id: int) -> HttpResponse:
    plan = access_plan(request.actor, plan_id, for_write=True)
    return form_page(
        request,
        forms.NewVersionForm(posted(request)),
        "plans/pages/plan_new_version.html",
        save=lambda data: services.plan_new_version(actor=request.actor, plan=plan, **data),
        done=lambda new: redirect("plans:plan_detail", plan_id=new.pk),
        context={"case": plan.case, "plan": plan},
        success=lambda new: (
            _("第%(n)d版をもとに、第%(m)d版の案を作りました。")
            % {"n": plan.version, "m": new.version}
        ),
    )


@screen("GET", "POST")
def plan_item_edit(
    request: TsunaguRequest, plan_id: int, item_id: int | None = None
) -> HttpResponse:
    plan = _draft_for_write(request, plan_id)
    case = plan.case
    item = _item(plan, item_id) if item_id is not None else None
    context = {"case": case, "plan": plan, "item": item}
    if request.method == "POST" and "_search" in request.POST:
        # The resource search without JavaScript: the form again with the matches, keeping
        # what was typed (nothing is validated or saved yet).
        typed = forms.PlanItemForm(request.POST, case=case, plan=plan, item=item)
        kept = {
            name: field.widget.value_from_datadict(request.POST, request.FILES, name)
            for name, field in typed.fields.items()
        }
        form = _narrowed(plan, item, request.POST, initial=kept)
        return render(request, "plans/pages/plan_item_form.html", {**context, "form": form})
    initial = None
    if request.method != "POST":
        initial = (
            forms.PlanItemForm.initial_from(item) if item else {"priority": plan.items.count() + 1}
        )
    return form_page(
        request,
        forms.PlanItemForm(posted(request), initial=initial, case=case, plan=plan, item=item),
        "plans/pages/plan_item_form.html",
        save=lambda data: services.plan_item_save(
            actor=request.actor,
            plan=plan,
            item=item,
            data=data,
        ),
        done=lambda saved: redirect("plans:plan_detail", plan_id=plan.pk),
        context=context,
        success=_("計画の項目を保存しました。"),
    )


def _narrowed(
    plan: SupportPlan, item: PlanItem | None, data: Any, *, initial: dict[str, Any]
) -> forms.PlanItemForm:
    """The item form, its resource choices narrowed by what was typed: the item's kind, its
    service type, the words."""
    narrow = {
        "support_kind": str(data.get("support_kind", ""))[:20],
        "service_type": str(data.get("service_type", ""))[:40],
        "q": str(data.get("resource_q", ""))[:100],
    }
    return forms.PlanItemForm(initial=initial, case=plan.case, plan=plan, item=item, narrow=narrow)


@screen("GET")
def plan_item_resources(request: TsunaguRequest, plan_id: int) -> HttpResponse:
    """The resource choices of the plan item form for what was typed (htmx partial)."""
    plan = _draft_for_write(request, plan_id)
    item = _item(plan, request.GET["item"]) if request.GET.get("item") else None
    chosen = str(request.GET.get("resource", ""))[:20]
    form = _narrowed(plan, item, request.GET, initial={"resource": chosen})
    return render(request, "plans/partials/resource_choices.html", {"form": form})


@screen("POST")
def plan_item_delete(request: TsunaguRequest, plan_id: int, item_id: int) -> HttpResponse:
    plan = _draft_for_write(request, plan_id)
    item = _item(plan, item_id)
    return action(
        request,
        lambda: services.plan_item_delete(actor=request.actor, item=item),
        to=reverse("plans:plan_detail", kwargs={"plan_id": plan.pk}),
        success=_("計画の項目を削除しました。"),
    )


@screen("GET", "POST")
def plan_weekly(request: TsunaguRequest, plan_id: int) -> HttpResponse:
    plan = _draft_for_write(request, plan_id)
    return form_page(
        request,
        forms.WeeklyEntryForm(posted(request)),
        "plans/pages/plan_weekly.html",
        save=lambda data: services.weekly_entry_add(actor=request.actor, plan=plan, **data),
        done=lambda saved: redirect("plans:plan_weekly", plan_id=plan.pk),
        context=lambda: {"case": plan.case, "plan": plan, "weekly": selectors.weekly_entries(plan)},
        success=_("週間計画に追加しました。"),
    )


@screen("POST")
def plan_weekly_delete(request: TsunaguRequest, plan_id: int, entry_id: int) -> HttpResponse:
    plan = _draft_for_write(request, plan_id)
    return action(
        request,
        lambda: services.weekly_entry_delete(actor=request.actor, plan=plan, entry_id=entry_id),
        to=reverse("plans:plan_weekly", kwargs={"plan_id": plan.pk}),
        success=_("週間計画から削除しました。"),
    )


@screen("GET", "POST")
def plan_agree(request: TsunaguRequest, plan_id: int) -> HttpResponse:
    plan = _draft_for_write(request, plan_id)
    return form_page(
        request,
        forms.AgreeForm(posted(request)),
        "plans/pages/plan_agree.html",
        save=lambda data: services.plan_agree(actor=request.actor, plan=plan, **data),
        done=lambda saved: redirect("plans:plan_detail", plan_id=plan.pk),
        context=lambda: {"case": plan.case, "plan": plan, "items": selectors.plan_items(plan)},
        success=_("本人の同意を記録しました。モニタリングの予定と各機関のタスクを作りました。"),
    )


# --- Monitoring -------------------------------------------------------------------------------


@screen("GET")
def monitoring_detail(request: TsunaguRequest, monitoring_id: int) -> HttpResponse:
    monitoring = access_monitoring(request.actor, monitoring_id)
    actor = request.actor
    plan = monitoring.plan
    return render(
        request,
        "plans/pages/monitoring_detail.html",
        {
            "case": plan.case,
            "plan": plan,
            "monitoring": monitoring,
            "reports": selectors.monitoring_goal_reports(monitoring),
            "voices": monitoring_voices(monitoring),
            "can_report": actor.can_write
            and monitoring.status == MonitoringStatus.SCHEDULED
            and plan.case.is_open,
        },
    )


@screen("GET", "POST")
def monitoring_report(request: TsunaguRequest, monitoring_id: int) -> HttpResponse:
    monitoring = access_monitoring(request.actor, monitoring_id, for_write=True)
    plan = monitoring.plan
    if monitoring.status != MonitoringStatus.SCHEDULED:
        messages.info(request, _("このモニタリングはすでに記録されています。"))
        return redirect("plans:monitoring_detail", monitoring_id=monitoring.pk)
    items = list(selectors.plan_items(plan))
    form = forms.MonitoringForm(posted(request))
    goals = [
        forms.GoalReportForm(posted(request), prefix=f"g{item.pk}", item=item) for item in items
    ]

    def reported(result: tuple[Any, SupportPlan | None]) -> HttpResponse:
        new_plan = result[1]
        if new_plan is None:
            messages.success(request, _("モニタリングを記録しました。"))
            return redirect("plans:monitoring_detail", monitoring_id=monitoring.pk)
        messages.success(
            request,
            _("モニタリングを記録しました。計画の変更が必要なため、第%(n)d版の案を作りました。")
            % {"n": new_plan.version},
        )
        return redirect("plans:plan_detail", plan_id=new_plan.pk)

    return form_page(
        request,
        form,
        "plans/pages/monitoring_form.html",
        save=lambda data: services.monitoring_report(
            actor=request.actor,
            monitoring=monitoring,
            conducted_on=data["conducted_on"],
            data=data,
            goal_reports={g.item.pk: g.cleaned_data for g in goals},
        ),
        done=reported,
        context={"case": plan.case, "plan": plan, "monitoring": monitoring, "goals": goals},
        valid=lambda: all(g.is_valid() for g in goals),
    )


@screen("GET")
def monitoring_due_list(request: TsunaguRequest) -> HttpResponse:
    """Monitoring overdue or falling due soon: the worker's own cases or the organization's."""
    return list_page(
        request,
        rows=selectors.monitorings_due_listed(request.actor),
        filters=lists.MonitoringDueFilter,
        table=lists.MonitoringDueTable,
        template="plans/pages/monitoring_due_list.html",
        view="plans.monitoring_due_list",
        persons=lists.monitoring_persons,
        context={"due_soon_days": selectors.DUE_SOON_DAYS},
    )


# --- Contingency ------------------------------------------------------------------------------


@screen("GET", "POST")
def contingency_list(request: TsunaguRequest, case_id: int) -> HttpResponse:
    case = access_case(request.actor, case_id, for_write=request.method == "POST")
    actor = request.actor
    return form_page(
        request,
        forms.ContingencyForm(posted(request)),
        "plans/pages/contingency_list.html",
        save=lambda data: services.contingency_create(actor=actor, case=case, **data),
        done=lambda trigger: redirect("plans:contingency_action_add", trigger_id=trigger.pk),
        context=lambda: _of_case(
            request, case, triggers=selectors.contingency_list(actor=actor, case=case)
        ),
        success=_("Xデーの備えを追加しました。機関ごとの対応を取り決めてください。"),
    )


@screen("GET", "POST")
def contingency_action_add(request: TsunaguRequest, trigger_id: int) -> HttpResponse:
    trigger = access_contingency(request.actor, trigger_id, for_write=True)
    case = trigger.case
    return form_page(
        request,
        forms.ContingencyActionForm(posted(request), case=case),
        "plans/pages/contingency_action_form.html",
        save=lambda data: services.contingency_action_add(
            actor=request.actor, trigger=trigger, **data
        ),
        done=lambda saved: redirect("plans:contingency_list", case_id=case.pk),
        context={"case": case, "trigger": trigger},
        success=_("対応を取り決めました。"),
    )


@screen("GET", "POST")
def contingency_happened(request: TsunaguRequest, trigger_id: int) -> HttpResponse:
    trigger = access_contingency(request.actor, trigger_id, for_write=True)
    case = trigger.case
    return form_page(
        request,
        forms.HappenedForm(posted(request)),
        "plans/pages/contingency_happened.html",
        save=lambda data: services.contingency_happened(
            actor=request.actor, trigger=trigger, **data
        ),
        done=lambda saved: redirect("plans:contingency_list", case_id=case.pk),
        context=lambda: {"case": case, "trigger": trigger, "actions": trigger.actions.all()},
        success=lambda tasks: (
            _("Xデーの発生を記録し、%(n)d件のタスクを各機関に依頼しました。") % {"n": len(tasks)}
        ),
    )


# --- Tasks ------------------------------------------------------------------------------------


@screen("GET")
def task_list(request: TsunaguRequest) -> HttpResponse:
    return list_page(
        request,
        rows=selectors.tasks_listed(request.actor),
        filters=lists.TaskFilter,
        table=lists.TaskTable,
        template="plans/pages/task_list.html",
        view="plans.task_list",
        persons=lists.task_persons,
        context={
            "counts": selectors.task_counts(actor=request.actor),
            "status_choices": TASK_STATUSES,
        },
    )


@screen("GET")
def case_task_list(request: TsunaguRequest, case_id: int) -> HttpResponse:
    """The tasks of one case, every organization's (those of a case are seen with the case):
    from its plan, X-days, monitoring, meetings and the next contacts of its notes.  The read
    row names the case and its person, shown above the tasks."""
    case = access_case(request.actor, case_id, audit_read=False)
    return list_page(
        request,
        rows=selectors.tasks_listed(request.actor).filter(case=case),
        filters=lists.CaseTaskFilter,
        table=lists.CaseTaskTable,
        template="plans/pages/case_task_list.html",
        view="plans.case_tasks",
        persons=lambda rows: [],  # every row is the case's: its person is the header's
        header_persons=[case.person_id] if case.person_id else [],
        target=case,
        context={"case": case, "status_choices": TASK_STATUSES},
    )


@screen("POST")
def task_status(request: TsunaguRequest, task_id: int) -> HttpResponse:
    task = access_task(request.actor, task_id, for_write=True)
    form = forms.TaskStatusForm(request.POST)
    back = safe_next(request, request.POST.get("next"), "plans:task_list")
    if not form.is_valid():
        messages.error(request, _("状態を選んでください。"))
        return redirect(back)
    return action(
        request,
        lambda: services.task_set_status(actor=request.actor, task=task, **form.cleaned_data),
        to=back,
        success=lambda done: (
            _("タスク「%(title)s」を「%(status)s」にしました。")
            % {"title": task.display_title, "status": task.get_status_display()}
        ),
    )
