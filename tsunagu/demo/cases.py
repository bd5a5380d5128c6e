"""Casework for the demo city みどり市 (`manage.py seed_demo`).

About 200 people in 60 households and on their own, 150 cases with their consultations, status
histories, teams, consents, progress notes and formulations, over the fiscal years 令和5年度 to
令和8年度 (2023-04 .. 2026-11).  The stories follow the seeds: the three 8050 households of
seed 001, the difficulty factors of seed 000 (table 1) and the 心の動く場面 of seed 002.

- Deterministic: one `random.Random(2026)` drives everything and every date is fixed, so each
  run on an empty database produces the same rows.
- Idempotent: when any case exists, nothing is created.
- Written with the ORM in bulk (this is a system seeding process, not a user's action), with one
  `system.demo_seeded` audit row for the whole batch.
- 相談支援センター かえで (office_b1) is on no team and leads no case, so office_b1 sees no one;
  office_a1 leads about ten cases; the core center joins several complex cases.

The organizations that sign in but have no demo account get a few "background" staff accounts
(unusable passwords: nobody signs in as them); they are the authors of their offices' records.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction

from tsunagu.accounts.models import User
from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.cases.models import (
    CASE_TRANSITIONS,
    Case,
    CaseConference,
    CaseLeadPeriod,
    CaseStatus,
    CaseStatusChange,
    CaseTeamMember,
    Channel,
    ConferenceAttendee,
    ConferenceKind,
    Consultation,
    ConsultationOutcome,
    Consulter,
    DifficultyFactor,
    SharingBasis,
    SupportLayer,
    SupportType,
    TeamRole,
    Urgency,
)
from tsunagu.core.kana import fold_name, normalize_kana, normalize_phone
from tsunagu.organizations.models import (
    Area,
    JobTitle,
    Membership,
    Organization,
    SystemRole,
)
from tsunagu.people.models import (
    CertificateKind,
    CertificateStatus,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    DisabilityCategory,
    DisabilityCertificate,
    Household,
    HouseholdMember,
    Person,
    PhysicalDisabilityType,
    Relationship,
    Sex,
)
from tsunagu.records.models import Formulation, NoteKind, ProgressNote

SEED = 2026
TOKYO = ZoneInfo("Asia/Tokyo")
# Fixed so that the data are the same whatever day the seed runs (three fiscal years and the
# current one: 令和5年度 .. 令和8年度).
FIRST_DAY = dt.date(2023, 4, 3)
LAST_DAY = dt.date(2026, 11, 20)
# The organization of office_b1: it must stay outside every case.
EXCLUDED_ORGANIZATION = "office-kaede"

# Labels of the summary line, in order.
CASEWORK_LABELS = {
    "person": "本人",
    "household": "世帯",
    "case": "ケース",
    "consultation": "相談受付",
    "note": "支援経過記録",
    "formulation": "見立て",
    "staff": "記録用の職員アカウント",
}


# --- Names, places, phones ---------------------------------------------------------------------

FAMILY_NAMES: tuple[tuple[str, str], ...] = (
    ("高木", "タカギ"), ("村上", "ムラカミ"), ("石川", "イシカワ"), ("中島", "ナカジマ"),
    ("前田", "マエダ"), ("藤田", "フジタ"), ("岡本", "オカモト"), ("中川", "ナカガワ"),
    ("小野", "オノ"), ("長谷川", "ハセガワ"), ("近藤", "コンドウ"), ("石井", "イシイ"),
    ("坂本", "サカモト"), ("遠藤", "エンドウ"), ("青木", "アオキ"), ("藤井", "フジイ"),
    ("西村", "ニシムラ"), ("福田", "フクダ"), ("太田", "オオタ"), ("三浦", "ミウラ"),
    ("藤原", "フジワラ"), ("岡田", "オカダ"), ("後藤", "ゴトウ"), ("原田", "ハラダ"),
    ("菊地", "キクチ"), ("竹内", "タケウチ"), ("金子", "カネコ"), ("和田", "ワダ"),
    ("中野", "ナカノ"), ("上田", "ウエダ"), ("森田", "モリタ"), ("柴田", "シバタ"),
    ("酒井", "サカイ"), ("工藤", "クドウ"), ("横山", "ヨコヤマ"), ("宮崎", "ミヤザキ"),
    ("宮本", "ミヤモト"), ("内田", "ウチダ"), ("高野", "タカノ"), ("安藤", "アンドウ"),
    ("谷口", "タニグチ"), ("大野", "オオノ"), ("丸山", "マルヤマ"), ("今井", "イマイ"),
    ("河野", "コウノ"), ("藤本", "フジモト"), ("村田", "ムラタ"), ("武田", "タケダ"),
    ("上野", "ウエノ"), ("杉山", "スギヤマ"), ("増田", "マスダ"), ("小山", "コヤマ"),
    ("大塚", "オオツカ"), ("平野", "ヒラノ"), ("菅原", "スガワラ"), ("久保", "クボ"),
    ("千葉", "チバ"), ("岩崎", "イワサキ"), ("桜井", "サクライ"), ("木下", "キノシタ"),
    ("野口", "ノグチ"), ("松尾", "マツオ"), ("野村", "ノムラ"), ("新井", "アライ"),
    ("佐野", "サノ"), ("杉本", "スギモト"), ("古川", "フルカワ"), ("大西", "オオニシ"),
    ("浅野", "アサノ"), ("小松", "コマツ"), ("早川", "ハヤカワ"), ("熊谷", "クマガイ"),
    ("星野", "ホシノ"), ("片山", "カタヤマ"), ("荒木", "アラキ"), ("須藤", "スドウ"),
    ("土屋", "ツチヤ"), ("飯田", "イイダ"), ("水野", "ミズノ"), ("関", "セキ"),
    ("川口", "カワグチ"), ("辻", "ツジ"), ("秋山", "アキヤマ"), ("堀", "ホリ"),
)  # fmt: skip

# Given names by generation (birth decades), (kanji, kana).
GIVEN_NAMES: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("old", "m"): (
        ("清", "キヨシ"), ("茂", "シゲル"), ("勇", "イサム"), ("正雄", "マサオ"),
        ("一郎", "イチロウ"), ("和夫", "カズオ"), ("昭", "アキラ"), ("実", "ミノル"),
        ("義男", "ヨシオ"), ("進", "ススム"), ("勝", "マサル"), ("信夫", "ノブオ"),
    ),
    ("old", "f"): (
        ("和子", "カズコ"), ("幸子", "サチコ"), ("節子", "セツコ"), ("久子", "ヒサコ"),
        ("文子", "フミコ"), ("静江", "シズエ"), ("キヨ", "キヨ"), ("八重子", "ヤエコ"),
        ("美代子", "ミヨコ"), ("トシ子", "トシコ"), ("澄子", "スミコ"), ("登美子", "トミコ"),
        ("ハル", "ハル"), ("千代", "チヨ"),
    ),
    ("mid", "m"): (
        ("浩二", "コウジ"), ("健一", "ケンイチ"), ("隆", "タカシ"), ("修", "オサム"),
        ("哲也", "テツヤ"), ("直樹", "ナオキ"), ("康弘", "ヤスヒロ"), ("聡", "サトシ"),
        ("剛", "ツヨシ"), ("和也", "カズヤ"), ("英明", "ヒデアキ"), ("一", "ハジメ"),
        ("浩之", "ヒロユキ"), ("雅人", "マサト"), ("孝", "タカシ"), ("竜也", "タツヤ"),
    ),
    ("mid", "f"): (
        ("由美子", "ユミコ"), ("恵子", "ケイコ"), ("洋子", "ヨウコ"), ("直美", "ナオミ"),
        ("久美子", "クミコ"), ("裕子", "ユウコ"), ("真由美", "マユミ"), ("明美", "アケミ"),
        ("智子", "トモコ"), ("香織", "カオリ"), ("理恵", "リエ"), ("美穂", "ミホ"),
        ("典子", "ノリコ"), ("純子", "ジュンコ"), ("さおり", "サオリ"), ("千秋", "チアキ"),
    ),
    ("young", "m"): (
        ("翔太", "ショウタ"), ("大輝", "ダイキ"), ("拓海", "タクミ"), ("健太", "ケンタ"),
        ("悠斗", "ユウト"), ("颯太", "ソウタ"), ("陸", "リク"), ("亮", "リョウ"),
        ("大和", "ヤマト"), ("悠真", "ユウマ"), ("拓也", "タクヤ"), ("駿", "シュン"),
    ),
    ("young", "f"): (
        ("美咲", "ミサキ"), ("彩", "アヤ"), ("結衣", "ユイ"), ("葵", "アオイ"),
        ("さくら", "サクラ"), ("愛美", "マナミ"), ("萌", "モエ"), ("七海", "ナナミ"),
        ("菜々子", "ナナコ"), ("千尋", "チヒロ"), ("遥", "ハルカ"), ("舞", "マイ"),
    ),
    ("child", "m"): (
        ("悠人", "ハルト"), ("蒼", "アオイ"), ("樹", "イツキ"), ("結翔", "ユイト"),
        ("朝陽", "アサヒ"), ("湊", "ミナト"), ("蓮", "レン"), ("奏太", "ソウタ"),
    ),
    ("child", "f"): (
        ("陽葵", "ヒマリ"), ("芽依", "メイ"), ("紬", "ツムギ"), ("凛", "リン"),
        ("結菜", "ユイナ"), ("杏", "アン"), ("心春", "コハル"), ("莉子", "リコ"),
    ),
}  # fmt: skip

# (town, postal code, ward) by catchment area; the codes match seed_demo's areas.
TOWNS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "midori-honcho": (("本町", "981-0003", "中央区"), ("旭町", "981-0005", "中央区")),
    "midori-sakuragaoka": (("桜ヶ丘", "981-0012", "中央区"),),
    "midori-wakaba": (("若葉", "981-0203", "東区"), ("柳町", "981-0211", "東区")),
    "midori-midorigaoka": (("緑ヶ丘", "981-0305", "西区"),),
    "midori-hamamachi": (("浜町", "981-0312", "西区"),),
}
WARD_OFFICE = {"中央区": "ward-chuo", "東区": "ward-higashi", "西区": "ward-nishi"}
BUILDINGS = (
    "コーポみどり", "ハイツ若葉", "グリーンハイツ", "サンライズ桜ヶ丘", "メゾン浜町",
    "市営本町住宅 3号棟 ", "市営緑ヶ丘団地 2号棟 ", "アーバン旭", "ひかり荘",
)  # fmt: skip
CHOME = ("一", "二", "三", "四", "五")


@dataclass(frozen=True)
class StaffSpec:
    username: str
    full_name: str
    full_name_kana: str
    organization: str
    job_title: JobTitle


# Authors of the records of organizations that have no demo account.  Fictional names.
STAFF: tuple[StaffSpec, ...] = (
    StaffSpec("sakura_staff1", "清水 亜希子", "しみず あきこ", "office-sakura", JobTitle.COUNSELOR),
    StaffSpec(
        "sakura_staff2", "森 健二", "もり けんじ", "office-sakura", JobTitle.CONSULTATION_SPECIALIST
    ),
    StaffSpec(
        "hidamari_staff1",
        "山本 恵子",
        "やまもと けいこ",
        "plan-hidamari",
        JobTitle.CONSULTATION_SPECIALIST,
    ),
    StaffSpec(
        "tsumugi_staff1",
        "佐々木 健",
        "ささき けん",
        "plan-tsumugi",
        JobTitle.CONSULTATION_SPECIALIST,
    ),
    StaffSpec(
        "kaze_staff1",
        "井上 雅之",
        "いのうえ まさゆき",
        "plan-midorinokaze",
        JobTitle.CHIEF_CONSULTATION_SPECIALIST,
    ),
    StaffSpec(
        "kaze_staff2",
        "木村 さおり",
        "きむら さおり",
        "plan-midorinokaze",
        JobTitle.CONSULTATION_SPECIALIST,
    ),
    StaffSpec(
        "kokoro_staff1", "林 佳奈", "はやし かな", "plan-kokoro", JobTitle.CONSULTATION_SPECIALIST
    ),
    StaffSpec(
        "kokoro_staff2",
        "斎藤 学",
        "さいとう まなぶ",
        "plan-kokoro",
        JobTitle.CONSULTATION_SPECIALIST,
    ),
    StaffSpec("hub_staff1", "加藤 明日香", "かとう あすか", "life-hub", JobTitle.COUNSELOR),
    StaffSpec("chuo_staff1", "山口 拓也", "やまぐち たくや", "ward-chuo", JobTitle.CASEWORKER),
    StaffSpec(
        "higashi_staff1", "松下 恵", "まつした めぐみ", "ward-higashi", JobTitle.PUBLIC_HEALTH_NURSE
    ),
    StaffSpec("nishi_staff1", "石田 純", "いしだ じゅん", "ward-nishi", JobTitle.CASEWORKER),
    StaffSpec(
        "honcho_houkatsu1",
        "吉村 千春",
        "よしむら ちはる",
        "elderly-honcho",
        JobTitle.COUNSELOR,
    ),
    StaffSpec(
        "hotspace_staff1",
        "中村 悠",
        "なかむら はるか",
        "hikikomori-center",
        JobTitle.COUNSELOR,
    ),
)

# Who works a case for each organization (demo accounts first).
WORKERS: dict[str, tuple[str, ...]] = {
    "office-aoba": ("office_a1", "office_a2"),
    "core-center": ("core1", "core2"),
    "life-hub": ("core1", "hub_staff1"),
    "office-sakura": ("sakura_staff1", "sakura_staff2"),
    "plan-hidamari": ("hidamari_staff1",),
    "plan-tsumugi": ("tsumugi_staff1",),
    "plan-midorinokaze": ("kaze_staff1", "kaze_staff2"),
    "plan-kokoro": ("kokoro_staff1", "kokoro_staff2"),
    "ward-chuo": ("chuo_staff1",),
    "ward-higashi": ("higashi_staff1",),
    "ward-nishi": ("nishi_staff1",),
    "elderly-honcho": ("honcho_houkatsu1",),
    "hikikomori-center": ("hotspace_staff1",),
}
# Team members from organizations that do not sign in.
OUTSIDE_WORKERS: dict[str, tuple[str, ...]] = {
    "hospital-midorinomori": ("地域連携室 大橋（精神保健福祉士）", "精神科 外来看護師 小川"),
    "school-honcho": ("特別支援教育コーディネーター 西田", "担任 河合"),
    "commissioner-honcho": ("吉田 和子",),
}

HOSPITAL = "みどりの森病院"


# --- Disability profiles -----------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateSpec:
    kind: CertificateKind
    grade: str
    physical_type: str = ""
    status: CertificateStatus = CertificateStatus.HELD


@dataclass(frozen=True)
class Profile:
    categories: tuple[DisabilityCategory, ...]
    primary: DisabilityCategory
    support_levels: tuple[str, ...]  # 障害支援区分 to choose from ("" when none)
    certificates: tuple[tuple[CertificateSpec, ...], ...]  # alternatives
    notes: tuple[str, ...]
    services: tuple[str, ...]
    evacuation: bool = False


_MENTAL2 = CertificateSpec(CertificateKind.MENTAL, "2")
_MENTAL3 = CertificateSpec(CertificateKind.MENTAL, "3")
_RYOIKU_A = CertificateSpec(CertificateKind.INTELLECTUAL, "A")
_RYOIKU_B = CertificateSpec(CertificateKind.INTELLECTUAL, "B")
_LIMB1 = CertificateSpec(CertificateKind.PHYSICAL, "1", PhysicalDisabilityType.LIMB)
_LIMB2 = CertificateSpec(CertificateKind.PHYSICAL, "2", PhysicalDisabilityType.LIMB)
_LIMB3 = CertificateSpec(CertificateKind.PHYSICAL, "3", PhysicalDisabilityType.LIMB)

_B_TYPE = "就労継続支援B型事業所「みどり工房」"
_ACTIVITY = "地域活動支援センター「ふれあい」"
_GROUP_HOME = "グループホーム「あおぞら」"
_DAY_CARE = "生活介護事業所「けやき」"
_SHORT_STAY = "短期入所「すずらん」"
_HELPER = "居宅介護（家事援助）"

_ = DisabilityCategory
PROFILES: dict[str, Profile] = {
    "schizophrenia": Profile(
        (_.MENTAL,),
        _.MENTAL,
        ("2", "3", ""),
        ((_MENTAL2,),),
        (f"統合失調症。{HOSPITAL}精神科に通院中。",),
        (_B_TYPE, _ACTIVITY, _HELPER, "訪問看護"),
    ),
    "mood": Profile(
        (_.MENTAL,),
        _.MENTAL,
        ("", "1", "2"),
        ((_MENTAL2,), (_MENTAL3,)),
        ("うつ病。市内のメンタルクリニックに通院中。", "双極性障害。月1回通院。"),
        (_ACTIVITY, "自立訓練（生活訓練）事業所「はじめの一歩」", _HELPER),
    ),
    "intellectual_mild": Profile(
        (_.INTELLECTUAL,),
        _.INTELLECTUAL,
        ("2", "3"),
        ((_RYOIKU_B,),),
        ("軽度知的障害。特別支援学校高等部卒業。", "知的障害。金銭管理に支援が必要。"),
        (_B_TYPE, _GROUP_HOME, _HELPER, "就労移行支援事業所「ステップ」"),
    ),
    "intellectual_severe": Profile(
        (_.INTELLECTUAL,),
        _.INTELLECTUAL,
        ("5", "6"),
        ((_RYOIKU_A,),),
        ("重度知的障害、自閉スペクトラム症。言葉でのやりとりは単語程度。",),
        (_DAY_CARE, _SHORT_STAY, "行動援護"),
        evacuation=True,
    ),
    "severe_multiple": Profile(
        (_.INTELLECTUAL, _.PHYSICAL),
        _.MULTIPLE,
        ("6",),
        ((_RYOIKU_A, _LIMB1),),
        ("重症心身障害。胃ろうあり、夜間の吸引が必要。",),
        (_DAY_CARE, "医療型短期入所", "訪問看護", "重度訪問介護"),
        evacuation=True,
    ),
    "autism_adult": Profile(
        (_.DEVELOPMENTAL,),
        _.DEVELOPMENTAL,
        ("", "1"),
        (
            (_MENTAL3,),
            (CertificateSpec(CertificateKind.MENTAL, "3", status=CertificateStatus.APPLYING),),
        ),
        ("自閉スペクトラム症（成人後に診断）。", "ADHD・自閉スペクトラム症。"),
        ("就労移行支援事業所「ステップ」", _ACTIVITY, "自立訓練（生活訓練）事業所「はじめの一歩」"),
    ),
    "child_developmental": Profile(
        (_.DEVELOPMENTAL,),
        _.DEVELOPMENTAL,
        ("",),
        ((), (_RYOIKU_B,)),
        (
            "自閉スペクトラム症。小学校の特別支援学級に在籍。",
            "ADHD。通常学級に在籍、通級指導を利用。",
        ),
        ("放課後等デイサービス「にじいろ」", "児童発達支援センター「つくし」の相談"),
    ),
    "cerebral_palsy": Profile(
        (_.PHYSICAL,),
        _.PHYSICAL,
        ("4", "5", "6"),
        ((_LIMB1,), (_LIMB2,)),
        ("脳性まひ。車いすを使用。",),
        ("重度訪問介護", _DAY_CARE, "移動支援"),
        evacuation=True,
    ),
    "stroke": Profile(
        (_.PHYSICAL, _.HIGHER_BRAIN),
        _.PHYSICAL,
        ("3", "4"),
        ((_LIMB2,), (_LIMB2, _MENTAL2)),
        ("脳梗塞後の右片まひと高次脳機能障害。", "脳出血後遺症。左片まひ、注意障害あり。"),
        ("自立訓練（機能訓練）", _HELPER, "生活介護事業所「けやき」"),
        evacuation=True,
    ),
    "higher_brain": Profile(
        (_.HIGHER_BRAIN,),
        _.HIGHER_BRAIN,
        ("1", "2"),
        ((_MENTAL2,),),
        ("交通事故による高次脳機能障害。記憶障害と易疲労。",),
        ("自立訓練（生活訓練）事業所「はじめの一歩」", "就労移行支援事業所「ステップ」"),
    ),
    "intractable": Profile(
        (_.INTRACTABLE_DISEASE,),
        _.INTRACTABLE_DISEASE,
        ("3", "4"),
        (
            (_LIMB3,),
            (
                CertificateSpec(
                    CertificateKind.PHYSICAL,
                    "3",
                    PhysicalDisabilityType.LIMB,
                    CertificateStatus.APPLYING,
                ),
            ),
        ),
        ("脊髄小脳変性症。歩行が不安定。", "多発性硬化症。疲れやすく、しびれがある。"),
        (_HELPER, "訪問看護", "補装具（歩行器）"),
        evacuation=True,
    ),
    "visual": Profile(
        (_.PHYSICAL,),
        _.PHYSICAL,
        ("", "2"),
        ((CertificateSpec(CertificateKind.PHYSICAL, "1", PhysicalDisabilityType.VISUAL),),),
        ("網膜色素変性症。全盲。",),
        ("同行援護", _HELPER),
        evacuation=True,
    ),
    "undiagnosed": Profile(
        (_.UNDIAGNOSED,),
        _.UNDIAGNOSED,
        ("",),
        ((),),
        ("診断・手帳なし。10年以上ほとんど外出していない。",),
        (_ACTIVITY, "ひきこもり地域支援センターの居場所"),
    ),
    "intellectual_mental": Profile(
        (_.INTELLECTUAL, _.MENTAL),
        _.MULTIPLE,
        ("3", "4"),
        ((_RYOIKU_B, _MENTAL2),),
        ("軽度知的障害と統合失調症。",),
        (_B_TYPE, _GROUP_HOME, "訪問看護"),
    ),
}
del _


# --- Stories: what the casework is about -------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    """One revision of the formulation (見立て) as the understanding grows."""

    summary: str
    hypothesis: str
    policy: str
    prompted_by: str


@dataclass(frozen=True)
class Story:
    domains: tuple[str, ...]
    main_concerns: tuple[str, ...]
    # (consulter, channel, referring organization code or "")
    intake: tuple[tuple[Consulter, Channel, str], ...]
    factors: tuple[str, ...]
    complex_rate: float
    background: str
    stages: tuple[Stage, Stage, Stage, Stage]
    observations: tuple[str, ...]
    # (organization code, or "@ward" for the person's ward office; team role)
    team: tuple[tuple[str, TeamRole], ...]
    closures: tuple[str, ...]
    restricted: tuple[str, ...] = ()
    statutory_rate: float = 0.0


CLOSE_GENERIC = (
    "目標としていた生活が安定し、本人・家族と確認のうえ終結",
    "市外への転居により終結（転居先の相談支援事業所へ引継ぎ）",
    "指定特定相談支援事業所による計画相談へ移行し、基本相談は終結",
)

STORIES: dict[str, Story] = {
    # Seed 001 ①: 86歳の母と40代の長男（統合失調症）、任意後見人に不審な動き。
    "8050_guardian": Story(
        domains=("rights", "money", "health", "family"),
        main_concerns=(
            "本町地域包括支援センターより。86歳の母と二人暮らしの長男（統合失調症）について、"
            "母の物忘れが目立ち、長男の服薬管理も難しくなっている様子。母の任意後見人の金銭の"
            "扱いにも気になる点があるとのこと。",
        ),
        intake=((Consulter.AGENCY, Channel.VIA_AGENCY, "elderly-honcho"),),
        factors=(
            "life.money",
            "life.caregiver_abuse",
            "env.multiple_needs",
            "env.no_family_support",
            "supporter.refusal",
            "supporter.teaming",
        ),
        complex_rate=1.0,
        background=(
            "父の死後、母が長男の通院と家計をひとりで担ってきた。親族との行き来はなく、"
            "近所づきあいも減っている。母は「人の世話にはならない」と介護サービスを断ってきた。"
        ),
        stages=(
            Stage(
                "母（86歳）と長男の二人暮らし。母に物忘れが目立ち、長男の服薬や通院の管理が"
                "難しくなっている。母はサービス利用を希望していない。",
                "これまで母が長男の生活全般を支えてきたが、母の認知機能低下で家庭内の支えが"
                "崩れつつある。長男の病状悪化と世帯の孤立が同時に進むおそれがある。",
                "包括と役割を分け、長男は当事業所、母は包括が担当する。まずは定期訪問で関係を"
                "つくり、通院状況を把握する。",
                "包括からの相談と初回訪問の結果をもとに作成。",
            ),
            Stage(
                "母の認知症検査の日程が決まり、長男は付き添うと話している。一方、母の任意後見人"
                "による金銭管理に不明な点がある。",
                "長男は母を支えたい気持ちが強く、役割があることで生活が安定している面がある。"
                "金銭面の不透明さは世帯の生活基盤を揺るがしかねない。",
                "長男の「母を支える役割」を尊重しつつ通院同行を支援する。金銭管理は区役所・"
                "基幹センターと支援会議で検討する。",
                "母の検査予約と、後見人の金銭管理に関する包括からの情報。",
            ),
            Stage(
                "支援会議で後見人の対応を協議し、区役所が後見監督人選任の申立てを検討することに"
                "なった。長男は服薬を続け、母の通院にも付き添えている。",
                "公的な枠組みで金銭面の不安が軽くなれば、長男は落ち着いて自分の通院を続けられる。",
                "区役所が申立て、包括が母の介護保険申請、当事業所は長男の通院と日中活動の検討を"
                "担う。",
                "支援会議での協議結果。",
            ),
            Stage(
                "母は訪問介護を週2回利用し始めた。長男は地域活動支援センターに週1回通い始め、"
                "「母のことを話せる場所ができた」と話す。",
                "母の生活が外部の支援で支えられるようになり、長男の負担と不安が減った。長男自身の"
                "生活の広がりが次の課題。",
                "月1回のモニタリングで日中活動の定着を見守る。母の状態が変わったときは包括と"
                "すぐに共有する。",
                "母のサービス利用開始と、長男の地域活動支援センター通所開始。",
            ),
        ),
        observations=(
            "母は「まだ自分でできる」と繰り返すが、冷蔵庫には同じ食品がいくつも入っていた。",
            "長男は母の様子を気にかけ、「最近同じことを何度も聞く」と話す。",
            "長男の服薬カレンダーに飲み忘れが数日分あった。",
            "母の年金の通帳は後見人が預かっており、母も長男も残高を知らない。",
            "長男は母の検査に付き添うと自分から申し出た。",
        ),
        team=(
            ("elderly-honcho", TeamRole.JOINT),
            ("hospital-midorinomori", TeamRole.MEDICAL),
            ("@ward", TeamRole.ADMINISTRATION),
            ("core-center", TeamRole.JOINT),
            ("commissioner-honcho", TeamRole.INFORMAL),
        ),
        closures=CLOSE_GENERIC,
        restricted=(
            "任意後見人が母の通帳を預かったまま使途の説明に応じていないとの情報。権利擁護の"
            "観点から区役所・包括と共有し、経過を記録する。本人・母には現時点で伝えない。",
        ),
        statutory_rate=1.0,
    ),
    # Seed 001 ②: 90代要介護の母、60代作業所通所の長男、50代の長女。皆が母の年金をあてに。
    "8050_pension": Story(
        domains=("money", "family", "welfare_services"),
        main_concerns=(
            "民生委員より。90代の母（要介護）と60代の長男、50代の長女の三人暮らし。家賃の"
            "滞納があり、母の年金を家族みんなでやりくりしている様子で心配とのこと。",
        ),
        intake=((Consulter.WELFARE_COMMISSIONER, Channel.PHONE, "commissioner-honcho"),),
        factors=(
            "life.money",
            "env.multiple_needs",
            "env.resource_literacy",
            "trait.social_skills",
            "supporter.teaming",
        ),
        complex_rate=1.0,
        background=(
            "長男は20年以上作業所に通っている。長女は離婚後に実家へ戻った。家計は母の年金が"
            "中心で、誰も全体を把握していない。"
        ),
        stages=(
            Stage(
                "90代の母、長男、長女の三人世帯。家賃を3か月滞納し、母の年金をめぐって口論が"
                "増えている。",
                "家族それぞれに金銭管理の難しさがあり、母の年金に頼る構造が滞納と不和を生んで"
                "いる。誰か一人の問題ではなく世帯の仕組みの問題。",
                "世帯全体の収支を把握し、長男・長女それぞれの収入（工賃・年金）を確認する。"
                "包括・区役所と世帯支援の役割を整理する。",
                "民生委員からの相談と、最近介入を始めたばかりの初回訪問の結果。",
            ),
            Stage(
                "長男の障害年金が母の口座に振り込まれていたことがわかった。長女は求職中。",
                "お金の流れが一つの口座に集まり、誰のためのお金かが曖昧になっている。",
                "長男の年金口座を分け、日常生活自立支援事業の利用を提案する。長女には生活困窮"
                "者の相談窓口を案内する。",
                "通帳の確認で判明した年金の振込先。",
            ),
            Stage(
                "日常生活自立支援事業の契約が成立し、長男の金銭管理が始まった。滞納は分割で"
                "返済中。",
                "お金の仕組みが見えるようになり、家族間の口論が減った。母の介護負担は長女に"
                "偏り始めている。",
                "母の介護サービスを増やし、長女の負担を軽くする。長男の作業所での様子も確認する。",
                "日常生活自立支援事業の開始と、長女からの「疲れた」という訴え。",
            ),
            Stage(
                "母はショートステイを月1回利用。長女はパート就労を始めた。",
                "それぞれが自分の役割と収入を持てたことで、世帯が落ち着いてきた。",
                "3か月ごとに世帯全体のモニタリングを行い、母の状態変化に備える。",
                "長女の就労開始とショートステイの定着。",
            ),
        ),
        observations=(
            "家賃の督促状が玄関の棚に束になって置かれていた。",
            "長男は「お金のことは母に任せている」と話す。",
            "長女は「母の年金がないと暮らせない」と率直に話した。",
            "母はベッドで過ごす時間が長く、長女が食事の介助をしている。",
        ),
        team=(
            ("commissioner-honcho", TeamRole.INFORMAL),
            ("elderly-honcho", TeamRole.JOINT),
            ("@ward", TeamRole.ADMINISTRATION),
            ("core-center", TeamRole.JOINT),
        ),
        closures=CLOSE_GENERIC,
        statutory_rate=0.5,
    ),
    # Seed 001 ③: 80代の母と40代の長女（知的障害）、金銭で口論、一時分離を繰り返す、共依存。
    "8050_codependence": Story(
        domains=("family", "money", "abuse"),
        main_concerns=(
            "中央区役所より。80代の母と長女（知的障害）の二人暮らし。お金のことで口論になり、"
            "長女が興奮して物を投げる。これまでも一時的に離れて暮らすことを繰り返している。",
        ),
        intake=((Consulter.AGENCY, Channel.VIA_AGENCY, "ward-chuo"),),
        factors=(
            "trait.aggression",
            "env.family_conflict",
            "env.family_acceptance",
            "life.money",
            "supporter.formulation",
        ),
        complex_rate=1.0,
        background=(
            "長女は特別支援学校卒業後、母と離れたことがない。母は長女の障害を「甘え」と捉える"
            "ことがあり、お金を渡す・渡さないで毎日のように言い合いになる。"
        ),
        stages=(
            Stage(
                "母と長女の二人暮らし。金銭をめぐる口論から長女が情緒不安定になり、傷害の"
                "おそれから一時分離を繰り返している。",
                "お互いに離れられない共依存の関係があり、お金が関係の緊張を表に出すきっかけに"
                "なっている。",
                "安全を最優先に、緊急時の一時保護先を確保する。長女・母それぞれの話を別々に聞く。",
                "区役所からの相談と、長女・母それぞれとの面談の結果。",
            ),
            Stage(
                "長女は短期入所の間は落ち着いて過ごしている。帰宅すると数日で口論が再燃する。",
                "長女の不安は「母がいなくなったらどうしよう」という思いから来ている可能性がある。"
                "母の認知機能の低下も口論を増やしている。",
                "長女の日中の居場所を増やし、母と離れる時間を日常的につくる。母の受診を包括と"
                "進める。",
                "短期入所中の長女の様子と、母の物忘れに関する包括からの情報。",
            ),
            Stage(
                "長女が生活介護に週4日通い始めた。母は認知症の診断を受け、要介護1。",
                "離れる時間ができて口論は減った。将来の住まいについて長女自身の希望を聞く時期。",
                "グループホームの体験利用を本人の希望を確かめながら進める。",
                "生活介護の通所開始と母の診断。",
            ),
            Stage(
                "グループホームの体験を2回行い、長女は「週末は母に会いに帰る」と話している。",
                "離れて暮らしても関係は続けられるという見通しが、母子双方の安心につながっている。",
                "入居に向けた調整と、母の在宅生活の支援を包括と並行して進める。",
                "体験利用後の長女の言葉。",
            ),
        ),
        observations=(
            "訪問時、居間の障子が破れていた。母は「昨日またけんかした」と話す。",
            "長女は母のいない場所では穏やかに話し、「お母さんに怒られるのがいや」と言った。",
            "母は「この子は私がいないと何もできない」と繰り返す。",
            "長女は短期入所から帰る日を指折り数えていたと職員から聞く。",
        ),
        team=(
            ("@ward", TeamRole.ADMINISTRATION),
            ("life-hub", TeamRole.JOINT),
            ("elderly-honcho", TeamRole.JOINT),
            ("core-center", TeamRole.JOINT),
        ),
        closures=CLOSE_GENERIC,
        restricted=(
            "長女の腕にあざがあり、本人は「お母さんにつかまれた」と話す。虐待の可能性を考え、"
            "区役所に通報・相談した。母には区役所から事実確認を行う予定。",
        ),
        statutory_rate=0.5,
    ),
    "8050": Story(
        domains=("family", "withdrawal", "health"),
        main_concerns=(
            "80代の{kp}より電話。50代の子が長年家から出ておらず、自分が入院したらどうなるのか"
            "心配とのこと。",
            "本町地域包括支援センターより。要介護認定の訪問で、同居の50代の子が部屋から出て"
            "こないことがわかった。",
            "民生委員より。高齢の親と同居する50代の子について、最近親の姿を見かけず心配との相談。",
        ),
        intake=(
            (Consulter.FAMILY, Channel.PHONE, ""),
            (Consulter.AGENCY, Channel.VIA_AGENCY, "elderly-honcho"),
            (Consulter.WELFARE_COMMISSIONER, Channel.PHONE, "commissioner-honcho"),
        ),
        factors=(
            "life.withdrawal",
            "env.multiple_needs",
            "env.no_family_support",
            "supporter.refusal",
            "trait.communication",
        ),
        complex_rate=0.6,
        background=(
            "仕事を辞めてから家族以外との関わりがほとんどない。{kp}は高齢で通院が増え、"
            "自分がいなくなった後のことを口にするようになった。"
        ),
        stages=(
            Stage(
                "高齢の{kp}と50代の子の二人暮らし。子は長く自宅で過ごし、外部との接点がない。",
                "{kp}の体調悪化で世帯の暮らしが立ち行かなくなるおそれがある。本人は支援を求めて"
                "いないが、困っていないわけではないと考える。",
                "まず{kp}を通じて手紙で挨拶し、本人が会ってもよいと思える形を探る。",
                "{kp}からの相談と、{kp}との面談の結果。",
            ),
            Stage(
                "本人と玄関先で短時間話せるようになった。{like}が好きだとわかった。",
                "本人は人と話すことそのものより、評価されることを怖がっているように見える。",
                "訪問は短時間・定期的に続け、{like}の話題を入り口にする。",
                "初めて本人と会えた訪問。",
            ),
            Stage(
                "{kp}が入院し、本人が一人で数週間過ごした。食事は自分で買いに行けていた。",
                "本人には思っていた以上に生活する力がある。一方、{kp}の退院後の介護が新たな課題。",
                "{kp}の入院を機に、本人の生活費と手続きを一緒に確認する。包括と退院後の支援を"
                "調整する。",
                "{kp}の緊急入院。",
            ),
            Stage(
                "本人は地域活動支援センターに月2回顔を出すようになった。{kp}は訪問介護を利用。",
                "{kp}の世話と自分の生活の両方に小さな役割を持てている。",
                "本人のペースを守りながら、将来の住まいと収入について話し合いを始める。",
                "本人の通所開始と、{kp}の介護サービス導入。",
            ),
        ),
        observations=(
            "{kp}は「この子のことを誰にも相談できなかった」と涙ぐんだ。",
            "本人は襖越しに返事をした。声は落ち着いていた。",
            "台所に本人が作ったらしいカップ麺の空き容器が積まれていた。",
            "{kp}の通院には本人がタクシーを呼んで付き添っているとのこと。",
        ),
        team=(
            ("elderly-honcho", TeamRole.JOINT),
            ("hikikomori-center", TeamRole.JOINT),
            ("@ward", TeamRole.ADMINISTRATION),
            ("commissioner-honcho", TeamRole.INFORMAL),
        ),
        closures=CLOSE_GENERIC,
        statutory_rate=0.3,
    ),
    "double_care": Story(
        domains=("welfare_services", "family"),
        main_concerns=(
            "{kp}より来所相談。子どもの障害と、同居する祖母の介護が重なり、自分の時間が"
            "まったくないとのこと。",
            "小学校より。児童の母親が疲れ切っている様子で、家庭の状況が心配との連絡。",
        ),
        intake=(
            (Consulter.FAMILY, Channel.VISIT_TO_OFFICE, ""),
            (Consulter.AGENCY, Channel.VIA_AGENCY, "school-honcho"),
        ),
        factors=("env.multiple_needs", "env.no_family_support", "supporter.teaming"),
        complex_rate=0.4,
        background=(
            "父は単身赴任中で、平日の育児と介護は{kp}がひとりで担っている。祖母は要介護2。"
        ),
        stages=(
            Stage(
                "障害のある子の育児と祖母の介護が{kp}ひとりに集中している。",
                "{kp}は「自分がやらなければ」という思いが強く、助けを求めるのが遅れた。"
                "{kp}が倒れると子も祖母も生活が立ち行かない。",
                "子の放課後の居場所と祖母の介護サービスを同時に整え、{kp}の休める時間をつくる。",
                "{kp}の来所相談と家庭訪問の結果。",
            ),
            Stage(
                "放課後等デイサービスの利用が始まったが、子は慣れずに泣いて帰ってくる日がある。",
                "子にとって新しい場所への不安が大きい。慣れるまでの段階的な関わりが必要。",
                "利用日を週2日から始め、事業所に子の好きな{like}のことを伝えておく。",
                "利用開始後の子の様子。",
            ),
            Stage(
                "子はデイサービスを楽しみにするようになった。祖母がショートステイを利用し始めた。",
                "{kp}に休める時間ができ、表情が明るくなった。",
                "包括と情報を共有し、介護と障害の支援の会議を合同で開く。",
                "ショートステイ導入と{kp}の言葉。",
            ),
            Stage(
                "生活は落ち着いている。{kp}はパート勤務を再開したいと話している。",
                "{kp}自身の希望を支えることが世帯全体の安定につながる。",
                "{kp}の就労に合わせてサービスの時間を調整する。",
                "{kp}からの就労の希望。",
            ),
        ),
        observations=(
            "{kp}は「夜中に祖母に起こされ、朝は子の支度で、寝る時間がない」と話す。",
            "子は{like}の図鑑を見せてくれた。",
            "祖母の介護は包括の担当ケアマネジャーが入っている。",
            "学校では落ち着いているが、家では癇癪が増えているとのこと。",
        ),
        team=(
            ("school-honcho", TeamRole.SCHOOL),
            ("elderly-honcho", TeamRole.JOINT),
            ("@ward", TeamRole.ADMINISTRATION),
        ),
        closures=CLOSE_GENERIC,
    ),
    "young_carer": Story(
        domains=("family", "health", "school_refusal"),
        main_concerns=(
            "本町小学校より。児童が母親の看病のため欠席が増えている。母親は精神疾患で"
            "通院中とのこと。",
            "本人より電話。体調が悪く家事ができない。子どもに頼ってしまっているのがつらい。",
        ),
        intake=(
            (Consulter.AGENCY, Channel.VIA_AGENCY, "school-honcho"),
            (Consulter.SELF, Channel.PHONE, ""),
        ),
        factors=("env.multiple_needs", "env.no_family_support", "life.medical"),
        complex_rate=0.5,
        background=(
            "離婚後、本人と子の二人暮らし。本人の体調が悪い日は、子が食事の支度や買い物を"
            "している。親族は遠方。"
        ),
        stages=(
            Stage(
                "本人の体調不良で、{kp}が家事と見守りを担い、学校を休みがちになっている。",
                "{kp}は母を心配して自分から家に残っている。本人は申し訳なさを感じ、かえって"
                "相談しにくくなっている。",
                "本人の家事援助を導入し、{kp}が子どもとして過ごせる時間を取り戻す。学校と連携する。",
                "学校からの連絡と本人との面談の結果。",
            ),
            Stage(
                "ヘルパーが週2回入るようになった。{kp}は登校できる日が増えた。",
                "家事の負担が減り、本人の気持ちにも余裕が出てきた。",
                "本人の通院を安定させ、体調の波に合わせた支援の増減を決めておく。",
                "家事援助の開始と学校からの出席状況の報告。",
            ),
            Stage(
                "本人が一時入院した。{kp}は親族宅で過ごした。",
                "入院時の{kp}の居場所を事前に決めておくことが、本人の安心にもつながる。",
                "緊急時の連絡先と{kp}の預け先を、本人・学校・区役所と確認しておく。",
                "本人の入院。",
            ),
            Stage(
                "本人は退院後、デイケアに通っている。{kp}は部活動を始めた。",
                "本人と{kp}がそれぞれの生活を持てるようになった。",
                "3か月ごとに状況を確認し、本人の体調悪化時の手順を見直す。",
                "{kp}の部活動開始と本人のデイケア通所。",
            ),
        ),
        observations=(
            "{kp}が学校から帰るとすぐに洗濯物を取り込んでいた。",
            "本人は「この子に頼りすぎている」と話した。",
            "担任によると、{kp}は授業中に居眠りをすることがある。",
            "本人は服薬を続けているが、朝起きられない日が週に数日ある。",
        ),
        team=(
            ("school-honcho", TeamRole.SCHOOL),
            ("hospital-midorinomori", TeamRole.MEDICAL),
            ("@ward", TeamRole.ADMINISTRATION),
        ),
        closures=CLOSE_GENERIC,
    ),
    "withdrawal": Story(
        domains=("withdrawal", "family", "employment"),
        main_concerns=(
            "{kp}より来所相談。20代の子が大学を中退してから自室にこもりがちで、昼夜逆転している。",
            "ひきこもり地域支援センターより。家族相談を続けてきたが、本人に発達障害の可能性が"
            "あり、障害福祉の相談支援と一緒に関わってほしいとの依頼。",
        ),
        intake=(
            (Consulter.FAMILY, Channel.VISIT_TO_OFFICE, ""),
            (Consulter.AGENCY, Channel.VIA_AGENCY, "hikikomori-center"),
        ),
        factors=(
            "life.withdrawal",
            "trait.communication",
            "env.family_conflict",
            "supporter.refusal",
        ),
        complex_rate=0.4,
        background=(
            "中学校で不登校を経験。大学でグループ課題がうまくいかず中退した。{kp}は心配から"
            "つい就職を急かしてしまう。"
        ),
        stages=(
            Stage(
                "自室で過ごすことが多く、家族とも食事を別にとっている。外出はコンビニ程度。",
                "集団の中で失敗した経験から、人と関わる場面を避けている。{kp}の焦りが本人の"
                "緊張を強めている可能性がある。",
                "{kp}の相談を続けながら、本人とは手紙やメールで無理のない接点をつくる。",
                "{kp}との面談とひきこもり地域支援センターからの情報。",
            ),
            Stage(
                "本人とメールでやりとりができるようになった。{like}の話題には長い返信がある。",
                "本人は関心のあることには集中できる。対面よりも文字のほうが安心できる。",
                "メールでのやりとりを続け、{like}に関係する居場所の情報を少しずつ伝える。",
                "本人から初めてのメールの返信。",
            ),
            Stage(
                "本人が事業所に来所した。発達障害の診断を受けることに関心を示している。",
                "自分の特性を知ることが、本人にとって安心材料になりうる。",
                "受診先の情報を提供し、希望すれば同行する。",
                "本人の初来所と、受診への関心。",
            ),
            Stage(
                "自閉スペクトラム症と診断された。自立訓練の見学に行き、通所を検討中。",
                "診断をきっかけに、本人が自分に合う場を選ぼうとしている。",
                "見学・体験を本人のペースで重ね、通所先を一緒に決める。",
                "診断の結果と見学後の本人の感想。",
            ),
        ),
        observations=(
            "{kp}は「このまま一生家にいるのではないか」と不安を話した。",
            "本人は部屋の扉を少し開けて、こちらの話を聞いていた。",
            "本人の部屋には{like}に関する本がきれいに並べられていると{kp}から聞く。",
            "夜中にゲームの音がして眠れないと{kp}がこぼす。",
        ),
        team=(("hikikomori-center", TeamRole.JOINT), ("hospital-midorinomori", TeamRole.MEDICAL)),
        closures=CLOSE_GENERIC,
    ),
    "poverty": Story(
        domains=("money", "poverty", "housing"),
        main_concerns=(
            "中央区役所の生活保護担当より。知的障害のある方が消費者金融からの借入を重ね、"
            "家賃も滞納している。金銭管理の支援をお願いしたい。",
            "本人より来所相談。お金がなくて電気を止められそう。どうしたらいいかわからない。",
        ),
        intake=(
            (Consulter.AGENCY, Channel.VIA_AGENCY, "@ward"),
            (Consulter.SELF, Channel.VISIT_TO_OFFICE, ""),
        ),
        factors=("life.money", "trait.social_skills", "env.resource_literacy", "supporter.refusal"),
        complex_rate=0.5,
        background=(
            "高校卒業後に工場で働いていたが、人間関係のトラブルで退職。その後は日雇いの仕事を"
            "転々とし、生活費が足りない分を借入でしのいできた。"
        ),
        stages=(
            Stage(
                "借入が複数あり、家賃と公共料金を滞納している。収入は不安定。",
                "契約の内容を十分に理解しないまま借入を重ねてきた。本人は困っているが、何から"
                "手をつければよいかわからない。",
                "収支を一緒に書き出し、債務整理について法テラスにつなぐ。手帳の取得も検討する。",
                "区役所からの依頼と初回面談。",
            ),
            Stage(
                "療育手帳B判定を取得。債務整理の手続きを進めている。",
                "手帳の取得で使える支援が増えた。本人は「自分のせいだと思っていた」と話した。",
                "日常生活自立支援事業の利用を申し込み、障害年金の申請も検討する。",
                "手帳の判定結果と本人の言葉。",
            ),
            Stage(
                "日常生活自立支援事業で毎週生活費を受け取っている。B型事業所に通い始めた。",
                "決まった生活費と日中の居場所ができ、借入をしなくても暮らせている。",
                "障害年金の請求を支援し、生活の見通しを本人と確認する。",
                "金銭管理の開始とB型事業所の通所開始。",
            ),
            Stage(
                "障害年金の受給が決まった。本人は貯金を始めたいと話している。",
                "収入が安定し、将来の目標を持てるようになった。",
                "月1回の面談で家計を振り返り、本人の目標に合わせて金銭管理の方法を見直す。",
                "年金の受給決定。",
            ),
        ),
        observations=(
            "督促のはがきが封も開けずに何通もあった。",
            "本人は携帯電話のゲームに月数万円を使っていたことを打ち明けた。",
            "電気料金の支払期限が迫っており、区役所と相談して支払いの猶予を申し出た。",
            "本人は「もう借りない」と自分から言った。",
        ),
        team=(("@ward", TeamRole.ADMINISTRATION), ("life-hub", TeamRole.JOINT)),
        closures=CLOSE_GENERIC,
    ),
    "dv": Story(
        domains=("abuse", "family", "housing"),
        main_concerns=(
            "本人より電話。夫からの暴言・暴力があり、子どもを連れて家を出た。体調も悪く、"
            "これからのことが不安。",
        ),
        intake=((Consulter.SELF, Channel.PHONE, ""),),
        factors=("env.family_conflict", "env.no_family_support", "life.medical"),
        complex_rate=0.6,
        background="結婚後、夫の暴言が続き、うつ病を発症した。実家とは疎遠。",
        stages=(
            Stage(
                "夫の暴力から逃れ、子どもと市内のアパートに転居した。うつ症状が強い。",
                "安全が確保されたことで疲れが一気に出ている。住所を知られる不安が強い。",
                "住民票の閲覧制限などの手続きを区役所と進める。通院を再開する。",
                "本人からの電話相談と区役所での面談。",
            ),
            Stage(
                "通院を再開した。子どもは新しい学校に通っている。",
                "生活の基盤は整いつつあるが、本人はまだ一人で外出することに不安がある。",
                "ヘルパーの家事援助を導入し、本人が休める時間をつくる。",
                "通院の再開と子どもの転校。",
            ),
            Stage(
                "離婚調停が始まった。調停の前後に体調を崩す。",
                "調停が大きなストレスになっている。見通しを共有することで不安を減らせる。",
                "調停の日程を共有し、前後の訪問を増やす。",
                "調停の開始。",
            ),
            Stage(
                "調停が成立した。本人は「やっと自分の生活を考えられる」と話す。",
                "本人が自分の生活に目を向けられるようになった。",
                "本人の希望に沿って、日中活動や就労について情報提供を始める。",
                "調停の成立。",
            ),
        ),
        observations=(
            "本人は来訪者があるたびに玄関ののぞき穴を確認すると話す。",
            "子どもは新しい学校で友だちができたとのこと。",
            "夜は眠れているが、朝起きるのがつらいとのこと。",
        ),
        team=(("@ward", TeamRole.ADMINISTRATION), ("hospital-midorinomori", TeamRole.MEDICAL)),
        closures=CLOSE_GENERIC,
        restricted=(
            "（限定公開）現住所は区役所・主治医以外に伝えない。元夫側の親族から本人の居場所を"
            "尋ねる電話が事業所にあったが、回答していない。",
            "（限定公開）本人より、元夫が子の学校付近に現れたとの連絡。区役所・学校・警察と"
            "情報を共有し、登下校の見守りを依頼した。",
        ),
    ),
    "hoarding": Story(
        domains=("housing", "health"),
        main_concerns=(
            "近隣住民より区役所経由。家の周りにごみがあふれ、においがする。住んでいる兄弟が"
            "心配とのこと。",
            "民生委員より。ごみ屋敷になっている家があり、中に障害のある方が住んでいるらしい。",
        ),
        intake=(
            (Consulter.NEIGHBOR, Channel.VIA_AGENCY, "@ward"),
            (Consulter.WELFARE_COMMISSIONER, Channel.PHONE, "commissioner-honcho"),
        ),
        factors=(
            "life.hoarding",
            "life.self_care",
            "trait.worldview",
            "supporter.refusal",
            "env.no_family_support",
        ),
        complex_rate=0.9,
        background=(
            "両親が亡くなってから兄弟二人で暮らしている。ごみの分別がわからず、出せない"
            "まま溜まっていった。"
        ),
        stages=(
            Stage(
                "自宅内外にごみが積み重なり、近隣から苦情が出ている。本人は片付けを拒んでいる。",
                "本人にとってごみの多くは「まだ使えるもの」であり、捨てることへの不安が強い。"
                "近隣との関係も悪化している。",
                "片付けを急がず、まず定期訪問で関係をつくる。健康状態を確認する。",
                "近隣からの苦情と初回訪問の結果。",
            ),
            Stage(
                "本人が台所の一角だけ片付けることに同意した。",
                "自分で選んだ範囲なら手放すことができる。",
                "本人と範囲を決めて少しずつ片付け、できたことを一緒に確認する。",
                "本人の同意。",
            ),
            Stage(
                "台所と玄関が片付き、ヘルパーが入れるようになった。",
                "生活空間が戻ったことで、食事や入浴の支援が可能になった。",
                "家事援助を導入し、ごみ出しの曜日を本人と一緒に確認する。",
                "片付けの進み具合。",
            ),
            Stage(
                "ごみ出しの習慣が定着しつつある。近隣からの苦情はなくなった。",
                "本人の生活が安定し、地域との関係も修復しつつある。",
                "民生委員の見守りと月1回の訪問で状態を維持する。",
                "苦情の解消と民生委員からの報告。",
            ),
        ),
        observations=(
            "玄関から居間まで、新聞と空き箱が腰の高さまで積まれていた。",
            "本人は「全部使うものだ」と話し、手に取って説明してくれた。",
            "兄は足を悪くしており、ごみを出しに行くことができないとのこと。",
            "近隣の方から、最近はあいさつを返してくれるようになったと聞いた。",
        ),
        team=(
            ("@ward", TeamRole.ADMINISTRATION),
            ("commissioner-honcho", TeamRole.INFORMAL),
            ("core-center", TeamRole.JOINT),
        ),
        closures=CLOSE_GENERIC,
        statutory_rate=0.7,
    ),
    "child": Story(
        domains=("welfare_services", "school_refusal", "family"),
        main_concerns=(
            "{kp}より来所相談。子どもの発達のことで学校から指摘を受け、放課後の過ごし方に"
            "ついて相談したい。",
            "本町小学校より。登校しぶりが続く児童について、家庭と一緒に考えてほしいとの依頼。",
        ),
        intake=(
            (Consulter.FAMILY, Channel.VISIT_TO_OFFICE, ""),
            (Consulter.AGENCY, Channel.VIA_AGENCY, "school-honcho"),
        ),
        factors=("trait.communication", "env.family_acceptance", "life.withdrawal"),
        complex_rate=0.25,
        background=(
            "幼いころから音や人の多い場所が苦手。学年が上がり、教室での集団活動に負担を"
            "感じるようになった。"
        ),
        stages=(
            Stage(
                "登校しぶりがあり、週に数日欠席している。放課後は自宅で過ごしている。",
                "教室の刺激の多さが負担になっている。家庭では安心して過ごせている。",
                "学校と家庭の情報を合わせて、本人が安心できる場面を探す。",
                "{kp}の相談と学校からの情報。",
            ),
            Stage(
                "放課後等デイサービスの見学に行き、本人が「また行きたい」と話した。",
                "少人数で好きな{like}に取り組める環境なら、本人は力を発揮できる。",
                "放課後等デイサービスを週2日利用する障害児支援利用計画を作成する。",
                "見学後の本人の言葉。",
            ),
            Stage(
                "デイサービスに通うようになり、学校も別室登校から始めている。",
                "居場所が増えたことで、本人に少し自信が出てきた。",
                "学校・事業所・家庭で、本人がうまくいった場面を共有する。",
                "別室登校の開始。",
            ),
            Stage(
                "教室で過ごす時間が増えた。{kp}の表情も明るくなった。",
                "本人のペースを守ることが、結果として登校につながった。",
                "進級に向けて、新しい担任への引継ぎの方法を学校と相談する。",
                "学校での様子の変化。",
            ),
        ),
        observations=(
            "本人は{like}の絵を描いて見せてくれた。",
            "{kp}は「育て方が悪かったのかと思っていた」と話した。",
            "担任によると、休み時間は図書室で過ごしていることが多い。",
            "大きな音がするとイヤーマフをつけて落ち着いている。",
        ),
        team=(("school-honcho", TeamRole.SCHOOL), ("@ward", TeamRole.ADMINISTRATION)),
        closures=CLOSE_GENERIC,
    ),
    "severe_care": Story(
        domains=("welfare_services", "health", "family"),
        main_concerns=(
            "{kp}より電話。医療的ケアのある子の介護を続けてきたが、自分も腰を痛めて限界に"
            "近い。夜間に休める方法を知りたい。",
        ),
        intake=((Consulter.FAMILY, Channel.PHONE, ""),),
        factors=("env.multiple_needs", "env.no_family_support", "life.self_care"),
        complex_rate=0.4,
        background=(
            "生まれたときから{kp}が中心になって介護してきた。医療的ケアがあるため、受け入れ先の"
            "短期入所が限られている。"
        ),
        stages=(
            Stage(
                "{kp}の介護負担が大きく、夜間もほとんど眠れていない。",
                "医療的ケアに対応できる資源が少なく、{kp}が一人で抱え込んできた。",
                "医療型短期入所と訪問看護の利用を検討し、{kp}の休息を確保する。",
                "{kp}の相談と自宅訪問の結果。",
            ),
            Stage(
                "医療型短期入所を月2泊利用し始めた。本人は体調を崩さずに過ごせた。",
                "本人は新しい環境にも適応できる。{kp}は預けることへの罪悪感がある。",
                "短期入所中の本人の様子を写真で{kp}に伝えるよう事業所と相談する。",
                "短期入所の初回利用。",
            ),
            Stage(
                "{kp}が入院することになり、緊急で短期入所を延長した。",
                "緊急時の受け皿を前もって決めておく必要がある。",
                "地域生活支援拠点に緊急時対応の登録を行う。",
                "{kp}の入院。",
            ),
            Stage(
                "生活介護と短期入所を組み合わせ、{kp}の負担は軽くなった。",
                "将来の暮らしの場について、本人・家族と考え始める時期。",
                "親なき後を見据えて、住まいの選択肢を家族と一緒に見学する。",
                "{kp}の退院と将来への不安の言葉。",
            ),
        ),
        observations=(
            "{kp}は夜中に2時間おきに吸引をしていると話した。",
            "本人は音楽をかけると穏やかな表情になる。",
            "訪問看護師から、皮膚の状態は良好との報告を受けた。",
        ),
        team=(("hospital-midorinomori", TeamRole.MEDICAL), ("life-hub", TeamRole.JOINT)),
        closures=CLOSE_GENERIC,
    ),
    "stroke": Story(
        domains=("welfare_services", "health", "employment"),
        main_concerns=(
            "みどりの森病院の地域連携室より。脳梗塞で入院中の方の退院後の生活について相談"
            "したい。配偶者も持病があり心配とのこと。",
        ),
        intake=((Consulter.AGENCY, Channel.VIA_AGENCY, "hospital-midorinomori"),),
        factors=("life.self_care", "env.multiple_needs", "trait.social_skills"),
        complex_rate=0.3,
        background="発症前は会社員として働いていた。障害を受け入れきれず、リハビリに波がある。",
        stages=(
            Stage(
                "退院後、在宅での生活に向けた準備が必要。片まひがあり、入浴に介助が必要。",
                "以前の自分との違いに戸惑い、支援を受けることに抵抗がある。",
                "退院前カンファレンスに参加し、住宅改修とヘルパー導入を調整する。",
                "病院からの依頼と退院前カンファレンス。",
            ),
            Stage(
                "在宅生活が始まった。{kp}の通院が増え、介助が難しい日がある。",
                "{kp}の体調が世帯の暮らしを左右している。",
                "ヘルパーの回数を増やし、{kp}の体調にも目を配る。",
                "在宅生活の開始と{kp}の体調悪化。",
            ),
            Stage(
                "本人が「また働きたい」と話すようになった。",
                "仕事は本人にとって自分らしさを取り戻す大切な目標。",
                "自立訓練から就労に向けた段階を本人と一緒に考える。",
                "本人の就労の希望。",
            ),
            Stage(
                "自立訓練に通い、パソコン作業の練習をしている。",
                "目標を持てたことでリハビリにも前向きになった。",
                "就労支援機関と連携し、次の段階を検討する。",
                "自立訓練の通所状況。",
            ),
        ),
        observations=(
            "本人は「前は何でもできたのに」と悔しそうに話した。",
            "{kp}は本人の入浴の介助で腰を痛めているとのこと。",
            "手すりの設置が終わり、トイレへの移動は一人でできるようになった。",
        ),
        team=(("hospital-midorinomori", TeamRole.MEDICAL), ("@ward", TeamRole.ADMINISTRATION)),
        closures=CLOSE_GENERIC,
    ),
    "couple": Story(
        domains=("money", "welfare_services", "family"),
        main_concerns=(
            "グループホームを出て二人で暮らし始めた夫婦について、家計と家事のやりくりが"
            "うまくいっていないと作業所から連絡。",
        ),
        intake=((Consulter.AGENCY, Channel.PHONE, ""),),
        factors=("life.money", "trait.social_skills", "env.resource_literacy"),
        complex_rate=0.2,
        background="作業所で知り合い、結婚。二人とも初めての二人暮らし。",
        stages=(
            Stage(
                "夫婦二人の生活が始まったが、月末に食費が足りなくなる。",
                "二人とも頑張っているが、家計の見通しを立てる方法を知らない。",
                "家計簿を一緒につけ、使い道を見える形にする。",
                "作業所からの連絡と自宅訪問。",
            ),
            Stage(
                "給料日にまとめ買いをするようになり、食費は足りるようになった。",
                "具体的な工夫があれば二人で実行できる。",
                "家事の分担を二人で決め、ヘルパーは苦手な部分だけ手伝う。",
                "家計簿の振り返り。",
            ),
            Stage(
                "夫婦げんかが増えたと{kp}から相談。",
                "家事の分担をめぐる行き違いがある。",
                "二人それぞれの話を聞き、分担表を作り直す。",
                "{kp}からの相談。",
            ),
            Stage(
                "生活は落ち着いている。二人で旅行の計画を立てている。",
                "二人で楽しみを持てていることが生活の支えになっている。",
                "旅行の計画を一緒に立て、移動支援の利用を検討する。",
                "二人からの旅行の話。",
            ),
        ),
        observations=(
            "冷蔵庫にはお弁当の空き箱がたくさんあった。",
            "二人で作ったカレーの写真を見せてくれた。",
            "家計簿には丁寧な字で毎日の買い物が書かれていた。",
        ),
        team=(("@ward", TeamRole.ADMINISTRATION),),
        closures=CLOSE_GENERIC,
    ),
    # People on their own.
    "medical_dropout": Story(
        domains=("health", "housing", "welfare_services"),
        main_concerns=(
            "みどりの森病院の地域連携室より。通院が途切れ、入退院を繰り返している方の地域生活を"
            "一緒に支えてほしい。",
            "アパートの管理会社より区役所経由。夜中に大声を出している入居者がいるとの苦情。",
        ),
        intake=(
            (Consulter.AGENCY, Channel.VIA_AGENCY, "hospital-midorinomori"),
            (Consulter.OTHER, Channel.VIA_AGENCY, "@ward"),
        ),
        factors=(
            "life.medical",
            "trait.reality_testing",
            "life.trouble",
            "env.no_family_support",
            "supporter.refusal",
        ),
        complex_rate=0.7,
        background="一人暮らし。家族とは疎遠で、{kp}とたまに電話する程度。",
        stages=(
            Stage(
                "服薬が途切れ、幻聴が強くなると近隣とのトラブルになる。入退院を繰り返している。",
                "病状が悪化するたびに孤立が深まり、受診のきっかけを失っている。",
                "訪問看護と連携し、服薬の状況を週1回確認する。調子が悪いときのサインを本人と"
                "共有する。",
                "病院からの依頼と退院前の面談。",
            ),
            Stage(
                "退院後、訪問看護を週1回利用。服薬は続いている。",
                "見守られている安心感が服薬の継続につながっている。",
                "日中活動の場を本人と探す。",
                "退院後1か月の様子。",
            ),
            Stage(
                "夜間に不安が強くなり、地域生活支援拠点に電話することがある。",
                "夜の孤独が不調のきっかけになっている。",
                "拠点の夜間相談を計画に位置づけ、翌日に情報を共有する流れをつくる。",
                "拠点からの夜間対応の報告。",
            ),
            Stage(
                "地域活動支援センターに通い、知り合いができた。1年間入院していない。",
                "人とのつながりが本人の生活を支えている。",
                "モニタリングを継続し、調子の波に合わせて支援を調整する。",
                "入院のない1年。",
            ),
        ),
        observations=(
            "本人は「薬を飲むと体が重い」と話し、飲み忘れが続いていた。",
            "部屋はきれいに片付いており、{like}のポスターが貼ってあった。",
            "管理会社から、最近は苦情が出ていないと連絡があった。",
            "主治医から、次回受診で薬の量を調整する予定と聞く。",
        ),
        team=(
            ("hospital-midorinomori", TeamRole.MEDICAL),
            ("life-hub", TeamRole.JOINT),
            ("@ward", TeamRole.ADMINISTRATION),
            ("core-center", TeamRole.JOINT),
        ),
        closures=CLOSE_GENERIC,
    ),
    "transition": Story(
        domains=("housing", "welfare_services", "health"),
        main_concerns=(
            "みどりの森病院より。精神科病棟に長期入院している方が退院を希望している。"
            "地域移行支援を含め一緒に検討したい。",
        ),
        intake=((Consulter.AGENCY, Channel.VIA_AGENCY, "hospital-midorinomori"),),
        factors=("env.no_family_support", "trait.social_skills", "supporter.teaming"),
        complex_rate=0.4,
        background="20年以上の入院。退院先の家族はいない。病棟では穏やかに過ごしている。",
        stages=(
            Stage(
                "長期入院からの退院を希望している。退院先はまだ決まっていない。",
                "長い入院で生活の経験が少なく、本人は退院を望みつつも不安が大きい。",
                "グループホームの見学と外泊体験を重ね、本人が選べるようにする。",
                "病院からの相談と病棟での面談。",
            ),
            Stage(
                "グループホームの体験外泊を2回行った。",
                "体験で「できた」という実感が不安を和らげている。",
                "退院日を決め、日中活動の場を一緒に見学する。",
                "体験外泊の振り返り。",
            ),
            Stage(
                "退院し、グループホームで暮らし始めた。",
                "新しい生活への緊張から疲れやすくなっている。",
                "世話人・訪問看護と連絡を密にし、最初の3か月は訪問を増やす。",
                "退院。",
            ),
            Stage(
                "B型事業所に週3日通い、グループホームの生活にも慣れた。",
                "役割のある毎日が本人の自信になっている。",
                "モニタリングを3か月ごとに行う。",
                "通所の定着。",
            ),
        ),
        observations=(
            "病棟の窓から見える{like}の話をしてくれた。",
            "本人は「一人で買い物できるか心配」と話した。",
            "世話人から、夕食の片付けを手伝ってくれると聞いた。",
        ),
        team=(("hospital-midorinomori", TeamRole.MEDICAL), ("@ward", TeamRole.ADMINISTRATION)),
        closures=CLOSE_GENERIC,
    ),
    "work": Story(
        domains=("employment", "welfare_services"),
        main_concerns=(
            "本人と{kp}が来所。特別支援学校を卒業後、就職先を半年で辞めた。これからのことを"
            "相談したい。",
            "職場の上司とうまくいかず退職した。自分に合う働き方を知りたいと本人より相談。",
        ),
        intake=(
            (Consulter.FAMILY, Channel.VISIT_TO_OFFICE, ""),
            (Consulter.SELF, Channel.VISIT_TO_OFFICE, ""),
        ),
        factors=("trait.social_skills", "trait.communication"),
        complex_rate=0.15,
        background="まじめで、決められた作業は丁寧にこなす。急な予定の変更が苦手。",
        stages=(
            Stage(
                "退職後、自宅で過ごしている。働きたい気持ちはある。",
                "職場で困ったときに相談できず、疲れがたまって退職に至った。",
                "就労移行支援を見学し、本人の得意な作業を確認する。",
                "本人・{kp}との面談。",
            ),
            Stage(
                "就労移行支援に通い始めた。作業の正確さを評価されている。",
                "困ったときの伝え方を練習すれば、働き続けられる見込みがある。",
                "事業所と連携し、援助の求め方を一緒に練習する。",
                "通所開始後の事業所からの報告。",
            ),
            Stage(
                "企業実習に参加した。疲れが出たが最後までやり通した。",
                "本人は実習をやり切ったことで自信をつけた。",
                "就職に向けて、働き方の希望を本人と具体的にする。",
                "企業実習の結果。",
            ),
            Stage(
                "就職が決まった。定着支援を受けながら働いている。",
                "支援者がいることが本人の安心になっている。",
                "就労定着支援に引き継ぎ、相談支援は3か月ごとに様子を確認する。",
                "就職。",
            ),
        ),
        observations=(
            "本人は実習先で褒められたことをうれしそうに話した。",
            "朝が苦手で、遅刻しないようにアラームを3つかけているとのこと。",
            "{kp}は「本人のペースでいい」と話している。",
        ),
        team=(("@ward", TeamRole.ADMINISTRATION),),
        closures=(
            "就職し、就労定着支援へ引継ぎのうえ終結",
            *CLOSE_GENERIC,
        ),
    ),
    "independent": Story(
        domains=("welfare_services", "housing"),
        main_concerns=(
            "本人より相談。ヘルパーの時間が足りず、一人暮らしを続けられるか不安。",
            "本人より。病気が進んで家の中の移動が難しくなってきた。",
        ),
        intake=((Consulter.SELF, Channel.PHONE, ""), (Consulter.SELF, Channel.EMAIL, "")),
        factors=("life.self_care", "env.no_family_support"),
        complex_rate=0.15,
        background="一人暮らしを続けたいという思いが強い。{kp}は県外に住んでいる。",
        stages=(
            Stage(
                "一人暮らしの継続に必要な支援の量が足りていない。",
                "本人の「自分の家で暮らしたい」という思いを支える支援量が必要。",
                "支給量の見直しを区役所に相談し、サービス等利用計画を変更する。",
                "本人からの相談と生活状況の聞き取り。",
            ),
            Stage(
                "支給量が増え、ヘルパーの時間が確保された。",
                "生活の見通しが立ち、本人の不安が減った。",
                "ヘルパー事業所と支援の内容を細かく調整する。",
                "支給決定の変更。",
            ),
            Stage(
                "体調の変化で、夜間の見守りが必要になった。",
                "病状の進行に合わせた支援の見直しが必要。",
                "夜間の見守りと緊急時の連絡方法を整える。",
                "体調の変化。",
            ),
            Stage(
                "新しい体制で生活が落ち着いている。",
                "必要な支援があれば、本人は一人暮らしを続けられる。",
                "3か月ごとにモニタリングし、状態の変化に備える。",
                "体制変更後の安定。",
            ),
        ),
        observations=(
            "本人は{like}の話をしながら、ヘルパーとの会話を楽しんでいると話した。",
            "廊下に手すりを追加したいとのこと。",
            "週末の買い物は移動支援を使って出かけている。",
        ),
        team=(("@ward", TeamRole.ADMINISTRATION), ("hospital-midorinomori", TeamRole.MEDICAL)),
        closures=CLOSE_GENERIC,
    ),
    "trouble": Story(
        domains=("welfare_services", "rights", "housing"),
        main_concerns=(
            "グループホームより。入居者が他の入居者とのトラブルを繰り返し、退去も検討している。"
            "どう支えればよいか相談したい。",
            "区役所より。近隣との口論が続いている方について、警察からも連絡があった。",
        ),
        intake=(
            (Consulter.AGENCY, Channel.PHONE, ""),
            (Consulter.AGENCY, Channel.VIA_AGENCY, "@ward"),
        ),
        factors=(
            "trait.aggression",
            "life.trouble",
            "trait.worldview",
            "supporter.formulation",
            "supporter.teaming",
        ),
        complex_rate=0.9,
        background=(
            "幼いころから対人関係のトラブルが多く、学校や職場で居場所を失う経験を重ねてきた。"
        ),
        stages=(
            Stage(
                "他者とのトラブルが続き、今の住まいを失うおそれがある。",
                "本人なりの理由があるが、周囲に伝わらないまま衝突になっている。",
                "トラブルの前後の状況を支援者間で記録し、共通の見立てをつくる。",
                "住まいからの相談と関係機関の情報。",
            ),
            Stage(
                "トラブルは夕方、疲れているときに起きやすいことがわかった。",
                "疲れと予定の変更が引き金になっている。",
                "夕方の予定を減らし、変更は前もって伝えるよう支援者間で統一する。",
                "記録の分析。",
            ),
            Stage(
                "基幹センターと共同で事例検討を行い、支援の方針をそろえた。",
                "支援者ごとに対応が違うことが、本人の混乱を強めていた。",
                "対応の手順書を作成し、全員で共有する。",
                "事例検討会。",
            ),
            Stage(
                "トラブルは月1回程度に減った。本人は{like}の話をする時間を楽しみにしている。",
                "安心できる関わりが増え、本人の気持ちが安定してきた。",
                "手順書を定期的に見直し、本人の得意なことを活かす場を増やす。",
                "トラブルの減少。",
            ),
        ),
        observations=(
            "本人は「向こうが先に悪口を言った」と繰り返した。",
            "世話人によると、夕食前にイライラすることが多い。",
            "警察から、近隣との口論で相談があったと連絡を受けた。",
        ),
        team=(
            ("core-center", TeamRole.JOINT),
            ("@ward", TeamRole.ADMINISTRATION),
            ("hospital-midorinomori", TeamRole.MEDICAL),
        ),
        closures=CLOSE_GENERIC,
        statutory_rate=0.3,
    ),
}

# The designated office's own case: the service-use plan (計画相談).
PLANNING_STAGES: tuple[Stage, Stage, Stage, Stage] = (
    Stage(
        "{svc}の利用に向けてサービス等利用計画を作成する。本人は「{wish}」と話している。",
        "本人の希望を軸にすると、日中の居場所があることで生活のリズムが整い、家族の負担も"
        "軽くなると考える。",
        "計画案を本人と一緒に作成し、支給決定後にサービス担当者会議を開く。",
        "計画相談の依頼と本人・家族との面談。",
    ),
    Stage(
        "{svc}の利用が始まった。疲れが出る日もある。",
        "新しい環境に慣れるまでの疲れが大きい。利用日数を段階的に増やすのがよい。",
        "3か月ごとのモニタリングで本人の声を確認し、利用日数を調整する。",
        "初回モニタリング。",
    ),
    Stage(
        "利用は安定している。{like}を活かせる作業を任されるようになった。",
        "役割を持てることが本人の意欲につながっている。",
        "計画に「得意なことを活かす場面」を加え、事業所の個別支援計画と共有する。",
        "モニタリングでの事業所の報告と本人の言葉。",
    ),
    Stage(
        "計画の更新時期。本人から新たな希望が出てきた。",
        "生活が安定し、次の段階を考える余裕が出てきた。",
        "次期計画では新しい希望に向けた体験の機会を盛り込む。",
        "計画の更新と本人の新しい希望。",
    ),
)
PLANNING_CLOSURES = (
    "サービスの利用を終了し、本人と確認のうえ計画相談を終結",
    "65歳到達に伴い介護保険へ移行し、居宅介護支援事業所へ引継ぎのうえ終結",
    "市外への転居により終結（転居先の相談支援事業所へ引継ぎ）",
    "本人の希望によりセルフプランへ移行し終結",
)
PLANNING_OBSERVATIONS = (
    "{svc}の利用状況を確認。欠席は月1回程度。",
    "事業所のサービス管理責任者と個別支援計画の内容をすり合わせた。",
    "受給者証の更新時期が近いため、区役所への申請書類を一緒に確認した。",
    "本人は「{wish}」と話し、計画の目標として確認した。",
    "{kp}から家での様子を聞く。「前より話をしてくれるようになった」とのこと。",
)

# --- Note text ---------------------------------------------------------------------------------

LIKES = (
    "電車", "野球", "料理", "花", "犬", "演歌", "アニメ", "釣り", "絵", "鉄道模型",
    "将棋", "カラオケ", "昆虫", "相撲", "猫", "路線バス", "折り紙", "プロレス", "時刻表",
    "天気予報", "園芸", "ラジオ体操", "お菓子作り",
)  # fmt: skip
WISHES = (
    "一人で買い物に行けるようになりたい", "家族の役に立ちたい", "働いてお金をためたい",
    "静かに暮らしたい", "友だちがほしい", "この家で暮らし続けたい", "旅行に行きたい",
    "自分の部屋を持ちたい", "料理ができるようになりたい",
)  # fmt: skip
# People who speak little or not at all: the moments are seen, not said.
NONVERBAL_PROFILES = ("severe_multiple", "intellectual_severe")
NONVERBAL_MOMENTS = (
    "好きな曲をかけると、体を揺らして笑顔を見せた。",
    "{kp}の声が聞こえると、そちらに顔を向けてじっと見つめていた。",
    "散歩の途中で風が吹くと、目を細めて気持ちよさそうにしていた。",
    "職員が手遊びをすると、何度も「もう一回」と手をたたいて催促した。",
    "{like}の写真カードを指さし、にこにこしながら職員の顔を見た。",
)
MOMENTS = (
    "好きな{like}の話になると表情が明るくなり、自分から話し始めた。",
    "{like}の話題で、初めて笑顔が見られた。",
    "「今度{like}の話をもっと聞いてほしい」と自分から言った。",
    "帰り際、玄関まで見送りに来て「また来てね」と声をかけてくれた。",
    "作業で作った品物を、照れながら見せてくれた。",
    "「{kp}に何かしてあげたい」と話し、{kp}の好物の話で盛り上がった。",
    "見学先で職員に褒められ、帰りの車中でうれしそうに何度もその話をした。",
    "「ここなら通えるかもしれない」と、初めて前向きな言葉が出た。",
    "自分で書いたメモを見せ、「次はこれを聞きたい」と話した。",
    "{like}の本を持ってきて、詳しく説明してくれた。",
    "「{wish}」と、はっきり自分の言葉で希望を話した。",
)

STAGE_OBSERVATIONS: dict[str, tuple[str, ...]] = {
    CaseStatus.INTAKE: (
        "これまでの生活歴と相談に至った経緯を聞き取る。",
        "困りごとを一緒に書き出し、優先順位を確認した。",
        "相談先がわからず、あちこちに電話したとのこと。まずは話を聞くことに徹する。",
    ),
    CaseStatus.ASSESSMENT: (
        "一日の過ごし方を聞き取り、生活リズムを確認した。",
        "家族構成と親族の関わりを確認した。",
        "通院先と服薬の状況を確認した。",
        "収入と支出の状況を一緒に確認した。",
        "得意なこと・好きなことを尋ねると、{like}が好きだと話した。",
    ),
    CaseStatus.PLANNING: (
        "サービス等利用計画案について説明し、本人の意向を確認した。",
        "見学先の候補を二つに絞り、本人と相談した。",
        "本人の希望「{wish}」を計画の中心に置くことを確認した。",
    ),
    CaseStatus.SUPPORT: (
        "サービスの利用状況を確認。大きな問題はない。",
        "生活の中で困っていることを尋ねると、「今は大丈夫」とのこと。",
        "支援の内容について本人から意見を聞き、次回の会議で伝えることにした。",
        "{kp}の負担感を尋ねると、「前より楽になった」と話した。",
    ),
    CaseStatus.MONITORING: (
        "モニタリング。サービスの利用は安定しており、本人から大きな不満は聞かれない。",
        "前回から大きな変化はない。生活リズムも保たれている。",
        "本人・{kp}とこの3か月を振り返った。",
    ),
    CaseStatus.CLOSED: ("終結に向けて、これまでの経過を本人と振り返った。",),
}

NOTE_OPENINGS: dict[str, tuple[str, ...]] = {
    NoteKind.HOME_VISIT: (
        "自宅訪問。",
        "定期訪問。",
        "{kp}同席のもと自宅を訪問。",
        "予定どおり訪問。",
    ),
    NoteKind.INTERVIEW: ("事業所にて面談。", "本人来所、約1時間面談。", "本人と{kp}が来所。"),
    NoteKind.PHONE: ("{kp}より電話。", "本人より電話。", "本人へ電話し近況を確認。"),
    NoteKind.ACCOMPANIMENT: (
        f"{HOSPITAL}の外来受診に同行。",
        "区役所障害高齢課へ同行し、受給者証の更新手続き。",
        "{place}の見学に同行。",
        "銀行へ同行し、通帳の再発行手続き。",
    ),
    NoteKind.CASE_CONFERENCE: ("ケース会議を開催（{orgs}）。", "サービス担当者会議（{orgs}）。"),
    NoteKind.AGENCY_CONTACT: (
        "{org}へ電話し、近況を共有。",
        "{org}より連絡あり。",
        f"{HOSPITAL}の地域連携室と電話で情報交換。",
    ),
    NoteKind.EMAIL: ("{org}の担当者へ会議資料をメールで送付。", "本人よりメール。"),
}
GENERIC_OBSERVATIONS = (
    "近況を聞き取る。大きな変化はない。",
    "体調は安定しているとのこと。",
    "この間の出来事を一緒に振り返った。",
    "困っていることは特にないとのこと。",
)
# For a child, or someone who speaks little, the family comes and calls.
FAMILY_OPENINGS: dict[str, tuple[str, ...]] = {
    NoteKind.INTERVIEW: ("{kp}が来所し面談。", "本人と{kp}が来所。"),
    NoteKind.PHONE: ("{kp}より電話。", "{kp}へ電話し近況を確認。"),
}
CONFERENCE_BODIES = (
    "各機関の関わりを確認し、役割分担を整理した。",
    "見立てを共有し、当面の支援方針を確認した。",
    "本人の意向を確認したうえで、次の3か月の目標を決めた。",
    "緊急時の連絡の流れを確認した。",
)
CLOSINGS = (
    "次回は2週間後に訪問予定。",
    "次回の面談は来月上旬で調整。",
    "引き続き{kp}の負担にも目を配る。",
    "変わったことがあれば連絡をもらうよう伝えた。",
    "本人の了承を得て、{org}と情報を共有する。",
    "次回のケース会議で報告する。",
    "",
)
STATUTORY_NOTE = (
    "支援会議（社会福祉法106条の6）を開催（{orgs}）。本人の同意が得られていない段階での"
    "情報共有について、守秘義務を確認したうえで協議。"
)

CONSULT_INFO: tuple[tuple[str, str, Consulter, Channel], ...] = (
    (
        "匿名の電話相談。成人した息子が家から出られず、どこに相談すればよいか知りたい。"
        "ひきこもり地域支援センターを案内した。",
        "withdrawal",
        Consulter.FAMILY,
        Channel.PHONE,
    ),
    (
        "匿名の電話相談。障害者手帳の申請方法を知りたい。区役所の窓口と必要書類を案内した。",
        "welfare_services",
        Consulter.SELF,
        Channel.PHONE,
    ),
    (
        "来所。グループホームの空き状況を知りたい。市内の事業所一覧を渡した。",
        "housing",
        Consulter.FAMILY,
        Channel.VISIT_TO_OFFICE,
    ),
    (
        "匿名の電話相談。職場で障害を開示するか迷っている。就労支援機関を案内した。",
        "employment",
        Consulter.SELF,
        Channel.PHONE,
    ),
    (
        "匿名のメール相談。高齢の父と障害のある弟の今後が心配。地域包括支援センターと"
        "当事業所の両方で相談できることを伝えた。",
        "family",
        Consulter.FAMILY,
        Channel.EMAIL,
    ),
    (
        "匿名の電話相談。成年後見制度について知りたい。基幹センターの相談日を案内した。",
        "rights",
        Consulter.FAMILY,
        Channel.PHONE,
    ),
)


# --- The plan: who, where, which story ---------------------------------------------------------


@dataclass(frozen=True)
class MemberSpec:
    relationship: Relationship
    age: tuple[int, int]
    sex: str  # "m" or "f"
    profile: str | None = None  # a client with this disability profile; None: family only
    note: str = ""
    lives_together: bool = True
    left_on: dt.date | None = None


@dataclass(frozen=True)
class HouseholdSpec:
    story: str
    members: tuple[MemberSpec, ...]
    kp: str  # how notes call the key family member
    note: str = ""
    area: str | None = None
    concerns: tuple[str, ...] = ()


R = Relationship
SEED_001_HOUSEHOLDS: tuple[HouseholdSpec, ...] = (
    HouseholdSpec(
        "8050_guardian",
        (
            MemberSpec(R.SELF, (48, 49), "m", "schizophrenia"),
            MemberSpec(
                R.MOTHER, (86, 86), "f", note="認知機能の低下の疑い。検査予定。サービスは希望せず。"
            ),
            MemberSpec(
                R.FATHER, (88, 88), "m", note="令和4年に逝去。", left_on=dt.date(2022, 8, 1)
            ),
        ),
        kp="母",
        note="母に任意後見人あり（司法書士）。金銭管理に不明な点があり、関係機関で注視。",
        area="midori-honcho",
        concerns=("8050", "multiple_needs", "isolation"),
    ),
    HouseholdSpec(
        "8050_pension",
        (
            MemberSpec(R.SELF, (62, 64), "m", "intellectual_mild", note="作業所に20年以上通所。"),
            MemberSpec(R.MOTHER, (91, 94), "f", note="要介護3。ほぼベッド上の生活。"),
            MemberSpec(R.SIBLING, (53, 56), "f", "mood", note="離婚後に実家へ戻った。"),
        ),
        kp="母",
        note="家計は母の年金が中心。家賃滞納あり。",
        area="midori-honcho",
        concerns=("8050", "poverty", "multiple_needs"),
    ),
    HouseholdSpec(
        "8050_codependence",
        (
            MemberSpec(R.SELF, (44, 47), "f", "intellectual_mild"),
            MemberSpec(R.MOTHER, (81, 84), "f", note="認知機能の低下あり。サービス利用なし。"),
        ),
        kp="母",
        note="金銭をめぐる口論から一時分離を繰り返している。緊急時は地域生活支援拠点へ。",
        area="midori-sakuragaoka",
        concerns=("8050", "abuse", "multiple_needs"),
    ),
)


def _household_specs(rng: random.Random) -> list[HouseholdSpec]:
    """The 57 households besides seed 001's three, in a fixed order."""
    specs: list[HouseholdSpec] = []
    for _ in range(7):
        profile = rng.choice(("schizophrenia", "undiagnosed", "intellectual_mild", "autism_adult"))
        parent_sex = rng.choice("mf")
        members = [
            MemberSpec(R.SELF, (49, 58), rng.choice("mf"), profile),
            MemberSpec(
                R.MOTHER if parent_sex == "f" else R.FATHER,
                (78, 89),
                parent_sex,
                note=rng.choice(("要介護1。", "要支援2。", "持病で通院中。", "")),
            ),
        ]
        if rng.random() < 0.4:
            members.append(
                MemberSpec(
                    R.SIBLING,
                    (50, 60),
                    rng.choice("mf"),
                    note="市外在住。年に数回来訪。",
                    lives_together=False,
                )
            )
        specs.append(
            HouseholdSpec(
                "8050",
                tuple(members),
                kp="母" if parent_sex == "f" else "父",
                concerns=("8050", rng.choice(("withdrawal", "isolation", "illness"))),
            )
        )
    for _ in range(6):
        profile = rng.choice(("child_developmental", "intellectual_severe"))
        specs.append(
            HouseholdSpec(
                "double_care",
                (
                    MemberSpec(R.SELF, (7, 14), rng.choice("mf"), profile),
                    MemberSpec(R.MOTHER, (38, 47), "f"),
                    MemberSpec(R.FATHER, (40, 50), "m", note="単身赴任中。", lives_together=False),
                    MemberSpec(R.GRANDPARENT, (76, 88), "f", note="要介護2。"),
                ),
                kp="母",
                concerns=("double_care", "multiple_needs"),
            )
        )
    for _ in range(5):
        child_sex = rng.choice("mf")
        specs.append(
            HouseholdSpec(
                "young_carer",
                (
                    MemberSpec(R.SELF, (38, 48), "f", rng.choice(("mood", "schizophrenia"))),
                    MemberSpec(R.CHILD, (11, 16), child_sex, note="家事と見守りを担っている。"),
                ),
                kp="長女" if child_sex == "f" else "長男",
                concerns=("young_carer",),
            )
        )
    for _ in range(7):
        profile = rng.choice(("undiagnosed", "autism_adult"))
        specs.append(
            HouseholdSpec(
                "withdrawal",
                (
                    MemberSpec(R.SELF, (21, 34), rng.choice("mmf"), profile),
                    MemberSpec(R.MOTHER, (50, 64), "f"),
                    MemberSpec(R.FATHER, (52, 66), "m"),
                ),
                kp="母",
                concerns=("withdrawal", "isolation"),
            )
        )
    for _ in range(6):
        kp_sex = rng.choice("mf")
        specs.append(
            HouseholdSpec(
                "poverty",
                (
                    MemberSpec(R.SELF, (28, 45), rng.choice("mf"), "intellectual_mild"),
                    MemberSpec(R.MOTHER if kp_sex == "f" else R.FATHER, (58, 72), kp_sex),
                ),
                kp="母" if kp_sex == "f" else "父",
                concerns=("poverty", "debt"),
            )
        )
    for _ in range(3):
        specs.append(
            HouseholdSpec(
                "dv",
                (
                    MemberSpec(R.SELF, (31, 44), "f", "mood"),
                    MemberSpec(R.CHILD, (6, 12), rng.choice("mf")),
                    MemberSpec(R.CHILD, (3, 6), rng.choice("mf")),
                ),
                kp="子ども",
                note="住所の取扱いに注意（住民票の閲覧制限を申出済み）。",
                concerns=("dv",),
            )
        )
    for _ in range(4):
        profile = rng.choice(("intellectual_mild", "intellectual_mental"))
        specs.append(
            HouseholdSpec(
                "hoarding",
                (
                    MemberSpec(R.SELF, (60, 72), "m", profile),
                    MemberSpec(R.SIBLING, (63, 76), "m", note="足が悪く外出が難しい。"),
                ),
                kp="兄",
                concerns=("hoarding", "isolation"),
            )
        )
    for _ in range(8):
        specs.append(
            HouseholdSpec(
                "child",
                (
                    MemberSpec(R.SELF, (7, 12), rng.choice("mmf"), "child_developmental"),
                    MemberSpec(R.MOTHER, (34, 45), "f"),
                    MemberSpec(R.FATHER, (36, 48), "m"),
                ),
                kp="母",
                area="midori-honcho",  # the seeded school is 本町小学校
            )
        )
    for _ in range(5):
        specs.append(
            HouseholdSpec(
                "severe_care",
                (
                    MemberSpec(R.SELF, (12, 30), rng.choice("mf"), "severe_multiple"),
                    MemberSpec(R.MOTHER, (42, 62), "f"),
                    MemberSpec(R.FATHER, (44, 65), "m"),
                ),
                kp="母",
                concerns=("multiple_needs",),
            )
        )
    for _ in range(3):
        spouse_sex = rng.choice("mf")
        specs.append(
            HouseholdSpec(
                "stroke",
                (
                    MemberSpec(R.SELF, (52, 68), "f" if spouse_sex == "m" else "m", "stroke"),
                    MemberSpec(R.SPOUSE, (50, 70), spouse_sex, note="持病で通院中。"),
                ),
                kp="夫" if spouse_sex == "m" else "妻",
                concerns=("illness",),
            )
        )
    for _ in range(3):
        specs.append(
            HouseholdSpec(
                "couple",
                (
                    MemberSpec(R.SELF, (30, 45), "m", "intellectual_mild"),
                    MemberSpec(R.SPOUSE, (28, 45), "f", "intellectual_mild"),
                ),
                kp="妻",
            )
        )
    return specs


