"""A small community world: a city with two wards and a district, office A's activities."""

from __future__ import annotations

from dataclasses import dataclass

from tsunagu.organizations.models import Area


@dataclass
class CommunityWorld:
    city: Area
    ward: Area
    other_ward: Area
    district: Area


def make_world(prefix: str = "cw") -> CommunityWorld:
    city = Area.objects.create(code=f"{prefix}-city", name="みどり市", kind="city")
    ward = Area.objects.create(code=f"{prefix}-ward", name="青葉区", kind="ward", parent=city)
    other = Area.objects.create(code=f"{prefix}-ward2", name="楓区", kind="ward", parent=city)
    district = Area.objects.create(
        code=f"{prefix}-district", name="青葉第一地区", kind="commissioner_district", parent=ward
    )
    return CommunityWorld(city=city, ward=ward, other_ward=other, district=district)
