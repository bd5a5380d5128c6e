from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tsunagu.accounts.models import User
from tsunagu.cases.models import Case
from tsunagu.core.dates import fiscal_year_label
from tsunagu.core.lists import DayFilter
from tsunagu.core.validators import BoundedFormDateField
from tsunagu.expertise.models import Theme
from tsunagu.organizations.models import Membership, Organization
from tsunagu.supervision.models import (
    ADVICE_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    SessionKind,
    SupervisionSession,
)

PRIVACY_HELP = _("氏名・住所・生年月日など、個人が分かることは書かないでください。")


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # generic in the stubs only
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.get_username()


class WorkersField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # generic in the stubs only
    def label_from_instance(self, obj: Membership) -> str:
        return f"{obj.user.full_name}（{obj.organization.name}）"


class CaseChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # generic in the stubs only
    def label_from_instance(self, obj: Case) -> str:
        return f"{obj.title}（{obj.opened_on:%Y-%m-%d}〜）"


class SessionForm(forms.Form):
    kind = forms.ChoiceField(label=_("種類"), choices=SessionKind.choices)
    held_on = BoundedFormDateField(label=_("開催日"))
    place = forms.CharField(label=_("場所"), max_length=200, required=False)
    supervisor = UserChoiceField(
        label=_("スーパーバイザー"), queryset=User.objects.none(), empty_label=_("選んでください")
    )
    offices = forms.ModelMultipleChoiceField(
        label=_("参加した事業所"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("個別スーパービジョンは1つの事業所です。"),
    )
    workers = WorkersField(
        label=_("参加した職員"),
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        supervisors: QuerySet[User],
        offices: QuerySet[Organization],
        workers: QuerySet[Membership],
        session: SupervisionSession | None = None,
        **kwargs: Any,
    ) -> None:
        if session is not None and not kwargs.get("initial"):
            kwargs["initial"] = {
                "kind": session.kind,
                "held_on": session.held_on,
                "place": session.place,
                "supervisor": session.supervisor_id,
                "offices": list(session.offices.values_list("pk", flat=True)),
                "workers": list(
                    workers.filter(user__in=session.workers.all()).values_list("pk", flat=True)
                ),
            }
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = supervisors  # type: ignore[attr-defined]
        self.fields["offices"].queryset = offices  # type: ignore[attr-defined]
        self.fields["workers"].queryset = workers  # type: ignore[attr-defined]
        if session is not None:
            del self.fields["kind"]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["workers"] = list({m.user_id: m.user for m in data["workers"]}.values())
        data["offices"] = list(data["offices"])
        return data


class ItemForm(forms.Form):
    presenting_office = forms.ModelChoiceField(
        label=_("提示する事業所"), queryset=Organization.objects.none(), empty_label=None
    )
    summary = forms.CharField(
        label=_("事例の概要（匿名化）"),
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=PRIVACY_HELP,
    )
    themes = forms.MultipleChoiceField(
        label=_("分野"),
        choices=Theme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    question = forms.CharField(
        label=_("相談したいこと"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    case = CaseChoiceField(
        label=_("実際の支援ケースと紐づける（任意）"),
        queryset=Case.objects.none(),
        required=False,
        empty_label=_("紐づけない（匿名化した事例として提示）"),
        help_text=_(
            "スーパーバイザーの所属機関が支援チームに加わっているケースだけを選べます。"
            "紐づけは、そのケースを見られる人にだけ表示されます。"
        ),
    )

    def __init__(
        self,
        *args: Any,
        offices: QuerySet[Organization],
        cases: QuerySet[Case] | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["presenting_office"].queryset = offices  # type: ignore[attr-defined]
        if cases is None:
            del self.fields["case"]
        else:
            self.fields["case"].queryset = cases  # type: ignore[attr-defined]


class LinkForm(forms.Form):
    case = CaseChoiceField(
        label=_("紐づける支援ケース"),
        queryset=Case.objects.none(),
        empty_label=_("選んでください"),
        help_text=ItemForm.base_fields["case"].help_text,
    )

    def __init__(self, *args: Any, cases: QuerySet[Case], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases  # type: ignore[attr-defined]


class AdviceForm(forms.Form):
    advice = forms.CharField(
        label=_("スーパーバイザーの助言"),
        max_length=ADVICE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=PRIVACY_HELP,
    )
    follow_up_point = forms.CharField(label=_("次回に確認すること"), max_length=400, required=False)


class AdviceToCaseForm(forms.Form):
    case = CaseChoiceField(
        label=_("記録する支援ケース"),
        queryset=Case.objects.none(),
        empty_label=_("選んでください"),
        help_text=_("提示事例は匿名化したまま残り、支援ケースとは紐づきません。"),
    )

    def __init__(self, *args: Any, cases: QuerySet[Case] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if cases is None:
            del self.fields["case"]
        else:
            self.fields["case"].queryset = cases  # type: ignore[attr-defined]


class SessionChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # generic in the stubs only
    def label_from_instance(self, obj: SupervisionSession) -> str:
        return f"{obj.held_on:%Y-%m-%d} {obj.get_kind_display()}"


class CarryForm(forms.Form):
    session = SessionChoiceField(
        label=_("持ち越し先の回"),
        queryset=SupervisionSession.objects.none(),
        empty_label=_("選んでください"),
    )
    follow_up_point = forms.CharField(label=_("次回に確認すること"), max_length=400, required=False)

    def __init__(self, *args: Any, sessions: QuerySet[SupervisionSession], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions  # type: ignore[attr-defined]


class FollowUpForm(forms.Form):
    result = forms.CharField(
        label=_("フォローアップの結果"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=PRIVACY_HELP,
    )


class YearForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(label=_("年度"), coerce=int, choices=())

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = [  # type: ignore[attr-defined]
            (y, fiscal_year_label(y)) for y in years
        ]


class SessionFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter is untyped
    kind = django_filters.ChoiceFilter(label=_("種類"), choices=SessionKind.choices)
    held_from = DayFilter(label=_("開催日（から）"), field_name="held_on", lookup_expr="gte")
    held_until = DayFilter(label=_("開催日（まで）"), field_name="held_on", lookup_expr="lte")

    class Meta:
        model = SupervisionSession
        fields: list[str] = []
