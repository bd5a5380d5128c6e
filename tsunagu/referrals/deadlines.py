"""The acknowledgement deadline: N business days after the day a request was sent.

N is `settings.REFERRAL_ACK_BUSINESS_DAYS` (environment `TSUNAGU_REFERRAL_ACK_BUSINESS_DAYS`,
default 3); business days skip weekends, national holidays (jpholiday) and the year-end
closure (tsunagu/core/dates.py).  A request is overdue on the first day after its due date while
it is still `requested` and nobody has marked it received.

The deadline is computed, not stored, so the screens, the dashboard counts and the
`referrals_escalate` command always agree.  For a query, `overdue_cutoff(today)` turns the rule
into one date: a request sent on or before it is past its deadline today.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from tsunagu.core.dates import add_business_days, to_local_date


def ack_business_days() -> int:
    return int(settings.REFERRAL_ACK_BUSINESS_DAYS)


def ack_due_on(requested_at: dt.datetime) -> dt.date:
    return add_business_days(to_local_date(requested_at), ack_business_days())


def overdue_cutoff(today: dt.date | None = None) -> dt.date:
    """The last sending day whose deadline is before `today`.  `add_business_days` never goes
    backwards when its start moves forward, so walking back from today finds it."""
    day = today or timezone.localdate()
    candidate = day - dt.timedelta(days=1)
    days = ack_business_days()
    while add_business_days(candidate, days) >= day:
        candidate -= dt.timedelta(days=1)
    return candidate


def start_of_local_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def sent_overdue_before(today: dt.date | None = None) -> dt.datetime:
    """Requests sent before this moment are past their deadline today."""
    return start_of_local_day(overdue_cutoff(today) + dt.timedelta(days=1))
