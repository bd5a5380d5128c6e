"""Dates as Japanese local government writes them.

- Era dates on documents (令和7年4月1日; the first year of an era is 元年).
- One format on screens (`display_date`): the era date in the Japanese UI, ISO in any other.
- Date entry takes era and Western dates alike (`parse_date`: R7.4.1, 令和7年4月1日, 2025/4/1,
  20250401 ...); the API keeps ISO 8601.
- The fiscal year (年度) runs April to March and is named after the year it starts in:
  2025-04-01 .. 2026-03-31 is FY2025, shown as 令和7年度.
- Business days skip weekends, national holidays (jpholiday) and the year-end closure.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import jpholiday
from django.utils.translation import get_language
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Era:
    name: str
    abbreviation: str
    start: dt.date


# Start dates of each era (the day the new era began).
ERAS: tuple[Era, ...] = (
    Era("令和", "R", dt.date(2019, 5, 1)),
    Era("平成", "H", dt.date(1989, 1, 8)),
    Era("昭和", "S", dt.date(1926, 12, 25)),
    Era("大正", "T", dt.date(1912, 7, 30)),
    Era("明治", "M", dt.date(1868, 1, 25)),
)


def era_of(day: dt.date) -> tuple[Era, int]:
    """The era and the year within it (1 for 元年)."""
    for era in ERAS:
        if day >= era.start:
            return era, day.year - era.start.year + 1
    raise ValueError(f"{day.isoformat()} is before the Meiji era")


def era_year_label(era: Era, year: int) -> str:
    return f"{era.name}{'元' if year == 1 else year}年"


def wareki(day: dt.date | dt.datetime | None) -> str:
    """令和7年4月1日.  A datetime is shown as its local (Asia/Tokyo) date."""
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = to_local_date(day)
    if day < ERAS[-1].start:
        return _before_meiji(day)
    era, year = era_of(day)
    return f"{era_year_label(era, year)}{day.month}月{day.day}日"


def wareki_short(day: dt.date | None) -> str:
    """R7.4.1 — for dense tables."""
    if day is None:
        return ""
    if day < ERAS[-1].start:
        return _before_meiji(day)
    era, year = era_of(day)
    return f"{era.abbreviation}{year}.{day.month}.{day.day}"


def display_date(day: dt.date | dt.datetime | None) -> str:
    """The one date format of the screens: 令和7年4月1日 in Japanese, 2025-04-01 otherwise
    (an English reader is not asked to know the eras).  A datetime shows its local date."""
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = to_local_date(day)
    if (get_language() or "ja").startswith("ja"):
        return wareki(day)
    return day.isoformat()


def display_month(first: dt.date) -> str:
    """The month of `first` as the screens name it: 令和8年12月 in Japanese, 2026-12
    otherwise."""
    if (get_language() or "ja").startswith("ja") and first >= ERAS[-1].start:
        era, year = era_of(first)
        return f"{era_year_label(era, year)}{first.month}月"
    return f"{first.year:04d}-{first.month:02d}"


def _before_meiji(day: dt.date) -> str:
    """A date no era covers (entry refuses them since; an old row must still show): ISO."""
    return day.isoformat()


def to_local_date(moment: dt.datetime) -> dt.date:
    from django.utils import timezone

    if timezone.is_naive(moment):
        return moment.date()
    return timezone.localtime(moment).date()


def fiscal_year(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def fiscal_months_passed(year: int, today: dt.date) -> int:
    """Whole months of fiscal year `year` that are over by `today` (0 in April, 3 in July,
    11 in March, 12 once the year has ended)."""
    start, end = fiscal_year_range(year)
    if today > end:
        return 12
    if today < start:
        return 0
    return (today.year - start.year) * 12 + today.month - start.month


def fiscal_year_label(year: int) -> str:
    """令和7年度.  FY2019 began in 平成 (2019-04-01) but is by custom called 令和元年度.

    A year no era covers is shown as the Western year (2500年度): a label never fails."""
    if not ERAS[-1].start.year <= year <= dt.MAXYEAR - 1:
        return f"{year}年度"
    era, era_year = era_of(dt.date(year, 4, 1))
    if year == 2019:
        era, era_year = ERAS[0], 1
    return f"{era_year_label(era, era_year)}度"


def is_holiday(day: dt.date) -> bool:
    return bool(jpholiday.is_holiday(day))


def is_year_end_closure(day: dt.date) -> bool:
    """Local governments close from 12/29 to 1/3 (行政機関の休日に関する法律)."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_business_day(day: dt.date) -> bool:
    return day.weekday() < 5 and not is_holiday(day) and not is_year_end_closure(day)


