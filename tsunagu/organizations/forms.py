from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.organizations.models import Area, OrganizationKind


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(label=_("名称"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("種別"), required=False, choices=[("", _("すべて")), *OrganizationKind.choices]
    )
    area = forms.ModelChoiceField(
        label=_("地域"), required=False, queryset=Area.objects.all(), empty_label=_("すべて")
    )


class SwitchOrganizationForm(forms.Form):
    organization = forms.IntegerField(widget=forms.HiddenInput)
