"""Training events of the network (研修; issue 18 item 1; seed 000 研修, seed 004 研修企画).

An event is organised by the core center and open to every member of the network once it is
announced; it holds no person data except its lecturers' names.  A registration belongs to the
worker (the user), with the office that registered them kept on the row as it was at the time,
so a worker who moves office keeps their record.

The questionnaire after an event is anonymous by construction: an answer row names its event
and nothing else (no worker, no registration, no time; a random UUID key, so not even its
place in the table follows the order people answered).  The registration keeps only a marker
that its worker has answered, so that each attendee answers once.  See `QuestionnaireAnswer`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import StoredAttachment, TimeStampedModel
from tsunagu.core.storage import extension_for, private_storage
from tsunagu.core.validators import BoundedDateField
from tsunagu.expertise.models import Theme
from tsunagu.organizations.models import JobTitle, Organization, OrganizationKind

CAPACITY_MAX = 1000


class EventKind(models.TextChoices):
    LECTURE = "lecture", _("講義")
    CASE_STUDY = "case_study", _("事例検討")
    GROUP_WORK = "group_work", _("グループワーク")
    SITE_VISIT = "site_visit", _("見学")


class EventFormat(models.TextChoices):
    IN_PERSON = "in_person", _("集合")
    ONLINE = "online", _("オンライン")
    HYBRID = "hybrid", _("ハイブリッド")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("準備中")
    ANNOUNCED = "announced", _("募集中")
    CLOSED = "closed", _("受付終了")
    HELD = "held", _("開催済み")
    CANCELLED = "cancelled", _("中止")


class TrainingEvent(TimeStampedModel):
    theme = models.CharField(_("テーマ"), max_length=200)
    kind = models.CharField(_("形式"), max_length=20, choices=EventKind.choices)
    held_on = BoundedDateField(_("開催日"))
    starts_at = models.TimeField(_("開始時刻"))
    ends_at = models.TimeField(_("終了時刻"))
    format = models.CharField(_("開催方法"), max_length=20, choices=EventFormat.choices)
    place = models.CharField(_("会場・接続先"), max_length=200, blank=True)
    lecturers = models.TextField(
        _("講師"),
        blank=True,
        help_text=_(
            "1行に1人。「氏名（所属）」の形で書きます。例: 山田太郎（みどり市精神保健福祉センター）"
        ),
    )
    organizer = models.ForeignKey(
        Organization,
        verbose_name=_("主催"),
        on_delete=models.PROTECT,
        related_name="organized_trainings",
    )
    co_organizers = models.ManyToManyField(
        Organization, verbose_name=_("共催"), blank=True, related_name="co_organized_trainings"
    )
    target_kinds = models.JSONField(_("対象の機関種別"), default=list, blank=True)
    target_job_titles = models.JSONField(_("対象の職種"), default=list, blank=True)
    # The fields of practice the event covers (expertise.models.Theme values): what an
    # attendee's completion counts for in the expertise directory.
    themes = models.JSONField(_("分野"), default=list, blank=True)
    capacity = models.PositiveIntegerField(_("定員"))
    status = models.CharField(
        _("状態"), max_length=20, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作成者"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("研修")
        verbose_name_plural = _("研修")
        ordering = ["-held_on", "-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1) & Q(capacity__lte=CAPACITY_MAX),
                name="training_capacity_in_range",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="training_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.theme

    def lecturer_lines(self) -> list[str]:
        return [line.strip() for line in self.lecturers.splitlines() if line.strip()]

    def target_kind_labels(self) -> list[str]:
        labels = dict(OrganizationKind.choices)
        return [str(labels.get(k, k)) for k in self.target_kinds]

    def target_job_title_labels(self) -> list[str]:
        labels = dict(JobTitle.choices)
        return [str(labels.get(k, k)) for k in self.target_job_titles]

    def theme_labels(self) -> list[str]:
        labels = dict(Theme.choices)
        return [str(labels.get(k, k)) for k in self.themes]


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("参加予定")
    WAITING = "waiting", _("キャンセル待ち")
    CANCELLED = "cancelled", _("取り消し")


class Attendance(models.TextChoices):
    UNRECORDED = "", _("未記録")
    ATTENDED = "attended", _("出席")
    ABSENT = "absent", _("欠席")


class Registration(TimeStampedModel):
    event = models.ForeignKey(
        TrainingEvent,
        verbose_name=_("研修"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("受講者"),
        on_delete=models.PROTECT,
        related_name="training_registrations",
    )
    # The office the worker belonged to when registered: kept as it was, so a worker who
    # moves keeps the record and the old office still counts it.
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("所属（申込時）"),
        on_delete=models.PROTECT,
        related_name="training_registrations",
    )
    job_title = models.CharField(_("職種（申込時）"), max_length=40, choices=JobTitle.choices)
    status = models.CharField(_("状態"), max_length=20, choices=RegistrationStatus.choices)
    attendance = models.CharField(
        _("出欠"), max_length=20, choices=Attendance.choices, default="", blank=True
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申込者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    certificate_issued_on = BoundedDateField(_("修了証の発行日"), null=True, blank=True)
    # Only that the worker answered the questionnaire (so that they answer once); what they
    # answered is not linked to this row in any way.
    questionnaire_answered = models.BooleanField(_("アンケート回答済み"), default=False)

    class Meta:
        verbose_name = _("研修の申込")
        verbose_name_plural = _("研修の申込")
        ordering = ["event", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "worker"],
                condition=~Q(status="cancelled"),
                name="one_live_registration_per_worker",
            ),
            models.CheckConstraint(
                condition=Q(attendance="") | Q(status="registered"),
                name="attendance_only_for_registered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} / {self.worker}"


SATISFACTION_CHOICES = [
    (5, _("とても満足")),
    (4, _("満足")),
    (3, _("ふつう")),
    (2, _("やや不満")),
    (1, _("不満")),
]
USEFULNESS_CHOICES = [
    (5, _("とても役に立つ")),
    (4, _("役に立つ")),
    (3, _("どちらともいえない")),
    (2, _("あまり役に立たない")),
    (1, _("役に立たない")),
]
ANSWER_TEXT_MAX = 2000


class QuestionnaireAnswer(models.Model):
    """One attendee's answer to the questionnaire after an event, anonymous by construction.

    It has no link to the worker or the registration, no time of answering (not even a date:
    the event's date is enough for the training plan), and a random UUID key, so that neither
    its key nor the table's order tells in what order people answered.  Lists order the
    answers by their values, then by the random key.  The audit row of answering names the
    registration and the event, never the answer.  What stays possible is below the
    application: someone with direct database access could match the row's transaction
    (PostgreSQL's xmin) with the registration's; the screens and the API offer no way to.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(
        TrainingEvent,
        verbose_name=_("研修"),
        on_delete=models.PROTECT,
        related_name="questionnaire_answers",
    )
    satisfaction = models.PositiveSmallIntegerField(_("満足度"), choices=SATISFACTION_CHOICES)
    usefulness = models.PositiveSmallIntegerField(
        _("業務への役立ち"), choices=USEFULNESS_CHOICES, null=True, blank=True
    )
    comment = models.TextField(_("感想・意見"), max_length=ANSWER_TEXT_MAX, blank=True)
    topics_wanted = models.TextField(
        _("今後取り上げてほしいテーマ"), max_length=ANSWER_TEXT_MAX, blank=True
    )
    # expertise.models.Theme values the attendee would like a training on (for the plan).
    topic_themes = models.JSONField(_("今後受けたい分野"), default=list, blank=True)

    class Meta:
        verbose_name = _("研修アンケートの回答")
        verbose_name_plural = _("研修アンケートの回答")
        ordering = ["event", "-satisfaction", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1) & Q(satisfaction__lte=5),
                name="questionnaire_satisfaction_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(usefulness__isnull=True)
                | (Q(usefulness__gte=1) & Q(usefulness__lte=5)),
                name="questionnaire_usefulness_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} / {self.satisfaction}"

    def topic_theme_labels(self) -> list[str]:
        labels = dict(Theme.choices)
        return [str(labels.get(k, k)) for k in self.topic_themes]


def material_path(instance: TrainingMaterial, filename: str) -> str:
    # As for note attachments: the stored name is the hash, never what the user typed, and the
    # file is served only through a view that checks who may have it (trainings/access.py).
    return (
        f"trainings/{timezone.now():%Y/%m}/{instance.sha256}.{extension_for(instance.content_type)}"
    )


class TrainingMaterial(StoredAttachment):
    """A handout or slide deck of an event (no person data): for its organizer and the
    workers registered on it."""

    event = models.ForeignKey(TrainingEvent, on_delete=models.PROTECT, related_name="materials")
    file = models.FileField(upload_to=material_path, storage=private_storage)

    class Meta(StoredAttachment.Meta):
        verbose_name = _("研修資料")
        verbose_name_plural = _("研修資料")
