from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.disaster.models import CheckState
from tsunagu.organizations.models import Area, Organization
from tsunagu.people.models import CERTIFICATE_GRADES, CertificateKind


def _grades(kind: str) -> list[tuple[str, str]]:
    return [(g, g) for g in CERTIFICATE_GRADES[kind]]


class CriteriaForm(forms.Form):
    physical_grades = forms.MultipleChoiceField(
        label=_("身体障害者手帳の等級"),
        choices=_grades(CertificateKind.PHYSICAL),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    intellectual_grades = forms.MultipleChoiceField(
        label=_("療育手帳の判定"),
        choices=_grades(CertificateKind.INTELLECTUAL),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    mental_grades = forms.MultipleChoiceField(
        label=_("精神障害者保健福祉手帳の等級"),
        choices=_grades(CertificateKind.MENTAL),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    min_support_category = forms.TypedChoiceField(
        label=_("障害支援区分（以上）"),
        choices=[("", _("問わない")), *((str(n), str(n)) for n in range(1, 7))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    living_alone = forms.BooleanField(label=_("ひとり暮らしを含める"), required=False)
    medical_equipment = forms.BooleanField(label=_("医療機器を使う人を含める"), required=False)


class PlanForm(forms.Form):
    helpers = forms.CharField(
        label=_("避難を支援する人"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    destination = forms.CharField(label=_("避難先"), max_length=200, required=False)
    belongings = forms.CharField(
        label=_("持ち出すもの"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    medical_needs = forms.CharField(
        label=_("医療上の配慮"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    contact = forms.CharField(label=_("緊急連絡先"), max_length=200, required=False)


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("災害名"), max_length=200)
    areas = forms.ModelMultipleChoiceField(
        label=_("対象地域"),
        queryset=Area.objects.filter(kind__in=["city", "ward"]),
        widget=forms.CheckboxSelectMultiple,
    )
    workers = forms.ModelMultipleChoiceField(
        label=_("安否確認に当たる機関"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workers"].queryset = Organization.objects.filter(is_active=True)  # type: ignore[attr-defined]


class CheckForm(forms.Form):
    entry = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    state = forms.ChoiceField(label=_("状態"), choices=CheckState.choices)
    evacuated_to = forms.CharField(label=_("避難先"), max_length=200, required=False)
    note = forms.CharField(label=_("メモ"), max_length=500, required=False)
    # The version the page showed: the latest check's id, 0 for none (ADR 0020).
    base = forms.IntegerField(min_value=0, max_value=2**63 - 1, required=False)