# People with no household registered: (story, profile, age range, sex choices, kp choices).
SINGLES: tuple[tuple[str, str, tuple[int, int], str, int], ...] = (
    ("medical_dropout", "schizophrenia", (35, 65), "mf", 9),
    ("medical_dropout", "mood", (30, 60), "mf", 4),
    ("transition", "schizophrenia", (50, 72), "mf", 5),
    ("work", "intellectual_mild", (19, 30), "mf", 6),
    ("work", "autism_adult", (22, 38), "mf", 5),
    ("work", "higher_brain", (30, 55), "m", 3),
    ("independent", "cerebral_palsy", (25, 55), "mf", 3),
    ("independent", "intractable", (45, 70), "mf", 3),
    ("independent", "visual", (40, 75), "mf", 2),
    ("trouble", "intellectual_mental", (25, 50), "mf", 4),
)
SINGLE_KP = ("姉", "兄", "弟", "妹", "叔母", "いとこ")


# --- Generation --------------------------------------------------------------------------------


@dataclass
class Client:
    person: Person
    story: str
    area: str  # catchment code
    ward: str
    kp: str
    like: str
    wish: str
    profile: str
    household: Household | None = None
    household_case: bool = False
    is_child: bool = False


@dataclass
class Context:
    rng: random.Random
    orgs: dict[str, Organization]
    areas: dict[str, Area]
    users: dict[str, User]
    persons: list[Person] = field(default_factory=list)
    certificates: list[DisabilityCertificate] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)
    members: list[HouseholdMember] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    changes: list[CaseStatusChange] = field(default_factory=list)
    consents: list[Consent] = field(default_factory=list)
    consent_orgs: list[tuple[Consent, Organization]] = field(default_factory=list)
    team: list[CaseTeamMember] = field(default_factory=list)
    consultations: list[Consultation] = field(default_factory=list)
    notes: list[ProgressNote] = field(default_factory=list)
    formulations: list[Formulation] = field(default_factory=list)
    used_names: set[str] = field(default_factory=set)


