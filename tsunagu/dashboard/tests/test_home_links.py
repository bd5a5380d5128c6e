"""Every count on the home page is a link to the list that shows exactly the counted rows
(issue 16): the count and the rows listed behind its link are the same number."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.plans.models import OPEN_TASK_STATUSES, TaskStatus
from tsunagu.plans.tests.factories import MonitoringFactory, TaskFactory
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
    assert listed.context["table"].paginator.count == count


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
    assert listed.context["table"].paginator.count == count


def test_a_status_filter_that_is_not_a_status_is_told(personas, client_as):
    response = client_as(personas.city_official).get("/referrals/?status=nope")
    assert response.status_code == 400  # as every list answers a filter it cannot use
    assert "入力内容を確認してください" in response.content.decode()


# --- Plans: overdue monitorings and open tasks ------------------------------------------------

MONITORING_COUNTS = ["overdue_mine", "overdue_organization"]
TASK_COUNTS = ["mine", "mine_overdue", "organization", "organization_overdue", "unassigned"]


@pytest.fixture
def office_work(personas) -> None:
    """Monitorings and tasks of office A's counselor, of a colleague, and of another office."""
    today = timezone.localdate()
    for lead_worker, days in [
        (personas.counselor_a, -30),
        (personas.counselor_a, -3),
        (personas.counselor_a, 5),  # due soon, not overdue
        (personas.reader_a, -10),
        (personas.reader_a, -1),
        (personas.reader_a, -40),
    ]:
        case = CaseFactory.create(lead_organization=personas.office_a, lead_worker=lead_worker)
        MonitoringFactory.create(plan__case=case, due_on=today + dt.timedelta(days=days))
    other = CaseFactory.create(
        lead_organization=personas.office_b, lead_worker=personas.counselor_b
    )
    MonitoringFactory.create(plan__case=other, due_on=today - dt.timedelta(days=5))

    case = CaseFactory.create(lead_organization=personas.office_a, lead_worker=personas.counselor_a)
    tasks: list[tuple[User | None, int | None, str]] = [
        (personas.counselor_a, -2, TaskStatus.OPEN),
        (personas.counselor_a, -9, TaskStatus.IN_PROGRESS),
        (personas.counselor_a, 4, TaskStatus.OPEN),
        (personas.counselor_a, None, TaskStatus.OPEN),
        (personas.counselor_a, -2, TaskStatus.DONE),  # finished: counted nowhere
        (personas.reader_a, -6, TaskStatus.OPEN),
        (personas.reader_a, 8, TaskStatus.IN_PROGRESS),
        (None, -1, TaskStatus.OPEN),
        (None, 3, TaskStatus.OPEN),
        (None, 12, TaskStatus.OPEN),
    ]
    for worker, task_days, status in tasks:
        TaskFactory.create(
            case=case,
            owner_worker=worker,
            due_on=None if task_days is None else today + dt.timedelta(days=task_days),
            status=status,
        )
    TaskFactory.create(case=other, owner_worker=personas.counselor_b)


@pytest.mark.parametrize("name", MONITORING_COUNTS)
def test_an_overdue_monitoring_count_links_to_exactly_its_rows(
    personas, client_as, office_work, name
):
    client = client_as(personas.counselor_a)
    home = client.get("/")
    board = home.context["plans_dashboard"]
    count = getattr(board, name)
    assert count > 1
    href = f"/plans/monitorings/?{board.links[name]}"
    assert href in _links_of_count(home.content.decode(), "/plans/monitorings/", count)
    listed = client.get(href)
    assert listed.status_code == 200
    assert listed.context["table"].paginator.count == count
    assert all(m.is_overdue for m in listed.context["rows"])


@pytest.mark.parametrize("name", TASK_COUNTS)
def test_a_task_count_links_to_exactly_its_rows(personas, client_as, office_work, name):
    client = client_as(personas.counselor_a)
    home = client.get("/")
    board = home.context["plans_dashboard"]
    count = board.tasks[name]
    assert count > 1
    href = f"/plans/tasks/?{board.task_links[name]}"
    body = home.content.decode()
    linked = [html.unescape(h) for h in re.findall(r'href="(/plans/tasks/\?[^"]*)"', body)]
    assert href in linked
    listed = client.get(href)
    assert listed.status_code == 200
    assert listed.context["table"].paginator.count == count
    assert all(t.status in OPEN_TASK_STATUSES for t in listed.context["rows"])
