from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from tsunagu.core.lists import ListTable, TemplateColumn
from tsunagu.trainings.models import TrainingEvent


class EventTable(ListTable):
    held_on = TemplateColumn(
        "{% load japanese_dates %}{{ record.held_on|day }} {{ record.starts_at|time:'H:i' }}",
        verbose_name=_("開催日"),
        order_by=("held_on", "starts_at"),
    )
    theme = TemplateColumn(
        "<a href=\"{% url 'trainings:event_detail' record.pk %}\">{{ record.theme }}</a>",
        verbose_name=_("テーマ"),
    )
    kind = tables.Column(verbose_name=_("形式"), accessor="get_kind_display", order_by="kind")
    format = tables.Column(
        verbose_name=_("開催方法"), accessor="get_format_display", order_by="format"
    )
    capacity = tables.Column(
        verbose_name=_("定員"), attrs={"td": {"class": "num"}, "th": {"class": "num"}}
    )
    status = tables.Column(verbose_name=_("状態"), accessor="get_status_display", order_by="status")

    region_label = _("研修の一覧")

    class Meta(ListTable.Meta):
        model = TrainingEvent
        fields: list[str] = []
        empty_text = _("条件に合う研修はありません。")
        sequence = ("held_on", "theme", "kind", "format", "capacity", "status")
