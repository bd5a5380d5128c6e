"""How a notification's target is shown to its reader: a question this floor owns and the apps
above answer (docs/architecture.md, "When a lower floor needs an answer from a higher one").

Each app that notifies about its objects registers, in its `AppConfig.ready()`, a renderer for
its model label: given the reader (an Actor) and target ids, it answers the ones the reader may
see now, through its own `*_visible_to(actor)` rules, with a title, a link and the persons the
title names (for the read audit).  A target nobody answers for, or one the reader may no
longer see, is shown as "閲覧できなくなった通知": it fails closed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from tsunagu.core.actor import Actor


@dataclass(frozen=True)
class Shown:
    title: str
    url: str
    person_ids: tuple[int, ...] = ()


Renderer = Callable[[Actor, Sequence[int]], Mapping[int, Shown]]

_renderers: dict[str, Renderer] = {}


def register_renderer(target_type: str, renderer: Renderer) -> None:
    _renderers[target_type] = renderer


def render_targets(
    actor: Actor, targets: Iterable[tuple[str, int]]
) -> dict[tuple[str, int], Shown]:
    """What the reader may see of each (target_type, target_id): one call per target type."""
    by_type: dict[str, set[int]] = {}
    for target_type, target_id in targets:
        by_type.setdefault(target_type, set()).add(target_id)
    shown: dict[tuple[str, int], Shown] = {}
    if actor.organization_id is None:
        return shown
    for target_type, ids in by_type.items():
        renderer = _renderers.get(target_type)
        if renderer is None:
            continue
        for target_id, item in renderer(actor, sorted(ids)).items():
            shown[(target_type, target_id)] = item
    return shown
