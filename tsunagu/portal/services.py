"""Writes of the portal: staff invite and end access and answer requests (taking an `Actor`);
the person signs in, answers どう？ and asks the team (taking a `PortalActor`).  Each write
leaves its audit row in its own transaction (ADR 0024)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.accounts.passkeys import (
    Assertion,
    PasskeyError,
    authentication_verify,
    to_base64url,
    user_handle,
    user_handle_of,
)
from tsunagu.audit import services as audit
from tsunagu.audit.actions import register_action
from tsunagu.audit.models import Outcome
from tsunagu.cases.models import Case, CaseStatus
from tsunagu.core.actor import Actor, Origin
from tsunagu.core.errors import FieldErrors, Invalid
from tsunagu.notifications.models import NotificationKind
from tsunagu.notifications.services import notify, organization_staff
from tsunagu.plans.models import Monitoring, MonitoringStatus
from tsunagu.portal import codes
from tsunagu.portal.access import PortalActor, live_problem, require_section
from tsunagu.portal.models import (
    AccountKind,
    AccountStatus,
    Channel,
    CheckIn,
    EndReason,
    Mood,
    PortalAccount,
    PortalInvitation,
    PortalPasskey,
    PortalRequest,
    PortalSession,
    RequestKind,
    Rhythm,
    Section,
)
from tsunagu.records import services as records_services
from tsunagu.records.models import NoteAttachment, NoteKind, ProgressNote

INVITED = register_action("portal.invited", "ポータルへの招待（コード発行）")
CODE_FAILED = register_action("portal.code_failed", "ポータルのコードの誤り")
THROTTLED = register_action("portal.throttled", "ポータルのサインインの待機")
SIGNED_IN = register_action("portal.signed_in", "ポータルへのサインイン")
SIGN_IN_FAILED = register_action("portal.sign_in_failed", "ポータルのサインイン失敗")
SIGNED_OUT = register_action("portal.signed_out", "ポータルからのサインアウト")
ENDED = register_action("portal.ended", "ポータルの利用の終了")
VIEWED = register_action("portal.viewed", "ポータルでの閲覧")
CHECKIN = register_action("portal.checkin", "どう？の回答")
REQUESTED = register_action("portal.requested", "ポータルからの問い合わせ")
ANSWERED = register_action("portal.request_answered", "ポータルの問い合わせへの対応")
SETTINGS = register_action("portal.settings", "ポータルの設定の変更")

WRONG_CODE = "コードがちがうか、つかえなくなっています。相談員にたずねてください。"

if TYPE_CHECKING:
    from webauthn.registration.verify_registration_response import VerifiedRegistration


class Throttled(Invalid):
    pass


def _wait_message(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return _("まちがいが続いたため、%(m)d分ほど待ってから、もう一度ためしてください。") % {
        "m": minutes
    }


# --- Staff: invitations -----------------------------------------------------------------------


def _deliver(invitation: PortalInvitation, code: str, origin: Origin) -> None:
    """Paper and SMS are handed over or sent by the office (the channel is recorded); e-mail
    is sent only where the city configured a real mail backend."""
    if invitation.channel != Channel.EMAIL or not invitation.destination:
        return
    if settings.EMAIL_BACKEND.endswith(("console.EmailBackend", "dummy.EmailBackend")):
        return
    body = _(
        "つなぐ 本人ポータルへの招待コードです。\n\nコード: %(code)s\n期限: %(until)s\n\n"
        "コードは一度だけ使えます。心あたりがないときは、このメールを消してください。"
    ) % {
        "code": codes.grouped(code),
        "until": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d %H:%M"),
    }
    destination = invitation.destination
    pk = invitation.pk

    def send() -> None:
        send_mail(_("つなぐ 本人ポータルへの招待"), body, None, [destination])
        PortalInvitation.objects.filter(pk=pk).update(sent_at=timezone.now())

    transaction.on_commit(send)


def _issue_code(
    actor: Actor, account: PortalAccount, *, channel: str, destination: str
) -> tuple[PortalInvitation, str]:
    if channel not in Channel.values:
        raise Invalid(_("渡し方を選んでください。"))
    if channel in (Channel.SMS, Channel.EMAIL) and not destination.strip():
        raise FieldErrors(
            {"destination": _("送り先（電話番号かメールアドレス）を入れてください。")}
        )
    moment = timezone.now()
    PortalInvitation.objects.filter(
        account=account, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=moment)
    code = codes.new_code()
    invitation = PortalInvitation.objects.create(
        account=account,
        prefix=code[:4],
        code_hash=codes.code_hash(code),
        channel=channel,
        destination=destination.strip()[:254],
        created_by=actor.user,
        expires_at=moment + codes.CODE_LIFETIME,
    )
    audit.record(
        action=INVITED,
        actor=actor,
        target=account,
        detail={"case": account.case_id, "kind": account.kind, "channel": channel},
        person_ids=[account.person_id],
    )
    _deliver(invitation, code, actor.origin)
    return invitation, code


def _unique_portal_id() -> str:
    while True:
        candidate = codes.new_portal_id()
        if not PortalAccount.objects.filter(portal_id=candidate).exists():
            return candidate


@audit.atomic_with_refusals
def portal_invite(
    actor: Actor,
    *,
    case: Case,
    kind: str,
    display_name: str,
    relationship: str = "",
    sections: list[str] | None = None,
    consent_obtained_on: dt.date | None = None,
    consent_method: str = "",
    consent_expires_on: dt.date | None = None,
    channel: str,
    destination: str = "",
) -> tuple[PortalAccount, PortalInvitation, str]:
    """A portal account for the person or, on the person's recorded consent, a supporter, and
    its first one-time code (returned once, never stored)."""
    if case.status == CaseStatus.CLOSED or case.person_id is None:
        raise Invalid(_("本人のいる、終結していないケースだけ招待できます。"))
    if kind not in AccountKind.values:
        raise FieldErrors({"kind": _("だれを招待するか選んでください。")})
    if not display_name.strip():
        raise FieldErrors({"display_name": _("呼び方を入れてください。")})
    chosen = [s for s in (sections or []) if s in Section.values]
    if kind == AccountKind.PERSON:
        if (
            PortalAccount.objects.filter(case=case, kind=AccountKind.PERSON)
            .exclude(status=AccountStatus.ENDED)
            .exists()
        ):
            raise Invalid(
                _(
                    "本人はもう招待されています。コードをなくしたときは、新しいコードを出してください。"
                )
            )
        chosen = list(Section.values)
        consent_obtained_on = consent_expires_on = None
        consent_method = ""
    else:
        errors: dict[str, str] = {}
        if consent_obtained_on is None:
            errors["consent_obtained_on"] = _("本人が同意した日を入れてください。")
        elif consent_obtained_on > timezone.localdate():
            errors["consent_obtained_on"] = _("同意の日は今日までの日にしてください。")
        if not chosen:
            errors["sections"] = _("本人が見せてよいとしたものを1つ以上選んでください。")
        if (
            consent_expires_on is not None
            and consent_obtained_on is not None
            and consent_expires_on < consent_obtained_on
        ):
            errors["consent_expires_on"] = _("期限は同意の日より後にしてください。")
        if not relationship.strip():
            errors["relationship"] = _("本人との関係を入れてください。")
        if errors:
            raise FieldErrors(errors)
    assert actor.organization is not None  # noqa: S101  # portal_cases_of: a lead organization
    account = PortalAccount(
        case=case,
        person_id=case.person_id,
        kind=kind,
        display_name=display_name.strip()[:60],
        relationship=relationship.strip()[:40],
        sections=chosen,
        portal_id=_unique_portal_id(),
        consent_obtained_on=consent_obtained_on,
        consent_method=consent_method.strip()[:40],
        consent_expires_on=consent_expires_on,
        invited_by=actor.user,
        invited_by_organization=actor.organization,
    )
    account.full_clean(exclude=["case", "person", "invited_by", "invited_by_organization"])
    account.save()
    invitation, code = _issue_code(actor, account, channel=channel, destination=destination)
    return account, invitation, code


@audit.atomic_with_refusals
def portal_code_issue(
    actor: Actor, *, account: PortalAccount, channel: str, destination: str = ""
) -> tuple[PortalInvitation, str]:
    """A new code (the old unused ones stop working): the code was lost, expired, or the
    passphrase forgotten.  Redeeming it sets a new passphrase and ends the old sessions."""
    if account.status == AccountStatus.ENDED:
        raise Invalid(_("終了した利用者にはコードを出せません。新しく招待してください。"))
    if account.case.status == CaseStatus.CLOSED:
        raise Invalid(_("終結したケースにはコードを出せません。"))
    return _issue_code(actor, account, channel=channel, destination=destination)


def _end(account: PortalAccount, reason: str) -> None:
    moment = timezone.now()
    PortalAccount.objects.filter(pk=account.pk).update(
        status=AccountStatus.ENDED,
        ended_at=moment,
        end_reason=reason,
        session_epoch=F("session_epoch") + 1,
        **({"consent_withdrawn_at": moment} if reason == EndReason.CONSENT_WITHDRAWN else {}),
    )
    PortalSession.objects.filter(account=account, ended_at__isnull=True).update(ended_at=moment)
    PortalInvitation.objects.filter(account=account, used_at__isnull=True).update(revoked_at=moment)
    account.refresh_from_db()


@audit.atomic_with_refusals
def portal_account_end(actor: Actor, *, account: PortalAccount, reason: str = "") -> PortalAccount:
    if account.status == AccountStatus.ENDED:
        return account
    end_reason = (
        EndReason.CONSENT_WITHDRAWN
        if reason == EndReason.CONSENT_WITHDRAWN and account.kind == AccountKind.SUPPORTER
        else EndReason.COUNSELOR
    )
    _end(account, end_reason)
    audit.record(
        action=ENDED,
        actor=actor,
        target=account,
        detail={"reason": end_reason, "case": account.case_id},
        person_ids=[account.person_id],
    )
    return account


@audit.atomic_with_refusals
def portal_request_answer(actor: Actor, *, request: PortalRequest) -> PortalRequest:
    if request.answered_at is None:
        request.answered_at = timezone.now()
        request.answered_by = actor.user
        request.save(update_fields=["answered_at", "answered_by"])
        audit.record(action=ANSWERED, actor=actor, target=request, detail={"case": request.case_id})
    return request


# --- The portal: codes and sign-in ------------------------------------------------------------


def _record(
    portal: PortalActor | None,
    *,
    action: str,
    origin: Origin,
    target: Any = None,
    outcome: str = Outcome.SUCCESS,
    detail: dict[str, Any] | None = None,
    username: str = "",
) -> None:
    audit.record(
        action=action,
        origin=origin,
        actor_username=portal.username if portal is not None else username,
        target=target,
        outcome=outcome,
        detail=detail or {},
    )


def _code_keys(typed: str, origin: Origin) -> list[str]:
    keys = [f"ip:{origin.ip_address or 'unknown'}"]
    if len(typed) >= 4:
        keys.append(f"code:{typed[:4]}")
    return keys


def invitation_check(raw_code: str, *, origin: Origin) -> PortalInvitation:
    """The invitation a typed code opens, or Invalid (one message for every reason: wrong,
    used, expired, ended), throttled per code prefix and per address."""
    typed = codes.normalize(raw_code)
    keys = _code_keys(typed, origin)
    wait = codes.wait_seconds(keys)
    if wait:
        _record(
            None,
            action=THROTTLED,
            origin=origin,
            outcome=Outcome.DENIED,
            detail={"keys": [k.split(":")[0] for k in keys]},
            username="portal:?",
        )
        raise Throttled(_wait_message(wait))
    invitation = (
        PortalInvitation.objects.filter(prefix=typed[:4], code_hash=codes.code_hash(typed))
        .select_related("account__case")
        .first()
        if len(typed) == codes.CODE_LENGTH
        else None
    )
    usable = (
        invitation is not None
        and invitation.used_at is None
        and invitation.revoked_at is None
        and invitation.expires_at > codes.now()
        and live_problem(invitation.account, invited_ok=True) == ""
    )
    if not usable:
        codes.failed(keys)
        _record(
            None,
            action=CODE_FAILED,
            origin=origin,
            outcome=Outcome.DENIED,
            detail={"prefix": typed[:4]},
            username="portal:?",
        )
        raise Invalid(_(WRONG_CODE))
    assert invitation is not None  # noqa: S101  # usable
    return invitation


def passphrase_problems(account: PortalAccount, passphrase: str, again: str) -> dict[str, str]:
    if passphrase != again:
        return {"again": _("2つのあいことばが同じになるように入れてください。")}
    person = account.person
    who = SimpleNamespace(
        username=account.portal_id,
        full_name=f"{person.family_name}{person.given_name}",
        full_name_kana=f"{person.family_name_kana}{person.given_name_kana}",
        email="",
        pk=None,
    )
    try:
        # The validators read only these attributes: the portal account is no `User`.
        validate_password(passphrase, user=who)  # type: ignore[arg-type]
    except ValidationError as exc:
        return {"passphrase": " ".join(exc.messages)}
    return {}


def _start_session(account: PortalAccount) -> str:
    token = codes.new_token()
    PortalSession.objects.create(
        account=account, token_hash=codes.token_hash(token), epoch=account.session_epoch
    )
    return token


@audit.atomic_with_refusals
def invitation_redeem(
    raw_code: str, *, passphrase: str, again: str, origin: Origin
) -> tuple[PortalAccount, str]:
    """Use the code once: set the passphrase, make the account active, sign in.  Returns the
    account and the session token for the cookie."""
    invitation = invitation_check(raw_code, origin=origin)
    account = invitation.account
    problems = passphrase_problems(account, passphrase, again)
    if problems:
        raise FieldErrors(problems)
    moment = timezone.now()
    taken = PortalInvitation.objects.filter(
        pk=invitation.pk, used_at__isnull=True, revoked_at__isnull=True
    ).update(used_at=moment)
    if taken != 1:  # used by a concurrent request a moment ago
        raise Invalid(_(WRONG_CODE))
    PortalAccount.objects.filter(pk=account.pk).update(
        password=make_password(passphrase),
        status=AccountStatus.ACTIVE,
        session_epoch=F("session_epoch") + 1,
    )
    account.refresh_from_db()
    codes.succeeded(_code_keys(codes.normalize(raw_code), origin))
    portal = PortalActor(account=account, origin=origin)
    _record(portal, action=SIGNED_IN, origin=origin, target=account, detail={"by": "code"})
    return account, _start_session(account)


SIGN_IN_FAILED_MESSAGE = "ポータル番号か、あいことばがちがいます。"


def sign_in(portal_id: str, passphrase: str, *, origin: Origin) -> tuple[PortalAccount, str]:
    typed = codes.normalize(portal_id)
    keys = [f"ip:{origin.ip_address or 'unknown'}", f"id:{typed[:20]}"]
    wait = codes.wait_seconds(keys)
    if wait:
        _record(
            None,
            action=THROTTLED,
            origin=origin,
            outcome=Outcome.DENIED,
            detail={"keys": ["ip", "id"]},
            username=f"portal:{typed[:20]}",
        )
        raise Throttled(_wait_message(wait))
    account = (
        PortalAccount.objects.filter(portal_id=typed).select_related("case", "person").first()
        if typed
        else None
    )
    # The hash is checked even without an account, so the time taken tells nothing.
    ok = check_password(passphrase, account.password if account and account.password else None)  # type: ignore[arg-type]  # None: hashes a dummy
    if account is None or not ok or live_problem(account):
        codes.failed(keys)
        _record(
            None,
            action=SIGN_IN_FAILED,
            origin=origin,
            outcome=Outcome.DENIED,
            username=f"portal:{typed[:20]}",
        )
        raise Invalid(_(SIGN_IN_FAILED_MESSAGE))
    codes.succeeded(keys)
    portal = PortalActor(account=account, origin=origin)
    _record(portal, action=SIGNED_IN, origin=origin, target=account, detail={"by": "passphrase"})
    return account, _start_session(account)


def sign_out(portal: PortalActor, token: str) -> None:
    PortalSession.objects.filter(token_hash=codes.token_hash(token)).update(ended_at=timezone.now())
    _record(portal, action=SIGNED_OUT, origin=portal.origin, target=portal.account)


# --- The portal: what the person does ---------------------------------------------------------


def record_view(portal: PortalActor, *, page: str, detail: dict[str, Any] | None = None) -> None:
    _record(
        portal,
        action=VIEWED,
        origin=portal.origin,
        target=portal.account,
        detail={"page": page, **(detail or {})},
    )


@audit.atomic_with_refusals
def portal_end_own(portal: PortalActor) -> None:
    """The person (or supporter) ends their own access."""
    _end(portal.account, EndReason.PERSON)
    _record(
        portal,
        action=ENDED,
        origin=portal.origin,
        target=portal.account,
        detail={"reason": EndReason.PERSON},
    )


@audit.atomic_with_refusals
def supporter_end(portal: PortalActor, *, supporter: PortalAccount) -> None:
    """The person withdraws their consent: the supporter's access ends at once."""
    _end(supporter, EndReason.CONSENT_WITHDRAWN)
    _record(
        portal,
        action=ENDED,
        origin=portal.origin,
        target=supporter,
        detail={"reason": EndReason.CONSENT_WITHDRAWN},
    )
    # The counselor hears of it as a request already done by the person.
    portal_request_send(
        portal,
        kind=RequestKind.CONSENT_CHANGE,
        text=_("%(name)s（%(rel)s）が見られるのを、本人が終わりにしました。")
        % {"name": supporter.display_name, "rel": supporter.relationship},
    )


