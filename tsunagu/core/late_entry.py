"""Late entry (後日入力): a record entered after the day it is about.

Every record with a date of its own (a consultation's reception, a request's sending, a
progress note, a meeting) keeps that date beside `created_at`, the moment it was entered.  The
statistics count by the record's own date; the screens show both when they differ; an entry
whose own date lies more than `settings.LATE_ENTRY_DAYS` days before its entry is audited as a
late entry (`audit.late_entry`).

The own date is bounded tighter than any date (validators.MIN_DATE..MAX_DATE): not before
ORIGINAL_DATE_FLOOR (the start of FY2000, before which no city keeps consultation records it
could bring in) and, except for what is scheduled, not after today.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from tsunagu.core.dates import to_local_date, wareki
from tsunagu.core.errors import Invalid

ORIGINAL_DATE_FLOOR = dt.date(2000, 4, 1)


def late_entry_days() -> int:
    return int(getattr(settings, "LATE_ENTRY_DAYS", 7))


def _day(value: dt.date | dt.datetime) -> dt.date:
    return to_local_date(value) if isinstance(value, dt.datetime) else value


def original_date_problem(
    value: dt.date | dt.datetime, *, label: StrOrPromise, future_allowed: bool = False
) -> str | None:
    """The Japanese reason this own date cannot be recorded, or None."""
    day = _day(value)
    if day < ORIGINAL_DATE_FLOOR:
        return _("%(label)sは%(floor)s（%(iso)s）以降にしてください。") % {
            "label": label,
            "floor": wareki(ORIGINAL_DATE_FLOOR),
            "iso": ORIGINAL_DATE_FLOOR.isoformat(),
        }
    if not future_allowed:
        future = value > timezone.now() if isinstance(value, dt.datetime) else None
        if future or (future is None and day > timezone.localdate()):
            return _("%(label)sに未来の日付は指定できません。") % {"label": label}
    return None


def check_original_date(
    value: dt.date | dt.datetime, *, label: StrOrPromise, future_allowed: bool = False
) -> None:
    problem = original_date_problem(value, label=label, future_allowed=future_allowed)
    if problem is not None:
        raise Invalid(problem, code="original_date")


def days_late(own: dt.date | dt.datetime, entered: dt.datetime) -> int:
    """Whole days between the record's own (local) date and the (local) day it was entered."""
    return (to_local_date(entered) - _day(own)).days


def is_late_entry(own: dt.date | dt.datetime | None, entered: dt.datetime | None) -> bool:
    """Entered on a later day than its own: what the screens mark as 後日入力."""
    if own is None or entered is None:
        return False
    return days_late(own, entered) > 0


def is_audited_late(own: dt.date | dt.datetime, entered: dt.datetime) -> bool:
    """Late enough to leave an audit row of its own (more than LATE_ENTRY_DAYS days)."""
    return days_late(own, entered) > late_entry_days()
