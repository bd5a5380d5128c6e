"""Issue 21 items 4, 7 and 8 on the demo city: the 49:51 figures of the demo's agencies match
counts taken independently from the models; the council sees kinds only, suppressed; the life
hub and the residents' activities are there."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.cases.models import CaseConference, CaseTeamMember
from tsunagu.core.dates import fiscal_year
from tsunagu.dashboard import balance as balances
from tsunagu.dashboard.figures import scope_of
from tsunagu.directory.models import SocialResource
from tsunagu.lifehub.models import EmergencyRequest, EmergencyStatus, HubRole, ResidentActivity
from tsunagu.organizations.actors import actor_for
from tsunagu.organizations.models import Organization
from tsunagu.plans.models import Task
from tsunagu.plans.selectors import resource_choices
from tsunagu.referrals.models import Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_city, db, settings) -> str:
    settings.DEMO_MODE = True
    return demo_city


def _actor(username: str):
    user = User.objects.get(username=username)
    membership = user.memberships.get(is_primary=True)
    return actor_for(user, membership.organization)


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _independent(org: Organization, year: int, now: dt.datetime) -> dict[str, tuple[int, int, int]]:
    """(took on, declined, lapsed) per stream, counted here straight from the models."""
    took = declined = lapsed = 0
    for r in Referral.objects.filter(kind="joint_support", receiving_organization=org):
        if r.requested_at is None or fiscal_year(_local_day(r.requested_at)) != year:
            continue
        if r.accepted_at is not None:
            took += 1
        elif r.status == "rejected":
            declined += 1
        elif r.status == "requested" and now - r.requested_at > dt.timedelta(days=14):
            lapsed += 1
    requests = (took, declined, lapsed)
    took = lapsed = 0
    for c in CaseConference.objects.filter(held_at__lt=now).exclude(organizer=org):
        day = _local_day(c.held_at)
        if fiscal_year(day) != year:
            continue
        attended = c.attendees.filter(organization=org).exists()
        on_team = (
            CaseTeamMember.objects.filter(case=c.case, organization=org, joined_on__lte=day)
            .filter(Q(left_on__isnull=True) | Q(left_on__gte=day))
            .exists()
        )
        if attended:
            took += 1
        elif on_team:
            lapsed += 1
    conferences = (took, 0, lapsed)
    took = declined = lapsed = 0
    today = timezone.localdate(now)
    for t in Task.objects.filter(owner_organization=org):
        if fiscal_year(_local_day(t.created_at)) != year:
            continue
        if t.status == "done":
            took += 1
        elif t.status == "cancelled":
            declined += 1
        elif t.due_on is not None and t.due_on < today:
            lapsed += 1
    return {"requests": requests, "conferences": conferences, "actions": (took, declined, lapsed)}


def test_the_49_51_figures_match_an_independent_count(demo):
    actor = _actor("core1")
    scope = scope_of(actor)
    assert scope is not None
    now = timezone.now()
    year = fiscal_year(timezone.localdate(now))
    found = balances.balance(actor, scope, year=year, now=now)
    rows = {int(row.key): row for row in found.agencies}
    assert rows, "the demo's agencies took something on or let something lapse"
    counted = 0
    for org in Organization.objects.all():
        for y in (year, year - 1):
            expected = _independent(org, y, now)
            for stream, (took, declined, lapsed) in expected.items():
                row = rows.get(org.pk)
                if row is None:
                    assert (took, declined, lapsed) == (0, 0, 0), (org.name, stream, y)
                    continue
                tally = row.tally(stream, y)
                assert (tally.took_on, tally.declined, tally.lapsed) == (took, declined, lapsed), (
                    org.name,
                    stream,
                    y,
                )
                total = took + declined + lapsed
                counted += total
                if total:
                    share = round(100 * took / total)
                    assert tally.ratio == f"{share}:{100 - share}"
    assert counted > 0
    # The kinds add up their agencies.
    for kind_row in found.kinds:
        for stream, _label in balances.STREAMS:
            members = [r for r in found.agencies if r.kind == kind_row.key]
            assert kind_row.tally(stream, year).total == sum(
                r.tally(stream, year).total or 0 for r in members
            )


def test_the_core_center_sees_agencies_and_the_baumkuchen(demo, client_as):
    core = User.objects.get(username="core1")
    response = client_as(core).get(reverse("dashboard:balance"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="balance-agencies"' in html
    assert '<title id="baumkuchen-title">' in html
    assert '<desc id="baumkuchen-desc">' in html
    assert "基幹相談支援センター" in html


def test_the_council_sees_kinds_only_with_small_counts_suppressed(demo, client_as, client):
    member = User.objects.get(username="council1")
    response = client_as(member).get(reverse("dashboard:balance"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="balance-agencies"' not in html
    assert 'data-testid="balance-kinds"' in html
    token = api_token_for(member, member.memberships.get(is_primary=True).organization)
    body = client.get("/api/v1/dashboards/balance", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert body["suppressed"] is True
    assert body["agencies"] == []
    for row in body["kinds"]:
        for stream in row["streams"]:
            for tally in (stream["this_year"], stream["last_year"]):
                for value in (tally["took_on"], tally["declined"], tally["lapsed"]):
                    assert value is None or value == 0 or value >= 5
                if None in (tally["took_on"], tally["declined"], tally["lapsed"]):
                    assert tally["share"] is None


def test_an_office_gets_404_on_the_balance(demo, client_as, client):
    # An office of the demo city that is neither the core center, the city nor on the council.
    office = next(
        u
        for u in User.objects.filter(username__in=["office_c1", "gh1", "office_b1", "office_a1"])
        if scope_of(_actor(u.username)) is None
    )
    assert client_as(office).get(reverse("dashboard:balance")).status_code == 404
    token = api_token_for(office, office.memberships.get(is_primary=True).organization)
    response = client.get("/api/v1/dashboards/balance", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 404
    core_token = api_token_for(
        User.objects.get(username="core1"), Organization.objects.get(code="core-center")
    )
    bad = client.get(
        "/api/v1/dashboards/balance?fiscal_year=99999", HTTP_AUTHORIZATION=f"Bearer {core_token}"
    )
    assert bad.status_code == 422
    assert "error" in json.loads(bad.content)


def test_the_demo_life_hub_and_its_activities(demo):
    assert HubRole.objects.filter(function="emergency").count() == 2
    public = set(SocialResource.objects.public().values_list("name", flat=True))
    picker = set(resource_choices().values_list("name", flat=True))
    assert "ふれあいサロン ほのぼの" in public
    assert "ふれあいサロン ほのぼの" in picker
    assert "見守りの会 けやき" not in public
    assert "見守りの会 けやき" in picker
    assert "おすそわけ食堂" not in public
    assert "おすそわけ食堂" in picker
    assert ResidentActivity.objects.count() == 3
    statuses = set(EmergencyRequest.objects.values_list("status", flat=True))
    assert statuses == {EmergencyStatus.ENDED, EmergencyStatus.DECLINED, EmergencyStatus.RECEIVED}
