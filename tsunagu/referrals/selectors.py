"""Reads of referrals: the inbox and outbox, dashboard counts, one referral's page.

Everything starts from `referrals_visible_to(actor)` (tsunagu/referrals/access.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tsunagu.accounts.models import User
from tsunagu.cases.access import cases_visible_to, visible_case_ids
from tsunagu.cases.closure import ReferredClosure
from tsunagu.cases.models import Case, CaseStatus, DifficultyFactor
from tsunagu.cases.selectors import subject_consents_queryset, subject_person_ids
from tsunagu.core.actor import Actor
from tsunagu.core.dates import to_local_date
from tsunagu.notifications.registry import Shown
from tsunagu.organizations.models import Membership, Organization, SystemRole
from tsunagu.people.models import (
    Consent,
    DisabilityCategory,
    HouseholdConcern,
    Person,
    Sex,
    SupportCategory,
)
from tsunagu.plans.models import PlanItem
from tsunagu.referrals import deadlines
from tsunagu.referrals.access import referrals_visible_to, side_of
from tsunagu.referrals.models import (
    ACCEPTED_STATUSES,
    FINAL_STATUSES,
    BusinessStatus,
    Referral,
    ReferralEscalation,
    ReferralKind,
    ReferralStatus,
    ReferralTransition,
    Side,
)
from tsunagu.referrals.rules import Move, moves_for

INBOX, OUTBOX = "inbox", "outbox"
STATE_OPEN, STATE_ALL, STATE_OVERDUE = "open", "all", "overdue"


def _with_related(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    return referrals.select_related(
        "person",
        "requesting_organization",
        "requesting_worker",
        "receiving_organization",
        "receiving_worker",
    )


def _overdue_q(today: dt.date | None = None) -> Q:
    return Q(
        status=ReferralStatus.REQUESTED,
        business_status=BusinessStatus.NONE,
        requested_at__lt=deadlines.sent_overdue_before(today),
    )


def referrals_listed(actor: Actor) -> QuerySet[Referral]:
    """Every referral the actor may see, as a list shows them: newest first, with whether the
    actor may open each referral's case in the same query (`case_visible`)."""
    visible_case = Case.objects.filter(pk=OuterRef("case_id"), pk__in=visible_case_ids(actor))
    return (
        _with_related(referrals_visible_to(actor))
        .annotate(case_is_visible=Exists(visible_case))
        .order_by("-requested_at", "-created_at", "-pk")
    )


def in_box(actor: Actor, referrals: QuerySet[Referral], box: str) -> QuerySet[Referral]:
    """The acting organization's outbox (it asked) or inbox (it was asked)."""
    if box == OUTBOX:
        return referrals.filter(requesting_organization_id=actor.organization_id)
    return referrals.filter(receiving_organization_id=actor.organization_id)


def counterparts(actor: Actor) -> QuerySet[Organization]:
    """The organizations the acting organization has asked or been asked by, in the referrals
    it may see: the choices of its boxes' 相手の機関 filter.  An office's counterparts, not the
    city's every organization (some 600 at city scale, a list nobody can choose from, and
    the list page's cost grew with the city's size, issue 15)."""
    visible = referrals_visible_to(actor)
    return Organization.objects.filter(
        Q(pk__in=in_box(actor, visible, OUTBOX).values("receiving_organization_id"))
        | Q(pk__in=in_box(actor, visible, INBOX).values("requesting_organization_id"))
    ).order_by("name_kana", "name")


def in_state(referrals: QuerySet[Referral], state: str) -> QuerySet[Referral]:
    if state == STATE_OPEN:
        return referrals.exclude(status__in=FINAL_STATUSES)
    if state == STATE_OVERDUE:
        return referrals.filter(_overdue_q())
    return referrals


