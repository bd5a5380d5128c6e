"""People who need help to evacuate and the safety checks of a disaster (issue 20 items 6, 7).

災害対策基本法: the city keeps the 避難行動要支援者名簿 (第49条の10) from criteria it sets
(`Criteria`); in normal times the list is given to the 避難支援等関係者 only for those who
consented (第49条の11第2項, `RegisterEntry.consent_*`); on a disaster it may be given without
consent (第49条の11第3項), which a `Campaign` records from its declaration to its close.  Each
entry may have its 個別避難計画 (第49条の14, `EvacuationPlan`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import TimeStampedModel
from tsunagu.core.validators import BoundedDateField

DISASTER_BASIS = "災害対策基本法第49条の11第3項"


class Criteria(TimeStampedModel):
    """The city's criteria for the list: one row, changed over time."""

    physical_grades = models.JSONField(_("身体障害者手帳の等級"), default=list, blank=True)
    intellectual_grades = models.JSONField(_("療育手帳の判定"), default=list, blank=True)
    mental_grades = models.JSONField(_("精神障害者保健福祉手帳の等級"), default=list, blank=True)
    min_support_category = models.PositiveSmallIntegerField(
        _("障害支援区分（以上）"), null=True, blank=True
    )
    living_alone = models.BooleanField(_("ひとり暮らしを含める"), default=False)
    medical_equipment = models.BooleanField(_("医療機器を使う人を含める"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("名簿掲載の基準")
        verbose_name_plural = _("名簿掲載の基準")


class EntrySource(models.TextChoices):
    CRITERIA = "criteria", _("基準による")
    MANUAL = "manual", _("個別に追加")


class RegisterEntry(TimeStampedModel):
    """A person on the 避難行動要支援者名簿."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.PROTECT, related_name="evacuation_entry"
    )
    source = models.CharField(_("掲載の理由"), max_length=16, choices=EntrySource.choices)
    medical_equipment = models.BooleanField(_("医療機器を使用"), default=False)
    consent_given_on = BoundedDateField(_("平常時提供への同意日"), null=True, blank=True)
    consent_withdrawn_on = BoundedDateField(_("同意撤回日"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("避難行動要支援者")
        verbose_name_plural = _("避難行動要支援者名簿")
        ordering = ["person__kana_normalized", "pk"]

    def __str__(self) -> str:
        return str(self.person)

    @property
    def consents(self) -> bool:
        """Consent to normal-time sharing, given and not withdrawn since."""
        return self.consent_given_on is not None and self.consent_withdrawn_on is None


class EvacuationPlan(TimeStampedModel):
    """個別避難計画 (第49条の14)."""

    entry = models.OneToOneField(RegisterEntry, on_delete=models.CASCADE, related_name="plan")
    helpers = models.TextField(_("避難を支援する人"), blank=True)
    destination = models.CharField(_("避難先"), max_length=200, blank=True)
    belongings = models.TextField(_("持ち出すもの"), blank=True)
    medical_needs = models.TextField(_("医療上の配慮"), blank=True)
    contact = models.CharField(_("緊急連絡先"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("個別避難計画")
        verbose_name_plural = _("個別避難計画")


class Campaign(TimeStampedModel):
    """A safety-check campaign the city declares for some areas on a disaster."""

    title = models.CharField(_("災害名"), max_length=200)
    areas = models.ManyToManyField(
        "organizations.Area", verbose_name=_("対象地域"), related_name="+"
    )
    workers = models.ManyToManyField(
        "organizations.Organization",
        verbose_name=_("安否確認に当たる機関"),
        related_name="+",
        blank=True,
    )
    basis = models.CharField(_("提供の根拠"), max_length=200, default=DISASTER_BASIS)
    started_at = models.DateTimeField(_("開始"))
    closed_at = models.DateTimeField(_("終了（根拠の終了）"), null=True, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("安否確認")
        verbose_name_plural = _("安否確認")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class CheckState(models.TextChoices):
    SAFE = "safe", _("無事")
    NEEDS_HELP = "needs_help", _("支援が必要")
    INJURED = "injured", _("けが")
    EVACUATED = "evacuated", _("避難済み")
    NOT_REACHED = "not_reached", _("連絡がつかない")


class Resolution(models.TextChoices):
    """A check sent from a base version another helper had already changed (ADR 0020)."""

    NONE = "", _("競合なし")
    OPEN = "open", _("競合（未解決）")
    ACCEPTED = "accepted", _("採用")
    REJECTED = "rejected", _("不採用")


# The resolutions of a check that counts as the person's state.
COUNTED = (Resolution.NONE, Resolution.ACCEPTED)


class SafetyCheck(models.Model):
    """One recorded state of one person in a campaign; the latest that counts is the person's
    state.  A check in open conflict or not taken when the conflict was settled does not count.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="checks")
    entry = models.ForeignKey(RegisterEntry, on_delete=models.PROTECT, related_name="checks")
    state = models.CharField(_("状態"), max_length=16, choices=CheckState.choices)
    evacuated_to = models.CharField(_("避難先"), max_length=200, blank=True)
    note = models.CharField(_("メモ"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("記録日時"))
    # Offline sync (ADR 0020): the id the phone gave the state (a retry is answered, never
    # stored twice), the version (the latest check's id) the helper saw, and the conflict.
    client_id = models.UUIDField(_("端末での記録ID"), null=True, blank=True, unique=True)
    base_id = models.BigIntegerField(_("見ていた版"), null=True, blank=True)
    resolution = models.CharField(
        _("競合"), max_length=16, choices=Resolution.choices, default="", blank=True
    )
    conflict_with = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("競合した記録"),
    )
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    settled_at = models.DateTimeField(_("解決日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("安否の記録")
        verbose_name_plural = _("安否の記録")
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.entry} {self.get_state_display()}"
