from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tsunagu.core.validators import BoundedFormDateField
from tsunagu.directory.models import ResourceStatus, SocialResource
from tsunagu.trials.models import NOTE_MAX, WORDS_MAX, CandidateStatus, TrialKind


def offered_resources() -> QuerySet[SocialResource]:
    return (
        SocialResource.objects.exclude(status=ResourceStatus.DEFUNCT)
        .select_related("provider", "service_type")
        .order_by("service_type__name", "name_kana", "name", "pk")
    )


class ResourceChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # generic in stubs
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.service_type.name}: {obj.name}（{obj.provider.name}）"


class CandidateForm(forms.Form):
    resource = ResourceChoiceField(
        label=_("候補のサービス（社会資源）"),
        queryset=SocialResource.objects.none(),
        error_messages={"invalid_choice": _("一覧にあるサービスを選んでください。")},
    )
    reason = forms.CharField(label=_("候補にした理由"), max_length=NOTE_MAX, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["resource"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = offered_resources()


class VisitForm(forms.Form):
    visited_on = BoundedFormDateField(label=_("行った日"))
    kind = forms.ChoiceField(label=_("種類"), choices=TrialKind.choices)
    who_went = forms.CharField(
        label=_("行った人"), max_length=NOTE_MAX, help_text=_("例: 本人、母、相談支援専門員")
    )
    person_liked = forms.CharField(
        label=_("よかったところ（本人の言葉）"),
        max_length=WORDS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("本人が話したとおりに書きます。"),
    )
    person_disliked = forms.CharField(
        label=_("いやだったところ（本人の言葉）"),
        max_length=WORDS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    worker_liked = forms.CharField(
        label=_("よかったところ（支援者から見て）"),
        max_length=WORDS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    worker_disliked = forms.CharField(
        label=_("気になったところ（支援者から見て）"),
        max_length=WORDS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


DECISIONS = [
    (CandidateStatus.CHOSEN.value, CandidateStatus.CHOSEN.label),
    (CandidateStatus.NOT_CHOSEN.value, CandidateStatus.NOT_CHOSEN.label),
]


class DecisionForm(forms.Form):
    status = forms.ChoiceField(label=_("決めたこと"), choices=DECISIONS)
    decided_on = BoundedFormDateField(label=_("決めた日"))
    note = forms.CharField(label=_("決めた理由"), max_length=NOTE_MAX, required=False)
