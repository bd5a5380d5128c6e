from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tsunagu.core.validators import BoundedFormDateField
from tsunagu.organizations.models import Membership, StaffingPost


class SwitchOrganizationForm(forms.Form):
    organization = forms.IntegerField(widget=forms.HiddenInput)


class StaffingPostForm(forms.ModelForm):  # type: ignore[type-arg]  # generic in the stubs only
    class Meta:
        model = StaffingPost
        fields = ["kind", "headcount", "required_from", "required_until"]


class StaffingPostEditForm(forms.ModelForm):  # type: ignore[type-arg]  # generic in the stubs only
    class Meta:
        model = StaffingPost
        fields = ["headcount", "required_until"]


class MemberChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # generic in stubs
    def label_from_instance(self, obj: Membership) -> str:
        return f"{obj.user.full_name}（{obj.get_job_title_display()}）"


class StaffingAssignmentForm(forms.Form):
    membership = MemberChoiceField(
        label=_("職員"), queryset=Membership.objects.none(), empty_label=_("選んでください")
    )
    started_on = BoundedFormDateField(label=_("就任日"))
    ended_on = BoundedFormDateField(
        label=_("最終勤務日"), required=False, help_text=_("空欄なら在任中。")
    )

    def __init__(self, *args: Any, members: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["membership"]
        assert isinstance(field, MemberChoiceField)  # noqa: S101
        field.queryset = members


class StaffingAssignmentEndForm(forms.Form):
    ended_on = BoundedFormDateField(label=_("最終勤務日"))
