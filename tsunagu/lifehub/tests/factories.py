"""A small life-hub world: a ward, a short-stay provider filling the emergency function, a
hub operating body with the core center as secretariat, one resident activity entered by the
core center with its network consent, and one emergency request asked by office A."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from tsunagu.lifehub import services
from tsunagu.lifehub.models import EmergencyRequest, HubRole, ResidentActivity
from tsunagu.meetings.models import BodyKind, Level, MeetingBody
from tsunagu.organizations.models import Area, AreaKind, Organization, OrganizationKind
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import AreaFactory, OrganizationFactory


@dataclass
class HubWorld:
    ward: Area
    short_stay: Organization
    role: HubRole
    body: MeetingBody
    activity: ResidentActivity
    emergency: EmergencyRequest


def make_world(personas, prefix: str = "lh") -> HubWorld:
    city = AreaFactory.create(code=f"{prefix}-city", name="みどり市", kind=AreaKind.CITY)
    ward = AreaFactory.create(code=f"{prefix}-ward", name="中央区", kind=AreaKind.WARD, parent=city)
    short_stay = OrganizationFactory.create(
        code=f"{prefix}-ss", name="短期入所 ひかりの家", kind=OrganizationKind.SERVICE_PROVIDER
    )
    core = actor_as(personas.core_officer)
    role = services.role_add(
        core,
        function="emergency",
        organization=short_stay,
        description="緊急用の短期入所",
        capacity=2,
        since=dt.date(2026, 4, 1),
    )
    body = MeetingBody.objects.create(
        name="地域生活支援拠点 運営会議",
        kind=BodyKind.LIFE_HUB_OPERATIONS,
        level=Level.MESO,
    )
    body.secretariats.add(personas.core_center)
    body.member_organizations.add(short_stay, personas.office_a)
    activity = services.activity_create(
        core,
        name="ふれあいサロン さくら",
        kind="salon",
        group_name="さくら町内会 サロンの会",
        area=ward,
        contact_name="山吹 花子",
        contact_phone="022-000-1111",
        description="毎週水曜の午後、集会所でお茶会。",
        consented_by_name="山吹 花子",
        consented_by_role="代表",
        consented_on=timezone.localdate(),
        method="書面",
        scopes=["network"],
    )
    emergency = services.emergency_receive(
        core,
        reason="caregiver_illness",
        situation="40代、知的障害。同居の母が入院。",
        requesting_organization=personas.office_a,
    )
    return HubWorld(ward, short_stay, role, body, activity, emergency)
