"""Forms parse and show input; the rules themselves live in services (shared with the API)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.core.validators import BoundedFormDateField
from tsunagu.organizations.models import Area, Organization
from tsunagu.people import protection, services
from tsunagu.people.models import (
    CERTIFICATE_GRADES,
    CertificateKind,
    CertificateStatus,
    ConsentMethod,
    ConsentPurpose,
    DisabilityCategory,
    HouseholdConcern,
    PhysicalDisabilityType,
    ProtectionBasis,
    Relationship,
    Sex,
    SupportCategory,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

NONE_CHOICE = [("", _("なし"))]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("氏名・フリガナ・生年月日・電話番号"),
        required=False,
        max_length=100,
        help_text=_("例: たなか、ﾀﾅｶ、田中花子、1980-04-01、昭和55年4月1日、090-1234"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


def _grade_field(kind: str) -> forms.CharField:
    # A CharField with a select, not a ChoiceField: the service's rule gives the message.
    choices = [("", _("選択してください")), *((g, g) for g in CERTIFICATE_GRADES[kind])]
    labels: dict[str, StrOrPromise] = {
        CertificateKind.PHYSICAL.value: _("身体障害者手帳の等級"),
        CertificateKind.INTELLECTUAL.value: _("療育手帳の判定"),
        CertificateKind.MENTAL.value: _("精神障害者保健福祉手帳の等級"),
    }
    label = labels[kind]
    return forms.CharField(
        label=label, required=False, max_length=2, widget=forms.Select(choices=choices)
    )


def _status_field(kind: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=CertificateKind(kind).label,
        required=False,
        choices=[*NONE_CHOICE, *CertificateStatus.choices],
    )


class PersonForm(forms.Form):
    family_name = forms.CharField(label=_("姓"), required=False, max_length=50)
    given_name = forms.CharField(label=_("名"), required=False, max_length=50)
    family_name_kana = forms.CharField(
        label=_("姓（カナ）"),
        max_length=50,
        help_text=_("ひらがな・カタカナ・半角カナのどれでも入力できます。"),
        error_messages={"required": _("姓（カナ）を入力してください。")},
    )
    given_name_kana = forms.CharField(
        label=_("名（カナ）"),
        max_length=50,
        error_messages={"required": _("名（カナ）を入力してください。")},
    )
    former_names = forms.CharField(
        label=_("旧姓・以前の氏名"),
        required=False,
        help_text=_("1行に1つ。"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    birth_date = BoundedFormDateField(label=_("生年月日"), required=False)
    sex = forms.ChoiceField(label=_("性別"), choices=Sex.choices, initial=Sex.NO_ANSWER)
    postal_code = forms.CharField(label=_("郵便番号"), required=False, max_length=8)
    address = forms.CharField(label=_("住所"), required=False, max_length=200)
    area = forms.ModelChoiceField(
        label=_("地域"), required=False, queryset=Area.objects.all(), empty_label=_("未設定")
    )
    phone = forms.CharField(
        label=_("電話番号"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    cert_physical_status = _status_field(CertificateKind.PHYSICAL)
    cert_physical_grade = _grade_field(CertificateKind.PHYSICAL)
    cert_physical_type = forms.ChoiceField(
        label=_("障害の種類（身体）"),
        required=False,
        choices=[("", _("選択してください")), *PhysicalDisabilityType.choices],
    )
    cert_intellectual_status = _status_field(CertificateKind.INTELLECTUAL)
    cert_intellectual_grade = _grade_field(CertificateKind.INTELLECTUAL)
    cert_mental_status = _status_field(CertificateKind.MENTAL)
    cert_mental_grade = _grade_field(CertificateKind.MENTAL)
    support_category = forms.ChoiceField(
        label=_("障害支援区分"),
        required=False,
        choices=[("", _("未認定・不明")), *SupportCategory.choices],
    )
    disability_categories = forms.MultipleChoiceField(
        label=_("障害種別"),
        required=False,
        choices=DisabilityCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    primary_category = forms.ChoiceField(
        label=_("主たる障害種別（統計用）"),
        required=False,
        choices=[("", _("選択してください")), *DisabilityCategory.choices],
        help_text=_("チェックした障害種別の中から1つ選びます。"),
    )
    recipient_numbers = forms.CharField(
        label=_("受給者証番号"),
        required=False,
        help_text=_("1行に1つ。"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    lives_alone = forms.BooleanField(label=_("ひとり暮らし"), required=False)
    needs_evacuation_support = forms.BooleanField(label=_("避難行動要支援者"), required=False)
    notes = forms.CharField(
        label=_("備考"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    CERTIFICATE_KINDS = (
        CertificateKind.PHYSICAL,
        CertificateKind.INTELLECTUAL,
        CertificateKind.MENTAL,
    )

    @classmethod
    def initial_for(cls, person: Any) -> dict[str, Any]:
        initial = {name: getattr(person, name) for name in services.PERSON_FIELDS}
        for cert in services.certificate_inputs_of(person):
            initial[f"cert_{cert.kind}_status"] = cert.status
            initial[f"cert_{cert.kind}_grade"] = cert.grade
            if cert.kind == CertificateKind.PHYSICAL:
                initial["cert_physical_type"] = cert.physical_type
        return initial

    def certificates(self) -> list[services.CertificateInput]:
        data = self.cleaned_data
        found = []
        for kind in self.CERTIFICATE_KINDS:
            status = data.get(f"cert_{kind}_status") or ""
            grade = (data.get(f"cert_{kind}_grade") or "").strip().upper()
            physical_type = data.get("cert_physical_type", "") if kind == "physical" else ""
            if status or grade:
                found.append(
                    services.CertificateInput(
                        kind=kind, status=status, grade=grade, physical_type=physical_type or ""
                    )
                )
        return found

    def person_data(self) -> dict[str, Any]:
        # A protected person's whereabouts are not on the form (people.protection): a field
        # left out is not changed, rather than emptied.
        return {
            name: self.cleaned_data.get(name)
            for name in services.PERSON_FIELDS
            if name in self.fields or name not in protection.CONTACT_FIELDS
        }

    def hide_contact(self) -> None:
        for name in protection.CONTACT_FIELDS:
            self.fields.pop(name, None)
            self.initial.pop(name, None)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # The service's rules, reported next to the fields that do not already have an error.
        errors = services.person_errors(self.person_data(), self.certificates())
        for name, message in errors.items():
            field = name if name in self.fields else None
            if field is None or field not in self.errors:
                self.add_error(field, message)
        return cleaned


class PersonCreateForm(PersonForm):
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)


class PersonEditForm(PersonForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)


class PersonContactForm(forms.Form):
    """A named worker's own form for a protected person's address and phone (ADR 0023): the
    three fields of the person form, checked by the same rules, saved by `person_update`."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)
    postal_code = PersonForm.base_fields["postal_code"]
    address = PersonForm.base_fields["address"]
    phone = PersonForm.base_fields["phone"]

    def person_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) or "" for name in protection.CONTACT_FIELDS}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # The person rules about these fields (the postal code's and the phone's shape); the
        # others (the kana this form does not carry) are the person form's.
        for name, message in services.person_errors(self.person_data()).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return cleaned


