"""`manage.py seed_demo`: the fictional city みどり市, its network and the demo accounts.

Runs only in demo mode (TSUNAGU_DEMO=1) and is idempotent: `make run` calls it on every start.
Everything is looked up by its stable code (areas, organizations), name (corporations) or
username (users), and only what is missing is created; existing rows, passwords included, are
left alone.  Users and memberships go through the services, so their audit rows are written as
for any other account.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.shortcuts import resolve_url

from tsunagu.accounts.models import User
from tsunagu.accounts.services import user_create
from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.demo import DEMO_PASSWORD
from tsunagu.demo.abuse import seed_and_summarise as seed_abuse
from tsunagu.demo.board import seed_and_summarise as seed_board
from tsunagu.demo.cases import casework_summary, seed_casework
from tsunagu.demo.community import seed_and_summarise as seed_community
from tsunagu.demo.curricula import seed_and_summarise as seed_curricula
from tsunagu.demo.directory import seed_and_summarise as seed_directory
from tsunagu.demo.directory import seed_resources_and_summarise as seed_directory_resources
from tsunagu.demo.disaster import seed_and_summarise as seed_disaster
from tsunagu.demo.expertise import seed_and_summarise as seed_expertise
from tsunagu.demo.grouphomes import seed_and_summarise as seed_grouphomes
from tsunagu.demo.hearings import seed_and_summarise as seed_hearings
from tsunagu.demo.lifehub import seed_and_summarise as seed_lifehub
from tsunagu.demo.meetings import seed_and_summarise as seed_meetings
from tsunagu.demo.notes import seed_and_summarise as seed_notes
from tsunagu.demo.peer import seed_and_summarise as seed_peer_counselling
from tsunagu.demo.plainplans import seed_and_summarise as seed_plain_plans
from tsunagu.demo.plans import seed_and_summarise as seed_plans
from tsunagu.demo.portal import seed_and_summarise as seed_portal
from tsunagu.demo.protection import seed_and_summarise as seed_protection
from tsunagu.demo.referrals import seed_and_summarise as seed_referrals
from tsunagu.demo.reports import seed_and_summarise as seed_annual_report
from tsunagu.demo.rights import seed_and_summarise as seed_rights
from tsunagu.demo.selfevaluations import seed_and_summarise as seed_self_evaluations
from tsunagu.demo.staffing import seed_and_summarise as seed_staffing
from tsunagu.demo.supervision import seed_and_summarise as seed_supervision
from tsunagu.demo.surveys import seed_and_summarise as seed_surveys
from tsunagu.demo.trainingplans import seed_and_summarise as seed_training_plan
from tsunagu.demo.trainings import follow_ups_and_summarise as seed_training_follow_ups
from tsunagu.demo.trainings import seed_and_summarise as seed_trainings
from tsunagu.demo.trials import seed_and_summarise as seed_trials
from tsunagu.organizations.models import (
    Area,
    AreaKind,
    Corporation,
    JobTitle,
    Membership,
    Organization,
    OrganizationKind,
    SystemRole,
)
from tsunagu.organizations.services import membership_add


@dataclass(frozen=True)
class AreaSpec:
    code: str
    name: str
    kind: AreaKind
    parent: str | None


@dataclass(frozen=True)
class CorporationSpec:
    name: str
    name_kana: str


@dataclass(frozen=True, kw_only=True)
class OrganizationSpec:
    code: str
    name: str
    name_kana: str
    kind: OrganizationKind
    areas: tuple[str, ...]
    corporation: str | None = None
    short_name: str = ""
    postal_code: str = ""
    address: str = ""
    phone: str = ""
    contact_person: str = ""
    caseload_cap: int | None = None
    caseload_cap_due_on: dt.date | None = None
    has_accounts: bool = True


# Seed 004 (計画相談の件数制限): the commissioned centers meet their cap by the end of 令和4年度.
COMMISSIONED_CAP_DUE = dt.date(2023, 3, 31)


@dataclass(frozen=True)
class MembershipSpec:
    organization: str
    job_title: JobTitle
    role: SystemRole = SystemRole.STAFF


@dataclass(frozen=True)
class AccountSpec:
    username: str
    full_name: str
    full_name_kana: str
    memberships: tuple[MembershipSpec, ...]
    is_superuser: bool = False


# --- The city: parents before children ---------------------------------------------------------

_C, _W, _K = AreaKind.CITY, AreaKind.WARD, AreaKind.CATCHMENT
_S, _M = AreaKind.SCHOOL_DISTRICT, AreaKind.COMMISSIONER_DISTRICT

AREAS: tuple[AreaSpec, ...] = (
    AreaSpec("midori", "みどり市", _C, None),
    AreaSpec("midori-chuo", "中央区", _W, "midori"),
    AreaSpec("midori-higashi", "東区", _W, "midori"),
    AreaSpec("midori-nishi", "西区", _W, "midori"),
    AreaSpec("midori-honcho", "本町圏域", _K, "midori-chuo"),
    AreaSpec("midori-sakuragaoka", "桜ヶ丘圏域", _K, "midori-chuo"),
    AreaSpec("midori-wakaba", "若葉圏域", _K, "midori-higashi"),
    AreaSpec("midori-midorigaoka", "緑ヶ丘圏域", _K, "midori-nishi"),
    AreaSpec("midori-hamamachi", "浜町圏域", _K, "midori-nishi"),
    AreaSpec("midori-sd-honcho", "本町小学校区", _S, "midori-honcho"),
    AreaSpec("midori-sd-asahi", "旭小学校区", _S, "midori-honcho"),
    AreaSpec("midori-sd-sakuragaoka", "桜ヶ丘小学校区", _S, "midori-sakuragaoka"),
    AreaSpec("midori-sd-wakaba", "若葉小学校区", _S, "midori-wakaba"),
    AreaSpec("midori-sd-yanagimachi", "柳町小学校区", _S, "midori-wakaba"),
    AreaSpec("midori-sd-midorigaoka", "緑ヶ丘小学校区", _S, "midori-midorigaoka"),
    AreaSpec("midori-sd-hamamachi", "浜町小学校区", _S, "midori-hamamachi"),
    AreaSpec("midori-cd-honcho", "本町地区", _M, "midori-honcho"),
    AreaSpec("midori-cd-sakuragaoka", "桜ヶ丘地区", _M, "midori-sakuragaoka"),
    AreaSpec("midori-cd-wakaba", "若葉地区", _M, "midori-wakaba"),
    AreaSpec("midori-cd-midorigaoka", "緑ヶ丘地区", _M, "midori-midorigaoka"),
    AreaSpec("midori-cd-hamamachi", "浜町地区", _M, "midori-hamamachi"),
    # The fourth ward, added last so that a city seeded before keeps its areas' order; the
    # expertise directory's demo question is asked of it (issue 18: 強度行動障害 in 北区).
    AreaSpec("midori-kita", "北区", _W, "midori"),
)

MIDORI_FUKUSHIKAI = "社会福祉法人 みどり福祉会"
SAKURAKAI = "社会福祉法人 さくら会"
SASAEAI = "特定非営利活動法人 ささえあいネットみどり"
SEIJUKAI = "医療法人 青樹会"
HIDAMARI_CARE = "合同会社 ひだまりケア"
TSUMUGI = "一般社団法人 つむぎ"

CORPORATIONS: tuple[CorporationSpec, ...] = (
    CorporationSpec(MIDORI_FUKUSHIKAI, "みどりふくしかい"),
    CorporationSpec(SAKURAKAI, "さくらかい"),
    CorporationSpec(SASAEAI, "ささえあいねっとみどり"),
    CorporationSpec(SEIJUKAI, "せいじゅかい"),
    CorporationSpec(HIDAMARI_CARE, "ひだまりけあ"),
    CorporationSpec(TSUMUGI, "つむぎ"),
)

# Phone numbers use subscriber numbers starting with 0, which are never assigned in Japan, so a
# demo number cannot ring a real line.
ORGANIZATIONS: tuple[OrganizationSpec, ...] = (
    OrganizationSpec(
        code="core-center",
        name="みどり市基幹相談支援センター",
        name_kana="みどりしきかんそうだんしえんせんたー",
        kind=OrganizationKind.CORE_CENTER,
        areas=("midori",),
        corporation=MIDORI_FUKUSHIKAI,
        short_name="基幹センター",
        postal_code="981-0001",
        address="みどり市中央区本町二丁目3番1号 みどり市総合福祉センター3階",
        phone="022-011-2301",
    ),
    OrganizationSpec(
        code="office-aoba",
        name="相談支援センター あおば",
        name_kana="そうだんしえんせんたー あおば",
        kind=OrganizationKind.COMMISSIONED_OFFICE,
        areas=("midori-chuo",),
        corporation=MIDORI_FUKUSHIKAI,
        short_name="あおば",
        postal_code="981-0012",
        address="みどり市中央区桜ヶ丘一丁目8番12号",
        phone="022-011-4410",
        # Seed 004: a commissioned center holds at most 50 planning cases from 令和5年3月末.
        caseload_cap=50,
        caseload_cap_due_on=COMMISSIONED_CAP_DUE,
    ),
    OrganizationSpec(
        code="office-kaede",
        name="相談支援センター かえで",
        name_kana="そうだんしえんせんたー かえで",
        kind=OrganizationKind.COMMISSIONED_OFFICE,
        areas=("midori-higashi",),
        corporation=SASAEAI,
        short_name="かえで",
        postal_code="981-0203",
        address="みどり市東区若葉三丁目15番4号",
        phone="022-012-5521",
        # Seed 004: a commissioned center holds at most 50 planning cases from 令和5年3月末.
        caseload_cap=50,
        caseload_cap_due_on=COMMISSIONED_CAP_DUE,
    ),
    OrganizationSpec(
        code="office-sakura",
        name="相談支援センター さくら",
        name_kana="そうだんしえんせんたー さくら",
        kind=OrganizationKind.COMMISSIONED_OFFICE,
        areas=("midori-nishi",),
        corporation=SAKURAKAI,
        short_name="さくら",
        postal_code="981-0305",
        address="みどり市西区緑ヶ丘四丁目2番7号",
        phone="022-013-6632",
        # Seed 004: a commissioned center holds at most 75 planning cases from 令和5年3月末.
        caseload_cap=75,
        caseload_cap_due_on=COMMISSIONED_CAP_DUE,
    ),
    OrganizationSpec(
        code="plan-hidamari",
        name="相談支援事業所 ひだまり",
        name_kana="そうだんしえんじぎょうしょ ひだまり",
        kind=OrganizationKind.DESIGNATED_PLANNING_OFFICE,
        areas=("midori-honcho",),
        corporation=HIDAMARI_CARE,
        short_name="ひだまり",
        postal_code="981-0005",
        address="みどり市中央区旭町5番22号 旭ビル201",
        phone="022-011-7788",
        contact_person="山本 恵子",
        caseload_cap=35,
    ),
    OrganizationSpec(
        code="plan-tsumugi",
        name="相談室 つむぎ",
        name_kana="そうだんしつ つむぎ",
        kind=OrganizationKind.DESIGNATED_PLANNING_OFFICE,
        areas=("midori-wakaba",),
        corporation=TSUMUGI,
        short_name="つむぎ",
        postal_code="981-0211",
        address="みどり市東区柳町二丁目4番9号",
        phone="022-012-3356",
        contact_person="佐々木 健",
        caseload_cap=35,
    ),
    OrganizationSpec(
        code="plan-midorinokaze",
        name="指定特定相談支援事業所 みどりの風",
        name_kana="していとくていそうだんしえんじぎょうしょ みどりのかぜ",
        kind=OrganizationKind.DESIGNATED_PLANNING_OFFICE,
        areas=("midori-nishi",),
        corporation=SAKURAKAI,
        short_name="みどりの風",
        postal_code="981-0312",
        address="みどり市西区浜町一丁目11番3号",
        phone="022-013-4471",
        caseload_cap=50,
    ),
    OrganizationSpec(
        code="plan-kokoro",
        name="青樹会 相談支援事業所 こころ",
        name_kana="せいじゅかい そうだんしえんじぎょうしょ こころ",
        kind=OrganizationKind.DESIGNATED_PLANNING_OFFICE,
        areas=("midori-higashi",),
        corporation=SEIJUKAI,
        short_name="こころ",
        postal_code="981-0222",
        address="みどり市東区若葉一丁目20番1号",
        phone="022-012-8803",
        caseload_cap=50,
    ),
    # The one office of 北区: a planning office that knows 強度行動障害 (demo/expertise.py).
    OrganizationSpec(
        code="plan-kitakaze",
        name="相談支援事業所 きたかぜ",
        name_kana="そうだんしえんじぎょうしょ きたかぜ",
        kind=OrganizationKind.DESIGNATED_PLANNING_OFFICE,
        areas=("midori-kita",),
        corporation=MIDORI_FUKUSHIKAI,
        short_name="きたかぜ",
        postal_code="981-0401",
        address="みどり市北区泉町三丁目6番1号",
        phone="022-014-2250",
        caseload_cap=50,
    ),
    OrganizationSpec(
        code="life-hub",
        name="みどり市地域生活支援拠点 みどりサポートネット",
        name_kana="みどりしちいきせいかつしえんきょてん みどりさぽーとねっと",
        kind=OrganizationKind.COMMUNITY_LIFE_HUB,
        areas=("midori",),
        corporation=MIDORI_FUKUSHIKAI,
        short_name="サポートネット",
        postal_code="981-0001",
        address="みどり市中央区本町二丁目3番1号 みどり市総合福祉センター2階",
        phone="022-011-2310",
    ),
    OrganizationSpec(
        code="ward-chuo",
        name="みどり市中央区役所 障害高齢課",
        name_kana="みどりしちゅうおうくやくしょ しょうがいこうれいか",
        kind=OrganizationKind.WARD_OFFICE,
        areas=("midori-chuo",),
        short_name="中央区 障害高齢課",
        postal_code="981-0002",
        address="みどり市中央区本町三丁目7番1号",
        phone="022-011-1111",
    ),
    OrganizationSpec(
        code="ward-higashi",
        name="みどり市東区役所 障害高齢課",
        name_kana="みどりしひがしくやくしょ しょうがいこうれいか",
        kind=OrganizationKind.WARD_OFFICE,
        areas=("midori-higashi",),
        short_name="東区 障害高齢課",
        postal_code="981-0201",
        address="みどり市東区若葉二丁目1番1号",
        phone="022-012-1111",
    ),
    OrganizationSpec(
        code="ward-nishi",
        name="みどり市西区役所 障害高齢課",
        name_kana="みどりしにしくやくしょ しょうがいこうれいか",
        kind=OrganizationKind.WARD_OFFICE,
        areas=("midori-nishi",),
        short_name="西区 障害高齢課",
        postal_code="981-0301",
        address="みどり市西区緑ヶ丘一丁目1番1号",
        phone="022-013-1111",
    ),
    OrganizationSpec(
        code="city-disability",
        name="みどり市 健康福祉局 障害者支援課",
        name_kana="みどりし けんこうふくしきょく しょうがいしゃしえんか",
        kind=OrganizationKind.CITY_DEPARTMENT,
        areas=("midori",),
        short_name="障害者支援課",
        postal_code="981-0000",
        address="みどり市中央区本町一丁目1番1号 みどり市役所本庁舎4階",
        phone="022-010-1234",
    ),
    # A member of the 自立支援協議会 who is neither a provider nor the administration: the parents'
    # association (手をつなぐ育成会).  Its member sees the council's de-identified dashboard.
    OrganizationSpec(
        code="ikuseikai",
        name="みどり市手をつなぐ育成会",
        name_kana="みどりしてをつなぐいくせいかい",
        kind=OrganizationKind.OTHER,
        areas=("midori",),
        short_name="育成会",
        postal_code="981-0000",
        address="みどり市中央区本町二丁目3番1号 みどり市総合福祉センター3階",
        phone="022-011-2400",
    ),
    OrganizationSpec(
        code="elderly-honcho",
        name="本町地域包括支援センター",
        name_kana="ほんちょうちいきほうかつしえんせんたー",
        kind=OrganizationKind.ELDERLY_SUPPORT_CENTER,
        areas=("midori-honcho",),
        corporation=SAKURAKAI,
        short_name="本町包括",
        postal_code="981-0004",
        address="みどり市中央区本町四丁目6番2号",
        phone="022-011-5540",
    ),
    OrganizationSpec(
        code="hikikomori-center",
        name="みどり市ひきこもり地域支援センター ほっとスペース",
        name_kana="みどりしひきこもりちいきしえんせんたー ほっとすぺーす",
        kind=OrganizationKind.HIKIKOMORI_SUPPORT_CENTER,
        areas=("midori",),
        corporation=SASAEAI,
        short_name="ほっとスペース",
        postal_code="981-0206",
        address="みどり市東区若葉三丁目2番18号",
        phone="022-012-6690",
    ),
    # Join case teams without signing in.
    OrganizationSpec(
        code="school-honcho",
        name="みどり市立本町小学校",
        name_kana="みどりしりつほんちょうしょうがっこう",
        kind=OrganizationKind.SCHOOL,
        areas=("midori-sd-honcho",),
        short_name="本町小",
        postal_code="981-0003",
        address="みどり市中央区本町五丁目1番1号",
        phone="022-011-3021",
        has_accounts=False,
    ),
    OrganizationSpec(
        code="hospital-midorinomori",
        name="みどりの森病院",
        name_kana="みどりのもりびょういん",
        kind=OrganizationKind.HOSPITAL,
        areas=(),
        corporation=SEIJUKAI,
        short_name="みどりの森病院",
        postal_code="981-0231",
        address="みどり市東区若葉五丁目30番1号",
        phone="022-012-9100",
        has_accounts=False,
    ),
    OrganizationSpec(
        code="commissioner-honcho",
        name="本町地区 民生委員・児童委員",
        name_kana="ほんちょうちく みんせいいいん・じどういいん",
        kind=OrganizationKind.WELFARE_COMMISSIONER,
        areas=("midori-cd-honcho",),
        short_name="本町地区 民生委員",
        contact_person="吉田 和子",
        has_accounts=False,
    ),
    # Day-service group homes (日中サービス支援型GH) the city evaluates at the 地域部会 (issue 19
    # item 6, demo/grouphomes.py).
    OrganizationSpec(
        code="gh-hidamari",
        name="日中サービス支援型グループホーム ひだまりの家",
        name_kana="にっちゅうさーびすしえんがたぐるーぷほーむ ひだまりのいえ",
        kind=OrganizationKind.SERVICE_PROVIDER,
        areas=("midori-chuo",),
        postal_code="981-0015",
        address="みどり市中央区桜ヶ丘三丁目2番5号",
        phone="022-011-5120",
    ),
    OrganizationSpec(
        code="gh-kaze",
        name="グループホーム かぜのおか",
        name_kana="ぐるーぷほーむ かぜのおか",
        kind=OrganizationKind.SERVICE_PROVIDER,
        areas=("midori-chuo",),
        postal_code="981-0216",
        address="みどり市東区風の丘二丁目11番1号",
        phone="022-011-5230",
    ),
    OrganizationSpec(
        code="gh-komorebi",
        name="グループホーム こもれび",
        name_kana="ぐるーぷほーむ こもれび",
        kind=OrganizationKind.SERVICE_PROVIDER,
        areas=("midori-chuo",),
        postal_code="981-0318",
        address="みどり市西区木漏日町四丁目7番3号",
        phone="022-011-5340",
    ),
    OrganizationSpec(
        code="gh-yuzuriha",
        name="グループホーム ゆずりは",
        name_kana="ぐるーぷほーむ ゆずりは",
        kind=OrganizationKind.SERVICE_PROVIDER,
        areas=("midori-chuo",),
        postal_code="981-0021",
        address="みどり市中央区本町五丁目1番20号",
        phone="022-011-5450",
    ),
)

ACCOUNTS: tuple[AccountSpec, ...] = (
    AccountSpec(
        "admin",
        "高橋 誠",
        "たかはし まこと",
        (MembershipSpec("city-disability", JobTitle.ADMINISTRATIVE_OFFICER),),
        is_superuser=True,
    ),
    AccountSpec(
        "city1",
        "渡辺 美咲",
        "わたなべ みさき",
        # The department's manager: organizations, memberships and accounts (ADR 0014).
        (MembershipSpec("city-disability", JobTitle.ADMINISTRATIVE_OFFICER, SystemRole.MANAGER),),
    ),
    AccountSpec(
        "core1",
        "佐藤 直子",
        "さとう なおこ",
        (
            MembershipSpec("core-center", JobTitle.CAPACITY_BUILDING_OFFICER),
            MembershipSpec("life-hub", JobTitle.COUNSELOR),
        ),
    ),
    AccountSpec(
        "core2",
        "鈴木 大輔",
        "すずき だいすけ",
        (MembershipSpec("core-center", JobTitle.COMMUNITY_SUPPORT_WORKER),),
    ),
    AccountSpec(
        # The center's manager: a request to the center left unacknowledged past its deadline
        # is raised to the managers (`referrals_escalate`), and the demo has one such request.
        "core_mgr",
        "山本 恵子",
        "やまもと けいこ",
        (MembershipSpec("core-center", JobTitle.MANAGER, SystemRole.MANAGER),),
    ),
    AccountSpec(
        # A ward office's caseworker: the ward's dashboard (its own ward's figures).
        "ward1",
        "加藤 健一",
        "かとう けんいち",
        (MembershipSpec("ward-chuo", JobTitle.CASEWORKER),),
    ),
    AccountSpec(
        # A council member (自立支援協議会 委員) through the parents' association: the council's
        # dashboard, de-identified, small cells suppressed.
        "council1",
        "中村 陽子",
        "なかむら ようこ",
        (MembershipSpec("ikuseikai", JobTitle.OTHER),),
    ),
    AccountSpec(
        # あおば's 管理者 (job title): she also takes cases, and sees her staff's way through
        # the curricula (curricula/access.py: an office manager by role or job title).
        "office_a1",
        "田中 由美",
        "たなか ゆみ",
        (MembershipSpec("office-aoba", JobTitle.MANAGER),),
    ),
    AccountSpec(
        "office_a2",
        "伊藤 翔太",
        "いとう しょうた",
        (MembershipSpec("office-aoba", JobTitle.CONSULTATION_SPECIALIST),),
    ),
    AccountSpec(
        "office_b1",
        "小林 真理子",
        "こばやし まりこ",
        (MembershipSpec("office-kaede", JobTitle.COUNSELOR),),
    ),
    AccountSpec(
        # The consultation specialist of 北区's planning office (きたかぜ): the office the
        # expertise directory names for 強度行動障害 in 北区.
        "office_c1",
        "森 健太",
        "もり けんた",
        (MembershipSpec("plan-kitakaze", JobTitle.CONSULTATION_SPECIALIST),),
    ),
    AccountSpec(
        # The manager of かぜのおか, a group home whose staff fill its self-evaluation
        # themselves (demo/grouphomes.py).
        "gh1",
        "松本 恵",
        "まつもと めぐみ",
        (MembershipSpec("gh-kaze", JobTitle.MANAGER),),
    ),
)

# Labels of the counts in the summary line, in the order they are created.
CREATED_LABELS = {
    "area": "地域",
    "corporation": "法人",
    "organization": "組織",
    "user": "アカウント",
    "membership": "所属",
}


# --- Seeding -----------------------------------------------------------------------------------


def seed_areas(created: Counter[str]) -> None:
    for sort_order, spec in enumerate(AREAS, start=1):
        if Area.objects.filter(code=spec.code).exists():
            continue
        parent = Area.objects.get(code=spec.parent) if spec.parent else None
        area = Area(
            code=spec.code, name=spec.name, kind=spec.kind, parent=parent, sort_order=sort_order
        )
        area.full_clean()
        area.save()
        created["area"] += 1


def seed_corporations(created: Counter[str]) -> None:
    for spec in CORPORATIONS:
        _corporation, was_created = Corporation.objects.get_or_create(
            name=spec.name, defaults={"name_kana": spec.name_kana}
        )
        created["corporation"] += was_created


def _new_organization(spec: OrganizationSpec) -> Organization:
    corporation = Corporation.objects.get(name=spec.corporation) if spec.corporation else None
    organization = Organization(
        code=spec.code,
        name=spec.name,
        name_kana=spec.name_kana,
        short_name=spec.short_name,
        kind=spec.kind,
        corporation=corporation,
        has_accounts=spec.has_accounts,
        postal_code=spec.postal_code,
        address=spec.address,
        phone=spec.phone,
        contact_person=spec.contact_person,
        caseload_cap=spec.caseload_cap,
        caseload_cap_due_on=spec.caseload_cap_due_on,
    )
    organization.full_clean()
    organization.save()
    organization.areas_served.set(Area.objects.filter(code__in=spec.areas))
    return organization


def seed_organizations(created: Counter[str]) -> None:
    for spec in ORGANIZATIONS:
        if not Organization.objects.filter(code=spec.code).exists():
            _new_organization(spec)
            created["organization"] += 1


def _seed_user(spec: AccountSpec, created: Counter[str]) -> User:
    user = User.objects.filter(username=spec.username).first()
    if user is not None:
        return user  # never touch an existing account's password or name
    created["user"] += 1
    return user_create(
        username=spec.username,
        full_name=spec.full_name,
        full_name_kana=spec.full_name_kana,
        email=f"{spec.username}@example.jp",
        password=DEMO_PASSWORD,
        created_by=None,
        is_superuser=spec.is_superuser,
    )


def _seed_membership(user: User, spec: MembershipSpec, created: Counter[str]) -> None:
    organization = Organization.objects.get(code=spec.organization)
    if Membership.objects.filter(user=user, organization=organization).exists():
        return
    membership_add(
        user=user,
        organization=organization,
        job_title=spec.job_title,
        role=spec.role,
        actor=None,
    )
    created["membership"] += 1


def seed_accounts(created: Counter[str]) -> None:
    for spec in ACCOUNTS:
        user = _seed_user(spec, created)
        for membership in spec.memberships:
            _seed_membership(user, membership, created)


@transaction.atomic
def seed_demo() -> tuple[Counter[str], Counter[str]]:
    """Create whatever of the demo city is missing, then its casework (tsunagu.demo.cases);
    return how many rows of each kind, for the city and for the casework."""
    created: Counter[str] = Counter()
    seed_areas(created)
    seed_corporations(created)
    seed_organizations(created)
    seed_accounts(created)
    if created.total():
        audit.record(action=Action.DEMO_SEEDED, detail={"created": dict(created)})
    return created, seed_casework()


# --- Output ------------------------------------------------------------------------------------


def display_width(text: str) -> int:
    """Columns a terminal gives `text`: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(width - display_width(text), 0)


