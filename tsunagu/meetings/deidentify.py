"""De-identified summaries of a case for a case study session (事例検討会) and council views.

What is removed or generalised:
- names and kana of the person and every household member (→ 本人 / the relationship: 母, 兄 …);
- addresses, postal codes, phone numbers, e-mail addresses;
- exact dates (→ month and year: 2026年5月頃), the birth date (→ an age band: 40代);
- ages written as numbers (→ the decade), rare details from the difficulty factors are only
  named by their group.

`flags` is the check a text must pass before it is shared (a study-session summary, a
community issue).  It returns each flagged span with its offsets in the ORIGINAL text, so the
screen can highlight exactly what was found:
- identifiers of the case's people, matched on a folded text: NFKC, katakana and half-width kana
  folded to hiragana, old and variant kanji folded (髙→高, 﨑→崎, 邊→辺 …), 々 repeated, spaces
  and line breaks allowed between the characters of a name, an honorific after it taken into the
  span, romaji of the kana reading (Hepburn and Kunrei, long vowels written or not);
- numbers and dates that look like phones, postal codes, e-mail addresses or exact dates;
- proper nouns of persons, places and organizations found by SudachiPy (core dictionary), and
  names of schools and facilities (…小学校, …作業所) that are in no record.
`find_identifiers` keeps the older answer (the kinds of identifier left) for callers that only
need a yes/no.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from tsunagu.cases.models import DIFFICULTY_GROUPS, Case
from tsunagu.core.dates import era_of
from tsunagu.core.errors import Invalid
from tsunagu.core.kana import VARIANTS
from tsunagu.organizations.models import Area, AreaKind
from tsunagu.people.models import HouseholdMember, Person, Relationship, Sex
from tsunagu.records.models import Formulation

if TYPE_CHECKING:
    from sudachipy import Dictionary  # type: ignore[import-untyped]  # no stubs

PHONE = re.compile(r"0\d{1,4}[-‐ー−(（]?\d{1,4}[-‐ー−)）]?\d{3,4}")
POSTAL = re.compile(r"〒?\s?\d{3}[-‐ー−]\d{4}")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
JP_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
ERA_DATE = re.compile(r"(令和|平成|昭和)(元|\d{1,2})年(\d{1,2})月(\d{1,2})日")
DAY_ONLY = re.compile(r"(\d{1,2})月(\d{1,2})日")
AGE = re.compile(r"(\d{1,3})歳")


# --- Folding with an offset map -----------------------------------------------------------

# Old and variant kanji (髙→高, 﨑→崎 …): the one table of core.kana, which search folds by too.
# Characters read alike in names: ぢ/じ, づ/ず, small ヶ/ヵ (霞ヶ丘 = 霞ケ丘 = 霞が丘).
KANA_ALIKE = {"ぢ": "じ", "づ": "ず", "ゖ": "が", "ゕ": "が"}
DASHES = "‐‑‒–—―−－﹣"
SEPARATOR_CHARS = " ・-"
HONORIFICS = ("さん", "さま", "様", "ちゃん", "くん", "君", "氏", "殿", "たん")
ROMAJI_HONORIFICS = ("san", "sama", "chan", "kun")


def _is_han(char: str) -> bool:
    return "一" <= char <= "鿿" or "㐀" <= char <= "䶿" or "\U00020000" <= char <= "\U0003ffff"


def _is_hiragana(char: str) -> bool:
    return "ぁ" <= char <= "ゖ"


@dataclass(frozen=True)
class Folded:
    """A folded text; `starts[i]`/`ends[i]` are where its i-th character came from."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.starts[start], self.ends[end - 1]


def _fold_char(char: str) -> str:
    if char.isascii():
        return " " if char.isspace() else char.lower()
    if char.isspace():
        return " "
    if char in DASHES:
        return "-"
    if "ァ" <= char <= "ヶ" or char in ("ヽ", "ヾ"):
        char = chr(ord(char) - 0x60)
    base = unicodedata.normalize("NFKD", char)
    if base and base[0].isascii() and base[0].isalpha():
        return base[0].lower()  # ō → o, é → e
    return KANA_ALIKE.get(char, VARIANTS.get(char, char))


def fold(text: str) -> Folded:
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, original in enumerate(text):
        normal = unicodedata.normalize("NFKC", original)
        marks = normal.strip(" ")
        if marks in ("\u3099", "\u309a"):
            if chars:
                composed = unicodedata.normalize("NFC", chars[-1] + marks)
                if len(composed) == 1:
                    chars[-1] = composed
                    ends[-1] = index + 1
            continue
        for piece in normal:
            folded = _fold_char(piece)
            if folded == "々":
                # The kanji it repeats, across a line break or space (佐\n々木).
                previous = next((c for c in reversed(chars) if c not in SEPARATOR_CHARS), "")
                folded = previous if _is_han(previous) else folded
            chars.append(folded)
            starts.append(index)
            ends.append(index + 1)
    # け/か between two kanji is the ヶ of a place or name (霞ケ丘).
    for i in range(1, len(chars) - 1):
        if chars[i] in ("け", "か") and _is_han(chars[i - 1]) and _is_han(chars[i + 1]):
            chars[i] = "が"
    return Folded("".join(chars), tuple(starts), tuple(ends))


def fold_needle(text: str) -> str:
    """The folded form of an identifier, without the separators the pattern allows anyway."""
    folded = fold(text).text
    return "".join(c for c in folded if c not in SEPARATOR_CHARS)


