"""The one table of legal moves of a referral, and which side may make each.

The screens offer only the moves of this table for the acting side, the API and the FHIR Task
import map onto it, and `services.referral_transition` refuses everything else:
- a move by the wrong side → Invalid (422, code `wrong_side`);
- a move the current status does not allow → Conflict (409, code `illegal_transition`);
- a move without its required reason or outcome report → Invalid (422).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from tsunagu.referrals.models import BusinessStatus, ReferralStatus, Side

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

S = ReferralStatus
OPEN_BEFORE_COMPLETION = frozenset({S.DRAFT, S.REQUESTED, S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD})


@dataclass(frozen=True)
class Move:
    action: str
    label: StrOrPromise
    sources: frozenset[str]
    target: str
    side: str
    needs_reason: bool = False
    needs_outcome: bool = False
    # Only for "acknowledge": the status stays, the business status changes.
    business_status: str | None = None
    danger: bool = False
    # When the move happened, in these fields (`stamps`), and in `first_stamps` unless set.
    stamps: tuple[str, ...] = ()
    first_stamps: tuple[str, ...] = ()


MOVES: dict[str, Move] = {
    move.action: move
    for move in (
        Move(
            "request",
            _("依頼を送る"),
            frozenset({S.DRAFT}),
            S.REQUESTED,
            Side.REQUESTER,
            stamps=("requested_at",),
        ),
        Move(
            "acknowledge",
            _("受け付けた（検討中）"),
            frozenset({S.REQUESTED}),
            S.REQUESTED,
            Side.RECEIVER,
            business_status=BusinessStatus.RECEIVED,
            stamps=("acknowledged_at",),
        ),
        Move(
            "accept",
            _("受理する"),
            frozenset({S.REQUESTED}),
            S.ACCEPTED,
            Side.RECEIVER,
            stamps=("decided_at", "accepted_at"),
            first_stamps=("acknowledged_at",),
        ),
        Move(
            "reject",
            _("お断りする"),
            frozenset({S.REQUESTED}),
            S.REJECTED,
            Side.RECEIVER,
            needs_reason=True,
            danger=True,
            stamps=("decided_at",),
            first_stamps=("acknowledged_at",),
        ),
        Move("start", _("対応を始める"), frozenset({S.ACCEPTED}), S.IN_PROGRESS, Side.RECEIVER),
        Move(
            "hold",
            _("保留にする"),
            frozenset({S.IN_PROGRESS}),
            S.ON_HOLD,
            Side.RECEIVER,
            needs_reason=True,
        ),
        Move("resume", _("対応を再開する"), frozenset({S.ON_HOLD}), S.IN_PROGRESS, Side.RECEIVER),
        Move(
            "complete",
            _("完了を報告する"),
            frozenset({S.IN_PROGRESS}),
            S.COMPLETED,
            Side.RECEIVER,
            needs_outcome=True,
            stamps=("completed_at",),
        ),
        Move(
            "fail",
            _("不成立にする"),
            frozenset({S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD}),
            S.FAILED,
            Side.RECEIVER,
            needs_reason=True,
            danger=True,
        ),
        Move(
            "cancel",
            _("依頼を取り下げる"),
            OPEN_BEFORE_COMPLETION,
            S.CANCELLED,
            Side.REQUESTER,
            needs_reason=True,
            danger=True,
        ),
        Move(
            "confirm",
            _("完了報告を確認した（終了）"),
            frozenset({S.COMPLETED}),
            S.CONFIRMED,
            Side.REQUESTER,
            stamps=("confirmed_at",),
        ),
    )
}


def is_allowed(move: Move, status: str, business_status: str) -> bool:
    if status not in move.sources:
        return False
    # Acknowledging twice is not a move.
    return not (move.business_status is not None and business_status == move.business_status)


def moves_for(*, side: str, status: str, business_status: str) -> list[Move]:
    """What this side may do now, in the table's order (for the buttons of a screen)."""
    return [m for m in MOVES.values() if m.side == side and is_allowed(m, status, business_status)]


def move_to(*, status: str, business_status: str, target: str, target_business: str) -> Move | None:
    """The move that brings a referral from where it is to `target` (for the FHIR import)."""
    for move in MOVES.values():
        if move.target != target or status not in move.sources:
            continue
        if move.business_status is not None:
            if target_business == move.business_status and business_status != target_business:
                return move
            continue
        return move
    return None
