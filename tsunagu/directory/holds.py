"""Resources held back from an audience by an app above the directory.

A resident activity (tsunagu.lifehub) is listed in the directory, but its group decides who may
find it: supporters choosing a plan's resources (`network`) and residents reading the public
pages and the HSDS API (`public`), each only while the group's consent stands; a withdrawal
hides it at once.  The consent records stand above the directory, which may not import them,
so each app registers here, when it is ready, a function giving the ids of the resources it
holds back from an audience (a subquery, so a list costs no extra query).  The directory's
public queryset and the plans' picker exclude them (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from django.db.models import Q

Audience = Literal["network", "public"]
HoldSource = Callable[[Audience], Any]  # a values("resource_id") queryset

_sources: list[HoldSource] = []


def register_hold(source: HoldSource) -> None:
    if source not in _sources:
        _sources.append(source)


def held(audience: Audience) -> Q:
    """A condition on SocialResource matching the resources held back from `audience`."""
    condition = Q(pk__in=[])
    for source in _sources:
        condition |= Q(pk__in=source(audience))
    return condition
