"""Supervision (スーパービジョン; issue 18 item 5; seed 002: the offices gather regularly at the
core center for supervision).

A session is held by the core center, with one of its workers as the supervisor, for the
offices that attend (a group session) or for one office (an individual session).  Each office
presents cases there.  A presented case is de-identified — a summary with no link to any person
— unless it is linked to a real case on a lawful basis that the system can check: the
supervisor's organization (the core center) is on that case's team
(`cases.access.active_team_members`), and the team row is kept on the item as the basis.  The
link is shown only to those who see the case anyway.

The supervisor's advice is recorded on the item; where the presenting office chooses, it is
also written on the office's case as a progress note, by the office itself
(`records.services.note_create`).  An item can be carried to the next session (`carried_from`)
and is marked followed up there.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import TimeStampedModel
from tsunagu.core.validators import BoundedDateField
from tsunagu.expertise.models import Theme
from tsunagu.organizations.models import Organization

SUMMARY_MAX_LENGTH = 2000
ADVICE_MAX_LENGTH = 4000


class SessionKind(models.TextChoices):
    GROUP = "group", _("グループ・スーパービジョン")
    INDIVIDUAL = "individual", _("個別スーパービジョン")


class SupervisionSession(TimeStampedModel):
    kind = models.CharField(_("種類"), max_length=20, choices=SessionKind.choices)
    held_on = BoundedDateField(_("開催日"))
    place = models.CharField(_("場所"), max_length=200, blank=True)
    organizer = models.ForeignKey(
        Organization,
        verbose_name=_("開催機関"),
        on_delete=models.PROTECT,
        related_name="supervision_sessions",
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("スーパーバイザー"),
        on_delete=models.PROTECT,
        related_name="supervised_sessions",
    )
    offices = models.ManyToManyField(
        Organization, verbose_name=_("参加した事業所"), related_name="attended_supervisions"
    )
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("参加した職員"),
        blank=True,
        related_name="attended_supervisions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作成者"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("スーパービジョン")
        verbose_name_plural = _("スーパービジョン")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["organizer", "held_on"])]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.get_kind_display()}"


class PresentedCase(TimeStampedModel):
    """A case presented at a session (提示事例)."""

    session = models.ForeignKey(
        SupervisionSession,
        verbose_name=_("スーパービジョン"),
        on_delete=models.PROTECT,
        related_name="items",
    )
    presenting_office = models.ForeignKey(
        Organization,
        verbose_name=_("提示した事業所"),
        on_delete=models.PROTECT,
        related_name="presented_supervision_cases",
    )
    presented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提示者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary = models.TextField(
        _("事例の概要（匿名化）"),
        max_length=SUMMARY_MAX_LENGTH,
        help_text=_("氏名・住所・生年月日など、個人が分かることは書かないでください。"),
    )
    themes = models.JSONField(_("分野"), default=list, blank=True)
    question = models.TextField(_("相談したいこと"), max_length=1000, blank=True)
    # The link to a real case, only on a lawful basis: the organizer's own row on the case's
    # team.  Both or neither (constraint below).
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("支援ケース"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_items",
    )
    basis = models.ForeignKey(
        "cases.CaseTeamMember",
        verbose_name=_("共有の根拠（支援チームへの参加）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_items",
    )
    advice = models.TextField(_("スーパーバイザーの助言"), max_length=ADVICE_MAX_LENGTH, blank=True)
    advice_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("助言の記録者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    advice_recorded_at = models.DateTimeField(_("助言の記録日時"), null=True, blank=True)
    # Set when the presenting office wrote the advice on its case record (a progress note).  The
    # note itself is not named here: a de-identified item stays without any link to a person.
    advice_on_case_at = models.DateTimeField(_("支援経過記録への記載日時"), null=True, blank=True)
    follow_up_point = models.CharField(_("次回に確認すること"), max_length=400, blank=True)
    carried_from = models.OneToOneField(
        "self",
        verbose_name=_("前回からの継続"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="carried_to",
    )
    followed_up_at = models.DateTimeField(_("フォローアップの日時"), null=True, blank=True)
    follow_up_result = models.TextField(_("フォローアップの結果"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("提示事例")
        verbose_name_plural = _("提示事例")
        ordering = ["session", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=True, basis__isnull=True)
                | Q(case__isnull=False, basis__isnull=False),
                name="supervision_case_link_has_basis",
            ),
            models.CheckConstraint(
                condition=Q(followed_up_at__isnull=True) | Q(carried_from__isnull=False),
                name="supervision_follow_up_only_carried",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} / {self.presenting_office}"

    @property
    def is_linked(self) -> bool:
        return self.case_id is not None

    def theme_labels(self) -> list[str]:
        labels = dict(Theme.choices)
        return [str(labels.get(t, t)) for t in self.themes]
