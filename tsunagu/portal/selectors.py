"""Reads of the portal: what the person sees (derived from their own account, never from an
id they send) and what staff see of the portal of the cases they lead."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from tsunagu.audit.models import AuditEvent, Outcome
from tsunagu.cases.access import cases_visible_to
from tsunagu.cases.models import Case
from tsunagu.cases.selectors import person_access_events
from tsunagu.core.actor import Actor
from tsunagu.notifications.registry import Shown
from tsunagu.organizations.models import JobTitle, Membership
from tsunagu.people.models import Consent, ConsentPurpose
from tsunagu.plans.models import Monitoring
from tsunagu.plans.voices import Voice
from tsunagu.portal.access import PortalActor, portal_cases_of
from tsunagu.portal.models import (
    AccountKind,
    AccountStatus,
    CheckIn,
    Mood,
    PortalAccount,
    PortalRequest,
)
from tsunagu.portal.services import QUESTIONS

ACCESS_ROWS = 100


@dataclass(frozen=True)
class AccessRow:
    event_id: int
    at: dt.datetime
    organization: str
    role: str
    what: str


def _what(event: AuditEvent) -> str:
    if event.action.startswith("record.listed"):
        return _("一覧や検索に名前が出ました")
    if event.action.startswith(("record.created", "record.updated", "case.")):
        return _("記録を書きました・なおしました")
    return _("記録を見ました")


def access_events_of(portal: PortalActor) -> QuerySet[AuditEvent]:
    """Staff reads and writes of the person's record (the person's own portal rows, failed
    attempts and system jobs left out): organization and role, never a staff name."""
    return (
        person_access_events(portal.account.person_id)
        .filter(outcome=Outcome.SUCCESS, organization__isnull=False, actor__isnull=False)
        .order_by("-at", "-pk")
    )


def access_rows(portal: PortalActor) -> list[AccessRow]:
    events = list(access_events_of(portal).select_related("organization")[:ACCESS_ROWS])
    pairs = {(e.actor_id, e.organization_id) for e in events}
    titles: dict[tuple[int | None, int | None], str] = {}
    if pairs:
        for m in Membership.objects.filter(
            user_id__in={p[0] for p in pairs}, organization_id__in={p[1] for p in pairs}
        ):
            titles[(m.user_id, m.organization_id)] = str(JobTitle(m.job_title).label)
    return [
        AccessRow(
            event_id=e.pk,
            at=e.at,
            organization=e.organization.name if e.organization else "",
            role=titles.get((e.actor_id, e.organization_id), _("職員")),
            what=_what(e),
        )
        for e in events
    ]


def access_event_of(portal: PortalActor, event_id: object) -> AccessRow | None:
    """One row of the person's own access list, or None (another person's, or none)."""
    try:
        pk = int(str(event_id))
    except ValueError:
        return None
    if not 0 < pk < 2**63:
        return None
    for row in access_rows(portal):
        if row.event_id == pk:
            return row
    return None


@dataclass(frozen=True)
class ConsentRow:
    consent_id: int
    to: list[str]
    purposes: list[str]
    obtained_on: dt.date
    expires_on: dt.date | None
    valid: bool


def consents_of(portal: PortalActor, *, today: dt.date) -> list[ConsentRow]:
    labels = dict(ConsentPurpose.choices)
    rows = []
    for consent in (
        Consent.objects.filter(person_id=portal.account.person_id)
        .prefetch_related("organizations")
        .order_by("-obtained_on", "-pk")
    ):
        rows.append(
            ConsentRow(
                consent_id=consent.pk,
                to=[o.name for o in consent.organizations.all()],
                purposes=[str(labels.get(p, p)) for p in consent.purposes],
                obtained_on=consent.obtained_on,
                expires_on=consent.expires_on,
                valid=consent.is_valid_on(today),
            )
        )
    return rows


def consent_of(portal: PortalActor, consent_id: object) -> int | None:
    try:
        pk = int(str(consent_id))
    except ValueError:
        return None
    if not 0 < pk < 2**63:
        return None
    return (
        Consent.objects.filter(person_id=portal.account.person_id, pk=pk)
        .values_list("pk", flat=True)
        .first()
    )


def supporters_of(portal: PortalActor) -> QuerySet[PortalAccount]:
    """The supporters of the person's case (the person's own portal only)."""
    return PortalAccount.objects.filter(
        case_id=portal.account.case_id, kind=AccountKind.SUPPORTER
    ).exclude(status=AccountStatus.ENDED)


def supporter_of(portal: PortalActor, account_id: object) -> PortalAccount | None:
    if portal.account.kind != AccountKind.PERSON:
        return None
    try:
        pk = int(str(account_id))
    except ValueError:
        return None
    if not 0 < pk < 2**63:
        return None
    return supporters_of(portal).filter(pk=pk).first()


def own_checkins(portal: PortalActor) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(account=portal.account).order_by("-created_at", "-pk")


# --- Staff ------------------------------------------------------------------------------------


def case_accounts(case: Case) -> QuerySet[PortalAccount]:
    return PortalAccount.objects.filter(case=case).order_by("kind", "pk")


def case_requests(case: Case) -> QuerySet[PortalRequest]:
    return PortalRequest.objects.filter(case=case).select_related("account")


def case_checkins(case: Case) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(case=case).select_related("account")[:20]


def render_checkin_notifications(actor: Actor, ids: Sequence[int]) -> dict[int, Shown]:
    rows = CheckIn.objects.filter(
        pk__in=ids, case__in=cases_visible_to(actor).values("pk")
    ).select_related("case__person", "case__household")
    return {
        c.pk: Shown(
            title=_("「どう？」の答え（%(case)s）") % {"case": c.case},
            url=reverse("records:case_notes", kwargs={"case_id": c.case_id}) + f"#note-{c.note_id}",
            person_ids=(c.case.person_id,) if c.case.person_id else (),
        )
        for c in rows
    }


def render_request_notifications(actor: Actor, ids: Sequence[int]) -> dict[int, Shown]:
    rows = PortalRequest.objects.filter(
        pk__in=ids, case__in=portal_cases_of(actor).values("pk")
    ).select_related("case__person", "case__household")
    return {
        r.pk: Shown(
            title=_("ポータルからの%(kind)s（%(case)s）")
            % {"kind": r.get_kind_display(), "case": r.case},
            url=reverse("portal_staff:case", kwargs={"case_id": r.case_id}),
            person_ids=(r.case.person_id,) if r.case.person_id else (),
        )
        for r in rows
    }


def monitoring_voices(monitoring: Monitoring) -> list[Voice]:
    voices = []
    checkins = (
        CheckIn.objects.filter(monitoring=monitoring)
        .select_related("account")
        .prefetch_related("note__attachments")
    )
    for c in checkins:
        who = _("本人") if c.account.kind == AccountKind.PERSON else c.account.relationship
        lines = tuple(
            (_(label), getattr(c, name)) for name, label in QUESTIONS.items() if getattr(c, name)
        )
        if c.note is not None and any(a.is_audio for a in c.note.attachments.all()):
            # The recording itself is played from the case's timeline (audited there).
            lines += ((_("声のメッセージ"), _("あり（支援経過記録の、この日の記録で聞けます）")),)
        voices.append(Voice(at=c.created_at, mood=str(Mood(c.mood).label), lines=lines, by=who))
    return voices
