from __future__ import annotations

from django import forms

from tsunagu.reports.models import AnnualReport


class AnnualReportForm(forms.ModelForm[AnnualReport]):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = AnnualReport
        fields = [
            "introduction",
            "joint_support",
            "training",
            "network",
            "community_issues",
            "future",
            "status",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 6})
            for name in (
                "introduction",
                "joint_support",
                "training",
                "network",
                "community_issues",
                "future",
            )
        }
