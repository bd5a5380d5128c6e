from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.core.validators import BoundedFormDateField
from tsunagu.portal.models import (
    CHECKIN_TEXT_MAX,
    REQUEST_TEXT_MAX,
    AccountKind,
    Channel,
    Mood,
    Rhythm,
    Section,
)

BIG = {"class": "portal-input", "autocomplete": "off"}


class PortalForm(forms.Form):
    """The portal's forms: labels read as they are written, without a trailing colon."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class CodeForm(PortalForm):
    code = forms.CharField(
        label=_("招待コード"),
        max_length=40,
        help_text=_("紙やメッセージにある12文字です。- はなくてもかまいません。"),
        widget=forms.TextInput(
            attrs={**BIG, "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class PassphraseForm(PortalForm):
    code = forms.CharField(max_length=40, widget=forms.HiddenInput)
    passphrase = forms.CharField(
        label=_("あいことば"),
        strip=False,
        max_length=200,
        help_text=_("13文字以上。ことばをいくつかつなげると、おぼえやすくて安全です。"),
        widget=forms.PasswordInput(attrs={**BIG, "autocomplete": "new-password"}),
    )
    again = forms.CharField(
        label=_("もう一度、同じあいことば"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={**BIG, "autocomplete": "new-password"}),
    )


class SignInForm(PortalForm):
    portal_id = forms.CharField(
        label=_("ポータル番号"),
        max_length=20,
        widget=forms.TextInput(attrs={**BIG, "autocomplete": "username"}),
    )
    passphrase = forms.CharField(
        label=_("あいことば"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={**BIG, "autocomplete": "current-password"}),
    )


class MoodForm(PortalForm):
    mood = forms.ChoiceField(label=_("さいきん、どう？"), choices=Mood.choices)


class CheckInForm(PortalForm):
    mood = forms.ChoiceField(choices=Mood.choices, widget=forms.HiddenInput)
    better = forms.CharField(
        label=_("よくなったことは？"),
        required=False,
        max_length=CHECKIN_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "class": "portal-input"}),
    )
    hard = forms.CharField(
        label=_("こまっていることは？"),
        required=False,
        max_length=CHECKIN_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "class": "portal-input"}),
    )
    to_team = forms.CharField(
        label=_("チームに伝えたいことは？"),
        required=False,
        max_length=CHECKIN_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "class": "portal-input"}),
    )
    # Without JavaScript a phone opens its recorder (or its files); with it, static
    # portal/js/voice.js adds record / stop / listen / delete and puts the recording here.
    voice = forms.FileField(
        label=_("声で伝える"),
        required=False,
        help_text=_("声を録音して送れます（なくてもだいじょうぶです）。"),
        widget=forms.FileInput(
            attrs={"accept": "audio/*", "capture": True, "class": "p-file", "data-voice": ""}
        ),
    )


class RhythmForm(PortalForm):
    rhythm = forms.ChoiceField(
        label=_("どう？をいつ聞いてほしい？"), choices=Rhythm.choices, widget=forms.RadioSelect
    )


class QuestionForm(PortalForm):
    text = forms.CharField(
        label=_("聞きたいこと・伝えたいこと"),
        required=False,
        max_length=REQUEST_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "class": "portal-input"}),
    )


class InviteForm(forms.Form):
    kind = forms.ChoiceField(label=_("招待する人"), choices=AccountKind.choices)
    display_name = forms.CharField(
        label=_("ポータルでの呼び方"), max_length=60, help_text=_("例: さくらさん、お母さん")
    )
    relationship = forms.CharField(
        label=_("本人との関係（家族・支援者）"), max_length=40, required=False
    )
    sections = forms.MultipleChoiceField(
        label=_("本人が見せてよいとしたもの（家族・支援者）"),
        choices=Section.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent_obtained_on = BoundedFormDateField(
        label=_("本人の同意日（家族・支援者）"), required=False
    )
    consent_method = forms.CharField(label=_("同意の方法"), max_length=40, required=False)
    consent_expires_on = BoundedFormDateField(label=_("同意の期限"), required=False)
    channel = forms.ChoiceField(label=_("コードの渡し方"), choices=Channel.choices)
    destination = forms.CharField(label=_("送り先（SMS・メール）"), max_length=254, required=False)


class CodeIssueForm(forms.Form):
    channel = forms.ChoiceField(label=_("コードの渡し方"), choices=Channel.choices)
    destination = forms.CharField(label=_("送り先（SMS・メール）"), max_length=254, required=False)
