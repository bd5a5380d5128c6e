"""A joint-support request sent again for the same person of the same case (after a refusal, a
withdrawal, or a bounce between receivers: たらい回し) counts once in seed 000's table."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.organizations.tests.factories import OrganizationFactory
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.referrals.models import ReferralStatus
from tsunagu.referrals.statistics import joint_support_table, period
from tsunagu.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

TOKYO = timezone.get_fixed_timezone(9 * 60)


def _at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2026, month, day, 10, tzinfo=TOKYO)


def _cell(table, row_key: str, column: str) -> int:
    row = next(r for r in table.rows if r.key == row_key)
    return row.cells[table.columns.index(column)]


def test_a_request_sent_again_counts_once(personas):
    hub = OrganizationFactory.create(kind="community_life_hub", name="地域生活支援拠点 みどり")
    person = PersonFactory.create(disability_categories=["mental"])
    case = CaseFactory.create(person=person, lead_organization=personas.office_a)
    # Refused by the hub, sent to the core center, withdrawn, sent to it again and accepted.
    for receiver, status, day in [
        (hub, ReferralStatus.REJECTED, _at(5, 1)),
        (personas.core_center, ReferralStatus.CANCELLED, _at(5, 20)),
        (personas.core_center, ReferralStatus.ACCEPTED, _at(6, 3)),
    ]:
        ReferralFactory.create(
            case=case, receiving_organization=receiver, status=status, sent_at=day
        )
    # Another person's request, and the second member of a household case: each one of its own.
    other = CaseFactory.create(
        person=PersonFactory.create(disability_categories=["mental"]),
        lead_organization=personas.office_a,
    )
    ReferralFactory.create(case=other, receiving_organization=hub, sent_at=_at(7, 1))
    sibling = PersonFactory.create(disability_categories=["intellectual"])
    ReferralFactory.create(case=case, person=sibling, receiving_organization=hub, sent_at=_at(7, 2))

    table = joint_support_table(period(2026, dt.date(2026, 11, 1)))

    assert _cell(table, "commissioned", "精神") == 2
    assert _cell(table, "commissioned", "知的") == 1
    assert table.total == 3
    accepted = joint_support_table(period(2026, dt.date(2026, 11, 1)), accepted_only=True)
    assert accepted.total == 1  # only the resent request was accepted


def test_the_last_request_sent_in_the_period_stands(personas):
    """Sent once in March (the year before) and again in April: it is this year's request, once."""
    person = PersonFactory.create(disability_categories=["physical"])
    case = CaseFactory.create(person=person, lead_organization=personas.office_a)
    ReferralFactory.create(
        case=case,
        receiving_organization=personas.core_center,
        status=ReferralStatus.REJECTED,
        sent_at=dt.datetime(2026, 3, 30, 10, tzinfo=TOKYO),
    )
    ReferralFactory.create(
        case=case, receiving_organization=personas.core_center, sent_at=_at(4, 2)
    )
    assert joint_support_table(period(2026, dt.date(2026, 11, 1))).total == 1
    assert joint_support_table(period(2025)).total == 1
