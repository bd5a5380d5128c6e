"""Late entry (後日入力) of consultations, progress notes and meetings: each takes its own date
(screen and API), bounded below by 2000-04-01 and above by now (a meeting may be scheduled
ahead); an entry older than LATE_ENTRY_DAYS leaves a `record.late_entry` audit row; the
screens show the day of entry beside the record's own when they differ."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.late_entry import ACTION_LATE_ENTRY
from tsunagu.audit.models import AuditEvent
from tsunagu.cases.models import Consultation
from tsunagu.cases.tests.factories import case_led_by_a_with_core
from tsunagu.core.late_entry import is_audited_late, is_late_entry
from tsunagu.core.templatetags.late_entry import entered_on
from tsunagu.meetings.models import Meeting
from tsunagu.meetings.tests.conftest import ward_network  # noqa: F401
from tsunagu.records.models import ProgressNote

pytestmark = pytest.mark.django_db


def _post(client, user, org, path, data):
    return client.post(
        path,
        data,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_token_for(user, org)}",
    )


def _ago(days: int, hour: int = 10) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _late_rows(target_type: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=ACTION_LATE_ENTRY, target_type=target_type))


def test_the_rule_and_the_mark(settings):
    settings.LATE_ENTRY_DAYS = 7
    now = timezone.now()
    assert not is_late_entry(now, now)
    assert is_late_entry(_ago(1), now)
    assert not is_audited_late(_ago(7), now)
    assert is_audited_late(_ago(8), now)
    mark = entered_on(_ago(30), now)
    assert "後日入力" in mark
    assert entered_on(now, now) == ""
    assert entered_on(now + dt.timedelta(days=10), now) == ""  # a meeting planned ahead


def test_consultation(personas, client, client_as):
    base = {
        "channel": "phone",
        "consulter": "family",
        "main_concern": "母親が入院し、本人の生活が心配。",
        "outcome": "information",
    }
    path = "/api/v1/consultations"
    recent = _post(client, personas.counselor_a, personas.office_a, path, base)
    assert recent.status_code == 201
    old = _post(
        client,
        personas.counselor_a,
        personas.office_a,
        path,
        {**base, "received_at": _ago(30).isoformat()},
    )
    assert old.status_code == 201, old.content
    rows = _late_rows("cases.consultation")
    assert [r.target_id for r in rows] == [str(old.json()["id"])]
    assert rows[0].detail["days_late"] == 30
    too_old = _post(
        client,
        personas.counselor_a,
        personas.office_a,
        path,
        {**base, "received_at": "1999-04-01T10:00:00+09:00"},
    )
    assert too_old.status_code == 422
    assert "2000-04-01" in too_old.json()["error"]["message"]
    # The screen: the same bound under the field, the mark on the page of the old one.
    screen = client_as(personas.counselor_a)
    form = screen.post(
        "/cases/consultations/new/",
        {**base, "received_at": "1999-04-01T10:00", "urgency": "normal", "minutes_spent": 0},
    )
    assert form.status_code == 400
    assert "受付日時は平成12年4月1日（2000-04-01）以降にしてください。" in form.content.decode()
    page = screen.get(f"/cases/consultations/{old.json()['id']}/").content.decode()
    assert "後日入力" in page
    fresh = screen.get(f"/cases/consultations/{recent.json()['id']}/").content.decode()
    assert "後日入力" not in fresh
    assert Consultation.objects.count() == 2


def test_progress_note(personas, client, client_as):
    case = case_led_by_a_with_core(personas)
    path = f"/api/v1/cases/{case.pk}/notes"
    old = _post(
        client,
        personas.counselor_a,
        personas.office_a,
        path,
        {"kind": "phone", "text": "母から電話。", "occurred_at": _ago(12).isoformat()},
    )
    assert old.status_code == 201, old.content
    assert [r.target_id for r in _late_rows("records.progressnote")] == [str(old.json()["id"])]
    too_old = _post(
        client,
        personas.counselor_a,
        personas.office_a,
        path,
        {"kind": "phone", "text": "母から電話。", "occurred_at": "1990-01-01T10:00:00+09:00"},
    )
    assert too_old.status_code == 422
    assert ProgressNote.objects.count() == 1
    page = client_as(personas.counselor_a).get(f"/records/cases/{case.pk}/notes/")
    page = page.content.decode()
    assert "後日入力" in page


def test_meeting(personas, client, ward_network):  # noqa: F811
    path = f"/api/v1/meeting-bodies/{ward_network.pk}/meetings"
    start = _ago(40, 14)
    held = _post(
        client,
        personas.core_officer,
        personas.core_center,
        path,
        {"starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=2)).isoformat()},
    )
    assert held.status_code == 201, held.content
    ahead = timezone.now() + dt.timedelta(days=30)
    planned = _post(
        client,
        personas.core_officer,
        personas.core_center,
        path,
        {"starts_at": ahead.isoformat(), "ends_at": (ahead + dt.timedelta(hours=2)).isoformat()},
    )
    assert planned.status_code == 201  # planning ahead is not a late entry
    assert [r.target_id for r in _late_rows("meetings.meeting")] == [str(held.json()["id"])]
    ancient = dt.datetime(1999, 6, 1, 14, tzinfo=dt.UTC)
    refused = _post(
        client,
        personas.core_officer,
        personas.core_center,
        path,
        {
            "starts_at": ancient.isoformat(),
            "ends_at": (ancient + dt.timedelta(hours=2)).isoformat(),
        },
    )
    assert refused.status_code == 422
    assert "開始日時は" in refused.json()["error"]["message"]
    assert Meeting.objects.count() == 2