# --- Kana → romaji ----------------------------------------------------------------------------

_ROMAJI_BASE = {
    "あ": "a",
    "い": "i",
    "う": "u",
    "え": "e",
    "お": "o",
    "か": "ka",
    "き": "ki",
    "く": "ku",
    "け": "ke",
    "こ": "ko",
    "さ": "sa",
    "し": "shi|si",
    "す": "su",
    "せ": "se",
    "そ": "so",
    "た": "ta",
    "ち": "chi|ti",
    "つ": "tsu|tu",
    "て": "te",
    "と": "to",
    "な": "na",
    "に": "ni",
    "ぬ": "nu",
    "ね": "ne",
    "の": "no",
    "は": "ha",
    "ひ": "hi",
    "ふ": "fu|hu",
    "へ": "he",
    "ほ": "ho",
    "ま": "ma",
    "み": "mi",
    "む": "mu",
    "め": "me",
    "も": "mo",
    "や": "ya",
    "ゆ": "yu",
    "よ": "yo",
    "ら": "ra",
    "り": "ri",
    "る": "ru",
    "れ": "re",
    "ろ": "ro",
    "わ": "wa",
    "ゐ": "i",
    "ゑ": "e",
    "を": "o|wo",
    "が": "ga",
    "ぎ": "gi",
    "ぐ": "gu",
    "げ": "ge",
    "ご": "go",
    "ざ": "za",
    "じ": "ji|zi",
    "ず": "zu",
    "ぜ": "ze",
    "ぞ": "zo",
    "だ": "da",
    "で": "de",
    "ど": "do",
    "ば": "ba",
    "び": "bi",
    "ぶ": "bu",
    "べ": "be",
    "ぼ": "bo",
    "ぱ": "pa",
    "ぴ": "pi",
    "ぷ": "pu",
    "ぺ": "pe",
    "ぽ": "po",
    "ゔ": "vu",
    "ぁ": "a",
    "ぃ": "i",
    "ぅ": "u",
    "ぇ": "e",
    "ぉ": "o",
}
_YOON = {"ゃ": "a", "ゅ": "u", "ょ": "o"}
# Hepburn|Kunrei stems of the contracted sounds (きゃ kya, しゃ sha|sya, ちゃ cha|tya …).
_YOON_STEM = {
    "き": "ky",
    "ぎ": "gy",
    "し": "sh|sy",
    "じ": "j|zy",
    "ち": "ch|ty",
    "に": "ny",
    "ひ": "hy",
    "び": "by",
    "ぴ": "py",
    "み": "my",
    "り": "ry",
}


def _syllables(kana: str) -> list[list[str]]:
    """Each syllable of `kana` (hiragana) with its spellings."""
    out: list[list[str]] = []
    i = 0
    while i < len(kana):
        char = kana[i]
        nxt = kana[i + 1] if i + 1 < len(kana) else ""
        if char in _YOON_STEM and nxt in _YOON:
            out.append([stem + _YOON[nxt] for stem in _YOON_STEM[char].split("|")])
            i += 2
            continue
        if char == "ー":
            out.append([""])  # the long mark: a macron at most, which folding drops
        elif char in _ROMAJI_BASE:
            out.append(_ROMAJI_BASE[char].split("|"))
        elif char in ("っ", "ん"):
            out.append([char])
        else:
            out.append([""])
        i += 1
    return out


def _spell(syllables: list[list[str]], choice: int) -> str:
    """Spelling `choice` (0: Hepburn, 1: Kunrei) with っ doubling and ん written n."""
    parts = [s[min(choice, len(s) - 1)] for s in syllables]
    word = ""
    for index, part in enumerate(parts):
        following = next((p for p in parts[index + 1 :] if p), "")
        if part == "っ":
            if following.startswith("ch") and choice == 0:
                word += "t"
            elif following:
                word += following[0]
        elif part == "ん":
            word += "n"
        else:
            word += part
    return word


_VOWEL_KANA = {"a": "あ", "i": "い", "u": "う", "e": "え", "o": "お"}
# A long vowel is also written with the kana after it: おー = おう = おお, えー = えい = ええ.
_LONG_AS = {"a": "あ", "i": "い", "u": "う", "e": "えい", "o": "うお"}


def _vowel(kana: str) -> str:
    if kana in _YOON:
        return _YOON[kana]
    spelling = _ROMAJI_BASE.get(kana, "").split("|")[0]
    return spelling[-1] if spelling and spelling[-1] in _VOWEL_KANA else ""


def long_vowel_variants(hira: str) -> set[str]:
    """A kana reading with its long vowels written the other ways: さとう ↔ さとー,
    ゆーこ ↔ ゆうこ, おおの ↔ おーの.  Only for a reading all in kana; at most a few."""
    if not hira or any(not (_is_hiragana(c) or c == "ー") for c in hira):
        return set()
    variants = {hira}
    for index in range(1, len(hira)):
        vowel = _vowel(hira[index - 1])
        if not vowel:
            continue
        for known in list(variants)[:16]:
            if known[index] == "ー":
                for kana in _LONG_AS[vowel]:
                    variants.add(known[:index] + kana + known[index + 1 :])
            elif known[index] in _LONG_AS[vowel]:
                variants.add(known[:index] + "ー" + known[index + 1 :])
    variants.discard(hira)
    return variants


