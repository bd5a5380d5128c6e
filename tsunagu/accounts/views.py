from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tsunagu.accounts import passkeys, services, throttle
from tsunagu.accounts.decorators import admin_required
from tsunagu.accounts.forms import (
    AccountInviteForm,
    LoginForm,
    OtpForm,
    OtpSetupForm,
    PasswordChangeForm,
    ResetSecondFactorForm,
    SavedSearchForm,
    UserCreateForm,
    UserSearchForm,
)
from tsunagu.accounts.models import User
from tsunagu.accounts.selectors import access_saved_search, saved_searches_of
from tsunagu.accounts.services import SESSION_AUTH_AT, SESSION_EPOCH
from tsunagu.audit import services as audit
from tsunagu.audit.models import Action, Outcome
from tsunagu.core.actor import Origin
from tsunagu.core.errors import Invalid
from tsunagu.core.http import TsunaguRequest, safe_next
from tsunagu.core.screens import action, form_page, posted, screen
from tsunagu.organizations import management
from tsunagu.organizations.services import membership_add

SESSION_NEXT = "tsunagu_next"
SESSION_SETUP_DEVICE = "tsunagu_setup_device"
DEMO_ACCOUNTS = (
    "admin",
    "city1",
    "core1",
    "core2",
    "core_mgr",
    "ward1",
    "council1",
    "office_a1",
    "office_a2",
    "office_b1",
    "office_c1",
    "gh1",
)


def _stamp_session(request: HttpRequest, user: User) -> None:
    """Stamp a new session so the absolute limit and forced sign-out can be enforced."""
    request.session[SESSION_AUTH_AT] = timezone.now().timestamp()
    request.session[SESSION_EPOCH] = user.session_epoch


def _render_login(
    request: HttpRequest, form: LoginForm, *, status: int = 200, wait: int = 0
) -> HttpResponse:
    context = {
        "form": form,
        "locked": wait > 0,
        "wait_message": throttle.wait_message(wait) if wait else "",
        "next": request.POST.get("next") or request.GET.get("next", ""),
        "demo_accounts": DEMO_ACCOUNTS if settings.DEMO_MODE else (),
        "passkeys_available": passkeys.available(request),
    }
    response = render(request, "accounts/pages/login.html", context, status=status)
    if wait:
        response["Retry-After"] = str(wait)
    return response


@login_not_required
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return redirect(safe_next(request, request.GET.get("next"), settings.LOGIN_REDIRECT_URL))
    form = LoginForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return _render_login(request, form, status=400 if request.method == "POST" else 200)
    attempt = throttle.attempt_for(request, form.cleaned_data["username"])
    # The password is not even checked while the attempt must wait.
    wait = throttle.wait_seconds(attempt)
    user = None if wait else authenticate(request, **form.cleaned_data)
    if user is None and not wait:
        wait = throttle.record_failure(attempt)
    if wait:
        throttle.record_refusal(request, attempt, wait)
        return _render_login(request, LoginForm(initial=form.cleaned_data), status=429, wait=wait)
    if user is None:
        form.add_error(None, _("ユーザー名またはパスワードが正しくありません。"))
        return _render_login(request, form, status=400)
    assert isinstance(user, User)  # noqa: S101  # our only user model
    throttle.record_success(attempt, user=user)
    login(request, user)
    _stamp_session(request, user)
    request.session[SESSION_NEXT] = safe_next(
        request, request.POST.get("next"), settings.LOGIN_REDIRECT_URL
    )
    if services.has_second_factor(user):
        response = redirect("accounts:otp_verify")
    elif services.requires_2fa(user):
        response = redirect("accounts:otp_setup")
    else:
        response = redirect(request.session.pop(SESSION_NEXT))
    throttle.remember_device(request, response, user=user)
    return response


