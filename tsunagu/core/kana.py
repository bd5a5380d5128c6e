"""Text as people type it, folded so that the ways of writing one word compare equal.

`fold` is the one folding function of the project: the stored forms (a person's
`kana_normalized`, the search documents' `folded` text, a synonym's terms) and every query are
folded by it, so both sides always agree.  It folds:

- width and compatibility forms (NFKC): ﾔﾏﾀﾞ → ヤマダ, ＧＨ → GH, the CJK compatibility
  ideographs (隆 → 隆);
- a voiced or semi-voiced mark typed as its own character (か゛, U+309B) onto its kana;
- hiragana to katakana: ぐるーぷ → グループ;
- the hyphens and dashes typed for a long-vowel mark after a kana (ー, -, ‐, −, ―, ｰ …) to one
  ー, and a run of them to one: ぐる-ぷほ‐む and グループホーーム → グループホーム;
- old and variant kanji common in names and place names (異体字・旧字体) to the usual form:
  髙 → 高, 﨑 → 崎, 邊 → 辺 (`VARIANTS`);
- ASCII letters to lower case (gh = GH).

SudachiPy's normalised form was tried for the kanji and left: it is a dictionary lookup per
word, and leaves names it does not know as they are (髙橋, 渡邊, 齋藤 and 山﨑 come back
unchanged).

The same folding is written in SQL for PostgreSQL (`postgresql_fold_function`, used by the
triggers of the search index) from the same tables, and registered as a Python function on
every SQLite connection (`register_sqlite_fold`); a test holds the SQL to this function.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_SPACES = re.compile(r"[\s\u3000・･]+")
_KANA_ONLY = re.compile(r"^[\u30a0-\u30ffー]+$")

# What `is_kana` accepts, as a pattern for the API's document: hiragana and katakana, full or
# half width (a half-width voiced mark after a kana that takes one), between spaces and ・.
# A little narrower than `is_kana` (it leaves out ㋐, combining marks and other characters that
# only fold into kana), never wider (test_api_schema_constraints holds every match to `is_kana`).
_KANA_SPACING = r"[ \u3000・･]*"
KANA_PATTERN = (
    rf"^{_KANA_SPACING}(?:(?:[ぁ-ゖゝ-ヺー-ヿ]|[ｳｶ-ﾄﾊ-ﾎﾜｦ]ﾞ|[ﾊ-ﾎ]ﾟ|[ｦ-ﾝ]){_KANA_SPACING})+$"
)

# Old and variant forms (異体字・旧字体) common in names and place names → the usual form.
# NFKC already folds the CJK compatibility ideographs (隆, 塚 …) except the twelve unified
# ones such as 﨑, which are here.
_VARIANT_PAIRS = (
    "髙高 﨑崎 嵜崎 碕崎 邊辺 邉辺 齋斉 齊斉 斎斉 濱浜 濵浜 澤沢 嶋島 嶌島 "
    "櫻桜 國国 圀国 廣広 德徳 惠恵 眞真 榮栄 條条 龍竜 瀧滝 淵渕 渊渕 冨富 "
    "衞衛 藏蔵 會会 壽寿 實実 與与 萬万 彌弥 禮礼 黑黒 鷗鴎 曾曽 桒桑 莊荘 "
    "圓円 兒児 傳伝 舘館 槇槙 學学 驒騨 嶽岳 峯峰 埜野 舩船 戶戸 靜静 顯顕 "
    "將将 晉晋 增増 淸清 靑青 緖緒 氣気 絲糸 樂楽 賴頼 邨村 內内 亞亜 鐵鉄 "
    "寶宝 寳宝 𠮷吉 𡈽土 穗穂 繪絵 縣県 關関 藪薮 籔薮 檜桧 廐厩 濟済 乘乗 "
    "佛仏 來来 兩両 凜凛 堯尭 巖巌 彥彦 昻昂 晄晃 曉暁 栁柳 桺柳 柗松 澁渋 "
    "燈灯 狹狭 眾衆 祿禄 稻稲 穰穣 竃竈 綠緑 薰薫 蠣蛎 螢蛍 豐豊 遙遥 鄕郷 "
    "醫医 鬪闘 鷄鶏 麥麦 黃黄 默黙 齒歯 龜亀 髮髪 讓譲 "
)
VARIANTS: dict[str, str] = {pair[0]: pair[1] for pair in _VARIANT_PAIRS.split()}

# Hiragana → katakana (ぁ..ゖ, ゝ ゞ), the dashes typed for ー → "-", ASCII upper → lower.
_HIRAGANA = "".join(chr(c) for c in range(0x3041, 0x3097)) + "ゝゞ"
_KATAKANA = "".join(chr(c + 0x60) for c in range(0x3041, 0x3097)) + "ヽヾ"
DASHES = "‐‑‒–—―−"  # NFKC has already made －, ﹣ into "-" and ｰ into ー
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = _UPPER.lower()
FOLD_FROM = _HIRAGANA + DASHES + _UPPER + "".join(VARIANTS)
FOLD_TO = _KATAKANA + "-" * len(DASHES) + _LOWER + "".join(VARIANTS.values())
_TABLE = str.maketrans(FOLD_FROM, FOLD_TO)
_TO_HIRAGANA = str.maketrans(_KATAKANA, _HIRAGANA)

# A voiced mark typed on its own (゛ U+309B) is, after NFKC, a space and the combining mark.
SPACED_MARK = "[ ]+(?=[\u3099\u309a])"
# Long-vowel marks and the hyphens typed for them, after a katakana: one ー.
LONG_VOWEL = "(?<=[ァ-ヺ])[-ー]+"
_SPACED_MARK = re.compile(SPACED_MARK)
_LONG_VOWEL = re.compile(LONG_VOWEL)


def fold(value: str) -> str:
    """The folded form of a text (see the module's docstring); spaces are kept."""
    text = unicodedata.normalize("NFKC", value or "")
    text = unicodedata.normalize("NFC", _SPACED_MARK.sub("", text))
    return _LONG_VOWEL.sub("ー", text.translate(_TABLE))


def normalize_kana(value: str) -> str:
    """A kana name folded, without spaces or ・: やまだ たろう, ﾔﾏﾀﾞ・ﾀﾛｳ → ヤマダタロウ.
    Folded again once the spaces are gone, so that a hyphen they kept from its kana is read
    as ー too (ア -), and the result folds to itself."""
    return fold(_SPACES.sub("", fold(_SPACES.sub("", value or ""))))


def hiragana(value: str) -> str:
    """Katakana as hiragana (グループ → ぐるーぷ), for text stored as typed in hiragana."""
    return value.translate(_TO_HIRAGANA)


def fold_name(family_name: str, given_name: str) -> str:
    """A person's name folded, without spaces, for search: 髙橋 一郎 → 高橋一郎.  Cut to
    the column's 100 characters (compatibility forms such as ㍿ fold longer)."""
    return _SPACES.sub("", fold(family_name + given_name))[:100]


def is_kana(value: str) -> bool:
    """True when the text is kana (hiragana or katakana, any width), spaces allowed."""
    normalized = normalize_kana(value)
    return bool(normalized) and bool(_KANA_ONLY.match(normalized))


def normalize_phone(value: str) -> str:
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", value or ""))


# --- The same folding inside the database -----------------------------------------------------

FOLD_SQL_NAME = "tsunagu_fold"


def postgresql_fold_function() -> str:
    """`tsunagu_fold(text)` for PostgreSQL, step for step `fold` (IMMUTABLE, so an index or a
    generated column may use it).  PostgreSQL's `normalize` needs a UTF-8 database."""
    # The constants are written into the SQL as they are; none holds ' or $ (test_folding).
    return (
        f"CREATE OR REPLACE FUNCTION {FOLD_SQL_NAME}(value text) RETURNS text "
        f"LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT regexp_replace("
        f"translate(normalize(regexp_replace(normalize(value, NFKC), '{SPACED_MARK}', '', 'g'), "
        f"NFC), '{FOLD_FROM}', '{FOLD_TO}'), '{LONG_VOWEL}', 'ー', 'g') $$"
    )


def _sqlite_fold(value: Any) -> Any:
    return fold(value) if isinstance(value, str) else value


def register_sqlite_fold(connection: Any) -> None:
    """`tsunagu_fold(text)` on a SQLite connection (the search triggers call it)."""
    connection.create_function(FOLD_SQL_NAME, 1, _sqlite_fold, deterministic=True)
