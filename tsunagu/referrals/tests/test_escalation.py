"""The acknowledgement deadline (business days, Japanese holidays) and the escalation."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tsunagu.accounts.tests.factories import UserFactory
from tsunagu.audit.models import AuditEvent
from tsunagu.organizations.models import JobTitle, SystemRole
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import MembershipFactory
from tsunagu.referrals import deadlines, services
from tsunagu.referrals.models import BusinessStatus, ReferralEscalation, ReferralStatus
from tsunagu.referrals.selectors import dashboard_counts, referral_list, rows
from tsunagu.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db
TOKYO = timezone.get_fixed_timezone(9 * 60)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TOKYO)


@pytest.mark.parametrize(
    ("sent", "due"),
    [
        (dt.date(2026, 11, 18), dt.date(2026, 11, 24)),  # Wed → Thu, (Fri), 23rd is 勤労感謝の日
        (dt.date(2026, 11, 21), dt.date(2026, 11, 26)),  # a Saturday: Tue 24, Wed 25, Thu 26
        (dt.date(2026, 12, 25), dt.date(2027, 1, 5)),  # Mon 28, then 12/29-1/3 closed: 4, 5
    ],
)
def test_the_due_date_counts_business_days(sent, due, settings):
    settings.REFERRAL_ACK_BUSINESS_DAYS = 3
    assert deadlines.ack_due_on(_at(sent)) == due


def test_the_cutoff_agrees_with_the_due_date(settings):
    settings.REFERRAL_ACK_BUSINESS_DAYS = 3
    today = dt.date(2026, 11, 26)
    for offset in range(1, 20):
        sent = today - dt.timedelta(days=offset)
        overdue = deadlines.ack_due_on(_at(sent)) < today
        assert (sent <= deadlines.overdue_cutoff(today)) == overdue, sent


@pytest.fixture
def manager(personas):
    user = UserFactory.create(username="core_manager", email="manager@example.jp")
    MembershipFactory.create(
        user=user,
        organization=personas.core_center,
        job_title=JobTitle.MANAGER,
        role=SystemRole.MANAGER,
    )
    return user


def test_overdue_requests_are_highlighted_and_escalated_once(
    personas, world, manager, django_capture_on_commit_callbacks
):
    old = ReferralFactory.create(
        case=world.case,
        receiving_organization=personas.core_center,
        sent_at=timezone.now() - dt.timedelta(days=14),
    )
    fresh = ReferralFactory.create(
        receiving_organization=personas.core_center, sent_at=timezone.now()
    )
    acknowledged = ReferralFactory.create(
        receiving_organization=personas.core_center,
        sent_at=timezone.now() - dt.timedelta(days=14),
        business_status=BusinessStatus.RECEIVED,
    )
    core = actor_as(personas.core_officer)
    listed = {r.referral.pk: r for r in rows(core, referral_list(actor=core, box="inbox"))}
    assert listed[old.pk].overdue
    assert not listed[fresh.pk].overdue
    assert not listed[acknowledged.pk].overdue
    assert [r.pk for r in referral_list(actor=core, box="inbox", state="overdue")] == [old.pk]
    counts = dashboard_counts(core)
    assert counts is not None
    assert counts.inbox_overdue == 1

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("referrals_escalate", stdout=out)
    assert "1件" in out.getvalue()
    escalation = ReferralEscalation.objects.get()
    assert escalation.referral == old
    assert list(escalation.recipients.all()) == [manager]
    assert AuditEvent.objects.filter(action=services.ACTION_ESCALATED).count() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["manager@example.jp"]
    assert "受付の期限" in message.body
    assert f"（/referrals/{old.pk}/）" in message.body  # no TSUNAGU_SITE_URL: the path
    assert world.person.display_name not in f"{message.subject} {message.body}"

    with django_capture_on_commit_callbacks(execute=True):
        call_command("referrals_escalate", stdout=StringIO())
    assert ReferralEscalation.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_managers_dashboard_shows_the_escalation(personas, world, manager, client_as):
    referral = ReferralFactory.create(
        case=world.case,
        receiving_organization=personas.core_center,
        sent_at=timezone.now() - dt.timedelta(days=14),
    )
    call_command("referrals_escalate", stdout=StringIO())
    page = client_as(manager).get("/").content.decode()
    assert "管理者への通知" in page
    assert f"/referrals/{referral.pk}/" in page
    staff_page = client_as(personas.core_officer).get("/").content.decode()
    assert "管理者への通知" not in staff_page
    assert "受付期限を過ぎた依頼が1件あります" in staff_page
    outsider = client_as(personas.counselor_b).get("/").content.decode()
    assert f"/referrals/{referral.pk}/" not in outsider
    # Once received, it leaves the managers' list.
    services.referral_transition(
        actor=actor_as(personas.core_officer), referral=referral, action="acknowledge"
    )
    assert "管理者への通知" not in client_as(manager).get("/").content.decode()


def test_without_managers_the_staff_are_told(personas, world):
    ReferralFactory.create(
        case=world.case,
        receiving_organization=personas.core_center,
        sent_at=timezone.now() - dt.timedelta(days=14),
    )
    escalation = services.referrals_escalate()[0]
    assert list(escalation.recipients.all()) == [personas.core_officer]


def test_with_a_site_url_the_mail_links_to_the_request(
    personas, world, manager, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://tsunagu.city.example.jp"
    referral = ReferralFactory.create(
        case=world.case,
        receiving_organization=personas.core_center,
        sent_at=timezone.now() - dt.timedelta(days=14),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.referrals_escalate()
    assert f"https://tsunagu.city.example.jp/referrals/{referral.pk}/" in mail.outbox[0].body


def test_dry_run_changes_nothing(personas, world):
    ReferralFactory.create(
        case=world.case,
        receiving_organization=personas.core_center,
        sent_at=timezone.now() - dt.timedelta(days=14),
    )
    out = StringIO()
    call_command("referrals_escalate", "--dry-run", stdout=out)
    assert "通知の対象" in out.getvalue()
    assert not ReferralEscalation.objects.exists()


def test_a_finished_request_is_never_escalated(personas, world):
    ReferralFactory.create(
        case=world.case,
        receiving_organization=personas.core_center,
        status=ReferralStatus.REJECTED,
        sent_at=timezone.now() - dt.timedelta(days=14),
    )
    assert services.referrals_escalate() == []
