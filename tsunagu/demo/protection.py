"""Demo DV protection for みどり市 (issue 20 item 4): one person, in a household whose concerns
include DV where there is one, has their address, phone and whereabouts hidden under the
住民基本台帳の支援措置, decided by the lead worker of their open case, who is the one named worker.
Through the service with an Actor, so the decision has its audit row.  Idempotent: once any
protection exists, nothing is added.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tsunagu.cases.models import Case, CaseStatus
from tsunagu.core.actor import Origin
from tsunagu.organizations.actors import actor_for
from tsunagu.organizations.models import Membership, OrganizationKind, SystemRole
from tsunagu.people import protection
from tsunagu.people.models import AddressProtection, HouseholdConcern, ProtectionBasis


@transaction.atomic
def seed_and_summarise() -> str:
    if AddressProtection.objects.exists():
        return "DV等支援措置: 既にあります（追加なし）"
    cases = (
        Case.objects.exclude(status=CaseStatus.CLOSED)
        .filter(
            person__isnull=False,
            lead_worker__isnull=False,
            lead_organization__kind=OrganizationKind.COMMISSIONED_OFFICE,
        )
        .select_related("person", "lead_worker", "lead_organization", "household")
        .order_by("pk")
    )
    chosen = None
    for case in cases[:500]:
        writer = Membership.objects.current().filter(
            user=case.lead_worker, organization=case.lead_organization, role=SystemRole.STAFF
        )
        if not writer.exists() or not case.person or not case.person.address:
            continue
        if chosen is None:
            chosen = case
        if case.household and HouseholdConcern.DOMESTIC_VIOLENCE in case.household.concerns:
            chosen = case
            break
    if chosen is None or chosen.person is None or chosen.lead_worker is None:
        return "DV等支援措置: 対象になる支援ケースがないため作成しません"
    actor = actor_for(
        chosen.lead_worker, chosen.lead_organization, origin=Origin.command("seed_demo dv")
    )
    today = timezone.localdate()
    protection.protection_set(
        actor,
        person=chosen.person,
        basis=ProtectionBasis.RESIDENT_REGISTER,
        decided_on=today - dt.timedelta(days=20),
        reason="配偶者からの暴力により市外から転入。住民基本台帳の支援措置の申出を区役所で確認。",
        review_on=today + dt.timedelta(days=345),
        worker_ids=[chosen.lead_worker.pk],
    )
    return (
        f"DV等支援措置: {chosen.person.display_name}さんの住所等を非表示"
        f"（表示できる職員: {chosen.lead_worker.get_full_name() or chosen.lead_worker}）"
    )
