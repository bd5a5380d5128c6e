from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from tsunagu.accounts.models import User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from tsunagu.cases.access import consultations_visible_to
from tsunagu.cases.selectors import emergency_reviewer_choices
from tsunagu.community.models import (
    QUESTIONS,
    ActivityKind,
    Audience,
    AwarenessTheme,
    CloseReason,
    LeadBasis,
    WorriedBy,
)
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Invalid
from tsunagu.core.validators import MAX_ID, BoundedFormDateField
from tsunagu.meetings.models import CommunityIssue
from tsunagu.organizations.models import Area, Organization
from tsunagu.records.forms import MultipleFileField
from tsunagu.records.services import attachment_check


def _areas() -> Any:
    return Area.objects.order_by("sort_order", "code")


def _count(label: StrOrPromise) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=100_000, initial=0)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("活動の種類"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("活動名"), max_length=120)
    held_on = BoundedFormDateField(label=_("実施日"))
    area = forms.ModelChoiceField(label=_("地域"), queryset=Area.objects.none())
    partners = forms.ModelMultipleChoiceField(
        label=_("連携した機関"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("関係機関の一覧から選びます（Ctrlキーで複数）。"),
    )
    informal_partners = forms.CharField(
        label=_("連携した団体（インフォーマル）"),
        max_length=300,
        required=False,
        help_text=_("町内会、サロン、ボランティア団体など。読点で区切ります。"),
    )
    residents = _count(_("参加者: 住民"))
    students = _count(_("参加者: 児童・生徒・学生"))
    firms = _count(_("参加者: 企業・事業所"))
    welfare_commissioners = _count(_("参加者: 民生委員・児童委員"))
    others = _count(_("参加者: その他"))
    description = forms.CharField(
        label=_("内容"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("個人が特定される情報は書かないでください。"),
    )
    consultation = forms.IntegerField(
        label=_("つながった相談の番号"),
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text=_("この活動から相談につながったときの相談受付の番号。"),
    )
    resource_found = forms.CharField(label=_("把握した社会資源"), max_length=200, required=False)
    community_issue = forms.ModelChoiceField(
        label=_("提起した地域課題"), queryset=CommunityIssue.objects.none(), required=False
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["area"].queryset = _areas()  # type: ignore[attr-defined]
        self.fields["partners"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        ).order_by("kind", "name")
        self.fields["community_issue"].queryset = CommunityIssue.objects.order_by(  # type: ignore[attr-defined]
            "-raised_on", "-pk"
        )

    def clean_consultation(self) -> Any:
        pk = self.cleaned_data.get("consultation")
        if pk is None:
            return None
        found = consultations_visible_to(self.actor).filter(pk=pk).first()
        if found is None:
            raise forms.ValidationError(_("この番号の相談は見つかりません。"))
        return found


class AwarenessForm(ActivityForm):
    theme = forms.ChoiceField(label=_("テーマ"), choices=AwarenessTheme.choices)
    audiences = forms.MultipleChoiceField(
        label=_("対象"), choices=Audience.choices, widget=forms.CheckboxSelectMultiple
    )
    supporters_completed = forms.IntegerField(
        label=_("障がい者サポーター（修了者）"),
        min_value=0,
        max_value=100_000,
        initial=0,
        help_text=_("障がい者サポーター研修を修了した人数。"),
    )
    field_order = ["title", "theme", "held_on", "area", "audiences"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["kind"]
        for key, question, answers in QUESTIONS:
            for answer, label in answers:
                self.fields[f"q_{key}_{answer}"] = forms.IntegerField(
                    label=_("%(question)s: %(answer)s") % {"question": question, "answer": label},
                    min_value=0,
                    max_value=100_000,
                    required=False,
                )

    def questionnaire(self) -> dict[str, dict[str, int]]:
        return {
            key: {answer: self.cleaned_data.get(f"q_{key}_{answer}") or 0 for answer, _l in answers}
            for key, _q, answers in QUESTIONS
        }

    @property
    def activity_fields(self) -> list[forms.BoundField]:
        return [f for f in self if not f.name.startswith("q_")]

    @property
    def question_fields(self) -> list[forms.BoundField]:
        return [f for f in self if f.name.startswith("q_")]


class AwarenessResultsForm(forms.Form):
    theme = forms.ChoiceField(label=_("テーマ"), choices=AwarenessTheme.choices)
    audiences = forms.MultipleChoiceField(
        label=_("対象"), choices=Audience.choices, widget=forms.CheckboxSelectMultiple
    )
    supporters_completed = forms.IntegerField(
        label=_("障がい者サポーター（修了者）"), min_value=0, max_value=100_000, initial=0
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, question, answers in QUESTIONS:
            for answer, label in answers:
                self.fields[f"q_{key}_{answer}"] = forms.IntegerField(
                    label=_("%(question)s: %(answer)s") % {"question": question, "answer": label},
                    min_value=0,
                    max_value=100_000,
                    required=False,
                )

    def questionnaire(self) -> dict[str, dict[str, int]]:
        return AwarenessForm.questionnaire(self)  # type: ignore[arg-type]  # same field names


class MaterialForm(forms.Form):
    uploads = MultipleFileField(
        label=_("資料のファイル"),
        help_text=_(
            "PDFと画像（JPEG・PNG・GIF・WebP）、1ファイル10MBまで。複数選べます。"
            "個人が分かることは含めないでください。"
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
            raise forms.ValidationError(errors)
        return files


class LeadForm(forms.Form):
    label = forms.CharField(
        label=_("呼び名"),
        max_length=20,
        help_text=_("イニシャルなど。氏名・住所・電話番号は書きません。"),
    )
    area = forms.ModelChoiceField(label=_("地域"), queryset=Area.objects.none())
    worried_by = forms.ChoiceField(label=_("心配している人"), choices=WorriedBy.choices)
    worried_by_organization = forms.ModelChoiceField(
        label=_("心配している機関"), queryset=Organization.objects.none(), required=False
    )
    concern = forms.CharField(
        label=_("心配していること"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("必要なことだけを短く。病名や家族の事情の詳細は書きません。"),
    )
    received_on = BoundedFormDateField(label=_("受けた日"))
    basis = forms.ChoiceField(
        label=_("記録の根拠"), choices=LeadBasis.choices, widget=forms.RadioSelect
    )
    consent_given_on = BoundedFormDateField(label=_("同意を得た日"), required=False)
    consent_confirmed_by = forms.CharField(
        label=_("同意を確かめた人"), max_length=100, required=False
    )
    emergency_ends_on = BoundedFormDateField(label=_("緊急の根拠の終了日"), required=False)
    reviewer = forms.ModelChoiceField(
        label=_("確認する職員（基幹相談支援センター）"),
        queryset=User.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = _areas()  # type: ignore[attr-defined]
        self.fields["worried_by_organization"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        ).order_by("kind", "name")
        self.fields["reviewer"].queryset = emergency_reviewer_choices()  # type: ignore[attr-defined]


class ContactForm(forms.Form):
    on = BoundedFormDateField(label=_("初めて会えた日"))


class ConsentForm(forms.Form):
    given_on = BoundedFormDateField(label=_("同意を得た日"))
    confirmed_by = forms.CharField(label=_("同意を確かめた人"), max_length=100, required=False)


class ConnectForm(forms.Form):
    main_concern = forms.CharField(
        label=_("主訴"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("空欄なら、心配していることをそのまま相談の主訴にします。"),
    )


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("終了の理由"), choices=CloseReason.choices)
    note = forms.CharField(label=_("終了の補足"), max_length=200, required=False)
    on = BoundedFormDateField(label=_("終了日"), required=False)
