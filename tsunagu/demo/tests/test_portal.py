"""The demo city has the issue's portal example: a person and their mother each invited, the
mother allowed only the plan (issue 22, Done when)."""

from __future__ import annotations

import pytest

from tsunagu.portal.models import AccountKind, PortalAccount, PortalInvitation

pytestmark = pytest.mark.django_db


def test_a_person_and_their_mother_each_have_an_invitation(demo_city):
    person = PortalAccount.objects.get(kind=AccountKind.PERSON)
    mother = PortalAccount.objects.get(kind=AccountKind.SUPPORTER)
    assert mother.case_id == person.case_id
    assert mother.relationship == "母"
    assert mother.sections == ["plan"]
    assert mother.consent_obtained_on is not None
    for account in (person, mother):
        invitation = PortalInvitation.objects.get(account=account)
        assert invitation.used_at is None
        assert invitation.channel == "paper"
    assert "本人ポータル" in demo_city
    assert "招待コード" in demo_city