@require_http_methods(["GET", "POST"])
def otp_verify(request: TsunaguRequest) -> HttpResponse:
    if request.user.is_verified():  # type: ignore[attr-defined]
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            audit.record(
                action=Action.OTP_VERIFIED,
                actor=request.actor,
                detail={"method": "recovery" if isinstance(device, StaticDevice) else "totp"},
            )
            if isinstance(device, StaticDevice):
                remaining = device.token_set.count()
                messages.warning(
                    request,
                    ngettext(
                        "リカバリーコードを使いました。残りは%(count)d個です。",
                        "リカバリーコードを使いました。残りは%(count)d個です。",
                        remaining,
                    )
                    % {"count": remaining},
                )
            return redirect(request.session.pop(SESSION_NEXT, reverse(settings.LOGIN_REDIRECT_URL)))
        audit.record(action=Action.OTP_FAILED, actor=request.actor, outcome=Outcome.FAILED)
        form.add_error("token", _("確認コードが正しくないか、期限が切れています。"))
    return render(
        request,
        "accounts/pages/otp_verify.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def otp_setup(request: TsunaguRequest) -> HttpResponse:
    """Enrol an authenticator app, then show recovery codes once.

    Replacing an authenticator needs a session verified with the current one or a recovery
    code; a user who lost every factor asks an administrator for an audited reset."""
    verified = request.user.is_verified()  # type: ignore[attr-defined]  # django-otp middleware
    if not verified and services.has_second_factor(request.user):
        return redirect("accounts:otp_verify")
    device = TOTPDevice.objects.filter(
        user=request.user, confirmed=False, pk=request.session.get(SESSION_SETUP_DEVICE)
    ).first()
    if device is None or request.method == "GET":
        device = services.totp_device_start(user=request.user)
        request.session[SESSION_SETUP_DEVICE] = device.pk
    form = OtpSetupForm(posted(request))
    if request.method == "POST" and form.is_valid():
        if services.totp_device_confirm(
            request.actor, device=device, token=form.cleaned_data["token"].strip()
        ):
            otp_login(request, device)
            request.session.pop(SESSION_SETUP_DEVICE, None)
            codes = services.recovery_codes_issue(request.actor)
            return render(
                request,
                "accounts/pages/recovery_codes.html",
                {"codes": codes, "next": request.session.pop(SESSION_NEXT, "")},
            )
        form.add_error("token", _("確認コードが一致しません。認証アプリの時刻を確認してください。"))
    secret_b32 = base64.b32encode(device.bin_key).decode().rstrip("=")
    import segno  # only here, not in every worker (ADR 0007)

    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "qr_svg": qr.svg_inline(scale=4, title=_("認証アプリ登録用のQRコード")),
        "secret": " ".join(secret_b32[i : i + 4] for i in range(0, len(secret_b32), 4)),
        "required": services.requires_2fa(request.user),
    }
    return render(
        request, "accounts/pages/otp_setup.html", context, status=400 if form.errors else 200
    )


@require_POST
def recovery_codes_regenerate(request: TsunaguRequest) -> HttpResponse:
    if not services.has_confirmed_totp(request.user):
        return redirect("accounts:otp_setup")
    codes = services.recovery_codes_issue(request.actor)
    return render(request, "accounts/pages/recovery_codes.html", {"codes": codes, "next": ""})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("サインアウトしました。"))
    response = redirect(settings.LOGOUT_REDIRECT_URL)
    # What the offline safety-check screen kept on the device (its encrypted list, its key,
    # its queue, the service worker's cache) goes with the session (ADR 0020).
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


def account(request: TsunaguRequest) -> HttpResponse:
    context = {
        "has_totp": services.has_confirmed_totp(request.user),
        "recovery_left": StaticToken.objects.filter(
            device__user=request.user, device__name=services.RECOVERY_DEVICE_NAME
        ).count(),
        "requires_2fa": services.requires_2fa(request.user),
        "passkeys": services.passkeys_of(request.user),
        "passkeys_available": passkeys.available(request),
    }
    return render(request, "accounts/pages/account.html", context)


def _render_password_change(
    request: TsunaguRequest, form: PasswordChangeForm, *, status: int, wait: int = 0
) -> HttpResponse:
    context = {
        "form": form,
        "wait_message": throttle.password_check_wait_message(wait) if wait else "",
    }
    response = render(request, "accounts/pages/password_change.html", context, status=status)
    if wait:
        response["Retry-After"] = str(wait)
    return response


@require_http_methods(["GET", "POST"])
def password_change(request: TsunaguRequest) -> HttpResponse:
    """A verified session is no licence to guess the current password: wrong ones count under
    the username with the sign-in throttle, and a waiting username is not even checked."""
    if request.method != "POST":
        return _render_password_change(request, PasswordChangeForm(request.user), status=200)
    attempt = throttle.password_check_attempt(request.user)
    form = PasswordChangeForm(request.user, request.POST)
    wait = throttle.wait_seconds(attempt)
    if not wait:
        if form.has_error("old_password", "password_incorrect"):
            wait = throttle.record_password_check_failure(request, attempt)
        elif "old_password" in form.cleaned_data:
            throttle.record_success(attempt, user=request.user)
    if wait:
        throttle.record_refusal(request, attempt, wait, form="password_change")
        return _render_password_change(
            request, PasswordChangeForm(request.user), status=429, wait=wait
        )
    if not form.is_valid():
        return _render_password_change(request, form, status=400)
    services.password_change(request.actor, new_password=form.cleaned_data["new_password1"])
    # The other sessions fail Django's session hash check from now on; this one is kept.
    update_session_auth_hash(request, request.user)
    messages.success(request, _("パスワードを変更しました。ほかの端末のセッションは終了しました。"))
    return redirect("accounts:account")