def account_rows() -> list[tuple[str, str, str, str]]:
    """One row per membership of each demo account; continuation rows leave the user blank."""
    rows: list[tuple[str, str, str, str]] = []
    for spec in ACCOUNTS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            continue
        memberships = user.memberships.select_related("organization").order_by("-is_primary", "pk")
        for index, membership in enumerate(memberships):
            role = membership.get_job_title_display()
            if index == 0 and user.is_superuser:
                role += "（システム管理者）"
            first = index == 0
            rows.append(
                (
                    user.username if first else "",
                    user.full_name if first else "",
                    membership.organization.name,
                    role,
                )
            )
    return rows


def format_table(header: tuple[str, ...], rows: list[tuple[str, str, str, str]]) -> list[str]:
    widths = [max(display_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [header, tuple("-" * w for w in widths), *rows]
    return [
        "  ".join(pad(cell, w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in lines
    ]


def summary(created: Counter[str]) -> str:
    if not created.total():
        return "新たに作成したものはありません（デモデータは作成済みです）。"
    counts = "、".join(
        f"{label} {created[key]}件" for key, label in CREATED_LABELS.items() if created[key]
    )
    return f"デモデータを作成しました: {counts}"


class Command(BaseCommand):
    help = (
        "デモ用の架空の市（みどり市）と、その組織・デモ用アカウントを作成します"
        "（TSUNAGU_DEMO=1 のときのみ）。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "seed_demo はデモモード（環境変数 TSUNAGU_DEMO=1）でのみ実行できます。"
                "デモ用アカウントは公開されたパスワードを持つため、本番のデータベースには作りません。"
            )
        created, casework = seed_demo()
        self.stdout.write(summary(created))
        self.stdout.write(casework_summary(casework))
        # The plans name the directory's providers: its resources come first.
        self.stdout.write(seed_directory_resources())
        self.stdout.write(seed_plans())
        self.stdout.write(seed_notes())
        self.stdout.write(seed_referrals())
        self.stdout.write(seed_board())
        # The directory's resource developments link to the meetings' community issues.
        self.stdout.write(seed_meetings())
        self.stdout.write(seed_directory())
        self.stdout.write(seed_staffing())
        self.stdout.write(seed_trainings())
        self.stdout.write(seed_curricula())
        if follow_ups := seed_training_follow_ups():  # the curricula's past-year sessions
            self.stdout.write(follow_ups)
        self.stdout.write(seed_expertise())
        self.stdout.write(seed_supervision())
        self.stdout.write(seed_abuse())
        # The hearings raise a community issue and record a past council meeting.
        self.stdout.write(seed_hearings())
        # The plan links the trainings and names a community issue and an expertise gap.
        self.stdout.write(seed_training_plan())
        self.stdout.write(seed_grouphomes())
        self.stdout.write(seed_self_evaluations())
        self.stdout.write(seed_disaster())
        # Activities link a community issue; an outreach lead becomes a consultation.
        self.stdout.write(seed_community())
        # The life hub's operating meeting is the meetings' body; its activities are resources.
        self.stdout.write(seed_lifehub())
        self.stdout.write(seed_rights())
        self.stdout.write(seed_protection())
        # The plan in plain words rewrites an agreed plan (issue 22 item 2).
        self.stdout.write(seed_plain_plans())
        # Trial visits and motivating moments, before the annual report that counts them.
        self.stdout.write(seed_trials())
        # The person and their mother are invited to the portal of a case with a plan.
        self.stdout.write(seed_portal())
        # The sessions name the directory's peer counsellors (seeded with the resources above).
        self.stdout.write(seed_peer_counselling())
        self.stdout.write(seed_annual_report())
        # The surveys prefill from each office's cases, so they come after the casework.
        self.stdout.write(seed_surveys())
        self.stdout.write("")
        self.stdout.write("デモ用アカウント:")
        header = ("ユーザー名", "氏名", "所属", "職種")
        for line in format_table(header, account_rows()):
            self.stdout.write("  " + line)
        self.stdout.write("")
        self.stdout.write(f"パスワード（全員共通）: {DEMO_PASSWORD}")
        self.stdout.write(
            f"サインイン: http://127.0.0.1:8000{resolve_url(settings.LOGIN_URL)}"
            "（make run の既定。HOST/PORT を変えた場合はそのアドレス）"
        )
        self.stdout.write(
            "admin はシステム管理者のため、初回サインイン時に2段階認証の設定が必要です。"
        )
