from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.accounts.models import User
from tsunagu.core.errors import Invalid
from tsunagu.core.validators import BoundedFormDateField
from tsunagu.records.models import BOARD_TEXT_MAX, NOTE_TEMPLATE_BODY_MAX, NoteKind, NoteTemplate
from tsunagu.records.services import attachment_check, note_problems

# The person's own entry (本人の声) is written by the person through the portal, never by staff.
STAFF_NOTE_KINDS = [(v, label) for v, label in NoteKind.choices if v != NoteKind.PERSON_VOICE]

DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class NoteFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("種別"),
        required=False,
        choices=[("", _("すべて")), *NoteKind.choices],
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one <input type="file" multiple>; each is cleaned as a FileField."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class NoteForm(forms.Form):
    occurred_at = forms.DateTimeField(
        label=_("日時"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL_FORMAT),
        input_formats=[DATETIME_LOCAL_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    kind = forms.ChoiceField(label=_("種別"), choices=[("", "---------"), *STAFF_NOTE_KINDS])
    participants = forms.CharField(
        label=_("参加者・相手方"),
        max_length=300,
        required=False,
        help_text=_("例: 本人、母、ヘルパー事業所 佐藤さん"),
    )
    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 8}))
    is_motivating_moment = forms.BooleanField(
        label=_("心の動く場面"),
        required=False,
        help_text=_("本人の気持ちが動いた場面として残します。"),
    )
    motivating_moment = forms.CharField(
        label=_("心の動く場面の内容"),
        max_length=300,
        required=False,
        help_text=_("「心の動く場面」に印を付けたときは必須です。"),
    )
    is_restricted = forms.BooleanField(
        label=_("限定公開"),
        required=False,
        help_text=_("記録者の機関と、記録した時点の主担当機関だけが読めます"),
    )
    next_contact_on = BoundedFormDateField(
        label=_("次回連絡予定日"),
        required=False,
        help_text=_(
            "入れると、この日が期限のタスクがあなたにできます。"
            "例: 令和7年4月1日、R7.4.1、2025-04-01"
        ),
    )
    attachments = MultipleFileField(
        label=_("添付ファイル"),
        required=False,
        help_text=_("PDFと画像（JPEG・PNG・GIF・WebP）、1ファイル10MBまで。複数選べます。"),
    )

    def __init__(self, *args: Any, template: NoteTemplate | None = None, **kwargs: Any) -> None:
        initial: dict[str, Any] = {
            "occurred_at": timezone.localtime().replace(second=0, microsecond=0)
        }
        if template is not None:  # the form starts from the organization's template
            initial.update(kind=template.kind, text=template.body)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)

    def clean_attachments(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data.get("attachments") or []
        errors = []
        for upload in files:
            try:
                attachment_check(upload)
            except Invalid as exc:
                errors.append(exc.message)
        if errors:
            errors.append(
                str(
                    _(
                        "記録はまだ保存されていません。"
                        "入力した内容は残っていますが、添付ファイルはもう一度選び直してください。"
                    )
                )
            )
            raise ValidationError(errors)
        return files

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for field, message in note_problems(cleaned).items():
            if field not in self.errors:  # one message per field: the first problem found
                self.add_error(field, message)
        return cleaned


class NextContactForm(forms.Form):
    next_contact_on = BoundedFormDateField(
        label=_("次回連絡予定日"),
        required=False,
        help_text=_(
            "空にすると、この記録からできたタスクは取り消されます。"
            "例: 令和7年4月1日、R7.4.1、2025-04-01"
        ),
    )


class NoteTemplateForm(forms.Form):
    name = forms.CharField(
        label=_("ひな形の名前"),
        max_length=60,
        help_text=_("例: 訪問、電話、ケース会議"),
        error_messages={"required": _("ひな形の名前を入力してください。")},
    )
    kind = forms.ChoiceField(
        label=_("記録の種別"),
        choices=[("", "---------"), *STAFF_NOTE_KINDS],
        error_messages={"required": _("種別を選んでください。")},
    )
    body = forms.CharField(
        label=_("本文のひな形"),
        error_messages={"required": _("本文のひな形を入力してください。")},
        max_length=NOTE_TEMPLATE_BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("見出しを1行ずつ。例: 【様子】【本人の話】【家族の話】【次回までに】"),
    )


class FormulationForm(forms.Form):
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    situation_summary = forms.CharField(
        label=_("状況の要約"), widget=forms.Textarea(attrs={"rows": 5})
    )
    background_factors = forms.CharField(
        label=_("背景要因"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("本人の特性、環境、これまでの経過など、状況の背景にあると考えられること。"),
    )
    hypothesis = forms.CharField(
        label=_("見立て（仮説）"), widget=forms.Textarea(attrs={"rows": 5})
    )
    support_policy = forms.CharField(label=_("支援方針"), widget=forms.Textarea(attrs={"rows": 5}))
    prompted_by = forms.CharField(
        label=_("見直しのきっかけ"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("どんな新しい情報で見立てを見直したか。2版目からは必須です。"),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        based_on = cleaned.get("based_on")
        if based_on and not str(cleaned.get("prompted_by") or "").strip():
            self.add_error("prompted_by", _("見立てを見直したきっかけを書いてください。"))
        return cleaned


class TeamUserField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # stubs
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name or obj.username}（@{obj.username}）"


class BoardMessageForm(forms.Form):
    text = forms.CharField(
        label=_("メッセージ"),
        max_length=BOARD_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("チーム内の短い連絡に。「@ユーザー名」で同僚に知らせられます。"),
    )
    parent = forms.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput()
    )
    mentions = TeamUserField(
        label=_("知らせる人"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attachments = MultipleFileField(
        label=_("添付ファイル"),
        required=False,
        help_text=_("PDFと画像（JPEG・PNG・GIF・WebP）、1ファイル10MBまで。複数選べます。"),
    )

    def __init__(self, *args: Any, team: QuerySet[User] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mentions = self.fields["mentions"]
        assert isinstance(mentions, forms.ModelMultipleChoiceField)  # noqa: S101
        mentions.queryset = team if team is not None else User.objects.none()
