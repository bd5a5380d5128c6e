"""Writes of the supervision app: each runs in one transaction and writes its audit row there.

A presented case is linked to a real case only on a basis the system checks when the link is
made (`_lawful_basis`): the session's organizer (the core center, whose worker supervises) is
on the case's team with a basis that holds today, and the presenting office leads the case or
is on its team too.  The advice goes on the case record only when the presenting office asks
for it, through the records app's own service, as the office (`advice_to_case`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.accounts.models import User
from tsunagu.audit import services as audit
from tsunagu.audit.actions import register_action
from tsunagu.audit.models import Action
from tsunagu.cases.access import access_case, active_team_members, cases_visible_to
from tsunagu.cases.models import Case, CaseTeamMember
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Conflict, FieldErrors, Forbidden, Invalid, NotFound
from tsunagu.core.validation import full_clean_fields
from tsunagu.expertise.models import Theme
from tsunagu.organizations.models import Membership, Organization
from tsunagu.records import services as records
from tsunagu.records.models import NoteKind, ProgressNote
from tsunagu.supervision import access
from tsunagu.supervision.models import PresentedCase, SessionKind, SupervisionSession

ACTION_CASE_LINKED = register_action(
    "supervision.case_linked", gettext_lazy("スーパービジョンの提示事例と支援ケースの紐づけ")
)
ACTION_ADVICE = register_action("supervision.advice", gettext_lazy("スーパーバイザーの助言の記録"))
ACTION_ADVICE_ON_CASE = register_action(
    "supervision.advice_on_case", gettext_lazy("スーパービジョンの助言の支援経過記録への記載")
)
ACTION_CARRIED = register_action("supervision.carried", gettext_lazy("提示事例の次回への持ち越し"))
ACTION_FOLLOWED_UP = register_action(
    "supervision.followed_up", gettext_lazy("提示事例のフォローアップ")
)

SESSION_FIELDS = ("kind", "held_on", "place")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _require_organizer(actor: Actor, session: SupervisionSession | None = None) -> None:
    allowed = access.may_organize(actor) if session is None else access.is_organizer(actor, session)
    if not allowed:
        audit.record_denial(
            actor,
            target_type=access.SESSION,
            target_id=session.pk if session is not None else "",
            reason="not the organizer",
        )
        raise Forbidden(
            _("スーパービジョンを記録できるのは開催する基幹相談支援センターの職員です。")
        )


def _check_people(
    organizer: Organization,
    *,
    kind: str,
    supervisor: User,
    offices: list[Organization],
    workers: list[User],
) -> None:
    if not Membership.objects.current().filter(user=supervisor, organization=organizer).exists():
        raise FieldErrors(
            {"supervisor": _("スーパーバイザーは開催する基幹相談支援センターの職員から選びます。")}
        )
    if not offices:
        raise FieldErrors({"offices": _("参加した事業所を選んでください。")})
    wrong = [o for o in offices if o.kind not in access.OFFICE_KINDS or not o.is_active]
    if wrong:
        raise FieldErrors(
            {"offices": _("参加できるのは相談支援事業所と基幹相談支援センターです。")}
        )
    if kind == SessionKind.INDIVIDUAL and len(offices) != 1:
        raise FieldErrors({"offices": _("個別スーパービジョンの参加事業所は1つです。")})
    office_ids = {o.pk for o in offices} | {organizer.pk}
    members = set(
        Membership.objects.current()
        .filter(user__in=workers, organization_id__in=office_ids)
        .values_list("user_id", flat=True)
    )
    if any(w.pk not in members for w in workers):
        raise FieldErrors({"workers": _("参加した職員は、参加した事業所の職員から選びます。")})


@audit.atomic_with_refusals
def session_create(
    actor: Actor,
    *,
    kind: str,
    held_on: dt.date,
    supervisor: User,
    offices: Iterable[Organization],
    workers: Iterable[User] = (),
    place: str = "",
) -> SupervisionSession:
    _require_organizer(actor)
    organizer = actor.organization
    assert organizer is not None  # noqa: S101  # may_organize says so
    offices, workers = list(offices), list(workers)
    _check_people(organizer, kind=kind, supervisor=supervisor, offices=offices, workers=workers)
    session = SupervisionSession(
        kind=kind,
        held_on=held_on,
        place=place.strip(),
        organizer=organizer,
        supervisor=supervisor,
        created_by=actor.user,
    )
    full_clean_fields(session)
    session.save()
    session.offices.set(offices)
    session.workers.set(workers)
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=session,
        detail={
            **{name: _plain(getattr(session, name)) for name in SESSION_FIELDS},
            "supervisor": supervisor.pk,
            "offices": sorted(o.pk for o in offices),
            "workers": sorted(w.pk for w in workers),
        },
    )
    return session


@audit.atomic_with_refusals
def session_update(
    actor: Actor,
    *,
    session: SupervisionSession,
    supervisor: User | None = None,
    offices: Iterable[Organization] | None = None,
    workers: Iterable[User] | None = None,
    **fields: Any,
) -> SupervisionSession:
    _require_organizer(actor, session)
    session = SupervisionSession.objects.select_for_update().get(pk=session.pk)
    before = {
        **{name: _plain(getattr(session, name)) for name in SESSION_FIELDS},
        "supervisor": session.supervisor_id,
        "offices": sorted(session.offices.values_list("pk", flat=True)),
        "workers": sorted(session.workers.values_list("pk", flat=True)),
    }
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise Invalid(_("変更できない項目が含まれています。"))
    for name, value in fields.items():
        setattr(session, name, value.strip() if isinstance(value, str) else value)
    new_offices = list(offices) if offices is not None else list(session.offices.all())
    new_workers = list(workers) if workers is not None else list(session.workers.all())
    new_supervisor = supervisor or session.supervisor
    _check_people(
        session.organizer,
        kind=session.kind,
        supervisor=new_supervisor,
        offices=new_offices,
        workers=new_workers,
    )
    presenting = set(session.items.values_list("presenting_office_id", flat=True))
    if presenting - {o.pk for o in new_offices}:
        raise FieldErrors({"offices": _("事例を提示した事業所は参加した事業所から外せません。")})
    session.supervisor = new_supervisor
    full_clean_fields(session)
    session.save()
    session.offices.set(new_offices)
    session.workers.set(new_workers)
    after = {
        **{name: _plain(getattr(session, name)) for name in SESSION_FIELDS},
        "supervisor": session.supervisor_id,
        "offices": sorted(o.pk for o in new_offices),
        "workers": sorted(w.pk for w in new_workers),
    }
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=session,
        detail={"changed": {k: [before[k], after[k]] for k in after if before[k] != after[k]}},
    )
    return session


def _check_themes(themes: Iterable[str]) -> list[str]:
    chosen = [str(t) for t in themes]
    if any(t not in Theme.values for t in chosen):
        raise FieldErrors({"themes": _("分野は一覧から選んでください。")})
    return sorted(set(chosen), key=chosen.index)


def _lawful_basis(
    actor: Actor, *, session: SupervisionSession, office_id: int, case: Case
) -> CaseTeamMember:
    """The organizer's team row on `case` that makes the link lawful, checked today; else
    Invalid.  The actor must see the case anyway (else the 404 of a case that is not there)."""
    if not cases_visible_to(actor).filter(pk=case.pk).exists():
        audit.record_denial(
            actor, target_type="cases.case", target_id=case.pk, reason="not visible"
        )
        raise NotFound(_("見つかりません。"))
    team = active_team_members().filter(case=case)
    office_on_case = case.lead_organization_id == office_id or (
        team.filter(organization_id=office_id).exists()
    )
    if not office_on_case:
        raise FieldErrors(
            {"case_id": _("提示した事業所が担当していない支援ケースとは紐づけられません。")}
        )
    basis = team.filter(organization_id=session.organizer_id).order_by("-joined_on", "pk").first()
    if basis is None:
        raise FieldErrors(
            {
                "case_id": _(
                    "スーパーバイザーの所属機関が支援チームに加わっていないため、"
                    "実際のケースとは紐づけられません。匿名化した概要で提示してください。"
                )
            }
        )
    return basis


@audit.atomic_with_refusals
def item_create(
    actor: Actor,
    *,
    session: SupervisionSession,
    presenting_office: Organization,
    summary: str,
    themes: Iterable[str] = (),
    question: str = "",
    case: Case | None = None,
) -> PresentedCase:
    """Present a case: de-identified, or linked to `case` on the checked basis."""
    if not access.may_present(actor, session):
        audit.record_denial(
            actor, target_type=access.SESSION, target_id=session.pk, reason="may not present"
        )
        raise Forbidden(_("事例を提示できるのは参加した事業所と開催機関の職員です。"))
    if not access.is_organizer(actor, session) and presenting_office.pk != actor.organization_id:
        raise FieldErrors({"presenting_office": _("提示できるのは自分の事業所の事例です。")})
    if not session.offices.filter(pk=presenting_office.pk).exists():
        raise FieldErrors(
            {"presenting_office": _("提示する事業所は、この回に参加した事業所から選びます。")}
        )
    summary = summary.strip()
    if not summary:
        raise FieldErrors({"summary": _("事例の概要を入力してください。")})
    basis = (
        _lawful_basis(actor, session=session, office_id=presenting_office.pk, case=case)
        if case is not None
        else None
    )
    item = PresentedCase(
        session=session,
        presenting_office=presenting_office,
        presented_by=actor.user if presenting_office.pk == actor.organization_id else None,
        summary=summary,
        themes=_check_themes(themes),
        question=question.strip(),
        case=case,
        basis=basis,
    )
    full_clean_fields(item)
    item.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=item,
        detail={
            "session": session.pk,
            "presenting_office": presenting_office.pk,
            "themes": item.themes,
            "case": case.pk if case is not None else None,
            "basis": basis.pk if basis is not None else None,
        },
    )
    return item


@audit.atomic_with_refusals
def item_link_case(actor: Actor, *, item: PresentedCase, case: Case) -> PresentedCase:
    """Link a presented case to the presenting office's case, on the checked basis."""
    if not (access.is_presenter(actor, item) or access.is_organizer(actor, item.session)):
        audit.record_denial(
            actor, target_type=access.ITEM, target_id=item.pk, reason="may not link"
        )
        raise Forbidden(_("紐づけられるのは事例を提示した事業所と開催機関の職員です。"))
    item = PresentedCase.objects.select_for_update().select_related("session").get(pk=item.pk)
    if item.case_id is not None:
        raise Conflict(_("この提示事例はすでに支援ケースと紐づいています。"))
    basis = _lawful_basis(
        actor, session=item.session, office_id=item.presenting_office_id, case=case
    )
    item.case, item.basis = case, basis
    item.save(update_fields=["case", "basis", "updated_at"])
    audit.record(
        action=ACTION_CASE_LINKED,
        actor=actor,
        target=item,
        detail={"case": case.pk, "basis": basis.pk},
        person_ids=[case.person_id] if case.person_id else [],
    )
    return item