# --- Administration of users ------------------------------------------------------------------


@admin_required
def user_list(request: TsunaguRequest) -> HttpResponse:
    form = UserSearchForm(request.GET or None)
    users = User.objects.prefetch_related("memberships__organization").order_by("username")
    if form.is_valid() and form.cleaned_data["q"]:
        q = form.cleaned_data["q"]
        users = users.filter(
            Q(username__icontains=q) | Q(full_name__icontains=q) | Q(full_name_kana__icontains=q)
        )
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    locked = throttle.throttled_usernames([u.username for u in page.object_list])
    return render(
        request, "accounts/pages/user_list.html", {"form": form, "page": page, "locked": locked}
    )


def _get_user_for_admin(user_id: int) -> User:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise Http404
    return user


@admin_required
def user_detail(request: TsunaguRequest, user_id: int) -> HttpResponse:
    user = _get_user_for_admin(user_id)
    context = {
        "subject": user,
        "memberships": user.memberships.select_related("organization"),
        "locked": throttle.is_throttled(user.username),
        "has_totp": services.has_confirmed_totp(user),
        "tokens": user.api_tokens.usable().order_by("-created_at"),
    }
    return render(request, "accounts/pages/user_detail.html", context)


USER_ACTIONS = {
    "disable": (
        services.user_disable,
        _("アカウントを無効にし、すべてのセッションを終了しました。"),
    ),
    "enable": (services.user_enable, _("アカウントを有効にしました。")),
    "end_sessions": (
        services.user_end_sessions,
        _("すべてのセッションとAPIトークンを終了しました。"),
    ),
    "unlock": (services.user_unlock, _("ロックを解除しました。")),
    "reset_2fa": (
        services.user_reset_2fa,
        _("2段階認証をリセットしました。次回サインイン時に再設定が必要です。"),
    ),
}


@admin_required
@require_POST
def user_action(request: TsunaguRequest, user_id: int, action: str) -> HttpResponse:
    user = _get_user_for_admin(user_id)
    if action not in USER_ACTIONS:
        raise Http404
    if user.pk == request.user.pk and action in {"disable", "end_sessions", "reset_2fa"}:
        messages.error(request, _("自分自身に対してこの操作はできません。"))
        return redirect("accounts:user_detail", user_id=user.pk)
    service, message = USER_ACTIONS[action]
    service(request.actor, user=user)
    messages.success(request, str(message))
    return redirect("accounts:user_detail", user_id=user.pk)


@admin_required
@require_http_methods(["GET", "POST"])
def user_create(request: TsunaguRequest) -> HttpResponse:
    def save(data: dict[str, Any]) -> User:
        with audit.atomic():
            user = services.user_create(
                username=data["username"],
                full_name=data["full_name"],
                full_name_kana=data["full_name_kana"],
                email=data["email"],
                password=data["password"],
                created_by=request.actor,
            )
            membership_add(
                request.actor,
                user=user,
                organization=data["organization"],
                job_title=data["job_title"],
                role=data["role"],
            )
        return user

    return form_page(
        request,
        UserCreateForm(posted(request)),
        "accounts/pages/user_create.html",
        save=save,
        done=lambda user: redirect("accounts:user_detail", user_id=user.pk),
        success=lambda user: _("アカウント「%(name)s」を作成しました。") % {"name": user.full_name},
    )


# --- Saved searches (issue 16) ----------------------------------------------------------------


def saved_search_list(request: TsunaguRequest) -> HttpResponse:
    return render(
        request,
        "accounts/pages/saved_searches.html",
        {"saved_searches": saved_searches_of(request.actor), "form": SavedSearchForm()},
    )


@require_POST
def saved_search_create(request: TsunaguRequest) -> HttpResponse:
    return form_page(
        request,
        SavedSearchForm(request.POST),
        "accounts/pages/saved_searches.html",
        save=lambda data: services.saved_search_create(request.actor, **data),
        done=lambda saved: redirect(saved.get_absolute_url()),
        context=lambda: {"saved_searches": saved_searches_of(request.actor)},
        success=lambda saved: _("検索条件を「%(name)s」として保存しました。") % {"name": saved},
    )


