from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tsunagu.moments.models import MOMENT_TEXT_MAX
from tsunagu.organizations.models import Organization


class ShareForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("共有する事業所（支援チームのサービス提供）"),
        queryset=Organization.objects.none(),
        error_messages={"invalid_choice": _("支援チームの事業所を選んでください。")},
    )
    message = forms.CharField(label=_("事業所へのひとこと"), max_length=200, required=False)

    def __init__(self, *args: Any, providers: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = providers


class CouncilMomentForm(forms.Form):
    text = forms.CharField(
        label=_("協議会に伝える場面（匿名化）"),
        max_length=MOMENT_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("本人が分かる名前・日付・場所を書かずに、どこに心が動いたかを書きます。"),
    )
    lesson = forms.CharField(
        label=_("支援で大切にしたいこと"),
        max_length=MOMENT_TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