@audit.atomic_with_refusals
def rhythm_set(portal: PortalActor, *, rhythm: str) -> PortalAccount:
    if rhythm not in Rhythm.values:
        raise Invalid(_("えらんでください。"))
    account = portal.account
    account.rhythm = rhythm
    account.save(update_fields=["rhythm", "updated_at"])
    _record(
        portal, action=SETTINGS, origin=portal.origin, target=account, detail={"rhythm": rhythm}
    )
    return account


def _counselors(case: Case) -> list[Any]:
    """Who hears from the portal: the lead worker, else everyone of the lead organization."""
    if case.lead_worker_id is not None:
        return [case.lead_worker]
    return list(organization_staff(case.lead_organization_id))


def _tell_team(portal: PortalActor, *, target: Any, kind: str) -> None:
    notify(recipients=_counselors(portal.account.case), kind=kind, target=target)


def next_monitoring(case: Case) -> Monitoring | None:
    return (
        Monitoring.objects.filter(plan__case=case, status=MonitoringStatus.SCHEDULED)
        .order_by("due_on", "pk")
        .first()
    )


QUESTIONS = {
    "better": "よくなったこと",
    "hard": "こまっていること",
    "to_team": "チームに伝えたいこと",
}


@audit.atomic_with_refusals
def checkin_submit(
    portal: PortalActor,
    *,
    mood: str,
    better: str = "",
    hard: str = "",
    to_team: str = "",
    voice: UploadedFile | None = None,
) -> CheckIn:
    """The person's どう？: on the case timeline as their own entry (a note of kind
    person_voice, no staff author), flagged to the counselor, fed to the next monitoring.
    A voice note (`voice`) is kept as the note's attachment, in the records' private storage,
    encrypted, served only through the records' audited download."""
    account = portal.account
    require_section(portal, Section.CHECKIN)  # a supporter only where the person allowed it
    if mood not in Mood.values:
        raise FieldErrors({"mood": _("どれか1つをえらんでください。")})
    texts = {"better": better.strip(), "hard": hard.strip(), "to_team": to_team.strip()}
    for name, value in texts.items():
        if len(value) > 2000:
            raise FieldErrors({name: _("2000文字までにしてください。")})
    checked = None
    if voice is not None:
        try:
            checked = records_services.voice_note_check(voice)
        except Invalid as exc:
            raise FieldErrors({"voice": exc.message}) from None
    case = account.case
    who = _("本人") if account.kind == AccountKind.PERSON else account.relationship
    lines = [f"{_('どう？')}: {Mood(mood).label}"]
    lines += [f"{_(QUESTIONS[k])}: {v}" for k, v in texts.items() if v]
    if checked is not None:
        lines.append(f"{_('声のメッセージ')}: {_('あり（下の再生ボタンで聞けます）')}")
    note = ProgressNote(
        case=case,
        occurred_at=timezone.now(),
        kind=NoteKind.PERSON_VOICE,
        author=None,
        author_organization_id=case.lead_organization_id,
        participants=f"{account.display_name}（{who}・{_('ポータル')}）"[:300],
        text="\n".join(lines),
    )
    note.full_clean(exclude=["case", "author", "author_organization"])
    note.save()
    # If anything below fails, the voice note's file goes with the rolled-back rows.
    with records_services.attachments_stored(
        NoteAttachment, [checked] if checked is not None else [], uploaded_by=None, note=note
    ) as voices:
        checkin = CheckIn.objects.create(
            account=account,
            case=case,
            mood=mood,
            note=note,
            monitoring=next_monitoring(case),
            **texts,
        )
        _record(
            portal,
            action=CHECKIN,
            origin=portal.origin,
            target=checkin,
            detail={"case": case.pk, "note": note.pk, "voice": [a.pk for a in voices]},
        )
        _tell_team(portal, target=checkin, kind=NotificationKind.CHECKIN_ARRIVED)
    return checkin


