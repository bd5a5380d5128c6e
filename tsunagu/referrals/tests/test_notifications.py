"""A referral arriving, accepted, returned and overdue reaches the other side's bell."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tsunagu.notifications.models import Notification, NotificationKind
from tsunagu.notifications.selectors import rows_for
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.referrals import services
from tsunagu.referrals.models import Referral, ReferralKind
from tsunagu.referrals.services import ReferralData
from tsunagu.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def _send(personas, world) -> Referral:
    return services.referral_create(
        actor=actor_as(personas.counselor_a),
        case=world.case,
        data=ReferralData(
            kind=ReferralKind.JOINT_SUPPORT,
            receiving_organization=personas.core_center,
            reason="見立てが定まらない。",
            request_text="助言をお願いしたい。",
            summary_text="40代男性。",
            summary_fields=["age"],
            basis="consent",
            consent=world.consent,
        ),
    )


def _kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def _move(user, referral: Referral, action: str, **kwargs) -> None:
    fresh = Referral.objects.select_related(
        "case", "receiving_organization", "requesting_organization", "consent"
    ).get(pk=referral.pk)
    services.referral_transition(actor=actor_as(user), referral=fresh, action=action, **kwargs)


def test_arrival_reaches_the_receiver_without_naming_the_person(personas, world):
    referral = _send(personas, world)
    assert _kinds(personas.core_officer) == [NotificationKind.REFERRAL_ARRIVED]
    assert _kinds(personas.counselor_a) == []  # the sender is not told of their own act
    notice = Notification.objects.get(recipient=personas.core_officer)
    row = rows_for(actor_as(personas.core_officer), [notice])[0]
    assert row.url == f"/referrals/{referral.pk}/"
    assert "健一" not in row.title
    assert "佐藤" not in row.title
    assert row.shown is not None
    assert row.shown.person_ids == ()


def test_acceptance_and_return_reach_the_requesting_worker(personas, world):
    first = _send(personas, world)
    _move(personas.core_officer, first, "accept")
    assert NotificationKind.REFERRAL_ACCEPTED in _kinds(personas.counselor_a)
    second = ReferralFactory.create(
        case=world.case,
        receiving_organization=personas.office_b,
        sent_at=timezone.now() - dt.timedelta(hours=1),
    )
    _move(personas.counselor_b, second, "reject", reason="担当区域外のため")
    assert NotificationKind.REFERRAL_RETURNED in _kinds(personas.counselor_a)
    # colleague_a is in the requesting office but the request names counselor_a.
    assert _kinds(personas.colleague_a) == []


def test_an_overdue_request_reaches_the_receivers_managers(personas, world):
    ReferralFactory.create(
        case=world.case,
        receiving_organization=personas.core_center,
        sent_at=timezone.now() - dt.timedelta(days=30),
    )
    escalations = services.referrals_escalate()
    assert escalations
    assert NotificationKind.REFERRAL_OVERDUE in _kinds(personas.core_officer)
