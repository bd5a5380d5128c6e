from __future__ import annotations

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from tsunagu.accounts.models import User
from tsunagu.organizations.models import Organization

PASSWORD = "correct-horse-battery-staple"


# Staff names come from surnames no test gives a person: a random Faker name once matched a
# person's surname, and "the person is not on this page" failed on the signed-in user's name.
STAFF_NAMES = (
    ("一ノ瀬", "イチノセ"),
    ("二階堂", "ニカイドウ"),
    ("三ツ矢", "ミツヤ"),
    ("四方田", "ヨモダ"),
    ("六角", "ロッカク"),
    ("八乙女", "ヤオトメ"),
    ("九重", "ココノエ"),
    ("十文字", "ジュウモンジ"),
    ("百目鬼", "ドウメキ"),
)
GIVEN_NAMES = (
    ("伊織", "イオリ"),
    ("澪", "ミオ"),
    ("朔", "サク"),
    ("灯里", "アカリ"),
    ("紫苑", "シオン"),
    ("千景", "チカゲ"),
)


def _staff_name(n: int, kana: bool) -> str:
    family = STAFF_NAMES[n % len(STAFF_NAMES)]
    given = GIVEN_NAMES[(n // len(STAFF_NAMES)) % len(GIVEN_NAMES)]
    return f"{family[kana]} {given[kana]}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: _staff_name(n, kana=False))
    full_name_kana = factory.Sequence(lambda n: _staff_name(n, kana=True))
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
