from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from tsunagu.core.lists import ListTable, TemplateColumn
from tsunagu.surveys.models import Survey


class SurveyTable(ListTable):
    title = TemplateColumn(
        "<a href=\"{% url 'surveys:survey_detail' record.pk %}\">{{ record.title }}</a>",
        verbose_name=_("調査名"),
        order_by=("title", "pk"),
    )
    fiscal_year = TemplateColumn(
        "{% load japanese_dates %}{{ record.fiscal_year|nendo }}",
        verbose_name=_("年度"),
        order_by=("fiscal_year", "pk"),
    )
    sender = tables.Column(verbose_name=_("実施機関"), accessor="sender__name", orderable=False)
    deadline = TemplateColumn(
        "{% load japanese_dates %}{{ record.deadline|day }}",
        verbose_name=_("回答期限"),
        order_by=("deadline", "pk"),
    )
    status = tables.Column(verbose_name=_("状態"), accessor="get_status_display", order_by="status")
    submitted = TemplateColumn(
        "{{ record.submitted_count }} / {{ record.recipient_count }}",
        verbose_name=_("提出"),
        orderable=False,
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )

    region_label = _("調査の一覧")

    class Meta(ListTable.Meta):
        model = Survey
        fields: list[str] = []
        empty_text = _("条件に合う調査はありません。")
        sequence = ("title", "fiscal_year", "sender", "deadline", "status", "submitted")