@audit.atomic_with_refusals
def advice_record(
    actor: Actor, *, item: PresentedCase, advice: str, follow_up_point: str | None = None
) -> PresentedCase:
    """The supervisor's advice (the core center records it); never written on a case here."""
    _require_organizer(actor, item.session)
    item = PresentedCase.objects.select_for_update().get(pk=item.pk)
    advice = advice.strip()
    if not advice:
        raise FieldErrors({"advice": _("助言を入力してください。")})
    before = {"advice": item.advice, "follow_up_point": item.follow_up_point}
    item.advice = advice
    item.advice_by = actor.user
    item.advice_recorded_at = timezone.now()
    if follow_up_point is not None:
        item.follow_up_point = follow_up_point.strip()
    full_clean_fields(item)
    item.save(
        update_fields=[
            "advice",
            "advice_by",
            "advice_recorded_at",
            "follow_up_point",
            "updated_at",
        ]
    )
    after = {"advice": item.advice, "follow_up_point": item.follow_up_point}
    audit.record(
        action=ACTION_ADVICE,
        actor=actor,
        target=item,
        detail={"changed": {k: [before[k], after[k]] for k in after if before[k] != after[k]}},
    )
    return item


def _note_moment(held_on: dt.date) -> dt.datetime:
    moment = timezone.make_aware(dt.datetime.combine(held_on, dt.time(12, 0)))
    return min(moment, timezone.now())