def referral_list(
    actor: Actor,
    *,
    box: str = INBOX,
    state: str = STATE_OPEN,
    kind: str = "",
    statuses: list[str] | tuple[str, ...] = (),
) -> QuerySet[Referral]:
    referrals = in_state(in_box(actor, referrals_listed(actor), box), state)
    if kind:
        referrals = referrals.filter(kind=kind)
    if statuses:
        referrals = referrals.filter(status__in=statuses)
    return referrals


def referrals_of_case(actor: Actor, *, case: Case) -> QuerySet[Referral]:
    return _with_related(referrals_visible_to(actor).filter(case=case)).order_by("-pk")


@dataclass(frozen=True)
class Row:
    """One referral as a list shows it: the deadline and what the acting side should do."""

    referral: Referral
    side: str
    subject: str
    requested_on: dt.date | None
    due_on: dt.date | None
    overdue: bool
    needs_action: bool


def subject_label(referral: Referral, side: str | None) -> str:
    """The requester (the lead) sees the name; the receiver sees what the summary shows."""
    if side == Side.REQUESTER and referral.person is not None:
        return referral.person.display_name
    summary = referral.summary or {}
    parts = [str(summary["name"])] if summary.get("name") else [_("（氏名は伏せています）")]
    if summary.get("age") is not None:
        parts.append(_("%(age)s歳") % {"age": summary["age"]})
    if summary.get("sex") in Sex.values:
        parts.append(str(Sex(summary["sex"]).label))
    if summary.get("area"):
        parts.append(str(summary["area"]))
    return " ".join(parts)


NEEDS_ACTION: dict[str, set[str]] = {
    Side.RECEIVER: {ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED},
    Side.REQUESTER: {ReferralStatus.COMPLETED, ReferralStatus.DRAFT},
}


def rows(actor: Actor, referrals: Any, today: dt.date | None = None) -> list[Row]:
    day = today or timezone.localdate()
    out = []
    for referral in referrals:
        side = side_of(actor, referral) or ""
        due_on = (
            deadlines.ack_due_on(referral.requested_at)
            if referral.requested_at is not None and not referral.is_acknowledged
            else None
        )
        out.append(
            Row(
                referral=referral,
                side=side,
                subject=subject_label(referral, side),
                requested_on=to_local_date(referral.requested_at)
                if referral.requested_at
                else None,
                due_on=due_on,
                overdue=due_on is not None and due_on < day,
                needs_action=referral.status in NEEDS_ACTION.get(side, set()),
            )
        )
    return out


# --- Dashboard ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardCounts:
    inbox_new: int  # requested, waiting for the receiver
    inbox_overdue: int  # of those, past the acknowledgement deadline
    inbox_active: int  # accepted / in progress / on hold
    outbox_open: int  # sent and not finished
    outbox_to_confirm: int  # completed, waiting for the requester to confirm
    inbox_needs_action: int  # what the list marks 要対応 (NEEDS_ACTION), for the tabs
    outbox_needs_action: int


# The list behind each count of the home page: which box, which statuses.  The counts and
# the links are made from the same table, so a count is always the number of rows its link
# lists (tested).
_ACTIVE = (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS, ReferralStatus.ON_HOLD)
DASHBOARD_LISTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "inbox_new": (INBOX, (ReferralStatus.REQUESTED,)),
    "inbox_active": (INBOX, _ACTIVE),
    "outbox_open": (OUTBOX, (ReferralStatus.REQUESTED, *_ACTIVE)),
    "outbox_to_confirm": (OUTBOX, (ReferralStatus.COMPLETED,)),
}


def dashboard_links() -> dict[str, str]:
    """The query string of the referral list behind each count (`DASHBOARD_LISTS`)."""
    links = {
        name: urlencode(
            [*([("box", OUTBOX)] if box == OUTBOX else []), ("state", STATE_ALL)]
            + [("status", status) for status in statuses]
        )
        for name, (box, statuses) in DASHBOARD_LISTS.items()
    }
    links["inbox_overdue"] = urlencode({"state": STATE_OVERDUE})
    return links


