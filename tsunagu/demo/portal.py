"""Demo portal for みどり市 (issue 22): the person whose plan the counselor released in plain
words (tsunagu.demo.plainplans.demo_case) is invited to their portal on paper, and their
mother, on the person's recorded written consent, sees only the plan.  The one-time codes are
printed in the seed summary (demo only: real codes are shown once to the counselor who issues
them).  Idempotent: once any portal account exists, nothing is added.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tsunagu.cases.models import Case
from tsunagu.core.actor import Origin
from tsunagu.demo.plainplans import demo_case
from tsunagu.organizations.actors import actor_for
from tsunagu.plans.models import Monitoring, MonitoringStatus
from tsunagu.portal import codes, services
from tsunagu.portal.models import AccountKind, PortalAccount, Section


@transaction.atomic
def seed_and_summarise() -> str:
    if PortalAccount.objects.exists():
        return "本人ポータル: 既にあります（追加なし）"
    case = demo_case() or _case_with_a_monitoring()
    if case is None:
        return "本人ポータル: モニタリング予定のある本人がいないため作成しません"
    assert case.lead_worker is not None  # noqa: S101  # filtered by both
    counselor = actor_for(
        case.lead_worker, case.lead_organization_id, origin=Origin.command("seed_demo portal")
    )
    person = case.person
    assert person is not None  # noqa: S101  # filtered above
    _account, _inv, person_code = services.portal_invite(
        counselor,
        case=case,
        kind=AccountKind.PERSON,
        display_name=f"{person.given_name or person.given_name_kana}さん",
        channel="paper",
    )
    _mother, _inv2, mother_code = services.portal_invite(
        counselor,
        case=case,
        kind=AccountKind.SUPPORTER,
        display_name="お母さん",
        relationship="母",
        sections=[Section.PLAN],
        consent_obtained_on=timezone.localdate() - dt.timedelta(days=3),
        consent_method="書面",
        channel="paper",
    )
    return (
        f"本人ポータル: {case} の本人と母を招待しました（母は「わたしの計画」だけ）。"
        f" /my/start/ で使う招待コード: 本人 {codes.grouped(person_code)}、"
        f"母 {codes.grouped(mother_code)}"
    )


def _case_with_a_monitoring() -> Case | None:
    """Without a plan released in plain words: the open case whose monitoring comes first."""
    monitoring = (
        Monitoring.objects.filter(
            status=MonitoringStatus.SCHEDULED,
            plan__case__person__isnull=False,
            plan__case__lead_worker__isnull=False,
        )
        .exclude(plan__case__status="closed")
        .select_related("plan__case__person", "plan__case__lead_worker")
        .order_by("due_on", "pk")
        .first()
    )
    return monitoring.plan.case if monitoring is not None else None
