"""Geometry of the network picture (バウムクーヘン): one band per layer, centre first, and one
dot per organization on its band, sized by the number of cases it joined.  The template draws
it as SVG with classes only (no inline style: CSP)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tsunagu.meetings.selectors import LAYERS, NetworkOrganization, NetworkYear

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CENTRE = 200
INNER = 34
BAND = 40
# Dots keep clear of the top of each band, where its label sits.
LABEL_GAP_DEGREES = 40


@dataclass(frozen=True)
class Band:
    index: int
    label: StrOrPromise
    radius: int  # outer radius
    label_y: int


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    r: float
    organization: NetworkOrganization


@dataclass(frozen=True)
class Rings:
    bands: list[Band]  # outermost first, so inner bands are drawn on top
    dots: list[Dot]
    new_count: int


def rings(year: NetworkYear) -> Rings:
    bands = []
    for index, (_code, label, _kinds) in enumerate(LAYERS):
        outer = INNER + BAND * (index + 1)
        bands.append(Band(index, label, outer, CENTRE - outer + 14))
    dots: list[Dot] = []
    for index in range(len(LAYERS)):
        members = [o for o in year.organizations if o.layer == index]
        if not members:
            continue
        mid = INNER + BAND * index + BAND / 2
        span = 360 - LABEL_GAP_DEGREES
        step = span / len(members)
        for n, org in enumerate(members):
            degrees = -90 + LABEL_GAP_DEGREES / 2 + step * (n + 0.5)
            angle = math.radians(degrees)
            dots.append(
                Dot(
                    x=round(CENTRE + mid * math.cos(angle), 1),
                    y=round(CENTRE + mid * math.sin(angle), 1),
                    r=round(4 + min(org.cases, 12) * 0.9, 1),
                    organization=org,
                )
            )
    return Rings(
        bands=list(reversed(bands)),
        dots=dots,
        new_count=sum(1 for o in year.organizations if o.is_new),
    )


@dataclass(frozen=True)
class LayerRow:
    label: StrOrPromise
    organizations_before: int
    cases_before: int
    organizations_now: int
    cases_now: int
    new: int


def layer_rows(before: NetworkYear, now: NetworkYear) -> list[LayerRow]:
    rows = []
    for (label, orgs_before, cases_before), (_label, orgs_now, cases_now), index in zip(
        before.layer_counts(), now.layer_counts(), range(len(LAYERS)), strict=True
    ):
        new = sum(1 for o in now.organizations if o.layer == index and o.is_new)
        rows.append(LayerRow(label, orgs_before, cases_before, orgs_now, cases_now, new))
    return rows
