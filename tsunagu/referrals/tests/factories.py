from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from tsunagu.accounts.tests.factories import UserFactory
from tsunagu.cases.models import SharingBasis
from tsunagu.cases.tests.factories import CaseFactory, pledged_support_meeting
from tsunagu.organizations.tests.factories import OrganizationFactory
from tsunagu.referrals.models import (
    BusinessStatus,
    Referral,
    ReferralKind,
    ReferralStatus,
)

S = ReferralStatus
# Which timestamps a referral in each status has (the service sets them on the way there).
_REACHED = {
    S.DRAFT: (),
    S.REQUESTED: ("requested_at",),
    S.REJECTED: ("requested_at", "acknowledged_at", "decided_at"),
    S.ACCEPTED: ("requested_at", "acknowledged_at", "decided_at", "accepted_at"),
    S.IN_PROGRESS: ("requested_at", "acknowledged_at", "decided_at", "accepted_at"),
    S.ON_HOLD: ("requested_at", "acknowledged_at", "decided_at", "accepted_at"),
    S.FAILED: ("requested_at", "acknowledged_at", "decided_at", "accepted_at"),
    S.COMPLETED: ("requested_at", "acknowledged_at", "decided_at", "accepted_at", "completed_at"),
    S.CONFIRMED: (
        "requested_at",
        "acknowledged_at",
        "decided_at",
        "accepted_at",
        "completed_at",
        "confirmed_at",
    ),
    S.CANCELLED: ("requested_at",),
}


class ReferralFactory(factory.django.DjangoModelFactory):
    """A joint-support request from the case's lead organization, on a statutory-meeting basis,
    already in `status` (with the timestamps that status implies)."""

    class Meta:
        model = Referral
        skip_postgeneration_save = True  # the support-meeting hook writes other rows only

    case = factory.SubFactory(CaseFactory)
    person = factory.LazyAttribute(lambda r: r.case.person)
    kind = ReferralKind.JOINT_SUPPORT
    requesting_organization = factory.LazyAttribute(lambda r: r.case.lead_organization)
    requesting_worker = factory.LazyAttribute(lambda r: r.case.lead_worker)
    receiving_organization = factory.SubFactory(OrganizationFactory)
    reason = "母の入院後、本人の生活の見立てが定まらず、支援チームが組めていない。"
    request_text = "ケース会議への同席と、ニーズ整理の助言をお願いしたい。"
    summary_text = "40代男性。母と二人暮らしだったが、母が入院。日中の居場所がない。"
    summary_fields = factory.LazyFunction(lambda: ["age", "sex", "area"])
    summary = factory.LazyFunction(lambda: {"age": 48, "sex": "male", "area": "中央区"})
    basis = SharingBasis.STATUTORY_MEETING
    basis_note = "令和8年度第2回支援会議（11月10日）"
    status = ReferralStatus.REQUESTED
    business_status = BusinessStatus.NONE

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """`sent_at=` (default: two hours ago) dates the request; the later steps follow it
        (decided a day later, completed ten days later, confirmed the day after)."""
        sent_at = kwargs.pop("sent_at", None) or timezone.now() - dt.timedelta(hours=2)
        offsets = {
            "requested_at": dt.timedelta(0),
            "acknowledged_at": dt.timedelta(days=1),
            "decided_at": dt.timedelta(days=1),
            "accepted_at": dt.timedelta(days=1),
            "completed_at": dt.timedelta(days=10),
            "confirmed_at": dt.timedelta(days=11),
        }
        for name in _REACHED[kwargs.get("status", S.REQUESTED)]:
            kwargs.setdefault(name, sent_at + offsets[name])
        return super()._create(model_class, *args, **kwargs)

    @factory.post_generation
    def support_meeting(obj, create, extracted, **kwargs):  # factory_boy's hook
        """A support-meeting basis names a recorded meeting the receiver attended and pledged
        at (issue 13 item 4): one is recorded unless `support_meeting=False`."""
        if create and extracted is not False and obj.basis == SharingBasis.STATUTORY_MEETING:
            recorded_by = obj.requesting_worker or obj.case.lead_worker or UserFactory.create()
            pledged_support_meeting(obj.case, obj.receiving_organization, recorded_by)
