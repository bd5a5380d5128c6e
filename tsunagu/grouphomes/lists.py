from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from tsunagu.core.lists import ListTable, TemplateColumn
from tsunagu.grouphomes.models import GroupHome, GroupHomeEvaluation

HOME_LINK = (
    "<a href=\"{% url 'grouphomes:evaluation_detail' record.pk %}\">"
    "{{ record.home.organization.name }}</a>"
)


class EvaluationTable(ListTable):
    home = TemplateColumn(
        HOME_LINK, verbose_name=_("事業所"), order_by=("home__organization__name_kana", "pk")
    )
    fiscal_year = TemplateColumn(
        "{% load japanese_dates %}{{ record.fiscal_year|nendo }}",
        verbose_name=_("年度"),
        order_by=("fiscal_year", "pk"),
    )
    path = tables.Column(verbose_name=_("評価の方法"), accessor="get_path_display", order_by="path")
    step = tables.Column(verbose_name=_("段階"), accessor="get_step_display", order_by="step")
    report_due_on = TemplateColumn(
        "{% load japanese_dates %}{% if record.report_due_on %}{{ record.report_due_on|day }}"
        "{% else %}—{% endif %}",
        verbose_name=_("報告書の期限"),
        order_by=("report_due_on", "pk"),
    )

    region_label = _("評価の一覧")

    class Meta(ListTable.Meta):
        model = GroupHomeEvaluation
        fields: list[str] = []
        empty_text = _("条件に合う評価はありません。")
        sequence = ("home", "fiscal_year", "path", "step", "report_due_on")


class OverdueTable(EvaluationTable):
    region_label = _("期限を過ぎた報告書")

    class Meta(EvaluationTable.Meta):
        empty_text = _("期限を過ぎた報告書はありません。")


class HomeTable(ListTable):
    name = TemplateColumn(
        "{{ record.organization.name }}",
        verbose_name=_("事業所"),
        order_by=("organization__name_kana", "pk"),
    )
    opened_on = TemplateColumn(
        "{% load japanese_dates %}{{ record.opened_on|day }}",
        verbose_name=_("開所日"),
        order_by=("opened_on", "pk"),
    )
    capacity = tables.Column(
        verbose_name=_("定員"), attrs={"td": {"class": "num"}, "th": {"class": "num"}}
    )
    units = tables.Column(
        verbose_name=_("共同生活住居"), attrs={"td": {"class": "num"}, "th": {"class": "num"}}
    )
    edit = TemplateColumn(
        "{% load i18n %}{% if may_manage %}<a href=\"{% url 'grouphomes:home_edit' record.pk %}\">"
        "{% translate '変更' %}</a>{% endif %}",
        verbose_name="",
        orderable=False,
    )

    region_label = _("グループホームの一覧")

    class Meta(ListTable.Meta):
        model = GroupHome
        fields: list[str] = []
        empty_text = _("登録されたグループホームはありません。")
        sequence = ("name", "opened_on", "capacity", "units", "edit")
