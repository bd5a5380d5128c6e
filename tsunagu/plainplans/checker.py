"""The やさしい日本語 checker (issue 22 item 2): what in a text may be hard to read.

Three kinds of flag, each with its place in the text (docs/adr/0021-plain-japanese.md):

- a sentence longer than `settings.PLAIN_JAPANESE_SENTENCE_LIMIT` characters (spaces and the
  closing 。 not counted); a sentence ends at 。！？!? or at the end of a line;
- a word from the list of difficult field words (data/difficult_words.tsv), with its plain
  replacement (支給決定 → サービスを使ってよいという決定), longest word first;
- a kanji above the plan's school grade in the 学年別漢字配当表 (data/gakunen_kanji.txt); a
  kanji not in the table at all (taught after primary school) is above every grade.

It blocks nothing: the counselor reads the list and decides.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from tsunagu.plainplans.furigana import KANJI

DATA = Path(__file__).resolve().parent / "data"
LONG_SENTENCE = "long_sentence"
DIFFICULT_WORD = "difficult_word"
KANJI_GRADE = "kanji_grade"
GRADES = range(1, 7)
# A kanji not taught in primary school.
BEYOND_GRADES = 7

_SENTENCE_END = re.compile(r"[。！？!?]+|\n")


@dataclass(frozen=True)
class Flag:
    field: str
    kind: str
    start: int  # 0-based, in characters of the field's text
    end: int
    text: str
    suggestion: str
    message: str
    line: int  # 1-based
    column: int  # 1-based

    def as_dict(self) -> dict[str, object]:
        return {
            "field": self.field,
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "suggestion": self.suggestion,
            "message": self.message,
            "line": self.line,
            "column": self.column,
        }


@functools.cache
def kanji_grades() -> dict[str, int]:
    """学年別漢字配当表: each of the 1,026 kanji and the grade it is taught in."""
    grades: dict[str, int] = {}
    for line in (DATA / "gakunen_kanji.txt").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        grade, kanji = line.split("\t")
        for char in kanji:
            grades[char] = int(grade)
    return grades


@functools.cache
def difficult_words() -> dict[str, str]:
    """The field words and their plain replacements, longest first."""
    words: dict[str, str] = {}
    for line in (DATA / "difficult_words.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        word, replacement = line.split("\t")
        words[word] = replacement
    return dict(sorted(words.items(), key=lambda item: -len(item[0])))


@functools.cache
def _difficult_pattern() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(word) for word in difficult_words()))


def sentence_limit() -> int:
    return int(getattr(settings, "PLAIN_JAPANESE_SENTENCE_LIMIT", 30))


def grade_of(char: str) -> int:
    return kanji_grades().get(char, BEYOND_GRADES)


def _place(text: str, start: int) -> tuple[int, int]:
    before = text[:start]
    line = before.count("\n") + 1
    column = start - (before.rfind("\n") + 1) + 1
    return line, column


def _flag(
    field: str, text: str, kind: str, start: int, end: int, suggestion: str, message: str
) -> Flag:
    line, column = _place(text, start)
    return Flag(field, kind, start, end, text[start:end], suggestion, message, line, column)


def _sentences(text: str) -> Iterable[tuple[int, int]]:
    start = 0
    for match in _SENTENCE_END.finditer(text):
        yield start, match.end() if match.group() != "\n" else match.start()
        start = match.end()
    if start < len(text):
        yield start, len(text)


def check(
    text: str,
    *,
    grade: int,
    field: str = "",
    limit: int | None = None,
    names: Iterable[str] = (),
) -> list[Flag]:
    """Every flag of `text`, in the order of the text.  The kanji of `names` (the person's
    own name, the names of the agencies) are not flagged: they are read with their ruby."""
    limit = sentence_limit() if limit is None else limit
    flags: list[Flag] = []
    for start, end in _sentences(text):
        sentence = text[start:end]
        # The closing 。 is not counted, nor are spaces (分かち書き).
        length = len("".join(sentence.rstrip("。！？!? \u3000").split()))
        if length > limit:
            lead = len(sentence) - len(sentence.lstrip())
            flags.append(
                _flag(
                    field,
                    text,
                    LONG_SENTENCE,
                    start + lead,
                    end,
                    "",
                    _("文が長いです（%(length)d文字。%(limit)d文字までにしましょう）。")
                    % {"length": length, "limit": limit},
                )
            )
    words = difficult_words()
    for match in _difficult_pattern().finditer(text):
        flags.append(
            _flag(
                field,
                text,
                DIFFICULT_WORD,
                match.start(),
                match.end(),
                words[match.group()],
                _("むずかしいことばです。「%(plain)s」と言いかえられます。")
                % {"plain": words[match.group()]},
            )
        )
    spared = {
        i
        for name in names
        if name
        for m in re.finditer(re.escape(name), text)
        for i in range(m.start(), m.end())
    }
    for match in KANJI.finditer(text):
        char, at = match.group(), match.start()
        taught = grade_of(char)
        if taught > grade and at not in spared:
            message = (
                _("小学校で習わない漢字です。")
                if taught == BEYOND_GRADES
                else _("%(taught)d年生で習う漢字です（この計画は%(grade)d年生まで）。")
                % {"taught": taught, "grade": grade}
            )
            flags.append(_flag(field, text, KANJI_GRADE, at, at + 1, "", message))
    flags.sort(key=lambda f: (f.start, f.kind))
    return flags


def check_fields(texts: Mapping[str, str], *, grade: int, names: Iterable[str] = ()) -> list[Flag]:
    """`check` over several fields of one form, in the order given."""
    names = list(names)
    return [
        flag
        for field, text in texts.items()
        for flag in check(text, grade=grade, field=field, names=names)
    ]
