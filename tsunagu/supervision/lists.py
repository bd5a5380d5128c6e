from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from tsunagu.core.lists import ListTable, TemplateColumn
from tsunagu.supervision.models import SupervisionSession


class SessionTable(ListTable):
    held_on = TemplateColumn(
        "{% load japanese_dates %}<a href=\"{% url 'supervision:session_detail' record.pk %}\">"
        "{{ record.held_on|day }}</a>",
        verbose_name=_("開催日"),
        order_by=("held_on", "pk"),
    )
    kind = tables.Column(verbose_name=_("種類"), accessor="get_kind_display", order_by="kind")
    organizer = tables.Column(
        verbose_name=_("開催機関"), accessor="organizer__name", orderable=False
    )
    supervisor = tables.Column(
        verbose_name=_("スーパーバイザー"), accessor="supervisor__full_name", orderable=False
    )
    item_count = tables.Column(
        verbose_name=_("提示事例"), attrs={"td": {"class": "num"}, "th": {"class": "num"}}
    )

    region_label = _("スーパービジョンの一覧")

    class Meta(ListTable.Meta):
        model = SupervisionSession
        fields: list[str] = []
        empty_text = _("条件に合うスーパービジョンはありません。")
        sequence = ("held_on", "kind", "organizer", "supervisor", "item_count")
