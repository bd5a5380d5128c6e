"""Existing team members under the new rules for a basis for sharing (issue 13, items 4 and 5).

- A support-meeting basis (free text until now) is linked to a recorded statutory support
  meeting about the case (or its person or household) that was held and where the
  organization attended and pledged confidentiality; without one, the basis ends now
  (`no_meeting_recorded`): the organization's access ends, the row stays as the record of it.
- An emergency basis gets an end date: TSUNAGU_EMERGENCY_BASIS_DAYS from the later of the day
  it started and today (so that nobody loses access on the day of the upgrade without warning),
  and the first current core-center staff member as its reviewer.  With no core-center staff to
  review it, the basis ends (`no_reviewer`).

No audit rows: the audit log records what people did, and this is the upgrade; the rows say why
the basis ended (basis_end_reason) and the review queue lists the emergencies.
"""

import datetime as dt

from django.conf import settings
from django.db import migrations
from django.db.models import Q
from django.utils import timezone


def _qualifying_conference(CaseConference, member, now):  # noqa: N803
    case = member.case
    about = Q(case_id=case.pk)
    if case.person_id is not None:
        about |= Q(case__person_id=case.person_id)
    if case.household_id is not None:
        about |= Q(case__household_id=case.household_id)
    return (
        CaseConference.objects.filter(
            about,
            kind="statutory_support_meeting",
            held_at__lte=now,
            attendees__organization_id=member.organization_id,
            attendees__pledged_at__isnull=False,
        )
        .exclude(attendees__pledged_at__isnull=True)
        .order_by("-held_at", "-pk")
        .first()
    )


def forwards(apps, schema_editor):
    CaseTeamMember = apps.get_model("cases", "CaseTeamMember")  # noqa: N806
    CaseConference = apps.get_model("meetings", "CaseConference")  # noqa: N806
    Membership = apps.get_model("organizations", "Membership")  # noqa: N806
    now = timezone.now()
    today = timezone.localdate()
    days = getattr(settings, "EMERGENCY_BASIS_DAYS", 14)

    meetings = CaseTeamMember.objects.filter(
        basis="statutory_meeting", conference__isnull=True, basis_ended_at__isnull=True
    ).select_related("case")
    for member in meetings:
        conference = _qualifying_conference(CaseConference, member, now)
        if conference is not None:
            member.conference = conference
            member.save(update_fields=["conference"])
        else:
            member.basis_ended_at = now
            member.basis_end_reason = "no_meeting_recorded"
            member.save(update_fields=["basis_ended_at", "basis_end_reason"])

    reviewer = (
        Membership.objects.filter(
            is_active=True,
            organization__is_active=True,
            organization__kind="core_center",
            user__is_active=True,
        )
        .exclude(role="read_only")
        .order_by("pk")
        .values_list("user_id", flat=True)
        .first()
    )
    emergencies = CaseTeamMember.objects.filter(
        basis="emergency", emergency_ends_on__isnull=True, basis_ended_at__isnull=True
    )
    for member in emergencies:
        if reviewer is None:
            member.basis_ended_at = now
            member.basis_end_reason = "no_reviewer"
            member.save(update_fields=["basis_ended_at", "basis_end_reason"])
            continue
        member.emergency_ends_on = max(member.joined_on, today) + dt.timedelta(days=days)
        member.reviewer_id = reviewer
        member.save(update_fields=["emergency_ends_on", "reviewer"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_sharing_basis_checked"),
        ("meetings", "0002_meetingattachment"),
        ("organizations", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
