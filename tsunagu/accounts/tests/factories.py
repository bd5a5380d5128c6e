from __future__ import annotations

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from tsunagu.accounts.models import User
from tsunagu.organizations.models import Organization

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="ja_JP")
    full_name_kana = factory.Faker("kana_name", locale="ja_JP")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.jp")
    password = factory.django.Password(PASSWORD)


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "authenticator"
    confirmed = True


def api_token_for(user: User, organization: Organization | None = None) -> str:
    """A raw bearer token for `user`, issued as POST /api/v1/auth/token would."""
    from tsunagu.accounts.services import api_token_issue
    from tsunagu.core.actor import Origin

    origin = Origin(path="/api/v1/auth/token", method="POST")
    return api_token_issue(origin=origin, user=user, organization=organization).raw


def totp_code(device: TOTPDevice, drift: int = 0) -> str:
    """The code the user's authenticator app shows now (or `drift` steps away)."""
    from django_otp.oath import totp

    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{value:0{device.digits}d}"


def wrong_totp_code(device: TOTPDevice) -> str:
    """A well-formed code that the device would not accept anywhere in its tolerance window."""
    window = range(-device.tolerance - 1, device.tolerance + 2)
    accepted = {totp_code(device, drift) for drift in window}
    return next(
        code for code in ("000000", "111111", "222222", "333333", "444444") if code not in accepted
    )