def romaji(kana: str) -> set[str]:
    """Hepburn and Kunrei spellings of a kana reading, with and without long vowels written:
    サトウ → satou, sato, satoh; オオノ → oono, ono, ohno; ユウコ → yuuko, yuko."""
    hira = fold_needle(kana)
    if not hira or any(not (_is_hiragana(c) or c == "ー") for c in hira):
        return set()
    syllables = _syllables(hira)
    spellings = {_spell(syllables, 0), _spell(syllables, 1)}
    result = set(spellings)
    for word in spellings:
        result.add(re.sub(r"(?<=[ou])u|(?<=o)o", "", word))
        result.add(re.sub(r"ou|oo", "oh", word))
        result.add(re.sub(r"nb|nm|np", lambda m: "m" + m.group(0)[1], word))
    return {w for w in result if len(w) >= 2}


# --- What is flagged ---------------------------------------------------------------------------

# Kinds of flag; the identifier kinds name whose it is (本人の…, 母の…).
NAME = "name"
ADDRESS = "address"
PHONE_OF = "phone"
BIRTH_DATE = "birth_date"
RECIPIENT_NUMBER = "recipient_number"
POSTAL_OF = "postal_code"
PHONE_LIKE = "phone_like"
EXACT_DATE = "date"
EMAIL_ADDRESS = "email"
POSTAL_LIKE = "postal"
PERSON_NAME = "person_name"
PLACE_NAME = "place_name"
ORGANIZATION_NAME = "organization_name"
IDENTIFIER_KINDS = frozenset(
    {
        NAME,
        ADDRESS,
        PHONE_OF,
        BIRTH_DATE,
        RECIPIENT_NUMBER,
        POSTAL_OF,
        PHONE_LIKE,
        EXACT_DATE,
        EMAIL_ADDRESS,
        POSTAL_LIKE,
    }
)
PROPER_NOUN_KINDS = frozenset({PERSON_NAME, PLACE_NAME, ORGANIZATION_NAME})
FLAG_KEY = re.compile(r"^[a-z_]{2,24}-[0-9a-f]{12}$")


# Marked for translation here, translated once per flag (not the whole table per flag).
LABELS = {
    NAME: gettext_noop("%(who)sの氏名・ふりがな"),
    ADDRESS: gettext_noop("%(who)sの住所"),
    PHONE_OF: gettext_noop("%(who)sの電話番号"),
    BIRTH_DATE: gettext_noop("%(who)sの生年月日"),
    RECIPIENT_NUMBER: gettext_noop("%(who)sの受給者証番号"),
    POSTAL_OF: gettext_noop("%(who)sの郵便番号"),
    PHONE_LIKE: gettext_noop("電話番号のような数字"),
    EXACT_DATE: gettext_noop("日付（年月までにしてください）"),
    EMAIL_ADDRESS: gettext_noop("メールアドレス"),
    POSTAL_LIKE: gettext_noop("郵便番号"),
    PERSON_NAME: gettext_noop("人名と思われる語"),
    PLACE_NAME: gettext_noop("地名と思われる語"),
    ORGANIZATION_NAME: gettext_noop("学校・施設・団体の名前と思われる語"),
}


def _label(kind: str, who: str) -> str:
    label = _(LABELS[kind])
    return label % {"who": who} if "%(who)s" in label else label


@dataclass(frozen=True)
class Flag:
    """A span of the original text that must be removed or kept with a reason.

    `key` is the same for the same expression of the same kind wherever it occurs, and stays
    the same when the text around it is edited: a decision to keep is given per key."""

    kind: str
    label: str
    start: int
    end: int
    text: str
    key: str
    who: str = ""  # 本人, 母 … for the identifiers of the case's people
    field: str = ""  # which field of a form it is in (title, description)

    @property
    def is_identifier(self) -> bool:
        return self.kind in IDENTIFIER_KINDS

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "label": self.label,
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }


def _key(kind: str, surface: str) -> str:
    digest = hashlib.sha256(f"{kind}\0{fold_needle(surface)}".encode()).hexdigest()
    return f"{kind}-{digest[:12]}"


def _flag(kind: str, who: str, original: str, start: int, end: int) -> Flag:
    surface = original[start:end]
    return Flag(kind, _label(kind, who), start, end, surface, _key(kind, surface), who)


@dataclass(frozen=True)
class Needle:
    folded: str
    kind: str
    who: str
    is_romaji: bool = False


SEP = r"[ ・\-]*"
_HONORIFIC = re.compile(SEP + "(?:" + "|".join(HONORIFICS) + ")")
_ROMAJI_HONORIFIC = re.compile(r"[ \-]?(?:" + "|".join(ROMAJI_HONORIFICS) + r")(?![a-z])")


@lru_cache(maxsize=4096)
def _pattern(folded: str, is_romaji: bool) -> re.Pattern[str]:
    body = SEP.join(re.escape(c) for c in folded)
    if is_romaji:
        honorific = "|".join(ROMAJI_HONORIFICS)
        return re.compile(rf"(?<![a-z])(?:{body})(?=(?![a-z])|[ \-]?(?:{honorific})(?![a-z]))")
    return re.compile(body)


