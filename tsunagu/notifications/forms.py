from __future__ import annotations

from django import forms

from tsunagu.notifications.models import NotificationSetting


class NotificationSettingForm(forms.ModelForm):  # type: ignore[type-arg]  # stubs
    class Meta:
        model = NotificationSetting
        fields = ["daily_digest"]
