from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.core.validators import BoundedFormDateField
from tsunagu.plainplans.models import (
    GOALS_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    PART_MAX_LENGTH,
    WHO_MAX_LENGTH,
    Audience,
    PlainPlanPart,
)

GRADE_CHOICES = [(n, _("%(n)d年生まで") % {"n": n}) for n in range(1, 7)]
# Blank rows offered below the parts already written.
SPARE_ROWS = 2


class PlainPlanForm(forms.Form):
    """The draft's words: goals, each agency's or helper's part (rows `who_N`, `what_N`), the
    next meeting and the grade of kanji the checker allows."""

    goals = forms.CharField(
        label=_("目標（やさしい日本語で）"),
        max_length=GOALS_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("1行に1つ。短い文で書きます。"),
    )
    next_meeting_on = BoundedFormDateField(
        label=_("次に会う日"), required=False, help_text=_("計画のモニタリング予定日から入ります。")
    )
    next_meeting_note = forms.CharField(
        label=_("次に会うときのこと"), max_length=NOTE_MAX_LENGTH, required=False
    )
    kanji_grade = forms.TypedChoiceField(
        label=_("漢字の学年"),
        choices=GRADE_CHOICES,
        coerce=int,
        help_text=_("この学年までに習う漢字はチェックで指摘しません（学年別漢字配当表）。"),
    )

    def __init__(self, *args: Any, parts: list[PlainPlanPart], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = len(parts) + SPARE_ROWS
        for index in range(1, self.rows + 1):
            part = parts[index - 1] if index <= len(parts) else None
            self.fields[f"who_{index}"] = forms.CharField(
                label=_("%(n)d: だれが") % {"n": index},
                max_length=WHO_MAX_LENGTH,
                required=False,
                initial=part.who if part else "",
            )
            self.fields[f"what_{index}"] = forms.CharField(
                label=_("%(n)d: 何をするか") % {"n": index},
                max_length=PART_MAX_LENGTH,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=part.what if part else "",
            )
            self.fields[f"item_{index}"] = forms.IntegerField(
                required=False,
                widget=forms.HiddenInput,
                initial=part.plan_item_id if part else None,
                min_value=1,
                max_value=2**63 - 1,
            )

    def main_fields(self) -> list[Any]:
        return [
            self[name] for name in ("goals", "next_meeting_on", "next_meeting_note", "kanji_grade")
        ]

    def part_rows(self) -> list[tuple[int, Any, Any, Any]]:
        return [
            (i, self[f"who_{i}"], self[f"what_{i}"], self[f"item_{i}"])
            for i in range(1, self.rows + 1)
        ]

    def as_update(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "goals": data["goals"],
            "next_meeting_on": data["next_meeting_on"],
            "next_meeting_note": data["next_meeting_note"],
            "kanji_grade": data["kanji_grade"],
            "parts": [
                {
                    "who": data[f"who_{i}"],
                    "what": data[f"what_{i}"],
                    "plan_item": data[f"item_{i}"],
                }
                for i in range(1, self.rows + 1)
            ],
        }

    def texts(self) -> dict[str, str]:
        """The texts as typed, by the checker's field names (selectors.flags)."""
        data = self.cleaned_data
        texts = {"goals": data["goals"], "next_meeting_note": data["next_meeting_note"]}
        shown = 0
        for i in range(1, self.rows + 1):
            if data[f"who_{i}"].strip() or data[f"what_{i}"].strip():
                shown += 1
                texts[f"part-{shown}-who"] = data[f"who_{i}"]
                texts[f"part-{shown}-what"] = data[f"what_{i}"]
        return texts


class ReleaseForm(forms.Form):
    family_goals = forms.BooleanField(label=_("家族に目標を見せる"), required=False)
    family_parts = forms.BooleanField(label=_("家族に「だれが何をするか」を見せる"), required=False)
    family_meeting = forms.BooleanField(label=_("家族に次に会う日を見せる"), required=False)
    family_allowed_on = BoundedFormDateField(
        label=_("本人が家族に見せてよいと言った日"),
        required=False,
        help_text=_("家族に見せるときは必ず書きます。"),
    )
    family_allowed_note = forms.CharField(
        label=_("本人の言葉・同意の記録"), max_length=NOTE_MAX_LENGTH, required=False
    )


class AudienceForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("だれが見る画面か"), choices=Audience.choices, required=False
    )
