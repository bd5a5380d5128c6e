"""Demo note templates and next contacts for みどり市 (issue 16 item 5).

Every demo organization that signs in keeps three templates for its progress notes (訪問, 電話,
会議), made by its manager (or a member, where it has none) through the service.  A few of
office_a1's latest notes carry a next-contact date (次回連絡予定日), which gives office_a1 the
tasks the screens would: one already past, the others coming.  Idempotent: an organization that
has templates gets none, and nothing is dated again once a note's task exists.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import transaction

from tsunagu.cases.models import Case, CaseStatus
from tsunagu.core.actor import Origin
from tsunagu.organizations.actors import actor_for
from tsunagu.organizations.models import Membership, Organization, SystemRole
from tsunagu.plans.models import Task, TaskSource
from tsunagu.records import services
from tsunagu.records.models import NoteKind, NoteTemplate, ProgressNote

# The demo casework stops here (tsunagu/demo/cases.py), so every date is fixed.
LAST_DAY = dt.date(2026, 11, 20)
NEXT_CONTACT_CASES = 4

TEMPLATES = (
    ("訪問", NoteKind.HOME_VISIT, "【様子】\n【本人の話】\n【家族の話】\n【次回までに】"),
    (
        "電話",
        NoteKind.PHONE,
        "【相手】\n【用件】\n【本人・家族の様子】\n【対応・約束したこと】\n【次回までに】",
    ),
    (
        "会議",
        NoteKind.CASE_CONFERENCE,
        "【出席者】\n【検討したこと】\n【本人の思い】\n【決まったこと・役割分担】\n【次回の予定】",
    ),
)


def _keeper(organization: Organization) -> Membership | None:
    """Who keeps the organization's templates: a manager, else a member who may write."""
    members = (
        Membership.objects.current()
        .filter(organization=organization, user__is_active=True)
        .exclude(role=SystemRole.READ_ONLY)
        .select_related("user")
    )
    manager = members.filter(role=SystemRole.MANAGER).order_by("pk").first()
    return manager or members.order_by("pk").first()


def seed_templates(created: Counter[str]) -> None:
    origin = Origin.command("seed_demo")
    for organization in Organization.objects.filter(is_active=True).order_by("pk"):
        if NoteTemplate.objects.filter(organization=organization).exists():
            continue
        keeper = _keeper(organization)
        if keeper is None:  # schools, hospitals: no one signs in
            continue
        actor = actor_for(keeper.user, organization.pk, origin=origin)
        for name, kind, body in TEMPLATES:
            services.note_template_create(actor, name=name, kind=kind, body=body)
            created["template"] += 1


def seed_next_contacts(created: Counter[str]) -> None:
    if Task.objects.filter(source=TaskSource.NOTE).exists():
        return
    cases = Case.objects.filter(
        lead_worker__username="office_a1",
        status__in=(CaseStatus.SUPPORT, CaseStatus.MONITORING, CaseStatus.PLANNING),
    ).order_by("pk")
    offsets = (7, 14, 18, 25)  # the first one is past by now: an overdue next contact
    dated = 0
    for case in cases:
        note = (
            ProgressNote.objects.filter(
                case=case, author=case.lead_worker, author_organization=case.lead_organization
            )
            .order_by("-occurred_at", "-pk")
            .first()
        )
        if note is None or case.lead_worker is None:
            continue
        actor = actor_for(
            case.lead_worker, case.lead_organization_id, origin=Origin.command("seed_demo")
        )
        day = max(note.occurred_at.date(), LAST_DAY) + dt.timedelta(days=offsets[dated])
        services.note_next_contact_set(actor, note=note, next_contact_on=day)
        created["next_contact"] += 1
        dated += 1
        if dated == NEXT_CONTACT_CASES:
            break


def seed_notes() -> Counter[str]:
    created: Counter[str] = Counter()
    with transaction.atomic():
        seed_templates(created)
        seed_next_contacts(created)
    return created


def seed_and_summarise() -> str:
    created = seed_notes()
    if not created.total():
        return "記録のひな形・次回連絡: 作成済みのため、新たに作成したものはありません。"
    return (
        f"記録のひな形を作成しました: {created['template']}件、"
        f"次回連絡予定日のある記録 {created['next_contact']}件"
    )
