from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.accounts.models import User
from tsunagu.cases.models import Case
from tsunagu.core.dates import DateParseError, parse_date
from tsunagu.core.validators import MAX_ID, BoundedFormDateField
from tsunagu.directory.models import ResourceStatus, SocialResource
from tsunagu.organizations.models import Organization
from tsunagu.plans import selectors
from tsunagu.plans.models import (
    SECTION_FIELDS,
    Achievement,
    AgreementMethod,
    AssessmentSection,
    MonitoringFrequency,
    PlanItem,
    Satisfaction,
    ServiceType,
    SupportKind,
    SupportPlan,
    TaskStatus,
    Weekday,
)
from tsunagu.plans.selectors import ITEM_FIELDS
from tsunagu.plans.services import plan_problems


def _text(label: Any, rows: int = 3, required: bool = False, help_text: Any = "") -> forms.Field:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _blank(choices: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [("", "---------"), *choices]


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # stubs
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.username


# --- Assessment -------------------------------------------------------------------------------


class AssessmentForm(forms.Form):
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)
    assessed_on = BoundedFormDateField(label=_("アセスメント日"))
    interactions = _text(
        _("世帯員のニーズの影響しあい"),
        4,
        help_text=_("例: 母の入院で本人の通所が途切れる、兄の借金が家計を圧迫している。"),
    )
    risks = _text(_("リスク"), 3)
    household_strengths = _text(_("世帯の強み"), 3)
    summary = _text(_("総合的な分析"), 4)
    revision_reason = forms.CharField(
        label=_("見直しの理由"),
        max_length=200,
        required=False,
        help_text=_("同じ日のアセスメントを直すときは必須です。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and "assessed_on" not in self.initial:
            self.initial["assessed_on"] = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day = cleaned.get("assessed_on")
        if isinstance(day, dt.date) and day > timezone.localdate():
            self.add_error("assessed_on", _("アセスメント日に未来の日付は指定できません。"))
        if cleaned.get("based_on") and not str(cleaned.get("revision_reason") or "").strip():
            self.add_error("revision_reason", _("見直しの理由を書いてください。"))
        return cleaned


class SectionForm(forms.Form):
    """One household member's section; the prefix carries the person."""

    person_id = forms.IntegerField(widget=forms.HiddenInput)
    relationship = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, person_label: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person_label = person_label
        for name in SECTION_FIELDS:
            model_field = AssessmentSection._meta.get_field(name)
            assert isinstance(model_field, models.Field)  # noqa: S101  # a text column
            self.fields[name] = _text(model_field.verbose_name, 3, help_text=model_field.help_text)


# --- Support plan -----------------------------------------------------------------------------


class DateListField(forms.CharField):
    """Dates typed one per line or separated by commas, each as the date entry reads it
    (2026-06-30, R8.6.30, 令和8年6月30日)."""

    def to_python(self, value: Any) -> list[dt.date]:  # type: ignore[override]
        text = super().to_python(value) or ""
        dates: list[dt.date] = []
        bad: list[str] = []
        for part in text.replace("、", ",").replace("\n", ",").split(","):
            part = part.strip()
            if not part:
                continue
            try:
                dates.append(parse_date(part))
            except DateParseError:
                bad.append(part)
        if bad:
            raise ValidationError(
                _("日付として読めません: %(bad)s（例: 2026-06-30）"), params={"bad": "、".join(bad)}
            )
        return sorted(set(dates))

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(str(v) for v in value)
        return value


class PlanForm(forms.Form):
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    person_wishes = _text(_("利用者の生活に対する意向（本人）"), 3)
    family_wishes = _text(_("家族の意向"), 3)
    overall_policy = _text(_("総合的な援助の方針"), 4, required=True)
    long_term_goal = _text(_("長期目標"), 2)
    short_term_goal = _text(_("短期目標"), 2)
    period_start = BoundedFormDateField(label=_("計画開始日"))
    period_end = BoundedFormDateField(label=_("計画終了日"))
    drafted_on = BoundedFormDateField(
        label=_("計画作成日"), required=False, help_text=_("計画を作った日。空欄なら今日。")
    )
    monitoring_frequency = forms.ChoiceField(
        label=_("モニタリング期間"), choices=MonitoringFrequency.choices
    )
    monitoring_dates = DateListField(
        label=_("モニタリング実施予定日"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("「日付を指定」のときだけ。1行に1つ、例: 2026-06-30"),
    )
    weekly_activities = _text(_("主な日常生活上の活動"), 2)
    weekly_notes = _text(_("週単位以外のサービス"), 2)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for field, message in plan_problems(cleaned).items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned


class NewVersionForm(forms.Form):
    reason = forms.CharField(
        label=_("見直しの理由"),
        max_length=200,
        help_text=_("例: 短期目標の達成、母の入院による生活の変化"),
    )


def resource_label(resource: SocialResource) -> str:
    """「ひだまりホーム（社会福祉法人みどり会）」; a closed resource says so."""
    label = resource.name
    if resource.provider.name not in resource.name:
        label = f"{label}（{resource.provider.name}）"
    if resource.status != ResourceStatus.ACTIVE:
        label = f"{label} [{resource.get_status_display()}]"
    return label


def grouped_resource_choices(resources: Any) -> list[tuple[Any, Any]]:
    """("", "---------") then one group of options per service-type term, in the term's order."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for resource in resources:
        groups.setdefault(resource.service_type.name, []).append(
            (str(resource.pk), resource_label(resource))
        )
    return [("", "---------"), *groups.items()]


class ResourceField(forms.ChoiceField):
    """The directory resource of a plan item: the options shown are the ones searched for; the
    value is checked against every resource the item may choose (PlanItemForm.clean_resource),
    so that a choice made from a narrowed list is still accepted when the form is saved."""

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)


class PlanItemForm(forms.Form):
    priority = forms.IntegerField(label=_("優先順位"), min_value=1, max_value=99, initial=1)
    need = _text(_("解決すべき課題（本人のニーズ）"), 3, required=True)
    goal = _text(_("支援目標"), 2, required=True)
    target_date = BoundedFormDateField(label=_("達成時期"), required=False)
    support_kind = forms.ChoiceField(
        label=_("支援の種類"), choices=SupportKind.choices, widget=forms.RadioSelect
    )
    service_type = forms.ChoiceField(
        label=_("サービスの種類"), choices=_blank(ServiceType.choices), required=False
    )
    amount = forms.CharField(
        label=_("量・頻度"),
        max_length=100,
        required=False,
        help_text=_("例: 週3回、月22日、1回2時間"),
    )
    informal_support = forms.CharField(
        label=_("インフォーマルな支援の内容"),
        max_length=200,
        required=False,
        help_text=_("例: 民生委員の見守り、家族会への参加"),
    )
    resource_q = forms.CharField(
        label=_("社会資源を名前・地域で探す"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    resource = ResourceField(
        label=_("提供するサービス（社会資源）"),
        required=False,
        help_text=_(
            "社会資源の一覧から、利用できる事業所・サービスを選びます。"
            "サービスの種類が空欄なら、選んだ資源の種類が入ります。"
        ),
    )
    responsible_organization = forms.ModelChoiceField(
        label=_("担当機関"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("支援チームの機関から選びます。"),
    )
    responsible_worker = UserChoiceField(
        label=_("担当者"), queryset=User.objects.none(), required=False
    )
    responsible_name = forms.CharField(
        label=_("担当者名（機関外）"),
        max_length=100,
        required=False,
        help_text=_("家族、近所の人、民生委員など、機関に属さない支え手。"),
    )
    person_role = forms.CharField(
        label=_("本人の役割"),
        max_length=200,
        required=False,
        help_text=_("例: 朝8時に自分で起きる"),
    )
    evaluation_date = BoundedFormDateField(label=_("評価時期"), required=False)
    notes = forms.CharField(label=_("留意事項"), max_length=300, required=False)

    def __init__(
        self,
        *args: Any,
        case: Case,
        plan: SupportPlan,
        item: PlanItem | None = None,
        narrow: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.item = item
        self.fields["responsible_organization"].queryset = selectors.team_organizations(case)  # type: ignore[attr-defined]
        self.fields["responsible_worker"].queryset = selectors.team_workers(case)  # type: ignore[attr-defined]
        if not self.is_bound and "support_kind" not in self.initial:
            self.initial["support_kind"] = SupportKind.FORMAL
        self.narrow_resources(**(narrow or {}))

    def narrow_resources(
        self, *, support_kind: str = "", service_type: str = "", q: str = ""
    ) -> None:
        """The resource options: those matching the kind, type and words, the current one kept."""
        resources = selectors.resource_choices(
            support_kind=support_kind,
            service_type=service_type,
            query=q,
            keep=self.item.resource_id if self.item is not None else None,
        )
        shown = list(resources[: selectors.RESOURCE_CHOICES_LIMIT + 1])
        self.resources_truncated = len(shown) > selectors.RESOURCE_CHOICES_LIMIT
        self.resources_found = len(shown[: selectors.RESOURCE_CHOICES_LIMIT])
        field = self.fields["resource"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        field.choices = grouped_resource_choices(shown[: selectors.RESOURCE_CHOICES_LIMIT])

    def clean_resource(self) -> SocialResource | None:
        value = str(self.cleaned_data.get("resource") or "")
        if not value:
            return None
        keep = self.item.resource_id if self.item is not None else None
        pk = int(value) if value.isdigit() and len(value) <= len(str(MAX_ID)) else 0
        resource = None
        if 1 <= pk <= MAX_ID:
            resource = selectors.resource_choices(keep=keep).filter(pk=pk).first()
        if resource is None:
            raise ValidationError(
                _(
                    "その社会資源は選べません（廃止・休止中か、見つかりません）。選び直してください。"
                )
            )
        return resource

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("support_kind")
        resource = cleaned.get("resource")
        if (
            kind == SupportKind.FORMAL
            and not cleaned.get("responsible_organization")
            and not resource
            and "resource" not in self.errors
        ):
            self.add_error(
                "resource",
                _("公的サービスには、提供するサービス（社会資源）か担当機関を選んでください。"),
            )
        if kind == SupportKind.INFORMAL:
            if not str(cleaned.get("informal_support") or "").strip():
                self.add_error(
                    "informal_support", _("インフォーマルな支援の内容を書いてください。")
                )
            if (
                not cleaned.get("responsible_organization")
                and not resource
                and "resource" not in self.errors
                and not str(cleaned.get("responsible_name") or "").strip()
            ):
                self.add_error(
                    "responsible_name",
                    _("担当機関か地域の資源を選ぶか、担当者名（機関外）を書いてください。"),
                )
        for name in ("target_date", "evaluation_date"):
            day = cleaned.get(name)
            if day and not self.plan.period_start <= day <= self.plan.period_end:
                self.add_error(name, _("計画期間の中の日付にしてください。"))
        return cleaned

    @staticmethod
    def initial_from(item: PlanItem) -> dict[str, Any]:
        initial = {name: getattr(item, name) for name in ITEM_FIELDS}
        initial["resource"] = str(item.resource_id or "")
        return initial


class WeeklyEntryForm(forms.Form):
    weekday = forms.TypedChoiceField(label=_("曜日"), choices=_blank(Weekday.choices), coerce=int)
    start_time = forms.TimeField(
        label=_("開始"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("終了"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    activity = forms.CharField(label=_("活動・サービス"), max_length=100)
    provider = forms.CharField(label=_("提供者"), max_length=100, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("終了時刻は開始時刻より後にしてください。"))
        return cleaned


class AgreeForm(forms.Form):
    agreed_on = BoundedFormDateField(label=_("同意日"))
    method = forms.ChoiceField(label=_("同意の方法"), choices=_blank(AgreementMethod.choices))
    note = forms.CharField(
        label=_("同意の記録"),
        max_length=200,
        required=False,
        help_text=_("例: 本人宅で計画書を読み上げ、本人が署名。母が同席。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("agreed_on", timezone.localdate())

    def clean_agreed_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["agreed_on"]
        if day > timezone.localdate():
            raise ValidationError(_("同意日に未来の日付は指定できません。"))
        return day


# --- Monitoring -------------------------------------------------------------------------------


class MonitoringForm(forms.Form):
    conducted_on = BoundedFormDateField(label=_("実施日"))
    overall = _text(_("全体の状況"), 4)
    person_words = _text(_("本人の言葉"), 2)
    satisfaction = forms.ChoiceField(
        label=_("本人の満足度"), choices=_blank(Satisfaction.choices), required=False
    )
    plan_change_needed = forms.BooleanField(
        label=_("計画の変更が必要"),
        required=False,
        help_text=_("保存すると、この計画をもとにした新しい版（案）が開きます。"),
    )
    next_steps = _text(_("今後の支援"), 3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("conducted_on", timezone.localdate())

    def clean_conducted_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["conducted_on"]
        if day > timezone.localdate():
            raise ValidationError(_("実施日に未来の日付は指定できません。"))
        return day


class GoalReportForm(forms.Form):
    what_happened = _text(_("支援の提供状況・経過"), 3)
    achievement = forms.ChoiceField(
        label=_("目標の達成度"), choices=_blank(Achievement.choices), required=False
    )
    person_words = _text(_("本人の感想・言葉"), 2)
    satisfaction = forms.ChoiceField(
        label=_("本人の満足度"), choices=_blank(Satisfaction.choices), required=False
    )
    what_should_change = _text(_("今後の課題・変更すべきこと"), 2)

    def __init__(self, *args: Any, item: PlanItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item


# --- Contingency ------------------------------------------------------------------------------


class ContingencyForm(forms.Form):
    description = forms.CharField(
        label=_("きっかけとなる出来事"),
        max_length=200,
        help_text=_("例: 母の入院、家賃滞納3か月、主介護者の死亡"),
    )
    preparation = _text(_("今から備えておくこと"), 2, help_text=_("予防的支援として今できること。"))


class ContingencyActionForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("対応する機関"), queryset=Organization.objects.none()
    )
    action = _text(_("取り決めた対応"), 2, required=True)
    contact_name = forms.CharField(label=_("連絡先の担当者"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("連絡先の電話番号"), max_length=20, required=False)
    days_to_act = forms.IntegerField(
        label=_("対応の期限（発生から何日以内）"), min_value=0, max_value=90, initial=1
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = selectors.team_organizations(case)  # type: ignore[attr-defined]


class HappenedForm(forms.Form):
    happened_on = BoundedFormDateField(label=_("発生日"))
    note = _text(_("発生時の状況"), 2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("happened_on", timezone.localdate())

    def clean_happened_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["happened_on"]
        if day > timezone.localdate():
            raise ValidationError(_("発生日に未来の日付は指定できません。"))
        return day


# --- Tasks ------------------------------------------------------------------------------------


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("状態"), choices=TaskStatus.choices)
    note = forms.CharField(
        label=_("メモ"),
        max_length=200,
        required=False,
        help_text=_("取り消すときは理由が必須です。"),
    )