def _needle_hits(needle: Needle, folded: Folded) -> Iterable[tuple[int, int]]:
    pattern = _pattern(needle.folded, needle.is_romaji)
    text = folded.text
    short = len(needle.folded) == 1
    position = 0
    while True:
        match = pattern.search(text, position)
        if match is None:
            return
        position = match.start() + 1
        start, end = match.span()
        honorific = _HONORIFIC.match(text, end)
        if needle.is_romaji and honorific is None:
            honorific = _ROMAJI_HONORIFIC.match(text, end)
        if short and honorific is None:
            # One kanji alone (a given name 蓮) only where it stands apart from other kanji.
            before = text[start - 1] if start else ""
            after = text[end] if end < len(text) else ""
            if _is_hiragana(needle.folded) or _is_han(before) or _is_han(after):
                continue
        if honorific is not None:
            end = honorific.end()
        yield start, end


def _name_needles(person: Person, who: str) -> list[Needle]:
    needles: list[Needle] = []
    texts = [
        person.family_name,
        person.given_name,
        person.family_name_kana,
        person.given_name_kana,
        f"{person.family_name}{person.given_name}",
        f"{person.family_name_kana}{person.given_name_kana}",
        *person.former_names.splitlines(),
    ]
    folded_texts = {fold_needle(text) for text in texts} - {""}
    for folded in set(folded_texts):
        folded_texts |= long_vowel_variants(folded)
    needles += [Needle(folded, NAME, who) for folded in folded_texts]
    readings = [person.family_name_kana, person.given_name_kana]
    spellings: set[str] = set()
    for reading in readings:
        spellings |= romaji(reading)
    family, given = romaji(person.family_name_kana), romaji(person.given_name_kana)
    spellings |= {f + g for f in family for g in given} | {g + f for f in family for g in given}
    needles += [Needle(s, NAME, who, is_romaji=True) for s in spellings if len(s) >= 2]
    return needles


_ADMINISTRATIVE = re.compile(r"^(?:.{2,3}?[都道府県])?(?:[^\s\d]+?市)?(?:[^\s\d]+?[区郡])?")
_TOWN = re.compile(r"^(.+?)(?=[一二三四五六七八九十〇\d]+丁目|\d|\s|$)")
_BUILDING = re.compile(r"[\d\-]+(?:番地?|号)?\s*([^\d\s][^\s]*?)\s*(?:\d+(?:号室?)?)?$")


def _address_needles(address: str, who: str) -> list[Needle]:
    normal = unicodedata.normalize("NFKC", address).strip()
    if not normal:
        return []
    pieces = {normal}
    rest = _ADMINISTRATIVE.sub("", normal).strip()
    if rest:
        pieces.add(rest)
        pieces.add(rest.split()[0])
        town = _TOWN.match(rest)
        if town:
            pieces.add(town.group(1))
        building = _BUILDING.search(rest)
        if building:
            pieces.add(building.group(1))
    return [Needle(fold_needle(p), ADDRESS, who) for p in pieces if len(fold_needle(p)) >= 2]


def _digit_hits(digits: str, folded: Folded) -> Iterable[tuple[int, int]]:
    """Where the digits of a phone or a number occur, whatever separates them."""
    text = folded.text
    positions = [i for i, c in enumerate(text) if c.isdigit()]
    projection = "".join(text[i] for i in positions)
    start = projection.find(digits)
    while start != -1:
        first, last = positions[start], positions[start + len(digits) - 1]
        between = text[first : last + 1]
        inside = re.fullmatch(r"[\d \-()ー]*", between) is not None
        before = text[first - 1] if first else ""
        after = text[last + 1] if last + 1 < len(text) else ""
        if inside and not before.isdigit() and not after.isdigit():
            yield first, last + 1
        start = projection.find(digits, start + 1)


_DATES = (
    re.compile(r"(?<!\d)(\d{4}) ?[-/.年] ?(\d{1,2}) ?[-/.月] ?(\d{1,2})(?!\d)日?"),
    re.compile(
        r"(令和|平成|昭和|大正|[rhst]) ?(元|\d{1,2}) ?[-/.年] ?"
        r"(\d{1,2}) ?[-/.月] ?(\d{1,2})(?!\d)日?"
    ),
)
# On the folded text: dashes are "-", brackets half-width.  Each starts only where a run
# starts (a look-behind), so a long run of digits or letters is scanned once, not per position.
_EMAIL_FOLDED = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+")
_PHONE_FOLDED = re.compile(r"(?<![\d-])0\d{1,4}[-ー(]?\d{1,4}[-ー)]?\d{3,4}(?!\d)")
_POSTAL_FOLDED = re.compile(r"(?<![\d-])(?:〒 ?)?\d{3}[-ー]\d{4}(?![\d-])")
_MONTH_DAY = re.compile(r"(?<![\d年./-])(\d{1,2}) ?月 ?(\d{1,2}) ?日")
_ERA_START = {
    "令和": 2018,
    "r": 2018,
    "平成": 1988,
    "h": 1988,
    "昭和": 1925,
    "s": 1925,
    "大正": 1911,
    "t": 1911,
}


def _dates(folded: Folded) -> Iterable[tuple[int, int, dt.date | None]]:
    for pattern in _DATES:
        for match in pattern.finditer(folded.text):
            groups = match.groups()
            try:
                if len(groups) == 3:
                    day = dt.date(int(groups[0]), int(groups[1]), int(groups[2]))
                else:
                    year = 1 if groups[1] == "元" else int(groups[1])
                    day = dt.date(_ERA_START[groups[0]] + year, int(groups[2]), int(groups[3]))
            except ValueError:
                day = None
            yield match.start(), match.end(), day


