"""Demo expertise for みどり市 (issue 18 item 4; seed 002: the offices' expertise as a shared
asset), so that the directory answers the issue's question, "who knows about 強度行動障害 in
北区": きたかぜ, the planning office of 北区, declares it, and the core center serves the whole
city.  In 東区 かえで (a commissioned office) and こころ declare it too.  What the closed cases show
comes from the demo casework as it is (no count is made up here).

Declared through the service, by a member of each office (so each has its audit row).
Idempotent: a declaration an office already has is not made again.
"""

from __future__ import annotations

from collections import Counter

from django.db import transaction

from tsunagu.core.actor import Origin
from tsunagu.expertise import services
from tsunagu.expertise.models import ExpertiseDeclaration, Theme
from tsunagu.organizations.actors import actor_for
from tsunagu.organizations.models import Membership, Organization, SystemRole

# (office code, theme, note).  Notes say what an office can offer, never about a person.
DECLARATIONS: tuple[tuple[str, str, str], ...] = (
    (
        "office-kaede",
        Theme.SEVERE_BEHAVIOUR,
        "強度行動障害支援者養成研修（実践研修）の修了者が2名。行動の記録の取り方と、"
        "事業所での環境調整について助言できます。",
    ),
    (
        "office-kaede",
        Theme.HIKIKOMORI,
        "ひきこもり地域支援センターと定期的に同行訪問をしています。",
    ),
    (
        "core-center",
        Theme.SEVERE_BEHAVIOUR,
        "精神科医のSVによる事例検討を年4回開いています。緊急時の短期入所の調整も相談ください。",
    ),
    ("core-center", Theme.OFFENDING, "地域生活定着支援センター・保護観察所との連携の窓口です。"),
    ("core-center", Theme.ABUSE, "虐待対応の事実確認・コアメンバー会議に区役所と同席します。"),
    (
        "office-aoba",
        Theme.MEDICAL_CARE_CHILD,
        "医療的ケア児等コーディネーター養成研修の修了者がいます。訪問看護ステーションと連携しています。",
    ),
    (
        "office-aoba",
        Theme.FAMILY_8050,
        "高齢の親と暮らす世帯の支援で地域包括支援センターと連携しています。",
    ),
    (
        "office-sakura",
        Theme.PSYCHIATRIC_TRANSITION,
        "精神科病院からの退院支援（地域移行）を西区の病院と進めています。",
    ),
    ("plan-kokoro", Theme.SEVERE_BEHAVIOUR, "行動障害のある方の計画相談を複数担当しています。"),
    (
        "plan-kitakaze",
        Theme.SEVERE_BEHAVIOUR,
        "強度行動障害支援者養成研修（実践研修）の修了者がいます。北区の生活介護・短期入所と"
        "支援の手順書を一緒に作っています。",
    ),
    (
        "plan-tsumugi",
        Theme.DEVELOPMENTAL,
        "発達障害のある方の就労に向けた計画相談の経験があります。",
    ),
)


def _declarer(organization: Organization) -> Membership | None:
    """A current member of the office who may write (its manager first)."""
    return (
        Membership.objects.current()
        .filter(organization=organization)
        .exclude(role=SystemRole.READ_ONLY)
        .select_related("user")
        .order_by("-role", "pk")  # "staff" < "manager": managers first
        .first()
    )


@transaction.atomic
def seed_expertise() -> Counter[str]:
    created: Counter[str] = Counter()
    offices = {
        o.code: o for o in Organization.objects.filter(code__in={d[0] for d in DECLARATIONS})
    }
    origin = Origin.command("seed_demo")
    for code, theme, note in DECLARATIONS:
        office = offices.get(code)
        member = _declarer(office) if office else None
        if office is None or member is None:
            continue  # an office the demo city does not have, or one nobody works at
        if ExpertiseDeclaration.objects.filter(organization=office, theme=theme).exists():
            continue
        actor = actor_for(member.user, office, origin=origin)
        services.declaration_create(actor, theme=theme, note=note)
        created["declaration"] += 1
    return created


def seed_and_summarise() -> str:
    created = seed_expertise()
    if not created.total():
        return "専門性の登録: 作成済みのため、新たに作成したものはありません。"
    return f"専門性の登録を作成しました: {created['declaration']}件"
