"""The case list's filters and columns (core/lists.py shows them)."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tsunagu.cases.models import Case, CaseStatus
from tsunagu.cases.selectors import persons_shown
from tsunagu.core.lists import IdFilter, ListTable
from tsunagu.people import selectors as people_selectors


class CaseFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter is untyped
    q = django_filters.CharFilter(
        label=_("本人・世帯の名前（漢字・かな）"),
        method="search",
        max_length=100,
        help_text=_("ひらがな・カタカナ・半角カナのどれでも探せます。"),
    )
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
    person = IdFilter(field_name="person_id", label=_("本人"))
    household = IdFilter(field_name="household_id", label=_("世帯"))

    class Meta:
        model = Case
        fields: list[str] = []

    def search(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        """The person search's own matching (people.selectors.person_search: kana folded,
        names split, birth dates, phone digits), so that whatever it learns reaches this list;
        a household case matches by the household's name or one of its members."""
        text = value.strip()
        if not text:
            return queryset
        actor = self.request.actor
        persons = people_selectors.person_search(actor, query=text).order_by().values("pk")
        households = people_selectors.household_search(actor, query=text).order_by().values("pk")
        return queryset.filter(
            Q(person__in=persons)
            | Q(household__in=households)
            | Q(household__members__person__in=persons)
            | Q(title__icontains=text)
        ).distinct()

    def complex_only(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return queryset.filter(is_complex=value == "1") if value in ("0", "1") else queryset

    def mine_only(self, queryset: QuerySet[Case], name: str, value: bool | None) -> QuerySet[Case]:
        if not value:
            return queryset
        return queryset.filter(lead_worker=self.request.user)


class CaseTable(ListTable):
    case = tables.TemplateColumn(
        template_name="cases/partials/case_cell.html",
        verbose_name=_("ケース"),
        accessor="pk",
        order_by=("title", "pk"),
    )
    subject = tables.TemplateColumn(
        template_name="cases/partials/subject_cell.html",
        verbose_name=_("本人・世帯"),
        accessor="pk",
        order_by=("person__family_name_kana", "person__given_name_kana", "household__name"),
    )
    status = tables.TemplateColumn(
        template_name="cases/partials/status_cell.html", verbose_name=_("状態")
    )
    lead_organization = tables.Column(
        verbose_name=_("主担当機関"), accessor="lead_organization__name"
    )
    lead_worker = tables.Column(
        verbose_name=_("主担当者"),
        accessor="lead_worker__full_name",
        order_by=("lead_worker__full_name_kana",),
        default="—",
    )
    opened_on = tables.TemplateColumn("{{ value|wareki_short }}", verbose_name=_("開始日"))

    region_label = _("支援ケースの一覧")

    class Meta(ListTable.Meta):
        model = Case
        fields: list[str] = []
        empty_text = _("該当するケースはありません。")
        sequence = ("case", "subject", "status", "lead_organization", "lead_worker", "opened_on")


def case_persons(cases: list[Any]) -> list[int]:
    """Whose data the page showed: the persons, and every member of the households."""
    return persons_shown(
        person_ids=[c.person_id for c in cases], household_ids=[c.household_id for c in cases]
    )