def _at(day: dt.date, rng: random.Random, start: int = 9, end: int = 17) -> dt.datetime:
    return dt.datetime.combine(
        day, dt.time(rng.randint(start, end), rng.choice((0, 10, 15, 20, 30, 40, 45, 50))), TOKYO
    )


def _birth_date(rng: random.Random, age: int) -> dt.date:
    return LAST_DAY - dt.timedelta(days=int(age * 365.25) + rng.randint(1, 364))


def _generation(age: int) -> str:
    if age >= 70:
        return "old"
    if age >= 38:
        return "mid"
    if age >= 16:
        return "young"
    return "child"


def _mobile(rng: random.Random) -> str:
    # Fictional: the block after 090/080 starts with 0, like seed_demo's landline numbers.
    return f"{rng.choice(('090', '080'))}-0{rng.randint(100, 999)}-{rng.randint(0, 9999):04d}"


def _landline(rng: random.Random, ward: str) -> str:
    exchange = {"中央区": "011", "東区": "012", "西区": "013"}[ward]
    return f"022-{exchange}-0{rng.randint(100, 999)}"


def _address(rng: random.Random, area: str) -> tuple[str, str, str]:
    town, postal, ward = rng.choice(TOWNS[area])
    address = (
        f"みどり市{ward}{town}{rng.choice(CHOME)}丁目{rng.randint(1, 28)}番{rng.randint(1, 20)}号"
    )
    if rng.random() < 0.45:
        address += f" {rng.choice(BUILDINGS).rstrip()}{rng.randint(1, 4)}0{rng.randint(1, 6)}号室"
    return address, postal, ward


