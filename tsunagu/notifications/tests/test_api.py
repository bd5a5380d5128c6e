"""The notifications over JSON: one's own inbox only, titles as the screen shows them."""

from __future__ import annotations

import pytest
from django.test import Client

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.notifications.models import Notification, NotificationKind
from tsunagu.notifications.services import notify

pytestmark = pytest.mark.django_db


def _api(user, organization) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_token_for(user, organization)}")


def _notify(user, case, kind=NotificationKind.TEAM_ADDED) -> Notification:
    [notification] = notify(recipients=[user], kind=kind, target=case)
    return notification


def test_the_list_is_ones_own_with_the_titles_the_screen_shows(personas, case):
    mine = _notify(personas.counselor_a, case)
    _notify(personas.colleague_a, case)
    response = _api(personas.counselor_a, personas.office_a).get("/api/v1/notifications")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [row] = body["results"]
    assert row["id"] == mine.pk
    assert row["kind"] == "team_added"
    assert "高橋美咲さんの支援" in row["title"]
    assert row["url"] == f"/cases/{case.pk}/"
    assert row["read_at"] is None
    read = AuditEvent.objects.filter(action=Action.RECORDS_LISTED, actor=personas.counselor_a)
    assert read.filter(detail__view="notifications.api.list").exists()


def test_a_target_no_longer_visible_is_not_named(personas, case):
    _notify(personas.counselor_b, case)  # office B never had this case
    response = _api(personas.counselor_b, personas.office_b).get("/api/v1/notifications")
    [row] = response.json()["results"]
    assert "高橋" not in row["title"]
    assert row["url"] == ""


def test_read_unread_and_read_all(personas, case):
    first = _notify(personas.counselor_a, case)
    _notify(personas.counselor_a, case, kind=NotificationKind.TASK_ASSIGNED)
    client = _api(personas.counselor_a, personas.office_a)
    marked = client.post(
        f"/api/v1/notifications/{first.pk}/read", {"read": True}, content_type="application/json"
    )
    assert marked.status_code == 200
    assert marked.json()["read_at"] is not None
    unread = client.get("/api/v1/notifications?unread=true").json()
    assert unread["count"] == 1
    undone = client.post(
        f"/api/v1/notifications/{first.pk}/read", {"read": False}, content_type="application/json"
    )
    assert undone.json()["read_at"] is None
    everything = client.post("/api/v1/notifications/read-all")
    assert everything.json() == {"count": 2}
    assert not Notification.objects.filter(recipient=personas.counselor_a, read_at=None).exists()


@pytest.mark.parametrize("notification_id", ["other", str(2**63), "0"])
def test_another_persons_or_an_impossible_id_is_404(personas, case, notification_id):
    theirs = _notify(personas.colleague_a, case)
    target = theirs.pk if notification_id == "other" else notification_id
    response = _api(personas.counselor_a, personas.office_a).post(
        f"/api/v1/notifications/{target}/read", {"read": True}, content_type="application/json"
    )
    assert response.status_code in (404, 422)
    assert "error" in response.json()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_string_body_is_a_json_error(personas, case):
    mine = _notify(personas.counselor_a, case)
    response = _api(personas.counselor_a, personas.office_a).post(
        f"/api/v1/notifications/{mine.pk}/read", '"yes"', content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert "error" in response.json()
