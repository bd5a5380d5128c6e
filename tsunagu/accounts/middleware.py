from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from tsunagu.accounts.services import SESSION_AUTH_AT, SESSION_EPOCH, second_factor_step
from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.actor import Origin

# Paths that look after themselves: the API answers 401 JSON itself; static files are public.
SELF_AUTHENTICATING_PREFIXES = ("/api/", "/static/")


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
        step = second_factor_step(user)
        if step is None:
            return None
        request.second_factor_pending = True  # type: ignore[attr-defined]
        match = request.resolver_match
        if match is not None and match.view_name in TWO_FACTOR_OPEN_VIEWS | {step}:
            return None
        return redirect(step)
