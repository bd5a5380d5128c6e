"""The household list's filters and columns (core/lists.py shows them)."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tsunagu.core.lists import ListTable
from tsunagu.organizations.models import Area
from tsunagu.people import selectors
from tsunagu.people.models import Household


class HouseholdFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter is untyped
    q = django_filters.CharFilter(
        label=_("世帯名・住所・世帯員の名前"),
        method="search",
        max_length=100,
        help_text=_("例: 山田さん世帯、本町、やまだ。かなはひらがな・カタカナのどちらでも。"),
    )
    area = django_filters.ModelChoiceFilter(
        label=_("地域"), queryset=Area.objects.all(), empty_label=_("すべて")
    )

    class Meta:
        model = Household
        fields: list[str] = []

    def search(self, queryset: QuerySet[Household], name: str, value: str) -> QuerySet[Household]:
        return selectors.households_matching(self.request.actor, queryset, value)


class HouseholdTable(ListTable):
    name = tables.TemplateColumn(
        "<a href=\"{% url 'people:household_detail' record.pk %}\">{{ value }}</a>",
        verbose_name=_("世帯名"),
        order_by=("name", "pk"),
    )
    address = tables.Column(verbose_name=_("住所"), default="—")
    area = tables.TemplateColumn(
        '{% if record.area_id %}<a href="?area={{ record.area_id }}">{{ record.area.name }}</a>'
        "{% else %}—{% endif %}",
        verbose_name=_("地域"),
        order_by=("area__sort_order", "area__code", "name"),
    )

    region_label = _("世帯の一覧")

    class Meta(ListTable.Meta):
        model = Household
        fields: list[str] = []
        empty_text = _("該当する世帯はありません。表記を変えて探してください。")
        sequence = ("name", "address", "area")


def household_persons(rows: list[Any]) -> list[int]:
    """Whose data the page showed: every member of the households on it."""
    return selectors.household_member_ids(household_ids=[h.pk for h in rows])
