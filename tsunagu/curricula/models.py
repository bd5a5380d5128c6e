"""Staged curricula and each worker's way through them (研修カリキュラム; issue 18 item 2;
seed 001: 共通研修 → 対人援助コミュニケーション研修 → 重層的支援体制強化研修).

A curriculum is ordered stages; a stage is the requirements a worker must meet.  A requirement
is met by attending a training event linked to it (`RequirementEvent`: the link lives here, so
the trainings app knows nothing of curricula) or by equivalent learning elsewhere
(`ExternalLearning`), entered with its evidence and approved by the core center.

Progress is never stored: it is computed from the worker's attendance and approved learning
(`progress.py`), both of which belong to the user, so a worker who moves office keeps it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import StoredAttachment, TimeStampedModel
from tsunagu.core.storage import extension_for, private_storage
from tsunagu.core.validators import BoundedDateField
from tsunagu.organizations.models import Organization
from tsunagu.trainings.models import TrainingEvent

NAME_MAX = 200
TEXT_MAX = 2000


class Curriculum(TimeStampedModel):
    name = models.CharField(_("名称"), max_length=NAME_MAX)
    description = models.TextField(_("説明"), max_length=TEXT_MAX, blank=True)
    owner = models.ForeignKey(
        Organization,
        verbose_name=_("作成した機関"),
        on_delete=models.PROTECT,
        related_name="curricula",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作成者"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("カリキュラム")
        verbose_name_plural = _("カリキュラム")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Stage(TimeStampedModel):
    curriculum = models.ForeignKey(
        Curriculum, verbose_name=_("カリキュラム"), on_delete=models.CASCADE, related_name="stages"
    )
    position = models.PositiveSmallIntegerField(_("順番"))
    name = models.CharField(_("段階の名称"), max_length=NAME_MAX)

    class Meta:
        verbose_name = _("段階")
        verbose_name_plural = _("段階")
        ordering = ["curriculum", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["curriculum", "position"], name="one_stage_per_position"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Requirement(TimeStampedModel):
    """What a stage asks for, by name (e.g. 「共通研修（制度と倫理）」): any linked training
    attended, or approved equivalent learning, meets it."""

    stage = models.ForeignKey(
        Stage, verbose_name=_("段階"), on_delete=models.CASCADE, related_name="requirements"
    )
    name = models.CharField(_("要件"), max_length=NAME_MAX)
    description = models.TextField(_("説明"), max_length=TEXT_MAX, blank=True)

    class Meta:
        verbose_name = _("修了要件")
        verbose_name_plural = _("修了要件")
        ordering = ["stage", "pk"]

    def __str__(self) -> str:
        return self.name


class RequirementEvent(TimeStampedModel):
    """A training event that meets a requirement when attended."""

    requirement = models.ForeignKey(
        Requirement, verbose_name=_("修了要件"), on_delete=models.CASCADE, related_name="links"
    )
    event = models.ForeignKey(
        TrainingEvent,
        verbose_name=_("研修"),
        on_delete=models.PROTECT,
        related_name="curriculum_links",
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登録者"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("要件を満たす研修")
        verbose_name_plural = _("要件を満たす研修")
        ordering = ["requirement", "event__held_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["requirement", "event"], name="one_link_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.requirement} / {self.event}"


class LearningStatus(models.TextChoices):
    PENDING = "pending", _("承認待ち")
    APPROVED = "approved", _("承認")
    REJECTED = "rejected", _("差し戻し")


class ExternalLearning(TimeStampedModel):
    """Learning outside the network's trainings (the prefecture's course, another city's),
    entered with evidence; it meets its requirement once the core center approves it."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("受講者"),
        on_delete=models.PROTECT,
        related_name="external_learning",
    )
    requirement = models.ForeignKey(
        Requirement,
        verbose_name=_("修了要件"),
        on_delete=models.PROTECT,
        related_name="external_learning",
    )
    course_name = models.CharField(_("研修・講座の名称"), max_length=NAME_MAX)
    provider = models.CharField(_("実施機関"), max_length=NAME_MAX)
    completed_on = BoundedDateField(_("修了日"))
    # The office the worker belonged to when it was entered, as it was then.
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("所属（登録時）"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登録者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("状態"), max_length=20, choices=LearningStatus.choices, default=LearningStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("確認者"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    reviewed_at = models.DateTimeField(_("確認日時"), null=True, blank=True)
    review_note = models.TextField(_("確認のメモ"), max_length=TEXT_MAX, blank=True)

    class Meta:
        verbose_name = _("同等の学習")
        verbose_name_plural = _("同等の学習")
        ordering = ["-completed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending") | Q(reviewed_by__isnull=False),
                name="reviewed_learning_names_reviewer",
            )
        ]

    def __str__(self) -> str:
        return self.course_name


def evidence_path(instance: LearningEvidence, filename: str) -> str:
    # As for note attachments: stored under its hash, served only through a checked view.
    return (
        f"curricula/{timezone.now():%Y/%m}/{instance.sha256}.{extension_for(instance.content_type)}"
    )


class LearningEvidence(StoredAttachment):
    """The certificate or record of completion of external learning (PDF or image)."""

    learning = models.ForeignKey(
        ExternalLearning, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(upload_to=evidence_path, storage=private_storage)

    class Meta(StoredAttachment.Meta):
        verbose_name = _("修了の証明")
        verbose_name_plural = _("修了の証明")