@screen("POST")
def saved_search_delete(request: TsunaguRequest, saved_search_id: int) -> HttpResponse:
    saved = access_saved_search(request.actor, saved_search_id)
    return action(
        request,
        lambda: services.saved_search_delete(request.actor, saved_search=saved),
        to=reverse("accounts:saved_searches"),
        success=_("保存した検索「%(name)s」を削除しました。") % {"name": saved},
    )


# --- Accounts managed by the city's and the core center's managers (ADR 0014) -------------


@screen("GET", "POST", back="organizations:manage")
def managed_user_create(request: TsunaguRequest) -> HttpResponse:
    management.require_manager(request.actor, view="account_create")
    organizations = (
        management.organizations_managed_by(request.actor)
        .filter(is_active=True, has_accounts=True)
        .order_by("kind", "name_kana", "name")
    )
    chosen = request.GET.get("organization", "")
    initial = {"organization": chosen} if chosen.isdigit() and len(chosen) < 19 else {}
    return form_page(
        request,
        AccountInviteForm(posted(request), initial=initial, organizations=organizations),
        "accounts/pages/managed_user_create.html",
        save=lambda data: services.account_invite(request.actor, **data),
        done=lambda user: redirect("accounts:managed_user_detail", user_id=user.pk),
        success=lambda user: (
            _(
                "アカウント「%(name)s」を作成し、パスワードを決めるためのリンクをメールで送りました。"
            )
            % {"name": user.full_name}
        ),
        back="organizations:manage",
    )


@screen("GET", back="organizations:manage")
def managed_user_detail(request: TsunaguRequest, user_id: int) -> HttpResponse:
    user = management.access_managed_user(request.actor, user_id)
    context = {
        "subject": user,
        "memberships": user.memberships.select_related("organization").order_by(
            "-is_active", "-ended_on"
        ),
        "has_second_factor": services.has_second_factor(user),
        "token_count": user.api_tokens.usable().count(),
    }
    return render(request, "accounts/pages/managed_user_detail.html", context)


@screen("POST", back="organizations:manage")
def managed_user_disable(request: TsunaguRequest, user_id: int) -> HttpResponse:
    user = management.access_managed_user(request.actor, user_id)
    return action(
        request,
        lambda: services.account_disable(request.actor, user=user),
        to=reverse("accounts:managed_user_detail", kwargs={"user_id": user.pk}),
        success=_("アカウントを無効にしました。すべてのセッションとAPIトークンを終了しました。"),
    )


@screen("GET", "POST", back="organizations:manage")
def managed_user_reset_2fa(request: TsunaguRequest, user_id: int) -> HttpResponse:
    user = management.access_managed_user(request.actor, user_id)
    return form_page(
        request,
        ResetSecondFactorForm(posted(request)),
        "accounts/pages/managed_user_reset_2fa.html",
        save=lambda data: services.account_reset_2fa(request.actor, user=user, otp=data["otp"]),
        done=lambda reset: redirect("accounts:managed_user_detail", user_id=reset.pk),
        context={"subject": user},
        success=_("2段階認証をリセットしました。次回サインイン時に設定し直してもらいます。"),
        back="organizations:manage",
    )


@method_decorator(login_not_required, name="dispatch")
class InvitationAcceptView(PasswordResetConfirmView):
    """The invited person chooses their password (Django's password-reset confirmation, with
    its one-time token); afterwards they sign in, and set up 2FA if it is required."""

    template_name = "accounts/pages/invitation_accept.html"
    form_class = SetPasswordForm
    post_reset_login = False
    reset_url_token = "set-password"  # noqa: S105  # the URL segment, not a secret

    def get_success_url(self) -> str:
        return reverse("accounts:login")

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        """A link that is unknown, used or expired: its message, with the status of a page
        that is not there (as an unknown calendar feed address)."""
        if not context.get("validlink"):
            kwargs["status"] = 404
        return super().render_to_response(context, **kwargs)

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:  # type: ignore[type-arg]
        response = super().form_valid(form)
        services.invitation_accepted(form.user)
        messages.success(self.request, _("パスワードを設定しました。サインインしてください。"))
        return response


# --- Passkeys (WebAuthn, ADR 0024) ------------------------------------------------------------
# The browser's side is core/js/passkeys.js: it asks for options, lets the authenticator answer
# and posts the answer back as JSON; every failure is a 400 with a Japanese message.

