"""Closing a case as "referred" (他機関への紹介・移管による終結), which the referrals app decides.

A case may be closed as referred only once the receiver of its referral or transfer has
accepted it (issue 5, たらい回しにしない).  Referrals stand above cases (they hang off a case), so
the case rules cannot ask them directly: the referrals app registers the check here when it is
ready (`ReferralsConfig.ready`).  This is a dependency inversion, written down in
docs/architecture.md, not a way around the layers: cases owns the question, referrals the answer.
Without an answer registered, no case can be closed as referred (fail closed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tsunagu.cases.models import Case


@dataclass(frozen=True)
class ReferredClosure:
    """The accepted referral that lets a case close as referred: the closure reason to show
    when none was typed, and what the audit row records of it."""

    reason: str
    detail: dict[str, Any] = field(default_factory=dict)


ReferredClosureCheck = Callable[["Case"], ReferredClosure | None]

_check: ReferredClosureCheck | None = None


def register_referred_closure(check: ReferredClosureCheck) -> None:
    global _check  # set once, at start-up, by the referrals app
    _check = check


def referred_closure(case: Case) -> ReferredClosure | None:
    """The accepted referral or transfer that lets `case` close as referred, or None."""
    return _check(case) if _check is not None else None
