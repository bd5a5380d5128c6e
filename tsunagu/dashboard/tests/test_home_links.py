"""Every count on the home page is a link to the list that shows exactly the counted rows
(issue 16): the count and the rows listed behind its link are the same number."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.utils import timezone

from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.referrals.models import ReferralStatus
from tsunagu.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

REFERRAL_COUNTS = ["inbox_new", "inbox_active", "outbox_open", "outbox_to_confirm"]


@pytest.fixture
def city_referrals(personas) -> None:
    """Requests to and from the city department in every status, and some of others."""
    for status in ReferralStatus.values:
        ReferralFactory.create(
            case=CaseFactory.create(lead_organization=personas.office_a),
            receiving_organization=personas.city,
            status=status,
        )
        ReferralFactory.create(
            case=CaseFactory.create(lead_organization=personas.city),
            receiving_organization=personas.core_center,
            status=status,
        )
    ReferralFactory.create(receiving_organization=personas.office_b)  # not the city's
    for _ in range(2):  # more than one in a status, so that a count is not just 0 or 1
        ReferralFactory.create(
            case=CaseFactory.create(lead_organization=personas.office_a),
            receiving_organization=personas.city,
            status=ReferralStatus.IN_PROGRESS,
        )


def _links_of_count(body: str, url: str, count: int) -> list[str]:
    """The hrefs of the links to `url` whose text is the count (「n件」)."""
    found = re.findall(rf'<a href="({re.escape(url)}\?[^"]*)">{count}件</a>', body)
    return [html.unescape(href) for href in found]


@pytest.mark.parametrize("name", REFERRAL_COUNTS)
def test_a_referral_count_links_to_exactly_its_rows(personas, client_as, city_referrals, name):
    client = client_as(personas.city_official)
    home = client.get("/")
    count = getattr(home.context["referral_counts"], name)
    assert count > 0
    href = f"/referrals/?{home.context['referral_links'][name]}"
    assert href in _links_of_count(home.content.decode(), "/referrals/", count)
    listed = client.get(href)
    assert listed.status_code == 200
    assert listed.context["page"].paginator.count == count


def test_the_overdue_warning_links_to_the_overdue_rows(personas, client_as):
    for _ in range(2):
        ReferralFactory.create(
            case=CaseFactory.create(lead_organization=personas.office_a),
            receiving_organization=personas.city,
            sent_at=timezone.now() - dt.timedelta(days=30),
        )
    client = client_as(personas.city_official)
    home = client.get("/")
    count = home.context["referral_counts"].inbox_overdue
    assert count == 2
    listed = client.get(f"/referrals/?{home.context['referral_links']['inbox_overdue']}")
    assert listed.context["page"].paginator.count == count


def test_a_status_filter_that_is_not_a_status_is_told(personas, client_as):
    response = client_as(personas.city_official).get("/referrals/?status=nope")
    assert response.status_code == 200
    assert "入力内容を確認してください" in response.content.decode()
