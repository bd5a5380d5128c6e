"""What happened in a case (支援経過記録) and the evolving formulation (見立て)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import StoredAttachment, TimeStampedModel
from tsunagu.core.storage import extension_for, private_storage
from tsunagu.core.validators import BoundedDateField


class NoteKind(models.TextChoices):
    INTERVIEW = "interview", _("面談")
    HOME_VISIT = "home_visit", _("訪問")
    PHONE = "phone", _("電話")
    ACCOMPANIMENT = "accompaniment", _("同行")
    CASE_CONFERENCE = "case_conference", _("ケース会議")
    AGENCY_CONTACT = "agency_contact", _("関係機関連絡")
    EMAIL = "email", _("メール")
    OTHER = "other", _("その他")
    # Written by the person through the portal (issue 22: どう？): no staff author.
    PERSON_VOICE = "person_voice", _("本人の声（どう？）")


class ProgressNote(TimeStampedModel):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="notes")
    occurred_at = models.DateTimeField(_("日時"), default=timezone.now)
    kind = models.CharField(_("種別"), max_length=24, choices=NoteKind.choices)
    # Empty only for the person's own entry from the portal (kind person_voice): the person is
    # not a user, and naming the counselor who received it would put words in their mouth.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("記録者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    author_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("記録者の所属"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    participants = models.CharField(_("参加者・相手方"), max_length=300, blank=True)
    text = models.TextField(_("内容"))
    is_motivating_moment = models.BooleanField(_("心の動く場面"), default=False)
    motivating_moment = models.CharField(_("心の動く場面の内容"), max_length=300, blank=True)
    is_restricted = models.BooleanField(
        _("限定公開"),
        default=False,
        help_text=_("記録者と記録者の所属機関、書いた時点の主担当機関だけが読めます。"),
    )
    # The day the author means to contact the person again: it becomes a task of the author's
    # organization (plans.Task, source "note"), moved or cancelled with this date.
    next_contact_on = BoundedDateField(_("次回連絡予定日"), null=True, blank=True)

    class Meta:
        verbose_name = _("支援経過記録")
        verbose_name_plural = _("支援経過記録")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["case", "occurred_at"]),
            # The few restricted notes of the visible cases, for search (ADR 0006).  Partial:
            # on (is_restricted, case) SQLite preferred the plain case index and read every
            # note of the cases.
            models.Index(
                fields=["case"],
                condition=models.Q(is_restricted=True),
                name="records_note_restricted_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d} {self.get_kind_display()}"


NOTE_TEMPLATE_BODY_MAX = 4000


class NoteTemplate(TimeStampedModel):
    """A named starting text for progress notes (訪問・電話・会議…) kept by one organization:
    headings its workers fill in, so that the notes of an office read alike."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("機関"),
        on_delete=models.PROTECT,
        related_name="note_templates",
    )
    name = models.CharField(_("ひな形の名前"), max_length=60)
    kind = models.CharField(_("記録の種別"), max_length=24, choices=NoteKind.choices)
    body = models.TextField(
        _("本文のひな形"),
        max_length=NOTE_TEMPLATE_BODY_MAX,
        help_text=_("例: 【様子】【本人の話】【家族の話】【次回までに】を1行ずつ。"),
    )
    is_active = models.BooleanField(_("使用中"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("記録のひな形")
        verbose_name_plural = _("記録のひな形")
        ordering = ["-is_active", "kind", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"],
                condition=models.Q(is_active=True),
                name="note_template_active_name_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name


def attachment_path(instance: NoteAttachment | BoardAttachment, filename: str) -> str:
    # The stored name never uses what the user typed; it is served only through a view.  The
    # extension is that of the type judged from the bytes, never the one the user gave.
    extension = extension_for(instance.content_type)
    return f"attachments/{timezone.now():%Y/%m}/{instance.sha256}.{extension}"


class NoteAttachment(StoredAttachment):
    note = models.ForeignKey(ProgressNote, on_delete=models.PROTECT, related_name="attachments")
    # Empty only for the person's own voice note, sent with a どう？ from the portal (a note of
    # kind person_voice, which has no staff author either).
    uploaded_by = models.ForeignKey(  # type: ignore[assignment]  # nullable here only
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to=attachment_path, storage=private_storage)

    class Meta(StoredAttachment.Meta):
        verbose_name = _("添付ファイル")
        verbose_name_plural = _("添付ファイル")

    @property
    def is_audio(self) -> bool:
        return self.content_type.startswith("audio/")


class Formulation(models.Model):
    """One revision of the 見立て.  Revisions are never edited; a new one supersedes."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="formulations")
    revision = models.PositiveIntegerField(_("版"))
    situation_summary = models.TextField(_("状況の要約"))
    background_factors = models.TextField(_("背景要因"), blank=True)
    hypothesis = models.TextField(_("見立て（仮説）"))
    support_policy = models.TextField(_("支援方針"))
    prompted_by = models.TextField(
        _("見直しのきっかけ"), blank=True, help_text=_("どんな新しい情報で見立てを見直したか。")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("記録者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    author_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now)

    class Meta:
        verbose_name = _("見立て")
        verbose_name_plural = _("見立て")
        ordering = ["case", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["case", "revision"], name="one_formulation_revision")
        ]

    def __str__(self) -> str:
        return f"{self.case} 第{self.revision}版"


BOARD_TEXT_MAX = 2000


class BoardMessage(TimeStampedModel):
    """A short message on a case's board (掲示板) for its team: how the team talks about the
    work, apart from the progress notes, which record what happened with the person."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="board_messages")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("返信先"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replies",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("投稿者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    author_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("投稿者の所属"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("メッセージ"), max_length=BOARD_TEXT_MAX)
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("メンション"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("掲示板のメッセージ")
        verbose_name_plural = _("掲示板のメッセージ")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["case", "created_at"])]

    def __str__(self) -> str:
        return f"{self.case_id} #{self.pk}"


class BoardAttachment(StoredAttachment):
    message = models.ForeignKey(BoardMessage, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, storage=private_storage)

    class Meta(StoredAttachment.Meta):
        verbose_name = _("掲示板の添付ファイル")
        verbose_name_plural = _("掲示板の添付ファイル")
