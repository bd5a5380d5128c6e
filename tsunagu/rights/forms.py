from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.core.validators import BoundedFormDateField
from tsunagu.organizations.models import Organization, OrganizationKind
from tsunagu.rights.models import (
    NOTE_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    AgeBand,
    ConsultationOutcome,
    ConsultationStepKind,
    ConsulterKind,
    CostSupportKind,
    DisabilityType,
    DiscriminationField,
    DiscriminationKind,
    GuardianKind,
    GuardianshipType,
    PartyKind,
    PetitionerKind,
    PetitionStep,
    ReferralOutcome,
    RulingKind,
)

PRIVACY_HELP = _("氏名・住所・生年月日など、個人が分かることは書かないでください。")


class PetitionForm(forms.Form):
    petitioner = forms.ChoiceField(label=_("申立人"), choices=PetitionerKind.choices)
    guardianship_type = forms.ChoiceField(label=_("類型"), choices=GuardianshipType.choices)
    consulted_on = BoundedFormDateField(label=_("相談受付日"))
    note = forms.CharField(
        label=_("メモ"), max_length=NOTE_MAX_LENGTH, required=False, widget=forms.Textarea
    )


class PetitionStepForm(forms.Form):
    step = forms.ChoiceField(label=_("段階"), choices=PetitionStep.choices)
    on = BoundedFormDateField(label=_("日付"))
    ruling = forms.ChoiceField(
        label=_("審判の内容（審判のとき）"),
        choices=[("", _("選んでください")), *RulingKind.choices],
        required=False,
    )
    guardian_name = forms.CharField(
        label=_("後見人等（後見等開始のとき）"), max_length=200, required=False
    )
    guardian_kind = forms.ChoiceField(
        label=_("後見人等の種類（後見等開始のとき）"),
        choices=[("", _("選んでください")), *GuardianKind.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("メモ"), max_length=NOTE_MAX_LENGTH, required=False, widget=forms.Textarea
    )

    def __init__(self, *args: Any, next_step: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if next_step is not None:
            self.fields["step"].initial = next_step


class ConsultationForm(forms.Form):
    received_on = BoundedFormDateField(label=_("受付日"))
    consulter = forms.ChoiceField(label=_("相談者"), choices=ConsulterKind.choices)
    person = forms.IntegerField(
        label=_("本人の記録番号（記録にある場合）"),
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text=_("匿名の相談では空のままにし、年齢層と障害の種類だけを選びます。"),
    )
    age_band = forms.ChoiceField(label=_("年齢層"), choices=AgeBand.choices, required=False)
    disability_type = forms.ChoiceField(
        label=_("障害の種類"), choices=DisabilityType.choices, required=False
    )
    party_kind = forms.ChoiceField(label=_("相手方"), choices=PartyKind.choices)
    kind = forms.ChoiceField(label=_("相談の種類"), choices=DiscriminationKind.choices)
    field = forms.ChoiceField(label=_("分野"), choices=DiscriminationField.choices)
    summary = forms.CharField(
        label=_("概要（匿名化）"),
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea,
        help_text=PRIVACY_HELP,
    )


class ConsultationStepForm(forms.Form):
    kind = forms.ChoiceField(label=_("対応"), choices=ConsultationStepKind.choices)
    on = BoundedFormDateField(label=_("日付"))
    note = forms.CharField(
        label=_("内容（匿名化）"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea,
        help_text=PRIVACY_HELP,
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("結果"), choices=[c for c in ConsultationOutcome.choices if c[0]]
    )
    closed_on = BoundedFormDateField(label=_("終結日"))


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)


class ReferralForm(forms.Form):
    council = forms.ModelChoiceField(
        label=_("社会福祉協議会"),
        queryset=Organization.objects.filter(
            kind=OrganizationKind.SOCIAL_WELFARE_COUNCIL, is_active=True
        ).order_by("code"),
        empty_label=_("選んでください"),
    )
    referred_on = BoundedFormDateField(label=_("紹介日"))
    note = forms.CharField(
        label=_("メモ"), max_length=NOTE_MAX_LENGTH, required=False, widget=forms.Textarea
    )


class ReferralOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("結果"), choices=[c for c in ReferralOutcome.choices if c[0]]
    )
    on = BoundedFormDateField(label=_("結果の日付"))


class CostDecisionForm(forms.Form):
    kind = forms.ChoiceField(label=_("種類"), choices=CostSupportKind.choices)
    amount = forms.IntegerField(label=_("金額（円）"), min_value=1, max_value=100_000_000)
    decided_on = BoundedFormDateField(label=_("決定日"))
