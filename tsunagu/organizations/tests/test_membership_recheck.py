"""The memberships a session acts through are read at most every ACCESS_RECHECK_SECONDS
(accounts/recheck.py): an ended membership stops working within that bound, and at once when
the user's sessions are ended."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tsunagu.accounts import recheck
from tsunagu.organizations.models import Membership, Organization
from tsunagu.organizations.tests.factories import MembershipFactory

STATISTICS = "/referrals/statistics/"  # the core center's, refused to an office


def _age_rechecks(client: Client, seconds: float) -> None:
    """Move the session's last recheck `seconds` into the past."""
    session = client.session
    entries = session[recheck.SESSION_KEY]
    for entry in entries.values():
        entry[0] -= seconds
    session[recheck.SESSION_KEY] = entries
    session.save()


@pytest.fixture
def at_core_center(personas, client_as) -> Client:
    """counselor_a, a member of office A and of the core center, acting for the core center."""
    MembershipFactory.create(
        user=personas.counselor_a, organization=personas.core_center, is_primary=False
    )
    client = client_as(personas.counselor_a)
    client.post("/organizations/switch/", {"organization": personas.core_center.pk})
    assert client.get(STATISTICS).status_code == 200
    return client


def _acting(client: Client) -> Organization | None:
    actor = client.get("/").wsgi_request.actor  # type: ignore[attr-defined]
    return actor.organization


def test_the_recheck_interval_is_a_minute():
    assert django_settings.ACCESS_RECHECK_SECONDS == 60


def test_memberships_are_not_read_again_within_the_interval(personas, at_core_center):
    with CaptureQueriesContext(connection) as ctx:
        assert at_core_center.get(STATISTICS).status_code == 200
    read = [q["sql"] for q in ctx.captured_queries if "organizations_membership" in q["sql"]]
    assert read == []
    assert _acting(at_core_center) == personas.core_center


def test_an_ended_membership_stops_working_once_the_interval_has_passed(personas, at_core_center):
    Membership.objects.filter(user=personas.counselor_a, organization=personas.core_center).update(
        is_active=False
    )
    _age_rechecks(at_core_center, django_settings.ACCESS_RECHECK_SECONDS)
    assert at_core_center.get(STATISTICS).status_code == 404
    assert _acting(at_core_center) == personas.office_a
    actor = at_core_center.get("/").wsgi_request.actor
    assert [m.organization for m in actor.memberships] == [personas.office_a]


def test_a_closed_organization_stops_working_once_the_interval_has_passed(personas, at_core_center):
    Organization.objects.filter(pk=personas.core_center.pk).update(is_active=False)
    _age_rechecks(at_core_center, django_settings.ACCESS_RECHECK_SECONDS)
    assert at_core_center.get(STATISTICS).status_code == 404
    assert _acting(at_core_center) == personas.office_a


def test_the_last_membership_ended_leaves_the_user_acting_for_no_one(personas, client_as):
    client = client_as(personas.counselor_b)
    assert _acting(client) == personas.office_b
    Membership.objects.filter(user=personas.counselor_b).update(is_active=False)
    _age_rechecks(client, django_settings.ACCESS_RECHECK_SECONDS)
    assert _acting(client) is None


def test_with_no_interval_an_ended_membership_stops_at_the_next_request(
    settings, personas, at_core_center
):
    settings.ACCESS_RECHECK_SECONDS = 0
    Membership.objects.filter(user=personas.counselor_a, organization=personas.core_center).update(
        is_active=False
    )
    assert at_core_center.get(STATISTICS).status_code == 404


def test_ending_the_users_sessions_stops_them_at_the_next_request(
    personas, client_as, at_core_center
):
    admin = client_as(personas.admin)
    admin.post(f"/accounts/admin/users/{personas.counselor_a.pk}/end_sessions/")
    response = at_core_center.get(STATISTICS)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_session_kept_for_another_user_is_not_used(personas, at_core_center):
    """The session's copy names its user and session epoch; another user's copy, or one from
    before the sessions were ended, is read again."""
    session = at_core_center.session
    entries = session[recheck.SESSION_KEY]
    entries["memberships"][1] = [personas.counselor_b.pk, personas.counselor_b.session_epoch]
    session[recheck.SESSION_KEY] = entries
    session.save()
    Membership.objects.filter(user=personas.counselor_a, organization=personas.core_center).update(
        is_active=False
    )
    assert at_core_center.get(STATISTICS).status_code == 404


def test_a_copy_kept_with_other_columns_is_read_again(personas, at_core_center):
    """After a migration a kept copy may name other columns: it is read from the database."""
    session = at_core_center.session
    entries = session[recheck.SESSION_KEY]
    del entries["memberships"][2][0]["o"]["kind"]
    session[recheck.SESSION_KEY] = entries
    session.save()
    assert _acting(at_core_center) == personas.core_center
    assert at_core_center.get(STATISTICS).status_code == 200
