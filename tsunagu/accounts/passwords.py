"""Password rules (issue 13, item 2): length, and refusing what a guesser tries first.

No composition or rotation rules (NIST SP 800-63B §3.1.1.2): a password is refused when it is
one character or a short pattern repeated, a keyboard or number sequence, contains the user's
own name, username or organization, or is on the breached-password list shipped in
`data/breached-passwords.txt.gz` (see `data/README.md`).  Every check works offline.
"""

from __future__ import annotations

import gzip
import re
import threading
from array import array
from bisect import bisect_left
from itertools import pairwise
from pathlib import Path
from typing import Any

import jaconv
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

BREACHED_LIST = Path(__file__).resolve().parent / "data" / "breached-passwords.txt.gz"


def _normalise(password: str) -> str:
    """Lower case, full-width letters and digits folded to ASCII (ｑｗｅｒｔｙ is qwerty)."""
    return str(jaconv.z2h(password, kana=False, ascii=True, digit=True)).lower()


# --- Repetition -------------------------------------------------------------------------------


class RepetitionValidator:
    """`aaaaaaaaaaaaa`, `abcabcabcabc1`, `1212121212121`: one character or a short pattern
    repeated, or so few different characters that the password is one in a small set."""

    def __init__(self, max_pattern: int = 6, min_distinct: int = 5) -> None:
        self.max_pattern = max_pattern
        self.min_distinct = min_distinct

    def validate(self, password: str, user: Any = None) -> None:
        text = _normalise(password)
        repeated = re.fullmatch(rf"(.{{1,{self.max_pattern}}}?)\1+.{{0,2}}", text, re.DOTALL)
        if repeated or len(set(text)) < self.min_distinct:
            raise ValidationError(
                _("同じ文字や短い並びを繰り返したパスワードは使えません。"),
                code="password_repeated",
            )

    def get_help_text(self) -> str:
        return _("同じ文字や短い並びの繰り返しは使えません。")


# --- Sequences --------------------------------------------------------------------------------

# Rows and columns of a JIS/US keyboard, the alphabet and the digits.  A run of three or more
# neighbours along any of them, either way, counts as sequence.
SEQUENCES = (
    "0123456789",
    "abcdefghijklmnopqrstuvwxyz",
    "1234567890-^\\",
    "1234567890-=",
    "qwertyuiop@[",
    "qwertyuiop[]",
    "asdfghjkl;:]",
    "asdfghjkl;'",
    "zxcvbnm,./\\",
    "1qaz",
    "2wsx",
    "3edc",
    "4rfv",
    "5tgb",
    "6yhn",
    "7ujm",
    "8ik,",
    "9ol.",
    "0p;/",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/",
    "zaq1xsw2cde3vfr4bgt5nhy6mju7,ki8.lo9/;p0",
    "!@#$%^&*()_+",
    "!\"#$%&'()",
)


def _neighbours() -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for sequence in SEQUENCES:
        for first, second in pairwise(sequence):
            pairs.add((first, second))
            pairs.add((second, first))
    pairs.add(("9", "0"))  # ...7890123: digits wrap around
    pairs.add(("0", "9"))
    return pairs


NEIGHBOURS = frozenset(_neighbours())


def sequence_coverage(text: str, min_run: int = 3) -> int:
    """How many characters of `text` belong to a run of `min_run` or more keyboard, alphabet
    or digit neighbours."""
    covered = 0
    run = 1
    for index in range(1, len(text) + 1):
        if index < len(text) and (text[index - 1], text[index]) in NEIGHBOURS:
            run += 1
            continue
        if run >= min_run:
            covered += run
        run = 1
    return covered


class SequenceValidator:
    """`1234567890123`, `qwertyuiop123`, `zxcvbnmasdfgh`: refused when fewer than
    `min_other` characters are outside keyboard, alphabet and digit runs."""

    def __init__(self, min_other: int = 5) -> None:
        self.min_other = min_other

    def validate(self, password: str, user: Any = None) -> None:
        text = _normalise(password)
        if len(text) - sequence_coverage(text) < self.min_other:
            raise ValidationError(
                _("キーボードの並びや連続した数字・文字だけのパスワードは使えません。"),
                code="password_sequence",
            )

    def get_help_text(self) -> str:
        return _("キーボードの並びや連続した数字・文字は使えません。")


# --- The user's own names ---------------------------------------------------------------------