@audit.atomic_with_refusals
def portal_request_send(
    portal: PortalActor,
    *,
    kind: str,
    text: str = "",
    audit_event_id: int | None = None,
    consent_id: int | None = None,
) -> PortalRequest:
    """A question or a request to the counselor; it changes nothing by itself."""
    if kind not in RequestKind.values:
        raise FieldErrors({"kind": _("えらんでください。")})
    if len(text) > 2000:
        raise FieldErrors({"text": _("2000文字までにしてください。")})
    request = PortalRequest.objects.create(
        account=portal.account,
        case=portal.account.case,
        kind=kind,
        text=text.strip(),
        audit_event_id=audit_event_id,
        consent_id=consent_id,
    )
    _record(
        portal,
        action=REQUESTED,
        origin=portal.origin,
        target=request,
        detail={"kind": kind, "case": portal.account.case_id},
    )
    _tell_team(portal, target=request, kind=NotificationKind.PORTAL_REQUEST)
    return request


# --- The portal: passkeys (WebAuthn, accounts/passkeys.py) ------------------------------------

PASSKEY_ADDED = register_action("portal.passkey_added", "ポータルのパスキーの登録")
PASSKEY_REMOVED = register_action("portal.passkey_removed", "ポータルのパスキーの削除")
PASSKEY_FAILED = register_action("portal.passkey_failed", "ポータルのパスキーの失敗")
PASSKEY_LIMIT = 10
PASSKEY_REFUSED = "このパスキーでは入れません。ポータル番号とあいことばで入ってください。"


