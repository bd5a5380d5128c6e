"""The person search's and the household list's filters and columns (core/lists.py shows
them)."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tsunagu.core.lists import ListTable, TemplateColumn
from tsunagu.organizations.models import Area
from tsunagu.people import protection, selectors
from tsunagu.people.models import Household, Person


class PersonFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter is untyped
    q = django_filters.CharFilter(
        label=_("氏名・フリガナ・生年月日・電話番号"),
        method="search",
        max_length=100,
        help_text=_("例: たなか、ﾀﾅｶ、田中花子、1980-04-01、昭和55年4月1日、090-1234"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    class Meta:
        model = Person
        fields: list[str] = []

    def search(self, queryset: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        # The search selector narrows to the persons the actor may see itself, computing that
        # set once for the query (ADR 0006), in place of the visible rows it is given.
        return selectors.person_search(self.request.actor, query=value)


class PersonTable(ListTable):
    name = TemplateColumn(
        "<a href=\"{% url 'people:person_detail' record.pk %}\">{{ record.display_name }}</a>",
        verbose_name=_("氏名"),
        order_by=("kana_normalized", "pk"),
    )
    kana = TemplateColumn(
        "{{ record.kana_name }}", verbose_name=_("フリガナ"), order_by=("kana_normalized", "pk")
    )
    birth_date = TemplateColumn(
        '{{ value|day|default:"—" }}', verbose_name=_("生年月日"), order_by=("birth_date", "pk")
    )
    age = TemplateColumn(
        "{% load i18n people_tags %}{% with a=record|age %}{% if a is not None %}"
        "{% blocktranslate %}{{ a }}歳{% endblocktranslate %}{% else %}—{% endif %}{% endwith %}",
        verbose_name=_("年齢"),
        orderable=False,
    )
    area = tables.Column(
        verbose_name=_("地域"),
        accessor="area__name",
        default="—",
        order_by=("area__sort_order", "area__code", "kana_normalized", "pk"),
    )

    region_label = _("検索結果")

    class Meta(ListTable.Meta):
        model = Person
        fields: list[str] = []
        empty_text = _("見つかりませんでした。表記を変えて探すか、新しく登録してください。")
        sequence = ("name", "kana", "birth_date", "age", "area")


def person_ids(rows: list[Any]) -> list[int]:
    """Whose data the page showed: the persons on it."""
    return [p.pk for p in rows]


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
    name = TemplateColumn(
        "<a href=\"{% url 'people:household_detail' record.pk %}\">{{ value }}</a>",
        verbose_name=_("世帯名"),
        order_by=("name", "pk"),
    )
    address = tables.Column(verbose_name=_("住所"), default="—")

    def render_address(self, record: Household, value: str) -> str:
        # One query for the page: whose address is a protected member's (people.protection).
        if not hasattr(self, "_hidden"):
            rows = self.page.object_list if getattr(self, "page", None) else [record]
            self._hidden = protection.protected_household_ids(
                getattr(r, "record", r).pk for r in rows
            )
        contact = protection.household_contact_of(record, protected=record.pk in self._hidden)
        return contact.label if contact.hidden else (contact.address or "—")

    area = TemplateColumn(
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
