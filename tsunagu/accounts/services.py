"""Writes about users, sign-in and API tokens.  Each records its audit row in its transaction."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.http import QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import devices_for_user, match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tsunagu.accounts import throttle
from tsunagu.accounts.models import ApiToken, SavedSearch, StaffPasskey, User
from tsunagu.accounts.passkeys import (
    Assertion,
    PasskeyError,
    authentication_verify,
    to_base64url,
    user_handle,
    user_handle_of,
)
from tsunagu.accounts.selectors import saved_searches_of
from tsunagu.audit import services as audit
from tsunagu.audit.actions import register_action
from tsunagu.audit.models import Action, Outcome
from tsunagu.core.actor import Actor, Origin
from tsunagu.core.errors import Conflict, FieldErrors, Forbidden, Invalid, NotFound
from tsunagu.core.kana import fold, hiragana, is_kana
from tsunagu.core.validation import full_clean
from tsunagu.organizations import management
from tsunagu.organizations.models import Organization
from tsunagu.organizations.services import membership_grant

SESSION_AUTH_AT = "tsunagu_auth_at"
SESSION_EPOCH = "tsunagu_epoch"
TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery"

if TYPE_CHECKING:
    from webauthn.registration.verify_registration_response import VerifiedRegistration


def requires_2fa(user: User) -> bool:
    return user.is_superuser or settings.REQUIRE_2FA_FOR_ALL


def has_confirmed_totp(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def has_second_factor(user: User) -> bool:
    """A confirmed authenticator, or recovery codes left: either one must be used to sign in,
    and nobody may enrol a new authenticator without using one first."""
    return has_confirmed_totp(user) or bool(
        StaticToken.objects.filter(device__user=user, device__confirmed=True).exists()
    )


def second_factor_step(user: User, *, has_factor: bool | None = None) -> str | None:
    """The view a signed-in user must pass before anything else, or None when they are done:
    verification for a user with a second factor, enrolment for one who needs 2FA.
    `has_factor` is what `has_second_factor(user)` answered, when the caller knows it."""
    if user.is_verified():  # type: ignore[attr-defined]  # set by the OTP middleware
        return None
    if has_second_factor(user) if has_factor is None else has_factor:
        return "accounts:otp_verify"
    if requires_2fa(user):
        return "accounts:otp_setup"
    return None


@audit.atomic_with_refusals
def user_create(
    *,
    username: str,
    full_name: str,
    password: str,
    created_by: Actor | None,
    email: str = "",
    full_name_kana: str = "",
    is_superuser: bool = False,
) -> User:
    user = User(
        username=username,
        full_name=full_name,
        full_name_kana=full_name_kana,
        email=email,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit.record(action=Action.USER_CREATED, actor=created_by, target=user)
    return user


def _end_all_sessions(user: User) -> None:
    user.session_epoch += 1
    user.save(update_fields=["session_epoch"])
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


@audit.atomic_with_refusals
def user_end_sessions(actor: Actor, *, user: User) -> None:
    """Sign the user out everywhere: every browser session and every API token."""
    _end_all_sessions(user)
    audit.record(action=Action.USER_SESSIONS_ENDED, actor=actor, target=user)


@audit.atomic_with_refusals
def user_disable(actor: Actor, *, user: User) -> None:
    user.is_active = False
    user.save(update_fields=["is_active"])
    _end_all_sessions(user)
    audit.record(action=Action.USER_DISABLED, actor=actor, target=user)


@audit.atomic_with_refusals
def user_enable(actor: Actor, *, user: User) -> None:
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit.record(action=Action.USER_ENABLED, actor=actor, target=user)


@audit.atomic_with_refusals
def user_unlock(actor: Actor, *, user: User) -> None:
    throttle.clear_username(user.username)
    audit.record(action=Action.USER_UNLOCKED, actor=actor, target=user)


@audit.atomic_with_refusals
def user_reset_2fa(actor: Actor, *, user: User) -> None:
    """For a user who lost both the authenticator and the recovery codes."""
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    _end_all_sessions(user)
    audit.record(action=Action.USER_2FA_RESET, actor=actor, target=user)


@audit.atomic_with_refusals
def password_change(actor: Actor, *, new_password: str) -> None:
    """Change the actor's own password; every API token of the user ends.  Every other
    session ends too: they fail Django's session hash check, and the screen keeps its own
    (`update_session_auth_hash`)."""
    user = actor.user
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit.record(action=Action.PASSWORD_CHANGED, actor=actor, target=user)


# --- Two-factor -------------------------------------------------------------------------------


@audit.atomic_with_refusals
def totp_device_start(*, user: User) -> TOTPDevice:
    """A fresh, unconfirmed authenticator for the user to scan; replaces an unconfirmed one."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


