"""Hearings (ヒアリング; issue 19 item 4; seed 003: 基幹相談支援センターによる指定特定への
ヒアリング → 結果整理 → 評価・研修部会で方向性を検討 → 自立支援協議会で報告; seed 000: a survey
followed by hearings and group interviews on difficult cases).

A round (`HearingRound`) is held by the core center or the city, with a question guide.  Each
hearing in it hears one office (個別ヒアリング) or a group of offices (グループインタビュー);
its notes are written per question of the guide.  The notes are the holder's working record:
the offices heard read their own hearing's notes only when the holder shares them, and the
council never reads them.

What travels up is de-identified: findings (結果), tagged by theme and citing the hearings they
came from, and directions (方向性) that rest on findings, adopted by the council on a dated
meeting.  An adopted direction may become a community issue or a resource development of the
meetings app; the link is kept on the direction.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tsunagu.cases.models import MeetingFormat
from tsunagu.core.models import TimeStampedModel
from tsunagu.core.validators import BoundedDateField
from tsunagu.meetings.models import IssueTheme
from tsunagu.organizations.models import Organization

NOTE_MAX_LENGTH = 4000
FINDING_MAX_LENGTH = 2000
DIRECTION_MAX_LENGTH = 2000
QUESTION_MAX_LENGTH = 300
MAX_QUESTIONS = 30


class HearingRound(TimeStampedModel):
    holder = models.ForeignKey(
        Organization,
        verbose_name=_("実施機関"),
        on_delete=models.PROTECT,
        related_name="hearing_rounds",
    )
    title = models.CharField(_("名称"), max_length=120)
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    purpose = models.TextField(_("目的"), max_length=2000, blank=True)
    # The council (or its subcommittee) the results go to: its members read the adopted
    # directions and the findings.
    council = models.ForeignKey(
        "meetings.MeetingBody",
        verbose_name=_("報告先の協議会・部会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hearing_rounds",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("ヒアリング")
        verbose_name_plural = _("ヒアリング")
        ordering = ["-fiscal_year", "-pk"]

    def __str__(self) -> str:
        return self.title


class HearingQuestion(models.Model):
    round = models.ForeignKey(HearingRound, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("順番"))
    text = models.CharField(_("質問"), max_length=QUESTION_MAX_LENGTH)

    class Meta:
        verbose_name = _("質問項目")
        verbose_name_plural = _("質問項目")
        ordering = ["round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["round", "position"], name="hearing_question_position")
        ]

    def __str__(self) -> str:
        return self.text


class HearingKind(models.TextChoices):
    INDIVIDUAL = "individual", _("個別ヒアリング")
    GROUP = "group", _("グループインタビュー")


class HearingStatus(models.TextChoices):
    PLANNED = "planned", _("予定")
    HELD = "held", _("実施済み")
    NOTES_DONE = "notes_done", _("記録済み")


# Forward only: a hearing is held, then its notes are finished.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    HearingStatus.PLANNED: frozenset({HearingStatus.HELD}),
    HearingStatus.HELD: frozenset({HearingStatus.NOTES_DONE}),
    HearingStatus.NOTES_DONE: frozenset(),
}


class Hearing(TimeStampedModel):
    round = models.ForeignKey(HearingRound, on_delete=models.PROTECT, related_name="hearings")
    kind = models.CharField(_("種類"), max_length=20, choices=HearingKind.choices)
    held_on = BoundedDateField(_("実施日"))
    format = models.CharField(
        _("実施形式"), max_length=16, choices=MeetingFormat.choices, default=MeetingFormat.IN_PERSON
    )
    place = models.CharField(_("場所・オンラインの別"), max_length=200, blank=True)
    offices = models.ManyToManyField(
        Organization, verbose_name=_("ヒアリング先の事業所"), related_name="hearings_heard"
    )
    interviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("聞き手"), related_name="hearings_held"
    )
    participants = models.TextField(
        _("参加者（役職・氏名）"),
        max_length=1000,
        blank=True,
        help_text=_("1行に1人。事業所の職員だけを書きます（利用者の情報は書きません）。"),
    )
    status = models.CharField(
        _("状態"), max_length=16, choices=HearingStatus.choices, default=HearingStatus.PLANNED
    )
    free_notes = models.TextField(_("その他の記録"), max_length=NOTE_MAX_LENGTH, blank=True)
    notes_shared = models.BooleanField(
        _("記録をヒアリング先と共有する"),
        default=False,
        help_text=_("共有すると、ヒアリング先の事業所がこの回の記録を読めます。"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("ヒアリングの回")
        verbose_name_plural = _("ヒアリングの回")
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.get_kind_display()}"


class HearingNote(models.Model):
    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="notes")
    question = models.ForeignKey(HearingQuestion, on_delete=models.PROTECT, related_name="notes")
    text = models.TextField(_("記録"), max_length=NOTE_MAX_LENGTH)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("質問ごとの記録")
        verbose_name_plural = _("質問ごとの記録")
        ordering = ["hearing", "question__position"]
        constraints = [
            models.UniqueConstraint(fields=["hearing", "question"], name="hearing_note_question")
        ]

    def __str__(self) -> str:
        return f"{self.hearing_id}/{self.question_id}"


class Finding(TimeStampedModel):
    """A result (結果) drawn from the hearings, de-identified: the council reads it."""

    round = models.ForeignKey(HearingRound, on_delete=models.PROTECT, related_name="findings")
    text = models.TextField(_("結果（匿名化）"), max_length=FINDING_MAX_LENGTH)
    themes = models.JSONField(_("テーマ"), default=list)
    hearings = models.ManyToManyField(
        Hearing, verbose_name=_("もとのヒアリング"), related_name="findings"
    )
    deidentification_kept = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("ヒアリングの結果")
        verbose_name_plural = _("ヒアリングの結果")
        ordering = ["round", "pk"]

    def __str__(self) -> str:
        return self.text[:40]

    def theme_labels(self) -> list[str]:
        labels = dict(IssueTheme.choices)
        return [str(labels.get(t, t)) for t in self.themes]


class Direction(TimeStampedModel):
    """A direction (方向性) the holder proposes from the findings; adopted by the council."""

    round = models.ForeignKey(HearingRound, on_delete=models.PROTECT, related_name="directions")
    title = models.CharField(_("方向性"), max_length=120)
    text = models.TextField(_("内容（匿名化）"), max_length=DIRECTION_MAX_LENGTH)
    theme = models.CharField(_("主なテーマ"), max_length=24, choices=IssueTheme.choices)
    findings = models.ManyToManyField(
        Finding, verbose_name=_("根拠とする結果"), related_name="directions"
    )
    deidentification_kept = models.JSONField(default=dict, blank=True)
    adopted_on = BoundedDateField(_("協議会で採択した日"), null=True, blank=True)
    adopted_meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("採択した会議"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hearing_directions",
    )
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    community_issue = models.OneToOneField(
        "meetings.CommunityIssue",
        verbose_name=_("地域課題"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hearing_direction",
    )
    resource_development = models.OneToOneField(
        "meetings.ResourceDevelopment",
        verbose_name=_("資源開発"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hearing_direction",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("方向性")
        verbose_name_plural = _("方向性")
        ordering = ["round", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(adopted_meeting__isnull=True) | Q(adopted_on__isnull=False),
                name="hearing_direction_meeting_has_date",
            ),
            models.CheckConstraint(
                condition=Q(community_issue__isnull=True, resource_development__isnull=True)
                | Q(adopted_on__isnull=False),
                name="hearing_direction_taken_up_when_adopted",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_adopted(self) -> bool:
        return self.adopted_on is not None