def passkeys_of(portal: PortalActor) -> list[PortalPasskey]:
    return list(PortalPasskey.objects.filter(account=portal.account).order_by("created_at", "pk"))


def passkey_of(portal: PortalActor, passkey_id: object) -> PortalPasskey | None:
    """One of the account's own passkeys; anything else is None (the caller's 404)."""
    if not str(passkey_id).isdigit() or len(str(passkey_id)) > 18:
        return None
    return PortalPasskey.objects.filter(account=portal.account, pk=int(str(passkey_id))).first()


@audit.atomic_with_refusals
def passkey_add(
    portal: PortalActor, *, verified: VerifiedRegistration, label: str = ""
) -> PortalPasskey:
    account = portal.account
    if PortalPasskey.objects.filter(account=account).count() >= PASSKEY_LIMIT:
        raise Invalid(
            _("パスキーは%(n)d個までです。つかわないものを消してください。") % {"n": PASSKEY_LIMIT}
        )
    credential_id = to_base64url(verified.credential_id)
    if PortalPasskey.objects.filter(credential_id=credential_id).exists():
        raise Invalid(_("このパスキーは、もう登録してあります。"))
    passkey = PortalPasskey.objects.create(
        account=account,
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        label=label.strip()[:40],
    )
    _record(
        portal,
        action=PASSKEY_ADDED,
        origin=portal.origin,
        target=account,
        detail={"passkey": passkey.pk},
    )
    return passkey


