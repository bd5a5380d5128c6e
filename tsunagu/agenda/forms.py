from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.agenda.models import Scope
from tsunagu.agenda.periods import MONTH, WEEK
from tsunagu.core.validators import BoundedFormDateField

VIEW_CHOICES = ((WEEK, _("週")), (MONTH, _("月")))


class AgendaForm(forms.Form):
    """The calendar's query string: `?view=week|month&date=2026-12-03&scope=mine|organization`.
    Each may be left out (this week, the user's own)."""

    view = forms.ChoiceField(label=_("表示"), choices=VIEW_CHOICES, required=False)
    date = BoundedFormDateField(label=_("日付"), required=False)
    scope = forms.ChoiceField(label=_("表示する予定"), choices=Scope.choices, required=False)


class FeedCreateForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("配信する予定"),
        choices=Scope.choices,
        initial=Scope.MINE,
        widget=forms.RadioSelect,
    )
