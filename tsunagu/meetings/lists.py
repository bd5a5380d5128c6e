"""The lists of meeting bodies and community issues: filters and columns (core/lists.py
shows them); the columns of the resource development export."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.core.dates import wareki
from tsunagu.core.lists import ListTable, TemplateColumn, words_in
from tsunagu.meetings.models import (
    BodyKind,
    CommunityIssue,
    IssueStage,
    IssueTheme,
    Level,
    MeetingBody,
    ResourceDevelopment,
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


def _meeting_cell(d: ResourceDevelopment) -> str:
    if d.meeting is None:
        return ""
    if not getattr(d, "meeting_visible", False):
        return str(_("（閲覧できない会議）"))
    return f"{wareki(timezone.localtime(d.meeting.starts_at).date())} {d.meeting.body.name}"


# The resource development export (CSV): each column's header and cell, side by side.
DEVELOPMENT_COLUMNS: tuple[tuple[Any, Callable[[ResourceDevelopment], object]], ...] = (
    (_("実現した日"), lambda d: d.occurred_on.isoformat()),
    (_("実現した日（和暦）"), lambda d: wareki(d.occurred_on)),
    (_("種類"), lambda d: d.get_kind_display()),
    (_("変わったこと"), lambda d: d.title),
    (_("詳しい内容"), lambda d: d.description),
    (_("誰のために"), lambda d: d.beneficiaries),
    (_("関係する社会資源"), lambda d: d.resource.name if d.resource else ""),
    (_("地域"), lambda d: d.area.name if d.area else ""),
    (_("きっかけ"), lambda d: d.source_note),
    (_("もとの地域課題"), lambda d: d.community_issue.title if d.community_issue else ""),
    (_("きっかけの会議（日付・会議体）"), _meeting_cell),
    (_("記録者の所属"), lambda d: d.recorded_by_organization.name),
)