def _registering_org(ward: str) -> str:
    """A provisional registering office; `_plan_cases` sets the office of the first case."""
    return {"中央区": "office-aoba", "西区": "office-sakura", "東区": "plan-tsumugi"}[ward]


def _new_person(
    ctx: Context,
    *,
    family: tuple[str, str],
    age: int,
    sex: str,
    area: str,
    address: tuple[str, str, str],
    profile: str | None,
    note: str = "",
    with_phone: bool = True,
) -> Person:
    rng = ctx.rng
    pool = GIVEN_NAMES[(_generation(age), sex)]
    given = rng.choice(pool)
    for _ in range(10):  # avoid two people with the same full name
        if f"{family[0]}{given[0]}" not in ctx.used_names:
            break
        given = rng.choice(pool)
    ctx.used_names.add(f"{family[0]}{given[0]}")
    street, postal, ward = address
    phone = ""
    if with_phone and age >= 16:
        phone = _landline(rng, ward) if age >= 75 and rng.random() < 0.7 else _mobile(rng)
    person = Person(
        family_name=family[0],
        given_name=given[0],
        family_name_kana=family[1],
        given_name_kana=given[1],
        kana_normalized=normalize_kana(f"{family[1]} {given[1]}"),
        name_folded=fold_name(family[0], given[0]),
        birth_date=_birth_date(rng, age),
        sex=Sex.MALE if sex == "m" else Sex.FEMALE,
        postal_code=postal,
        address=street,
        area=ctx.areas[area],
        phone=phone,
        phone_normalized=normalize_phone(phone),
        notes=note,
        registered_by_organization=ctx.orgs[_registering_org(ward)],
    )
    if profile is not None:
        spec = PROFILES[profile]
        person.disability_categories = [str(c) for c in spec.categories]
        person.primary_category = spec.primary
        level = rng.choice(spec.support_levels) if age >= 18 else ""
        person.support_category = level
        if level:
            person.recipient_numbers = f"04{rng.randint(10_000_000, 99_999_999)}"
        person.needs_evacuation_support = spec.evacuation
        person.notes = "\n".join(filter(None, (rng.choice(spec.notes), note)))
        for cert in rng.choice(spec.certificates):
            if cert.kind == CertificateKind.INTELLECTUAL and "intellectual" not in (
                person.disability_categories
            ):
                # 療育手帳 means an intellectual disability too (e.g. autism with a delay).
                person.disability_categories = [*person.disability_categories, "intellectual"]
                person.primary_category = DisabilityCategory.MULTIPLE
            ctx.certificates.append(
                DisabilityCertificate(
                    person=person,
                    kind=cert.kind,
                    status=cert.status,
                    grade="" if cert.status == CertificateStatus.APPLYING else cert.grade,
                    physical_type=cert.physical_type,
                )
            )
    ctx.persons.append(person)
    return person


