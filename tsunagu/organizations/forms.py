from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tsunagu.accounts.models import User
from tsunagu.core.validators import BoundedFormDateField
from tsunagu.organizations.models import (
    Area,
    JobTitle,
    Membership,
    Organization,
    StaffingPost,
    SystemRole,
)


class SwitchOrganizationForm(forms.Form):
    organization = forms.IntegerField(widget=forms.HiddenInput)


class StaffingPostForm(forms.ModelForm):  # type: ignore[type-arg]  # generic in the stubs only
    class Meta:
        model = StaffingPost
        fields = ["kind", "headcount", "required_from", "required_until"]


class StaffingPostEditForm(forms.ModelForm):  # type: ignore[type-arg]  # generic in the stubs only
    class Meta:
        model = StaffingPost
        fields = ["headcount", "required_until"]


class MemberChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # generic in stubs
    def label_from_instance(self, obj: Membership) -> str:
        return f"{obj.user.full_name}（{obj.get_job_title_display()}）"


class StaffingAssignmentForm(forms.Form):
    membership = MemberChoiceField(
        label=_("職員"), queryset=Membership.objects.none(), empty_label=_("選んでください")
    )
    started_on = BoundedFormDateField(label=_("就任日"))
    ended_on = BoundedFormDateField(
        label=_("最終勤務日"), required=False, help_text=_("空欄なら在任中。")
    )

    def __init__(self, *args: Any, members: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["membership"]
        assert isinstance(field, MemberChoiceField)  # noqa: S101
        field.queryset = members


class StaffingAssignmentEndForm(forms.Form):
    ended_on = BoundedFormDateField(label=_("最終勤務日"))


# --- Organizations, memberships and the office list, managed in the app (ADR 0014) ----------


class OrganizationForm(forms.Form):
    """The fields of `services.ORGANIZATION_FIELDS`; the kinds and areas offered are the ones
    the actor may give (organizations/management.py)."""

    kind = forms.ChoiceField(label=_("種別"))
    name = forms.CharField(label=_("名称"), max_length=200)
    name_kana = forms.CharField(
        label=_("名称（ふりがな）"),
        max_length=200,
        required=False,
        help_text=_("ひらがな・カタカナ（半角も可）。ひらがなで保存します。"),
    )
    short_name = forms.CharField(label=_("略称"), max_length=60, required=False)
    office_number = forms.CharField(
        label=_("事業所番号"),
        max_length=20,
        required=False,
        help_text=_("WAM NET の事業所番号（数字10桁）。指定を受けていない機関は空欄。"),
    )
    corporation_name = forms.CharField(
        label=_("運営法人"),
        max_length=200,
        required=False,
        help_text=_("例: 社会福祉法人 みどり会"),
    )
    areas_served = forms.ModelMultipleChoiceField(
        label=_("担当地域"),
        queryset=Area.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    has_accounts = forms.BooleanField(
        label=_("職員がサインインする"),
        required=False,
        initial=True,
        help_text=_("学校・医療機関・民生委員などはサインインせずに支援チームに加わります。"),
    )
    postal_code = forms.CharField(label=_("郵便番号"), max_length=8, required=False)
    address = forms.CharField(label=_("所在地"), max_length=200, required=False)
    phone = forms.CharField(label=_("電話番号"), max_length=20, required=False)
    fax = forms.CharField(label=_("FAX番号"), max_length=20, required=False)
    email = forms.EmailField(label=_("メールアドレス"), required=False)
    contact_person = forms.CharField(label=_("連絡担当者"), max_length=100, required=False)
    caseload_cap = forms.IntegerField(
        label=_("計画相談件数の上限"),
        min_value=1,
        max_value=10000,
        required=False,
        help_text=_("指定特定・障害児相談支援事業所と委託相談支援事業所のみ。例: 50"),
    )
    caseload_cap_due_on = BoundedFormDateField(label=_("上限の達成期限"), required=False)
    opened_on = BoundedFormDateField(label=_("開設日"), required=False)
    closed_on = BoundedFormDateField(label=_("廃止日"), required=False)

    def __init__(
        self,
        *args: Any,
        kinds: list[tuple[str, str]],
        areas: QuerySet[Area],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)  # noqa: S101
        kind.choices = [("", _("選んでください")), *kinds]
        served = self.fields["areas_served"]
        assert isinstance(served, forms.ModelMultipleChoiceField)  # noqa: S101
        served.queryset = areas

    @staticmethod
    def initial_of(organization: Organization) -> dict[str, Any]:
        return {
            "kind": organization.kind,
            "name": organization.name,
            "name_kana": organization.name_kana,
            "short_name": organization.short_name,
            "office_number": organization.office_number,
            "corporation_name": organization.corporation.name if organization.corporation else "",
            "areas_served": list(organization.areas_served.all()),
            "has_accounts": organization.has_accounts,
            "postal_code": organization.postal_code,
            "address": organization.address,
            "phone": organization.phone,
            "fax": organization.fax,
            "email": organization.email,
            "contact_person": organization.contact_person,
            "caseload_cap": organization.caseload_cap,
            "caseload_cap_due_on": organization.caseload_cap_due_on,
            "opened_on": organization.opened_on,
            "closed_on": organization.closed_on,
        }


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # generic in stubs
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name}（{obj.username}）"


class MembershipGrantForm(forms.Form):
    user = UserChoiceField(
        label=_("アカウント"), queryset=User.objects.none(), empty_label=_("選んでください")
    )
    job_title = forms.ChoiceField(label=_("職種"), choices=JobTitle.choices)
    role = forms.ChoiceField(
        label=_("システム上の役割"), choices=SystemRole.choices, initial=SystemRole.STAFF
    )
    started_on = BoundedFormDateField(
        label=_("所属の開始日"), required=False, help_text=_("空欄なら今日。")
    )

    def __init__(self, *args: Any, users: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, UserChoiceField)  # noqa: S101
        field.queryset = users


class MembershipEndForm(forms.Form):
    ended_on = BoundedFormDateField(label=_("所属の最終日"))


class OfficeImportForm(forms.Form):
    file = forms.FileField(
        label=_("事業所一覧のCSVファイル"),
        help_text=_(
            "WAM NET から出力した事業所一覧（UTF-8 または Shift_JIS）。まず取り込む内容を確認し、"
            "誤りがなければ取り込みます。"
        ),
    )
