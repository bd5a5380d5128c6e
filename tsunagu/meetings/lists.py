"""The lists of meeting bodies and community issues: filters and columns (core/lists.py
shows them)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tsunagu.core.lists import ListTable, TemplateColumn, words_in
from tsunagu.meetings.models import (
    BodyKind,
    CommunityIssue,
    IssueStage,
    IssueTheme,
    Level,
    MeetingBody,
)
from tsunagu.organizations.models import Area


def _area_filter() -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        label=_("地域"), queryset=Area.objects.all(), empty_label=_("すべて")
    )


def _choice_link(field: str) -> str:
    """A choice shown as a link to the list narrowed to it."""
    return f'<a href="?{field}={{{{ record.{field} }}}}">{{{{ value }}}}</a>'


class BodyFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter is untyped
    q = django_filters.CharFilter(label=_("会議体の名称"), method="search", max_length=100)
    kind = django_filters.ChoiceFilter(
        label=_("種別"), choices=BodyKind.choices, empty_label=_("すべて")
    )
    level = django_filters.ChoiceFilter(
        label=_("層"), choices=Level.choices, empty_label=_("すべて")
    )
    area = _area_filter()

    class Meta:
        model = MeetingBody
        fields: list[str] = []

    def search(
        self, queryset: QuerySet[MeetingBody], name: str, value: str
    ) -> QuerySet[MeetingBody]:
        return queryset.filter(words_in(("name",), value)) if value.strip() else queryset


class BodyTable(ListTable):
    name = TemplateColumn(
        "<a href=\"{% url 'meetings:body_detail' record.pk %}\">{{ value }}</a>",
        verbose_name=_("名称"),
    )
    kind = TemplateColumn(_choice_link("kind"), verbose_name=_("種別"))
    level = TemplateColumn(_choice_link("level"), verbose_name=_("層"))
    parent = TemplateColumn(
        "{% if record.parent_id %}<a href=\"{% url 'meetings:body_detail' record.parent_id %}\">"
        "{{ record.parent.name }}</a>{% else %}—{% endif %}",
        verbose_name=_("上位の会議体"),
        order_by=("parent__name",),
    )
    area = tables.Column(verbose_name=_("地域"), accessor="area__name", default="—")
    frequency = TemplateColumn(
        '{% include "meetings/partials/frequency.html" with body=record %}',
        verbose_name=_("開催頻度"),
        accessor="pk",
        orderable=False,
    )
    secretariats = TemplateColumn(
        "{% for org in record.secretariats.all %}"
        "<a href=\"{% url 'organizations:detail' org.pk %}\">{{ org.short_name|default:org.name }}"
        "</a>{% if not forloop.last %}、{% endif %}{% endfor %}",
        verbose_name=_("事務局"),
        accessor="pk",
        orderable=False,
    )

    region_label = _("会議体の一覧")

    class Meta(ListTable.Meta):
        model = MeetingBody
        fields: list[str] = []
        empty_text = _("見られる会議体はありません。")
        sequence = ("name", "kind", "level", "parent", "area", "frequency", "secretariats")


class IssueFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter is untyped
    q = django_filters.CharFilter(label=_("地域課題・内容"), method="search", max_length=100)
    stage = django_filters.ChoiceFilter(
        label=_("段階"), choices=IssueStage.choices, empty_label=_("すべて")
    )
    theme = django_filters.ChoiceFilter(
        label=_("テーマ"), choices=IssueTheme.choices, empty_label=_("すべて")
    )
    area = _area_filter()

    class Meta:
        model = CommunityIssue
        fields: list[str] = []

    def search(
        self, queryset: QuerySet[CommunityIssue], name: str, value: str
    ) -> QuerySet[CommunityIssue]:
        fields = ("title", "description")
        return queryset.filter(words_in(fields, value)) if value.strip() else queryset


class IssueTable(ListTable):
    title = TemplateColumn(
        "<a href=\"{% url 'meetings:issue_detail' record.pk %}\">{{ value }}</a>",
        verbose_name=_("地域課題"),
    )
    theme = TemplateColumn(_choice_link("theme"), verbose_name=_("テーマ"))
    area = tables.Column(verbose_name=_("地域"), accessor="area__name", default="—")
    stage = TemplateColumn(_choice_link("stage"), verbose_name=_("段階"))
    raised_by_organization = TemplateColumn(
        "<a href=\"{% url 'organizations:detail' record.raised_by_organization_id %}\">"
        "{{ record.raised_by_organization.name }}</a>",
        verbose_name=_("提起した機関"),
        order_by=("raised_by_organization__name_kana", "raised_by_organization__name"),
    )
    raised_on = TemplateColumn("{{ value|day }}", verbose_name=_("提起日"))

    region_label = _("地域課題の一覧")

    class Meta(ListTable.Meta):
        model = CommunityIssue
        fields: list[str] = []
        empty_text = _("該当する地域課題はありません。")
        sequence = ("title", "theme", "area", "stage", "raised_by_organization", "raised_on")
