"""The bell, the list, read/unread, the digest, and the events of cases and plans."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tsunagu.audit.models import Action, AuditEvent, Outcome
from tsunagu.cases import services as case_services
from tsunagu.cases.models import SharingBasis, TeamRole
from tsunagu.cases.tests.factories import pledged_support_meeting
from tsunagu.notifications.models import Notification, NotificationKind, NotificationSetting
from tsunagu.notifications.services import notify, send_digests
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.plans import services as plan_services
from tsunagu.plans.tests.factories import MonitoringFactory, SupportPlanFactory

pytestmark = pytest.mark.django_db


def _kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_being_added_to_a_team_reaches_the_named_worker(personas, case, client_as):
    case_services.team_member_add(
        actor_as(personas.counselor_a),
        case=case,
        organization=personas.office_b,
        role=TeamRole.JOINT,
        basis=SharingBasis.STATUTORY_MEETING,
        conference=pledged_support_meeting(case, personas.office_b, personas.counselor_a),
        worker=personas.counselor_b,
    )
    assert _kinds(personas.counselor_b) == [NotificationKind.TEAM_ADDED]
    page = client_as(personas.counselor_b).get("/notifications/").content.decode()
    assert "高橋美咲さんの支援" in page


def test_a_task_assigned_reaches_its_worker(personas, case, client_as):
    plan_services.task_create(
        actor_as(personas.counselor_a),
        title="受給者証の更新を確認する",
        owner_organization=personas.office_a,
        owner_worker=personas.colleague_a,
        case=case,
    )
    assert _kinds(personas.colleague_a) == [NotificationKind.TASK_ASSIGNED]
    page = client_as(personas.colleague_a).get("/notifications/").content.decode()
    assert "受給者証の更新を確認する" in page


def test_a_monitoring_falling_due_is_told_once_to_the_case_lead(personas, case):
    plan = SupportPlanFactory.create(case=case, agreed=True, author=personas.counselor_a)
    soon = MonitoringFactory.create(plan=plan, due_on=timezone.localdate() + dt.timedelta(days=3))
    MonitoringFactory.create(plan=plan, due_on=timezone.localdate() + dt.timedelta(days=60))
    call_command("notify_monitorings_due", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("notify_monitorings_due", stdout=open("/dev/null", "w"))  # noqa: SIM115
    notices = Notification.objects.filter(kind=NotificationKind.MONITORING_DUE)
    assert [(n.recipient, n.target_id) for n in notices] == [(personas.counselor_a, soon.pk)]


def test_the_bell_counts_unread_and_the_list_marks_read(personas, case, client_as):
    for _ in range(2):
        notify(recipients=[personas.counselor_a], kind=NotificationKind.TEAM_ADDED, target=case)
    client = client_as(personas.counselor_a)
    page = client.get("/notifications/").content.decode()
    assert 'data-testid="bell-count"> 2<' in page
    assert page.count("高橋美咲さんの支援") == 2
    # The list names the person's case: it is an audited read naming them.
    listed = AuditEvent.objects.filter(
        action=Action.RECORDS_LISTED, actor=personas.counselor_a
    ).latest("pk")
    assert listed.person_ids == [case.person_id]

    first = Notification.objects.order_by("pk").first()
    assert first is not None
    response = client.post(f"/notifications/{first.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/"
    first.refresh_from_db()
    assert first.read_at is not None
    client.post(f"/notifications/{first.pk}/read/", {"read": "0"})
    first.refresh_from_db()
    assert first.read_at is None
    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    page = client.get("/notifications/?show=unread").content.decode()
    assert "bell-count" not in page
    assert "未読の通知はありません" in page


def test_the_bell_count_is_kept_in_the_session_for_a_while(personas, case, client_as, settings):
    settings.ACCESS_RECHECK_SECONDS = 60
    client = client_as(personas.counselor_a)
    client.get("/notifications/settings/")
    notify(recipients=[personas.counselor_a], kind=NotificationKind.TEAM_ADDED, target=case)
    # Not yet: the count read at the last page holds until the recheck is due...
    assert "bell-count" not in client.get("/notifications/settings/").content.decode()
    # ...and the list itself brings the bell up to date.
    assert 'data-testid="bell-count"> 1<' in client.get("/notifications/").content.decode()


def test_a_target_no_longer_visible_tells_nothing(personas, case, client_as):
    notify(recipients=[personas.counselor_b], kind=NotificationKind.TEAM_ADDED, target=case)
    client = client_as(personas.counselor_b)
    page = client.get("/notifications/").content.decode()
    main = page[page.index("<main") : page.index("</main>")]  # the user's own name is in the header
    assert "閲覧できなくなった通知" in main
    assert "高橋" not in main
    assert "美咲" not in main
    notice = Notification.objects.get()
    response = client.post(f"/notifications/{notice.pk}/open/")
    assert response["Location"] == "/notifications/"


def test_anothers_notification_is_not_found(personas, case, client_as):
    (notice,) = notify(
        recipients=[personas.counselor_a], kind=NotificationKind.TEAM_ADDED, target=case
    )
    outsider = client_as(personas.counselor_b)
    before = AuditEvent.objects.filter(outcome=Outcome.DENIED).count()
    assert outsider.post(f"/notifications/{notice.pk}/open/").status_code == 404
    assert outsider.post(f"/notifications/{notice.pk}/read/").status_code == 404
    assert AuditEvent.objects.filter(outcome=Outcome.DENIED).count() == before + 2
    assert outsider.post(f"/notifications/{2**63}/read/").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_the_daily_digest_counts_kinds_and_names_nobody(personas, case, client_as):
    client = client_as(personas.counselor_a)
    assert client.post("/notifications/settings/", {"daily_digest": "on"}).status_code == 302
    assert NotificationSetting.objects.get(user=personas.counselor_a).daily_digest
    notify(recipients=[personas.counselor_a], kind=NotificationKind.TEAM_ADDED, target=case)
    notify(recipients=[personas.colleague_a], kind=NotificationKind.TEAM_ADDED, target=case)

    assert send_digests() == [personas.counselor_a]
    (message,) = mail.outbox
    assert message.to == [personas.counselor_a.email]
    assert "1件" in message.subject
    assert "支援チームに追加されました: 1" in message.body
    # Neither the case's title nor the person's name (the recipient's own name may be there).
    assert "高橋美咲" not in message.body
    assert str(case.person.display_name) not in message.body
    # Already in a digest: the next run sends nothing.
    assert send_digests() == []
    call_command("send_digests", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 1