YAMADA = ("山田", "ヤマダ")


def _family_name(ctx: Context) -> tuple[str, str]:
    return ctx.rng.choice(FAMILY_NAMES)


AREA_CODES = tuple(TOWNS)
AREA_WEIGHTS = (22, 18, 26, 18, 16)


def _make_households(ctx: Context) -> list[Client]:
    rng = ctx.rng
    clients: list[Client] = []
    specs = list(SEED_001_HOUSEHOLDS) + _household_specs(rng)
    for spec in specs:
        # The first household of seed 001 is the 山田 family, so that the demo shows the
        # search example of the issue (やまだ / ﾔﾏﾀﾞ / ヤマダタロウ → 山田 太郎).
        family = YAMADA if spec is SEED_001_HOUSEHOLDS[0] else _family_name(ctx)
        area = spec.area or rng.choices(AREA_CODES, AREA_WEIGHTS)[0]
        address = _address(rng, area)
        ward = address[2]
        registered_by = ctx.orgs[_registering_org(ward)]
        household = Household(
            name=f"{family[0]}さん世帯",
            postal_code=address[1],
            address=address[0],
            area=ctx.areas[area],
            concerns=list(spec.concerns),
            notes=spec.note,
            registered_by_organization=registered_by,
        )
        ctx.households.append(household)
        for member_spec in spec.members:
            age = rng.randint(*member_spec.age)
            lives_apart = not member_spec.lives_together
            member_area = rng.choice(AREA_CODES) if lives_apart else area
            person = _new_person(
                ctx,
                family=family,
                age=age,
                sex=member_spec.sex,
                area=member_area,
                address=_address(rng, member_area) if lives_apart else address,
                profile=member_spec.profile,
                note=member_spec.note,
            )
            if family == YAMADA and member_spec.relationship == R.SELF:
                person.given_name, person.given_name_kana = "太郎", "タロウ"
                person.kana_normalized = normalize_kana("ヤマダ タロウ")
                person.name_folded = fold_name(person.family_name, "太郎")
            if lives_apart:
                person.address = "" if rng.random() < 0.5 else person.address
                if not person.address:
                    person.postal_code = ""
                    person.area = None
            person.lives_alone = False
            person.registered_by_organization = registered_by
            ctx.members.append(
                HouseholdMember(
                    household=household,
                    person=person,
                    relationship=member_spec.relationship,
                    lives_together=member_spec.lives_together,
                    start_date=None,
                    end_date=member_spec.left_on,
                    notes=member_spec.note[:200] if member_spec.profile is None else "",
                )
            )
            if member_spec.left_on is not None:
                person.phone = person.phone_normalized = ""
            is_self = member_spec.relationship == R.SELF
            # Family with a disability but no case of their own (seed 001 ②'s sister) are part
            # of the household's case; in a couple both are clients.
            if member_spec.profile is not None and (is_self or spec.story == "couple"):
                story = spec.story
                kp = spec.kp if is_self else "夫"
                clients.append(
                    Client(
                        person=person,
                        story=story,
                        area=area,
                        ward=ward,
                        kp=kp,
                        like=rng.choice(LIKES),
                        wish=rng.choice(WISHES),
                        profile=member_spec.profile,
                        household=household,
                        household_case=is_self and story not in ("couple", "child", "stroke"),
                        is_child=age < 18,
                    )
                )
    return clients


