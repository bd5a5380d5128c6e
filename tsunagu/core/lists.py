"""The parts every list screen shares: filters in the query string (django-filter), sortable
columns and pages (django-tables2), in the house's table template.

A list declares a `FilterSet` (its filters, kept in the URL so that the page can be
bookmarked or saved as a search) and a `ListTable` (its columns, and which of them sort);
`listing` filters, sorts and pages the rows the actor may see.  A list of person data is shown
through `audit.lists.list_page`, which adds the read row naming the persons on the page.

Bad filter values never reach the query: the filter form shows its Japanese message and the
list is empty (the screen answers 400).  A sort key that is not a column is ignored, a page
number out of range shows the last page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import django_filters
import django_tables2 as tables
from django import forms
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_tables2.config import RequestConfig

from tsunagu.core.formrender import QUICK_RENDERER
from tsunagu.core.kana import fold, hiragana
from tsunagu.core.validators import MAX_ID, BoundedFormDateField

PAGE_SIZE = 30
SEARCH_FIELD = "q"  # the free-text filter of a list, if it has one
MAX_WORDS = 8  # of a list's free text: more words only make the query longer


class IdFilter(django_filters.NumberFilter):  # type: ignore[misc]  # django-filter is untyped
    """A row id in the query string (`?person=12`): a whole number a database key can hold,
    else the filter form's message (2**63 or "abc" never reaches the query)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(*args, **kwargs)


class DayFilter(django_filters.DateFilter):  # type: ignore[misc]  # django-filter is untyped
    """A date in the query string, read as every date field reads it (和暦 or 西暦, with the
    picker), else the filter form's message."""

    field_class = BoundedFormDateField


class ListTable(tables.Table):  # type: ignore[misc]  # django-tables2 is untyped
    """The house table: a caption with the count, headers that sort, pages that keep the
    filters (core/partials/table.html).  `region_label` names the scrolling region."""

    region_label: Any = ""

    class Meta:
        template_name = "core/partials/table.html"


@dataclass(frozen=True)
class Listing:
    filter: django_filters.FilterSet
    table: ListTable
    records: list[Any]  # the rows on this page
    valid: bool  # False: the filter form has errors, and nothing is listed

    def given(self) -> dict[str, Any]:
        """The filters as the user gave them (cleaned; a chosen row by its id), for the read
        row."""
        if not (self.valid and self.filter.is_bound):
            return {}
        return {
            k: v.pk if isinstance(v, Model) else v
            for k, v in self.filter.form.cleaned_data.items()
            if v not in (None, "")
        }

    def context(self, request: HttpRequest) -> dict[str, Any]:
        return {
            "filter": self.filter,
            "table": self.table,
            "rows": self.records,
            "query": query_without_page(request),
        }


def listing(
    request: HttpRequest,
    *,
    rows: QuerySet[Any],
    filters: type[django_filters.FilterSet],
    table: type[ListTable],
    per_page: int = PAGE_SIZE,
) -> Listing:
    """Filter, sort and page `rows` (already narrowed to what the actor may see)."""
    filterset = filters(request.GET or None, queryset=rows, request=request)
    # Django's widget templates in Python: a template per option was a quarter of a list's CPU.
    filterset.form.renderer = QUICK_RENDERER
    valid = not filterset.is_bound or filterset.is_valid()
    shown = table(filterset.qs if valid else rows.none(), order_by=request.GET.get("sort") or None)
    RequestConfig(request, paginate={"per_page": per_page}).configure(shown)
    # The page's rows, fetched once: the template reads the same (cached) queryset.
    records = list(shown.page.object_list.data)
    return Listing(filter=filterset, table=shown, records=records, valid=valid)


def query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def list_screen(
    request: HttpRequest,
    *,
    rows: QuerySet[Any],
    filters: type[django_filters.FilterSet],
    table: type[ListTable],
    template: str,
    context: dict[str, Any] | None = None,
    partial: str = "",
    per_page: int = PAGE_SIZE,
) -> HttpResponse:
    """A list screen of what is not person data (a list of person data goes through
    `audit.lists.list_page`, which records the read).  With htmx, `partial` (the results)."""
    shown = listing(request, rows=rows, filters=filters, table=table, per_page=per_page)
    chosen = partial if partial and request.headers.get("HX-Request") else template
    page = {**(context or {}), **shown.context(request)}
    return render(request, chosen, page, status=200 if shown.valid else 400)


def words_in(fields: tuple[str, ...], text: str) -> Q:
    """Every word of `text` in one of `fields`, as typed or folded (width, long vowels,
    variant kanji; katakana, and the same as hiragana for names whose reading was stored as
    typed in hiragana): ひだまり, ﾋﾀﾞﾏﾘ and ヒダマリ find each other."""
    condition = Q()
    for word in text.split()[:MAX_WORDS]:
        folded = fold(word)
        forms = {word, folded, hiragana(folded)}
        condition &= Q(
            *[(f"{field}__icontains", form) for field in fields for form in sorted(forms)],
            _connector=Q.OR,
        )
    return condition
