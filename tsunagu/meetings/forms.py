from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from tsunagu.cases.models import ConferenceKind, MeetingFormat
from tsunagu.core.actor import Actor
from tsunagu.core.dates import fiscal_year_label, wareki
from tsunagu.core.errors import Invalid
from tsunagu.core.validators import BoundedFormDateField
from tsunagu.directory.models import SocialResource
from tsunagu.meetings import selectors
from tsunagu.meetings.models import (
    NO_PERSON_DATA_HELP,
    BodyKind,
    CommunityIssue,
    FrequencyKind,
    IssueSource,
    IssueStage,
    IssueTheme,
    Level,
    Meeting,
    MeetingBody,
    MeetingStatus,
    ResourceDevelopment,
)
from tsunagu.meetings.services import DEVELOPMENT_FIELDS
from tsunagu.organizations.models import Area, Organization
from tsunagu.records.forms import MultipleFileField
from tsunagu.records.services import attachment_check

DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
DATETIME_INPUTS = [DATETIME_LOCAL_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def _datetime(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL_FORMAT),
        input_formats=DATETIME_INPUTS,
    )


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False)

    def __init__(self, *args: Any, current: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = range(current + 1, current - 5, -1)
        self.fields["year"].choices = [(y, fiscal_year_label(y)) for y in years]  # type: ignore[attr-defined]  # a ChoiceField
        self.fields["year"].initial = current

    def chosen_year(self, current: int) -> int:
        if self.is_valid() and self.cleaned_data.get("year"):
            return int(self.cleaned_data["year"])
        return current


class BodyForm(forms.Form):
    name = forms.CharField(label=_("会議体の名称"), max_length=120)
    kind = forms.ChoiceField(label=_("種別"), choices=[("", "---------"), *BodyKind.choices])
    level = forms.ChoiceField(label=_("層"), choices=[("", "---------"), *Level.choices])
    parent = forms.ModelChoiceField(
        label=_("上位の会議体"), queryset=MeetingBody.objects.none(), required=False
    )
    area = forms.ModelChoiceField(label=_("地域"), queryset=Area.objects.all(), required=False)
    purpose = forms.CharField(
        label=_("目的"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    secretariats = forms.ModelMultipleChoiceField(
        label=_("事務局"), queryset=Organization.objects.active()
    )
    member_organizations = forms.ModelMultipleChoiceField(
        label=_("構成機関"), queryset=Organization.objects.active(), required=False
    )
    frequency_kind = forms.ChoiceField(label=_("開催頻度"), choices=FrequencyKind.choices)
    frequency_count = forms.IntegerField(
        label=_("年間の開催回数"),
        min_value=0,
        max_value=52,
        required=False,
        help_text=_("「年N回以上」のときの N。"),
    )
    frequency_months = forms.CharField(
        label=_("開催月"),
        required=False,
        max_length=60,
        help_text=_("「決まった月」のとき、読点かカンマで区切って。例: 5, 10, 2"),
    )

    def __init__(self, *args: Any, parents: QuerySet[MeetingBody], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]  # a ModelChoiceField

    def clean_frequency_months(self) -> list[int]:
        raw = self.cleaned_data.get("frequency_months") or ""
        parts = [p for p in re.split(r"[,、，\s]+", raw.replace("月", " ")) if p]
        try:
            return [int(p) for p in parts]
        except ValueError:
            raise forms.ValidationError(
                _("開催月は数字で書いてください（例: 5, 10, 2）。")
            ) from None

    def clean_frequency_count(self) -> int:
        return int(self.cleaned_data.get("frequency_count") or 0)


class MeetingForm(forms.Form):
    title = forms.CharField(
        label=_("会議名"), max_length=120, required=False, help_text=_("空欄なら会議体の名称。")
    )
    starts_at = _datetime(_("開始日時"))
    ends_at = _datetime(_("終了日時"))
    format = forms.ChoiceField(label=_("開催形式"), choices=MeetingFormat.choices)
    place = forms.CharField(label=_("場所"), max_length=200, required=False)
    agenda = forms.CharField(
        label=_("議題"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("1行に1つ。"),
    )


class MeetingRecordForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("状態"), choices=MeetingStatus.choices)
    attendees = forms.ModelMultipleChoiceField(
        label=_("出席した機関"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    guests = forms.CharField(
        label=_("ゲスト・構成員以外の出席者"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("1行に1人（所属・氏名）。"),
    )
    minutes = forms.CharField(
        label=_("議事録"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text=NO_PERSON_DATA_HELP,
    )
    decisions = forms.CharField(
        label=_("決定事項"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=NO_PERSON_DATA_HELP,
    )
    attachments = MultipleFileField(
        label=_("添付ファイル（議事録・配布資料）"),
        required=False,
        # The files are shared like the minutes: the same warning as on the minutes field.
        help_text=format_lazy(
            "{}{}",
            _("PDFと画像（JPEG・PNG・GIF・WebP）、1ファイル10MBまで。複数選べます。"),
            NO_PERSON_DATA_HELP,
        ),
    )

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = organizations  # type: ignore[attr-defined]  # a ModelMultipleChoiceField

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
                        "議事録はまだ保存されていません。"
                        "入力した内容は残っていますが、添付ファイルはもう一度選び直してください。"
                    )
                )
            )
            raise ValidationError(errors)
        return files


class ActionItemForm(forms.Form):
    title = forms.CharField(label=_("やること"), max_length=200)
    owner_organization = forms.ModelChoiceField(
        label=_("担当機関"), queryset=Organization.objects.none()
    )
    due_on = BoundedFormDateField(label=_("期限"), required=False)

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_organization"].queryset = organizations  # type: ignore[attr-defined]  # a ModelChoiceField


class ConferenceForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("会議の種類"),
        choices=[("", "---------"), *ConferenceKind.choices],
        help_text=_(
            "種類によって共有の根拠が決まります。支援会議は出席者ごとの守秘義務の誓約、"
            "ケース会議・重層的支援会議・合同ケースレビューは出席する機関すべてを含む本人の同意、"
            "事例検討会は匿名化した要約だけを共有します。"
        ),
    )
    held_at = _datetime(_("開催日時"))
    format = forms.ChoiceField(label=_("開催形式"), choices=MeetingFormat.choices)
    place = forms.CharField(label=_("場所"), max_length=200, required=False)
    body = forms.ModelChoiceField(
        label=_("開催した会議体"),
        queryset=MeetingBody.objects.none(),
        required=False,
        help_text=_("実務者ネットワーク会議の中で行う事例検討など。"),
    )
    purpose = forms.CharField(
        label=_("検討したいこと"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, bodies: QuerySet[MeetingBody], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies  # type: ignore[attr-defined]  # a ModelChoiceField


class ConferenceRecordForm(forms.Form):
    discussion = forms.CharField(
        label=_("検討の内容"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    decisions = forms.CharField(
        label=_("決定事項・役割分担"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    supervisor_name = forms.CharField(label=_("SV（助言者）の氏名"), max_length=100, required=False)
    supervisor_profession = forms.CharField(
        label=_("SVの職種"),
        max_length=100,
        required=False,
        help_text=_("例: 精神科医、社会福祉士。"),
    )
    supervisor_advice = forms.CharField(
        label=_("SVの助言"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class AttendeeForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("出席した機関"), queryset=Organization.objects.active()
    )
    name = forms.CharField(label=_("出席者名"), max_length=100, required=False)


class PledgeForm(forms.Form):
    pledged_by_name = forms.CharField(label=_("誓約した人の氏名"), max_length=100)


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("事例の要約（匿名化）"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "氏名・ふりがな・住所・電話番号・生年月日・正確な日付が残っていると共有できません。"
            "まれな事情は一般的な言い方に書き換えてください。"
        ),
    )


class IssueForm(forms.Form):
    title = forms.CharField(label=_("地域課題"), max_length=120)
    theme = forms.ChoiceField(label=_("テーマ"), choices=[("", "---------"), *IssueTheme.choices])
    area = forms.ModelChoiceField(label=_("地域"), queryset=Area.objects.all(), required=False)
    description = forms.CharField(
        label=_("課題の内容（匿名化）"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "協議会の資料にそのまま載ります。個人が特定される情報は書かないでください。"
            "複数のケースに共通する状況として書きます。"
        ),
    )
    source = forms.ChoiceField(label=_("きっかけ"), choices=IssueSource.choices)
    source_note = forms.CharField(
        label=_("調査・会議の名称"),
        max_length=200,
        required=False,
        help_text=_("調査やヒアリングの名称など。"),
    )
    raised_on = BoundedFormDateField(
        label=_("提起日"), required=False, help_text=_("課題を提起した日。空欄なら今日。")
    )

    def __init__(self, *args: Any, sources: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            (value, label) for value, label in IssueSource.choices if value in sources
        ]


class AdvanceForm(forms.Form):
    stage = forms.ChoiceField(label=_("次の段階"), choices=IssueStage.choices)
    meeting = forms.ModelChoiceField(
        label=_("会議"),
        queryset=Meeting.objects.none(),
        required=False,
        help_text=_("共有・部会での検討・協議会への提案は、どの会議で行ったかを選びます。"),
    )
    occurred_on = BoundedFormDateField(
        label=_("日付"),
        help_text=_("会議を選んだときは会議の開催日になります。"),
    )
    note = forms.CharField(
        label=_("メモ"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(
        self, *args: Any, stages: list[str], meetings: QuerySet[Meeting], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            (value, label) for value, label in IssueStage.choices if value in stages
        ]
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["meeting"].label_from_instance = lambda m: (  # type: ignore[attr-defined]  # a ModelChoiceField
            f"{m.starts_at:%Y-%m-%d} {m.body.name} {m.title}"
            if m.title != m.body.name
            else f"{m.starts_at:%Y-%m-%d} {m.body.name}"
        )


class NetworkForm(forms.Form):
    area = forms.ModelChoiceField(label=_("地域"), queryset=Area.objects.all(), required=False)
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False)

    def __init__(self, *args: Any, current: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = range(current, current - 5, -1)
        self.fields["year"].choices = [(y, fiscal_year_label(y)) for y in years]  # type: ignore[attr-defined]  # a ChoiceField
        self.fields["year"].initial = current
        self.current = current

    def chosen(self) -> tuple[Area | None, int]:
        """The area and year asked for; by default the city (the first top area) this year."""
        area, year = None, self.current
        if self.is_valid():
            area, year = self.cleaned_data["area"], self.cleaned_data["year"] or self.current
        if area is None:
            area = Area.objects.filter(parent__isnull=True).order_by("sort_order", "code").first()
        return area, year


# --- Resource developments (資源開発) -----------------------------------------------------------


class IssueChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # stubs
    def label_from_instance(self, obj: CommunityIssue) -> str:
        return f"{obj.title}（{obj.area.name}）" if obj.area else obj.title


class MeetingChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # stubs
    def label_from_instance(self, obj: Meeting) -> str:
        return f"{wareki(timezone.localtime(obj.starts_at).date())} {obj.title}"


class DevelopmentForm(forms.ModelForm):  # type: ignore[type-arg]  # stubs
    """`actor` decides the lists: every community issue, and only the meetings the actor may
    see.  A meeting already linked that this editor may not see is kept and not offered."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ResourceDevelopment
        fields = DEVELOPMENT_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "beneficiaries": forms.Textarea(attrs={"rows": 2}),
            "source_note": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {"community_issue": IssueChoiceField, "meeting": MeetingChoiceField}

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = SocialResource.objects.order_by("name_kana", "name")  # type: ignore[attr-defined]
        self.fields["community_issue"].queryset = selectors.development_issue_choices(actor)  # type: ignore[attr-defined]
        meetings = selectors.development_meeting_choices(actor)
        self.hidden_meeting = False
        current = self.instance.meeting_id if self.instance.pk else None
        if current is not None and not meetings.filter(pk=current).exists():
            # Never list a meeting the user may not see; keep the link as it is.
            del self.fields["meeting"]
            self.hidden_meeting = True
        else:
            self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]


class CouncilPackForm(forms.Form):
    """The fiscal year of a council's report pack: only the years it has records for."""

    fiscal_year = forms.TypedChoiceField(
        label=_("年度"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={
            "invalid_choice": _("その年度の報告資料は作れません。一覧にある年度を選んでください。")
        },
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["fiscal_year"]
        field.choices = [(y, fiscal_year_label(y)) for y in years]  # type: ignore[attr-defined]  # a ChoiceField
