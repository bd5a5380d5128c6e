from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import is_verified
from django_otp.models import Device

from tsunagu.accounts import recheck
from tsunagu.accounts.services import (
    SESSION_AUTH_AT,
    SESSION_EPOCH,
    has_second_factor,
    second_factor_step,
)
from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.actor import Origin

# What the session remembers between rechecks (accounts/recheck.py).
RECHECK_DEVICE = "otp_device"  # the persistent id of the device the session was verified with
RECHECK_SECOND_FACTOR = "second_factor"  # has_second_factor(), for a session not verified yet


class OTPMiddleware:
    """django-otp's OTPMiddleware (`request.user.otp_device`, `request.user.is_verified()`),
    reading the device the session was verified with at most every ACCESS_RECHECK_SECONDS
    instead of on every request.  Between reads `otp_device` is a lazy object that reads the
    device only if something asks for more than whether there is one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        request.user = SimpleLazyObject(partial(self._verify, request, user))  # type: ignore[assignment]  # the same user, with otp_device
        return self.get_response(request)

    @staticmethod
    def _verify(request: HttpRequest, user: Any) -> Any:
        user.otp_device = None
        user.is_verified = partial(is_verified, user)
        if not user.is_authenticated:
            return user
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        if not persistent_id:
            return user
        if recheck.remembered(request.session, RECHECK_DEVICE, user) == persistent_id:
            user.otp_device = SimpleLazyObject(partial(Device.from_persistent_id, persistent_id))
            return user
        device = Device.from_persistent_id(persistent_id)
        if device is None or device.user_id != user.pk or not device.confirmed:
            # Gone, someone else's or not confirmed: the session is no longer verified.
            del request.session[DEVICE_ID_SESSION_KEY]
            recheck.forget(request.session, RECHECK_DEVICE)
            return user
        user.otp_device = device
        recheck.remember(request.session, RECHECK_DEVICE, user, persistent_id)
        return user


# Paths that look after themselves: the API answers 401 JSON itself; static files are public.
# /my/ is the person's portal: its own cookie and sign-in (tsunagu.portal, ADR 0024).
SELF_AUTHENTICATING_PREFIXES = ("/api/", "/static/", "/my/")


class SessionLifetimeMiddleware:
    """Ends a session after the absolute limit (12 h) or when the user was signed out
    everywhere (disabled, sessions ended by an administrator).  The idle limit (30 min) is the
    session cookie's age, renewed on every request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            auth_at = request.session.get(SESSION_AUTH_AT)
            too_old = (
                auth_at is None
                or timezone.now().timestamp() - float(auth_at)
                > settings.SESSION_ABSOLUTE_LIFETIME.total_seconds()
            )
            revoked = request.session.get(SESSION_EPOCH) != user.session_epoch
            if too_old or revoked:
                audit.record(
                    action=Action.SESSION_EXPIRED,
                    origin=Origin.of(request),
                    user=user,
                    detail={"reason": "absolute_limit" if too_old else "ended"},
                )
                logout(request)
                messages.info(
                    request, _("セッションの有効期限が切れました。もう一度サインインしてください。")
                )
                if not request.path.startswith(SELF_AUTHENTICATING_PREFIXES):
                    return redirect_to_login(request)
        return self.get_response(request)


def redirect_to_login(request: HttpRequest) -> HttpResponse:
    login_url = reverse(settings.LOGIN_URL)
    if request.method == "GET" and url_has_allowed_host_and_scheme(
        request.get_full_path(), allowed_hosts={request.get_host()}
    ):
        return redirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")
    return redirect(login_url)


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page needs sign-in unless its view is marked `@login_not_required`."""

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if request.path.startswith(SELF_AUTHENTICATING_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


# Views a signed-in but not yet verified user may reach besides the step they must take
# (verification for a user with an authenticator, enrolment for one who must set one up).
# Enrolment is never open to a user who has an authenticator: with the password alone they
# could replace it and walk in verified (issue 13, item 1).
TWO_FACTOR_OPEN_VIEWS = frozenset({"accounts:logout", "core:healthz", "set_language"})


class TwoFactorRequiredMiddleware:
    """A user with an authenticator must use it; a user who needs 2FA must first set it up."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: list[Any],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        user = request.user
        request.second_factor_pending = False  # type: ignore[attr-defined]  # read by the shell
        if not user.is_authenticated or request.path.startswith(SELF_AUTHENTICATING_PREFIXES):
            return None
        step = None
        if not user.is_verified():  # type: ignore[attr-defined]  # set by OTPMiddleware above
            has_factor = recheck.remembered(request.session, RECHECK_SECOND_FACTOR, user)
            if has_factor is None:
                has_factor = has_second_factor(user)
                recheck.remember(request.session, RECHECK_SECOND_FACTOR, user, has_factor)
            step = second_factor_step(user, has_factor=has_factor)
        if step is None:
            return None
        request.second_factor_pending = True  # type: ignore[attr-defined]
        match = request.resolver_match
        if match is not None and match.view_name in TWO_FACTOR_OPEN_VIEWS | {step}:
            return None
        return redirect(step)