@audit.atomic_with_refusals
def totp_device_confirm(actor: Actor, *, device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(token):
        return False
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(action=Action.OTP_ENROLLED, actor=actor, target=device.user)
    return True


@audit.atomic_with_refusals
def recovery_codes_issue(actor: Actor) -> list[str]:
    """New single-use recovery codes; the old ones stop working.  Shown once, stored as given
    by django-otp (its static tokens are compared in constant time)."""
    user = actor.user
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [_recovery_code() for _ in range(settings.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    audit.record(action=Action.RECOVERY_CODES_ISSUED, actor=actor, target=user)
    return codes


def _recovery_code() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


# --- API tokens -------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedToken:
    raw: str
    token: ApiToken


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@audit.atomic_with_refusals
def api_token_issue(
    *, origin: Origin, user: User, organization: Organization | None
) -> IssuedToken:
    """Issued on the user's password and second factor, before anyone acts: `origin` says
    where the request came from."""
    raw = "tsu_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        organization=organization,
        key_hash=_hash_token(raw),
        prefix=raw[4:12],
        epoch=user.session_epoch,
        expires_at=timezone.now() + settings.API_TOKEN_LIFETIME,
    )
    audit.record(
        action=Action.API_TOKEN_ISSUED,
        origin=origin,
        user=user,
        organization=organization,
        target=token,
    )
    return IssuedToken(raw=raw, token=token)


def api_token_authenticate(raw: str) -> ApiToken | None:
    token = (
        ApiToken.objects.usable()
        .select_related("user", "organization")
        .filter(key_hash=_hash_token(raw))
        .first()
    )
    if token is None or not token.user.is_active or token.epoch != token.user.session_epoch:
        return None
    now = timezone.now()
    # Touch at most once a minute, so reads do not turn into a write per request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


@audit.atomic_with_refusals
def api_token_revoke(actor: Actor, *, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(action=Action.API_TOKEN_REVOKED, actor=actor, target=token)


# --- Saved searches (issue 16) ----------------------------------------------------------------

# The lists whose filters may be saved, by URL name: a saved search opens one of these again.
SAVABLE_LISTS = frozenset(
    {
        "cases:list",
        "cases:consultation_list",
        "people:person_search",
        "people:household_list",
        "referrals:list",
        "plans:task_list",
        "plans:monitoring_due_list",
        "meetings:body_list",
        "meetings:issue_list",
        "meetings:development_list",
        "directory:resource_list",
        "directory:provider_list",
        "organizations:list",
    }
)
MAX_SAVED_SEARCHES = 50  # per user


@audit.atomic_with_refusals
def saved_search_create(actor: Actor, *, name: str, path: str, query: str) -> SavedSearch:
    """Keep a list's query string under a name; the same name again replaces it."""
    name = name.strip()
    if not name:
        raise FieldErrors({"name": _("名前を入力してください。")})
    try:
        match = resolve(path)
    except Resolver404:
        match = None
    if match is None or match.view_name not in SAVABLE_LISTS or not path.startswith("/"):
        raise Invalid(_("この画面の条件は保存できません。"))
    query = QueryDict(query).urlencode()  # the page's own links keep it; drop nothing else
    existing = SavedSearch.objects.select_for_update().filter(user=actor.user, name=name).first()
    if existing is None and saved_searches_of(actor).count() >= MAX_SAVED_SEARCHES:
        raise Invalid(
            _("保存できる検索は%(n)d件までです。使わないものを削除してください。")
            % {"n": MAX_SAVED_SEARCHES}
        )
    saved = existing or SavedSearch(user=actor.user, name=name)
    saved.path, saved.query = path, query
    full_clean(saved, exclude=["user"])
    saved.save()
    # The list it names, not its query: a name search's text would put a person's name in
    # the log without saying whose record it is.
    audit.record(
        action=Action.RECORD_UPDATED if existing else Action.RECORD_CREATED,
        actor=actor,
        target=saved,
        detail={"list": match.view_name},
    )
    return saved


@audit.atomic_with_refusals
def saved_search_delete(actor: Actor, *, saved_search: SavedSearch) -> None:
    if saved_search.user_id != actor.user.pk:
        raise NotFound(_("保存した検索が見つかりません。"))
    audit.record(action=Action.RECORD_DELETED, actor=actor, target=saved_search)
    saved_search.delete()


# --- Accounts managed by the city's and the core center's managers (ADR 0014) -------------
#
# Who may act on whom is organizations/management.py; these services check it again, so that
# the screens and the API cannot drift apart.  An account is created without a password: the
# person chooses one through a one-time link (Django's password-reset token, which stops
# working once a password is set or after PASSWORD_RESET_TIMEOUT), sent to their own address.
# Creating an account and resetting someone's second factor ask for the manager's own current
# code, so that a session or token left open is not enough to hand out access.

ACCOUNT_INVITED = register_action("account.invited", gettext_lazy("アカウントの作成（招待）"))
INVITATION_ACCEPTED = register_action(
    "account.invitation_accepted", gettext_lazy("招待からのパスワード設定")
)
INVITATION_PATH = "/accounts/invitation/{uid}/{token}/"


def confirm_own_second_factor(actor: Actor, *, otp: str) -> None:
    """The manager's own code, now (recent 2FA).  Not inside a transaction: the failure's
    audit row must stay."""
    user = actor.user
    if not has_second_factor(user):
        raise Forbidden(_("この操作には、先にご自身の2段階認証の設定が必要です。"))
    code = (otp or "").strip().replace(" ", "").lower()
    if not code or match_token(user, code) is None:
        audit.record(
            action=Action.OTP_FAILED,
            actor=actor,
            target=user,
            outcome=Outcome.DENIED,
            detail={"for": "account management"},
        )
        raise FieldErrors({"otp": _("確認コードが正しくありません。")})


def invitation_link(user: User, *, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base_url.rstrip("/") + INVITATION_PATH.format(uid=uid, token=token)


def _send_invitation(user: User, link: str) -> None:
    body = _(
        "%(name)s 様\n\nつなぐ（Tsunagu）のアカウントが作成されました。\n"
        "ユーザー名: %(username)s\n\n次のリンクからパスワードを決めてください"
        "（一度だけ使えます。%(days)d日で期限が切れます）。\n%(link)s\n\n"
        "心当たりがない場合は、このメールを破棄してください。"
    ) % {
        "name": user.full_name,
        "username": user.username,
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        "link": link,
    }
    send_mail(_("【つなぐ】アカウントのご案内"), body, None, [user.email])


def account_invite(
    actor: Actor,
    *,
    username: str,
    full_name: str,
    email: str,
    organization: Organization,
    job_title: str,
    role: str,
    otp: str,
    full_name_kana: str = "",
    base_url: str = "",
) -> User:
    """A new account in an organization the actor manages, with no password; the invitation
    goes to the person's own address once the transaction commits."""
    if organization not in management.organizations_managed_by(actor):
        raise NotFound(_("見つかりません。"))
    confirm_own_second_factor(actor, otp=otp)
    return _account_invite(
        actor,
        username=username.strip(),
        full_name=" ".join(full_name.split()),
        full_name_kana=full_name_kana,
        email=email.strip(),
        organization=organization,
        job_title=job_title,
        role=role,
        base_url=base_url or settings.SITE_URL or actor.origin.host_url,
    )


@audit.atomic_with_refusals
def _account_invite(
    actor: Actor,
    *,
    username: str,
    full_name: str,
    full_name_kana: str,
    email: str,
    organization: Organization,
    job_title: str,
    role: str,
    base_url: str,
) -> User:
    if not full_name:
        raise FieldErrors({"full_name": _("氏名を入力してください。")})
    if not email:
        raise FieldErrors({"email": _("招待を送るメールアドレスを入力してください。")})
    kana = full_name_kana.strip()
    if kana and not is_kana(kana):
        raise FieldErrors({"full_name_kana": _("ふりがなはひらがな・カタカナで入力してください。")})
    if User.objects.filter(username__iexact=username).exists():
        raise FieldErrors({"username": _("このユーザー名は既に使われています。")})
    user = User(
        username=username,
        full_name=full_name,
        full_name_kana=" ".join(hiragana(fold(kana)).split()),
        email=email,
    )
    user.set_unusable_password()
    full_clean(user, exclude=["password"])
    user.save()
    audit.record(action=Action.USER_CREATED, actor=actor, target=user)
    membership_grant(actor, user=user, organization=organization, job_title=job_title, role=role)
    audit.record(
        action=ACCOUNT_INVITED,
        actor=actor,
        organization=actor.organization,
        target=user,
        detail={"organization": organization.pk},
    )
    link = invitation_link(user, base_url=base_url)
    transaction.on_commit(lambda: _send_invitation(user, link))
    return user


def account_disable(actor: Actor, *, user: User) -> User:
    """Disable an account the actor manages: its sessions end, its API tokens are revoked."""
    if not management.users_managed_by(actor).filter(pk=user.pk).exists():
        raise NotFound(_("見つかりません。"))
    if not user.is_active:
        raise Conflict(_("このアカウントはすでに無効です。"))
    user_disable(actor, user=user)
    return user


def account_reset_2fa(actor: Actor, *, user: User, otp: str) -> User:
    """Remove every second factor of an account the actor manages (the person lost them);
    asks for the manager's own current code first."""
    if not management.users_managed_by(actor).filter(pk=user.pk).exists():
        raise NotFound(_("見つかりません。"))
    confirm_own_second_factor(actor, otp=otp)
    user_reset_2fa(actor, user=user)
    return user


@audit.atomic_with_refusals
def invitation_accepted(user: User) -> None:
    audit.record(action=INVITATION_ACCEPTED, user=user, target=user)


# --- Passkeys (WebAuthn, ADR 0024) ------------------------------------------------------------

PASSKEY_ADDED = register_action("auth.passkey_added", gettext_lazy("パスキーの登録"))
PASSKEY_REMOVED = register_action("auth.passkey_removed", gettext_lazy("パスキーの削除"))
PASSKEY_SIGNED_IN = register_action(
    "auth.passkey_signed_in", gettext_lazy("パスキーでのサインイン")
)
PASSKEY_FAILED = register_action("auth.passkey_failed", gettext_lazy("パスキーの確認の失敗"))
PASSKEY_LIMIT = 10


def passkeys_of(user: User) -> list[StaffPasskey]:
    return list(StaffPasskey.objects.filter(user=user).order_by("created_at", "pk"))


@audit.atomic_with_refusals
def staff_passkey_add(
    actor: Actor, *, verified: VerifiedRegistration, name: str = ""
) -> StaffPasskey:
    """Keep a passkey the signed-in, verified staff member just made (the view ran the
    ceremony and checked the session is verified)."""
    user = actor.user
    if StaffPasskey.objects.filter(user=user).count() >= PASSKEY_LIMIT:
        raise Invalid(
            _("パスキーは%(n)d個までです。使わないものを削除してください。") % {"n": PASSKEY_LIMIT}
        )
    credential_id = to_base64url(verified.credential_id)
    if StaffPasskey.objects.filter(credential_id=credential_id).exists():
        raise Invalid(_("このパスキーはもう登録されています。"))
    passkey: StaffPasskey = StaffPasskey.objects.create(
        user=user,
        name=(name.strip() or _("パスキー"))[:64],
        confirmed=True,
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
    )
    audit.record(
        action=PASSKEY_ADDED,
        actor=actor,
        target=user,
        detail={"passkey": passkey.pk, "backed_up": verified.credential_backed_up},
    )
    return passkey


def access_staff_passkey(actor: Actor, passkey_id: object) -> StaffPasskey:
    """The actor's own passkey; anyone else's is the same 404 as one that does not exist."""
    passkey: StaffPasskey | None = (
        StaffPasskey.objects.filter(user=actor.user, pk=passkey_id).first()
        if str(passkey_id).isdigit() and len(str(passkey_id)) < 19
        else None
    )
    if passkey is None:
        raise NotFound(_("パスキーが見つかりません。"))
    return passkey


@audit.atomic_with_refusals
def staff_passkey_remove(actor: Actor, *, passkey: StaffPasskey) -> None:
    pk = passkey.pk
    passkey.delete()
    audit.record(action=PASSKEY_REMOVED, actor=actor, target=actor.user, detail={"passkey": pk})


def staff_passkey_failed(origin: Origin, *, reason: str, user: User | None = None) -> None:
    audit.record(
        action=PASSKEY_FAILED,
        origin=origin,
        user=user,
        outcome=Outcome.FAILED,
        detail={"reason": reason},
    )


def staff_passkey_sign_in(assertion: Assertion, *, origin: Origin) -> StaffPasskey:
    """The staff member whose passkey signed this challenge, with user verification: both
    factors at once (something they have, unlocked by something they know or are).  Raises
    PasskeyError (audited) for an unknown passkey, a disabled account, a bad signature or a
    sign counter that did not go up."""
    passkey: StaffPasskey | None = (
        StaffPasskey.objects.select_related("user")
        .filter(credential_id=assertion.credential_id, confirmed=True)
        .first()
    )
    if passkey is None or not passkey.user.is_active:
        staff_passkey_failed(origin, reason="unknown" if passkey is None else "inactive")
        raise PasskeyError(_("このパスキーではサインインできません。"), reason="unknown")
    handle = user_handle_of(assertion.credential)
    if handle is not None and handle != user_handle("staff", passkey.user_id):
        staff_passkey_failed(origin, reason="user_handle", user=passkey.user)
        raise PasskeyError(_("このパスキーではサインインできません。"), reason="user_handle")
    try:
        new_count = authentication_verify(
            assertion, public_key=bytes(passkey.public_key), sign_count=passkey.sign_count
        )
    except PasskeyError as exc:
        staff_passkey_failed(origin, reason="verify", user=passkey.user)
        raise PasskeyError(exc.message, reason="verify") from None
    # Conditional on the count read: two racing uses of one answer cannot both pass.
    moved = StaffPasskey.objects.filter(pk=passkey.pk, sign_count=passkey.sign_count).update(
        sign_count=new_count, last_used_at=timezone.now()
    )
    if moved != 1:
        staff_passkey_failed(origin, reason="counter", user=passkey.user)
        raise PasskeyError(_("このパスキーではサインインできません。"), reason="counter")
    # Failures above are audited outside any transaction (a refusal must not roll its row back).
    audit.record(
        action=PASSKEY_SIGNED_IN,
        origin=origin,
        user=passkey.user,
        target=passkey.user,
        detail={"passkey": passkey.pk},
    )
    return passkey
