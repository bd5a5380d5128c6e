"""Demo rights advocacy for みどり市 (issue 20 items 2 and 3): a 市長申立て walked from the
consultation through the survey of relatives, the mayor's decision and the filing to the family
court's 審判 and the start of guardianship; and a discrimination consultation — a shop that
would not make a reasonable accommodation — heard on both sides and ended in mediation.

Everything goes through the services with an Actor, so each step has its audit row: the core
center's officer records the consultation and the survey of relatives where the core center
sees the person, the city department the mayor's decisions.  Dates are fixed relative to the
current fiscal year's April.  Idempotent: once any petition exists, nothing is added.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tsunagu.cases.access import persons_visible_to
from tsunagu.core.actor import Origin
from tsunagu.core.dates import fiscal_year
from tsunagu.organizations.actors import actor_for
from tsunagu.organizations.models import (
    Membership,
    Organization,
    OrganizationKind,
    SystemRole,
)
from tsunagu.people import services as people_services
from tsunagu.people.models import ConsentMethod, ConsentPurpose
from tsunagu.rights import services
from tsunagu.rights.models import GuardianshipPetition


def _writer(kind: str) -> Membership | None:
    return (
        Membership.objects.current()
        .filter(organization__kind=kind, role=SystemRole.STAFF, user__is_active=True)
        .select_related("user", "organization")
        .order_by("organization__code", "user__username")
        .first()
    )


@transaction.atomic
def seed_and_summarise() -> str:
    if GuardianshipPetition.objects.exists():
        return "権利擁護: 既にあります（追加なし）"
    city_m, core_m = (
        _writer(OrganizationKind.CITY_DEPARTMENT),
        _writer(OrganizationKind.CORE_CENTER),
    )
    if city_m is None or core_m is None:
        return "権利擁護: 市担当課または基幹相談支援センターの職員がいないため作成しません"
    origin = Origin.command("seed_demo rights")
    city = actor_for(city_m.user, city_m.organization, origin=origin)
    core = actor_for(core_m.user, core_m.organization, origin=origin)
    today = timezone.localdate()
    april = dt.date(fiscal_year(today), 4, 1)
    if april + dt.timedelta(days=125) > today:  # early in the year: last year's, all past
        april = dt.date(april.year - 1, 4, 1)
    person = persons_visible_to(core).order_by("pk").first()
    if person is None:
        return "権利擁護: 基幹相談支援センターが見られる本人がいないため作成しません"
    if not persons_visible_to(city).filter(pk=person.pk).exists():
        # The person agrees that the city department, which decides the 市長申立て, is told.
        people_services.consent_record(
            core,
            person=person,
            organizations=[city_m.organization],
            purposes=[ConsentPurpose.SHARING],
            method=ConsentMethod.WRITTEN,
            obtained_on=april + dt.timedelta(days=7),
            notes="成年後見制度の市長申立てのため、市担当課と情報を共有することに同意。",
        )
    supporter = core

    def day(n: int) -> dt.date:
        return april + dt.timedelta(days=n)

    petition = services.petition_create(
        supporter,
        person=person,
        petitioner="mayor",
        guardianship_type="guardianship",
        consulted_on=day(7),
        note="預金の管理が難しくなり、施設の利用料の滞納が続いている。親族とは長く疎遠。",
    )
    services.petition_step(
        supporter,
        petition=petition,
        step="kin_survey",
        on=day(21),
        note="戸籍で二親等内の親族を調べ、申立ての意思がないことを確かめた。",
    )
    services.petition_step(
        city, petition=petition, step="mayor_decision", on=day(45), note="市長申立てを決定。"
    )
    services.petition_step(
        city, petition=petition, step="filed", on=day(60), note="家庭裁判所に申し立てた。"
    )
    services.petition_step(city, petition=petition, step="ruling", on=day(110), ruling="granted")
    services.petition_step(
        city,
        petition=petition,
        step="started",
        on=day(125),
        guardian_name="みどり市社会福祉士会 推薦の社会福祉士",
        guardian_kind="professional",
        note="審判が確定し、後見が始まった。",
    )

    # The 社会福祉協議会 runs the 日常生活自立支援事業; the city decides the 申立費用.
    council, _created = Organization.objects.get_or_create(
        code="midori-shakyo",
        defaults={
            "name": "みどり市社会福祉協議会",
            "kind": OrganizationKind.SOCIAL_WELFARE_COUNCIL,
        },
    )
    referral = services.referral_create(
        supporter,
        person=person,
        council=council,
        referred_on=day(14),
        note="後見開始までの間、日常的な金銭管理の支援を依頼。",
    )
    services.referral_outcome(supporter, referral=referral, outcome="contracted", on=day(35))
    services.cost_decision_create(
        city, person=person, kind="petition_cost", amount=8400, decided_on=day(45)
    )

    recorder = core
    consultation = services.consultation_create(
        recorder,
        received_on=day(30),
        consulter="self",
        party_kind="business",
        kind="no_accommodation",
        field="shops",
        summary="車いすを使う本人が、段差のある飲食店で入店を断られた。"
        "店は「人手がない」として、簡易スロープの用意などの配慮を検討しなかった。",
        age_band="40_64",
        disability_type="physical",
    )
    services.consultation_step(
        recorder,
        consultation=consultation,
        kind="hearing",
        on=day(33),
        note="本人と店の双方から事情を聞き取った。",
    )
    services.consultation_step(
        recorder,
        consultation=consultation,
        kind="advice",
        on=day(38),
        note="店に、2024年4月から事業者にも合理的配慮の提供が義務となったことを説明した。",
    )
    services.consultation_step(
        recorder,
        consultation=consultation,
        kind="mediation",
        on=day(45),
        note="双方が同席し、来店の予約時に簡易スロープを用意することで合意した。",
    )
    services.consultation_close(
        recorder, consultation=consultation, outcome="mediated", closed_on=day(50)
    )
    return (
        "権利擁護: 市長申立て 1件（相談受付から審判・後見開始まで）、"
        "日常生活自立支援事業への紹介 1件（利用契約）、利用支援事業の決定 1件（申立費用）、"
        "障害者差別に関する相談 1件（合理的配慮の不提供・調整により解決）"
    )
