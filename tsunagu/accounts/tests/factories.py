from __future__ import annotations

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from tsunagu.accounts.models import User

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
