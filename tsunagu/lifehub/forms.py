from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.cases.forms import DATETIME_LOCAL
from tsunagu.core.validators import BoundedFormDateField
from tsunagu.lifehub.models import (
    EmergencyReason,
    HubFunction,
    PublicationScope,
    ResidentActivityKind,
)
from tsunagu.organizations.models import Area, Organization


def _organizations() -> Any:
    return Organization.objects.filter(is_active=True).order_by("name")


class ActivityForm(forms.Form):
    name = forms.CharField(label=_("活動の名称"), max_length=200)
    kind = forms.ChoiceField(label=_("活動の種類"), choices=ResidentActivityKind.choices)
    group_name = forms.CharField(label=_("運営する住民のグループ"), max_length=200)
    area = forms.ModelChoiceField(
        label=_("地域"),
        queryset=Area.objects.filter(kind__in=["ward", "catchment"]).order_by("sort_order", "code"),
        required=False,
    )
    description = forms.CharField(
        label=_("活動の紹介"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    contact_name = forms.CharField(label=_("連絡担当の方"), max_length=100)
    contact_phone = forms.CharField(label=_("連絡先の電話"), max_length=20, required=False)
    consented_by_name = forms.CharField(label=_("掲載に同意した方"), max_length=100)
    consented_by_role = forms.CharField(
        label=_("同意した方の立場"),
        max_length=100,
        required=False,
        help_text=_("例: 代表、世話役。"),
    )
    consented_on = BoundedFormDateField(label=_("同意の日"))
    method = forms.CharField(
        label=_("確認の方法"),
        max_length=100,
        required=False,
        help_text=_("例: 書面、口頭（電話）。"),
    )
    scopes = forms.MultipleChoiceField(
        label=_("同意した掲載の範囲"),
        choices=PublicationScope.choices,
        widget=forms.CheckboxSelectMultiple,
    )


class ConsentForm(forms.Form):
    scope = forms.ChoiceField(label=_("同意の範囲"), choices=PublicationScope.choices)
    consented_by_name = forms.CharField(label=_("同意した方"), max_length=100)
    consented_by_role = forms.CharField(label=_("同意した方の立場"), max_length=100, required=False)
    consented_on = BoundedFormDateField(label=_("同意の日"))
    method = forms.CharField(label=_("確認の方法"), max_length=100, required=False)


class WithdrawForm(forms.Form):
    scope = forms.ChoiceField(label=_("撤回する範囲"), choices=PublicationScope.choices)
    note = forms.CharField(label=_("撤回について"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Shown beside the consent form, which has a `scope` too: ids of its own.
        kwargs.setdefault("auto_id", "id_withdraw_%s")
        super().__init__(*args, **kwargs)


class RoleForm(forms.Form):
    function = forms.ChoiceField(label=_("機能"), choices=HubFunction.choices)
    organization = forms.ModelChoiceField(label=_("担う機関"), queryset=Organization.objects.none())
    description = forms.CharField(label=_("担う内容"), max_length=300, required=False)
    capacity = forms.IntegerField(
        label=_("受け入れの枠（床）"), min_value=0, max_value=999, required=False
    )
    since = BoundedFormDateField(label=_("開始日"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = _organizations()  # type: ignore[attr-defined]


class EmergencyForm(forms.Form):
    received_at = forms.DateTimeField(
        label=_("受付日時"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    requesting_organization = forms.ModelChoiceField(
        label=_("依頼した機関"), queryset=Organization.objects.none(), required=False
    )
    reason = forms.ChoiceField(label=_("理由"), choices=EmergencyReason.choices)
    situation = forms.CharField(
        label=_("状況（氏名は書きません）"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("年代・障害の種類・必要な支援など。本人の記録は依頼元のケースにあります。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requesting_organization"].queryset = _organizations()  # type: ignore[attr-defined]


class AcceptForm(forms.Form):
    accepted_by = forms.ModelChoiceField(
        label=_("受け入れ先"), queryset=Organization.objects.none()
    )
    stay_from = BoundedFormDateField(label=_("受け入れ開始日"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accepted_by"].queryset = _organizations()  # type: ignore[attr-defined]


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("受け入れできなかった理由"), max_length=300)


class EndForm(forms.Form):
    stay_until = BoundedFormDateField(label=_("受け入れ終了日"))