@audit.atomic_with_refusals
def passkey_remove(portal: PortalActor, *, passkey: PortalPasskey) -> None:
    pk = passkey.pk
    passkey.delete()
    _record(
        portal,
        action=PASSKEY_REMOVED,
        origin=portal.origin,
        target=portal.account,
        detail={"passkey": pk},
    )


def passkey_failed(origin: Origin, *, reason: str, who: str = "portal:?") -> None:
    _record(
        None,
        action=PASSKEY_FAILED,
        origin=origin,
        outcome=Outcome.DENIED,
        detail={"reason": reason},
        username=who,
    )


def passkey_keys(origin: Origin) -> list[str]:
    return [f"ip:{origin.ip_address or 'unknown'}"]


def passkey_wait(origin: Origin) -> None:
    """Raises Throttled while this address must wait (the passphrase's counters)."""
    wait = codes.wait_seconds(passkey_keys(origin))
    if wait:
        _record(
            None,
            action=THROTTLED,
            origin=origin,
            outcome=Outcome.DENIED,
            detail={"keys": ["ip"], "by": "passkey"},
            username="portal:?",
        )
        raise Throttled(_wait_message(wait))


def passkey_sign_in(assertion: Assertion, *, origin: Origin) -> tuple[PortalAccount, str]:
    """Sign in with a passkey: the account whose passkey signed the challenge with user
    verification, if it is live now (an ended account, withdrawn consent or a closed case
    opens nothing).  Raises PasskeyError with one message for every failure."""
    keys = passkey_keys(origin)
    passkey = (
        PortalPasskey.objects.select_related("account__case", "account__person")
        .filter(credential_id=assertion.credential_id)
        .first()
    )

    def refuse(reason: str, who: str = "portal:?") -> PasskeyError:
        codes.failed(keys)
        passkey_failed(origin, reason=reason, who=who)
        return PasskeyError(_(PASSKEY_REFUSED), reason=reason)

    if passkey is None:
        raise refuse("unknown")
    account = passkey.account
    who = f"portal:{account.portal_id}"
    handle = user_handle_of(assertion.credential)
    if handle is not None and handle != user_handle("portal", account.pk):
        raise refuse("user_handle", who)
    try:
        new_count = authentication_verify(
            assertion, public_key=bytes(passkey.public_key), sign_count=passkey.sign_count
        )
    except PasskeyError:
        raise refuse("verify", who) from None
    if live_problem(account):
        raise refuse("not live", who)
    moved = PortalPasskey.objects.filter(pk=passkey.pk, sign_count=passkey.sign_count).update(
        sign_count=new_count, last_used_at=timezone.now()
    )
    if moved != 1:  # a racing use of the same answer
        raise refuse("counter", who)
    # Not atomic as a whole: a refusal's counter and audit row must not roll back with it.
    with audit.atomic():
        portal = PortalActor(account=account, origin=origin)
        _record(
            portal,
            action=SIGNED_IN,
            origin=origin,
            target=account,
            detail={"by": "passkey", "passkey": passkey.pk},
        )
        return account, _start_session(account)
