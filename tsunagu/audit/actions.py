"""Audit actions an app defines for itself (the log stores any action string): each is
registered here with its label, so that the audit screen names it and offers it as a filter,
like the core `Action`s.  An app registers at import of the module that writes it."""

from __future__ import annotations

from django_stubs_ext import StrOrPromise

from tsunagu.audit.models import Action

_LABELS: dict[str, StrOrPromise] = {}


def register_action(code: str, label: StrOrPromise) -> str:
    """`ACTION_X = register_action("app.x", _("…"))`: the code, now known by its label."""
    _LABELS[code] = label
    return code


def action_label(code: str) -> str:
    try:
        return str(Action(code).label)
    except ValueError:
        label = _LABELS.get(code)
        return str(label) if label is not None else code


def action_choices() -> list[tuple[str, str]]:
    """Every action the screen can filter by: the core ones, then the apps' by label."""
    registered = sorted(((code, str(label)) for code, label in _LABELS.items()), key=lambda c: c[1])
    return [(code, str(label)) for code, label in Action.choices] + registered
