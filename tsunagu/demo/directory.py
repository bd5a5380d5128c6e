"""The demo directory of みどり市: about 45 social resources across the city's areas, formal
and informal, and a few resource developments naming them (seed 002's 上乗せ・横出し・再資源化,
kept in the log of tsunagu.meetings).

Deterministic and idempotent: every provider and resource has a fixed HSDS id derived from its
key, and only what is missing is created (through the services, so audit rows are written).
Phone numbers use subscriber numbers starting with 0, never assigned in Japan.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.directory import services
from tsunagu.directory.models import Provider, SocialResource, TaxonomyTerm
from tsunagu.directory.taxonomy import derived_id
from tsunagu.meetings import services as meeting_services
from tsunagu.meetings.models import CommunityIssue, DevelopmentKind, Meeting, ResourceDevelopment
from tsunagu.organizations.models import Area, Organization

CONFIRMED_ON = dt.date(2026, 11, 25)
CITY = "みどり市"


@dataclass(frozen=True)
class ProviderSpec:
    key: str
    name: str
    kana: str
    organization: str | None = None  # tsunagu Organization code
    phone: str = ""
    description: str = ""


@dataclass(frozen=True, kw_only=True)
class ResourceSpec:
    key: str
    provider: str
    name: str
    kana: str
    kind: str  # TaxonomyTerm code
    area: str  # Area code
    address: str
    postal_code: str = ""
    specialties: tuple[str, ...] = ()
    phone: str = ""
    fax: str = ""
    days: str = "MO,TU,WE,TH,FR"
    opens: str = "09:00"
    closes: str = "17:00"
    schedule_note: str = ""
    capacity: int | None = None
    vacancies: int | None = None
    visits: bool = False
    trial: bool = False
    visit_note: str = ""
    description: str = ""
    eligibility: str = ""
    fees: str = ""
    transportation: str = ""
    accessibility: str = ""
    min_age: int | None = None
    max_age: int | None = None
    internal_note: str = ""
    internal_contact: tuple[str, str] | None = None  # (name, phone): staff only
    published: bool = True
    extra_schedules: tuple[tuple[str, str, str, str], ...] = field(default=())


PROVIDERS: tuple[ProviderSpec, ...] = (
    ProviderSpec(
        "fukushikai", "社会福祉法人 みどり福祉会", "みどりふくしかい", phone="022-011-2300"
    ),
    ProviderSpec("sakurakai", "社会福祉法人 さくら会", "さくらかい", phone="022-013-6630"),
    ProviderSpec(
        "sasaeai",
        "特定非営利活動法人 ささえあいネットみどり",
        "ささえあいねっとみどり",
        phone="022-012-5520",
    ),
    ProviderSpec("seijukai", "医療法人 青樹会", "せいじゅかい", phone="022-012-9100"),
    ProviderSpec("hidamari-care", "合同会社 ひだまりケア", "ひだまりけあ", phone="022-011-7780"),
    ProviderSpec("tsumugi", "一般社団法人 つむぎ", "つむぎ", phone="022-012-3350"),
    ProviderSpec(
        "plan-hidamari",
        "相談支援事業所 ひだまり",
        "そうだんしえんじぎょうしょ ひだまり",
        organization="plan-hidamari",
        phone="022-011-7788",
    ),
    ProviderSpec(
        "plan-tsumugi",
        "相談室 つむぎ",
        "そうだんしつ つむぎ",
        organization="plan-tsumugi",
        phone="022-012-3356",
    ),
    ProviderSpec(
        "plan-midorinokaze",
        "指定特定相談支援事業所 みどりの風",
        "していとくていそうだんしえんじぎょうしょ みどりのかぜ",
        organization="plan-midorinokaze",
        phone="022-013-4471",
    ),
    ProviderSpec(
        "office-aoba",
        "相談支援センター あおば",
        "そうだんしえんせんたー あおば",
        organization="office-aoba",
        phone="022-011-4410",
    ),
    ProviderSpec(
        "office-kaede",
        "相談支援センター かえで",
        "そうだんしえんせんたー かえで",
        organization="office-kaede",
        phone="022-012-5521",
    ),
    ProviderSpec(
        "office-sakura",
        "相談支援センター さくら",
        "そうだんしえんせんたー さくら",
        organization="office-sakura",
        phone="022-013-6632",
    ),
    ProviderSpec(
        "life-hub",
        "みどり市地域生活支援拠点 みどりサポートネット",
        "みどりしちいきせいかつしえんきょてん みどりさぽーとねっと",
        organization="life-hub",
        phone="022-011-2310",
    ),
    ProviderSpec(
        "hikikomori",
        "みどり市ひきこもり地域支援センター ほっとスペース",
        "みどりしひきこもりちいきしえんせんたー ほっとすぺーす",
        organization="hikikomori-center",
        phone="022-012-6690",
    ),
    ProviderSpec(
        "commissioner-honcho",
        "本町地区 民生委員・児童委員",
        "ほんちょうちく みんせいいいん・じどういいん",
        organization="commissioner-honcho",
        description="本町地区の民生委員・児童委員協議会。",
    ),
    ProviderSpec(
        "shakyo",
        "みどり市社会福祉協議会",
        "みどりししゃかいふくしきょうぎかい",
        phone="022-011-2200",
        description="ボランティアセンターとふれあいサロンの支援。",
    ),
    ProviderSpec(
        "oyanokai",
        "みどり市手をつなぐ育成会",
        "みどりしてをつなぐいくせいかい",
        description="知的障害のある人の親の会。",
    ),
    ProviderSpec(
        "kazokukai-seishin",
        "みどり市精神保健福祉家族会 こもれび会",
        "みどりしせいしんほけんふくしかぞくかい こもれびかい",
        description="精神障害のある人の家族会。",
    ),
    ProviderSpec(
        "kodomo-shokudo", "わかば子ども食堂実行委員会", "わかばこどもしょくどうじっこういいんかい"
    ),
    ProviderSpec("hamamachi-salon", "浜町町内会", "はままちちょうないかい"),
    ProviderSpec(
        "nanbyo",
        "みどり市難病・医療的ケア児者の親の会 つばさ",
        "みどりしなんびょう・いりょうてきけあじしゃのおやのかい つばさ",
    ),
    # Peer counsellors (seed 004 ⑥): a group of people with disabilities whose members
    # counsel their peers; the core center names them when a consultation was peer
    # counselling (demo/peer.py).
    ProviderSpec(
        "peer-midori",
        "みどり市ピアサポートの会",
        "みどりしぴあさぽーとのかい",
        phone="022-011-2330",
        description="障害のある当事者がピアカウンセラー・ピアサポーターとして相談に応じる会。",
    ),
)

_CHUO_HONCHO = ("midori-honcho", "981-0001")
_CHUO_SAKURA = ("midori-sakuragaoka", "981-0012")
_HIGASHI = ("midori-wakaba", "981-0203")
_NISHI_MIDORI = ("midori-midorigaoka", "981-0305")
_NISHI_HAMA = ("midori-hamamachi", "981-0312")

RESOURCES: tuple[ResourceSpec, ...] = (
    # --- 生活介護・日中活動 -------------------------------------------------------------------
    ResourceSpec(
        key="hidamari-seikatsu",
        provider="fukushikai",
        name="生活介護事業所 ひだまりの家",
        kana="せいかつかいごじぎょうしょ ひだまりのいえ",
        kind="life-care",
        area=_CHUO_HONCHO[0],
        postal_code=_CHUO_HONCHO[1],
        address="中央区本町三丁目12番5号",
        specialties=("smid-medical-care", "intellectual"),
        phone="022-011-3101",
        fax="022-011-3102",
        opens="09:30",
        closes="16:00",
        capacity=20,
        vacancies=2,
        visits=True,
        trial=True,
        visit_note="見学は平日10時〜15時。体験利用は3日まで。",
        description="重症心身障害や医療的ケアのある方の日中活動の場。看護師が常勤しています。",
        eligibility="障害支援区分3以上（50歳以上は区分2以上）の方",
        fees="障害福祉サービスの利用者負担（上限あり）。昼食代450円。",
        transportation="市営バス「本町三丁目」下車徒歩2分。送迎あり（中央区内）。",
        accessibility="段差なし。車いす用トイレ、機械浴あり。駐車場3台（うち障害者用1台）。",
        internal_note="送迎車は2台。吸引の必要な方は看護師の勤務日を事前に確認。",
        internal_contact=("サービス管理責任者 大野", "022-011-3109"),
    ),
    ResourceSpec(
        key="sakura-no-sato",
        provider="sakurakai",
        name="生活介護 さくらの里",
        kana="せいかつかいご さくらのさと",
        kind="life-care",
        area=_NISHI_MIDORI[0],
        postal_code=_NISHI_MIDORI[1],
        address="西区緑ヶ丘二丁目5番1号",
        specialties=("severe-behavior", "intellectual"),
        phone="022-013-3201",
        capacity=30,
        vacancies=0,
        visits=True,
        opens="09:00",
        closes="15:30",
        visit_note="見学は要予約。",
        description="強度行動障害のある方の受け入れ実績が豊富な生活介護。個別の活動スペースがあります。",
        transportation="みどり線「緑ヶ丘駅」から徒歩10分。送迎あり。",
        accessibility="個室の休憩スペースあり。音に敏感な方のための静かな部屋があります。",
    ),
    ResourceSpec(
        key="wakaba-kobo",
        provider="sasaeai",
        name="わかば工房",
        kana="わかばこうぼう",
        kind="continuous-work-b",
        area=_HIGASHI[0],
        postal_code=_HIGASHI[1],
        address="東区若葉四丁目8番2号",
        specialties=("psychiatric", "intellectual"),
        phone="022-012-3301",
        capacity=20,
        vacancies=3,
        visits=True,
        trial=True,
        opens="09:30",
        closes="15:30",
        description="パンと焼き菓子の製造・販売。自分のペースで週1日から通えます。",
        fees="工賃は月平均16,000円。",
        transportation="市営バス「若葉四丁目」下車すぐ。",
        accessibility="1階のみ。スロープあり。",
    ),
    ResourceSpec(
        key="midori-works",
        provider="tsumugi",
        name="就労継続支援A型 みどりワークス",
        kana="しゅうろうけいぞくしえんえーがた みどりわーくす",
        kind="continuous-work-a",
        area=_CHUO_SAKURA[0],
        postal_code=_CHUO_SAKURA[1],
        address="中央区桜ヶ丘二丁目3番8号 桜ヶ丘ビル2階",
        specialties=("developmental", "psychiatric"),
        phone="022-011-3401",
        capacity=20,
        vacancies=1,
        visits=True,
        opens="09:00",
        closes="16:00",
        description="データ入力と軽作業。雇用契約を結んで働きます。",
        transportation="みどり線「桜ヶ丘駅」徒歩3分。",
        accessibility="エレベーターあり。",
    ),
    ResourceSpec(
        key="step-up",
        provider="tsumugi",
        name="就労移行支援事業所 ステップアップみどり",
        kana="しゅうろういこうしえんじぎょうしょ すてっぷあっぷみどり",
        kind="transition-to-work",
        area=_CHUO_SAKURA[0],
        postal_code=_CHUO_SAKURA[1],
        address="中央区桜ヶ丘二丁目3番8号 桜ヶ丘ビル3階",
        specialties=("developmental", "psychiatric", "higher-brain"),
        phone="022-011-3402",
        capacity=20,
        vacancies=4,
        visits=True,
        trial=True,
        opens="10:00",
        closes="16:00",
        description="一般企業への就職を目指す2年間の訓練。高次脳機能障害の方のプログラムもあります。",
        transportation="みどり線「桜ヶ丘駅」徒歩3分。",
    ),
    ResourceSpec(
        key="step-up-teichaku",
        provider="tsumugi",
        name="就労定着支援 ステップアップみどり",
        kana="しゅうろうていちゃくしえん すてっぷあっぷみどり",
        kind="work-retention",
        area=_CHUO_SAKURA[0],
        postal_code=_CHUO_SAKURA[1],
        address="中央区桜ヶ丘二丁目3番8号 桜ヶ丘ビル3階",
        specialties=("developmental",),
        phone="022-011-3402",
        description="就職後の職場定着を支えます。職場訪問と面談。",
    ),
    ResourceSpec(
        key="hamakaze-b",
        provider="sakurakai",
        name="浜風作業所",
        kana="はまかぜさぎょうしょ",
        kind="continuous-work-b",
        area=_NISHI_HAMA[0],
        postal_code=_NISHI_HAMA[1],
        address="西区浜町二丁目14番3号",
        specialties=("intellectual", "physical"),
        phone="022-013-3501",
        capacity=25,
        vacancies=5,
        visits=True,
        trial=True,
        opens="09:00",
        closes="15:00",
        description="農作業と海産物の加工。季節の作業があります。",
        transportation="市営バス「浜町二丁目」下車徒歩5分。",
    ),
    ResourceSpec(
        key="jiritsu-kunren",
        provider="fukushikai",
        name="自立訓練（生活訓練）みどりステップ",
        kana="じりつくんれん（せいかつくんれん）みどりすてっぷ",
        kind="independence-training",
        area=_CHUO_HONCHO[0],
        postal_code=_CHUO_HONCHO[1],
        address="中央区本町二丁目3番1号 みどり市総合福祉センター1階",
        specialties=("psychiatric", "higher-brain"),
        phone="022-011-3601",
        capacity=12,
        vacancies=2,
        visits=True,
        description="買い物、調理、金銭管理など、ひとり暮らしに向けた練習。",
        transportation="みどり線「みどり中央駅」徒歩5分。",
        accessibility="エレベーター、多目的トイレあり。",
    ),
    ResourceSpec(
        key="chiiki-katsudo-chuo",
        provider="fukushikai",
        name="地域活動支援センター ふらっと",
        kana="ちいきかつどうしえんせんたー ふらっと",
        kind="community-activity-center",
        area=_CHUO_HONCHO[0],
        postal_code=_CHUO_HONCHO[1],
        address="中央区本町四丁目1番9号",
        specialties=("psychiatric",),
        phone="022-011-3701",
        opens="10:00",
        closes="18:00",
        days="MO,TU,WE,TH,FR,SA",
        visits=True,
        description="予約なしで立ち寄れる居場所。創作活動と相談。",
        fees="無料（材料費のみ）",
    ),
    ResourceSpec(
        key="chiiki-katsudo-nishi",
        provider="sakurakai",
        name="地域活動支援センター みなと",
        kana="ちいきかつどうしえんせんたー みなと",
        kind="community-activity-center",
        area=_NISHI_HAMA[0],
        postal_code=_NISHI_HAMA[1],
        address="西区浜町一丁目2番6号",
        specialties=("psychiatric", "hikikomori"),
        phone="022-013-3702",
        opens="10:00",
        closes="16:00",
        visits=True,
        description="昼食会と季節の行事。ひきこもりがちな方の最初の一歩に。",
    ),
    # --- 訪問系 ----------------------------------------------------------------------------
    ResourceSpec(
        key="hidamari-helper",
        provider="hidamari-care",
        name="ヘルパーステーション ひだまり",
        kana="へるぱーすてーしょん ひだまり",
        kind="home-help",
        area=_CHUO_HONCHO[0],
        postal_code="981-0005",
        address="中央区旭町5番22号 旭ビル101",
        specialties=("physical", "intellectual"),
        phone="022-011-3801",
        days="MO,TU,WE,TH,FR,SA,SU",
        opens="07:00",
        closes="21:00",
        description="身体介護・家事援助・通院等介助。土日も対応します。",
        internal_note="夜間帯は人手不足。新規は要相談。",
    ),
    ResourceSpec(
        key="hidamari-juudo",
        provider="hidamari-care",
        name="ヘルパーステーション ひだまり（重度訪問介護）",
        kana="へるぱーすてーしょん ひだまり（じゅうどほうもんかいご）",
        kind="severe-home-care",
        area=_CHUO_HONCHO[0],
        postal_code="981-0005",
        address="中央区旭町5番22号 旭ビル101",
        specialties=("physical", "smid-medical-care", "intractable-disease"),
        phone="022-011-3801",
        days="MO,TU,WE,TH,FR,SA,SU",
        opens="00:00",
        closes="23:59",
        schedule_note="24時間対応（要相談）",
        description="長時間の見守りを含む重度訪問介護。喀痰吸引等の研修修了者が在籍。",
    ),
    ResourceSpec(
        key="doko-engo",
        provider="sasaeai",
        name="同行援護 みちしるべ",
        kana="どうこうえんご みちしるべ",
        kind="accompanied-outing-visual",
        area=_HIGASHI[0],
        postal_code=_HIGASHI[1],
        address="東区若葉三丁目15番4号",
        specialties=("visual",),
        phone="022-012-3901",
        days="MO,TU,WE,TH,FR,SA",
        opens="08:00",
        closes="19:00",
        description="視覚障害のある方の外出に付き添い、代筆・代読も行います。",
    ),
    ResourceSpec(
        key="kodo-engo",
        provider="sakurakai",
        name="行動援護 さくらサポート",
        kana="こうどうえんご さくらさぽーと",
        kind="behavioral-support",
        area=_NISHI_MIDORI[0],
        postal_code=_NISHI_MIDORI[1],
        address="西区緑ヶ丘二丁目5番1号",
        specialties=("severe-behavior", "developmental"),
        phone="022-013-4001",
        days="MO,TU,WE,TH,FR,SA,SU",
        opens="08:00",
        closes="20:00",
        description="行動上著しい困難のある方の外出を支援します。",
    ),
    ResourceSpec(
        key="ido-shien",
        provider="sasaeai",
        name="移動支援 おでかけネット",
        kana="いどうしえん おでかけねっと",
        kind="mobility-support",
        area=_HIGASHI[0],
        postal_code=_HIGASHI[1],
        address="東区若葉三丁目15番4号",
        specialties=("intellectual", "physical"),
        phone="022-012-4101",
        days="MO,TU,WE,TH,FR,SA,SU",
        opens="08:00",
        closes="20:00",
        description="余暇や社会参加のための外出の付き添い（みどり市地域生活支援事業）。",
    ),
    # --- 住まい・短期入所 -----------------------------------------------------------------------
    ResourceSpec(
        key="gh-komorebi",
        provider="fukushikai",
        name="グループホーム こもれび",
        kana="ぐるーぷほーむ こもれび",
        kind="group-home",
        area=_CHUO_SAKURA[0],
        postal_code=_CHUO_SAKURA[1],
        address="中央区桜ヶ丘四丁目7番3号",
        specialties=("intellectual",),
        phone="022-011-4201",
        capacity=6,
        vacancies=1,
        visits=True,
        trial=True,
        days="",
        opens="",
        closes="",
        schedule_note="24時間（世話人・夜間支援員）",
        description="女性専用、個室6室。体験入居（最長1か月）ができます。",
        fees="家賃38,000円（補足給付あり）、食費・光熱費等33,000円",
        internal_contact=("管理者 森", "022-011-4209"),
    ),
    ResourceSpec(
        key="gh-umikaze",
        provider="sakurakai",
        name="グループホーム うみかぜ",
        kana="ぐるーぷほーむ うみかぜ",
        kind="group-home",
        area=_NISHI_HAMA[0],
        postal_code=_NISHI_HAMA[1],
        address="西区浜町三丁目1番20号",
        specialties=("psychiatric",),
        phone="022-013-4301",
        capacity=10,
        vacancies=0,
        visits=True,
        days="",
        opens="",
        closes="",
        schedule_note="24時間",
        description="精神科病院からの地域移行の受け入れ実績あり。男性7室・女性3室。",
    ),
    ResourceSpec(
        key="gh-wakaba",
        provider="sasaeai",
        name="グループホーム わかばの家",
        kana="ぐるーぷほーむ わかばのいえ",
        kind="group-home",
        area=_HIGASHI[0],
        postal_code=_HIGASHI[1],
        address="東区柳町一丁目9番5号",
        specialties=("intellectual", "severe-behavior"),
        phone="022-012-4401",
        capacity=5,
        vacancies=1,
        visits=True,
        trial=True,
        days="",
        opens="",
        closes="",
        schedule_note="24時間",
        description="強度行動障害のある方のための小規模ホーム。",
    ),
    ResourceSpec(
        key="short-hidamari",
        provider="fukushikai",
        name="短期入所 ひだまりの家",
        kana="たんきにゅうしょ ひだまりのいえ",
        kind="short-stay",
        area=_CHUO_HONCHO[0],
        postal_code=_CHUO_HONCHO[1],
        address="中央区本町三丁目12番5号",
        specialties=("smid-medical-care",),
        phone="022-011-3101",
        capacity=4,
        vacancies=1,
        days="MO,TU,WE,TH,FR,SA,SU",
        opens="",
        closes="",
        schedule_note="利用は前月10日までに予約",
        description="医療的ケアのある方の短期入所（医療型ではありません。看護師が夜間も勤務）。",
        internal_note="緊急時の受け入れは地域生活支援拠点と調整。",
    ),
    ResourceSpec(
        key="short-sakura",
        provider="sakurakai",
        name="短期入所 さくらの里",
        kana="たんきにゅうしょ さくらのさと",
        kind="short-stay",
        area=_NISHI_MIDORI[0],
        postal_code=_NISHI_MIDORI[1],
        address="西区緑ヶ丘二丁目5番1号",
        specialties=("severe-behavior",),
        phone="022-013-3201",
        capacity=6,
        vacancies=0,
        days="MO,TU,WE,TH,FR,SA,SU",
        opens="",
        closes="",
        schedule_note="24時間",
        description="レスパイトと緊急時の受け入れ。",
    ),
    ResourceSpec(
        key="nyusho-midori",
        provider="sakurakai",
        name="障害者支援施設 みどり学園",
        kana="しょうがいしゃしえんしせつ みどりがくえん",
        kind="facility-admission",
        area=_NISHI_MIDORI[0],
        postal_code=_NISHI_MIDORI[1],
        address="西区緑ヶ丘五丁目30番1号",
        specialties=("intellectual", "severe-behavior"),
        phone="022-013-4501",
        capacity=50,
        vacancies=0,
        visits=True,
        days="",
        opens="",
        closes="",
        schedule_note="24時間",
        description="施設入所支援と生活介護。地域移行に取り組んでいます。",
    ),
    # --- 子ども ----------------------------------------------------------------------------
    ResourceSpec(
        key="jihatsu-kirakira",
        provider="tsumugi",
        name="児童発達支援 きらきら",
        kana="じどうはったつしえん きらきら",
        kind="child-development",
        area=_HIGASHI[0],
        postal_code=_HIGASHI[1],
        address="東区若葉二丁目6番11号",
        specialties=("developmental",),
        phone="022-012-4601",
        capacity=10,
        vacancies=2,
        visits=True,
        trial=True,
        opens="09:30",
        closes="14:30",
        max_age=6,
        description="未就学のお子さんの療育。言語聴覚士・作業療法士が在籍。",
        transportation="市営バス「若葉二丁目」下車徒歩1分。",
    ),
    ResourceSpec(
        key="houday-niji",
        provider="tsumugi",
        name="放課後等デイサービス にじいろ",
        kana="ほうかごとうでいさーびす にじいろ",
        kind="after-school-day",
        area=_HIGASHI[0],
        postal_code=_HIGASHI[1],
        address="東区若葉二丁目6番11号",
        specialties=("developmental", "intellectual"),
        phone="022-012-4602",
        capacity=10,
        vacancies=0,
        visits=True,
        opens="13:00",
        closes="18:00",
        min_age=6,
        max_age=18,
        extra_schedules=(("SA", "09:00", "16:00", "学校休業日も"),),
        description="小学生から高校生まで。学校への送迎あり。",
    ),
    ResourceSpec(
        key="houday-umi",
        provider="sakurakai",
        name="放課後等デイサービス うみのこ",
        kana="ほうかごとうでいさーびす うみのこ",
        kind="after-school-day",
        area=_NISHI_HAMA[0],
        postal_code=_NISHI_HAMA[1],
        address="西区浜町一丁目11番3号",
        specialties=("smid-medical-care",),
        phone="022-013-4701",
        capacity=5,
        vacancies=1,
        visits=True,
        trial=True,
        opens="13:30",
        closes="17:30",
        min_age=6,
        max_age=18,
        description="重症心身障害児の放課後等デイサービス。看護師常駐。",
    ),
    ResourceSpec(
        key="houmon-hoiku",
        provider="tsumugi",
        name="保育所等訪問支援 きらきら",
        kana="ほいくしょとうほうもんしえん きらきら",
        kind="nursery-visit",
        area=_HIGASHI[0],
        postal_code=_HIGASHI[1],
        address="東区若葉二丁目6番11号",
        specialties=("developmental",),
        phone="022-012-4601",
        description="保育園・幼稚園・学校を訪問し、集団生活への適応を支援します。",
    ),
    ResourceSpec(
        key="nicchu-ichiji",
        provider="fukushikai",
        name="日中一時支援 ひだまりの家",
        kana="にっちゅういちじしえん ひだまりのいえ",
        kind="day-respite",
        area=_CHUO_HONCHO[0],
        postal_code=_CHUO_HONCHO[1],
        address="中央区本町三丁目12番5号",
        specialties=("smid-medical-care",),
        phone="022-011-3101",
        opens="16:00",
        closes="18:00",
        capacity=3,
        vacancies=1,
        description="生活介護の後、ご家族の帰宅までの時間の見守り（みどり市地域生活支援事業）。",
    ),
    # --- 相談 ------------------------------------------------------------------------------
    ResourceSpec(
        key="soudan-hidamari",
        provider="plan-hidamari",
        name="相談支援事業所 ひだまり（計画相談）",
        kana="そうだんしえんじぎょうしょ ひだまり（けいかくそうだん）",
        kind="planning-consultation",
        area=_CHUO_HONCHO[0],
        postal_code="981-0005",
        address="中央区旭町5番22号 旭ビル201",
        specialties=("physical", "intellectual"),
        phone="022-011-7788",
        capacity=35,
        vacancies=3,
        description="サービス等利用計画の作成とモニタリング。",
        internal_contact=("山本 恵子", "022-011-7789"),
    ),
    ResourceSpec(
        key="soudan-tsumugi",
        provider="plan-tsumugi",
        name="相談室 つむぎ（計画相談・障害児相談）",
        kana="そうだんしつ つむぎ（けいかくそうだん・しょうがいじそうだん）",
        kind="child-planning-consultation",
        area=_HIGASHI[0],
        postal_code="981-0211",
        address="東区柳町二丁目4番9号",
        specialties=("developmental",),
        phone="022-012-3356",
        capacity=35,
        vacancies=0,
        description="お子さんの障害児支援利用計画。",
        internal_note="新規受付停止中（年度末まで）。",
    ),
    ResourceSpec(
        key="soudan-kaze",
        provider="plan-midorinokaze",
        name="みどりの風（計画相談・地域移行）",
        kana="みどりのかぜ（けいかくそうだん・ちいきいこう）",
        kind="community-transition",
        area=_NISHI_HAMA[0],
        postal_code="981-0312",
        address="西区浜町一丁目11番3号",
        specialties=("psychiatric",),
        phone="022-013-4471",
        description="精神科病院や施設からの地域移行支援。",
    ),
    ResourceSpec(
        key="teichaku-kaze",
        provider="plan-midorinokaze",
        name="みどりの風（地域定着支援）",
        kana="みどりのかぜ（ちいきていちゃくしえん）",
        kind="community-settlement",
        area=_NISHI_HAMA[0],
        postal_code="981-0312",
        address="西区浜町一丁目11番3号",
        specialties=("psychiatric",),
        phone="022-013-4471",
        days="MO,TU,WE,TH,FR,SA,SU",
        opens="",
        closes="",
        schedule_note="緊急時は24時間連絡可",
        description="ひとり暮らしの方の緊急時の相談・訪問。",
    ),
    ResourceSpec(
        key="ippan-aoba",
        provider="office-aoba",
        name="相談支援センター あおば（一般相談）",
        kana="そうだんしえんせんたー あおば（いっぱんそうだん）",
        kind="general-consultation",
        area="midori-chuo",
        postal_code="981-0012",
        address="中央区桜ヶ丘一丁目8番12号",
        phone="022-011-4410",
        description="中央区の障害のある方とご家族の相談窓口。費用はかかりません。",
    ),
    ResourceSpec(
        key="ippan-kaede",
        provider="office-kaede",
        name="相談支援センター かえで（一般相談）",
        kana="そうだんしえんせんたー かえで（いっぱんそうだん）",
        kind="general-consultation",
        area="midori-higashi",
        postal_code="981-0203",
        address="東区若葉三丁目15番4号",
        phone="022-012-5521",
        description="東区の障害のある方とご家族の相談窓口。",
    ),
    ResourceSpec(
        key="ippan-sakura",
        provider="office-sakura",
        name="相談支援センター さくら（一般相談）",
        kana="そうだんしえんせんたー さくら（いっぱんそうだん）",
        kind="general-consultation",
        area="midori-nishi",
        postal_code="981-0305",
        address="西区緑ヶ丘四丁目2番7号",
        phone="022-013-6632",
        description="西区の障害のある方とご家族の相談窓口。",
    ),
    ResourceSpec(
        key="kyoten",
        provider="life-hub",
        name="地域生活支援拠点 緊急時の相談・受け入れ",
        kana="ちいきせいかつしえんきょてん きんきゅうじのそうだん・うけいれ",
        kind="general-consultation",
        area="midori-chuo",
        postal_code="981-0001",
        address="中央区本町二丁目3番1号 みどり市総合福祉センター2階",
        phone="022-011-2310",
        days="MO,TU,WE,TH,FR,SA,SU",
        opens="",
        closes="",
        schedule_note="24時間対応",
        description="介護者の急病などの緊急時の相談と、短期入所の調整。",
    ),
    ResourceSpec(
        key="hotspace",
        provider="hikikomori",
        name="ほっとスペース（ひきこもり相談・居場所）",
        kana="ほっとすぺーす（ひきこもりそうだん・いばしょ）",
        kind="general-consultation",
        area="midori-higashi",
        postal_code="981-0206",
        address="東区若葉三丁目2番18号",
        specialties=("hikikomori",),
        phone="022-012-6690",
        opens="10:00",
        closes="17:00",
        visits=True,
        description="ひきこもりの本人・ご家族の相談と、週2回の居場所。",
    ),
    # --- インフォーマル --------------------------------------------------------------------
    ResourceSpec(
        key="salon-honcho",
        provider="shakyo",
        name="ふれあいサロン ほんまち",
        kana="ふれあいさろん ほんまち",
        kind="salon",
        area=_CHUO_HONCHO[0],
        postal_code=_CHUO_HONCHO[1],
        address="中央区本町二丁目9番 本町集会所",
        days="WE",
        opens="13:30",
        closes="15:30",
        schedule_note="毎月第2・第4水曜日",
        visits=True,
        description="お茶を飲みながらおしゃべり。障害のある方もない方も歓迎です。",
        fees="参加費100円",
    ),
    ResourceSpec(
        key="salon-hamamachi",
        provider="hamamachi-salon",
        name="浜町ほっとサロン",
        kana="はままちほっとさろん",
        kind="salon",
        area=_NISHI_HAMA[0],
        postal_code=_NISHI_HAMA[1],
        address="西区浜町二丁目1番 浜町コミュニティセンター",
        days="TU",
        opens="10:00",
        closes="12:00",
        schedule_note="毎週火曜日",
        visits=True,
        description="町内会の居場所。体操と茶話会。",
        fees="無料",
    ),
    ResourceSpec(
        key="ikuseikai",
        provider="oyanokai",
        name="みどり市手をつなぐ育成会 定例会",
        kana="みどりしてをつなぐいくせいかい ていれいかい",
        kind="family-association",
        area="midori",
        postal_code="981-0001",
        address="中央区本町二丁目3番1号 みどり市総合福祉センター",
        specialties=("intellectual",),
        days="SA",
        opens="10:00",
        closes="12:00",
        schedule_note="毎月第3土曜日",
        description="知的障害のある人の親の会。親なき後の勉強会も。",
        internal_contact=("会長 石川", "090-0000-1201"),
    ),
    ResourceSpec(
        key="komorebi-kai",
        provider="kazokukai-seishin",
        name="家族会 こもれび会",
        kana="かぞくかい こもれびかい",
        kind="family-association",
        area="midori",
        postal_code="981-0001",
        address="中央区本町二丁目3番1号 みどり市総合福祉センター",
        specialties=("psychiatric",),
        days="SU",
        opens="13:00",
        closes="15:00",
        schedule_note="毎月第1日曜日",
        description="精神障害のある方のご家族の集い。初めての方も気軽にどうぞ。",
    ),
    ResourceSpec(
        key="tsubasa",
        provider="nanbyo",
        name="医療的ケア児者の親の会 つばさ",
        kana="いりょうてきけあじしゃのおやのかい つばさ",
        kind="family-association",
        area="midori",
        postal_code="981-0001",
        address="中央区本町二丁目3番1号 みどり市総合福祉センター",
        specialties=("smid-medical-care", "intractable-disease"),
        days="SA",
        opens="13:30",
        closes="15:30",
        schedule_note="2か月に1回（偶数月）",
        description="医療的ケアのあるお子さんと家族の交流会。きょうだい児の集まりも。",
    ),
    ResourceSpec(
        key="minsei-honcho",
        provider="commissioner-honcho",
        name="本町地区 民生委員・児童委員",
        kana="ほんちょうちく みんせいいいん・じどういいん",
        kind="welfare-commissioner",
        area="midori-cd-honcho",
        postal_code="981-0001",
        address="中央区本町地区",
        days="",
        opens="",
        closes="",
        schedule_note="地区の担当委員が訪問します",
        description="見守りや困りごとの相談。区役所や相談支援事業所へつなぎます。",
        internal_contact=("吉田 和子（協議会長）", "090-0000-1101"),
    ),
    ResourceSpec(
        key="kodomo-shokudo",
        provider="kodomo-shokudo",
        name="わかば子ども食堂",
        kana="わかばこどもしょくどう",
        kind="childrens-cafeteria",
        area=_HIGASHI[0],
        postal_code=_HIGASHI[1],
        address="東区若葉一丁目3番 若葉会館",
        days="FR",
        opens="17:00",
        closes="19:30",
        schedule_note="毎週金曜日",
        description="子どもは無料、大人300円。障害のあるお子さんも一緒に。",
        fees="子ども無料・大人300円",
    ),
    ResourceSpec(
        key="volunteer-center",
        provider="shakyo",
        name="みどり市ボランティアセンター",
        kana="みどりしぼらんてぃあせんたー",
        kind="volunteer",
        area="midori-chuo",
        postal_code="981-0001",
        address="中央区本町二丁目3番1号 みどり市総合福祉センター1階",
        phone="022-011-2201",
        days="MO,TU,WE,TH,FR,SA",
        description="外出の付き添い、話し相手、点訳・音訳などのボランティアの紹介。",
    ),
    ResourceSpec(
        key="tenyaku",
        provider="shakyo",
        name="点訳・音訳ボランティア みどりの声",
        kana="てんやく・おんやくぼらんてぃあ みどりのこえ",
        kind="volunteer",
        area="midori-chuo",
        postal_code="981-0001",
        address="中央区本町二丁目3番1号 みどり市総合福祉センター",
        specialties=("visual",),
        phone="022-011-2201",
        days="TH",
        opens="10:00",
        closes="15:00",
        description="広報誌や手紙の点訳・音訳。",
    ),
    ResourceSpec(
        key="shuwa-circle",
        provider="shakyo",
        name="手話サークル みどり",
        kana="しゅわさーくる みどり",
        kind="volunteer",
        area="midori-higashi",
        postal_code="981-0201",
        address="東区若葉二丁目1番1号 東区役所3階会議室",
        specialties=("hearing",),
        days="TU",
        opens="19:00",
        closes="21:00",
        description="ろう者と一緒に手話を学ぶサークル。",
        published=False,
        internal_note="会場変更の調整中のため非公開。",
    ),
    # --- ピアカウンセリング・ピアサポート -----------------------------------------------------
    ResourceSpec(
        key="peer-mori",
        provider="peer-midori",
        name="ピアカウンセラー 森 さくら",
        kana="ぴあかうんせらー もり さくら",
        kind="peer-counselling",
        area=_CHUO_HONCHO[0],
        postal_code=_CHUO_HONCHO[1],
        address="中央区本町二丁目3番1号 みどり市総合福祉センター",
        specialties=("physical",),
        days="TU,TH",
        opens="13:00",
        closes="16:00",
        description="車いすで一人暮らしをしてきた経験から、地域での暮らしの相談に応じます。",
        internal_contact=("森 さくら（ピアカウンセラー）", "090-0000-1301"),
    ),
    ResourceSpec(
        key="peer-hara",
        provider="peer-midori",
        name="ピアサポーター 原 たけし",
        kana="ぴあさぽーたー はら たけし",
        kind="peer-counselling",
        area="midori-higashi",
        postal_code="981-0201",
        address="東区若葉二丁目1番1号 東区役所1階相談室",
        specialties=("psychiatric",),
        days="WE",
        opens="10:00",
        closes="15:00",
        description="精神科病院からの退院と地域での暮らしを経験したピアサポーター。",
        internal_contact=("原 たけし（ピアサポーター）", "090-0000-1302"),
    ),
)


@dataclass(frozen=True)
class DevelopmentSpec:
    key: str
    kind: DevelopmentKind
    title: str
    beneficiaries: str
    resource: str | None
    area: str | None
    occurred_on: dt.date
    source_note: str
    description: str = ""


DEVELOPMENTS: tuple[DevelopmentSpec, ...] = (
    DevelopmentSpec(
        "extend-hours",
        DevelopmentKind.TOP_UP,
        "生活介護の開所時間を15時から16時まで延長",
        "家族の仕事の終わりに送迎が間に合わなかった利用者",
        "hidamari-seikatsu",
        "midori-honcho",
        dt.date(2026, 6, 1),
        "中央区の支援会議で、母親の就労継続と送迎の時間が課題として挙がった。",
        "送迎の最終便を16時30分に変更。日中一時支援と合わせて18時まで過ごせるようになった。",
    ),
    DevelopmentSpec(
        "bath",
        DevelopmentKind.SIDEWAYS,
        "高齢者デイサービスの機械浴を重症心身障害のある方に提供",
        "自宅での入浴が難しくなった重症心身障害のある方",
        None,
        "midori-hamamachi",
        dt.date(2026, 7, 15),
        "西区の地域部会で、入浴の資源が足りないことが共有された。",
        "本町地域包括支援センターの紹介で、デイサービス事業所が基準該当の事業所になった。",
    ),
    DevelopmentSpec(
        "timecare",
        DevelopmentKind.SYSTEM_CHANGE,
        "心身障害児者居宅介護事業を「タイムケア事業」に改め、時間単位のレスパイトを可能に",
        "医療的ケアのある子どもの家族と、そのきょうだい",
        None,
        "midori",
        dt.date(2026, 4, 1),
        "自立支援協議会 子ども部会の提言（令和7年度）。",
        "付き添いのためのきょうだい支援も対象になった。",
    ),
    DevelopmentSpec(
        "shokudo",
        DevelopmentKind.REPURPOSE,
        "子ども食堂の会場を、放課後等デイサービスの帰りに寄れる時間帯にも開放",
        "放課後等デイサービスを利用する子どもとその家族",
        "kodomo-shokudo",
        "midori-wakaba",
        dt.date(2026, 9, 4),
        "東区の支援会議のあとの立ち話から。",
        "",
    ),
)


# Where a demo development came from, in the demo of tsunagu/demo/meetings.py: development title
# → (community issue title, (meeting body name, meeting day)).  Looked up by name when the
# development is created and linked only if found: the directory demo does not depend on the
# meetings demo having run (seed_demo runs the directory first), and a later run adds nothing.
SOURCES: dict[str, tuple[str, tuple[str, dt.date] | None]] = {
    "生活介護の開所時間を15時から16時まで延長": (
        "生活介護の開所時間が短く、家族が働き続けにくい",
        ("中央区障がい福祉ネットワーク会議", dt.date(2026, 5, 20)),
    ),
}


def _hsds_id(kind: str, key: str) -> str:
    return derived_id("demo", kind, key)


def _time(value: str) -> dt.time | None:
    return dt.time.fromisoformat(value) if value else None


def _seed_providers(created: Counter[str]) -> dict[str, Provider]:
    providers: dict[str, Provider] = {}
    organizations = {o.code: o for o in Organization.objects.all()}
    for spec in PROVIDERS:
        hsds_id = _hsds_id("provider", spec.key)
        provider = Provider.objects.filter(hsds_id=hsds_id).first()
        if provider is None:
            organization = organizations.get(spec.organization) if spec.organization else None
            if (
                organization is not None
                and Provider.objects.filter(organization=organization).exists()
            ):
                organization = None
            provider = services.provider_create(
                actor=None,
                data={
                    "hsds_id": hsds_id,
                    "name": spec.name,
                    "name_kana": spec.kana,
                    "description": spec.description,
                    "organization": organization,
                    "phone": spec.phone,
                },
            )
            created["provider"] += 1
        providers[spec.key] = provider
    return providers


def _schedules(spec: ResourceSpec) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    if spec.days or spec.schedule_note:
        rows.append(
            {
                "hsds_id": _hsds_id("schedule", spec.key),
                "weekdays": spec.days,
                "opens_at": _time(spec.opens),
                "closes_at": _time(spec.closes),
                "description": spec.schedule_note,
            }
        )
    for index, (days, opens, closes, note) in enumerate(spec.extra_schedules, start=1):
        rows.append(
            {
                "hsds_id": _hsds_id("schedule", f"{spec.key}-{index}"),
                "weekdays": days,
                "opens_at": _time(opens),
                "closes_at": _time(closes),
                "description": note,
            }
        )
    return rows


def _seed_resources(
    providers: dict[str, Provider], created: Counter[str]
) -> dict[str, SocialResource]:
    terms = {t.code: t for t in TaxonomyTerm.objects.all()}
    areas = {a.code: a for a in Area.objects.all()}
    resources: dict[str, SocialResource] = {}
    for spec in RESOURCES:
        hsds_id = _hsds_id("resource", spec.key)
        resource = SocialResource.objects.filter(hsds_id=hsds_id).first()
        if resource is None:
            phones: list[dict[str, object]] = []
            if spec.phone:
                phones.append(
                    {"hsds_id": _hsds_id("phone", spec.key), "number": spec.phone, "kind": "voice"}
                )
            if spec.fax:
                phones.append(
                    {"hsds_id": _hsds_id("fax", spec.key), "number": spec.fax, "kind": "fax"}
                )
            contacts: list[dict[str, object]] = []
            if spec.internal_contact:
                name, phone = spec.internal_contact
                contacts.append(
                    {
                        "hsds_id": _hsds_id("contact", spec.key),
                        "name": name,
                        "phone": phone,
                        "is_internal": True,
                    }
                )
            resource = services.resource_create(
                actor=None,
                data={
                    "hsds_id": hsds_id,
                    "provider": providers[spec.provider],
                    "name": spec.name,
                    "name_kana": spec.kana,
                    "service_type": terms[spec.kind],
                    "description": spec.description,
                    "eligibility_description": spec.eligibility,
                    "fees_description": spec.fees,
                    "minimum_age": spec.min_age,
                    "maximum_age": spec.max_age,
                    "capacity": spec.capacity,
                    "vacancies": spec.vacancies,
                    "vacancies_confirmed_on": CONFIRMED_ON if spec.vacancies is not None else None,
                    "accepts_visits": spec.visits,
                    "accepts_trial": spec.trial,
                    "visit_note": spec.visit_note,
                    "internal_note": spec.internal_note,
                    "is_published": spec.published,
                },
                specialties=[terms[code] for code in spec.specialties],
                locations=[
                    {
                        "hsds_id": _hsds_id("location", spec.key),
                        "postal_code": spec.postal_code,
                        "city": CITY,
                        "address": spec.address,
                        "area": areas.get(spec.area),
                        "transportation": spec.transportation,
                        "accessibility": spec.accessibility,
                    }
                ],
                schedules=_schedules(spec),
                phones=phones,
                contacts=contacts,
            )
            created["resource"] += 1
        resources[spec.key] = resource
    return resources


def _seed_developments(resources: dict[str, SocialResource], created: Counter[str]) -> None:
    if ResourceDevelopment.objects.exists():
        return
    recorder = User.objects.filter(username="core1").first()
    organization = Organization.objects.filter(code="core-center").first()
    if recorder is None or organization is None:
        return
    areas = {a.code: a for a in Area.objects.all()}
    for spec in DEVELOPMENTS:
        meeting_services.development_create(
            actor=None,
            data={
                "kind": spec.kind,
                "title": spec.title,
                "description": spec.description,
                "beneficiaries": spec.beneficiaries,
                "resource": resources.get(spec.resource) if spec.resource else None,
                "area": areas.get(spec.area) if spec.area else None,
                "occurred_on": spec.occurred_on,
                "source_note": spec.source_note,
                **_sources(spec.title),
            },
            recorded_by=recorder,
            organization=organization,
        )
        created["development"] += 1


def _sources(title: str) -> dict[str, object]:
    """The demo community issue and meeting a demo development came from, where they exist."""
    if title not in SOURCES:
        return {}
    issue_title, meeting_key = SOURCES[title]
    return {
        "community_issue": CommunityIssue.objects.filter(title=issue_title).order_by("pk").first(),
        "meeting": _meeting_on(*meeting_key) if meeting_key else None,
    }


def _meeting_on(body_name: str, day: dt.date) -> Meeting | None:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return (
        Meeting.objects.filter(
            body__name=body_name, starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1)
        )
        .order_by("starts_at", "pk")
        .first()
    )


def seed_directory() -> Counter[str]:
    """Create whatever of the demo directory is missing; return how many of each kind."""
    created: Counter[str] = Counter()
    services.ensure_terms()
    providers = _seed_providers(created)
    resources = _seed_resources(providers, created)
    _seed_developments(resources, created)
    return created


def seed_resources() -> Counter[str]:
    """The providers and resources only: seed_demo makes them before the plans, whose items
    name them (issue 16, item 7); `seed_directory` adds the developments after the meetings."""
    created: Counter[str] = Counter()
    services.ensure_terms()
    _seed_resources(_seed_providers(created), created)
    return created


@transaction.atomic
def seed_resources_and_summarise() -> str:
    return directory_summary(seed_resources())


def directory_summary(created: Counter[str]) -> str:
    if not created.total():
        return "社会資源: 作成済みのため、新たに作成したものはありません。"
    labels = {
        "provider": "提供者",
        "resource": "社会資源",
        "development": "資源開発",
    }
    counts = "、".join(f"{label} {created[key]}件" for key, label in labels.items() if created[key])
    return f"社会資源を作成しました: {counts}"


@transaction.atomic
def seed_and_summarise() -> str:
    """What `manage.py seed_demo` calls: seed the directory, return the summary line."""
    return directory_summary(seed_directory())
