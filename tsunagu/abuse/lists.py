from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from tsunagu.abuse.models import AbuseReport
from tsunagu.core.lists import ListTable, TemplateColumn


class ReportTable(ListTable):
    received_at = TemplateColumn(
        "<a href=\"{% url 'abuse:report_detail' record.pk %}\">"
        '{{ record.received_at|date:"Y-m-d H:i" }}</a>',
        verbose_name=_("受付日時"),
        order_by=("received_at", "pk"),
    )
    victim_label = tables.Column(verbose_name=_("本人"), orderable=False)
    abuser_type = tables.Column(
        verbose_name=_("虐待者の種別"), accessor="get_abuser_type_display", order_by="abuser_type"
    )
    status = tables.Column(verbose_name=_("状態"), accessor="get_status_display", order_by="status")
    fact_finding_due = tables.DateTimeColumn(
        verbose_name=_("事実確認の期限"), format="Y-m-d H:i", order_by=("fact_finding_due", "pk")
    )

    region_label = _("虐待の通報・届出の一覧")

    class Meta(ListTable.Meta):
        model = AbuseReport
        fields: list[str] = []
        empty_text = _("条件に合う通報・届出はありません。")
        sequence = ("received_at", "victim_label", "abuser_type", "status", "fact_finding_due")
