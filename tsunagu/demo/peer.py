"""Demo peer counselling for みどり市 (issue 20 item 5): the core center arranges a session with
one of the directory's peer counsellors (みどり市ピアサポートの会, demo/directory.py) about twice a
month over the last twelve months, and records each as a consultation of the support type
ピアカウンセリング naming the counsellor, so the dashboard's "support by type" counts them.

Through the services with an Actor, so each session has its audit row.  Anonymous: who came is
not what the demo shows.  Idempotent: once any consultation names a peer counsellor, nothing is
added.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tsunagu.cases import services
from tsunagu.cases.models import Channel, Consultation, ConsultationOutcome, Consulter, SupportType
from tsunagu.core.actor import Origin
from tsunagu.directory import selectors as directory_selectors
from tsunagu.organizations.actors import actor_for
from tsunagu.organizations.models import Membership, OrganizationKind, SystemRole

TOPICS = (
    ("一人暮らしを始めたいが不安。経験者の話を聞きたい。", ["housing"], Consulter.SELF),
    ("退院後の生活について、同じ経験をした人と話したい。", ["health"], Consulter.SELF),
    ("ヘルパーとの付き合い方について相談したい。", ["welfare_services"], Consulter.SELF),
    ("職場で障害をどう伝えるか迷っている。", ["employment"], Consulter.SELF),
    ("家族に頼らずに暮らす方法を知りたい。", ["family"], Consulter.FAMILY),
)


@transaction.atomic
def seed_and_summarise() -> str:
    if Consultation.objects.filter(peer_counsellor__isnull=False).exists():
        return "ピアカウンセリング: 既にあります（追加なし）"
    counsellors = list(directory_selectors.peer_counsellors().order_by("pk"))
    membership = (
        Membership.objects.current()
        .filter(
            organization__kind=OrganizationKind.CORE_CENTER,
            role=SystemRole.STAFF,
            user__is_active=True,
        )
        .select_related("user", "organization")
        .order_by("organization__code", "user__username")
        .first()
    )
    if not counsellors or membership is None:
        return "ピアカウンセリング: ピアカウンセラーか基幹の職員がいないため作成しません"
    core = actor_for(
        membership.user, membership.organization, origin=Origin.command("seed_demo peer")
    )
    today = timezone.localdate()
    sessions = 0
    for n in range(24):  # every other week or so, the last twelve months
        day = today - dt.timedelta(days=8 + n * 15)
        text, domains, consulter = TOPICS[n % len(TOPICS)]
        services.consultation_create(
            core,
            received_at=timezone.make_aware(dt.datetime.combine(day, dt.time(14, 0))),
            channel=Channel.VISIT_TO_OFFICE,
            consulter=consulter,
            main_concern=text,
            outcome=(
                ConsultationOutcome.CONTINUING if n % 3 == 0 else ConsultationOutcome.INFORMATION
            ),
            is_anonymous=True,
            domains=domains,
            support_types=[SupportType.PEER_COUNSELLING],
            minutes_spent=60,
            peer_counsellor=counsellors[n % len(counsellors)],
        )
        sessions += 1
    return f"ピアカウンセリング: {len(counsellors)}人のピアカウンセラーとの相談 {sessions}件"
