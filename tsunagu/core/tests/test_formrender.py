"""The list filter forms' renderer writes exactly what Django's widget templates write."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from tsunagu.core.formrender import QUICK_RENDERER, QuickRenderer
from tsunagu.organizations.tests.factories import OrganizationFactory

DJANGO = DjangoTemplates()
NASTY = "<b>\"A&B\"</b> 'c'"
CHOICES: list[tuple[Any, Any]] = [
    ("", "---"),
    (NASTY, NASTY),
    ("plain", "プレーン"),
    (3, 3),
    (4.5, "four and a half"),
    ("safe", mark_safe("<i>safe</i>")),
    ("lazy", gettext_lazy("すべて")),
]
GROUPED: list[tuple[Any, Any]] = [
    ("", "---"),
    (NASTY, [("g1", "一"), ("g2", NASTY)]),
    ("グループ", [("g3", "三")]),
    ("solo", "ひとつ"),
]


def both(widget: forms.Widget, name: str, value: Any, attrs: dict[str, Any] | None) -> str:
    """The widget rendered by both renderers: the same HTML, or the same error."""
    try:
        theirs = widget.render(name, value, attrs, renderer=DJANGO)
    except Exception as refused:  # a value this widget cannot take (a list for a yes/no)
        with pytest.raises(type(refused)):
            widget.render(name, value, attrs, renderer=QUICK_RENDERER)
        return ""
    ours = widget.render(name, value, attrs, renderer=QUICK_RENDERER)
    assert ours == theirs
    return str(ours)


ATTRS: list[dict[str, Any] | None] = [
    None,
    {"id": "id_f"},
    {"id": f"id_{NASTY}", "class": NASTY, "required": True, "disabled": False, "data-x": NASTY},
    {"id": "id_n", "aria-describedby": "id_n_helptext", "maxlength": 100, "size": None},
]


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize(
    "widget",
    [
        forms.Select(choices=CHOICES),
        forms.Select(choices=GROUPED, attrs={"class": "wide"}),
        forms.SelectMultiple(choices=CHOICES),
        forms.SelectMultiple(choices=GROUPED),
        forms.CheckboxSelectMultiple(choices=CHOICES),
        forms.CheckboxSelectMultiple(choices=GROUPED, attrs={"class": "checks"}),
        forms.RadioSelect(choices=CHOICES),
        forms.RadioSelect(choices=GROUPED),
        forms.NullBooleanSelect(),
    ],
    ids=lambda w: type(w).__name__,
)
@pytest.mark.parametrize(
    "value",
    [None, "", NASTY, "plain", 3, [NASTY, "3", "g2", "safe"], ["g1", "g3"], ["lazy"], True],
    ids=str,
)
def test_choice_widgets_render_as_django_does(widget, value, attrs):
    html = both(widget, "f<&>", value, attrs)
    assert "<b>" not in html  # the labels and values are escaped, as Django escapes them


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize(
    "widget",
    [
        forms.TextInput(),
        forms.TextInput(attrs={"placeholder": NASTY, "autofocus": True}),
        forms.NumberInput(),
        forms.EmailInput(),
        forms.URLInput(),
        forms.SearchInput(),
        forms.TelInput(),
        forms.PasswordInput(render_value=True),
        forms.HiddenInput(),
        forms.DateInput(),
        forms.DateTimeInput(),
        forms.TimeInput(),
        forms.CheckboxInput(),
        forms.Textarea(),
        forms.Textarea(attrs={"rows": 3}),
    ],
    ids=lambda w: type(w).__name__,
)
@pytest.mark.parametrize(
    "value", [None, "", NASTY, mark_safe("<i>x</i>"), 12345, 1.5, True, False, "0"], ids=str
)
def test_inputs_render_as_django_does(widget, value, attrs):
    both(widget, "f", value, attrs)


def test_an_option_template_of_an_app_is_left_to_the_engine():
    class Custom(forms.Select):
        option_template_name = "core/widgets/date_entry.html"  # any template not written out

    widget = Custom(choices=[("a", "A")])
    ours = widget.render("f", "a", {"id": "x"}, renderer=QUICK_RENDERER)
    assert ours == widget.render("f", "a", {"id": "x"}, renderer=DJANGO)
    assert "date-entry" in ours


def test_a_widget_template_an_app_overrides_is_rendered_by_the_engine(tmp_path, settings):
    """If an app ships its own django/forms/widgets/select.html, that template decides."""
    own = tmp_path / "django" / "forms" / "widgets"
    own.mkdir(parents=True)
    (own / "select.html").write_text("<select-of-the-app>{{ widget.name }}</select-of-the-app>")

    class Overridden(QuickRenderer):
        @property
        def engine(self):
            stock = Path(forms.__file__).parent / "templates"
            return self.backend(
                {"APP_DIRS": True, "DIRS": [tmp_path, stock], "NAME": "overridden", "OPTIONS": {}}
            )

    widget = forms.Select(choices=CHOICES)
    html = widget.render("f", "", None, renderer=Overridden())
    assert html == "<select-of-the-app>f</select-of-the-app>"
    assert "<input" in forms.TextInput().render("f", "", None, renderer=Overridden())


def _filtersets() -> list[type[django_filters.FilterSet]]:
    for config in apps.get_app_configs():
        if not config.name.startswith("tsunagu."):
            continue
        for module in ("lists", "forms"):
            try:
                importlib.import_module(f"{config.name}.{module}")
            except ModuleNotFoundError as missing:
                if missing.name != f"{config.name}.{module}":
                    raise
    found: list[type[django_filters.FilterSet]] = []
    todo = [django_filters.FilterSet]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("tsunagu.") and sub._meta.model is not None:
                found.append(sub)
    return found


def test_the_project_has_filter_forms_to_compare():
    assert len(_filtersets()) >= 15


@pytest.mark.django_db
@pytest.mark.parametrize("filters", _filtersets(), ids=lambda f: f"{f.__module__}.{f.__name__}")
def test_every_list_filter_form_renders_as_django_does(filters):
    """Each list's filter form, unbound, with values chosen and with bad values, field by
    field, rendered as the list page renders it (core/partials/field.html)."""
    OrganizationFactory(name=NASTY, has_accounts=True)  # a chosen row with markup in its name
    form = filters(None).form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        choices = [str(v) for v, _label in getattr(field, "choices", [])]
        data[name] = choices[-1] if choices else NASTY
    for given in ({}, data, dict.fromkeys(form.fields, NASTY)):
        for renderer in (QUICK_RENDERER, DJANGO):
            form = filters(given or None).form
            form.renderer = renderer
            form.is_valid()
            html = [str(form[name]) for name in form.fields]
            html += [str(form[name].errors) for name in form.fields]
            if renderer is QUICK_RENDERER:
                ours = html
        assert ours == html


def test_the_stock_widgets_are_written_without_the_template_engine(monkeypatch):
    """The point of it: no template per option (the comparisons above would pass as well if
    everything fell back to the engine)."""
    QUICK_RENDERER.render("django/forms/widgets/text.html", {"widget": _text_widget()})

    def refuse(*args: Any, **kwargs: Any) -> str:
        raise AssertionError("rendered through the template engine")

    monkeypatch.setattr(DjangoTemplates, "render", refuse)
    for widget in (
        forms.Select(choices=GROUPED),
        forms.SelectMultiple(choices=CHOICES),
        forms.CheckboxSelectMultiple(choices=CHOICES),
        forms.RadioSelect(choices=GROUPED),
        forms.TextInput(),
        forms.HiddenInput(),
        forms.CheckboxInput(),
        forms.Textarea(),
    ):
        assert widget.render("f", "plain", {"id": "id_f"}, renderer=QUICK_RENDERER)


def _text_widget() -> dict[str, Any]:
    return forms.TextInput().get_context("f", "", {})["widget"]
