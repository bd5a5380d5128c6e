from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.accounts.models import User
from tsunagu.core.dates import fiscal_year, fiscal_year_label
from tsunagu.core.validators import BoundedFormDateField
from tsunagu.grouphomes.models import (
    DEFAULT_REPORT_DUE_DAYS,
    FIRST_FISCAL_YEAR,
    MAX_REPORT_DUE_DAYS,
    REPORT_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    EvaluationPath,
    GroupHome,
    GroupHomeEvaluation,
    Step,
    Viewpoint,
)
from tsunagu.meetings.models import Meeting, MeetingBody
from tsunagu.organizations.models import Organization

QA_ROWS = 5


def year_choices() -> list[tuple[int, str]]:
    last = fiscal_year(timezone.localdate()) + 1
    return [(y, fiscal_year_label(y)) for y in range(last, FIRST_FISCAL_YEAR - 1, -1)]


class UserChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # generic in the stubs only
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.get_username()


class MeetingChoice(forms.ModelChoiceField):  # type: ignore[type-arg]  # generic in the stubs only
    def label_from_instance(self, obj: Meeting) -> str:
        return f"{timezone.localtime(obj.starts_at):%Y-%m-%d} {obj.title}"


class HomeForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("事業所（障害福祉サービス事業所）"),
        queryset=Organization.objects.none(),
        empty_label=_("選んでください"),
    )
    opened_on = BoundedFormDateField(label=_("開所日"))
    capacity = forms.IntegerField(label=_("定員"), min_value=1, max_value=1000)
    units = forms.IntegerField(label=_("共同生活住居の数"), min_value=1, max_value=100, initial=1)
    note = forms.CharField(
        label=_("備考"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args: Any,
        organizations: QuerySet[Organization] | None = None,
        home: GroupHome | None = None,
        **kwargs: Any,
    ) -> None:
        if home is not None and not kwargs.get("initial"):
            kwargs["initial"] = {
                "opened_on": home.opened_on,
                "capacity": home.capacity,
                "units": home.units,
                "note": home.note,
            }
        super().__init__(*args, **kwargs)
        if organizations is None:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]


class PlanForm(forms.Form):
    home = forms.ModelChoiceField(
        label=_("事業所"), queryset=GroupHome.objects.none(), empty_label=_("選んでください")
    )
    fiscal_year = forms.TypedChoiceField(label=_("年度"), coerce=int, choices=())
    path = forms.ChoiceField(
        label=_("評価の方法"),
        choices=EvaluationPath.choices,
        widget=forms.RadioSelect,
        help_text=_("過年度に実地調査をした事業所は書面で報告します。"),
    )
    body = forms.ModelChoiceField(
        label=_("評価の場（部会）"),
        queryset=MeetingBody.objects.none(),
        empty_label=_("選んでください"),
    )
    visit_planned_on = BoundedFormDateField(
        label=_("実地調査の予定日"), required=False, help_text=_("書面のときは空けます。")
    )
    evaluators = UserChoices(
        label=_("評価者"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("市担当課の職員と部会の委員（部会長など）から選びます。"),
    )
    report_due_days = forms.IntegerField(
        label=_("報告書の期限（日数）"),
        min_value=1,
        max_value=MAX_REPORT_DUE_DAYS,
        initial=DEFAULT_REPORT_DUE_DAYS,
        help_text=_("質疑・意見交換（書面は自己評価の受領）から何日以内に報告書を作るか。"),
    )

    def __init__(
        self,
        *args: Any,
        homes: QuerySet[GroupHome],
        bodies: QuerySet[MeetingBody],
        evaluators: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["home"].queryset = homes  # type: ignore[attr-defined]
        self.fields["body"].queryset = bodies  # type: ignore[attr-defined]
        self.fields["evaluators"].queryset = evaluators  # type: ignore[attr-defined]
        self.fields["fiscal_year"].choices = year_choices()  # type: ignore[attr-defined]
        self.fields["fiscal_year"].initial = fiscal_year(timezone.localdate())


def _viewpoint_fields(form: forms.Form, prefix: str, initial: dict[str, str]) -> None:
    for value, label in Viewpoint.choices:
        form.fields[f"{prefix}{value}"] = forms.CharField(
            label=label,
            max_length=TEXT_MAX_LENGTH,
            required=False,
            initial=initial.get(value, ""),
            widget=forms.Textarea(attrs={"rows": 3}),
        )


def _viewpoint_values(data: dict[str, Any], prefix: str) -> dict[str, str]:
    return {v: data.get(f"{prefix}{v}", "") for v in Viewpoint.values if data.get(f"{prefix}{v}")}


class VisitForm(forms.Form):
    visited_on = BoundedFormDateField(label=_("実地調査日"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _viewpoint_fields(self, "obs_", {})
        self.fields["findings"] = forms.CharField(
            label=_("実地調査の結果（まとめ）"),
            max_length=TEXT_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 5}),
        )

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "visited_on": data["visited_on"],
            "observations": _viewpoint_values(data, "obs_"),
            "findings": data["findings"],
        }


class SelfEvaluationForm(forms.Form):
    received_on = BoundedFormDateField(label=_("自己評価の受領日"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["summary"] = forms.CharField(
            label=_("実施状況の報告"),
            max_length=TEXT_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 5}),
        )
        _viewpoint_fields(self, "self_", {})

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "received_on": data["received_on"],
            "answers": _viewpoint_values(data, "self_"),
            "summary": data["summary"],
        }


class QaForm(forms.Form):
    held_on = BoundedFormDateField(label=_("質疑・意見交換の日"))
    meeting = MeetingChoice(
        label=_("部会の会議（記録があれば）"),
        queryset=Meeting.objects.none(),
        required=False,
        empty_label=_("紐づけない"),
    )

    def __init__(self, *args: Any, meetings: QuerySet[Meeting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]
        for n in range(1, QA_ROWS + 1):
            self.fields[f"question_{n}"] = forms.CharField(
                label=_("質問・意見 %(n)s") % {"n": n},
                max_length=TEXT_MAX_LENGTH,
                required=n == 1,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"answer_{n}"] = forms.CharField(
                label=_("事業所の回答 %(n)s") % {"n": n},
                max_length=TEXT_MAX_LENGTH,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "held_on": data["held_on"],
            "meeting": data.get("meeting"),
            "items": [
                {"question": data.get(f"question_{n}", ""), "answer": data.get(f"answer_{n}", "")}
                for n in range(1, QA_ROWS + 1)
            ],
        }


class ReportForm(forms.Form):
    text = forms.CharField(
        label=_("評価報告書"),
        max_length=REPORT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("実地調査の結果、自己評価、質疑・意見交換を踏まえた評価と、事業所への提案。"),
    )


class EvaluationFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter is untyped
    # Django's TypedChoiceField adds no empty choice: without one the first year showed as
    # chosen while the list held every year.
    fiscal_year = django_filters.TypedChoiceFilter(
        label=_("年度"),
        coerce=int,
        empty_value=None,
        choices=lambda: [("", _("すべての年度")), *year_choices()],
    )
    step = django_filters.ChoiceFilter(label=_("段階"), choices=Step.choices)
    path = django_filters.ChoiceFilter(label=_("評価の方法"), choices=EvaluationPath.choices)

    class Meta:
        model = GroupHomeEvaluation
        fields: list[str] = []


class HomeFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter is untyped
    class Meta:
        model = GroupHome
        fields: list[str] = []