class ConsentForm(forms.Form):
    organizations = forms.ModelMultipleChoiceField(
        label=_("共有先の機関"),
        queryset=Organization.objects.active().order_by("kind", "name_kana", "name"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Ctrl（Mac は ⌘）を押しながら選ぶと複数選べます。"),
        error_messages={"required": _("共有先の機関を1つ以上選んでください。")},
    )
    purposes = forms.MultipleChoiceField(
        label=_("目的"),
        choices=ConsentPurpose.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("目的を1つ以上選んでください。")},
    )
    method = forms.ChoiceField(
        label=_("同意の方法"),
        choices=ConsentMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("同意の方法（書面・口頭）を選んでください。")},
    )
    obtained_on = BoundedFormDateField(
        label=_("同意日"),
        error_messages={"required": _("同意日を入力してください。")},
    )
    expires_on = BoundedFormDateField(
        label=_("有効期限"), required=False, help_text=_("なければ空欄。")
    )
    notes = forms.CharField(
        label=_("備考"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        errors = services.consent_errors(
            organizations=cleaned.get("organizations") or [],
            purposes=cleaned.get("purposes") or [],
            method=cleaned.get("method") or "",
            obtained_on=cleaned.get("obtained_on"),
            expires_on=cleaned.get("expires_on"),
        )
        for name, message in errors.items():
            self.add_error(name, message)
        return cleaned


class ConsentWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("撤回の理由・経緯"),
        required=False,
        max_length=200,
        help_text=_("例: 本人から電話で撤回の申し出。"),
    )


class HouseholdForm(forms.Form):
    name = forms.CharField(
        label=_("世帯名"),
        max_length=100,
        help_text=_("例: 山田さん世帯"),
        error_messages={"required": _("世帯名を入力してください。")},
    )
    postal_code = forms.CharField(label=_("郵便番号"), required=False, max_length=8)
    address = forms.CharField(label=_("住所"), required=False, max_length=200)
    area = forms.ModelChoiceField(
        label=_("地域"), required=False, queryset=Area.objects.all(), empty_label=_("未設定")
    )
    concerns = forms.MultipleChoiceField(
        label=_("世帯の課題"),
        required=False,
        choices=HouseholdConcern.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("備考"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def household_data(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data.get(name)
            for name in services.HOUSEHOLD_FIELDS
            if name in self.fields or name not in protection.CONTACT_FIELDS
        }

    def hide_contact(self) -> None:
        for name in protection.CONTACT_FIELDS:
            self.fields.pop(name, None)
            self.initial.pop(name, None)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            for name, message in services.household_errors(self.household_data()).items():
                self.add_error(name, message)
        return cleaned


class HouseholdEditForm(HouseholdForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class HouseholdMemberForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    relationship = forms.ChoiceField(
        label=_("中心となる人との続柄"),
        choices=[("", _("選択してください")), *Relationship.choices],
        error_messages={"required": _("続柄を選んでください。")},
    )
    lives_together = forms.TypedChoiceField(
        label=_("同居・別居"),
        choices=[("1", _("同居")), ("0", _("別居"))],
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    start_date = BoundedFormDateField(label=_("世帯に加わった日"), required=False)
    notes = forms.CharField(label=_("備考"), required=False, max_length=200)


class HouseholdMemberEndForm(forms.Form):
    end_date = BoundedFormDateField(
        label=_("世帯を離れた日"),
        error_messages={"required": _("世帯を離れた日を入力してください。")},
    )


class DuplicateDecisionForm(forms.Form):
    """The core center's decision on a possible duplicate (people.duplicates)."""

    decision = forms.ChoiceField(
        label=_("対応"),
        choices=[
            ("link", _("同じ人として結び付ける")),
            ("contact", _("記録を持つ機関に本人への連絡を依頼する")),
            ("distinct", _("別の人と確認した")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("対応を選んでください。")},
    )
    note = forms.CharField(label=_("メモ"), required=False, max_length=200)


class ProtectionForm(forms.Form):
    """Hide a person's whereabouts (people.protection): the basis, who decided, when, why,
    until when, and the workers who may still see them."""

    basis = forms.ChoiceField(
        label=_("根拠"), choices=ProtectionBasis.choices, widget=forms.RadioSelect
    )
    decided_on = BoundedFormDateField(
        label=_("判断した日"), error_messages={"required": _("判断した日を入力してください。")}
    )
    reason = forms.CharField(
        label=_("理由"),
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例: 配偶者からの暴力により避難中。支援措置の申出を確認。"),
        error_messages={"required": _("理由を入力してください。")},
    )
    review_on = BoundedFormDateField(
        label=_("終了・見直しの日"),
        help_text=_("支援措置の期間の終わり、または見直す日。過ぎても自動では解除しません。"),
        error_messages={"required": _("終了・見直しの日を入力してください。")},
    )
    workers = forms.TypedMultipleChoiceField(
        label=_("表示できる職員"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("所属機関の職員から選びます。判断した人は必ず含まれます。"),
    )

    def __init__(self, *args: Any, workers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workers"].choices = [  # type: ignore[attr-defined]  # a choice field
            (u.pk, u.get_full_name() or u.get_username()) for u in workers
        ]


class ProtectionEndForm(forms.Form):
    reason = forms.CharField(
        label=_("解除の理由"),
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("解除の理由を入力してください。")},
    )
