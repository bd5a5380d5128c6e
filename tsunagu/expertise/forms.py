from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tsunagu.expertise.models import NOTE_MAX_LENGTH, Theme
from tsunagu.organizations.models import Area


class DirectorySearchForm(forms.Form):
    """The directory's question: which theme, in which ward.  A value not in the lists is the
    form's Japanese message (400), never a query."""

    theme = forms.ChoiceField(
        label=_("分野"),
        required=False,
        choices=[("", _("すべての分野")), *list(Theme.choices)],
        error_messages={"invalid_choice": _("一覧から分野を選んでください。")},
    )
    ward = forms.ModelChoiceField(
        label=_("区"),
        required=False,
        queryset=Area.objects.none(),
        empty_label=_("市内すべて"),
        error_messages={"invalid_choice": _("一覧から区を選んでください。")},
    )

    def __init__(self, *args: Any, wards: QuerySet[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = wards  # type: ignore[attr-defined]  # a ModelChoiceField


class DeclarationForm(forms.Form):
    theme = forms.ChoiceField(
        label=_("分野"),
        choices=[("", "---------"), *list(Theme.choices)],
        error_messages={
            "required": _("分野を選んでください。"),
            "invalid_choice": _("一覧から分野を選んでください。"),
        },
    )
    note = forms.CharField(
        label=_("経験・体制"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "支援の経験、資格をもつ職員、連携先など。個人が分かることは書かないでください。"
        ),
    )


class DeclarationEditForm(forms.Form):
    note = DeclarationForm.base_fields["note"]
