"""Surveys (調査; issue 19; seed 000: the core center's survey of the commissioned offices, seed
003: the 実態調査 of the designated planning offices).

A survey is written by the core center or the city department (its `sender`): a title, a
purpose, a fiscal year, a deadline and ordered questions.  It is sent to chosen organizations
(`SurveyResponse`, one per recipient, made when the recipient is chosen); each recipient keeps a
draft of its answers as long as it likes and submits once, after which its answers are read-only
to it; only the sender reopens a submitted response, with a reason (audited).

A question's kind decides what an answer's `value` holds (surveys/kinds.py: one handler per
kind, so a new kind, such as the de-identified "list up to N of your cases", is one more
handler and one more choice).  A question may be bound to a record source (`prefill_key`,
surveys/prefill.py): the answer is then prefilled from the answering organization's own records,
and the prefilled value is kept beside the answered one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import TimeStampedModel
from tsunagu.core.validators import BoundedDateField
from tsunagu.organizations.models import Organization

TITLE_MAX_LENGTH = 200
PURPOSE_MAX_LENGTH = 2000
QUESTION_MAX_LENGTH = 500
TEXT_ANSWER_MAX_LENGTH = 4000
CHOICE_MAX_LENGTH = 100
MAX_CHOICES = 30
MAX_QUESTIONS = 100
MAX_COUNT = 1_000_000  # a count an office can report (cases, staff): beyond it, a typo
MAX_CASE_ROWS = 30  # a "list of your cases" question: at most this many rows
DEFAULT_CASE_ROWS = 10  # seed 000: 困難さの強い上位 10 ケース


class SurveyKind(models.TextChoices):
    GENERAL = "general", _("調査")
    OFFICE_CENSUS = "office_census", _("実態調査（指定特定相談支援事業所）")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("作成中")
    SENT = "sent", _("回答受付中")
    CLOSED = "closed", _("締切済み")


class Survey(TimeStampedModel):
    kind = models.CharField(
        _("種類"), max_length=20, choices=SurveyKind.choices, default=SurveyKind.GENERAL
    )
    title = models.CharField(_("調査名"), max_length=TITLE_MAX_LENGTH)
    purpose = models.TextField(_("目的"), max_length=PURPOSE_MAX_LENGTH, blank=True)
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    deadline = BoundedDateField(_("回答期限"))
    status = models.CharField(
        _("状態"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    sender = models.ForeignKey(
        Organization, verbose_name=_("実施機関"), on_delete=models.PROTECT, related_name="surveys"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作成者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("送付日時"), null=True, blank=True)
    closed_at = models.DateTimeField(_("締切日時"), null=True, blank=True)
    # The last day the periodic job reminded the recipients (at most once a day).
    auto_reminded_on = BoundedDateField(_("自動督促の日"), null=True, blank=True)

    class Meta:
        verbose_name = _("調査")
        verbose_name_plural = _("調査")
        ordering = ["-fiscal_year", "-deadline", "-pk"]
        indexes = [models.Index(fields=["sender", "fiscal_year"])]
        constraints = [
            # One 実態調査 a year per sender: the comparison reads "this year's" and "last year's".
            models.UniqueConstraint(
                fields=["sender", "fiscal_year"],
                condition=Q(kind="office_census"),
                name="surveys_one_census_a_year",
            )
        ]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    NUMBER = "number", _("数値")
    SINGLE = "single", _("単一選択")
    MULTIPLE = "multiple", _("複数選択")
    TEXT = "text", _("自由記述")
    TABLE = "table", _("件数の表")
    CASES = "cases", _("困難ケースの一覧")


class Question(models.Model):
    survey = models.ForeignKey(
        Survey, verbose_name=_("調査"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("順番"))
    kind = models.CharField(_("設問の種類"), max_length=20, choices=QuestionKind.choices)
    text = models.CharField(_("設問"), max_length=QUESTION_MAX_LENGTH)
    help_text = models.CharField(_("補足"), max_length=QUESTION_MAX_LENGTH, blank=True)
    required = models.BooleanField(_("回答必須"), default=False)
    # Single and multiple choice: the options; a table: its rows and columns.  What each kind
    # reads is in surveys/kinds.py.
    choices = models.JSONField(_("選択肢"), default=list, blank=True)
    rows = models.JSONField(_("表の行"), default=list, blank=True)
    columns = models.JSONField(_("表の列"), default=list, blank=True)
    # A list of cases: how many rows an office may give (seed 000: the top ten).
    max_rows = models.PositiveSmallIntegerField(_("ケースの数（上限）"), default=DEFAULT_CASE_ROWS)
    prefill_key = models.CharField(_("記録からの自動入力"), max_length=40, blank=True)
    # A stable key within a template (the 実態調査's "staff_full_time"), to compare years.
    code = models.CharField(_("設問コード"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("設問")
        verbose_name_plural = _("設問")
        ordering = ["survey", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "position"], name="surveys_question_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"


class ResponseStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未回答")
    DRAFT = "draft", _("回答中（下書き）")
    SUBMITTED = "submitted", _("提出済み")


class SurveyResponse(TimeStampedModel):
    """One recipient organization's answers to one survey."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("調査"), on_delete=models.CASCADE, related_name="responses"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("回答機関"),
        on_delete=models.PROTECT,
        related_name="survey_responses",
    )
    status = models.CharField(
        _("回答の状態"),
        max_length=12,
        choices=ResponseStatus.choices,
        default=ResponseStatus.NOT_STARTED,
    )
    saved_at = models.DateTimeField(_("最終保存日時"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reopened_at = models.DateTimeField(_("差し戻し日時"), null=True, blank=True)
    reopen_reason = models.CharField(_("差し戻しの理由"), max_length=400, blank=True)
    reminded_at = models.DateTimeField(_("最終督促日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("調査への回答")
        verbose_name_plural = _("調査への回答")
        ordering = ["survey", "organization__name_kana", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "organization"], name="surveys_one_response_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey} / {self.organization}"


class Answer(models.Model):
    response = models.ForeignKey(
        SurveyResponse, verbose_name=_("回答"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("設問"), on_delete=models.CASCADE, related_name="answers"
    )
    # What the office answered, and what the records said when the answer was prefilled (both
    # kept: the office may correct a prefilled figure before it submits).
    value = models.JSONField(_("回答"), null=True, blank=True)
    prefilled = models.JSONField(_("記録からの値"), null=True, blank=True)
    prefilled_at = models.DateTimeField(_("記録から入力した日時"), null=True, blank=True)
    # A list of cases: the office's own case ids, rank by rank.  The office's side only: the
    # sender's views and the API read `value` (de-identified summaries and factor keys).
    own_cases = models.JSONField(_("選んだケース（事業所側のみ）"), default=list, blank=True)
    # A free-text answer is shown across offices only once the sender has reviewed it.
    reviewed_at = models.DateTimeField(_("確認日時"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("確認者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("設問への回答")
        verbose_name_plural = _("設問への回答")
        ordering = ["response", "question__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="surveys_one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.response} / {self.question_id}"

    @property
    def from_records(self) -> bool:
        return self.prefilled is not None
