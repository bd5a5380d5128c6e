"""Demo trial visits and motivating moments for みどり市 (issue 21 items 5 and 6).

行ってみてやって委員会: on the plan of a person whose notes hold motivating moments, three
services of the directory are listed; the person goes to see each (one twice, the second time
a trial use), with what they liked and did not in their own words and, apart, the worker's;
one is chosen after the trial, one not, and the plan shows 「体験後に選択」.

どこに心が動いた？: the provider of the chosen service joins the team on the person's consent
(purposes: sharing and 心の動く場面の共有); the latest moment of the person's notes is shared
with it, and a de-identified rewriting is published on the council's page of moments.

Everything goes through the services with an Actor, so each step has its audit row.
Idempotent: once any trial candidate exists, nothing is added.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tsunagu.cases import services as case_services
from tsunagu.cases.models import Case, CaseStatus, SharingBasis, TeamRole
from tsunagu.core.actor import Actor, Origin
from tsunagu.directory.models import ResourceStatus, SocialResource
from tsunagu.moments import services as moments
from tsunagu.organizations.actors import actor_for
from tsunagu.organizations.models import Membership, Organization, OrganizationKind
from tsunagu.people import services as people_services
from tsunagu.people.models import ConsentMethod, ConsentPurpose
from tsunagu.records.models import ProgressNote
from tsunagu.trials import services as trials
from tsunagu.trials.models import TrialCandidate

COUNCIL_TEXT = (
    "通所先を見学したとき、作業室に飾られた利用者の絵の前で足を止め、"
    "「ここで描きたい」と自分から話した。言葉の少ない本人が、初めて自分で選んだ瞬間だった。"
)
COUNCIL_LESSON = "本人が好きなことに出会える場を、見学・体験の段階からいくつも用意する。"

VISITS = [
    # (candidate index, days ago, kind, who went, person liked, person disliked, worker
    # liked, worker disliked)
    (
        0,
        42,
        "visit",
        "本人、母、相談支援専門員",
        "昼ごはんがおいしそう",
        "人が多くてうるさい",
        "送迎がある",
        "定員がほぼいっぱいで、空きが出るまで待つ",
    ),
    (
        1,
        35,
        "visit",
        "本人、相談支援専門員",
        "工賃がもらえる",
        "作業が速くてついていけない",
        "就労への道が見える",
        "本人のペースより速い作業が中心",
    ),
    (
        2,
        28,
        "visit",
        "本人、母、相談支援専門員",
        "絵を描く部屋が明るい",
        "",
        "少人数で落ち着いている",
        "自宅から少し遠い",
    ),
    (
        2,
        14,
        "trial_use",
        "本人",
        "また行きたい。職員さんが絵をほめてくれた",
        "帰りのバスが混む",
        "昼食の時間も落ち着いて過ごせた",
        "",
    ),
]


def _case_and_lead() -> tuple[Case, Actor] | None:
    """An open case with a plan and a person whose notes hold a motivating moment, and its
    lead worker acting for the lead organization."""
    moment_cases = (
        ProgressNote.objects.filter(is_motivating_moment=True)
        .exclude(motivating_moment="")
        .values("case_id")
    )
    cases = (
        Case.objects.filter(pk__in=moment_cases, person__isnull=False, support_plans__isnull=False)
        .exclude(status=CaseStatus.CLOSED)
        .select_related("lead_organization", "lead_worker", "person")
        .distinct()
        .order_by("pk")
    )
    for case in cases:
        member = (
            Membership.objects.current()
            .filter(user=case.lead_worker, organization=case.lead_organization)
            .first()
        )
        if member is not None and member.can_write and case.lead_worker is not None:
            origin = Origin.command("seed_demo trials")
            return case, actor_for(case.lead_worker, case.lead_organization, origin=origin)
    return None


@transaction.atomic
def seed_and_summarise() -> str:
    if TrialCandidate.objects.exists():
        return "見学・体験と心の動く場面: 既にあります（追加なし）"
    found = _case_and_lead()
    if found is None:
        return "見学・体験と心の動く場面: 計画と心の動く場面のあるケースがないため作成しません"
    case, lead = found
    person = case.person
    assert person is not None  # noqa: S101  # the case was chosen for its person
    plan = case.support_plans.order_by("-version").first()
    assert plan is not None  # noqa: S101  # the case was chosen for its plans
    resources = list(
        SocialResource.objects.filter(status=ResourceStatus.ACTIVE)
        .select_related("provider")
        .order_by("pk")[:3]
    )
    if len(resources) < 3:
        return "見学・体験と心の動く場面: 社会資源が足りないため作成しません"
    today = timezone.localdate()
    reasons = ["母の希望", "工賃がもらえる", "本人が絵を描ける"]
    candidates = [
        trials.candidate_add(lead, plan=plan, resource=r, reason=reason)
        for r, reason in zip(resources, reasons, strict=True)
    ]
    for index, days, kind, who, p_like, p_dislike, w_like, w_dislike in VISITS:
        trials.visit_record(
            lead,
            candidate=candidates[index],
            visited_on=today - dt.timedelta(days=days),
            kind=kind,
            who_went=who,
            person_liked=p_like,
            person_disliked=p_dislike,
            worker_liked=w_like,
            worker_disliked=w_dislike,
        )
    trials.candidate_decide(
        lead,
        candidate=candidates[2],
        status="chosen",
        decided_on=today - dt.timedelta(days=7),
        note="体験のあと、本人が「ここがいい」と選んだ。",
    )
    trials.candidate_decide(
        lead,
        candidate=candidates[1],
        status="not_chosen",
        decided_on=today - dt.timedelta(days=7),
        note="作業のペースが本人に合わない。",
    )

    # The chosen service's provider joins the team on the person's consent, and the moment
    # travels to it and, de-identified, to the council.
    chosen = resources[2]
    provider, _created = Organization.objects.get_or_create(
        code="demo-trial-provider",
        defaults={"name": chosen.provider.name[:200], "kind": OrganizationKind.SERVICE_PROVIDER},
    )
    consent = people_services.consent_record(
        lead,
        person=person,
        organizations=[provider],
        purposes=[ConsentPurpose.SHARING, ConsentPurpose.MOTIVATING_MOMENTS],
        method=ConsentMethod.WRITTEN,
        obtained_on=today - dt.timedelta(days=6),
        notes="通所先の事業所と支援の情報と「心の動く場面」を共有することに同意。",
    )
    case_services.add_team_member(
        lead,
        case=case,
        organization=provider,
        role=TeamRole.SERVICE,
        basis=SharingBasis.CONSENT,
        consent=consent,
        worker_name="サービス管理責任者",
        joined_on=today - dt.timedelta(days=6),
    )
    note = (
        ProgressNote.objects.filter(case=case, is_motivating_moment=True, is_restricted=False)
        .exclude(motivating_moment="")
        .select_related("case")
        .order_by("-occurred_at", "-pk")
        .first()
    )
    published = 0
    if note is not None:
        moments.moment_share(
            lead, note=note, organization=provider, message="個別支援計画に生かしてください。"
        )
        draft = moments.council_moment_write(
            lead, note=note, text=COUNCIL_TEXT, lesson=COUNCIL_LESSON
        )
        if not moments.council_flags(draft):
            moments.council_moment_publish(lead, moment=draft)
            published = 1
    return (
        f"見学・体験と心の動く場面: ケース{case.pk}の計画に候補3件・見学と体験{len(VISITS)}回・"
        f"体験後に選択1件、心の動く場面の共有1件・協議会への掲載{published}件"
    )
