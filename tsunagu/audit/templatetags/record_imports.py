"""`{% may_import as can_import %}`: whether the signed-in user, for the organization they act
for, may import past records (audit/imports.py), so a list links to its import screen."""

from __future__ import annotations

from typing import Any

from django import template

from tsunagu.audit.imports import may_import as _may_import

register = template.Library()


@register.simple_tag(takes_context=True)
def may_import(context: dict[str, Any]) -> bool:
    actor = getattr(context.get("request"), "actor", None)
    return actor is not None and _may_import(actor)
