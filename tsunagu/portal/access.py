"""Who may do what with the portal.

Two kinds of caller, never mixed (ADR 0024):

- staff (an `Actor`): only the case's lead organization invites, lists and ends portal access
  and answers the person's requests; everyone else gets the same audited 404;
- the person or their supporter (a `PortalActor`): everything they see is derived from their
  own account, never from an id they send, and the account is checked on every request
  (`live_problem`): ended, consent withdrawn or expired, case closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.cases.access import access_object, cases_visible_to
from tsunagu.cases.models import Case, CaseStatus
from tsunagu.core.actor import Actor, Origin
from tsunagu.core.errors import NotFound
from tsunagu.portal import codes
from tsunagu.portal.models import (
    AccountKind,
    AccountStatus,
    PortalAccount,
    PortalRequest,
    PortalSession,
)

IDLE_LIMIT = timedelta(minutes=60)
ABSOLUTE_LIMIT = timedelta(hours=12)
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class PortalActor:
    """The person (or supporter) acting through the portal, and from where."""

    account: PortalAccount
    origin: Origin

    @property
    def username(self) -> str:
        """How the audit log names them: never a staff username."""
        return f"portal:{self.account.portal_id}"

    @property
    def is_person(self) -> bool:
        return self.account.kind == AccountKind.PERSON

    @cached_property
    def person_called(self) -> str:
        """How a supporter's pages name the person whose portal it is (さくらさんの計画, where
        the person's own pages say わたしの計画): the name the counselor gave the person's own
        account, else their given name with さん, else 本人."""
        called = (
            PortalAccount.objects.filter(case_id=self.account.case_id, kind=AccountKind.PERSON)
            .exclude(status=AccountStatus.ENDED)
            .values_list("display_name", flat=True)
            .first()
        )
        if called:
            return called
        given = self.account.person.given_name
        return f"{given}さん" if given else str(_("本人"))


# --- Staff ------------------------------------------------------------------------------------


def portal_cases_of(actor: Actor) -> QuerySet[Case]:
    """Cases whose portal the acting organization runs: those it leads."""
    if actor.organization_id is None:
        return Case.objects.none()
    return cases_visible_to(actor).filter(lead_organization_id=actor.organization_id)


def access_portal_case(actor: Actor, case_id: object, *, for_write: bool = False) -> Case:
    obj = access_object(
        actor,
        portal_cases_of(actor).select_related("person", "lead_organization"),
        case_id,
        for_write=for_write,
    )
    assert isinstance(obj, Case)  # noqa: S101  # narrowing for mypy
    return obj


def accounts_of(actor: Actor) -> QuerySet[PortalAccount]:
    return PortalAccount.objects.filter(case__in=portal_cases_of(actor).values("pk"))


def access_portal_account(
    actor: Actor, account_id: object, *, for_write: bool = False
) -> PortalAccount:
    obj = access_object(
        actor,
        accounts_of(actor).select_related("case", "person"),
        account_id,
        for_write=for_write,
    )
    assert isinstance(obj, PortalAccount)  # noqa: S101
    return obj


def access_portal_request(
    actor: Actor, request_id: object, *, for_write: bool = False
) -> PortalRequest:
    obj = access_object(
        actor,
        PortalRequest.objects.filter(case__in=portal_cases_of(actor).values("pk")).select_related(
            "account", "case"
        ),
        request_id,
        for_write=for_write,
    )
    assert isinstance(obj, PortalRequest)  # noqa: S101
    return obj


# --- The portal side --------------------------------------------------------------------------


def live_problem(account: PortalAccount, *, invited_ok: bool = False) -> str:
    """Why this account may not use the portal now ("" when it may).  `invited_ok`: an
    account whose code is about to be used is not active yet."""
    allowed = (
        {AccountStatus.ACTIVE, AccountStatus.INVITED} if invited_ok else {AccountStatus.ACTIVE}
    )
    if account.status not in allowed:
        return "not active"
    case = account.case
    if case.status == CaseStatus.CLOSED:
        return "case closed"
    if account.kind == AccountKind.SUPPORTER:
        today = timezone.localdate()
        if account.consent_withdrawn_at is not None:
            return "consent withdrawn"
        if account.consent_obtained_on is None or account.consent_obtained_on > today:
            return "no consent"
        if account.consent_expires_on is not None and account.consent_expires_on < today:
            return "consent expired"
    return ""


def session_account(token: str) -> PortalAccount | None:
    """The account of a live portal session, checked now; None for anything else."""
    if not token or len(token) > 100:
        return None
    session = (
        PortalSession.objects.filter(token_hash=codes.token_hash(token), ended_at__isnull=True)
        .select_related("account__case", "account__person")
        .first()
    )
    if session is None:
        return None
    moment = timezone.now()
    account = session.account
    if (
        session.epoch != account.session_epoch
        or moment - session.last_seen_at > IDLE_LIMIT
        or moment - session.created_at > ABSOLUTE_LIMIT
        or live_problem(account)
    ):
        PortalSession.objects.filter(pk=session.pk).update(ended_at=moment)
        return None
    if moment - session.last_seen_at > TOUCH_EVERY:
        PortalSession.objects.filter(pk=session.pk).update(last_seen_at=moment)
    return account


def require_section(portal: PortalActor, section: str) -> None:
    """A section the account may not open answers like a page that does not exist."""
    if not portal.account.may_open(section):
        raise NotFound("見つかりません。")
