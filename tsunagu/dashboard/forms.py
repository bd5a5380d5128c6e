from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.core.dates import fiscal_year_label
from tsunagu.dashboard.figures import year_label


class YearForm(forms.Form):
    """The fiscal year of a dashboard: those from the first with records to this one, labelled
    令和7年度（2025年度）.  Any other value is refused with its message (never replaced)."""

    fiscal_year = forms.TypedChoiceField(
        label=gettext_lazy("年度"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={
            "invalid_choice": gettext_lazy(
                "その年度の記録はありません。一覧にある年度を選んでください。"
            )
        },
    )

    def __init__(self, *args: Any, years: Sequence[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["fiscal_year"]
        field.choices = [(y, year_label(y)) for y in years]  # type: ignore[attr-defined]
        if years:
            field.error_messages["invalid_choice"] = _(
                "その年度の記録はありません。%(first)sから%(last)sまでの年度を選んでください。"
            ) % {"first": fiscal_year_label(years[-1]), "last": fiscal_year_label(years[0])}
