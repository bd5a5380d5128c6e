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

import functools
import inspect
import types
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import django_filters
import django_tables2 as tables
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import RequestContext, Template
from django.template.loader import get_template
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.columns.manytomanycolumn import ManyToManyColumn
from django_tables2.config import RequestConfig
from django_tables2.rows import BoundRow
from django_tables2.utils import A
from django_tables2.utils import signature as tables2_signature

from tsunagu.core.formrender import QUICK_RENDERER
from tsunagu.core.kana import fold, hiragana
from tsunagu.core.paging import count_of, counted
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


class TemplateColumn(tables.TemplateColumn):  # type: ignore[misc]  # django-tables2 is untyped
    """django-tables2's template column, rendered as an `{% include %}` in the page would be.

    django-tables2 compiles a column's `template_code` anew for every cell, and renders a
    `template_name` with the page's context copied into a new one, through every context
    processor again, for every cell: on the consultation list that was a third of the page's
    CPU.  Here the code is compiled once per process and a named template is rendered in the
    page's own context, which already holds what the processors give.  A table rendered
    outside a page of this request is left to django-tables2."""

    def render(self, record: Any, table: Any, value: Any, bound_column: Any, **kwargs: Any) -> Any:
        page = getattr(table, "context", None)
        request = getattr(table, "request", None)
        if not (
            isinstance(page, RequestContext) and request is not None and page.request is request
        ):
            return super().render(record, table, value, bound_column, **kwargs)
        cell = self.get_context_data(
            record=record, table=table, value=value, bound_column=bound_column, **kwargs
        )
        with page.update(cell):
            if self.template_code:
                page["request"] = request
                return _compiled(self.template_code).render(page)
            named: Any = get_template(self.template_name)  # the backend's wrapper of a Template
            return named.template.render(page)


@functools.cache
def _compiled(code: str) -> Template:
    """A column's template code, compiled by the default engine as `Template(code)` does."""
    return Template(code)


class _Row(BoundRow):  # type: ignore[misc]  # django-tables2 is untyped
    """A row of a list's page, its cells as django-tables2 renders them, minus two costs per cell
    that are the same for every row: which arguments a render method takes (tables2 asks
    `inspect.signature` for every cell), and the label of a stored choice (Django builds the
    field's whole choice dict, translating every label, for every `get_FOO_display()`)."""

    def _call_render(self, bound_column: Any, value: Any = None) -> Any:
        render_kwargs = self._optional_cell_arguments(bound_column, value)
        content = _call_with_appropriate(bound_column.render, render_kwargs)
        return bound_column.link(content, **render_kwargs) if bound_column.link else content

    def _get_and_render_with(self, bound_column: Any, render_func: Any, default: Any) -> Any:
        # BoundRow._get_and_render_with (django-tables2 3.0), with the choice label cached.
        value: Any = None
        accessor = A(bound_column.accessor)
        column = bound_column.column
        penultimate, remainder = accessor.penultimate(self.record)
        if isinstance(penultimate, Model):
            try:
                field = accessor.get_field(self.record)
                display_fn = getattr(penultimate, f"get_{remainder}_display", None)
                if getattr(field, "choices", ()) and display_fn:
                    value = _choice_label(penultimate, field, remainder, display_fn)
                    remainder = None
            except FieldDoesNotExist:
                pass
        if remainder:
            try:
                value = accessor.resolve(self.record)
            except Exception:
                # non-field based columns (django-tables2 issue #257)
                if isinstance(column, BaseLinkColumn) and column.text is not None:
                    return render_func(bound_column)
        is_manytomanycolumn = isinstance(column, ManyToManyColumn)
        if value in column.empty_values or (is_manytomanycolumn and not value.exists()):
            return default
        return render_func(bound_column, value)


def _call_with_appropriate(fn: Any, kwargs: dict[str, Any]) -> Any:
    """django_tables2.utils.call_with_appropriate, with the signature read once per function."""
    args, kwargs_name = _signature(getattr(fn, "__func__", fn), hasattr(fn, "__func__"), fn)
    if not kwargs_name:
        kwargs = {key: kwargs[key] for key in kwargs if key in args}
        if any(arg not in kwargs for arg in args):
            return None
    return fn(**kwargs)


Signature = tuple[tuple[str, ...], str | None]
_SIGNATURES: weakref.WeakKeyDictionary[Any, tuple[bool, Signature]] = weakref.WeakKeyDictionary()


