"""Every list of the API costs the same number of queries whatever the page size (issue 15):
a row never brings its own visibility check or its own lookups (N+1).

Measured on the demo city, which has several rows in every list, as the users who hold them:
each paginated route is read with `page_size=1` and with `page_size=3`, and both must take the
same number of queries."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tsunagu.accounts.models import User
from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.api import api
from tsunagu.cases.models import Case, CaseConference
from tsunagu.community.models import CommunityActivity
from tsunagu.dashboard.records import FIGURE_KEYS
from tsunagu.disaster.models import Campaign
from tsunagu.hearings.models import HearingRound
from tsunagu.meetings.models import MeetingBody
from tsunagu.organizations.models import Organization
from tsunagu.people.models import Person
from tsunagu.plans.models import SupportPlan
from tsunagu.referrals.models import Referral
from tsunagu.supervision.models import SupervisionSession
from tsunagu.surveys.models import Survey
from tsunagu.trainings.models import TrainingEvent

pytestmark = pytest.mark.django_db

# Who reads: the planning office that leads most demo cases, the core center, the city.
READERS = [("office_a1", "office-aoba"), ("core1", "core-center"), ("city1", "city-disability")]
# Where a route has an id in its path, the candidates to try, most rows first.
PARENTS: dict[str, Any] = {
    "case_id": lambda: Case.objects.order_by("-pk").values_list("pk", flat=True),
    "person_id": lambda: Person.objects.order_by("pk").values_list("pk", flat=True),
    "referral_id": lambda: Referral.objects.order_by("pk").values_list("pk", flat=True),
    "plan_id": lambda: SupportPlan.objects.order_by("pk").values_list("pk", flat=True),
    "body_id": lambda: MeetingBody.objects.order_by("pk").values_list("pk", flat=True),
    "conference_id": lambda: CaseConference.objects.order_by("pk").values_list("pk", flat=True),
    "event_id": lambda: (
        TrainingEvent.objects.annotate(rows=Count("registrations"))
        .order_by("-rows", "pk")
        .values_list("pk", flat=True)
    ),
    "session_id": lambda: (
        SupervisionSession.objects.annotate(rows=Count("items"))
        .order_by("-rows", "pk")
        .values_list("pk", flat=True)
    ),
    "survey_id": lambda: (
        Survey.objects.annotate(rows=Count("questions"))
        .order_by("-rows", "pk")
        .values_list("pk", flat=True)
    ),
    "round_id": lambda: HearingRound.objects.order_by("pk").values_list("pk", flat=True),
    "campaign_id": lambda: (
        Campaign.objects.annotate(rows=Count("checks"))
        .order_by("-rows", "pk")
        .values_list("pk", flat=True)
    ),
    "activity_id": lambda: (
        CommunityActivity.objects.annotate(rows=Count("awareness__materials"))
        .order_by("-rows", "pk")
        .values_list("pk", flat=True)
    ),
    "key": lambda: list(FIGURE_KEYS),  # a dashboard figure, not a row
    "organization_id": lambda: (
        Organization.objects.annotate(members=Count("memberships"))
        .order_by("-members", "pk")
        .values_list("pk", flat=True)
    ),
}


def _paginated_paths() -> list[str]:
    paths = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                if "GET" in operation.methods and getattr(
                    operation.view_func, "_ninja_is_paginated", False
                ):
                    paths.append((prefix.rstrip("/") + path).replace("//", "/"))
    return paths


def _addresses(path: str) -> Iterator[str]:
    params = re.findall(r"{(\w+)}", path)
    if not params:
        yield path
        return
    [param] = params
    for pk in PARENTS[param]()[:40]:
        yield path.replace("{" + param + "}", str(pk))


def _queries(client: Client, url: str, size: int) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/api/v1{url}", {"page_size": size})
    assert response.status_code == 200, (url, response.content[:300])
    return len(captured), len(response.json()["results"])


@pytest.fixture
def readers(demo_city) -> list[Client]:
    clients = []
    for username, code in READERS:
        user = User.objects.get(username=username)
        token = api_token_for(user, Organization.objects.get(code=code))
        clients.append(Client(HTTP_AUTHORIZATION=f"Bearer {token}"))
    return clients


def test_every_api_list_costs_the_same_queries_for_one_row_as_for_three(readers):
    measured, unmeasured, growing = [], [], []
    for path in _paginated_paths():
        found = None
        for client in readers:
            for url in _addresses(path):
                response = client.get(f"/api/v1{url}", {"page_size": 3})
                if response.status_code == 200 and len(response.json()["results"]) == 3:
                    found = (client, url)
                    break
            if found:
                break
        if found is None:
            unmeasured.append(path)
            continue
        client, url = found
        one, _rows = _queries(client, url, 1)
        three, rows = _queries(client, url, 3)
        measured.append(path)
        if three != one:
            growing.append(f"{url}: {one} queries for 1 row, {three} for {rows}")
    assert growing == [], ("lists whose queries grow with the page", growing, unmeasured)
    # The demo city fills nearly every list; these have fewer than three rows for any reader.
    assert len(measured) >= 20, (measured, unmeasured)
