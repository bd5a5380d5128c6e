"""The directory's taxonomies and their terms, with stable HSDS ids.

The terms are loaded by a data migration (0002), so every installation, test database and
exported file uses the same UUIDs.  Ids that HSDS needs but Tsunagu does not store (an
attribute linking a service to a term, a service_at_location) are derived with `derived_id`,
so an export is the same every time and survives a round trip.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

# The namespace of every derived id (uuid5 of "tsunagu.directory").
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://tsunagu.example.jp/directory")


def derived_id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


@dataclass(frozen=True)
class TaxonomySpec:
    key: str
    name: str
    description: str

    @property
    def hsds_id(self) -> str:
        return derived_id("taxonomy", self.key)


SERVICE_TYPE = TaxonomySpec(
    "service_type",
    "障害福祉サービス等の種類",
    "障害者総合支援法・児童福祉法のサービスと地域生活支援事業、インフォーマルな資源の種類。",
)
SPECIALTY = TaxonomySpec(
    "specialty", "専門・対応", "事業所が専門とする、または受け入れに対応できる障害や状態。"
)
# Facts about a service that HSDS 3.0 has no field for (定員, 空き, 見学・体験, ...): attributes
# whose term says what the value means.
FACTS = TaxonomySpec(
    "tsunagu_facts", "つなぐの項目", "HSDS 3.0に項目のない、つなぐ独自の情報（属性の値に入る）。"
)
TAXONOMIES = {t.key: t for t in (SERVICE_TYPE, SPECIALTY, FACTS)}


@dataclass(frozen=True)
class TermSpec:
    code: str
    name: str
    is_informal: bool = False


SERVICE_TYPES: tuple[TermSpec, ...] = (
    TermSpec("home-help", "居宅介護"),
    TermSpec("severe-home-care", "重度訪問介護"),
    TermSpec("accompanied-outing-visual", "同行援護"),
    TermSpec("behavioral-support", "行動援護"),
    TermSpec("life-care", "生活介護"),
    TermSpec("short-stay", "短期入所"),
    TermSpec("group-home", "共同生活援助"),
    TermSpec("facility-admission", "施設入所支援"),
    TermSpec("transition-to-work", "就労移行支援"),
    TermSpec("continuous-work-a", "就労継続支援A型"),
    TermSpec("continuous-work-b", "就労継続支援B型"),
    TermSpec("work-retention", "就労定着支援"),
    TermSpec("independence-training", "自立訓練"),
    TermSpec("independent-living-assistance", "自立生活援助"),
    TermSpec("planning-consultation", "計画相談支援"),
    TermSpec("child-planning-consultation", "障害児相談支援"),
    TermSpec("community-transition", "地域移行支援"),
    TermSpec("community-settlement", "地域定着支援"),
    TermSpec("child-development", "児童発達支援"),
    TermSpec("after-school-day", "放課後等デイサービス"),
    TermSpec("nursery-visit", "保育所等訪問支援"),
    TermSpec("day-respite", "日中一時支援"),
    TermSpec("mobility-support", "移動支援"),
    TermSpec("community-activity-center", "地域活動支援センター"),
    TermSpec("general-consultation", "一般相談（基本相談）"),
    # Peer counsellors and peer supporters (seed 004's ピアカウンセリング among the core center's
    # support types): a consultation that gave that support names the resource it came from.
    TermSpec("peer-counselling", "ピアカウンセリング・ピアサポート"),
    TermSpec("salon", "サロン・居場所", is_informal=True),
    TermSpec("family-association", "家族会・当事者会", is_informal=True),
    TermSpec("welfare-commissioner", "民生委員・児童委員", is_informal=True),
    TermSpec("childrens-cafeteria", "子ども食堂", is_informal=True),
    TermSpec("volunteer", "ボランティア", is_informal=True),
    TermSpec("other-informal", "その他の地域資源", is_informal=True),
)

PEER_COUNSELLING = "peer-counselling"

SPECIALTIES: tuple[TermSpec, ...] = (
    TermSpec("smid-medical-care", "重症心身障害・医療的ケア"),
    TermSpec("severe-behavior", "強度行動障害"),
    TermSpec("developmental", "発達障害"),
    TermSpec("psychiatric", "精神障害"),
    TermSpec("higher-brain", "高次脳機能障害"),
    TermSpec("intellectual", "知的障害"),
    TermSpec("physical", "身体障害"),
    TermSpec("visual", "視覚障害"),
    TermSpec("hearing", "聴覚障害・ろう"),
    TermSpec("intractable-disease", "難病"),
    TermSpec("hikikomori", "ひきこもり"),
    TermSpec("addiction", "依存症"),
)


@dataclass(frozen=True)
class FactSpec:
    code: str
    name: str

    @property
    def hsds_id(self) -> str:
        return derived_id("term", FACTS.key, self.code)


FACT_CAPACITY = FactSpec("capacity", "定員")
FACT_VACANCIES = FactSpec("vacancies", "空き")
FACT_VACANCIES_CONFIRMED_ON = FactSpec("vacancies_confirmed_on", "空きを確認した日")
FACT_ACCEPTS_VISITS = FactSpec("accepts_visits", "見学できる")
FACT_ACCEPTS_TRIAL = FactSpec("accepts_trial", "体験利用できる")
FACT_VISIT_NOTE = FactSpec("visit_note", "見学・体験について")
FACT_AREA = FactSpec("area", "つなぐの地域コード")
# Only in the staff export (include_internal): never in the public API.
FACT_INTERNAL_NOTE = FactSpec("internal_note", "職員向けメモ")
FACT_UNPUBLISHED = FactSpec("unpublished", "市民向けに非公開")
FACT_INTERNAL = FactSpec("internal", "職員向け（非公開）")
FACTS_BY_CODE = {
    f.code: f
    for f in (
        FACT_CAPACITY,
        FACT_VACANCIES,
        FACT_VACANCIES_CONFIRMED_ON,
        FACT_ACCEPTS_VISITS,
        FACT_ACCEPTS_TRIAL,
        FACT_VISIT_NOTE,
        FACT_AREA,
        FACT_INTERNAL_NOTE,
        FACT_UNPUBLISHED,
        FACT_INTERNAL,
    )
}


def term_hsds_id(taxonomy: str, code: str) -> uuid.UUID:
    return uuid.UUID(derived_id("term", taxonomy, code))


def all_terms() -> list[tuple[str, int, TermSpec]]:
    """(taxonomy, sort order, term) for the data migration."""
    rows: list[tuple[str, int, TermSpec]] = []
    for taxonomy, terms in ((SERVICE_TYPE.key, SERVICE_TYPES), (SPECIALTY.key, SPECIALTIES)):
        for order, term in enumerate(terms, start=1):
            rows.append((taxonomy, order * 10, term))
    return rows


def load_terms(model: Any) -> int:
    """Create or correct every term in `model` (the real TaxonomyTerm, or the migration's
    historical one); return how many were created.  Idempotent."""
    created = 0
    for taxonomy, order, term in all_terms():
        _, was_created = model.objects.update_or_create(
            code=term.code,
            defaults={
                "hsds_id": term_hsds_id(taxonomy, term.code),
                "taxonomy": taxonomy,
                "name": term.name,
                "is_informal": term.is_informal,
                "sort_order": order,
            },
        )
        created += int(was_created)
    return created