def _signature(function: Any, bound: bool, fn: Any) -> Signature:
    """The arguments `fn` takes (tables2's `signature`), kept per plain function and whether it
    is bound (which drops `self`); any other callable is read each time."""
    if not isinstance(function, types.FunctionType):
        found: Signature = tables2_signature(fn)
        return found
    kept = _SIGNATURES.get(function)
    if kept is None or kept[0] != bound:
        kept = (bound, tables2_signature(fn))
        _SIGNATURES[function] = kept
    return kept[1]


def _choice_label(record: Model, field: Any, name: str, display: Callable[[], Any]) -> Any:
    """`record.get_FOO_display()`, cached per field, stored value and language when it is
    Django's own method over choices fixed in the code (else called as it is)."""
    if not _django_display(type(record), name, field) or isinstance(
        field.choices, CallableChoiceIterator
    ):
        return display()
    value = make_hashable(getattr(record, field.attname))
    try:
        return _cached_label(field, value, get_language())
    except TypeError:  # a value that cannot be a key
        return display()


@functools.lru_cache(maxsize=4096)
def _cached_label(field: Any, value: Any, language: str | None) -> Any:
    # Model._get_FIELD_display, for a value and the active language.
    choices = dict(make_hashable(field.flatchoices))
    return force_str(choices.get(value, value), strings_only=True)


@functools.cache
def _django_display(model: type[Model], name: str, field: Any) -> bool:
    """True if `get_<name>_display` of `model` is the one Django made for `field`."""
    method = inspect.getattr_static(model, f"get_{name}_display", None)
    return (
        isinstance(method, functools.partialmethod)
        and method.func is Model._get_FIELD_display  # type: ignore[attr-defined]  # private
        and method.keywords.get("field") is field
    )


class ListTable(tables.Table):  # type: ignore[misc]  # django-tables2 is untyped
    """The house table: a caption with the count, headers that sort, pages that keep the
    filters (core/partials/table.html).  `region_label` names the scrolling region."""

    region_label: Any = ""

    class Meta:
        template_name = "core/partials/table.html"

    @property
    def paginated_rows(self) -> Any:
        """The page's rows (as tables2 gives them), as `_Row`s."""
        rows = super().paginated_rows
        if any(rows.pinned_data.values()):  # pinned rows: as tables2 gives them
            return rows
        return [_Row(record, table=self) for record in rows.data]


class CountedPaginator(Paginator[Any]):
    """Django's paginator over a table's rows that are `paging.counted`: the page's query
    brings the count with the rows, so the list runs its WHERE once, not once for the count
    and again for the page (issue 15).  A page past the last is counted on its own, and then
    the last page is shown, as with Django's paginator."""

    def page(self, number: Any) -> Page[Any]:
        if "count" in self.__dict__:  # counted already (asked again for the last page)
            return super().page(number)
        if not isinstance(number, int) or number < 1:  # tables2 gives an int (the default 1)
            return super().page(number)  # Django's answer: PageNotAnInteger or EmptyPage
        bottom = (number - 1) * self.per_page
        rows: Any = self.object_list[bottom : bottom + self.per_page]  # tables2's BoundRows
        records = list(rows.data)  # evaluated here, and cached for the page and the template
        total = count_of(records, first_page=number == 1)
        if total is None:
            return super().page(number)  # past the last: the count query, then EmptyPage
        self.__dict__["count"] = total  # Paginator.count is a cached property
        return Page(rows, self.validate_number(number), self)


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
    count_with_page: bool = False,
) -> Listing:
    """Filter, sort and page `rows` (already narrowed to what the actor may see).
    `count_with_page`: the page's query counts the list too (`CountedPaginator`), for a list
    whose WHERE is costly and whose rows are one per record (no `distinct()`)."""
    filterset = filters(request.GET or None, queryset=rows, request=request)
    # Django's widget templates in Python: a template per option was a quarter of a list's CPU.
    filterset.form.renderer = QUICK_RENDERER
    valid = not filterset.is_bound or filterset.is_valid()
    data = filterset.qs if valid else rows.none()
    paginate: dict[str, Any] = {"per_page": per_page}
    if count_with_page:
        data = counted(data)
        paginate["paginator_class"] = CountedPaginator
    shown = table(data, order_by=request.GET.get("sort") or None)
    RequestConfig(request, paginate=paginate).configure(shown)
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
