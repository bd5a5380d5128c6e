"""The organization list's filters and columns (core/lists.py shows them)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tsunagu.core.lists import ListTable, TemplateColumn
from tsunagu.organizations import selectors
from tsunagu.organizations.models import (
    Area,
    Organization,
    OrganizationKind,
    normalize_office_number,
)


class OrganizationFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter is untyped
    q = django_filters.CharFilter(
        label=_("名称・ふりがな"),
        method="search",
        max_length=100,
        help_text=_("ひらがな・カタカナ・半角カナのどれでも探せます。"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("種別"), choices=OrganizationKind.choices, empty_label=_("すべて")
    )
    area = django_filters.ModelChoiceFilter(
        label=_("地域"), queryset=Area.objects.all(), empty_label=_("すべて"), method="served"
    )

    class Meta:
        model = Organization
        fields: list[str] = []

    def search(
        self, queryset: QuerySet[Organization], name: str, value: str
    ) -> QuerySet[Organization]:
        return selectors.named(queryset, value) if value.strip() else queryset

    def served(
        self, queryset: QuerySet[Organization], name: str, value: Area | None
    ) -> QuerySet[Organization]:
        return selectors.serving(queryset, value) if value is not None else queryset


class OrganizationTable(ListTable):
    name = TemplateColumn(
        template_name="organizations/partials/name_cell.html",
        verbose_name=_("名称"),
        order_by=("name_kana", "name"),
    )
    kind = TemplateColumn(
        '<a href="?kind={{ record.kind }}">{{ value }}</a>', verbose_name=_("種別")
    )
    phone = tables.Column(verbose_name=_("電話番号"), default="—")
    member_count = TemplateColumn(
        template_name="organizations/partials/member_count_cell.html",
        verbose_name=_("職員数"),
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )

    region_label = _("関係機関の一覧")

    class Meta(ListTable.Meta):
        model = Organization
        fields: list[str] = []
        empty_text = _("条件に合う機関はありません。")
        sequence = ("name", "kind", "phone", "member_count")


class ManagedOrganizationFilter(OrganizationFilter):
    """The managers' list (ADR 0014): closed organizations too, and the office number."""

    status = django_filters.ChoiceFilter(
        label=_("状態"),
        choices=[("active", _("有効")), ("closed", _("廃止"))],
        empty_label=_("すべて"),
        method="by_status",
    )

    class Meta:
        model = Organization
        fields: list[str] = []

    def search(
        self, queryset: QuerySet[Organization], name: str, value: str
    ) -> QuerySet[Organization]:
        if not value.strip():
            return queryset
        number = normalize_office_number(value)
        if number.isdigit():
            return queryset.filter(office_number__startswith=number)
        return selectors.named(queryset, value)

    def by_status(
        self, queryset: QuerySet[Organization], name: str, value: str
    ) -> QuerySet[Organization]:
        if value == "active":
            return queryset.filter(is_active=True)
        if value == "closed":
            return queryset.filter(is_active=False)
        return queryset


class ManagedOrganizationTable(ListTable):
    name = TemplateColumn(
        "<a href=\"{% url 'organizations:manage_detail' record.pk %}\">{{ record.name }}</a>"
        '{% if not record.is_active %} <span class="badge">{{ closed_label }}</span>{% endif %}',
        extra_context={"closed_label": _("廃止")},
        verbose_name=_("名称"),
        order_by=("name_kana", "name"),
    )
    kind = tables.Column(verbose_name=_("種別"))
    office_number = tables.Column(verbose_name=_("事業所番号"), default="—")
    member_count = tables.Column(
        verbose_name=_("職員数"), attrs={"td": {"class": "num"}, "th": {"class": "num"}}
    )

    region_label = _("管理する機関の一覧")

    class Meta(ListTable.Meta):
        model = Organization
        fields: list[str] = []
        empty_text = _("条件に合う機関はありません。")
        sequence = ("name", "kind", "office_number", "member_count")