def advice_note_text(item: PresentedCase) -> str:
    session = item.session
    supervisor = session.supervisor
    return _("%(kind)s（%(day)s、%(org)s）でのスーパーバイザー %(name)s の助言:\n%(advice)s") % {
        "kind": session.get_kind_display(),
        "day": session.held_on.isoformat(),
        "org": session.organizer.name,
        "name": supervisor.full_name,
        "advice": item.advice,
    }


@audit.atomic_with_refusals
def advice_to_case(actor: Actor, *, item: PresentedCase, case: Case | None = None) -> ProgressNote:
    """The presenting office chooses to write the advice on its case record: a progress note
    by the office itself (`records.services.note_create`, audited there), on the linked case,
    or on a case of its own for a de-identified item (which stays unlinked)."""
    if not access.is_presenter(actor, item):
        audit.record_denial(
            actor, target_type=access.ITEM, target_id=item.pk, reason="not the presenter"
        )
        raise Forbidden(_("支援経過記録に残せるのは事例を提示した事業所の職員です。"))
    item = (
        PresentedCase.objects.select_for_update()
        .select_related("session", "session__organizer", "session__supervisor")
        .get(pk=item.pk)
    )
    if not item.advice:
        raise Invalid(_("助言がまだ記録されていません。"))
    if item.advice_on_case_at is not None:
        raise Conflict(_("この助言はすでに支援経過記録に残しています。"))
    target_id = item.case_id if item.case_id is not None else (case.pk if case else None)
    if target_id is None:
        raise FieldErrors({"case_id": _("記録する支援ケースを選んでください。")})
    if item.case_id is not None and case is not None and case.pk != item.case_id:
        raise FieldErrors({"case_id": _("紐づけた支援ケースに記録します。")})
    writable = access_case(actor, target_id, for_write=True)
    note = records.note_create(
        actor,
        case=writable,
        data={
            "kind": NoteKind.OTHER,
            "occurred_at": _note_moment(item.session.held_on),
            "participants": item.session.supervisor.full_name,
            "text": advice_note_text(item),
        },
    )
    item.advice_on_case_at = timezone.now()
    item.save(update_fields=["advice_on_case_at", "updated_at"])
    audit.record(action=ACTION_ADVICE_ON_CASE, actor=actor, target=item, detail={"note": note.pk})
    return note


