"""What the apps above the directory keep about a resource, shown on its staff page.

The resource development log (tsunagu.meetings) names directory resources, and the staff page of
a resource lists the developments of that resource with the meetings they came from.  Those
models stand above the directory, which may not import them.  Each app registers here, when it
is ready, a function that gives its section of the page (a dependency inversion,
docs/architecture.md): the directory owns the page, each app answers for its own rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tsunagu.core.actor import Actor
    from tsunagu.directory.models import SocialResource


@dataclass(frozen=True)
class ResourceSection:
    """A template of the registering app and what it shows."""

    template: str
    context: Mapping[str, Any]


ResourceSectionSource = Callable[["Actor", "SocialResource"], ResourceSection]

_sources: list[ResourceSectionSource] = []


def register_resource_section(source: ResourceSectionSource) -> None:
    if source not in _sources:
        _sources.append(source)


def resource_sections(actor: Actor, resource: SocialResource) -> list[ResourceSection]:
    """The sections of the registered apps for `resource`, in the order they registered."""
    return [source(actor, resource) for source in _sources]
