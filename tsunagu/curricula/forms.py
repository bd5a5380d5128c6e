from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tsunagu.core.validators import BoundedFormDateField
from tsunagu.curricula.models import NAME_MAX, TEXT_MAX, Curriculum, LearningStatus, Requirement
from tsunagu.trainings.models import TrainingEvent


class CurriculumForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=NAME_MAX)
    description = forms.CharField(
        label=_("説明"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("対象の職員、修了までの目安など。"),
    )


class StageForm(forms.Form):
    name = forms.CharField(
        label=_("段階の名称"), max_length=NAME_MAX, help_text=_("例: 第1段階 共通研修")
    )


class RequirementForm(forms.Form):
    name = forms.CharField(
        label=_("要件"), max_length=NAME_MAX, help_text=_("例: 相談支援従事者の共通研修")
    )
    description = forms.CharField(
        label=_("説明"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("同等の学習として認めるものなど。"),
    )


class EventChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # generic in the stubs only
    def label_from_instance(self, obj: TrainingEvent) -> str:
        return f"{obj.held_on:%Y-%m-%d} {obj.theme}（{obj.get_status_display()}）"


class LinkForm(forms.Form):
    event = EventChoiceField(
        label=_("要件を満たす研修"),
        queryset=TrainingEvent.objects.none(),
        empty_label=_("選んでください"),
    )

    def __init__(self, *args: Any, events: QuerySet[TrainingEvent], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = events  # type: ignore[attr-defined]


class RequirementChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # generic in the stubs only
    def label_from_instance(self, obj: Requirement) -> str:
        return f"{obj.stage.curriculum.name} ／ {obj.stage.name} ／ {obj.name}"


class LearningForm(forms.Form):
    requirement = RequirementChoiceField(
        label=_("満たす修了要件"),
        queryset=Requirement.objects.none(),
        empty_label=_("選んでください"),
    )
    course_name = forms.CharField(
        label=_("研修・講座の名称"),
        max_length=NAME_MAX,
        help_text=_("例: 相談支援従事者初任者研修（県）"),
    )
    provider = forms.CharField(label=_("実施機関"), max_length=NAME_MAX)
    completed_on = BoundedFormDateField(label=_("修了日"))
    evidence = forms.FileField(
        label=_("修了の証明"),
        help_text=_("修了証などのPDFか画像を1つ添付します。基幹相談支援センターが確認します。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = Requirement.objects.select_related(  # type: ignore[attr-defined]
            "stage__curriculum"
        ).order_by("stage__curriculum_id", "stage__position", "pk")


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("確認の結果"),
        choices=[(s.value, s.label) for s in (LearningStatus.APPROVED, LearningStatus.REJECTED)],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("確認のメモ"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("差し戻すときは理由を書きます。"),
    )


def requirement_initial(requirement: Requirement) -> dict[str, str]:
    return {"name": requirement.name, "description": requirement.description}


def curriculum_initial(curriculum: Curriculum) -> dict[str, str]:
    return {"name": curriculum.name, "description": curriculum.description}
