"""Django's own widget templates, written out in Python: the same HTML without a template per
option (issue 15).

A list's filter form (core/lists.py) renders every select option and every checkbox through
Django's widget templates: `select.html` includes `select_option.html` once per option, which
includes `attrs.html`; a checkbox list goes through four templates per box.  On the referral
inbox that was a quarter of the page's CPU.  `QuickRenderer` renders those stock templates with
the functions below, which follow the templates line by line (the same markup, whitespace,
attribute order and escaping: a value is escaped unless it is marked safe, localized as the
template engine does, `stringformat:'s'` where the template uses it), and hands every other
template to Django's engine as before.  `core/tests/test_formrender.py` compares the two for
every widget it covers, with `<"&'` in labels, values and attributes.

A template that an app overrides (the same name in its `templates/`) is rendered by the
engine, not here: the functions are used only for names that resolve to Django's own files.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import django.forms
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # unstubbed

Widget = Mapping[str, Any]

_DJANGO_WIDGETS = Path(django.forms.__file__).parent / "templates" / "django" / "forms" / "widgets"


def _text(value: Any) -> str:
    """`{{ value }}`: as the template engine writes a value (render_value_in_context)."""
    value = localize(template_localtime(value))
    if not issubclass(type(value), str):
        value = str(value)
    return str(conditional_escape(value))


def _s(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`."""
    if isinstance(value, tuple):
        value = str(value)
    try:
        shown: str = "%s" % (value,)  # noqa: UP031  # the filter's own formatting
    except (ValueError, TypeError):
        shown = ""
    # The filter keeps a safe value safe (is_safe=True): markup an app marked safe stays markup.
    return _text(mark_safe(shown) if isinstance(value, SafeData) else shown)  # noqa: S308


def _attrs(attrs: Mapping[str, Any]) -> str:
    """django/forms/widgets/attrs.html"""
    out = []
    for name, value in attrs.items():
        if value is not False:
            out.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_s(value)}"')
    return "".join(out)


def _input(widget: Widget) -> str:
    """django/forms/widgets/input.html (and the widgets that include only it)."""
    value = widget["value"]
    shown = f' value="{_s(value)}"' if value != None else ""  # noqa: E711  # the template's test
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}'
        f"{_attrs(widget['attrs'])}>\n"
    )


def _input_option(option: Widget) -> str:
    """django/forms/widgets/input_option.html"""
    if not option["wrap_label"]:
        return _input(option) + "\n"
    for_id = option["attrs"].get("id")
    label_for = f' for="{_text(for_id)}"' if for_id else ""
    return f"<label{label_for}>{_input(option)} {_text(option['label'])}</label>\n"


def _option_included(option: Widget) -> str:
    """checkbox_option.html and radio_option.html: `{% include input_option.html %}` + "\\n"."""
    return _input_option(option) + "\n"


def _select_option(option: Widget) -> str:
    """django/forms/widgets/select_option.html"""
    return (
        f'<option value="{_s(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_text(option['label'])}</option>\n"
    )


_OPTIONS: dict[str, Callable[[Widget], str]] = {
    "django/forms/widgets/select_option.html": _select_option,
    "django/forms/widgets/checkbox_option.html": _option_included,
    "django/forms/widgets/radio_option.html": _option_included,
    "django/forms/widgets/input_option.html": _input_option,
}


class _Unknown(Exception):
    """An option with a template not written out here: the engine renders the widget."""


def _option(option: Widget, known: Mapping[str, Callable[[Widget], str]]) -> str:
    render = known.get(option["template_name"])
    if render is None:
        raise _Unknown
    return render(option)


def _select(widget: Widget, known: Mapping[str, Callable[[Widget], str]]) -> str:
    """django/forms/widgets/select.html"""
    out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            out.append("\n  " + _option(option, known))
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>\n")
    return "".join(out)


def _multiple_input(widget: Widget, known: Mapping[str, Callable[[Widget], str]]) -> str:
    """django/forms/widgets/multiple_input.html (checkbox_select.html, radio.html)."""
    attrs = widget["attrs"]
    element_id = attrs.get("id")
    css = attrs.get("class")
    out = [
        "<div",
        f' id="{_text(element_id)}"' if element_id else "",
        f' class="{_text(css)}"' if css else "",
        ">",
    ]
    for group, options, _index in widget["optgroups"]:
        if group:
            out.append(f"\n  <div><label>{_text(group)}</label>")
        for option in options:
            out.append("<div>\n    " + _option(option, known) + "</div>")
        if group:
            out.append("\n  </div>")
    out.append("\n</div>\n")
    return "".join(out)


def _textarea(widget: Widget) -> str:
    """django/forms/widgets/textarea.html"""
    value = widget["value"]
    return (
        f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_text(value) if value else ''}</textarea>\n"
    )


_INPUTS = ["checkbox", "color", "date", "datetime", "email", "hidden", "input", "number"]
_INPUTS += ["password", "search", "tel", "text", "time", "url"]

_WIDGETS: dict[str, Callable[[Widget, Mapping[str, Callable[[Widget], str]]], str]] = {
    **{f"django/forms/widgets/{name}.html": lambda w, _known: _input(w) for name in _INPUTS},
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/checkbox_select.html": _multiple_input,
    "django/forms/widgets/radio.html": _multiple_input,
    "django/forms/widgets/multiple_input.html": _multiple_input,
    "django/forms/widgets/textarea.html": lambda w, _known: _textarea(w),
}


class QuickRenderer(DjangoTemplates):
    """Django's form renderer, with its stock widget templates rendered in Python."""

    def _stock(self, name: str) -> bool:
        """True if `name` is Django's own file, not an app's template of the same name."""
        origin = self.get_template(name).origin.name
        return Path(origin).resolve().parent == _DJANGO_WIDGETS.resolve()

    @cached_property
    def _widgets(self) -> dict[str, Callable[[Widget, Mapping[str, Any]], str]]:
        # Every widget includes attrs.html, the inputs input.html: all must be Django's.
        if not all(self._stock(f"django/forms/widgets/{p}") for p in ("attrs.html", "input.html")):
            return {}
        return {name: render for name, render in _WIDGETS.items() if self._stock(name)}

    @cached_property
    def _options(self) -> dict[str, Callable[[Widget], str]]:
        if not self._stock("django/forms/widgets/input_option.html"):
            return {}
        return {name: render for name, render in _OPTIONS.items() if self._stock(name)}

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        render = self._widgets.get(template_name)
        if render is not None and request is None and set(context) == {"widget"}:
            try:
                return render(context["widget"], self._options).strip()
            except _Unknown:
                pass
        rendered: str = super().render(template_name, context, request=request)
        return rendered


QUICK_RENDERER = QuickRenderer()
