"""The demo referrals: deterministic, idempotent, consistent with the case teams, and invisible
to office_b1."""

from __future__ import annotations

import datetime as dt

import pytest

from tsunagu.accounts.models import User
from tsunagu.cases.models import CaseTeamMember
from tsunagu.core.actor import Actor
from tsunagu.dashboard.oneperson import offices_by_ward
from tsunagu.demo.management.commands.seed_demo import seed_demo
from tsunagu.demo.referrals import seed_referrals
from tsunagu.organizations.models import Membership
from tsunagu.referrals import services, statistics
from tsunagu.referrals.access import referrals_visible_to
from tsunagu.referrals.models import ACCEPTED_STATUSES, Referral, ReferralKind, ReferralStatus

pytestmark = pytest.mark.django_db


def _actor(username: str) -> Actor:
    user = User.objects.get(username=username)
    return Actor(user, Membership.objects.get(user=user, is_primary=True))


def _digest() -> list[tuple[object, ...]]:
    return sorted(
        Referral.objects.values_list(
            "case_id",
            "kind",
            "status",
            "business_status",
            "requesting_organization__code",
            "receiving_organization__code",
            "requested_at",
            "accepted_at",
            "outcome",
            "summary_text",
        ),
        key=repr,
    )


def test_the_demo_referrals(settings):
    settings.DEMO_MODE = True
    seed_demo()
    before = set(CaseTeamMember.objects.values_list("pk", flat=True))
    created = seed_referrals()
    assert created["referral"] >= 20
    first = _digest()

    # Idempotent: a second run adds nothing.
    assert not seed_referrals().total()
    # Deterministic: the same rows again from scratch.
    Referral.objects.all().delete()
    CaseTeamMember.objects.exclude(pk__in=before).delete()
    seed_referrals()
    assert _digest() == first

    for referral in Referral.objects.select_related("case"):
        referral.full_clean()
        steps = list(referral.transitions.all())
        assert steps[0].action == "create"
        assert steps[-1].to_status == referral.status
        if referral.status in ACCEPTED_STATUSES:
            assert CaseTeamMember.objects.filter(
                case=referral.case, organization=referral.receiving_organization
            ).exists()
    assert not Referral.objects.filter(requesting_organization__code="office-kaede").exists()
    assert not Referral.objects.filter(receiving_organization__code="office-kaede").exists()

    office_a1, core1, office_b1 = _actor("office_a1"), _actor("core1"), _actor("office_b1")
    assert not referrals_visible_to(office_b1).exists()
    outbox = referrals_visible_to(office_a1).filter(requesting_organization__code="office-aoba")
    assert outbox.filter(status=ReferralStatus.COMPLETED).exists()  # waiting to be confirmed
    assert outbox.filter(status=ReferralStatus.DRAFT).exists()
    inbox = referrals_visible_to(core1).filter(receiving_organization__code="core-center")
    assert inbox.filter(status=ReferralStatus.REQUESTED).count() >= 2
    assert not inbox.filter(status=ReferralStatus.DRAFT).exists()

    # The request the center left unacknowledged is raised to its manager, not to its staff.
    escalated = [
        e for e in services.referrals_escalate()
        if e.referral.receiving_organization.code == "core-center"
    ]  # fmt: skip
    assert escalated
    assert {u.username for e in escalated for u in e.recipients.all()} == {"core_mgr"}

    # ひだまり, a one-person office (seed 003), asked the core center for advice this year and
    # got its backup: on the team of its cases, the request accepted, a conference attended.
    _year, wards = offices_by_ward(core1, today=dt.date(2026, 12, 1))
    rows = {row.organization.code: row for ward in wards for row in ward.offices}
    hidamari = rows["plan-hidamari"]
    advice = next(r for r in hidamari.requests if r.kind == ReferralKind.ADVICE)
    assert advice.to_viewer >= 2
    assert advice.sent.count > advice.to_viewer  # one went elsewhere: counts only
    assert hidamari.backup_cases.count >= 1
    assert hidamari.backup_accepted.count >= 1
    assert hidamari.backup_conferences.count >= 1

    # The statistics have something to show for the current fiscal year.
    table = statistics.joint_support_table(statistics.period(2026))
    assert table.total > 0
