from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from tsunagu.core.lists import ListTable, TemplateColumn
from tsunagu.hearings.models import HearingRound


class RoundTable(ListTable):
    title = TemplateColumn(
        "<a href=\"{% url 'hearings:round_detail' record.pk %}\">{{ record.title }}</a>",
        verbose_name=_("名称"),
        order_by=("title", "pk"),
    )
    fiscal_year = TemplateColumn(
        "{% load japanese_dates %}{{ record.fiscal_year|nendo }}",
        verbose_name=_("年度"),
        order_by=("fiscal_year", "pk"),
    )
    holder = tables.Column(verbose_name=_("実施機関"), accessor="holder__name", orderable=False)
    hearing_count = tables.Column(
        verbose_name=_("ヒアリングの回数"), attrs={"td": {"class": "num"}, "th": {"class": "num"}}
    )

    region_label = _("ヒアリングの一覧")

    class Meta(ListTable.Meta):
        model = HearingRound
        fields: list[str] = []
        empty_text = _("条件に合うヒアリングはありません。")
        sequence = ("title", "fiscal_year", "holder", "hearing_count")