def dashboard_counts(actor: Actor) -> DashboardCounts | None:
    if actor.organization_id is None:
        return None
    org = actor.organization_id
    inbox = Q(receiving_organization_id=org)
    outbox = Q(requesting_organization_id=org)
    boxes = {INBOX: inbox, OUTBOX: outbox}
    counts = referrals_visible_to(actor).aggregate(
        **{
            name: Count("pk", filter=boxes[box] & Q(status__in=statuses))
            for name, (box, statuses) in DASHBOARD_LISTS.items()
        },
        inbox_overdue=Count("pk", filter=inbox & _overdue_q()),
        inbox_needs_action=Count("pk", filter=inbox & Q(status__in=NEEDS_ACTION[Side.RECEIVER])),
        outbox_needs_action=Count("pk", filter=outbox & Q(status__in=NEEDS_ACTION[Side.REQUESTER])),
    )
    return DashboardCounts(**counts)


def is_manager(actor: Actor) -> bool:
    return actor.membership is not None and actor.membership.role == SystemRole.MANAGER


def open_escalations(actor: Actor) -> list[ReferralEscalation]:
    """For the receiving organization's managers: escalated requests still not received."""
    if not is_manager(actor) or actor.organization_id is None:
        return []
    return list(
        ReferralEscalation.objects.filter(
            organization_id=actor.organization_id,
            referral__in=referrals_visible_to(actor).filter(
                status=ReferralStatus.REQUESTED, business_status=BusinessStatus.NONE
            ),
        )
        .select_related("referral__requesting_organization")
        .order_by("due_on", "pk")[:20]
    )


def dashboard(actor: Actor) -> dict[str, Any]:
    """The context of referrals/partials/dashboard.html (the home page includes it)."""
    return {
        "referral_counts": dashboard_counts(actor),
        "referral_links": dashboard_links(),
        "referral_escalations": open_escalations(actor),
    }


# --- One referral ---------------------------------------------------------------------------


def transitions_of(referral: Referral) -> QuerySet[ReferralTransition]:
    return ReferralTransition.objects.filter(referral=referral).select_related(
        "by", "by_organization"
    )


def moves_available(actor: Actor, referral: Referral) -> list[Move]:
    side = side_of(actor, referral)
    if side is None or not actor.can_write:
        return []
    return moves_for(side=side, status=referral.status, business_status=referral.business_status)


def _labels(values: Any, choices: type[Any]) -> str:
    found = [str(choices(v).label) for v in values or [] if v in choices.values]
    return "、".join(found) or "—"


def summary_items(referral: Referral) -> list[tuple[str, str]]:
    """The summary chosen by the requester, as label/value pairs for the receiver's screen."""
    summary = referral.summary or {}
    items: list[tuple[str, str]] = []
    if "name" in summary:
        items.append((_("氏名"), f"{summary['name']}（{summary.get('kana', '')}）"))
    if "age" in summary:
        age = summary["age"]
        items.append((_("年齢"), _("%(age)s歳") % {"age": age} if age is not None else "—"))
    if "sex" in summary:
        sex = summary["sex"]
        items.append((_("性別"), str(Sex(sex).label) if sex in Sex.values else "—"))
    if "area" in summary:
        items.append((_("住まいの地域"), summary["area"] or "—"))
    if "disability_categories" in summary:
        items.append((_("障害種別"), _labels(summary["disability_categories"], DisabilityCategory)))
        support = summary.get("support_category", "")
        items.append(
            (
                _("障害支援区分"),
                str(SupportCategory(support).label) if support in SupportCategory.values else "—",
            )
        )
    if "household_concerns" in summary:
        items.append((_("世帯の課題"), _labels(summary["household_concerns"], HouseholdConcern)))
    if "difficulty_factors" in summary:
        label = _labels(summary["difficulty_factors"], DifficultyFactor)
        if summary.get("is_complex"):
            label = _("支援困難ケース") + " / " + label
        items.append((_("困難さの要因"), label))
    return items


