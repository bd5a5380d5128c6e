"""Furigana: Japanese text as HTML with the readings of its kanji in `<ruby>` (issue 22 item 2).

`ruby(text, names=...)` cuts the text into words with SudachiPy (core dictionary, mode C, so
that 就労継続支援 is one word with one reading) and writes each word that has kanji as
`<ruby><rb>漢字</rb><rt>かんじ</rt></ruby>`: readings in hiragana, over the kanji only, the
okurigana outside (食べ物 → 食(た)べ物(もの)).  Everything else, and every character of the text,
is HTML-escaped.

A name is read as the person wrote it down, never as the dictionary guesses: the caller
passes the names it knows with their readings (`names={"東海林": "ショウジ"}`, from the
person's recorded kana: `person_names(person)`), and those spans are cut out before the
analyser sees the text.  Sudachi would read 東海林 as とうかいりん.

The dictionary is loaded once per process, on first use, as in meetings/deidentify.py (one
tokenizer per thread).
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import jaconv

# Kanji: the unified ideographs and their extensions, the compatibility ideographs, and the
# iteration and abbreviation marks that stand for a kanji (々 〆 ヶ).
_KANJI_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f々〆ヵヶ"
KANJI = re.compile(f"[{_KANJI_CLASS}]")
_KANJI_RUN = re.compile(f"[{_KANJI_CLASS}]+")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Sudachi refuses inputs past about 49 KB; a plan's text is far shorter.
_CHUNK = 4000

_dictionary: Any = None
_dictionary_lock = threading.Lock()
_local = threading.local()


def tokenizer() -> Any:
    # Imported here, not at the top: the URLconf loads this module (ADR 0007).
    from sudachipy import Dictionary, SplitMode  # type: ignore[import-untyped]  # no stubs

    global _dictionary
    if _dictionary is None:
        with _dictionary_lock:
            if _dictionary is None:
                _dictionary = Dictionary()
    made = getattr(_local, "tokenizer", None)
    if made is None:
        made = _dictionary.tokenizer(mode=SplitMode.C)
        _local.tokenizer = made
    return made


def hiragana(reading: str) -> str:
    """Katakana (and half-width kana) as hiragana; the long-vowel mark stays."""
    return jaconv.kata2hira(jaconv.h2z(reading))


def has_kanji(text: str) -> bool:
    return KANJI.search(text) is not None


def _ruby(base: str, reading: str) -> str:
    return f"<ruby><rb>{html.escape(base)}</rb><rt>{html.escape(reading)}</rt></ruby>"


def word_ruby(surface: str, reading: str) -> str:
    """One word: ruby over each run of kanji, the kana between them outside.

    The reading is matched against the word's kana (食べ物 / たべもの: the べ splits it into
    た and もの); a word whose kana cannot be found in its reading gets one ruby over it all.
    """
    reading = hiragana(reading)
    if not has_kanji(surface) or not reading or reading == surface:
        return html.escape(surface)
    parts = re.split(f"([{_KANJI_CLASS}]+)", surface)
    pattern = "".join(
        "(.+?)" if part and _KANJI_RUN.fullmatch(part) else re.escape(hiragana(part))
        for part in parts
    )
    match = re.fullmatch(pattern, reading)
    if match is None:
        return _ruby(surface, reading)
    readings = iter(match.groups())
    out = []
    for part in parts:
        if not part:
            continue
        if _KANJI_RUN.fullmatch(part):
            out.append(_ruby(part, next(readings)))
        else:
            out.append(html.escape(part))
    return "".join(out)


def _analysed(text: str) -> Iterator[str]:
    if not has_kanji(text):
        yield html.escape(text)
        return
    analyser = tokenizer()
    for start in range(0, len(text), _CHUNK):
        chunk = text[start : start + _CHUNK]
        # A lone surrogate (possible in JSON) cannot go to the analyser; it is left out.
        chunk = _SURROGATE.sub("", chunk)
        if not chunk:
            continue
        morphemes = list(analyser.tokenize(chunk))
        for i, morpheme in enumerate(morphemes):
            surface = morpheme.surface()
            if morpheme.is_oov():
                yield html.escape(surface)
                continue
            following = morphemes[i + 1].surface() if i + 1 < len(morphemes) else ""
            yield word_ruby(surface, _reading(surface, morpheme.reading_form(), following))


# 何 before these particles is なに (何を, 何が, 何か); the dictionary reads it なん, right only
# before だ, で, の and counters (何人, 何時).
_NANI_BEFORE = ("を", "が", "も", "か", "に", "へ", "より", "から")


def _reading(surface: str, reading: str, following: str) -> str:
    if surface == "何" and following.startswith(_NANI_BEFORE):
        return "ナニ"
    return reading


def _name_pattern(names: Mapping[str, str]) -> re.Pattern[str] | None:
    known = sorted((name for name in names if name and has_kanji(name)), key=len, reverse=True)
    if not known:
        return None
    return re.compile("|".join(re.escape(name) for name in known))


def ruby(text: str, *, names: Mapping[str, str] | None = None) -> str:
    """`text` as escaped HTML with furigana; `names` maps a name to its recorded reading."""
    names = {k: v for k, v in (names or {}).items() if k and v}
    pattern = _name_pattern(names)
    out: list[str] = []
    position = 0
    if pattern is not None:
        for match in pattern.finditer(text):
            out.extend(_analysed(text[position : match.start()]))
            out.append(word_ruby(match.group(), names[match.group()]))
            position = match.end()
    out.extend(_analysed(text[position:]))
    return "".join(out)


def readings(text: str, *, names: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """(kanji, reading) of each ruby `ruby` writes, in order: what the tests read."""
    return re.findall(r"<ruby><rb>([^<]*)</rb><rt>([^<]*)</rt></ruby>", ruby(text, names=names))


def reading(text: str, *, names: Mapping[str, str] | None = None) -> str:
    """The whole text as it is read, in hiragana where it has ruby: 相談支援専門員 →
    そうだんしえんせんもんいん."""
    marked = ruby(text, names=names)
    marked = re.sub(r"<ruby><rb>[^<]*</rb><rt>([^<]*)</rt></ruby>", r"\1", marked)
    return html.unescape(marked)


def person_names(people: Iterable[Any]) -> dict[str, str]:
    """The names of persons (family and given name, each read on its own) with the readings
    recorded on them (`family_name_kana`, `given_name_kana`): what `names` takes."""
    names: dict[str, str] = {}
    for person in people:
        family, given = person.family_name.strip(), person.given_name.strip()
        family_kana, given_kana = person.family_name_kana.strip(), person.given_name_kana.strip()
        if family and family_kana:
            names[family] = family_kana
        if given and given_kana:
            names[given] = given_kana
    return names
