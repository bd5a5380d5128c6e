"""The audit log: append-only at every layer, searchable and exportable by administrators."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action, AuditEvent, Outcome

TOKYO = ZoneInfo("Asia/Tokyo")
CSV_HEADER = [
    "日時",
    "ユーザー名",
    "所属",
    "操作コード",
    "操作",
    "結果",
    "対象の種類",
    "対象ID",
    "IPアドレス",
    "リクエストID",
]


@pytest.fixture
def event(personas) -> AuditEvent:
    return audit.record(
        action=Action.RECORD_VIEWED,
        user=personas.counselor_a,
        organization=personas.office_a,
        target=personas.office_a,
    )


# --- Append-only ------------------------------------------------------------------------------


def test_queryset_update_is_refused(event):
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(outcome=Outcome.FAILED)
    assert AuditEvent.objects.get(pk=event.pk).action == Action.RECORD_VIEWED


def test_queryset_delete_is_refused(event):
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_raw_sql_update_is_refused_by_the_database(event):
    with (
        pytest.raises((IntegrityError, DatabaseError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE audit_auditevent SET action = %s WHERE id = %s", ["tampered", event.pk]
        )
    assert AuditEvent.objects.get(pk=event.pk).action == Action.RECORD_VIEWED


def test_raw_sql_delete_is_refused_by_the_database(event):
    # SQLite too since audit migration 0003 (only `manage.py flush` may empty the table there).
    with (
        pytest.raises((IntegrityError, DatabaseError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_record_fills_in_who_and_what(personas, event):
    assert event.actor_username == "counselor_a"
    assert event.target_type == "organizations.organization"
    assert event.target_id == str(personas.office_a.pk)
    assert event.outcome == Outcome.SUCCESS
    assert event.action_label == "記録の閲覧"


def test_request_details_are_recorded_from_a_signed_in_request(personas, client_as):
    client = client_as(personas.counselor_b)
    response = client.get("/audit/", HTTP_USER_AGENT="Mozilla/5.0 (つなぐテスト)")
    denial = AuditEvent.objects.get(action=Action.ACCESS_DENIED)
    assert denial.request_id == response["X-Request-ID"]
    assert denial.user_agent == "Mozilla/5.0 (つなぐテスト)"
    assert denial.ip_address == "127.0.0.1"
    assert denial.organization == personas.office_b  # the acting organization


# --- The administrators' screen ---------------------------------------------------------------


def _at(year: int, month: int, day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=TOKYO)


@pytest.fixture
def history(personas) -> dict[str, AuditEvent]:
    def add(key: str, **fields) -> tuple[str, AuditEvent]:
        return key, AuditEvent.objects.create(action=Action.RECORD_VIEWED, **fields)

    return dict(
        [
            add(
                "a_early",
                at=_at(2025, 4, 1),
                actor=personas.counselor_a,
                actor_username="counselor_a",
                organization=personas.office_a,
                target_type="organizations.organization",
                target_id=str(personas.office_a.pk),
            ),
            add(
                "a_late",
                at=_at(2025, 4, 30, 23),
                actor=personas.counselor_a,
                actor_username="counselor_a",
                organization=personas.office_a,
                target_type="accounts.user",
                target_id=str(personas.colleague_a.pk),
            ),
            add(
                "b_may",
                at=_at(2025, 5, 1, 0),
                actor=personas.counselor_b,
                actor_username="counselor_b",
                organization=personas.office_b,
                target_type="accounts.user",
                target_id=str(personas.colleague_a.pk),
            ),
            add(
                "core_june",
                at=_at(2025, 6, 15),
                actor=personas.core_officer,
                actor_username="core_officer",
                organization=personas.core_center,
                target_type="organizations.organization",
                target_id=str(personas.office_b.pk),
            ),
        ]
    )


def _listed(client, **query) -> set[int]:
    response = client.get("/audit/", query)
    assert response.status_code == 200, response.content
    return {e.pk for e in response.context["page"].object_list}


def _ids(history, *keys: str) -> set[int]:
    return {history[k].pk for k in keys}


def test_filter_by_user(personas, client_as, history):
    client = client_as(personas.admin)
    assert _listed(client, user="counselor_a") == _ids(history, "a_early", "a_late")
    assert _listed(client, user="COUNSELOR_B") == _ids(history, "b_may")


def test_filter_by_organization(personas, client_as, history):
    client = client_as(personas.admin)
    assert _listed(client, organization=personas.office_b.pk) == _ids(history, "b_may")


def test_filter_by_target(personas, client_as, history):
    client = client_as(personas.admin)
    on_colleague = _listed(
        client, target_type="accounts.user", target_id=str(personas.colleague_a.pk)
    )
    assert on_colleague == _ids(history, "a_late", "b_may")
    assert _listed(
        client, target_type="organizations.organization", target_id=str(personas.office_b.pk)
    ) == _ids(history, "core_june")


def test_filter_by_date_range_in_tokyo_time(personas, client_as, history):
    client = client_as(personas.admin)
    april = _listed(client, date_from="2025-04-01", date_to="2025-04-30")
    # 23:00 on 30 April counts as April; midnight on 1 May (Tokyo) does not.
    assert april == _ids(history, "a_early", "a_late")
    assert _listed(client, date_from="2025-05-01", date_to="2025-05-01") == _ids(history, "b_may")
    assert _listed(client, date_from="2025-05-02", date_to="2025-12-31") == _ids(
        history, "core_june"
    )
    assert _listed(client, date_to="2025-04-01") == _ids(history, "a_early")


def test_filters_combine(personas, client_as, history):
    client = client_as(personas.admin)
    assert _listed(
        client,
        user="counselor_a",
        target_type="accounts.user",
        date_from="2025-04-01",
        date_to="2025-04-30",
    ) == _ids(history, "a_late")


def test_an_inverted_date_range_is_explained_in_japanese(personas, client_as, history):
    response = client_as(personas.admin).get(
        "/audit/", {"date_from": "2025-05-01", "date_to": "2025-04-01"}
    )
    assert response.status_code == 400
    assert "開始日は終了日以前の日付にしてください。" in response.content.decode()


def test_the_screen_shows_actions_in_japanese(personas, client_as, history):
    body = client_as(personas.admin).get("/audit/", {"user": "counselor_b"}).content.decode()
    assert "記録の閲覧" in body


# --- Export -----------------------------------------------------------------------------------


def test_csv_export_is_utf8_with_bom_and_is_itself_audited(personas, client_as, history):
    client = client_as(personas.admin)
    response = client.get("/audit/export.csv", {"user": "counselor_a"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == CSV_HEADER
    assert {row[1] for row in rows[1:]} == {"counselor_a"}
    assert len(rows) == 3
    assert rows[1][0].startswith("2025-04-30T23:00:00+09:00")  # newest first, in Tokyo time
    assert rows[1][2] == "相談支援センター あおば"
    exported = AuditEvent.objects.get(action=Action.AUDIT_EXPORTED)
    assert exported.actor == personas.admin
    assert exported.detail == {"filters": {"user": "counselor_a"}}
    assert "no-store" in response["Cache-Control"]


def test_csv_export_of_everything_includes_the_export_itself(personas, client_as, history):
    response = client_as(personas.admin).get("/audit/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert Action.AUDIT_EXPORTED.value in {row[3] for row in rows[1:]}
    assert len(rows) - 1 == AuditEvent.objects.count()


def test_an_apps_own_actions_are_named_and_can_be_filtered(personas, client_as):
    from django.utils import translation

    from tsunagu.agenda import services as agenda_services
    from tsunagu.referrals import services as referral_services

    fetched = audit.record(action=agenda_services.FEED_FETCHED, target_type="agenda.feed")
    exported = audit.record(
        action=referral_services.ACTION_STATISTICS_EXPORTED, target_type="referrals.statistics"
    )
    assert fetched.action_label == "カレンダー配信の取得"
    assert exported.action_label == "紹介・依頼の統計の書き出し"
    with translation.override("en"):
        assert fetched.action_label != "カレンダー配信の取得"
    unknown = audit.record(action="someapp.something", target_type="x")
    assert unknown.action_label == "someapp.something"
    client = client_as(personas.admin)
    page = client.get("/audit/").content.decode()
    assert '<option value="agenda.feed_fetched">カレンダー配信の取得</option>' in page
    assert _listed(client, action="agenda.feed_fetched") == {fetched.pk}