@dataclass
class Subjects:
    """Everyone whose identifiers a text of the case must not contain."""

    needles: list[Needle] = field(default_factory=list)
    numbers: list[tuple[str, str, str]] = field(default_factory=list)  # digits, kind, who
    births: list[tuple[dt.date, str]] = field(default_factory=list)


def subjects_of(
    people: Iterable[tuple[Person, str]], *, household_address: str = "", household_postal: str = ""
) -> Subjects:
    """The identifiers of `people` (each with who they are: 本人, 母 …) and their household."""
    found = Subjects()
    if household_address:
        found.needles += _address_needles(household_address, _("世帯"))
    postal = _digits(household_postal)
    if len(postal) == 7:
        found.numbers.append((postal, POSTAL_OF, _("世帯")))
    for person, who in people:
        found.needles += _name_needles(person, who)
        if person.address and person.address != household_address:
            found.needles += _address_needles(person.address, who)
        phone = _digits(person.phone)
        if len(phone) >= 6:
            found.numbers.append((phone, PHONE_OF, who))
        postal = _digits(person.postal_code)
        if len(postal) == 7:
            found.numbers.append((postal, POSTAL_OF, who))
        for line in person.recipient_numbers.splitlines():
            number = _digits(unicodedata.normalize("NFKC", line))
            if len(number) >= 5:
                found.numbers.append((number, RECIPIENT_NUMBER, who))
        if person.birth_date:
            found.births.append((person.birth_date, who))
    # Longest first, so that a full name is one flag rather than its family and given names.
    found.needles.sort(key=lambda n: len(n.folded), reverse=True)
    return found


def _subjects_of(case: Case | None) -> Subjects:
    if case is None:
        return Subjects()
    household = case.household if case.household_id is not None else None
    return subjects_of(
        [(subject.person, subject.label) for subject in _subjects(case)],
        household_address=household.address if household else "",
        household_postal=household.postal_code if household else "",
    )


def _identifier_flags(text: str, folded: Folded, subjects: Subjects) -> list[Flag]:
    flags: list[Flag] = []

    def add(kind: str, who: str, start: int, end: int) -> None:
        begin, finish = folded.span(start, end)
        flags.append(_flag(kind, who, text, begin, finish))

    for needle in subjects.needles:
        for start, end in _needle_hits(needle, folded):
            add(needle.kind, needle.who, start, end)
    for digits, kind, who in subjects.numbers:
        for start, end in _digit_hits(digits, folded):
            add(kind, who, start, end)
    for start, end, day in _dates(folded):
        whose = next((w for b, w in subjects.births if b == day), None)
        if whose is not None:
            add(BIRTH_DATE, whose, start, end)
        else:
            add(EXACT_DATE, "", start, end)
    for match in _MONTH_DAY.finditer(folded.text):
        month, day_of_month = int(match.group(1)), int(match.group(2))
        for birth, who in subjects.births:
            if (birth.month, birth.day) == (month, day_of_month):
                add(BIRTH_DATE, who, *match.span())
    for pattern, kind in (
        (_EMAIL_FOLDED, EMAIL_ADDRESS),
        (_PHONE_FOLDED, PHONE_LIKE),
        (_POSTAL_FOLDED, POSTAL_LIKE),
    ):
        for match in pattern.finditer(folded.text):
            add(kind, "", *match.span())
    return flags


# --- Proper nouns: SudachiPy and the names of schools and facilities ---------------------------

_dictionary: Dictionary | None = None
_dictionary_lock = threading.Lock()
_local = threading.local()
# Sudachi refuses inputs past about 49 KB; a summary is far shorter, but a long paste is cut.
_CHUNK = 4000
_SURROGATE = re.compile("[\ud800-\udfff]")
_PROPER = {"人名": PERSON_NAME, "地名": PLACE_NAME, "組織名": ORGANIZATION_NAME}


def tokenizer() -> Any:
    """One dictionary per process, loaded on first use (about 1 s and 80 MiB of RSS, mostly
    the mapped dictionary); one tokenizer per thread, as a tokenizer is not thread-safe."""
    # Imported here, not at the top: the URLconf loads this module (ADR 0007).
    from sudachipy import Dictionary, SplitMode

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


def _chunks(text: str) -> Iterable[tuple[int, str]]:
    offset = 0
    for line in text.splitlines(keepends=True):
        for start in range(0, len(line), _CHUNK):
            yield offset + start, line[start : start + _CHUNK]
        offset += len(line)


