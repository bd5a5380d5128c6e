from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tsunagu.audit.actions import action_choices
from tsunagu.audit.models import Outcome
from tsunagu.core.validators import BoundedFormDateField
from tsunagu.organizations.models import Organization


class AuditFilterForm(forms.Form):
    user = forms.CharField(label=_("ユーザー名"), required=False, max_length=150)
    organization = forms.ModelChoiceField(
        label=_("所属"),
        required=False,
        queryset=Organization.objects.all(),
        empty_label=_("すべて"),
    )
    action = forms.ChoiceField(
        label=_("操作"),
        required=False,
        choices=lambda: [("", _("すべて")), *action_choices()],
    )
    outcome = forms.ChoiceField(
        label=_("結果"), required=False, choices=[("", _("すべて")), *Outcome.choices]
    )
    target_type = forms.CharField(
        label=_("対象の種類"),
        required=False,
        max_length=64,
        help_text=_("例: accounts.user"),
    )
    target_id = forms.CharField(label=_("対象ID"), required=False, max_length=64)
    date_from = BoundedFormDateField(label=_("開始日"), required=False)
    date_to = BoundedFormDateField(label=_("終了日"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise ValidationError(_("開始日は終了日以前の日付にしてください。"))
        return cleaned
