"""The staff lists of the directory: resources (the resident's search as filters, plus
formal/informal and the provider) and providers (core/lists.py shows them)."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tsunagu.core.lists import IdFilter, ListTable, TemplateColumn, words_in
from tsunagu.directory import rules, selectors
from tsunagu.directory.forms import AreaChoiceField, TermChoiceField
from tsunagu.directory.models import Provider, SocialResource, Taxonomy

KINDS = {"formal": False, "informal": True}


class TermFilter(django_filters.ModelChoiceFilter):  # type: ignore[misc]  # django-filter is untyped
    field_class = TermChoiceField


class AreaFilter(django_filters.ModelChoiceFilter):  # type: ignore[misc]  # django-filter is untyped
    field_class = AreaChoiceField


def _kept(queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
    return queryset  # applied together in `ResourceFilter.filter_queryset`


class ResourceFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter is untyped
    q = django_filters.CharFilter(
        label=_("キーワード"),
        method=_kept,
        max_length=100,
        help_text=_("名称・地名・サービスの種類など。ひらがなでも探せます。"),
    )
    service_type = TermFilter(
        label=_("サービスの種類"),
        queryset=selectors.terms(Taxonomy.SERVICE_TYPE),
        empty_label=_("すべて"),
        method=_kept,
    )
    specialty = TermFilter(
        label=_("専門・対応"),
        queryset=selectors.terms(Taxonomy.SPECIALTY),
        empty_label=_("すべて"),
        method=_kept,
    )
    area = AreaFilter(
        label=_("地域"),
        queryset=selectors.public_areas(),
        empty_label=_("市内すべて"),
        method=_kept,
    )
    kind = django_filters.ChoiceFilter(
        label=_("フォーマル・インフォーマル"),
        choices=[("formal", _("障害福祉サービス等")), ("informal", _("インフォーマルな資源"))],
        empty_label=_("すべて"),
        method=_kept,
    )
    accepts_visits = django_filters.BooleanFilter(
        label=_("見学・体験ができる"), widget=forms.CheckboxInput, method=_kept
    )
    has_vacancy = django_filters.BooleanFilter(
        label=_("空きがある"), widget=forms.CheckboxInput, method=_kept
    )
    provider = IdFilter(field_name="provider_id", label=_("提供者"))

    class Meta:
        model = SocialResource
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet[SocialResource]) -> QuerySet[SocialResource]:
        data = self.form.cleaned_data
        chosen = selectors.ResourceFilters(
            q=data.get("q") or "",
            service_type=data.get("service_type"),
            specialty=data.get("specialty"),
            area=data.get("area"),
            accepts_visits=bool(data.get("accepts_visits")),
            has_vacancy=bool(data.get("has_vacancy")),
            informal=KINDS.get(data.get("kind") or ""),
        )
        resources = selectors.filter_resources(queryset, chosen)
        if data.get("provider"):
            resources = resources.filter(provider_id=data["provider"])
        return resources


class ResourceTable(ListTable):
    name = TemplateColumn(
        template_name="directory/partials/resource_name_cell.html",
        verbose_name=_("名称"),
        order_by=("name_kana", "name"),
    )
    service_type = TemplateColumn(
        '<a href="?service_type={{ record.service_type_id }}">{{ record.service_type.name }}</a>',
        verbose_name=_("種類"),
        order_by=("service_type__sort_order", "service_type__code"),
    )
    provider = TemplateColumn(
        '<a href="?provider={{ record.provider_id }}">{{ record.provider.name }}</a>',
        verbose_name=_("提供者"),
        order_by=("provider__name_kana", "provider__name"),
    )
    area = TemplateColumn(
        "{% for location in record.locations.all %}{% if location.area %}"
        "{{ location.area.name }}{% endif %}{% if not forloop.last %}、{% endif %}"
        "{% endfor %}",
        verbose_name=_("地域"),
        accessor="pk",
        orderable=False,
    )
    vacancies = TemplateColumn(
        "{% if record.vacancies is not None %}"
        '{% include "directory/partials/vacancy.html" with resource=record %}'
        "{% else %}—{% endif %}",
        verbose_name=_("空き"),
    )
    visits = TemplateColumn(
        template_name="directory/partials/visits_cell.html",
        verbose_name=_("見学・体験"),
        accessor="pk",
        orderable=False,
    )
    is_published = TemplateColumn(
        template_name="directory/partials/published_cell.html", verbose_name=_("公開")
    )

    region_label = _("社会資源の一覧")

    class Meta(ListTable.Meta):
        model = SocialResource
        fields: list[str] = []
        empty_text = _("該当する社会資源はありません。")
        sequence = (
            "name",
            "service_type",
            "provider",
            "area",
            "vacancies",
            "visits",
            "is_published",
        )


class ProviderFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter is untyped
    q = django_filters.CharFilter(
        label=_("名称・ふりがな"),
        method="search",
        max_length=100,
        help_text=_("ひらがな・カタカナ・半角カナのどれでも探せます。"),
    )
    member = django_filters.ChoiceFilter(
        label=_("つなぐの組織"),
        choices=[("1", _("つなぐに参加している組織")), ("0", _("ディレクトリのみ"))],
        empty_label=_("すべて"),
        method="member_only",
    )

    class Meta:
        model = Provider
        fields: list[str] = []

    def search(self, queryset: QuerySet[Provider], name: str, value: str) -> QuerySet[Provider]:
        return queryset.filter(words_in(("name", "name_kana"), value)) if value else queryset

    def member_only(
        self, queryset: QuerySet[Provider], name: str, value: str
    ) -> QuerySet[Provider]:
        if value not in ("0", "1"):
            return queryset
        return queryset.filter(organization__isnull=value == "0")


class ProviderTable(ListTable):
    name = tables.Column(verbose_name=_("名称"), order_by=("name_kana", "name"))
    organization = TemplateColumn(
        "{% load i18n %}{% if record.organization %}"
        "<a href=\"{% url 'organizations:detail' record.organization_id %}\">"
        "{{ record.organization.name }}</a>"
        "{% else %}{% translate 'なし（インフォーマル・ディレクトリのみ）' %}{% endif %}",
        verbose_name=_("つなぐの組織"),
        order_by=("organization__name_kana", "organization__name"),
    )
    phone = tables.Column(verbose_name=_("代表電話"), default="—")
    resource_count = TemplateColumn(
        template_name="directory/partials/resource_count_cell.html",
        verbose_name=_("社会資源"),
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )
    edit = tables.Column(verbose_name=_("操作"), accessor="pk", orderable=False)

    region_label = _("提供者の一覧")

    class Meta(ListTable.Meta):
        model = Provider
        fields: list[str] = []
        empty_text = _("提供者はまだありません。")
        sequence = ("name", "organization", "phone", "resource_count", "edit")

    def render_edit(self, record: Provider) -> str:
        if not rules.can_edit_provider(self.request.actor, record):
            return "—"
        return format_html(
            '<a href="{}">{}<span class="visually-hidden">: {}</span></a>',
            reverse("directory:provider_edit", args=[record.pk]),
            _("編集"),
            record.name,
        )
