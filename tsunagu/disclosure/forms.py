"""The disclosure screen's form: when the request came in, and a decision on each of the
organization's own restricted notes (documents.py says why)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.core.validators import BoundedFormDateField
from tsunagu.disclosure.documents import Ground, NoteDecision
from tsunagu.records.models import ProgressNote

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DISCLOSE = "disclose"
WITHHOLD = "withhold"
DECISIONS = ((DISCLOSE, _("開示する")), (WITHHOLD, _("開示しない")))
REASON_MAX = 500


class DisclosureForm(forms.Form):
    received_on = BoundedFormDateField(
        label=_("開示請求を受け付けた日"),
        widget=DATE_WIDGET,
        error_messages={"required": _("開示請求を受け付けた日を入力してください。")},
    )

    def __init__(self, *args: Any, restricted: list[ProgressNote], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"received_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.restricted = restricted
        for note in restricted:
            self.fields[f"decision_{note.pk}"] = forms.ChoiceField(
                label=_("判断"),
                choices=DECISIONS,
                widget=forms.RadioSelect,
                error_messages={"required": _("開示するか、開示しないかを選んでください。")},
            )
            self.fields[f"ground_{note.pk}"] = forms.ChoiceField(
                label=_("開示しない根拠（個人情報保護法第33条第2項）"),
                choices=[("", "—"), *Ground.CHOICES],
                required=False,
            )
            self.fields[f"reason_{note.pk}"] = forms.CharField(
                label=_("開示しない理由（本人に伝える理由）"),
                max_length=REASON_MAX,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean_received_on(self) -> Any:
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError(_("受け付けた日に未来の日付は入力できません。"))
        return received_on

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for note in self.restricted:
            if cleaned.get(f"decision_{note.pk}") != WITHHOLD:
                continue
            if not cleaned.get(f"ground_{note.pk}"):
                self.add_error(f"ground_{note.pk}", _("開示しない根拠を選んでください。"))
            if not str(cleaned.get(f"reason_{note.pk}", "")).strip():
                self.add_error(f"reason_{note.pk}", _("開示しない理由を入力してください。"))
        return cleaned

    def rows(
        self,
    ) -> list[tuple[ProgressNote, forms.BoundField, forms.BoundField, forms.BoundField]]:
        """The restricted notes with their three fields, for the template."""
        return [
            (
                note,
                self[f"decision_{note.pk}"],
                self[f"ground_{note.pk}"],
                self[f"reason_{note.pk}"],
            )
            for note in self.restricted
        ]

    def decisions(self) -> dict[int, NoteDecision]:
        decisions = {}
        for note in self.restricted:
            if self.cleaned_data[f"decision_{note.pk}"] == DISCLOSE:
                decisions[note.pk] = NoteDecision(disclose=True)
            else:
                decisions[note.pk] = NoteDecision(
                    disclose=False,
                    ground=self.cleaned_data[f"ground_{note.pk}"],
                    reason=self.cleaned_data[f"reason_{note.pk}"].strip(),
                )
        return decisions
