"""The Django admin, for system administrators' reference data (areas, organizations).

It shares our sign-in (with 2FA: django-otp's OTPAdminSite admits verified users only), and
every save or delete made through it goes into the audit log.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.db import models, transaction
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django_otp.admin import OTPAdminSite

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.actor import Actor
from tsunagu.core.http import TsunaguRequest


class TsunaguAdminSite(OTPAdminSite):  # type: ignore[misc]  # django-otp ships no type hints
    site_header = "つなぐ 管理"
    site_title = "つなぐ 管理"
    index_title = "基本データの管理"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser and super().has_permission(request))

    @method_decorator(login_not_required)
    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """One sign-in screen for the whole app.  A signed-in user who is not an administrator
        gets the same 404 as any other page they may not see, and the attempt is audited."""
        if request.user.is_authenticated:
            audit.record_denial(
                _actor(request), target_type="view", target_id="admin", reason="administrators only"
            )
            raise Http404
        target = request.GET.get("next", reverse("admin:index"))
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")


def _actor(request: HttpRequest) -> Actor:
    """The admin is reached only signed in, through ActingOrganizationMiddleware."""
    return cast(TsunaguRequest, request).actor


class AuditedModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # generic over any model
    """Writes an audit row, in the same transaction, for every change made in the admin."""

    def save_model(
        self, request: HttpRequest, obj: models.Model, form: ModelForm[Any], change: bool
    ) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit.record(
                action=Action.RECORD_UPDATED if change else Action.RECORD_CREATED,
                actor=_actor(request),
                target=obj,
                detail={"via": "admin", "changed": sorted(form.changed_data)},
            )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            audit.record(
                action=Action.RECORD_DELETED,
                actor=_actor(request),
                target=obj,
                detail={"via": "admin", "repr": str(obj)[:200]},
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                audit.record(
                    action=Action.RECORD_DELETED,
                    actor=_actor(request),
                    target=obj,
                    detail={"via": "admin", "repr": str(obj)[:200]},
                )
            super().delete_queryset(request, queryset)