def case_visible(actor: Actor, referral: Referral) -> bool:
    """May the actor open the referral's case?  Read from `referral_list`'s annotation when the
    referral came from there, so that a list asks once, not once per row."""
    annotated = getattr(referral, "case_is_visible", None)
    if annotated is not None:
        return bool(annotated)
    return cases_visible_to(actor).filter(pk=referral.case_id).exists()


# --- Choices for the forms ------------------------------------------------------------------


def lead_cases(actor: Actor) -> QuerySet[Case]:
    """Open cases the acting organization leads: the cases it may send a referral for."""
    return (
        cases_visible_to(actor)
        .filter(lead_organization_id=actor.organization_id)
        .exclude(status=CaseStatus.CLOSED)
        .select_related("person", "household")
        .order_by("-opened_on", "-pk")
    )


def receiving_organization_choices(actor: Actor) -> QuerySet[Organization]:
    return (
        Organization.objects.active()
        .filter(has_accounts=True)
        .exclude(pk=actor.organization_id or 0)
        .order_by("kind", "name_kana", "name")
    )


def receiving_worker_choices() -> QuerySet[User]:
    """Staff of organizations that sign in; the service checks the organization."""
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.current()
        .filter(organization__has_accounts=True)
        .values("user_id"),
    ).order_by("full_name_kana", "username")


def receiver_staff(referral: Referral) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.current()
        .filter(organization_id=referral.receiving_organization_id)
        .exclude(role=SystemRole.READ_ONLY)
        .values("user_id"),
    ).order_by("full_name_kana", "username")


def subject_people(case: Case) -> QuerySet[Person]:
    return Person.objects.filter(pk__in=subject_person_ids(case)).order_by("kana_normalized")


def subject_consents(case: Case) -> QuerySet[Consent]:
    return subject_consents_queryset(case)


def plan_item_choices(case: Case) -> QuerySet[PlanItem]:
    """Items of the case's support plans (newest version first), to name the receiver's role."""
    return (
        PlanItem.objects.filter(plan__case=case)
        .select_related("plan", "responsible_organization")
        .order_by("-plan__version", "priority", "pk")
    )


# --- For the case closure (tsunagu/cases/services.py) ---------------------------------------


def referred_closure(case: Case) -> ReferredClosure | None:
    """What lets `case` close as referred (`cases.closure`): its accepted referral."""
    referral = accepted_referral_for(case)
    if referral is None:
        return None
    return ReferredClosure(
        reason=_("%(org)sへ%(kind)s（受理済み）")
        % {"org": referral.receiving_organization.name, "kind": referral.get_kind_display()},
        detail={"referral": referral.pk},
    )


def accepted_referral_for(case: Case) -> Referral | None:
    """The case's referral or transfer (紹介・移管) that its receiver has accepted, if any: a
    case may be closed as "referred" only then."""
    return (
        Referral.objects.filter(
            case=case,
            requesting_organization_id=case.lead_organization_id,
            kind__in=[ReferralKind.REFERRAL, ReferralKind.TRANSFER],
            status__in=ACCEPTED_STATUSES,
        )
        .select_related("receiving_organization")
        .order_by("-accepted_at", "-pk")
        .first()
    )


def render_referral_notifications(actor: Actor, ids: Sequence[int]) -> dict[int, Shown]:
    """Notifications about referrals, for a reader whose organization is on either side now.
    The title names the kind and the organizations, never the person: before acceptance the
    receiver may see only the summary the requester chose."""
    referrals = (
        referrals_visible_to(actor)
        .filter(pk__in=ids)
        .select_related("requesting_organization", "receiving_organization")
    )
    return {
        referral.pk: Shown(
            title=_("%(kind)s #%(id)s（%(requester)s → %(receiver)s）")
            % {
                "kind": referral.get_kind_display(),
                "id": referral.pk,
                "requester": referral.requesting_organization.name,
                "receiver": referral.receiving_organization.name,
            },
            url=reverse("referrals:detail", kwargs={"referral_id": referral.pk}),
        )
        for referral in referrals
    }
