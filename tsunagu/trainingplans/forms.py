from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.core.dates import fiscal_year, fiscal_year_label
from tsunagu.expertise.models import Theme
from tsunagu.meetings.models import CommunityIssue
from tsunagu.organizations.models import OrganizationKind
from tsunagu.trainingplans import selectors
from tsunagu.trainingplans.models import (
    NOTE_MAX_LENGTH,
    NeedSource,
    PlannedTraining,
    PlanStatus,
    TrainingPlan,
)
from tsunagu.trainings.models import EventKind, TrainingEvent


def year_choices() -> list[tuple[int, str]]:
    this_year = fiscal_year(timezone.localdate())
    return [(y, fiscal_year_label(y)) for y in range(this_year + 1, this_year - 3, -1)]


class PlanForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(label=_("年度"), coerce=int, choices=())
    note = forms.CharField(
        label=_("方針・重点"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("この年度の研修の方針や重点。個人が分かることは書かないでください。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = year_choices()  # type: ignore[attr-defined]


class PlanEditForm(forms.Form):
    note = PlanForm.base_fields["note"]
    status = forms.ChoiceField(
        label=_("状態"),
        choices=PlanStatus.choices,
        help_text=_("「公開」にすると、ネットワークの事業所が計画を見られます。"),
    )

    def __init__(self, *args: Any, plan: TrainingPlan, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"note": plan.note, "status": plan.status})
        super().__init__(*args, **kwargs)


class EventChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # generic in the stubs only
    def label_from_instance(self, obj: TrainingEvent) -> str:
        return f"{obj.held_on:%Y-%m-%d} {obj.theme}（{obj.get_status_display()}）"


class IssueChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # generic in the stubs only
    def label_from_instance(self, obj: CommunityIssue) -> str:
        return f"{obj.title}（{obj.get_theme_display()}）"


class ItemForm(forms.Form):
    theme = forms.CharField(label=_("テーマ"), max_length=200)
    month = forms.TypedChoiceField(label=_("予定月"), coerce=int, choices=())
    kind = forms.ChoiceField(label=_("形式"), choices=EventKind.choices)
    target_kinds = forms.MultipleChoiceField(
        label=_("対象の機関種別"),
        choices=OrganizationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_note = forms.CharField(
        label=_("対象（補足）"),
        max_length=200,
        required=False,
        help_text=_("例: 相談支援専門員になって3年未満の職員"),
    )
    need_source = forms.ChoiceField(label=_("必要性の根拠"), choices=NeedSource.choices)
    community_issue = IssueChoiceField(
        label=_("もとの地域課題"),
        queryset=CommunityIssue.objects.none(),
        required=False,
        empty_label=_("（地域課題のときに選びます）"),
    )
    expertise_theme = forms.ChoiceField(
        label=_("専門性の分野"),
        choices=[("", _("（地域の専門性の不足のときに選びます）")), *Theme.choices],
        required=False,
    )
    need_note = forms.CharField(
        label=_("根拠の説明"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "調査やヒアリングの名称、未修了の段階など。個人が分かることは書かないでください。"
        ),
    )
    events = EventChoiceField(
        label=_("開催した研修"),
        queryset=TrainingEvent.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("この計画を実施した研修（この年度にセンターが主催・共催したもの）。"),
    )

    def __init__(
        self, *args: Any, plan: TrainingPlan, item: PlannedTraining | None = None, **kwargs: Any
    ) -> None:
        if item is not None and not kwargs.get("initial"):
            kwargs["initial"] = {
                **{
                    name: getattr(item, name)
                    for name in (
                        "theme",
                        "month",
                        "kind",
                        "target_kinds",
                        "target_note",
                        "need_source",
                        "expertise_theme",
                        "need_note",
                    )
                },
                "community_issue": item.community_issue_id,
                "events": list(item.events.values_list("pk", flat=True)),
            }
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = selectors.month_choices()  # type: ignore[attr-defined]
        self.fields["community_issue"].queryset = CommunityIssue.objects.order_by(  # type: ignore[attr-defined]
            "-raised_on", "-pk"
        )
        self.fields["events"].queryset = selectors.center_events(plan)  # type: ignore[attr-defined]