@audit.atomic_with_refusals
def item_carry(
    actor: Actor,
    *,
    item: PresentedCase,
    to_session: SupervisionSession,
    follow_up_point: str = "",
) -> PresentedCase:
    """Carry the item to a later session of the same organizer that the office attends: a new
    item there, to be marked followed up.  The link to a case goes along only while its basis
    still holds."""
    if not access.may_follow_up(actor, item):
        audit.record_denial(
            actor, target_type=access.ITEM, target_id=item.pk, reason="may not carry"
        )
        raise Forbidden(_("持ち越せるのは事例を提示した事業所と開催機関の職員です。"))
    item = PresentedCase.objects.select_for_update().select_related("session").get(pk=item.pk)
    if PresentedCase.objects.filter(carried_from=item).exists():
        raise Conflict(_("この事例はすでに次回に持ち越しています。"))
    if (
        to_session.organizer_id != item.session.organizer_id
        or to_session.held_on < item.session.held_on
        or to_session.pk == item.session_id
    ):
        raise FieldErrors({"session_id": _("持ち越し先は、この回より後の回を選びます。")})
    if not to_session.offices.filter(pk=item.presenting_office_id).exists():
        raise FieldErrors(
            {"session_id": _("持ち越し先の回に、事例を提示した事業所が参加していません。")}
        )
    basis = None
    if item.case_id is not None:
        basis = (
            active_team_members()
            .filter(case_id=item.case_id, organization_id=to_session.organizer_id)
            .first()
        )
    point = follow_up_point.strip() or item.follow_up_point
    carried = PresentedCase(
        session=to_session,
        presenting_office_id=item.presenting_office_id,
        presented_by=item.presented_by,
        summary=item.summary,
        themes=list(item.themes),
        question=item.question,
        case_id=item.case_id if basis is not None else None,
        basis=basis,
        follow_up_point=point,
        carried_from=item,
    )
    full_clean_fields(carried)
    carried.save()
    if point != item.follow_up_point:
        item.follow_up_point = point
        item.save(update_fields=["follow_up_point", "updated_at"])
    audit.record(
        action=ACTION_CARRIED,
        actor=actor,
        target=carried,
        detail={"from": item.pk, "session": to_session.pk, "linked": basis is not None},
    )
    return carried


@audit.atomic_with_refusals
def item_follow_up(actor: Actor, *, item: PresentedCase, result: str) -> PresentedCase:
    """Mark a carried item followed up at its session, with what was found."""
    if not access.may_follow_up(actor, item):
        audit.record_denial(
            actor, target_type=access.ITEM, target_id=item.pk, reason="may not follow up"
        )
        raise Forbidden(
            _("フォローアップを記録できるのは事例を提示した事業所と開催機関の職員です。")
        )
    item = PresentedCase.objects.select_for_update().get(pk=item.pk)
    if item.carried_from_id is None:
        raise Invalid(_("前回から持ち越した事例だけがフォローアップの対象です。"))
    result = result.strip()
    if not result:
        raise FieldErrors({"result": _("フォローアップの結果を入力してください。")})
    was = item.follow_up_result
    item.follow_up_result = result
    item.followed_up_at = item.followed_up_at or timezone.now()
    full_clean_fields(item)
    item.save(update_fields=["follow_up_result", "followed_up_at", "updated_at"])
    audit.record(
        action=ACTION_FOLLOWED_UP,
        actor=actor,
        target=item,
        detail={"from": item.carried_from_id, "changed": [was, result] if was != result else []},
    )
    return item