def _proper_noun_spans(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of each run of proper nouns of one kind (姓 + 名 is one person)."""
    spans: list[tuple[str, int, int]] = []
    analyser = tokenizer()
    for offset, chunk in _chunks(text):
        if not chunk.strip():
            continue
        # A lone surrogate (possible in JSON) cannot go to the analyser; same length, same offsets.
        chunk = _SURROGATE.sub("\ufffd", chunk)
        for morpheme in analyser.tokenize(chunk):
            pos = morpheme.part_of_speech()
            kind = _PROPER.get(pos[2]) if pos[1] == "固有名詞" else None
            if kind is None:
                continue
            start, end = offset + morpheme.begin(), offset + morpheme.end()
            if spans and spans[-1][0] == kind and spans[-1][2] == start:
                spans[-1] = (kind, spans[-1][1], end)
            else:
                spans.append((kind, start, end))
    return spans


FACILITY_SUFFIXES = (
    "特別支援学校",
    "支援学校",
    "養護学校",
    "小学校",
    "中学校",
    "高等学校",
    "高校",
    "義務教育学校",
    "専門学校",
    "短期大学",
    "大学",
    "保育園",
    "保育所",
    "幼稚園",
    "こども園",
    "学童クラブ",
    "病院",
    "クリニック",
    "診療所",
    "医院",
    "作業所",
    "事業所",
    "グループホーム",
    "ホーム",
    "学園",
    "福祉会",
    "センター",
    "施設",
    "寮",
    "荘",
    "苑",
    "園",
)
_FACILITY = re.compile(
    r"([ぁ-んァ-ヶーa-zA-Z0-9一-鿿々〇]{2,20}?)(" + "|".join(FACILITY_SUFFIXES) + ")"
)
# Words that make a generic facility, not a named one (デイサービスセンター, 相談支援事業所).
GENERIC_FACILITY_WORDS = (
    "デイサービス",
    "ショートステイ",
    "ケア",
    "サポート",
    "グループ",
    "デイケア",
    "ナイト",
    "ヘルパー",
    "ステーション",
    "リハビリ",
    "ひきこもり",
    "こども",
    "子ども",
)
_PARTICLE = re.compile(r".*[のがをにはへとでもや]")


def _facility_spans(text: str, folded: Folded) -> list[tuple[str, int, int]]:
    spans: list[tuple[str, int, int]] = []
    for match in _FACILITY.finditer(text):
        name = match.group(1)
        cut = _PARTICLE.match(name)
        if cut is not None:
            name = name[cut.end() :]
        if len(name) < 2 or name.endswith("型") or any(w in name for w in GENERIC_FACILITY_WORDS):
            continue
        # A name of kana, Latin letters or with 第N; all-kanji names are left to the dictionary.
        if all(_is_han(c) for c in name):
            continue
        if re.fullmatch(r"[ぁ-ん]{1,2}", name):
            continue
        start = match.end(1) - len(name)
        spans.append((ORGANIZATION_NAME, start, match.end()))
    return spans


_PLAIN_HONORIFIC = re.compile(r"[ 　]?(?:" + "|".join(HONORIFICS) + ")")
# A name written in hiragana before an honorific (やまだたろうさん): the dictionary finds names
# in kanji and katakana, half-width too, but reads a run of hiragana as ordinary words.
_HIRAGANA_NAME = re.compile(r"(?<![ぁ-ゖ])([ぁ-ゖー]{2,12})(?=" + "|".join(HONORIFICS) + ")")
# What ends such a run and is a word, not a name: おかあさん, みなさん, おきゃくさま …
COMMON_KANA = frozenset(
    {
        "みな",
        "みなみな",
        "おかあ",
        "おとう",
        "おじい",
        "おばあ",
        "おにい",
        "おねえ",
        "おくさ",
        "だんな",
        "おじょう",
        "むすこ",
        "むすめ",
        "おじ",
        "おば",
        "あか",
        "おこさ",
        "おきゃく",
        "ごかぞく",
        "かぞく",
        "みなさ",
    }
)


def _hiragana_name_spans(text: str) -> list[tuple[str, int, int]]:
    spans = []
    for match in _HIRAGANA_NAME.finditer(text):
        name = match.group(1)
        if any(name[i:] in COMMON_KANA for i in range(len(name))):
            continue
        spans.append((PERSON_NAME, match.start(1), match.end(1)))
    return spans


def _proper_noun_flags(text: str, folded: Folded, allowed: frozenset[str]) -> list[Flag]:
    flags: list[Flag] = []
    spans = _proper_noun_spans(text) + _facility_spans(text, folded)
    for kind, start, end in spans + _hiragana_name_spans(text):
        surface = text[start:end]
        if fold_needle(surface) in allowed:
            continue
        if kind == PERSON_NAME:
            honorific = _PLAIN_HONORIFIC.match(text, end)
            end = honorific.end() if honorific else end
        flags.append(_flag(kind, "", text, start, end))
    return flags


def _disjoint(flags: list[Flag]) -> list[Flag]:
    """One flag per span: identifier flags first, then the longer; what another flag covers
    is dropped, overlapping identifiers are joined under the leftmost, and a proper noun that
    overlaps an identifier is left to it.  The kept spans stay sorted and disjoint, so each
    flag is placed by bisection (a long text with thousands of flags stays fast)."""
    ordered = sorted(flags, key=lambda f: (not f.is_identifier, f.start, -(f.end - f.start)))
    kept: list[Flag] = []
    starts: list[int] = []
    for flag in ordered:
        right = bisect.bisect_left(starts, flag.end)  # kept[:right] start before flag ends
        left = right
        while left > 0 and kept[left - 1].end > flag.start:
            left -= 1
        overlapping = kept[left:right]
        if not overlapping:
            kept.insert(right, flag)
            starts.insert(right, flag.start)
            continue
        first = overlapping[0]
        if len(overlapping) == 1 and first.start <= flag.start and flag.end <= first.end:
            continue
        if not flag.is_identifier and any(k.is_identifier for k in overlapping):
            continue
        joined = replace(
            first,
            start=min(first.start, flag.start),
            end=max(overlapping[-1].end, flag.end),
        )
        kept[left:right] = [joined]
        starts[left:right] = [joined.start]
    return kept


def flags(
    text: str,
    case: Case | None = None,
    *,
    allowed: Iterable[str] = (),
    proper_nouns: bool = True,
    subjects: Subjects | None = None,
) -> list[Flag]:
    """Every flag of `text`, in order, with offsets into `text` itself.  `case` brings the
    identifiers of its person and household (or `subjects`, made by subjects_of); `allowed`
    are expressions never flagged as proper nouns (the names of the city, its wards and
    catchment areas)."""
    folded = fold(text)
    people = subjects if subjects is not None else _subjects_of(case)
    found = _identifier_flags(text, folded, people)
    if proper_nouns:
        allowed_folded = frozenset(fold_needle(a) for a in allowed)
        found += _proper_noun_flags(text, folded, allowed_folded)
    return [replace(f, text=text[f.start : f.end]) for f in _disjoint(found)]


def allowed_places() -> list[str]:
    """The city, its wards and catchment areas: council material names them by design."""
    kinds = [AreaKind.CITY, AreaKind.WARD, AreaKind.CATCHMENT]
    return list(Area.objects.filter(kind__in=kinds).values_list("name", flat=True))


def check(text: str, case: Case | None, *, field: str = "") -> list[Flag]:
    """The flags of a text about to be shared (`field` names where it was typed)."""
    return [replace(f, field=field) for f in flags(text, case, allowed=allowed_places())]


def segments(text: str, found: Sequence[Flag]) -> list[tuple[str, Flag | None, int]]:
    """`text` cut at the flags, for highlighting: (piece, its flag or None, flag number)."""
    pieces: list[tuple[str, Flag | None, int]] = []
    position = 0
    for number, flag in enumerate(found, start=1):
        if flag.start > position:
            pieces.append((text[position : flag.start], None, 0))
        pieces.append((text[flag.start : flag.end], flag, number))
        position = flag.end
    if position < len(text):
        pieces.append((text[position:], None, 0))
    return pieces


def decisions_from(data: Any) -> tuple[dict[str, str], list[str]]:
    """The review screen's answers (a QueryDict): the flag keys it showed (`seen`) and, for
    each, the reason typed to keep it (`reason-<key>`; empty when the author removed it)."""
    seen = [k for k in data.getlist("seen") if FLAG_KEY.match(k)][:200]
    keep = {k: str(data.get(f"reason-{k}", ""))[:500] for k in seen}
    return keep, seen


def review(
    texts: Sequence[tuple[str, str, Sequence[Flag]]],
    keep: Mapping[str, str],
    seen: Iterable[str] = (),
) -> dict[str, Any]:
    """What the review screen shows: each text (label, text, its flags) cut into pieces with
    the flagged ones numbered, one entry per flagged expression with the marks it has and the
    reason typed so far, and the keys flagged earlier and no longer there (carried on, so the
    removal is recorded when the text is shared)."""
    blocks: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    number = 0
    for label, text, found in texts:
        pieces: list[dict[str, Any]] = []
        for piece, flag, _n in segments(text, found):
            if flag is None:
                pieces.append({"text": piece, "flag": None, "n": 0})
                continue
            number += 1
            pieces.append({"text": piece, "flag": flag, "n": number})
            group = groups.setdefault(
                flag.key,
                {
                    "key": flag.key,
                    "label": flag.label,
                    "texts": [],
                    "anchors": [],
                    "reason": keep.get(flag.key, ""),
                },
            )
            group["anchors"].append(number)
            if piece not in group["texts"]:
                group["texts"].append(piece)
        blocks.append({"label": label, "pieces": pieces})
    carried = sorted({k for k in seen if FLAG_KEY.match(k) and k not in groups})
    return {"blocks": blocks, "groups": list(groups.values()), "count": number, "carried": carried}


class IdentifiersLeft(Invalid):
    """A text to share still has flags nobody removed or kept with a reason."""

    code = "identifiers_left"

    def __init__(self, message: str, *, flags: list[Flag], open_flags: list[Flag]) -> None:
        super().__init__(message)
        self.flags = flags
        self.open_flags = open_flags


# --- Drafting a summary ---------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    person: Person
    label: str  # 本人, 母, 兄弟姉妹 …


def _subjects(case: Case) -> list[Subject]:
    subjects: list[Subject] = []
    seen: set[int] = set()
    if case.person_id is not None and case.person is not None:
        subjects.append(Subject(case.person, pgettext("the person supported", "本人")))
        seen.add(case.person.pk)
    if case.household_id is not None:
        members = HouseholdMember.objects.filter(household_id=case.household_id).select_related(
            "person"
        )
        for member in members:
            if member.person_id in seen:
                continue
            seen.add(member.person_id)
            label = (
                pgettext("the person supported", "本人")
                if member.relationship == Relationship.SELF and not subjects
                else str(Relationship(member.relationship).label)
            )
            subjects.append(Subject(member.person, label))
    return subjects


def _name_variants(person: Person) -> list[str]:
    parts = [
        person.family_name,
        person.given_name,
        person.family_name_kana,
        person.given_name_kana,
    ]
    full = [
        f"{person.family_name}{person.given_name}",
        f"{person.family_name} {person.given_name}",
        f"{person.family_name}　{person.given_name}",
        f"{person.family_name_kana}{person.given_name_kana}",
        f"{person.family_name_kana} {person.given_name_kana}",
        f"{person.family_name_kana}　{person.given_name_kana}",
        person.former_names,
    ]
    found = [v.strip() for v in full + parts + person.former_names.splitlines() if v and v.strip()]
    # Longest first, so that 佐藤花子 goes before 佐藤.
    return sorted(set(found), key=len, reverse=True)


def _date_variants(day: dt.date) -> list[str]:
    era, year = era_of(day)
    era_year = "元" if year == 1 else str(year)
    return [
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}/{day.month:02d}/{day.day:02d}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{era.name}{era_year}年{day.month}月{day.day}日",
        f"{era.abbreviation}{year}.{day.month}.{day.day}",
    ]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def age_band(person: Person, on: dt.date) -> str:
    age = person.age_on(on)
    if age is None:
        return _("年齢不明")
    if age < 20:
        return _("10代以下")
    return _("%(decade)d代") % {"decade": age // 10 * 10}


def scrub(text: str, case: Case) -> str:
    """`text` with every identifier of the case's people replaced or generalised."""
    # Names however written (ひらがな, ｶﾀｶﾅ, 髙/高, romaji, with さん) become 本人, 母 …; the
    # pieces of an address, phones and numbers of the case's people go.
    replacements = {
        ADDRESS: _("（住所）"),
        PHONE_OF: _("（電話番号）"),
        RECIPIENT_NUMBER: _("（受給者証番号）"),
        POSTAL_OF: "",
    }
    text = unicodedata.normalize("NFKC", text)
    for flag in reversed(flags(text, case, proper_nouns=False)):
        if flag.kind == NAME:
            text = text[: flag.start] + flag.who + text[flag.end :]
        elif flag.kind in replacements:
            text = text[: flag.start] + replacements[flag.kind] + text[flag.end :]
    result = text  # already NFKC
    subjects = _subjects(case)
    name_variants: list[tuple[str, str]] = []
    for subject in subjects:
        person = subject.person
        if person.address:
            result = result.replace(unicodedata.normalize("NFKC", person.address), _("（住所）"))
        if person.phone:
            result = result.replace(unicodedata.normalize("NFKC", person.phone), _("（電話番号）"))
        if person.birth_date:
            for variant in _date_variants(person.birth_date):
                result = result.replace(variant, age_band(person, timezone.localdate()))
        name_variants += [
            (unicodedata.normalize("NFKC", n), subject.label) for n in _name_variants(person)
        ]
    # Longest first over everyone, so that 佐藤八重 goes before the shared family name 佐藤.
    for name, label in sorted(name_variants, key=lambda pair: len(pair[0]), reverse=True):
        result = result.replace(f"{name}さん", label).replace(name, label)
    result = EMAIL.sub(_("（メール）"), result)
    result = PHONE.sub(_("（電話番号）"), result)
    result = POSTAL.sub("", result)
    result = ERA_DATE.sub(lambda m: f"{m.group(1)}{m.group(2)}年{m.group(3)}月頃", result)
    result = JP_DATE.sub(lambda m: f"{m.group(1)}年{int(m.group(2))}月頃", result)
    result = ISO_DATE.sub(lambda m: f"{m.group(1)}年{int(m.group(2))}月頃", result)
    result = DAY_ONLY.sub(lambda m: f"{int(m.group(1))}月頃", result)
    result = AGE.sub(lambda m: f"{int(m.group(1)) // 10 * 10}代", result)
    return result


def find_identifiers(text: str, case: Case) -> list[str]:
    """Which kinds of identifier of the case's people are still in `text` (the values
    themselves are not echoed back).  Proper nouns are left to `flags`."""
    return sorted({f.label for f in flags(text, case, proper_nouns=False)})


def _household_line(case: Case, on: dt.date) -> str:
    subjects = _subjects(case)
    if not subjects:
        return ""
    parts = []
    for subject in subjects:
        person = subject.person
        sex = "" if person.sex in (Sex.NO_ANSWER, Sex.OTHER) else str(Sex(person.sex).label)
        parts.append(f"{subject.label}（{age_band(person, on)}{'・' + sex if sex else ''}）")
    return "、".join(parts)


def _relative_month(day: dt.date, on: dt.date) -> str:
    months = (on.year - day.year) * 12 + on.month - day.month
    if months <= 0:
        return _("今月")
    if months < 12:
        return _("約%(n)dか月前") % {"n": months}
    return _("約%(n)d年前") % {"n": months // 12}


def generate_summary(case: Case, *, on: dt.date | None = None) -> str:
    """A first draft of the de-identified summary, for the author to review and edit."""
    day = on or timezone.localdate()
    lines = [
        _("【世帯の構成】") + (_household_line(case, day) or _("不明")),
        _("【支援の開始】") + _relative_month(case.opened_on, day),
    ]
    if case.difficulty_factors:
        groups = [
            str(label)
            for prefix, label in DIFFICULTY_GROUPS
            if any(str(f).startswith(prefix) for f in case.difficulty_factors)
        ]
        lines.append(_("【困難さの領域】") + "、".join(groups))
    formulation = Formulation.objects.filter(case=case).order_by("-revision").first()
    if formulation is not None:
        lines += [
            _("【状況】") + scrub(formulation.situation_summary, case),
            _("【背景要因】") + scrub(formulation.background_factors or "—", case),
            _("【見立て】") + scrub(formulation.hypothesis, case),
            _("【支援方針】") + scrub(formulation.support_policy, case),
        ]
    lines.append(_("【検討したいこと】"))
    return "\n".join(lines)
