"""The case list's filters and columns (core/lists.py shows them)."""

from __future__ import annotations

from typing import Any, TypeVar

import django_filters
import django_tables2 as tables
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tsunagu.cases.models import (
    Case,
    CaseStatus,
    Channel,
    Consultation,
    ConsultationOutcome,
    Urgency,
)
from tsunagu.cases.selectors import persons_shown
from tsunagu.core.actor import Actor
from tsunagu.core.lists import IdFilter, ListTable, TemplateColumn
from tsunagu.people import selectors as people_selectors

M = TypeVar("M", Case, Consultation)


def _search_subject(
    queryset: QuerySet[M], actor: Actor, value: str, *, also: Q | None = None
) -> QuerySet[M]:
    """Rows about a person or household found by the person search's own matching
    (people.selectors.person_search: kana folded, names split, birth dates, phone digits), so
    that whatever it learns reaches these lists; a household's rows also by its name or one
    of its members."""
    text = value.strip()
    if not text:
        return queryset
    persons = people_selectors.person_search(actor, query=text).order_by().values("pk")
    households = people_selectors.household_search(actor, query=text).order_by().values("pk")
    found = (
        Q(person__in=persons)
        | Q(household__in=households)
        | Q(household__members__person__in=persons)
    )
    return queryset.filter(found | also if also is not None else found).distinct()


def _subject_filter() -> django_filters.CharFilter:
    return django_filters.CharFilter(
        label=_("本人・世帯の名前（漢字・かな）"),
        method="search",
        max_length=100,
        help_text=_("ひらがな・カタカナ・半角カナのどれでも探せます。"),
    )


class CaseFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter is untyped
    q = _subject_filter()
    status = django_filters.ChoiceFilter(
        label=_("状態"), choices=CaseStatus.choices, empty_label=_("すべて")
    )
    complex = django_filters.ChoiceFilter(
        label=_("支援困難ケース"),
        field_name="is_complex",
        choices=[("1", _("支援困難ケースのみ")), ("0", _("それ以外"))],
        empty_label=_("すべて"),
        method="complex_only",
    )
    mine = django_filters.BooleanFilter(
        label=_("自分が主担当のケースだけ"),
        method="mine_only",
        widget=forms.CheckboxInput,
    )
    person = IdFilter(field_name="person_id", label=pgettext_lazy("the person supported", "本人"))
    household = IdFilter(field_name="household_id", label=_("世帯"))
    lead_organization = IdFilter(field_name="lead_organization_id", label=_("主担当機関"))

    class Meta:
        model = Case
        fields: list[str] = []

    def search(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        also = Q(title__icontains=value.strip())
        return _search_subject(queryset, self.request.actor, value, also=also)

    def complex_only(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return queryset.filter(is_complex=value == "1") if value in ("0", "1") else queryset

    def mine_only(self, queryset: QuerySet[Case], name: str, value: bool | None) -> QuerySet[Case]:
        if not value:
            return queryset
        return queryset.filter(lead_worker=self.request.user)


class CaseTable(ListTable):
    case = TemplateColumn(
        template_name="cases/partials/case_cell.html",
        verbose_name=_("ケース"),
        accessor="pk",
        order_by=("title", "pk"),
    )
    subject = TemplateColumn(
        template_name="cases/partials/subject_cell.html",
        verbose_name=_("本人・世帯"),
        accessor="pk",
        order_by=("person__family_name_kana", "person__given_name_kana", "household__name"),
    )
    status = TemplateColumn(template_name="cases/partials/status_cell.html", verbose_name=_("状態"))
    lead_organization = tables.Column(
        verbose_name=_("主担当機関"), accessor="lead_organization__name"
    )
    lead_worker = tables.Column(
        verbose_name=_("主担当者"),
        accessor="lead_worker__full_name",
        order_by=("lead_worker__full_name_kana",),
        default="—",
    )
    opened_on = TemplateColumn("{{ value|wareki_short }}", verbose_name=_("開始日"))

    region_label = _("支援ケースの一覧")

    class Meta(ListTable.Meta):
        model = Case
        fields: list[str] = []
        empty_text = _("該当するケースはありません。")
        sequence = ("case", "subject", "status", "lead_organization", "lead_worker", "opened_on")


def subject_persons(rows: list[Any]) -> list[int]:
    """Whose data the page showed: the persons, and every member of the households."""
    return persons_shown(
        person_ids=[r.person_id for r in rows], household_ids=[r.household_id for r in rows]
    )


class ConsultationFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter is untyped
    q = _subject_filter()
    channel = django_filters.ChoiceFilter(
        label=_("相談方法"), choices=Channel.choices, empty_label=_("すべて")
    )
    urgency = django_filters.ChoiceFilter(
        label=_("緊急度"), choices=Urgency.choices, empty_label=_("すべて")
    )
    outcome = django_filters.ChoiceFilter(
        label=_("対応結果"), choices=ConsultationOutcome.choices, empty_label=_("すべて")
    )
    person = IdFilter(field_name="person_id", label=pgettext_lazy("the person supported", "本人"))
    household = IdFilter(field_name="household_id", label=_("世帯"))

    class Meta:
        model = Consultation
        fields: list[str] = []

    def search(
        self, queryset: QuerySet[Consultation], name: str, value: str
    ) -> QuerySet[Consultation]:
        return _search_subject(queryset, self.request.actor, value)


class ConsultationTable(ListTable):
    received_at = TemplateColumn(
        template_name="cases/partials/consultation_cell.html", verbose_name=_("受付日時")
    )
    subject = TemplateColumn(
        template_name="cases/partials/subject_cell.html",
        verbose_name=_("本人・世帯"),
        accessor="pk",
        order_by=("person__family_name_kana", "person__given_name_kana", "household__name"),
    )
    channel = tables.Column(verbose_name=_("相談方法"))
    consulter = tables.Column(verbose_name=_("相談者"))
    main_concern = TemplateColumn(
        "{{ value|truncatechars:40 }}", verbose_name=_("主訴"), orderable=False
    )
    urgency = TemplateColumn(
        template_name="cases/partials/urgency_cell.html", verbose_name=_("緊急度")
    )
    outcome = tables.Column(verbose_name=_("対応結果"))
    case = TemplateColumn(
        "{% if record.case_id %}<a href=\"{% url 'cases:case_detail' case_id=record.case_id %}\">"
        "#{{ record.case_id }}</a>{% else %}—{% endif %}",
        verbose_name=_("ケース"),
        accessor="case_id",
    )
    region_label = _("相談受付の一覧")

    class Meta(ListTable.Meta):
        model = Consultation
        fields: list[str] = []
        empty_text = _("相談の記録はまだありません。")
        sequence = (
            "received_at",
            "subject",
            "channel",
            "consulter",
            "main_concern",
            "urgency",
            "outcome",
            "case",
        )
