from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from tsunagu.accounts.models import User
from tsunagu.cases import selectors
from tsunagu.cases.models import (
    CASE_TRANSITIONS,
    DIFFICULTY_GROUPS,
    Case,
    CaseConference,
    CaseStatus,
    CaseTeamMember,
    Channel,
    ConsultationOutcome,
    Consulter,
    DifficultyFactor,
    Domain,
    SharingBasis,
    SupportLayer,
    SupportType,
    TeamRole,
    Urgency,
)
from tsunagu.core.actor import Actor
from tsunagu.core.late_entry import original_date_problem
from tsunagu.core.validators import BoundedFormDateField
from tsunagu.directory import selectors as directory_selectors
from tsunagu.directory.models import SocialResource
from tsunagu.organizations.models import Organization
from tsunagu.people import selectors as people_selectors
from tsunagu.people.models import Consent, Household, Person

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _blank(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", "---------"), *choices]


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # stubs
    def label_from_instance(self, obj: Person) -> str:
        born = f" {obj.birth_date:%Y-%m-%d}生" if obj.birth_date else ""
        return f"{obj.display_name}（{obj.kana_name}）{born}"


class ConsentChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # stubs
    def label_from_instance(self, obj: Consent) -> str:
        orgs = "、".join(o.name for o in obj.organizations.all())
        until = f"〜{obj.expires_on:%Y-%m-%d}" if obj.expires_on else ""
        return f"{obj.person.display_name} {obj.obtained_on:%Y-%m-%d}{until}（{orgs}）"


class ConferenceChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # stubs
    def label_from_instance(self, obj: CaseConference) -> str:
        held = timezone.localtime(obj.held_at)
        names = "、".join(a.organization.name for a in obj.attendees.all())
        return f"{held:%Y-%m-%d %H:%M} {obj.get_kind_display()}（{names}）"


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # stubs
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.username


class PeerCounsellorChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # stubs
    def label_from_instance(self, obj: SocialResource) -> str:
        return f"{obj.name}（{obj.provider.name}）"


SUBJECT_CHOICE_LIMIT = 20


class ConsultationForm(forms.Form):
    received_at = forms.DateTimeField(
        label=_("受付日時"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    channel = forms.ChoiceField(label=_("相談方法"), choices=_blank(Channel.choices))
    consulter = forms.ChoiceField(label=_("相談者"), choices=_blank(Consulter.choices))
    referring_organization = forms.ModelChoiceField(
        label=_("紹介元の機関"), queryset=Organization.objects.none(), required=False
    )
    # Radio buttons, but only for the search results and the current choice (see
    # `narrow_subject_choices`): the queryset (everything visible) is only used to validate.
    person = PersonChoiceField(
        label=pgettext_lazy("the person supported", "本人"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("選ばない"),
        blank=True,
        widget=forms.RadioSelect,
        help_text=_("登録済みの方から選びます。まだ登録されていない方は先に登録してください。"),
        error_messages={
            "invalid_choice": _("選んだ本人が見つかりません。探し直して選んでください。")
        },
    )
    household = forms.ModelChoiceField(
        label=_("世帯"),
        queryset=Household.objects.none(),
        required=False,
        empty_label=_("選ばない"),
        blank=True,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _("選んだ世帯が見つかりません。探し直して選んでください。")
        },
    )
    is_anonymous = forms.BooleanField(
        label=_("匿名の相談（本人・世帯を記録しない）"), required=False
    )
    main_concern = forms.CharField(
        label=_("主訴"), widget=forms.Textarea(attrs={"rows": 4}), help_text=_("相談者の言葉で。")
    )
    domains = forms.MultipleChoiceField(
        label=_("相談の領域"),
        choices=Domain.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    support_types = forms.MultipleChoiceField(
        label=_("行った支援の種類"),
        choices=SupportType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("熊本市の相談支援の区分です。ダッシュボードの「支援の種類別」に数えます。"),
    )
    peer_counsellor = PeerCounsellorChoiceField(
        label=_("ピアカウンセラー・ピアサポーター"),
        queryset=SocialResource.objects.none(),
        required=False,
        empty_label=_("選ばない"),
        help_text=_(
            "ピアカウンセリングを行ったときに、社会資源に登録されたピアカウンセラーから選びます。"
            "選ぶと支援の種類に「ピアカウンセリング」が入ります。"
        ),
        error_messages={"invalid_choice": _("選んだピアカウンセラーが見つかりません。")},
    )
    urgency = forms.ChoiceField(label=_("緊急度"), choices=Urgency.choices, initial=Urgency.NORMAL)
    outcome = forms.ChoiceField(label=_("対応結果"), choices=_blank(ConsultationOutcome.choices))
    minutes_spent = forms.IntegerField(label=_("対応時間（分）"), min_value=0, initial=0)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[  # type: ignore[attr-defined]
            "peer_counsellor"
        ].queryset = directory_selectors.peer_counsellors()
        self.fields["person"].queryset = selectors.person_choices(actor)  # type: ignore[attr-defined]
        self.fields["household"].queryset = selectors.household_choices(actor)  # type: ignore[attr-defined]
        self.fields[  # type: ignore[attr-defined]
            "referring_organization"
        ].queryset = selectors.referring_organization_choices()
        if not self.is_bound and "received_at" not in self.initial:
            self.initial["received_at"] = timezone.localtime().replace(second=0, microsecond=0)
        self.actor = actor
        self.person_q = self.household_q = ""
        self.person_more = self.household_more = False
        self.narrow_subject_choices()

    def _chosen_id(self, name: str) -> int | None:
        value = self.data.get(name) if self.is_bound else self.initial.get(name)
        value = getattr(value, "pk", value)
        text = str(value or "")
        return int(text) if text.isdigit() else None

    def narrow_subject_choices(self, *, person_query: str = "", household_query: str = "") -> None:
        """Offer as radio buttons only the current choice and the search results (at most
        SUBJECT_CHOICE_LIMIT), never every person or household visible to the organization."""
        self.person_q, self.household_q = person_query.strip(), household_query.strip()
        found: dict[str, Any] = {
            "person": (
                people_selectors.person_search(actor=self.actor, query=person_query)
                if person_query.strip()
                else Person.objects.none()
            ),
            "household": (
                people_selectors.household_search(actor=self.actor, query=household_query)
                if household_query.strip()
                else Household.objects.none()
            ),
        }
        for name, results in found.items():
            field = self.fields[name]
            chosen_id = self._chosen_id(name)
            objects: list[Any] = []
            if chosen_id is not None:
                objects = list(field.queryset.filter(pk=chosen_id))  # type: ignore[attr-defined]
                results = results.exclude(pk=chosen_id)
            hits = list(results[: SUBJECT_CHOICE_LIMIT + 1])
            setattr(self, f"{name}_more", len(hits) > SUBJECT_CHOICE_LIMIT)
            objects += hits[:SUBJECT_CHOICE_LIMIT]
            label = field.label_from_instance  # type: ignore[attr-defined]
            field.widget.choices = [
                ("", field.empty_label),  # type: ignore[attr-defined]
                *((obj.pk, label(obj)) for obj in objects),
            ]

    def clean_received_at(self) -> Any:
        value = self.cleaned_data["received_at"]
        if value > timezone.now():
            raise ValidationError(_("受付日時に未来の日時は指定できません。"))
        problem = original_date_problem(value, label=_("受付日時"))
        if problem:
            raise ValidationError(problem)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("is_anonymous") and (cleaned.get("person") or cleaned.get("household")):
            raise ValidationError(
                _("匿名の相談では本人・世帯を選べません。匿名のチェックを外してください。")
            )
        return cleaned


def difficulty_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    return [
        (
            str(label),
            [(v, str(t)) for v, t in DifficultyFactor.choices if v.startswith(prefix)],
        )
        for prefix, label in DIFFICULTY_GROUPS
    ]


class CaseEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("ケース名"), max_length=100, required=False)
    support_layer = forms.ChoiceField(label=_("支援の層"), choices=SupportLayer.choices)
    lead_worker = UserChoiceField(label=_("主担当者"), queryset=User.objects.none(), required=False)
    is_complex = forms.BooleanField(label=_("支援困難ケース"), required=False)
    difficulty_factors = forms.MultipleChoiceField(
        label=_("困難さの要因"),
        required=False,
        choices=difficulty_choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        workers = selectors.lead_worker_choices(case)
        self.fields["lead_worker"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=[u.pk for u in workers]
        ).order_by("full_name_kana", "username")

    @classmethod
    def initial_for(cls, case: Case) -> dict[str, Any]:
        return {
            "version": case.version,
            "title": case.title,
            "support_layer": case.support_layer,
            "lead_worker": case.lead_worker_id,
            "is_complex": case.is_complex,
            "difficulty_factors": case.difficulty_factors,
        }


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("次の状態"), choices=CaseStatus.choices)
    reason = forms.CharField(label=_("理由・メモ"), max_length=200, required=False)
    closure_reason = forms.CharField(
        label=_("終結の理由"),
        max_length=200,
        required=False,
        help_text=_("終結にするときは必須です。"),
    )
    closed_on = BoundedFormDateField(
        label=_("終結日"), required=False, help_text=_("空欄なら今日。")
    )
    referred = forms.BooleanField(
        label=_("他機関への紹介・移管による終結"),
        required=False,
        help_text=_("紹介先・移管先が依頼を受理しているときだけ選べます。"),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = CASE_TRANSITIONS.get(case.status, frozenset())
        # The screen offers only legal moves; the service refuses the rest anyway.
        self.fields["to_status"].choices = [  # type: ignore[attr-defined]
            (v, label) for v, label in CaseStatus.choices if v in allowed
        ]


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("再開の理由"),
        max_length=200,
        error_messages={"required": _("再開の理由を入力してください。")},
    )


class TeamMemberForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("機関"), queryset=Organization.objects.none())
    role = forms.ChoiceField(
        label=_("役割"),
        choices=_blank([(v, t) for v, t in TeamRole.choices if v != TeamRole.LEAD]),
    )
    worker = UserChoiceField(
        label=_("担当者（サインインする機関）"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("その機関の職員から選びます。"),
    )
    worker_name = forms.CharField(
        label=_("担当者名（サインインしない機関）"), max_length=100, required=False
    )
    joined_on = BoundedFormDateField(label=_("参加日"))
    basis = forms.ChoiceField(
        label=_("共有の根拠"),
        choices=[(v, t) for v, t in SharingBasis.choices if v != SharingBasis.LEAD],
        widget=forms.RadioSelect,
        error_messages={"required": _("共有の根拠を選んでください。")},
    )
    consent = ConsentChoiceField(
        label=_("同意（根拠が「本人の同意」のとき）"),
        queryset=Consent.objects.none(),
        required=False,
        help_text=_("今日有効で、この機関を共有先に含む同意を選びます。"),
    )
    conference = ConferenceChoiceField(
        label=_("支援会議（根拠が「支援会議」のとき）"),
        queryset=CaseConference.objects.none(),
        required=False,
        help_text=_(
            "開催済みで、この機関が出席し、出席者全員が守秘義務を誓約した支援会議を選びます。"
        ),
    )
    reviewer = UserChoiceField(
        label=_("確認する職員（根拠が「緊急」のとき）"),
        queryset=User.objects.none(),
        required=False,
    )
    basis_note = forms.CharField(
        label=_("根拠の詳細"),
        max_length=200,
        required=False,
        help_text=_("緊急と判断した状況（生命・身体の保護）など。"),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[  # type: ignore[attr-defined]
            "organization"
        ].queryset = selectors.team_organization_choices()
        self.fields["organization"].widget.attrs.update(
            {
                "hx-get": reverse("cases:team_workers", kwargs={"case_id": case.pk}),
                "hx-target": "#id_worker",
                "hx-trigger": "change",
            }
        )
        # Only the chosen organization's staff, each once (the organization field's value, or
        # the screen's `?organization=`); htmx refreshes the list when it changes.
        self.fields["worker"].queryset = selectors.team_worker_choices(  # type: ignore[attr-defined]
            self.chosen_organization()
        )
        self.fields["consent"].queryset = selectors.subject_consents_queryset(case)  # type: ignore[attr-defined]
        self.fields["conference"].queryset = selectors.statutory_meetings_about(case)  # type: ignore[attr-defined]
        self.fields["reviewer"].queryset = selectors.emergency_reviewer_choices()  # type: ignore[attr-defined]
        self.fields["reviewer"].help_text = gettext(
            "基幹相談支援センターの職員。緊急の根拠は%(days)s日で終わり、それまでに同意か"
            "支援会議に切り替えます。"
        ) % {"days": settings.EMERGENCY_BASIS_DAYS}
        if not self.is_bound:
            self.initial.setdefault("joined_on", timezone.localdate())

    def chosen_organization(self) -> Organization | None:
        raw = self.data.get("organization") if self.is_bound else self.initial.get("organization")
        try:
            pk = int(str(raw))
        except (TypeError, ValueError):
            return None
        return selectors.team_organization_choices().filter(pk=pk).first()


class TeamLeaveForm(forms.Form):
    left_on = BoundedFormDateField(label=_("離脱日"), required=False)


class BreakGlassForm(forms.Form):
    person = forms.CharField(label=_("本人ID"), max_length=20)
    reason = forms.CharField(
        label=_("理由"),
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "生命・身体の保護のために今すぐ記録を見る必要がある理由を、10文字以上で具体的に。"
        ),
        error_messages={
            "required": _("理由を入力してください。"),
            "min_length": _("理由を10文字以上で具体的に入力してください。"),
        },
    )


class BreakGlassReviewForm(forms.Form):
    note = forms.CharField(label=_("確認メモ"), max_length=200, required=False)


class _BareConsentField(forms.ModelChoiceField):  # type: ignore[type-arg]  # stubs
    """A consent by number and date only: the reviewer checks the basis, not the record."""

    def label_from_instance(self, obj: Consent) -> str:
        return f"#{obj.pk} {obj.obtained_on:%Y-%m-%d}"


class EmergencyConvertForm(forms.Form):
    basis = forms.ChoiceField(
        label=_("切り替え先の根拠"),
        choices=[
            (SharingBasis.CONSENT, SharingBasis.CONSENT.label),
            (SharingBasis.STATUTORY_MEETING, SharingBasis.STATUTORY_MEETING.label),
        ],
        widget=forms.RadioSelect,
    )
    consent = _BareConsentField(
        label=_("同意（この機関を含み、今日有効なもの）"),
        queryset=Consent.objects.none(),
        required=False,
    )
    conference = ConferenceChoiceField(
        label=_("支援会議（この機関が出席し、全員が誓約したもの）"),
        queryset=CaseConference.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, member: CaseTeamMember, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent"].queryset = selectors.consents_naming(  # type: ignore[attr-defined]
            member.case, member.organization
        )
        self.fields["conference"].queryset = selectors.support_meetings_for(  # type: ignore[attr-defined]
            member.case, member.organization
        ).prefetch_related("attendees__organization")
