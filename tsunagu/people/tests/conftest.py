from __future__ import annotations

import datetime as dt

import pytest

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.people.tests.factories import PersonFactory


@pytest.fixture
def yamada(personas):
    """山田 太郎, registered by office A."""
    return PersonFactory.create(
        family_name="山田",
        given_name="太郎",
        family_name_kana="ヤマダ",
        given_name_kana="タロウ",
        birth_date=dt.date(1975, 6, 1),
        phone="090-1234-5678",
        registered_by_organization=personas.office_a,
    )


@pytest.fixture
def api_headers(personas):
    """`api_headers(user)`: a bearer token acting for the user's first organization."""

    def make(user, organization=None):
        from tsunagu.organizations.models import Membership

        org = organization or Membership.objects.get(user=user).organization
        return {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(user, org)}"}

    return make


def person_form_data(**overrides):
    """What a counselor types on the registration screen."""
    data = {
        "family_name": "佐藤",
        "given_name": "花子",
        "family_name_kana": "さとう",
        "given_name_kana": "はなこ",
        "birth_date": "1988-02-29",
        "sex": "female",
        "phone": "080-2222-3333",
        "postal_code": "",
        "address": "みどり市青葉区中央1-1",
        "support_category": "",
        "primary_category": "",
        "notes": "",
        "cert_physical_status": "",
        "cert_physical_grade": "",
        "cert_physical_type": "",
        "cert_intellectual_status": "",
        "cert_intellectual_grade": "",
        "cert_mental_status": "",
        "cert_mental_grade": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