def _make_singles(ctx: Context) -> list[Client]:
    rng = ctx.rng
    clients: list[Client] = []
    for story, profile, ages, sexes, count in SINGLES:
        for _ in range(count):
            area = rng.choices(AREA_CODES, AREA_WEIGHTS)[0]
            address = _address(rng, area)
            age = rng.randint(*ages)
            person = _new_person(
                ctx,
                family=_family_name(ctx),
                age=age,
                sex=rng.choice(sexes),
                area=area,
                address=address,
                profile=profile,
            )
            person.lives_alone = story != "transition"
            if story == "transition":
                person.address = f"{address[0].split(' ')[0]} グループホーム「あおぞら」"
            clients.append(
                Client(
                    person=person,
                    story=story,
                    area=area,
                    ward=address[2],
                    kp=rng.choice(SINGLE_KP),
                    like=rng.choice(LIKES),
                    wish=rng.choice(WISHES),
                    profile=profile,
                )
            )
    return clients


# --- Cases ---------------------------------------------------------------------------------------

SEED_001_STORIES = ("8050_guardian", "8050_pension", "8050_codependence")
DESIGNATED_BY_WARD = {
    "中央区": ("plan-hidamari",),
    "西区": ("plan-midorinokaze",),
    "東区": ("plan-tsumugi", "plan-kokoro"),
}