PASSKEY_COOKIE = "tsunagu_passkey"
PASSKEY_COOKIE_PATH = "/accounts/"
STAFF_REGISTER = "staff.register"
STAFF_SIGNIN = "staff.signin"


def _not_verified(request: TsunaguRequest) -> JsonResponse | None:
    """Adding a passkey needs a session that passed 2FA: with the password alone one could
    add a factor and walk in verified next time."""
    if request.user.is_verified():  # type: ignore[attr-defined]
        return None
    return passkeys.refused(_("パスキーを登録するには、先に2段階認証を設定して使ってください。"))


@require_POST
def passkey_register_options(request: TsunaguRequest) -> HttpResponse:
    if (refused := _not_verified(request)) is not None:
        return refused
    user = request.user
    try:
        options, nonce = passkeys.registration_begin(
            request,
            purpose=STAFF_REGISTER,
            subject=str(user.pk),
            handle=passkeys.user_handle("staff", user.pk),
            user_name=user.username,
            display_name=user.full_name or user.username,
            existing=[p.credential_id for p in services.passkeys_of(user)],
            cookie=PASSKEY_COOKIE,
        )
    except passkeys.PasskeyError as exc:
        return passkeys.refused(exc.message)
    return passkeys.options_response(
        options, nonce, cookie=PASSKEY_COOKIE, path=PASSKEY_COOKIE_PATH
    )


@require_POST
def passkey_register(request: TsunaguRequest) -> HttpResponse:
    if (refused := _not_verified(request)) is not None:
        return refused
    try:
        verified = passkeys.registration_finish(
            request, purpose=STAFF_REGISTER, subject=str(request.user.pk), cookie=PASSKEY_COOKIE
        )
        services.staff_passkey_add(
            request.actor, verified=verified, name=passkeys.posted_name(request)
        )
    except passkeys.PasskeyError as exc:
        services.staff_passkey_failed(request.actor.origin, reason="register", user=request.user)
        return passkeys.refused(exc.message)
    except Invalid as exc:
        return passkeys.refused(exc.message)
    messages.success(request, _("パスキーを登録しました。"))
    response = JsonResponse({"redirect": reverse("accounts:account")})
    response.delete_cookie(PASSKEY_COOKIE, path=PASSKEY_COOKIE_PATH)
    return response


@screen("POST", back="accounts:account")
def passkey_delete(request: TsunaguRequest, passkey_id: int) -> HttpResponse:
    passkey = services.access_staff_passkey(request.actor, passkey_id)
    return action(
        request,
        lambda: services.staff_passkey_remove(request.actor, passkey=passkey),
        to=reverse("accounts:account"),
        success=_("パスキー「%(name)s」を削除しました。") % {"name": passkey.name},
    )


@login_not_required
@require_POST
def passkey_signin_options(request: HttpRequest) -> HttpResponse:
    try:
        options, nonce = passkeys.authentication_begin(
            request, purpose=STAFF_SIGNIN, cookie=PASSKEY_COOKIE
        )
    except passkeys.PasskeyError as exc:
        return passkeys.refused(exc.message)
    return passkeys.options_response(
        options, nonce, cookie=PASSKEY_COOKIE, path=PASSKEY_COOKIE_PATH
    )


@login_not_required
@require_POST
def passkey_signin(request: HttpRequest) -> HttpResponse:
    """Sign in with a passkey: a full sign-in, verified for 2FA like an authenticator code
    (the passkey is a django-otp device, `otp_login`)."""
    origin = Origin.of(request)
    try:
        assertion = passkeys.authentication_read(
            request, purpose=STAFF_SIGNIN, cookie=PASSKEY_COOKIE
        )
        passkey = services.staff_passkey_sign_in(assertion, origin=origin)
    except passkeys.PasskeyError as exc:
        if exc.reason == "invalid":
            services.staff_passkey_failed(origin, reason="answer")
        return passkeys.refused(exc.message)
    user = passkey.user
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    _stamp_session(request, user)
    otp_login(request, passkey)
    payload = passkeys.posted_payload(request)
    next_url = payload.get("next") if isinstance(payload.get("next"), str) else None
    response = JsonResponse({"redirect": safe_next(request, next_url, settings.LOGIN_REDIRECT_URL)})
    response.delete_cookie(PASSKEY_COOKIE, path=PASSKEY_COOKIE_PATH)
    throttle.remember_device(request, response, user=user)
    return response
