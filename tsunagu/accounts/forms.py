from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tsunagu.accounts.models import User
from tsunagu.organizations.models import JobTitle, Organization, SystemRole


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("ユーザー名"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("パスワード"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OtpForm(forms.Form):
    token = forms.CharField(
        label=_("確認コード"),
        max_length=16,
        help_text=_("認証アプリに表示される6桁の数字、またはリカバリーコードを入力します。"),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "none"}
        ),
    )

    def clean_token(self) -> str:
        return str(self.cleaned_data["token"]).strip().replace(" ", "").lower()


class OtpSetupForm(forms.Form):
    token = forms.RegexField(
        label=_("確認コード（6桁）"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("6桁の数字を入力してください。")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasswordChangeForm(DjangoPasswordChangeForm):
    """Django's form checks the current password and runs the validators; the service saves."""

    def save(self, commit: bool = True) -> Any:
        raise NotImplementedError("Use tsunagu.accounts.services.password_change")


class UserCreateForm(forms.Form):
    username = forms.RegexField(
        label=_("ユーザー名"),
        regex=r"^[a-zA-Z0-9_.-]{3,150}$",
        help_text=_("半角英数字と _ . - で3文字以上。"),
        error_messages={"invalid": _("半角英数字と _ . - で3文字以上にしてください。")},
    )
    full_name = forms.CharField(label=_("氏名"), max_length=100)
    full_name_kana = forms.CharField(label=_("氏名（ふりがな）"), max_length=100, required=False)
    email = forms.EmailField(label=_("メールアドレス"), required=False)
    password = forms.CharField(
        label=_("初期パスワード"),
        strip=False,
        help_text=_(
            "13文字以上。よく使われるもの・流出したもの・繰り返しや並び・氏名や組織名を含むものは"
            "使えません。"
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    organization = forms.ModelChoiceField(
        label=_("所属組織"),
        queryset=Organization.objects.active().filter(has_accounts=True),
        empty_label=_("選択してください"),
    )
    job_title = forms.ChoiceField(label=_("職種"), choices=JobTitle.choices)
    role = forms.ChoiceField(
        label=_("システム上の役割"), choices=SystemRole.choices, initial=SystemRole.STAFF
    )

    def clean_username(self) -> str:
        username = str(self.cleaned_data["username"])
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("このユーザー名は既に使われています。"))
        return username

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password = cleaned.get("password")
        if password:
            candidate = User(
                username=cleaned.get("username", ""),
                full_name=cleaned.get("full_name", ""),
                full_name_kana=cleaned.get("full_name_kana", ""),
                email=cleaned.get("email", ""),
            )
            # Not saved yet, so no memberships: PersonalInfoValidator reads this instead.
            candidate.password_check_organizations = [  # type: ignore[attr-defined]
                org for org in [cleaned.get("organization")] if org is not None
            ]
            try:
                validate_password(password, candidate)
            except ValidationError as error:
                self.add_error("password", error)
        return cleaned


class UserSearchForm(forms.Form):
    q = forms.CharField(label=_("氏名・ユーザー名"), required=False, max_length=100)


class SavedSearchForm(forms.Form):
    """Save the filters of the list being shown (from the form under a list's filters)."""

    name = forms.CharField(label=_("保存する名前"), max_length=50)
    path = forms.CharField(widget=forms.HiddenInput, max_length=200)
    query = forms.CharField(widget=forms.HiddenInput, max_length=1000, required=False)


class OwnCodeField(forms.CharField):
    """The manager's own current code (ADR 0014: creating an account and resetting another's
    second factor need a fresh second factor)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("あなたの確認コード"))
        kwargs.setdefault(
            "help_text",
            _("ご自身の認証アプリに今表示されている6桁の数字（またはリカバリーコード）。"),
        )
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none"}),
        )
        super().__init__(**kwargs)


class AccountInviteForm(forms.Form):
    username = forms.RegexField(
        label=_("ユーザー名"),
        regex=r"^[a-zA-Z0-9_.-]{3,150}$",
        help_text=_("半角英数字と _ . - で3文字以上。"),
        error_messages={"invalid": _("半角英数字と _ . - で3文字以上にしてください。")},
    )
    full_name = forms.CharField(label=_("氏名"), max_length=100)
    full_name_kana = forms.CharField(
        label=_("氏名（ふりがな）"),
        max_length=100,
        required=False,
        help_text=_("ひらがな・カタカナ（半角も可）。"),
    )
    email = forms.EmailField(
        label=_("メールアドレス"),
        help_text=_("パスワードを決めるための一度だけ使えるリンクをここへ送ります。"),
    )
    organization = forms.ModelChoiceField(
        label=_("所属組織"), queryset=Organization.objects.none(), empty_label=_("選択してください")
    )
    job_title = forms.ChoiceField(label=_("職種"), choices=JobTitle.choices)
    role = forms.ChoiceField(
        label=_("システム上の役割"), choices=SystemRole.choices, initial=SystemRole.STAFF
    )
    otp = OwnCodeField()

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = organizations


class ResetSecondFactorForm(forms.Form):
    otp = OwnCodeField()