def _first_lead(rng: random.Random, client: Client) -> str:
    story = STORIES[client.story]
    if client.story in SEED_001_STORIES:
        return "office-aoba"
    roll = rng.random()
    if story.complex_rate >= 0.6 and roll < 0.22:
        return "core-center"
    if roll > 0.88:
        return "life-hub"
    if client.ward == "中央区":
        return "office-aoba" if roll < 0.8 else "plan-hidamari"
    if client.ward == "西区":
        return "office-sakura" if roll < 0.78 else "plan-midorinokaze"
    # 東区: its commissioned office (かえで) takes no demo case; the designated offices, the core
    # center and the hub do.
    if roll < 0.35:
        return "core-center" if story.complex_rate >= 0.4 else "plan-tsumugi"
    return rng.choice(("plan-tsumugi", "plan-kokoro"))


def _layer(org: Organization) -> SupportLayer:
    if org.kind == "core_center":
        return SupportLayer.SPECIALIST
    if org.kind == "designated_planning_office":
        return SupportLayer.PLANNING
    return SupportLayer.BASIC


@dataclass
class CasePlan:
    client: Client
    lead: str
    opened_on: dt.date
    planning: bool  # the designated office's service-use-plan case
    referrer: str = ""


def _status_path(
    rng: random.Random, opened: dt.date, is_complex: bool
) -> list[tuple[str, dt.date, str]]:
    """(status, date, reason) from intake towards a goal stage, stopping at LAST_DAY too."""
    path: list[tuple[str, dt.date, str]] = [(CaseStatus.INTAKE, opened, "相談受付")]
    day = opened
    # Where the case has got to depends on how long ago it was opened.
    age = (LAST_DAY - opened).days
    goals = ("intake", "assessment", "planning", "support", "monitoring", "closed")
    if age < 90:
        weights = (10, 40, 25, 25, 0, 0)
    elif age < 365:
        weights = (0, 8, 12, 40, 28, 12)
    else:
        weights = (0, 0, 0, 22, 43, 35)
    goal = rng.choices(goals, weights)[0]

    def step(status: str, days: tuple[int, int], reason: str) -> bool:
        """Move on unless the goal is reached or the move would fall after LAST_DAY."""
        nonlocal day
        if goal == path[-1][0] and status != CaseStatus.CLOSED:
            return False
        nxt = day + dt.timedelta(days=rng.randint(*days))
        if nxt > LAST_DAY:
            return False
        day = nxt
        path.append((status, day, reason))
        return True

    if goal == "closed" and rng.random() < 0.1:
        step(CaseStatus.CLOSED, (3, 20), "他機関の支援につながったため終結")
        return path
    slow = (30, 120) if is_complex else (14, 45)
    if not step(CaseStatus.ASSESSMENT, (3, 21), "初回面談を経てアセスメントを開始"):
        return path
    if (goal == "planning" or rng.random() < 0.7) and not step(
        CaseStatus.PLANNING, slow, "支援計画の検討を開始"
    ):
        return path
    if not step(CaseStatus.SUPPORT, slow, "支援を開始"):
        return path
    if not step(CaseStatus.MONITORING, (60, 200), "支援が安定したためモニタリングへ"):
        return path
    if is_complex and rng.random() < 0.45:
        if not step(CaseStatus.ASSESSMENT, (60, 240), "状況の変化があり再アセスメント"):
            return path
        if not step(CaseStatus.SUPPORT, (14, 60), "見立てを見直し支援を再開"):
            return path
        if not step(CaseStatus.MONITORING, (60, 180), "支援が再び安定したためモニタリングへ"):
            return path
    if goal == "closed":
        step(CaseStatus.CLOSED, (60, 400), "")
    return path


def _status_on(path: list[tuple[str, dt.date, str]], day: dt.date) -> str:
    status = path[0][0]
    for candidate, since, _reason in path:
        if since <= day:
            status = candidate
    return status


def _fill(text: str, values: dict[str, str]) -> str:
    return text.format_map(values)


def _pick_worker(
    rng: random.Random, ctx: Context, plan: CasePlan, office_a1_quota: list[int]
) -> User:
    org = plan.lead
    names = WORKERS[org]
    if org == "office-aoba":
        seed_001 = plan.client.story in SEED_001_STORIES
        if office_a1_quota[0] > 0 and (seed_001 or rng.random() < 0.4):
            office_a1_quota[0] -= 1
            return ctx.users["office_a1"]
        return ctx.users["office_a2"]
    return ctx.users[rng.choice(names)]


def _build_case(ctx: Context, plan: CasePlan, office_a1_quota: list[int]) -> None:
    rng = ctx.rng
    client = plan.client
    story = STORIES[client.story]
    lead_org = ctx.orgs[plan.lead]
    assert plan.lead != EXCLUDED_ORGANIZATION  # noqa: S101  # office_b1 must see no one
    worker = _pick_worker(rng, ctx, plan, office_a1_quota)
    person = client.person
    is_complex = not plan.planning and rng.random() < story.complex_rate
    factors: list[str] = []
    if is_complex:
        factors = sorted(rng.sample(story.factors, min(len(story.factors), rng.randint(2, 4))))
    path = _status_path(rng, plan.opened_on, is_complex)
    status = path[-1][0]
    closed_on = path[-1][1] if status == CaseStatus.CLOSED else None
    closure_reason = ""
    if closed_on is not None:
        closures = PLANNING_CLOSURES if plan.planning else story.closures
        closure_reason = path[-1][2] or rng.choice(closures)
        path[-1] = (CaseStatus.CLOSED, closed_on, closure_reason)
    name = f"{person.family_name}{person.given_name}"
    if plan.planning:
        kind = "障害児支援利用計画" if client.is_child else "サービス等利用計画"
        title = f"{name}さんの{kind}"
    elif client.household_case and client.household is not None:
        title = f"{client.household.name}の支援（{person.given_name}さん）"
    else:
        title = ""  # named in the reader's language when read (Case.default_title)
    case = Case(
        person=person,
        household=client.household if client.household_case and not plan.planning else None,
        title=title,
        lead_organization=lead_org,
        lead_worker=worker,
        status=status,
        support_layer=_layer(lead_org),
        is_complex=is_complex,
        difficulty_factors=factors,
        opened_on=plan.opened_on,
        closed_on=closed_on,
        closure_reason=closure_reason,
    )
    ctx.cases.append(case)
    previous = ""
    for to_status, day, reason in path:
        if previous:
            assert to_status in CASE_TRANSITIONS[previous], (previous, to_status)  # noqa: S101
        ctx.changes.append(
            CaseStatusChange(
                case=case,
                from_status=previous,
                to_status=to_status,
                reason=reason,
                changed_at=_at(day, rng),
                changed_by=worker,
            )
        )
        previous = to_status
    end = closed_on or LAST_DAY
    services = PROFILES[client.profile].services
    places = [s for s in services if "「" in s] or [_ACTIVITY]
    place = rng.choice(places)
    # A planning case is about a place to go in the day; a basic case may be any service.
    svc = place if plan.planning else rng.choice(services)
    values = {
        "place": place,
        "kp": client.kp,
        "like": client.like,
        "wish": client.wish,
        "svc": svc,
        "hosp": HOSPITAL,
    }
    team = _build_team(ctx, case, plan, story, worker, is_complex, end)
    _build_consultation(ctx, case, plan, story, worker, values)
    _build_notes(ctx, case, plan, story, worker, path, team, values, end)
    _build_formulations(ctx, case, plan, story, worker, path, team, values, end)


def _team_org(code: str, client: Client) -> str:
    return WARD_OFFICE[client.ward] if code == "@ward" else code


def _build_team(
    ctx: Context,
    case: Case,
    plan: CasePlan,
    story: Story,
    worker: User,
    is_complex: bool,
    end: dt.date,
) -> list[tuple[Organization, User | None, str]]:
    """The team: the lead, then others by consent or a statutory meeting.  Returns
    (organization, worker, worker name) of every member, lead first."""
    rng = ctx.rng
    client = plan.client
    members: list[tuple[Organization, User | None, str]] = [(case.lead_organization, worker, "")]
    ctx.team.append(
        CaseTeamMember(
            case=case,
            organization=case.lead_organization,
            worker=worker,
            role=TeamRole.LEAD,
            basis=SharingBasis.LEAD,
            joined_on=case.opened_on,
            added_by=worker,
        )
    )
    candidates: list[tuple[str, TeamRole]] = []
    if plan.planning:
        # The commissioned office (or whoever referred) stays on the planning case's team.
        if plan.referrer:
            candidates.append((plan.referrer, TeamRole.JOINT))
        candidates.append(("@ward", TeamRole.ADMINISTRATION))
    else:
        for code, role in story.team:
            if code == "elderly-honcho" and client.area != "midori-honcho":
                continue
            if code == "school-honcho" and client.area != "midori-honcho":
                continue
            if code == "commissioner-honcho" and client.area != "midori-honcho":
                continue
            if code == "core-center" and not is_complex:
                continue
            candidates.append((code, role))
        if is_complex and "core-center" not in {c for c, _r in candidates} and rng.random() < 0.4:
            candidates.append(("core-center", TeamRole.JOINT))
    chosen: list[tuple[str, TeamRole]] = []
    for code, role in candidates:
        org_code = _team_org(code, client)
        if org_code in (case.lead_organization.code, EXCLUDED_ORGANIZATION):
            continue
        if org_code in {c for c, _r in chosen}:
            continue
        if code == "core-center" or rng.random() < 0.75:
            chosen.append((org_code, role))
    if not chosen:
        return members
    statutory = rng.random() < story.statutory_rate and not plan.planning
    span = max((end - case.opened_on).days, 1)
    join_day = case.opened_on + dt.timedelta(days=rng.randint(0, min(45, span)))
    consent: Consent | None = None
    consent_orgs = [code for code, _r in chosen if not statutory or code == "core-center"]
    if statutory:
        consent_orgs = []
    if consent_orgs:
        consent = Consent(
            person=client.person,
            purposes=[ConsentPurpose.SHARING, ConsentPurpose.CASE_CONFERENCE]
            + ([ConsentPurpose.SERVICE_COORDINATION] if plan.planning else []),
            method=ConsentMethod.WRITTEN if rng.random() < 0.8 else ConsentMethod.ORAL,
            obtained_on=join_day,
            obtained_by=worker,
            obtained_by_organization=case.lead_organization,
            notes="" if not client.is_child else "親権者（母）の同意。",
        )
        ctx.consents.append(consent)
        ctx.consent_orgs.append((consent, case.lead_organization))
        for code in consent_orgs:
            ctx.consent_orgs.append((consent, ctx.orgs[code]))
    meeting = _meeting_name(join_day, client.ward)
    for code, role in chosen:
        org = ctx.orgs[code]
        member_user: User | None = None
        member_name = ""
        if code in WORKERS:
            names = WORKERS[code]
            member_user = ctx.users[rng.choice(names)]
        else:
            member_name = rng.choice(OUTSIDE_WORKERS.get(code, ("",)))
        by_consent = consent is not None and code in consent_orgs
        ctx.team.append(
            CaseTeamMember(
                case=case,
                organization=org,
                worker=member_user,
                worker_name=member_name,
                role=role,
                basis=SharingBasis.CONSENT if by_consent else SharingBasis.STATUTORY_MEETING,
                consent=consent if by_consent else None,
                basis_note="" if by_consent else f"{meeting}にて共有",
                joined_on=join_day,
                left_on=case.closed_on,
                added_by=worker,
            )
        )
        members.append((org, member_user, member_name))
    return members


def _meeting_name(day: dt.date, ward: str) -> str:
    fiscal_year = day.year if day.month >= 4 else day.year - 1
    reiwa = fiscal_year - 2018
    number = {4: 1, 5: 1, 6: 1, 7: 2, 8: 2, 9: 2, 10: 3, 11: 3, 12: 3}.get(day.month, 4)
    return f"令和{reiwa}年度第{number}回 {ward}支援会議（社会福祉法106条の6）"


def _short(org: Organization) -> str:
    return org.short_name or org.name


def _build_consultation(
    ctx: Context, case: Case, plan: CasePlan, story: Story, worker: User, values: dict[str, str]
) -> None:
    rng = ctx.rng
    client = plan.client
    if plan.planning:
        referrer = ctx.orgs[plan.referrer] if plan.referrer else None
        who = _short(referrer) if referrer else "区役所"
        concern = f"{who}より計画相談の依頼。{values['svc']}の利用を希望している。"
        consulter, channel = Consulter.AGENCY, Channel.VIA_AGENCY
        domains = ["welfare_services"]
    else:
        index = rng.randrange(len(story.main_concerns))
        concern = _fill(story.main_concerns[index], values)
        consulter, channel, ref = story.intake[min(index, len(story.intake) - 1)]
        referrer = ctx.orgs[_team_org(ref, client)] if ref else None
        domains = list(story.domains)
    received = case.opened_on - dt.timedelta(days=rng.randint(0, 6))
    ctx.consultations.append(
        Consultation(
            organization=case.lead_organization,
            received_by=worker,
            received_at=_at(received, rng),
            channel=channel,
            consulter=consulter,
            referring_organization=referrer,
            person=client.person,
            household=client.household if case.household is not None else None,
            main_concern=concern,
            domains=domains,
            support_types=_support_types(domains, len(ctx.consultations)),
            urgency=Urgency.HIGH if case.is_complex and rng.random() < 0.4 else Urgency.NORMAL,
            outcome=(
                ConsultationOutcome.JOINT_SUPPORT
                if case.lead_organization.code == "core-center"
                else ConsultationOutcome.CONTINUING
            ),
            minutes_spent=rng.choice((20, 30, 45, 60, 60, 90, 120)),
            case=case,
        )
    )


def _note_days(rng: random.Random, start: dt.date, end: dt.date, count: int) -> list[dt.date]:
    span = max((end - start).days, 0)
    days = {start}
    while len(days) < min(count, span + 1):
        days.add(start + dt.timedelta(days=rng.randint(0, span)))
    return sorted(days)


