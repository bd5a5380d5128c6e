from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tsunagu.core.errors import Invalid
from tsunagu.core.lists import DayFilter
from tsunagu.core.validators import BoundedFormDateField
from tsunagu.expertise.models import Theme
from tsunagu.organizations.models import JobTitle, Membership, Organization, OrganizationKind
from tsunagu.records.forms import MultipleFileField
from tsunagu.records.services import attachment_check
from tsunagu.trainings.models import (
    ANSWER_TEXT_MAX,
    CAPACITY_MAX,
    SATISFACTION_CHOICES,
    USEFULNESS_CHOICES,
    Attendance,
    EventFormat,
    EventKind,
    EventStatus,
    Registration,
    TrainingEvent,
)

# What the organizer may set; 開催済み follows from the attendance.
SETTABLE_STATUSES = [
    (s.value, s.label)
    for s in (EventStatus.DRAFT, EventStatus.ANNOUNCED, EventStatus.CLOSED, EventStatus.CANCELLED)
]


class EventForm(forms.Form):
    theme = forms.CharField(label=_("テーマ"), max_length=200)
    kind = forms.ChoiceField(label=_("形式"), choices=EventKind.choices)
    held_on = BoundedFormDateField(label=_("開催日"))
    starts_at = forms.TimeField(label=_("開始時刻"), help_text=_("例: 13:30"))
    ends_at = forms.TimeField(label=_("終了時刻"), help_text=_("例: 16:30"))
    format = forms.ChoiceField(label=_("開催方法"), choices=EventFormat.choices)
    place = forms.CharField(label=_("会場・接続先"), max_length=200, required=False)
    lecturers = forms.CharField(
        label=_("講師"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("1行に1人。「氏名（所属）」の形で書きます。"),
    )
    co_organizers = forms.ModelMultipleChoiceField(
        label=_("共催"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_kinds = forms.MultipleChoiceField(
        label=_("対象の機関種別"),
        choices=OrganizationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_job_titles = forms.MultipleChoiceField(
        label=_("対象の職種"),
        choices=JobTitle.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    themes = forms.MultipleChoiceField(
        label=_("分野"),
        choices=Theme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("出席した職員の事業所の専門性（専門性の一覧）に数えられます。"),
    )
    capacity = forms.IntegerField(label=_("定員"), min_value=1, max_value=CAPACITY_MAX)
    status = forms.ChoiceField(label=_("状態"), choices=SETTABLE_STATUSES)

    def __init__(self, *args: Any, event: TrainingEvent | None = None, **kwargs: Any) -> None:
        if event is not None and not kwargs.get("initial"):
            kwargs["initial"] = {
                **{
                    name: getattr(event, name)
                    for name in (
                        "theme",
                        "kind",
                        "held_on",
                        "starts_at",
                        "ends_at",
                        "format",
                        "place",
                        "lecturers",
                        "target_kinds",
                        "target_job_titles",
                        "themes",
                        "capacity",
                        "status",
                    )
                },
                "co_organizers": list(event.co_organizers.values_list("pk", flat=True)),
            }
        super().__init__(*args, **kwargs)
        self.fields["co_organizers"].queryset = Organization.objects.active().exclude(  # type: ignore[attr-defined]
            kind=OrganizationKind.CORE_CENTER
        )
        if event is None:
            self.fields["status"].choices = SETTABLE_STATUSES[:2]  # type: ignore[attr-defined]


class MemberChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # generic in the stubs only
    def label_from_instance(self, obj: Membership) -> str:
        return f"{obj.user.full_name}（{obj.organization.name}・{obj.get_job_title_display()}）"


class RegistrationForm(forms.Form):
    membership = MemberChoiceField(
        label=_("申し込む職員"), queryset=Membership.objects.none(), empty_label=_("選んでください")
    )

    def __init__(self, *args: Any, members: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = members  # type: ignore[attr-defined]


class AttendanceForm(forms.Form):
    """One choice per registered worker: 出席 or 欠席."""

    def __init__(self, *args: Any, registrations: list[Registration], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            (Attendance.ATTENDED.value, Attendance.ATTENDED.label),
            (Attendance.ABSENT.value, Attendance.ABSENT.label),
        ]
        self.registrations = registrations
        for registration in registrations:
            self.fields[f"r{registration.pk}"] = forms.ChoiceField(
                label=f"{registration.worker.full_name}（{registration.organization.name}）",
                choices=choices,
                widget=forms.RadioSelect,
                initial=registration.attendance or None,
                required=False,
            )

    def marks(self) -> dict[int, str]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items() if value}


class QuestionnaireForm(forms.Form):
    """The questionnaire after an event: nothing in it names the one who answers."""

    satisfaction = forms.TypedChoiceField(
        label=_("研修の満足度"),
        choices=SATISFACTION_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    usefulness = forms.TypedChoiceField(
        label=_("業務への役立ち"),
        choices=USEFULNESS_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("感想・意見"),
        max_length=ANSWER_TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "自由記述は名前を伏せて主催者に表示されます。個人が分かることは書かないでください。"
        ),
    )
    topics_wanted = forms.CharField(
        label=_("今後取り上げてほしいテーマ"),
        max_length=ANSWER_TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("研修計画づくりに使います。"),
    )
    topic_themes = forms.MultipleChoiceField(
        label=_("今後受けたい分野"),
        choices=Theme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class MaterialForm(forms.Form):
    uploads = MultipleFileField(
        label=_("資料のファイル"),
        help_text=_(
            "PDFと画像（JPEG・PNG・GIF・WebP）、1ファイル10MBまで。複数選べます。"
            "申込者に配られます。個人が分かることは含めないでください。"
        ),
    )

    def clean_uploads(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data.get("uploads") or []
        errors = []
        for upload in files:
            try:
                attachment_check(upload)
            except Invalid as exc:
                errors.append(exc.message)
        if errors:
            raise ValidationError(errors)
        return files


class EventFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter is untyped
    theme = django_filters.CharFilter(label=_("テーマ"), lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(label=_("形式"), choices=EventKind.choices)
    status = django_filters.ChoiceFilter(label=_("状態"), choices=EventStatus.choices)
    held_from = DayFilter(label=_("開催日（から）"), field_name="held_on", lookup_expr="gte")
    held_until = DayFilter(label=_("開催日（まで）"), field_name="held_on", lookup_expr="lte")

    class Meta:
        model = TrainingEvent
        fields: list[str] = []