def _name_parts(value: str, *, min_length: int) -> set[str]:
    parts = {part for part in re.split(r"[\s_.@\-・（）()]+", _normalise(value)) if part}
    whole = re.sub(r"[\s_.@\-・（）()]+", "", _normalise(value))
    return {part for part in parts | {whole} if len(part) >= min_length}


def _romaji(kana: str) -> set[str]:
    """やまだ たろう -> yamada, tarou, taro, yamadatarou, yamadataro."""
    hiragana = jaconv.kata2hira(kana)
    found: set[str] = set()
    for part in _name_parts(hiragana, min_length=2):
        roman = str(jaconv.kana2alphabet(part)).lower()
        if re.fullmatch(r"[a-z]+", roman):
            found |= {roman, roman.replace("ou", "o").replace("uu", "u")}
    return {word for word in found if len(word) >= 3}


def personal_words(user: Any) -> set[str]:
    """The words of the user's username, name (as written, in kana and in romaji), e-mail and
    organizations, as a guesser who knows them would try them."""
    words: set[str] = set()
    if user is None:
        return words
    words |= _name_parts(str(getattr(user, "username", "") or ""), min_length=3)
    email = str(getattr(user, "email", "") or "")
    words |= _name_parts(email.split("@")[0], min_length=3)
    for attribute in ("full_name", "full_name_kana"):
        value = str(getattr(user, attribute, "") or "")
        words |= _name_parts(value, min_length=2)
        words |= _romaji(value)
    organizations: list[Any] = list(getattr(user, "password_check_organizations", []))
    if getattr(user, "pk", None):
        organizations += [m.organization for m in user.memberships.select_related("organization")]
    for organization in organizations:
        for attribute in ("name", "name_kana", "short_name", "code"):
            value = str(getattr(organization, attribute, "") or "")
            words |= _name_parts(value, min_length=3)
            words |= _romaji(value)
    # Two-character ASCII pieces would refuse too much by accident; Japanese names are often
    # two characters and are kept.
    return {word for word in words if len(word) >= 3 or not word.isascii()}


class PersonalInfoValidator:
    """Refuses a password that contains the username, the person's name (kanji, kana or
    romaji), the e-mail name, or the name or code of an organization they belong to.

    A user about to be created has no memberships yet: the form sets
    `password_check_organizations` on the unsaved user."""

    def validate(self, password: str, user: Any = None) -> None:
        text = re.sub(r"[\s_.@\-・]+", "", _normalise(password))
        plain = _normalise(password)
        for word in personal_words(user):
            if word in text or word in plain:
                raise ValidationError(
                    _("ユーザー名・氏名・所属組織名を含むパスワードは使えません。"),
                    code="password_personal",
                )

    def get_help_text(self) -> str:
        return _("ユーザー名・氏名・所属組織名を含めることはできません。")


# --- The breached-password list ---------------------------------------------------------------


class BreachedList:
    """The shipped list, sorted by UTF-8 bytes, one lower-cased password per line, read once
    per process on first use.  It stays one bytes object plus an array of line offsets
    (about 11 MB for 630,000 passwords) instead of a set of str (several times that)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._data: bytes | None = None
        self._offsets: array[int] | None = None

    def _load(self) -> tuple[bytes, array[int]]:
        with self._lock:
            if self._data is None or self._offsets is None:
                data = gzip.decompress(self.path.read_bytes())
                offsets = array("I", [0])
                find = data.find
                position = find(b"\n")
                while position != -1:
                    offsets.append(position + 1)
                    position = find(b"\n", position + 1)
                self._data, self._offsets = data, offsets
            return self._data, self._offsets

    def __len__(self) -> int:
        _data, offsets = self._load()
        return len(offsets) - 1

    def __contains__(self, password: object) -> bool:
        if not isinstance(password, str):
            return False
        data, offsets = self._load()
        needle = password.lower().encode()
        count = len(offsets) - 1
        index = bisect_left(
            range(count), needle, key=lambda i: data[offsets[i] : offsets[i + 1] - 1]
        )
        return index < count and data[offsets[index] : offsets[index + 1] - 1] == needle


BREACHED = BreachedList(BREACHED_LIST)


class BreachedPasswordValidator:
    """Refuses a password on the shipped breached-password list (no network look-up)."""

    def validate(self, password: str, user: Any = None) -> None:
        if password.lower() in BREACHED or _normalise(password) in BREACHED:
            raise ValidationError(
                _("このパスワードは過去に流出したパスワードの一覧に含まれているため使えません。"),
                code="password_breached",
            )

    def get_help_text(self) -> str:
        return _("過去に流出したパスワードは使えません。")