def add_business_days(start: dt.date, days: int) -> dt.date:
    """The business day `days` business days after `start` (start itself is not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += dt.timedelta(days=1)
        if is_business_day(current):
            remaining -= 1
    return current


def business_days_between(start: dt.date, end: dt.date) -> int:
    """Business days after `start` up to and including `end` (0 when end <= start)."""
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if is_business_day(current):
            count += 1
    return count


# --- Entry ----------------------------------------------------------------------------------


class DateParseError(ValueError):
    """Typed text that is no date, with the Japanese message to show under the field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_ERA_BY_KEY = {key: era for era in ERAS for key in (era.name, era.abbreviation)}
_ERA_NAMES = "|".join(era.name for era in ERAS)
_ERA_LETTERS = "".join(era.abbreviation for era in ERAS)
_SEP = r"[-/.]"
_WESTERN = re.compile(rf"^(\d{{1,6}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})$")
_WESTERN_KANJI = re.compile(r"^(\d{1,6})年(\d{1,2})月(\d{1,2})日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_ERA_DATE = re.compile(
    rf"^({_ERA_NAMES}|[{_ERA_LETTERS}])(元|\d{{1,3}})(?:年|{_SEP})(\d{{1,2}})(?:月|{_SEP})(\d{{1,2}})日?$"
)


def _normalised(text: str) -> str:
    """Full-width digits and letters as ASCII (NFKC, which also turns ㋿ into 令和), no spaces,
    upper-case era letters."""
    value = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", value).upper()


def _unreadable() -> DateParseError:
    return DateParseError(
        _(
            "日付として読めません。2025-04-01、2025/4/1 や 令和7年4月1日、R7.4.1 の形で"
            "入力してください。"
        )
    )


def _western(year: int, month: int, day: int) -> dt.date:
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise DateParseError(_("%(year)s年は日付として扱えません。") % {"year": year})
    if not 1 <= month <= 12:
        raise DateParseError(_("%(month)s月はありません。") % {"month": month})
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateParseError(
            _("%(year)s年%(month)s月%(day)s日はありません。")
            % {"year": year, "month": month, "day": day}
        ) from None


def _era_date(era: Era, era_year: int, month: int, day: int) -> dt.date:
    label = era_year_label(era, era_year) if era_year >= 1 else f"{era.name}{era_year}年"
    if era_year < 1:
        raise DateParseError(
            _("%(label)sはありません。最初の年は元年（1年）です。") % {"label": label}
        )
    year = era.start.year + era_year - 1
    if not 1 <= month <= 12:
        raise DateParseError(_("%(month)s月はありません。") % {"month": month})
    try:
        value = dt.date(year, month, day)
    except ValueError:
        raise DateParseError(
            _("%(label)s%(month)s月%(day)s日はありません。")
            % {"label": label, "month": month, "day": day}
        ) from None
    index = ERAS.index(era)
    if value < era.start:
        raise DateParseError(
            _("%(era)sは%(first)sからです。") % {"era": era.name, "first": wareki(era.start)}
        )
    if index > 0 and value >= ERAS[index - 1].start:
        last = ERAS[index - 1].start - dt.timedelta(days=1)
        raise DateParseError(
            _("%(era)sは%(last)sまでです（%(day)sは%(next)s）。")
            % {
                "era": era.name,
                "last": wareki(last),
                "day": value.isoformat(),
                "next": wareki(value),
            }
        )
    return value


def parse_date(text: str) -> dt.date:
    """A date typed the ways Japanese offices write them, or DateParseError with the reason.

    Western: 2025-04-01, 2025/4/1, 2025.4.1, 2025年4月1日, 20250401.
    Era: 令和7年4月1日, 令和元年5月1日, R7.4.1, r7/4/1, H31.4.30, S64.1.7 (full-width digits
    too).  An era date must lie inside its era: H31.5.1 is refused, since 平成 ended on
    2019-04-30, and so is R0 or R1.4.1.  The range the system keeps (validators) is checked by
    the field, not here."""
    value = _normalised(text)
    if not value:
        raise _unreadable()
    if match := _ERA_DATE.match(value):
        era = _ERA_BY_KEY[match.group(1)]
        era_year = 1 if match.group(2) == "元" else int(match.group(2))
        return _era_date(era, era_year, int(match.group(3)), int(match.group(4)))
    for pattern in (_WESTERN, _WESTERN_KANJI, _COMPACT):
        if match := pattern.match(value):
            year, month, day = (int(g) for g in match.groups())
            return _western(year, month, day)
    raise _unreadable()


def parsed_date_echo(day: dt.date) -> str:
    """What the entry field shows back under a date it read: ＝ 2025年4月1日（令和7年）."""
    if (get_language() or "ja").startswith("ja") and day >= ERAS[-1].start:
        era, year = era_of(day)
        return f"＝ {day.year}年{day.month}月{day.day}日（{era_year_label(era, year)}）"
    return f"= {day.isoformat()}"
