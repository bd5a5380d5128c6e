from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tsunagu.abuse.models import (
    TEXT_MAX_LENGTH,
    AbuserType,
    AbuseType,
    Judgement,
    Measure,
    ReportStatus,
)
from tsunagu.accounts.models import User
from tsunagu.cases.forms import DATETIME_LOCAL, PersonChoiceField
from tsunagu.core.validators import BoundedFormDateField
from tsunagu.people.models import Person


class TeamField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # generic in the stubs only
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.get_username()


class ReportForm(forms.Form):
    received_at = forms.DateTimeField(
        label=_("受付日時"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    victim_label = forms.CharField(
        label=_("本人（表示名）"),
        max_length=100,
        help_text=_("一覧に出る呼び名です（例：Aさん、40代男性）。"),
    )
    person = PersonChoiceField(
        label=_("本人（登録済みの方）"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("選ばない"),
        help_text=_("紐づけても、本人の支援チームには表示されません。"),
    )
    abuser_type = forms.ChoiceField(label=_("虐待者の種別"), choices=AbuserType.choices)
    abuse_types = forms.MultipleChoiceField(
        label=_("虐待の種別"), choices=AbuseType.choices, widget=forms.CheckboxSelectMultiple
    )
    summary = forms.CharField(
        label=_("通報の内容"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea
    )
    reporter_name = forms.CharField(label=_("通報者の氏名"), max_length=100, required=False)
    reporter_contact = forms.CharField(label=_("通報者の連絡先"), max_length=200, required=False)
    reporter_relation = forms.CharField(
        label=_("通報者と本人との関係"), max_length=100, required=False
    )
    response_team = TeamField(
        label=_("対応チーム"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("通報者の情報を見られるのは、対応チームの職員だけです。"),
    )

    def __init__(
        self, *args: Any, persons: QuerySet[Person], staff: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons  # type: ignore[attr-defined]
        self.fields["response_team"].queryset = staff  # type: ignore[attr-defined]


class TeamForm(forms.Form):
    response_team = TeamField(
        label=_("対応チーム"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, staff: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["response_team"].queryset = staff  # type: ignore[attr-defined]


class FactFindingForm(forms.Form):
    visited_on = BoundedFormDateField(label=_("訪問日"))
    visited_by = forms.CharField(label=_("訪問した職員"), max_length=200)
    findings = forms.CharField(
        label=_("事実確認の結果"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea
    )


class JudgementForm(forms.Form):
    meeting_on = BoundedFormDateField(label=_("コアメンバー会議の日"))
    attendees = forms.CharField(
        label=_("出席者"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    judgement = forms.ChoiceField(
        label=_("判断"), choices=Judgement.choices, widget=forms.RadioSelect
    )
    measures = forms.MultipleChoiceField(
        label=_("対応"),
        choices=Measure.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class PrefectureForm(forms.Form):
    reported_on = BoundedFormDateField(label=_("都道府県への報告日"))


class CloseForm(forms.Form):
    closed_on = BoundedFormDateField(label=_("終結日"))
    note = forms.CharField(
        label=_("終結の理由"), max_length=2000, required=False, widget=forms.Textarea
    )


class ReportFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter is untyped
    status = django_filters.ChoiceFilter(label=_("状態"), choices=ReportStatus.choices)
    abuser_type = django_filters.ChoiceFilter(label=_("虐待者の種別"), choices=AbuserType.choices)


class YearForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