def _build_notes(
    ctx: Context,
    case: Case,
    plan: CasePlan,
    story: Story,
    worker: User,
    path: list[tuple[str, dt.date, str]],
    team: list[tuple[Organization, User | None, str]],
    values: dict[str, str],
    end: dt.date,
) -> None:
    rng = ctx.rng
    client = plan.client
    span = (end - case.opened_on).days
    count = max(3, min(15, 3 + span // 80 + rng.randint(0, 3)))
    others = [(org, user) for org, user, _name in team[1:]]
    with_accounts = [(org, user) for org, user in others if user is not None]
    statutory = any(m.basis == SharingBasis.STATUTORY_MEETING for m in ctx.team if m.case is case)
    orgs_text = "、".join(_short(org) for org, _u, _n in team)
    observations = PLANNING_OBSERVATIONS if plan.planning else story.observations
    restricted_left = list(story.restricted) if not plan.planning else []
    # Each story observation once, roughly in the order written (they follow the story).
    story_left = list(observations)
    used: set[str] = set()
    if case.closed_on is None:
        days = _note_days(rng, case.opened_on, end, count)
    else:  # the last note is the closing interview
        days = [*_note_days(rng, case.opened_on, end - dt.timedelta(days=1), count - 1), end]
    for index, day in enumerate(days):
        status = _status_on(path, day)
        if case.closed_on is not None and index == len(days) - 1:
            ctx.notes.append(
                ProgressNote(
                    case=case,
                    occurred_at=_at(day, rng),
                    kind=NoteKind.INTERVIEW,
                    author=worker,
                    author_organization=case.lead_organization,
                    participants=f"本人、{values['kp']}",
                    text=_fill(
                        "終結に向けた面談。これまでの経過を本人・{kp}と振り返った。"
                        f"{case.closure_reason}。"
                        "困ったときはいつでも連絡してよいことを伝えた。",
                        values,
                    ),
                )
            )
            continue
        if index == 0:
            kind: str = NoteKind.INTERVIEW if rng.random() < 0.6 else NoteKind.HOME_VISIT
        else:
            kind = rng.choices(
                (
                    NoteKind.HOME_VISIT, NoteKind.INTERVIEW, NoteKind.PHONE,
                    NoteKind.ACCOMPANIMENT, NoteKind.CASE_CONFERENCE,
                    NoteKind.AGENCY_CONTACT, NoteKind.EMAIL,
                ),
                (30, 18, 20, 10, 8 if len(team) > 1 else 0, 12 if others else 0, 2),
            )[0]  # fmt: skip
        other_org = rng.choice(others)[0] if others else case.lead_organization
        v = dict(values, orgs=orgs_text, org=_short(other_org))
        author, author_org = worker, case.lead_organization
        participants = ""
        restricted = False
        moment = ""
        if restricted_left and index > 0 and rng.random() < 0.35:
            kind = NoteKind.AGENCY_CONTACT
            text = restricted_left.pop(0)
            restricted = True
            participants = _short(other_org)
        elif kind == NoteKind.CASE_CONFERENCE:
            opening = (
                STATUTORY_NOTE
                if statutory and rng.random() < 0.5
                else rng.choice(NOTE_OPENINGS[kind])
            )
            bodies = CONFERENCE_BODIES[:2] if opening == STATUTORY_NOTE else CONFERENCE_BODIES
            text = _fill(opening + rng.choice(bodies), v)
            if story_left:
                text += _fill(story_left.pop(0), v)
            participants = orgs_text
            if with_accounts and rng.random() < 0.3:
                author_org, author = rng.choice(with_accounts)
        else:
            if kind == NoteKind.AGENCY_CONTACT and with_accounts and rng.random() < 0.25:
                # Written by the partner organization: the "other side" is the lead office.
                author_org, author = rng.choice(with_accounts)
                other_org = case.lead_organization
                v["org"] = _short(other_org)
            openings = NOTE_OPENINGS[kind]
            if kind in (NoteKind.INTERVIEW, NoteKind.PHONE) and (
                client.is_child or client.profile in NONVERBAL_PROFILES
            ):
                openings = FAMILY_OPENINGS[kind]
            opening = rng.choice(openings)
            body = []
            if story_left and (rng.random() < 0.7 or status == CaseStatus.INTAKE):
                body.append(story_left.pop(0))
            fresh = [t for t in STAGE_OBSERVATIONS[status] if t not in used]
            if fresh and (not body or rng.random() < 0.5):
                body.append(rng.choice(fresh))
                used.add(body[-1])
            if not body:
                body.append(rng.choice(GENERIC_OBSERVATIONS))
            closing = rng.choice(CLOSINGS)
            text = _fill(opening + "".join(body) + closing, v)
            if kind in (NoteKind.HOME_VISIT, NoteKind.INTERVIEW, NoteKind.ACCOMPANIMENT) and (
                rng.random() < 0.18
            ):
                pool = NONVERBAL_MOMENTS if client.profile in NONVERBAL_PROFILES else MOMENTS
                moment = _fill(rng.choice(pool), v)
                text += moment
            participants = _participants(rng, kind, opening, values["kp"], _short(other_org))
        ctx.notes.append(
            ProgressNote(
                case=case,
                occurred_at=_at(day, rng),
                kind=kind,
                author=author,
                author_organization=author_org,
                participants=participants[:300],
                text=text,
                is_motivating_moment=bool(moment),
                motivating_moment=moment[:300],
                is_restricted=restricted,
            )
        )


def _participants(rng: random.Random, kind: str, opening: str, kp: str, other: str) -> str:
    if kind in (NoteKind.AGENCY_CONTACT, NoteKind.EMAIL):
        return f"{HOSPITAL} 地域連携室" if "地域連携室" in opening else other
    if kind == NoteKind.ACCOMPANIMENT:
        return f"本人、{HOSPITAL} 主治医" if HOSPITAL in opening else "本人"
    if kind in (NoteKind.PHONE, NoteKind.INTERVIEW) and opening.startswith("{kp}"):
        return kp
    if "{kp}" in opening or (kind == NoteKind.HOME_VISIT and rng.random() < 0.5):
        return f"本人、{kp}"
    return "本人"


def _build_formulations(
    ctx: Context,
    case: Case,
    plan: CasePlan,
    story: Story,
    worker: User,
    path: list[tuple[str, dt.date, str]],
    team: list[tuple[Organization, User | None, str]],
    values: dict[str, str],
    end: dt.date,
) -> None:
    rng = ctx.rng
    stages = PLANNING_STAGES if plan.planning else story.stages
    # A revision follows each turn of the case: the first after the assessment starts, the
    # others after later status changes (planning, support, monitoring, re-assessment).
    turns = [day for status, day, _r in path[1:] if status != CaseStatus.CLOSED]
    if not turns:
        turns = [case.opened_on]
    later = turns[1:]
    extra = min(len(later), 3, rng.randint(1, 3)) if later else 0
    chosen = [turns[0], *sorted(rng.sample(later, extra))]
    days = [min(day + dt.timedelta(days=rng.randint(2, 12)), end) for day in chosen]
    core = next(
        ((org, user) for org, user, _n in team if org.code == "core-center" and user is not None),
        None,
    )
    background = "" if plan.planning else _fill(story.background, values)
    for number, day in enumerate(days, start=1):
        stage = stages[number - 1]
        author, author_org = worker, case.lead_organization
        prompted = _fill(stage.prompted_by, values)
        if core is not None and number == 2 and case.lead_organization.code != "core-center":
            author_org, author = core
            prompted += "基幹センターとの共同アセスメントを踏まえて見直し。"
        factor_note = ""
        if case.is_complex and number == 1:
            factor_note = (
                "（困難さの要因として整理: "
                + "／".join(_factor_label(f) for f in case.difficulty_factors)
                + "）"
            )
        ctx.formulations.append(
            Formulation(
                case=case,
                revision=number,
                situation_summary=_fill(stage.summary, values),
                background_factors=background + factor_note,
                hypothesis=_fill(stage.hypothesis, values),
                support_policy=_fill(stage.policy, values),
                prompted_by=prompted,
                author=author,
                author_organization=author_org,
                created_at=_at(day, rng, 13, 18),
            )
        )


def _factor_label(code: str) -> str:
    return str(DifficultyFactor(code).label)


# --- Orchestration -------------------------------------------------------------------------------


def _ensure_staff(orgs: dict[str, Organization], created: Counter[str]) -> dict[str, User]:
    usernames = {u for names in WORKERS.values() for u in names}
    for spec in STAFF:
        if User.objects.filter(username=spec.username).exists():
            continue
        user = User(
            username=spec.username,
            full_name=spec.full_name,
            full_name_kana=spec.full_name_kana,
            email=f"{spec.username}@example.jp",
        )
        user.set_unusable_password()  # an author of records, never signed in as
        user.save()
        Membership.objects.create(
            user=user,
            organization=orgs[spec.organization],
            job_title=spec.job_title,
            role=SystemRole.STAFF,
            is_primary=True,
        )
        created["staff"] += 1
    return {u.username: u for u in User.objects.filter(username__in=usernames)}


def _plan_cases(ctx: Context, clients: list[Client], target: int) -> list[CasePlan]:
    rng = ctx.rng
    span = (LAST_DAY - FIRST_DAY).days
    plans: list[CasePlan] = []
    for client in clients:
        lead = _first_lead(rng, client)
        # Older cases for the seed 001 households: they have the longest histories.
        if client.story.startswith("8050_"):
            opened = FIRST_DAY + dt.timedelta(days=rng.randint(0, 200))
        else:
            opened = FIRST_DAY + dt.timedelta(days=rng.randint(0, span - 10))
        plans.append(CasePlan(client, lead, opened, planning=lead.startswith("plan-"), referrer=""))
    # Second cases: the designated office writes the service-use plan for someone whose basic
    # case is with a commissioned office, the hub or the core center.
    candidates = [
        p
        for p in plans
        if not p.planning
        and p.client.profile != "undiagnosed"
        and (LAST_DAY - p.opened_on).days > 60
    ]
    rng.shuffle(candidates)
    for first in candidates[: max(0, target - len(plans))]:
        lead = rng.choice(DESIGNATED_BY_WARD[first.client.ward])
        opened = first.opened_on + dt.timedelta(
            days=rng.randint(20, max(21, min(240, (LAST_DAY - first.opened_on).days - 15)))
        )
        plans.append(CasePlan(first.client, lead, opened, planning=True, referrer=first.lead))
    # The planning offices register people they take first, everyone else keeps the office
    # of their first case.
    first_lead: dict[int, str] = {}
    for p in sorted(plans, key=lambda p: p.opened_on):
        first_lead.setdefault(id(p.client.person), p.lead)
    for client in clients:
        org = ctx.orgs[first_lead[id(client.person)]]
        client.person.registered_by_organization = org
    for household in ctx.households:
        anchors = [c for c in clients if c.household is household]
        if anchors:
            household.registered_by_organization = anchors[0].person.registered_by_organization
    for member in ctx.members:
        if all(c.person is not member.person for c in clients):
            member.person.registered_by_organization = member.household.registered_by_organization
    plans.sort(key=lambda p: (p.opened_on, p.client.person.kana_normalized))
    return plans


# What support a counselor records for a consultation about these domains (the Kumamoto
# model's kinds, seed 004); a few also get peer counselling or a discrimination consultation,
# chosen by the consultation's place in the list so that the demo's random sequence is
# untouched.
DOMAIN_SUPPORT_TYPES: dict[str, tuple[str, ...]] = {
    "welfare_services": (SupportType.SERVICE_USE,),
    "money": (SupportType.LIFE_SKILLS,),
    "housing": (SupportType.RESOURCES,),
    "employment": (SupportType.RESOURCES,),
    "health": (SupportType.SPECIALIST_REFERRAL,),
    "rights": (SupportType.GUARDIANSHIP,),
    "abuse": (SupportType.ABUSE,),
    "withdrawal": (SupportType.RESOURCES,),
    "school_refusal": (SupportType.SPECIALIST_REFERRAL,),
    "poverty": (SupportType.LIFE_SKILLS,),
    "family": (SupportType.LIFE_SKILLS,),
}


def _support_types(domains: list[str], index: int, *, referred: bool = False) -> list[str]:
    found = {t for d in domains for t in DOMAIN_SUPPORT_TYPES.get(d, ())}
    if referred:
        found.add(SupportType.SPECIALIST_REFERRAL)
    if index % 7 == 3:
        found.add(SupportType.PEER_COUNSELLING)
    if index % 11 == 5:
        found.add(SupportType.DISCRIMINATION)
    return [t for t in SupportType.values if t in found]


def _standalone_consultations(ctx: Context) -> None:
    """Consultations that ended with information or a referral: no person, no case."""
    rng = ctx.rng
    offices = ("office-aoba", "office-sakura", "core-center", "life-hub", "plan-kokoro")
    for _ in range(24):
        org = rng.choice(offices)
        text, domain, consulter, channel = rng.choice(CONSULT_INFO)
        day = FIRST_DAY + dt.timedelta(days=rng.randint(0, (LAST_DAY - FIRST_DAY).days))
        ctx.consultations.append(
            Consultation(
                organization=ctx.orgs[org],
                received_by=ctx.users[rng.choice(WORKERS[org])],
                received_at=_at(day, rng),
                channel=channel,
                consulter=consulter,
                is_anonymous=True,
                main_concern=text,
                domains=[domain],
                support_types=_support_types(
                    [domain], len(ctx.consultations), referred="案内" in text
                ),
                outcome=(
                    ConsultationOutcome.REFERRED
                    if "案内" in text and rng.random() < 0.5
                    else ConsultationOutcome.INFORMATION
                ),
                minutes_spent=rng.choice((10, 15, 20, 30)),
            )
        )


def _support_meetings(ctx: Context) -> None:
    """The statutory support meeting behind each support-meeting basis: held on the day the
    organizations joined, attended by the lead and them, every attendee's confidentiality
    pledge recorded (社会福祉法106条の6第5項); the members then name it."""
    by_case: dict[int, list[CaseTeamMember]] = {}
    for member in ctx.team:
        if member.basis == SharingBasis.STATUTORY_MEETING:
            by_case.setdefault(member.case.pk, []).append(member)
    conferences: list[CaseConference] = []
    for members in by_case.values():
        first = members[0]
        held_at = dt.datetime.combine(first.joined_on, dt.time(10), tzinfo=TOKYO)
        conferences.append(
            CaseConference(
                case=first.case,
                kind=ConferenceKind.STATUTORY_SUPPORT_MEETING,
                organizer=first.case.lead_organization,
                held_at=held_at,
                purpose=first.basis_note.removesuffix("にて共有"),
                created_by=first.added_by,
            )
        )
    CaseConference.objects.bulk_create(conferences, batch_size=500)
    attendees: list[ConferenceAttendee] = []
    for conference, members in zip(conferences, by_case.values(), strict=True):
        orgs = [conference.organizer] + [m.organization for m in members]
        for org in dict.fromkeys(orgs):
            attendees.append(
                ConferenceAttendee(
                    conference=conference,
                    organization=org,
                    name=f"{_short(org)} 担当",
                    pledged_at=conference.held_at,
                    pledged_by_name=f"{_short(org)} 担当",
                    pledge_recorded_by=conference.created_by,
                )
            )
        for member in members:
            member.conference = conference
    ConferenceAttendee.objects.bulk_create(attendees, batch_size=500)


def _save(ctx: Context) -> None:
    Person.objects.bulk_create(ctx.persons, batch_size=500)
    DisabilityCertificate.objects.bulk_create(ctx.certificates, batch_size=500)
    Household.objects.bulk_create(ctx.households, batch_size=500)
    HouseholdMember.objects.bulk_create(ctx.members, batch_size=500)
    Case.objects.bulk_create(ctx.cases, batch_size=500)
    # Each case's lead since it opened, as `cases.services` records it (the caseload trend
    # and the case page's lead history read these).
    CaseLeadPeriod.objects.bulk_create(
        (
            CaseLeadPeriod(
                case=case,
                organization=case.lead_organization,
                worker=case.lead_worker,
                started_on=case.opened_on,
                started_at=dt.datetime.combine(case.opened_on, dt.time(9), TOKYO),
                started_by=case.lead_worker,
            )
            for case in ctx.cases
        ),
        batch_size=500,
    )
    CaseStatusChange.objects.bulk_create(ctx.changes, batch_size=500)
    Consent.objects.bulk_create(ctx.consents, batch_size=500)
    through = Consent.organizations.through
    seen: set[tuple[int, int]] = set()
    rows = []
    for consent, org in ctx.consent_orgs:
        key = (consent.pk, org.pk)
        if key not in seen:
            seen.add(key)
            rows.append(through(consent_id=consent.pk, organization_id=org.pk))
    through.objects.bulk_create(rows, batch_size=500)
    _support_meetings(ctx)
    CaseTeamMember.objects.bulk_create(ctx.team, batch_size=500)
    Consultation.objects.bulk_create(ctx.consultations, batch_size=500)
    ProgressNote.objects.bulk_create(ctx.notes, batch_size=500)
    Formulation.objects.bulk_create(ctx.formulations, batch_size=500)


@transaction.atomic
def seed_casework() -> Counter[str]:
    """Create the demo casework unless some case already exists; return what was created."""
    created: Counter[str] = Counter()
    if Case.objects.exists():
        return created
    orgs = {o.code: o for o in Organization.objects.all()}
    areas = {a.code: a for a in Area.objects.filter(code__in=TOWNS)}
    users = _ensure_staff(orgs, created)
    rng = random.Random(SEED)  # noqa: S311  # demo data, not secrets: reproducible on purpose
    ctx = Context(rng=rng, orgs=orgs, areas=areas, users=users)
    clients = _make_households(ctx) + _make_singles(ctx)
    plans = _plan_cases(ctx, clients, target=150)
    office_a1_quota = [10]
    for plan in plans:
        _build_case(ctx, plan, office_a1_quota)
    _standalone_consultations(ctx)
    _save(ctx)
    created.update(
        person=len(ctx.persons),
        household=len(ctx.households),
        case=len(ctx.cases),
        consultation=len(ctx.consultations),
        note=len(ctx.notes),
        formulation=len(ctx.formulations),
    )
    audit.record(
        action=Action.DEMO_SEEDED,
        detail={
            "casework": {
                **dict(created),
                "certificate": len(ctx.certificates),
                "household_member": len(ctx.members),
                "status_change": len(ctx.changes),
                "consent": len(ctx.consents),
                "team_member": len(ctx.team),
            }
        },
    )
    return created


def casework_summary(created: Counter[str]) -> str:
    if not created.total():
        return "ケース記録: 作成済みのため、新たに作成したものはありません。"
    counts = "、".join(
        f"{label} {created[key]}件" for key, label in CASEWORK_LABELS.items() if created[key]
    )
    return f"ケース記録を作成しました: {counts}"
