"""Motivating moments that travel (心の動く場面; seed 002 「どこに心が動いた？の共有化」).

A moment is marked on a progress note (records.ProgressNote.is_motivating_moment).  From there
it travels two ways:
- to the staff of a service provider on the person's team (the 支援員 and the サービス管理責任者
  who write the service's own plan), only on the person's consent: a consent of the person,
  valid on the day, naming the provider's organization and the purpose 「心の動く場面の共有」.
  The share is read only while that consent still holds (withdrawn or expired, it is gone);
- to the council, rewritten without the person (CouncilMoment), checked with the same
  de-identification as community issues (meetings.deidentify); it cannot be published while
  a flag remains.  The council page of moments and the annual report quote the published ones.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import TimeStampedModel
from tsunagu.core.validators import BoundedDateField

MOMENT_TEXT_MAX = 300


class MomentShare(TimeStampedModel):
    """A moment shared with a service provider on the team, on the person's consent."""

    note = models.ForeignKey(
        "records.ProgressNote",
        verbose_name=_("支援経過記録"),
        on_delete=models.PROTECT,
        related_name="moment_shares",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("共有先の事業所"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    consent = models.ForeignKey(
        "people.Consent", verbose_name=_("本人の同意"), on_delete=models.PROTECT, related_name="+"
    )
    message = models.CharField(_("事業所へのひとこと"), max_length=200, blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    shared_by_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    stopped_at = models.DateTimeField(_("共有をやめた日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("心の動く場面の共有")
        verbose_name_plural = _("心の動く場面の共有")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["note", "organization"],
                condition=Q(stopped_at__isnull=True),
                name="moment_shared_once_per_provider",
            )
        ]

    def __str__(self) -> str:
        return f"{self.note_id} → {self.organization_id}"


class CouncilMomentStatus(models.TextChoices):
    DRAFT = "draft", _("下書き")
    PUBLISHED = "published", _("協議会に掲載")


class CouncilMoment(TimeStampedModel):
    """A moment rewritten without the person, for the council's page of moments."""

    note = models.OneToOneField(
        "records.ProgressNote",
        verbose_name=_("支援経過記録"),
        on_delete=models.PROTECT,
        related_name="council_moment",
    )
    text = models.CharField(
        _("協議会に伝える場面（匿名化）"),
        max_length=MOMENT_TEXT_MAX,
        help_text=_("本人が分かる名前・日付・場所を書かずに、どこに心が動いたかを書きます。"),
    )
    lesson = models.CharField(_("支援で大切にしたいこと"), max_length=MOMENT_TEXT_MAX, blank=True)
    status = models.CharField(
        _("状態"),
        max_length=16,
        choices=CouncilMomentStatus.choices,
        default=CouncilMomentStatus.DRAFT,
    )
    published_on = BoundedDateField(_("掲載日"), null=True, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_by_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("協議会に伝える心の動く場面")
        verbose_name_plural = _("協議会に伝える心の動く場面")
        ordering = ["-published_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_on__isnull=False),
                name="council_moment_published_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def is_published(self) -> bool:
        return self.status == CouncilMomentStatus.PUBLISHED
