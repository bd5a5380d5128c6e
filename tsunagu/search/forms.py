from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.core.validators import BoundedFormDateField
from tsunagu.search.selectors import MAX_TERMS, SearchQuery

KIND_CHOICES = [
    ("", _("すべて")),
    ("note", _("支援経過記録")),
    ("formulation", _("見立て")),
    ("assessment", _("アセスメント")),
]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("探す言葉"),
        max_length=100,
        error_messages={"required": _("探す言葉を入力してください。")},
        help_text=_("例: 借金、母の入院、通所。空白で区切ると、すべての言葉を含む記録を探します。"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(label=_("記録の種類"), choices=KIND_CHOICES, required=False)
    since = BoundedFormDateField(label=_("期間（から）"), required=False)
    until = BoundedFormDateField(label=_("期間（まで）"), required=False)

    def clean_q(self) -> str:
        text: str = self.cleaned_data["q"].strip()
        if not text.replace("\u3000", " ").strip():
            raise forms.ValidationError(_("探す言葉を入力してください。"))
        if len(text.replace("\u3000", " ").split()) > MAX_TERMS:
            raise forms.ValidationError(_("言葉は%(n)d個までにしてください。") % {"n": MAX_TERMS})
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("終わりの日は始まりの日より後にしてください。"))
        return data

    def search_query(self) -> SearchQuery:
        data = self.cleaned_data
        return SearchQuery(
            text=data["q"], kind=data["kind"], since=data["since"], until=data["until"]
        )


class SynonymForm(forms.Form):
    term = forms.CharField(
        label=_("略語・言い換え"),
        max_length=50,
        help_text=_("例: GH、就B、基幹"),
        error_messages={"required": _("言葉を入力してください。")},
    )
    synonym = forms.CharField(
        label=_("正式な言葉"),
        max_length=100,
        help_text=_("例: グループホーム、就労継続支援B型、基幹相談支援センター"),
        error_messages={"required": _("言葉を入力してください。")},
    )
