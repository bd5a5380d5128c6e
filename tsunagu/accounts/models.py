from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device


class User(AbstractUser):
    """A person who signs in.  What they may do comes from their memberships.

    `is_superuser` marks a system administrator (システム管理者): user management and the
    audit log, never case data by virtue of the flag alone.
    """

    first_name = None  # type: ignore[assignment]  # Japanese names are kept whole, below
    last_name = None  # type: ignore[assignment]
    full_name = models.CharField(_("氏名"), max_length=100)
    full_name_kana = models.CharField(_("氏名（ふりがな）"), max_length=100, blank=True)
    # Bumped to end every session and API token of the user at once (see SessionLifetime).
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    REQUIRED_FIELDS = ["full_name", "email"]

    class Meta:
        verbose_name = _("アカウント")
        verbose_name_plural = _("アカウント")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name

    @property
    def is_system_admin(self) -> bool:
        return self.is_active and self.is_superuser


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A bearer token for the JSON API.  Only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("所属"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    epoch = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("APIトークン")
        verbose_name_plural = _("APIトークン")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class SignInThrottle(models.Model):
    """Failed sign-ins counted under one key: `username:<as typed>`, `address:<ip>` or
    `device:<id of a known-device cookie>`.  The sign-in form and the token endpoint share it
    (accounts/throttle.py); a key is forgotten a day after its last failure."""

    key = models.CharField(max_length=200, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField()
    blocked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("サインイン失敗の記録")
        verbose_name_plural = _("サインイン失敗の記録")

    def __str__(self) -> str:
        return f"{self.key} ({self.failures})"


class KnownSignInAddress(models.Model):
    """An address the user signed in from with the right password: failures counted against
    the username elsewhere do not slow them down there."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="known_addresses"
    )
    address = models.GenericIPAddressField()
    last_success_at = models.DateTimeField()

    class Meta:
        verbose_name = _("サインインした実績のあるアドレス")
        verbose_name_plural = _("サインインした実績のあるアドレス")
        constraints = [
            models.UniqueConstraint(fields=["user", "address"], name="known_address_once")
        ]

    def __str__(self) -> str:
        return f"{self.address} ({self.user})"


class SavedSearch(models.Model):
    """A list's filters kept under a name by one user (issue 16): the list's path and its
    query string, opened again from the user's saved searches.  Only its owner sees it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("名前"), max_length=50)
    path = models.CharField(_("一覧"), max_length=200)
    query = models.CharField(_("条件"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("保存日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("保存した検索")
        verbose_name_plural = _("保存した検索")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_search_name_per_user")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path


class PasskeyChallenge(models.Model):
    """A WebAuthn challenge handed to one browser (accounts/passkeys.py): bound to a random
    cookie (its SHA-256 here), for one purpose and subject, used once, for five minutes."""

    binding_hash = models.CharField(max_length=64, db_index=True)
    # "staff.register", "staff.signin", "portal.register", "portal.signin"
    purpose = models.CharField(max_length=32)
    # Whose registration it is ("" for a sign-in, where nobody is known yet).
    subject = models.CharField(max_length=40, blank=True)
    challenge = models.CharField(max_length=64)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.purpose} until {self.expires_at:%H:%M:%S}"


class StaffPasskey(Device):  # type: ignore[misc]  # django-otp ships no types
    """A staff member's passkey.  A django-otp device, so that a session signed in with it is
    verified like one that passed the authenticator (`otp_login`, OTPMiddleware), and an
    administrator's 2FA reset (`devices_for_user`) removes it with the other factors.  It never
    accepts a typed token: `verify_token` is Device's, which says no."""

    # Device's own, without a reverse accessor on User (passkeys are read through the services).
    user = models.ForeignKey(  # type: ignore[var-annotated]
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    credential_id = models.CharField(max_length=1400, unique=True)  # type: ignore[var-annotated]
    public_key = models.BinaryField()  # type: ignore[var-annotated]
    sign_count = models.PositiveBigIntegerField(default=0)  # type: ignore[var-annotated]
    created_at = models.DateTimeField(default=timezone.now)  # type: ignore[var-annotated]
    last_used_at = models.DateTimeField(null=True, blank=True)  # type: ignore[var-annotated]

    class Meta:
        verbose_name = _("パスキー")
        verbose_name_plural = _("パスキー")
        ordering = ["created_at", "pk"]
