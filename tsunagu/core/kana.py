"""Kana as people type it: hiragana, katakana, half-width, with or without spaces.

Everything is folded to full-width katakana without spaces (jaconv), so that やまだ, ﾔﾏﾀﾞ and
ヤマダ タロウ all compare equal to the stored ヤマダ タロウ.
"""

from __future__ import annotations

import re
import unicodedata

import jaconv

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


def normalize_kana(value: str) -> str:
    text = unicodedata.normalize("NFKC", value or "")  # half-width ｶﾅ → full-width カナ
    text = jaconv.hira2kata(text)
    return _SPACES.sub("", text)


def is_kana(value: str) -> bool:
    """True when the text is kana (hiragana or katakana, any width), spaces allowed."""
    normalized = normalize_kana(value)
    return bool(normalized) and bool(_KANA_ONLY.match(normalized))


def normalize_phone(value: str) -> str:
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", value or ""))
