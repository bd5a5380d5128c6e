"""The task list and the list of monitorings falling due: filters and columns (core/lists.py
shows them).

Their scope (自分 / 所属機関) and the task status (未完了 by default) always narrow the rows,
also when the page is opened without a query string, so the filter sets are always bound.
"""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.cases.selectors import persons_shown
from tsunagu.core.lists import DayFilter, ListTable, TemplateColumn
from tsunagu.people import selectors as people_selectors
from tsunagu.plans import selectors
from tsunagu.plans.models import Monitoring, Task, TaskSource, TaskStatus

SCOPE_MINE, SCOPE_ORGANIZATION = "mine", "organization"
OVERDUE, DUE_SOON = "overdue", "soon"


class _AlwaysBound(django_filters.FilterSet):  # type: ignore[misc]  # django-filter is untyped
    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(data if data is not None else {}, *args, **kwargs)

    def given(self, name: str, default: str) -> str:
        return str(self.form.cleaned_data.get(name) or default)

    def narrowed_below(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset  # applied in filter_queryset, with its default

    def search_case(
        self, queryset: QuerySet[Any], value: str, *, case: str, also: Q
    ) -> QuerySet[Any]:
        """Rows of a case whose person (the person search's matching) or title is the text."""
        text = value.strip()
        if not text:
            return queryset
        persons = people_selectors.person_search(self.request.actor, query=text)
        found = (
            also
            | Q(**{f"{case}__person__in": persons.order_by().values("pk")})
            | Q(**{f"{case}__title__icontains": text})
        )
        return queryset.filter(found)


def _due_filters() -> tuple[django_filters.DateFilter, django_filters.DateFilter]:
    return (
        DayFilter(label=_("期限（から）"), field_name="due_on", lookup_expr="gte"),
        DayFilter(label=_("期限（まで）"), field_name="due_on", lookup_expr="lte"),
    )


def _due(queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
    today = timezone.localdate()
    if value == OVERDUE:
        return queryset.filter(due_on__lt=today)
    if value == DUE_SOON:
        return queryset.filter(due_on__gte=today)
    return queryset


# --- Tasks ------------------------------------------------------------------------------------


class TaskFilter(_AlwaysBound):
    q = django_filters.CharFilter(
        label=_("件名・内容・ケース・本人の名前"), method="search", max_length=100
    )
    scope = django_filters.ChoiceFilter(
        label=_("範囲"),
        choices=[(SCOPE_MINE, _("自分のタスク")), (SCOPE_ORGANIZATION, _("所属機関のタスク"))],
        empty_label=None,
        method="narrowed_below",
    )
    status = django_filters.ChoiceFilter(
        label=_("状態"),
        choices=[("open", _("未完了")), *TaskStatus.choices, ("all", _("すべて"))],
        empty_label=None,
        method="narrowed_below",
    )
    source = django_filters.ChoiceFilter(
        label=_("発生元"), choices=TaskSource.choices, empty_label=_("すべて")
    )
    due = django_filters.ChoiceFilter(
        label=_("期限"),
        choices=[(OVERDUE, _("期限超過")), (DUE_SOON, _("期限前"))],
        empty_label=_("すべて"),
        method="due_only",
    )
    due_from, due_to = _due_filters()
    unassigned = django_filters.BooleanFilter(
        label=_("担当者未定のタスクだけ"), method="unassigned_only", widget=forms.CheckboxInput
    )

    class Meta:
        model = Task
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet[Task]) -> QuerySet[Task]:
        actor = self.request.actor
        tasks = selectors.tasks_of_scope(actor, queryset, self.given("scope", SCOPE_MINE))
        tasks = selectors.tasks_in_status(tasks, self.given("status", "open"))
        filtered: QuerySet[Task] = super().filter_queryset(tasks)
        return filtered

    def search(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        text = value.strip()
        also = Q(title__icontains=text) | Q(description__icontains=text)
        return self.search_case(queryset, value, case="case", also=also)

    def due_only(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        return _due(queryset, value)

    def unassigned_only(
        self, queryset: QuerySet[Task], name: str, value: bool | None
    ) -> QuerySet[Task]:
        return queryset.filter(owner_worker__isnull=True) if value else queryset


class TaskTable(ListTable):
    due_on = TemplateColumn(
        template_name="plans/partials/task_due_cell.html",
        verbose_name=_("期限"),
        order_by=("due_on", "pk"),
    )
    title = TemplateColumn(
        template_name="plans/partials/task_title_cell.html", verbose_name=_("件名")
    )
    case = TemplateColumn(
        template_name="plans/partials/case_cell.html",
        verbose_name=_("ケース"),
        accessor="case_id",
        order_by=("case__title", "case_id"),
    )
    owner = TemplateColumn(
        template_name="plans/partials/task_owner_cell.html",
        verbose_name=_("担当"),
        accessor="pk",
        order_by=("owner_organization__name_kana", "owner_worker__full_name_kana"),
    )
    source = tables.Column(verbose_name=_("発生元"))
    status = TemplateColumn(
        template_name="plans/partials/task_status_cell.html", verbose_name=_("状態")
    )
    change = TemplateColumn(
        template_name="plans/partials/task_change_cell.html",
        verbose_name=_("状態を変える"),
        accessor="pk",
        orderable=False,
    )

    region_label = _("タスクの一覧")

    class Meta(ListTable.Meta):
        model = Task
        fields: list[str] = []
        empty_text = _("該当するタスクはありません。")
        sequence: tuple[str, ...] = (
            "due_on",
            "title",
            "case",
            "owner",
            "source",
            "status",
            "change",
        )
        row_attrs = {"id": lambda record: f"task-{record.pk}"}  # a row a link may point at


class CaseTaskFilter(_AlwaysBound):
    """The tasks of one case: by status only (未完了 by default)."""

    status = TaskFilter.base_filters["status"]

    class Meta:
        model = Task
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet[Task]) -> QuerySet[Task]:
        tasks = selectors.tasks_in_status(queryset, self.given("status", "open"))
        filtered: QuerySet[Task] = super().filter_queryset(tasks)
        return filtered


class CaseTaskTable(TaskTable):
    """The case's own tasks: no case column; the dates and states as text (the links of the
    task list lead to the organization's list, not this case's); a note's task links to the
    case's notes; the change form for those who may write."""

    due_on = TemplateColumn(
        template_name="plans/partials/case_task_due_cell.html",
        verbose_name=_("期限"),
        order_by=("due_on", "pk"),
    )
    source = TemplateColumn(
        template_name="plans/partials/case_task_source_cell.html", verbose_name=_("発生元")
    )
    status = TemplateColumn(
        template_name="plans/partials/case_task_status_cell.html", verbose_name=_("状態")
    )

    class Meta(TaskTable.Meta):
        exclude = ("case",)
        sequence: tuple[str, ...] = ("due_on", "title", "owner", "source", "status", "change")

    def before_render(self, request: Any) -> None:
        if not request.actor.can_write:
            self.columns.hide("change")


def case_persons(cases: list[Any]) -> list[int]:
    """Whose data the page showed: the person of each case, every member of its household."""
    present = [c for c in cases if c is not None]
    return persons_shown(
        person_ids=[c.person_id for c in present], household_ids=[c.household_id for c in present]
    )


def task_persons(rows: list[Task]) -> list[int]:
    return case_persons([t.case for t in rows])


# --- Monitorings falling due ------------------------------------------------------------------


class MonitoringDueFilter(_AlwaysBound):
    q = django_filters.CharFilter(label=_("ケース・本人の名前"), method="search", max_length=100)
    scope = django_filters.ChoiceFilter(
        label=_("範囲"),
        choices=[
            (SCOPE_ORGANIZATION, _("所属機関が主担当のケース")),
            (SCOPE_MINE, _("自分が主担当のケース")),
        ],
        empty_label=None,
        method="narrowed_below",
    )
    due = django_filters.ChoiceFilter(
        label=_("状態"),
        choices=[(OVERDUE, _("期限超過")), (DUE_SOON, _("予定"))],
        empty_label=_("すべて"),
        method="due_only",
    )
    due_from, due_to = _due_filters()

    class Meta:
        model = Monitoring
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet[Monitoring]) -> QuerySet[Monitoring]:
        scope = self.given("scope", SCOPE_ORGANIZATION)
        narrowed = selectors.monitorings_of_scope(self.request.actor, queryset, scope)
        filtered: QuerySet[Monitoring] = super().filter_queryset(narrowed)
        return filtered

    def search(self, queryset: QuerySet[Monitoring], name: str, value: str) -> QuerySet[Monitoring]:
        return self.search_case(queryset, value, case="plan__case", also=Q(pk__in=[]))

    def due_only(
        self, queryset: QuerySet[Monitoring], name: str, value: str
    ) -> QuerySet[Monitoring]:
        return _due(queryset, value)


class MonitoringDueTable(ListTable):
    due_on = TemplateColumn(
        "<a href=\"{% url 'plans:monitoring_detail' record.pk %}\">{{ value|day }}</a>",
        verbose_name=_("実施予定日"),
        order_by=("due_on", "pk"),
    )
    case = TemplateColumn(
        template_name="plans/partials/case_cell.html",
        verbose_name=_("ケース"),
        accessor="plan__case_id",
        order_by=("plan__case__title", "plan__case_id"),
    )
    subject = TemplateColumn(
        "{% include 'cases/partials/subject.html' with subject=record.plan.case %}",
        verbose_name=_("本人・世帯"),
        accessor="pk",
        order_by=("plan__case__person__family_name_kana", "plan__case__person__given_name_kana"),
    )
    plan = TemplateColumn(
        template_name="plans/partials/monitoring_plan_cell.html",
        verbose_name=_("計画"),
        accessor="plan_id",
        order_by=("plan__version",),
    )
    lead_worker = tables.Column(
        verbose_name=_("主担当者"),
        accessor="plan__case__lead_worker__full_name",
        order_by=("plan__case__lead_worker__full_name_kana",),
        default="—",
    )
    status = TemplateColumn(
        template_name="plans/partials/monitoring_status_cell.html",
        verbose_name=_("状態"),
        order_by=("due_on", "pk"),
    )

    region_label = _("モニタリングの予定の一覧")

    class Meta(ListTable.Meta):
        model = Monitoring
        fields: list[str] = []
        empty_text = _("近いモニタリングの予定はありません。")
        sequence = ("due_on", "case", "subject", "plan", "lead_worker", "status")


def monitoring_persons(rows: list[Monitoring]) -> list[int]:
    return case_persons([m.plan.case for m in rows])
