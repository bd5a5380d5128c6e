"""Demo abuse response for みどり市 (issue 20 item 1): one report carried through receipt,
fact-finding within the deadline, the core-member meeting's judgement, monitoring and closure in
the current fiscal year, one report still waiting for its fact-finding past the deadline (on
the city's overdue list) and one visited, waiting for the core-member meeting.

Everything goes through the services as the city department's staff (the 障害者虐待防止センター),
with the core center's officer on the response team, so each step has its audit row.  The
reporters are fictitious.  Idempotent: once any report exists, nothing is added.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tsunagu.abuse import services
from tsunagu.abuse.models import AbuseReport
from tsunagu.core.actor import Origin
from tsunagu.core.dates import fiscal_year, fiscal_year_range
from tsunagu.organizations.actors import actor_for
from tsunagu.organizations.models import Membership, OrganizationKind, SystemRole


def _writer(kind: str) -> Membership | None:
    return (
        Membership.objects.current()
        .filter(organization__kind=kind, organization__is_active=True)
        .exclude(role=SystemRole.READ_ONLY)
        .exclude(user__is_superuser=True)
        .select_related("user", "organization")
        .order_by("organization__code", "user__username")
        .first()
    )


@transaction.atomic
def seed_and_summarise() -> str:
    if AbuseReport.objects.exists():
        return "虐待対応: 既にあります（追加なし）"
    city = _writer(OrganizationKind.CITY_DEPARTMENT)
    core = _writer(OrganizationKind.CORE_CENTER)
    if city is None:
        return "虐待対応: 市担当課の職員がいないため作成しません"
    origin = Origin.command("seed_demo abuse")
    actor = actor_for(city.user, city.organization, origin=origin)
    team = [city.user, *([core.user] if core is not None else [])]
    now = timezone.now()
    today = timezone.localdate()
    # The closed report: received early enough in this fiscal year for every step to lie between
    # receipt and today (at least a few days ago, never before April 1).
    first_day, _last = fiscal_year_range(fiscal_year(today))
    received_day = max(first_day, today - dt.timedelta(days=40))
    received_at = timezone.make_aware(dt.datetime.combine(received_day, dt.time(10, 30)))
    closed = services.report_receive(
        actor,
        received_at=received_at,
        abuser_type="carer",
        abuse_types=["economic", "neglect"],
        summary="民生委員から：本人の障害基礎年金を同居の兄が管理し、本人の食費や通院費に"
        "使われていない様子。部屋が片付かず、食事も一日一回とのこと。",
        victim_label="Aさん（50代男性・知的障害）",
        response_team=team,
        reporter_name="民生委員（デモ）",
        reporter_contact="市役所経由で連絡",
        reporter_relation="担当の民生委員",
    )
    visit = min(received_day + dt.timedelta(days=1), today)
    services.fact_finding_record(
        actor,
        report=closed,
        visited_on=visit,
        visited_by="市担当課2名、基幹相談支援センター1名",
        findings="本人と面接。通帳は兄が保管し、本人の手元に現金がない。体重減少あり。"
        "兄も就労が不安定で、世帯として生活に困っている。",
    )
    meeting = min(visit + dt.timedelta(days=2), today)
    services.judgement_record(
        actor,
        report=closed,
        meeting_on=meeting,
        attendees="障害者支援課長、担当職員、基幹相談支援センター",
        judgement="abuse",
        measures=["guardianship", "carer_support"],
    )
    services.monitoring_start(actor, report=closed)
    services.report_close(
        actor,
        report=closed,
        closed_on=min(meeting + dt.timedelta(days=30), today),
        note="市長申立てで保佐人が選任され、年金の管理が本人のために行われるようになった。"
        "兄は就労支援につながった。",
    )
    overdue = services.report_receive(
        actor,
        received_at=now - dt.timedelta(hours=services.fact_finding_hours() + 20),
        abuser_type="facility",
        abuse_types=["psychological"],
        summary="事業所の元職員から：生活介護事業所で、職員が利用者に大声で威圧的な言葉を"
        "繰り返しているとの届出。",
        victim_label="生活介護事業所の利用者（複数）",
        response_team=team,
        reporter_name="元職員（デモ）",
        reporter_relation="事業所の元職員",
    )
    # A third, within its deadline: the employer's case, visited, waiting for the meeting.
    waiting = services.report_receive(
        actor,
        received_at=now - dt.timedelta(hours=30),
        abuser_type="employer",
        abuse_types=["economic", "psychological"],
        summary="就労先の同僚から：最低賃金を下回る給与で、ミスのたびに人前で叱責されている。",
        victim_label="Bさん（30代女性・精神障害）",
        response_team=team,
        reporter_relation="就労先の同僚",
    )
    services.fact_finding_record(
        actor,
        report=waiting,
        visited_on=today,
        visited_by="市担当課2名",
        findings="本人と面接。給与明細で最低賃金を下回ることを確認。労働局への通知を検討。",
    )
    return (
        f"虐待対応: 通報 3件（終結 1件 #{closed.pk}、事実確認の期限切れ 1件 #{overdue.pk}、"
        f"会議待ち 1件 #{waiting.pk}）"
    )
