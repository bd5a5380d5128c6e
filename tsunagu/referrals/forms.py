from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.accounts.models import User
from tsunagu.cases.forms import ConsentChoiceField, PersonChoiceField, UserChoiceField
from tsunagu.cases.models import Case, SharingBasis, TeamRole
from tsunagu.core.actor import Actor
from tsunagu.core.validators import BoundedFormDateField
from tsunagu.organizations.models import Organization
from tsunagu.people.models import Consent, Person
from tsunagu.plans.models import PlanItem
from tsunagu.referrals import selectors
from tsunagu.referrals import statistics as referral_statistics
from tsunagu.referrals.models import (
    DEFAULT_SUMMARY_FIELDS,
    Referral,
    ReferralKind,
    SummaryField,
)
from tsunagu.referrals.services import ReferralData

BASIS_CHOICES = [(v, t) for v, t in SharingBasis.choices if v != SharingBasis.LEAD]
STAY_ROLES = [(v, t) for v, t in TeamRole.choices if v != TeamRole.LEAD]


class OrganizationChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # stubs
    def label_from_instance(self, obj: Organization) -> str:
        return f"{obj.name}（{obj.get_kind_display()}）"


class PlanItemChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # stubs
    def label_from_instance(self, obj: PlanItem) -> str:
        org = obj.responsible_organization.name if obj.responsible_organization else ""
        return _("第%(version)s版 %(priority)s. %(goal)s（%(org)s）") % {
            "version": obj.plan.version,
            "priority": obj.priority,
            "goal": obj.goal[:40],
            "org": org or obj.responsible_name,
        }


class ReferralForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("依頼の種類"),
        choices=[("", "---------"), *ReferralKind.choices],
        error_messages={"required": _("依頼の種類を選んでください。")},
    )
    receiving_organization = OrganizationChoiceField(
        label=_("依頼先の機関"),
        queryset=Organization.objects.none(),
        error_messages={"required": _("依頼先の機関を選んでください。")},
    )
    receiving_worker = UserChoiceField(
        label=_("依頼先の担当者（わかれば）"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("依頼先の機関の職員から選びます。空欄なら受理した人が担当になります。"),
    )
    person = PersonChoiceField(
        label=_("対象の方"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("世帯のケースでは、依頼の対象となる世帯員を選んでください。"),
    )
    reason = forms.CharField(
        label=_("依頼の理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("なぜこの機関に依頼するのか。例: 見立てが定まらず、支援チームが組めない。"),
        error_messages={"required": _("依頼の理由を入力してください。")},
    )
    request_text = forms.CharField(
        label=_("依頼したいこと"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例: ケース会議への同席と、ニーズ整理の助言。"),
        error_messages={"required": _("依頼したいことを入力してください。")},
    )
    summary_text = forms.CharField(
        label=_("先方に伝える概要"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "受理されるまで、依頼先が見られるのはこの概要と下で選んだ項目だけです。"
            "必要最小限にしてください。"
        ),
        error_messages={"required": _("先方に伝える概要を入力してください。")},
    )
    handover_summary = forms.CharField(
        label=_("引継ぎの要約（移管のとき）"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_(
            "移管のときに必須です。受理した新しい主担当機関が読みます。"
            "限定公開の記録は引き継がれないため、必要なことはここに書いてください。"
        ),
    )
    summary_fields = forms.MultipleChoiceField(
        label=_("受理前に依頼先に見せる項目"),
        choices=SummaryField.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    requested_on = BoundedFormDateField(
        label=_("依頼日（後日入力のとき）"),
        required=False,
        help_text=_(
            "電話や書面で先に依頼したものを後から記録するときだけ入れます。"
            "空欄なら送信した日時が依頼日です。例: 令和8年11月20日、R8.11.20、2026-11-20"
        ),
    )
    plan_item = PlanItemChoiceField(
        label=_("支援計画の項目（依頼先の役割）"),
        queryset=PlanItem.objects.none(),
        required=False,
        help_text=_("依頼先に担ってほしい役割が支援計画にあれば選びます。"),
    )
    basis = forms.ChoiceField(
        label=_("共有の根拠"),
        choices=BASIS_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        help_text=_(
            "受理されると、依頼先はこの根拠で支援チームに加わり、ケースを閲覧できます。"
            "送信には必須です（下書きは空欄で保存できます）。"
        ),
    )
    consent = ConsentChoiceField(
        label=_("同意（根拠が「本人の同意」のとき）"),
        queryset=Consent.objects.none(),
        required=False,
        help_text=_("今日有効で、依頼先の機関を共有先に含む同意を選びます。"),
    )
    basis_note = forms.CharField(
        label=_("根拠の詳細"),
        max_length=200,
        required=False,
        help_text=_("支援会議の名称と開催日、または緊急と判断した状況（生命・身体の保護）。"),
    )

    def __init__(self, *args: Any, actor: Actor, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["receiving_organization"].queryset = selectors.receiving_organization_choices(actor)
        fields["receiving_worker"].queryset = selectors.receiving_worker_choices()
        fields["person"].queryset = selectors.subject_people(case)
        fields["consent"].queryset = selectors.subject_consents(case)
        fields["plan_item"].queryset = selectors.plan_item_choices(case)
        self.case = case
        if case.person_id is not None:
            # A person's case is about that person: nothing to choose.
            del self.fields["person"]
        if not self.is_bound:
            self.initial.setdefault("summary_fields", [str(f) for f in DEFAULT_SUMMARY_FIELDS])

    @classmethod
    def initial_for(cls, referral: Referral) -> dict[str, Any]:
        return {
            "kind": referral.kind,
            "receiving_organization": referral.receiving_organization_id,
            "receiving_worker": referral.receiving_worker_id,
            "person": referral.person_id,
            "reason": referral.reason,
            "request_text": referral.request_text,
            "summary_text": referral.summary_text,
            "summary_fields": referral.summary_fields,
            "basis": referral.basis,
            "consent": referral.consent_id,
            "basis_note": referral.basis_note,
            "plan_item": referral.plan_item_id,
            "handover_summary": referral.handover_summary,
        }

    def data_for_service(self) -> ReferralData:
        data = self.cleaned_data
        return ReferralData(
            kind=data["kind"],
            receiving_organization=data["receiving_organization"],
            receiving_worker=data.get("receiving_worker"),
            person=data.get("person"),
            reason=data["reason"],
            request_text=data["request_text"],
            summary_text=data["summary_text"],
            summary_fields=list(data["summary_fields"]),
            basis=data.get("basis") or "",
            consent=data.get("consent"),
            basis_note=data.get("basis_note") or "",
            plan_item=data.get("plan_item"),
            handover_summary=data.get("handover_summary") or "",
            requested_on=data.get("requested_on"),
        )


class TransitionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput, max_length=20)
    reason = forms.CharField(
        label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    outcome = forms.CharField(
        label=_("結果の報告"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("何をして、どうなったか。依頼元はこれを読んで完了を確認します。"),
    )
    receiving_worker = UserChoiceField(
        label=_("担当者"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("空欄なら、依頼元が指名した人か、受理したあなたが担当になります。"),
    )

    previous_lead_role = forms.ChoiceField(
        label=_("前の主担当機関"),
        choices=[
            ("", _("今日でチームを離れる")),
            *[(v, _("%(role)sとして残ってもらう") % {"role": t}) for v, t in STAY_ROLES],
        ],
        required=False,
        help_text=_(
            "残ってもらうには、その機関を共有先に含む本人の同意か、支援会議の記録が必要です。"
        ),
    )

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receiving_worker"].queryset = selectors.receiver_staff(referral)  # type: ignore[attr-defined]


class StatisticsForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(
        label=_("年度"),
        coerce=int,
        required=False,
        empty_value=None,  # not "": a query without a year (?as_of=...) is this year's
        error_messages={
            "invalid_choice": _("その年度の記録はありません。一覧にある年度を選んでください。")
        },
    )
    as_of = BoundedFormDateField(
        label=_("基準日（この日現在）"),
        required=False,
        help_text=_("空欄なら今日（過去の年度は年度末）。"),
    )
    accepted_only = forms.BooleanField(
        label=_("受理されたものだけを数える（共同支援依頼の表）"), required=False
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        """`years`: the fiscal years on record (`statistics.fiscal_years()`, read once)."""
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = [  # type: ignore[attr-defined]
            (year, referral_statistics.fiscal_year_choice_label(year)) for year in years
        ]

    def clean_as_of(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("as_of")
        if value is not None and value > timezone.localdate():
            raise forms.ValidationError(_("基準日に未来の日付は指定できません。"))
        return value
