from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tsunagu.accounts.models import User
from tsunagu.cases.models import MeetingFormat
from tsunagu.core.validators import MAX_YEAR, MIN_YEAR, BoundedFormDateField
from tsunagu.hearings.models import (
    DIRECTION_MAX_LENGTH,
    FINDING_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    Direction,
    Finding,
    Hearing,
    HearingKind,
    HearingQuestion,
    HearingRound,
    HearingStatus,
)
from tsunagu.meetings.models import DevelopmentKind, IssueTheme, Meeting, MeetingBody
from tsunagu.organizations.models import Organization

PRIVACY_HELP = _(
    "協議会の資料に載ります。氏名・住所・事業所名など、個人や事業所が分かることは書かないでください。"
)


class UsersField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # generic in the stubs only
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.get_username()


class HearingsField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # generic in the stubs only
    def label_from_instance(self, obj: Hearing) -> str:
        offices = "、".join(o.name for o in obj.offices.all())
        return f"{obj.held_on:%Y-%m-%d} {obj.get_kind_display()}（{offices}）"


class FindingsField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # generic in the stubs only
    def label_from_instance(self, obj: Finding) -> str:
        return f"#{obj.pk} {obj.text[:60]}"


class MeetingField(forms.ModelChoiceField):  # type: ignore[type-arg]  # generic in the stubs only
    def label_from_instance(self, obj: Meeting) -> str:
        return f"{obj.starts_at:%Y-%m-%d} {obj.title}（{obj.body.name}）"


class RoundForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=120)
    fiscal_year = forms.IntegerField(
        label=_("年度（西暦）"), min_value=MIN_YEAR, max_value=MAX_YEAR, help_text=_("例: 2024")
    )
    purpose = forms.CharField(
        label=_("目的"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    questions = forms.CharField(
        label=_("質問項目"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("1行に1つ、聞く順に書きます。"),
    )
    council = forms.ModelChoiceField(
        label=_("報告先の協議会・部会"), queryset=MeetingBody.objects.none(), required=False
    )

    def __init__(
        self,
        *args: Any,
        councils: QuerySet[MeetingBody],
        round_: HearingRound | None = None,
        **kwargs: Any,
    ) -> None:
        if round_ is not None and not kwargs.get("initial"):
            kwargs["initial"] = {
                "title": round_.title,
                "fiscal_year": round_.fiscal_year,
                "purpose": round_.purpose,
                "questions": "\n".join(q.text for q in round_.questions.order_by("position")),
                "council": round_.council_id,
            }
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = councils  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["questions"] = data["questions"].splitlines()
        return data


class HearingForm(forms.Form):
    kind = forms.ChoiceField(label=_("種類"), choices=HearingKind.choices)
    held_on = BoundedFormDateField(label=_("実施日"))
    format = forms.ChoiceField(label=_("実施形式"), choices=MeetingFormat.choices)
    place = forms.CharField(label=_("場所・オンラインの別"), max_length=200, required=False)
    offices = forms.ModelMultipleChoiceField(
        label=_("ヒアリング先の事業所"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("個別ヒアリングは1つの事業所、グループインタビューは複数です。"),
    )
    interviewers = UsersField(
        label=_("聞き手"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    participants = forms.CharField(
        label=_("参加者（役職・氏名）"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("1行に1人。事業所の職員だけを書きます（利用者の情報は書きません）。"),
    )

    def __init__(
        self,
        *args: Any,
        offices: QuerySet[Organization],
        interviewers: QuerySet[User],
        hearing: Hearing | None = None,
        **kwargs: Any,
    ) -> None:
        if hearing is not None and not kwargs.get("initial"):
            kwargs["initial"] = {
                "held_on": hearing.held_on,
                "format": hearing.format,
                "place": hearing.place,
                "participants": hearing.participants,
                "offices": list(hearing.offices.values_list("pk", flat=True)),
                "interviewers": list(hearing.interviewers.values_list("pk", flat=True)),
            }
        super().__init__(*args, **kwargs)
        self.fields["offices"].queryset = offices  # type: ignore[attr-defined]
        self.fields["interviewers"].queryset = interviewers  # type: ignore[attr-defined]
        if hearing is not None:
            del self.fields["kind"]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("状態"), choices=HearingStatus.choices)


class NotesForm(forms.Form):
    """One field per question of the guide (`q<id>`), then the free notes."""

    def __init__(
        self, *args: Any, questions: list[HearingQuestion], hearing: Hearing, **kwargs: Any
    ) -> None:
        if not kwargs.get("initial"):
            notes = {n.question_id: n.text for n in hearing.notes.all()}
            kwargs["initial"] = {f"q{q.pk}": notes.get(q.pk, "") for q in questions}
            kwargs["initial"]["free_notes"] = hearing.free_notes
        super().__init__(*args, **kwargs)
        self.questions = questions
        for number, question in enumerate(questions, 1):
            self.fields[f"q{question.pk}"] = forms.CharField(
                label=f"{number}. {question.text}",
                max_length=NOTE_MAX_LENGTH,
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
        self.fields["free_notes"] = forms.CharField(
            label=_("その他の記録"),
            max_length=NOTE_MAX_LENGTH,
            required=False,
            widget=forms.Textarea(attrs={"rows": 4}),
        )

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}", "") for q in self.questions}


class FindingForm(forms.Form):
    text = forms.CharField(
        label=_("結果（匿名化）"),
        max_length=FINDING_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=PRIVACY_HELP,
    )
    themes = forms.MultipleChoiceField(
        label=_("テーマ"), choices=IssueTheme.choices, widget=forms.CheckboxSelectMultiple
    )
    hearings = HearingsField(
        label=_("もとのヒアリング"),
        queryset=Hearing.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, hearings: QuerySet[Hearing], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hearings"].queryset = hearings  # type: ignore[attr-defined]


class DirectionForm(forms.Form):
    title = forms.CharField(label=_("方向性"), max_length=120, help_text=PRIVACY_HELP)
    text = forms.CharField(
        label=_("内容（匿名化）"),
        max_length=DIRECTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=PRIVACY_HELP,
    )
    theme = forms.ChoiceField(label=_("主なテーマ"), choices=IssueTheme.choices)
    findings = FindingsField(
        label=_("根拠とする結果"),
        queryset=Finding.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, findings: QuerySet[Finding], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["findings"].queryset = findings  # type: ignore[attr-defined]


class AdoptForm(forms.Form):
    adopted_on = BoundedFormDateField(label=_("協議会で採択した日"))
    meeting = MeetingField(
        label=_("採択した会議"),
        queryset=Meeting.objects.none(),
        required=False,
        help_text=_("報告先の協議会・部会の会議。選ぶと採択した日はその開催日です。"),
    )

    def __init__(self, *args: Any, meetings: QuerySet[Meeting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]


class IssueFromDirectionForm(forms.Form):
    title = forms.CharField(label=_("地域課題"), max_length=120)
    description = forms.CharField(
        label=_("課題の内容（匿名化）"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=PRIVACY_HELP,
    )

    def __init__(self, *args: Any, direction: Direction, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"title": direction.title, "description": direction.text})
        super().__init__(*args, **kwargs)


class DevelopmentFromDirectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("種類"), choices=DevelopmentKind.choices)
    title = forms.CharField(label=_("変わったこと"), max_length=200)
    beneficiaries = forms.CharField(
        label=_("誰のために"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=PRIVACY_HELP,
    )
    description = forms.CharField(
        label=_("詳しい内容"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    occurred_on = BoundedFormDateField(label=_("実現した日"))


class RoundFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter is untyped
    fiscal_year = django_filters.NumberFilter(
        label=_("年度（西暦）"), min_value=MIN_YEAR, max_value=MAX_YEAR
    )

    class Meta:
        model = HearingRound
        fields: list[str] = []
