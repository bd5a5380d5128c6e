"""Trial visits before deciding (見学・体験): three candidates from the directory, visits with
the person's words and the worker's kept apart, one chosen; the plan shows 「体験後に選択」;
the figures count the trials per chosen service; outsiders get 404 on every object URL, on
the screens and in the API."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.core.dates import fiscal_year
from tsunagu.core.errors import Forbidden, Invalid
from tsunagu.directory.models import ResourceStatus, SocialResource
from tsunagu.directory.tests.factories import ResourceFactory
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.plans.models import PlanItem, SupportKind, SupportPlan
from tsunagu.plans.tests.factories import SupportPlanFactory
from tsunagu.reports.annual import layout
from tsunagu.reports.figures import annual_figures
from tsunagu.reports.models import AnnualReport
from tsunagu.trials import selectors, services
from tsunagu.trials.models import CandidateStatus, TrialCandidate

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _last() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@dataclass
class World:
    plan: SupportPlan
    resources: list[SocialResource]


@pytest.fixture
def world(personas) -> World:
    person = PersonFactory.create(
        family_name="山田",
        given_name="太郎",
        family_name_kana="ヤマダ",
        given_name_kana="タロウ",
        registered_by_organization=personas.office_a,
    )
    case = CaseFactory.create(
        person=person, lead_organization=personas.office_a, lead_worker=personas.counselor_a
    )
    plan = SupportPlanFactory.create(
        case=case, author=personas.counselor_a, author_organization=personas.office_a
    )
    names = ["生活介護 ひまわり", "就労継続支援B型 みなと工房", "生活介護 さくらの丘"]
    return World(plan=plan, resources=[ResourceFactory.create(name=n) for n in names])


def _visit(actor, candidate, days_ago: int, **words) -> None:
    services.visit_record(
        actor,
        candidate=candidate,
        visited_on=TODAY - dt.timedelta(days=days_ago),
        kind="visit",
        who_went="本人、母、相談支援専門員",
        **words,
    )


def _three_visits_and_a_choice(personas, world) -> list[TrialCandidate]:
    actor = actor_as(personas.counselor_a, personas.office_a)
    candidates = [
        services.candidate_add(actor, plan=world.plan, resource=r, reason="本人が絵を描ける場所")
        for r in world.resources
    ]
    _visit(
        actor,
        candidates[0],
        20,
        person_liked="絵を描く部屋が明るかった",
        person_disliked="人が多くてうるさい",
        worker_liked="送迎がある",
        worker_disliked="定員がほぼいっぱい",
    )
    _visit(actor, candidates[1], 14, person_liked="工賃がもらえる", worker_disliked="作業が速い")
    _visit(actor, candidates[2], 10, person_liked="職員さんが優しい", worker_liked="少人数")
    services.visit_record(
        actor,
        candidate=candidates[2],
        visited_on=TODAY - dt.timedelta(days=3),
        kind="trial_use",
        who_went="本人",
        person_liked="また行きたい",
    )
    services.candidate_decide(
        actor, candidate=candidates[2], status="chosen", decided_on=TODAY, note="本人が選んだ"
    )
    services.candidate_decide(actor, candidate=candidates[1], status="not_chosen", decided_on=TODAY)
    return candidates


def test_a_person_visits_three_services_and_chooses_one(personas, world, client_as):
    marker = _last()
    candidates = _three_visits_and_a_choice(personas, world)
    chosen = candidates[2]
    chosen.refresh_from_db()
    assert chosen.status == CandidateStatus.CHOSEN
    assert chosen.visits.count() == 2
    events = AuditEvent.objects.filter(pk__gt=marker)
    assert events.filter(action=Action.RECORD_CREATED, target_type="trials.trialvisit").count() == 4
    decided = events.filter(action=Action.RECORD_UPDATED, target_type="trials.trialcandidate")
    assert {e.detail["status"] for e in decided} == {"chosen", "not_chosen"}
    # The plan names the service chosen after trial; its page says so.
    PlanItem.objects.create(
        plan=world.plan,
        priority=1,
        need="日中に通える場所がほしい",
        goal="週3日通う",
        support_kind=SupportKind.FORMAL,
        resource=world.resources[2],
        resource_name=world.resources[2].name,
        provider_name=world.resources[2].provider.name,
    )
    client = client_as(personas.counselor_a)
    page = client.get(reverse("plans:plan_detail", args=[world.plan.pk])).content.decode()
    assert "体験後に選択" in page
    assert "生活介護 さくらの丘" in page
    # The comparison shows the person's words and the worker's on separate rows.
    compare = client.get(reverse("trials:plan_trials", args=[world.plan.pk])).content.decode()
    assert "絵を描く部屋が明るかった" in compare
    assert "定員がほぼいっぱい" in compare
    assert compare.index("よかったところ（本人の言葉）") < compare.index("絵を描く部屋が明るかった")
    assert compare.index("絵を描く部屋が明るかった") < compare.index(
        "よかったところ（支援者から見て）"
    )


def test_figures_count_trials_per_chosen_service(personas, world):
    _three_visits_and_a_choice(personas, world)
    year = selectors.trial_year(fiscal_year(TODAY))
    # Counted independently: the chosen candidate had two visits; two decisions in the year.
    assert (year.decisions, year.chosen, year.chosen_after_trial) == (2, 1, 1)
    assert year.trials_before_chosen == 2
    assert year.trials_per_chosen == "2.0"
    report = AnnualReport(organization=personas.core_center, fiscal_year=fiscal_year(TODAY))
    doc = layout(report, annual_figures(personas.core_center, fiscal_year(TODAY)))
    tables = [b.table for b in doc.blocks if b.table is not None]
    trial_table = next(t for t in tables if "選んだサービスあたりの見学・体験" in t.headers)
    assert trial_table.rows[-1][1:] == ["2", "1", "1", "2", "2.0"]


def test_the_rules_of_visits_and_decisions(personas, world):
    actor = actor_as(personas.counselor_a, personas.office_a)
    candidate = services.candidate_add(actor, plan=world.plan, resource=world.resources[0])
    with pytest.raises(Invalid):  # listed once
        services.candidate_add(actor, plan=world.plan, resource=world.resources[0])
    gone = ResourceFactory.create(status=ResourceStatus.DEFUNCT)
    with pytest.raises(Invalid):
        services.candidate_add(actor, plan=world.plan, resource=gone)
    with pytest.raises(Invalid):  # not in the future
        _visit(actor, candidate, -1)
    _visit(actor, candidate, 5)
    with pytest.raises(Invalid):  # not before the last visit
        services.candidate_decide(
            actor, candidate=candidate, status="chosen", decided_on=TODAY - dt.timedelta(days=6)
        )
    services.candidate_decide(actor, candidate=candidate, status="chosen", decided_on=TODAY)
    with pytest.raises(Invalid):  # once
        services.candidate_decide(actor, candidate=candidate, status="not_chosen", decided_on=TODAY)
    with pytest.raises(Invalid):  # no visit after the decision
        _visit(actor, candidate, 0)
    reader = actor_as(personas.reader_a, personas.office_a)
    with pytest.raises(Forbidden):
        services.candidate_add(reader, plan=world.plan, resource=world.resources[1])


def _api(client, user, org, method, path, body=None):
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(user, org)}"}
    if method == "GET":
        return client.get(path, **kwargs)
    data = body if isinstance(body, str) else json.dumps(body)
    return client.generic(method, path, data=data, content_type="application/json", **kwargs)


def test_api_twins_walk_the_same_way(personas, world, client):
    base = f"/api/v1/trials/plans/{world.plan.pk}/candidates"
    a, office = personas.counselor_a, personas.office_a
    ids = []
    for resource in world.resources:
        answer = _api(
            client, a, office, "POST", base, {"resource_id": resource.pk, "reason": "近い"}
        )
        assert answer.status_code == 201, answer.content
        ids.append(answer.json()["id"])
    for n, cid in enumerate(ids):
        body = {
            "visited_on": (TODAY - dt.timedelta(days=10 - n)).isoformat(),
            "kind": "visit",
            "who_went": "本人",
            "person_liked": f"よかった{n}",
            "worker_disliked": f"気になる{n}",
        }
        answer = _api(client, a, office, "POST", f"/api/v1/trials/candidates/{cid}/visits", body)
        assert answer.status_code == 201, answer.content
    decision = {"status": "chosen", "decided_on": TODAY.isoformat()}
    answer = _api(
        client, a, office, "POST", f"/api/v1/trials/candidates/{ids[0]}/decision", decision
    )
    assert answer.status_code == 200
    assert answer.json()["chosen_after_trial"] is True
    listed = _api(client, a, office, "GET", base).json()["results"]
    assert [c["visits"][0]["person_liked"] for c in listed] == [
        "よかった0",
        "よかった1",
        "よかった2",
    ]
    figures = _api(client, a, office, "GET", "/api/v1/trials/figures").json()["results"]
    assert figures[-1]["chosen_after_trial"] == 1
    # Bad input answers JSON errors, never 500.
    for bad in (
        {"resource_id": 2**63},
        {"resource_id": "abc"},
        {"resource_id": world.resources[0].pk, "reason": "\ud800"},
    ):
        assert _api(client, a, office, "POST", base, bad).status_code in (400, 404, 422)
    assert _api(client, a, office, "POST", base, '"a string"').status_code in (400, 422)
    assert (
        _api(client, a, office, "GET", f"/api/v1/trials/plans/{2**63}/candidates").status_code
        == 404
    )
    future = {"status": "chosen", "decided_on": "99999-01-01"}
    assert (
        _api(
            client, a, office, "POST", f"/api/v1/trials/candidates/{ids[1]}/decision", future
        ).status_code
        == 422
    )
    assert (
        _api(client, a, office, "GET", "/api/v1/trials/figures?fiscal_year_to=99999").status_code
        == 422
    )


def test_outsider_gets_404_everywhere(personas, world, client_as, client):
    candidates = _three_visits_and_a_choice(personas, world)
    open_one = candidates[0]
    outsider = client_as(personas.counselor_b)
    for url in (
        reverse("trials:plan_trials", args=[world.plan.pk]),
        reverse("trials:candidate_add", args=[world.plan.pk]),
        reverse("trials:visit_record", args=[open_one.pk]),
        reverse("trials:candidate_decide", args=[open_one.pk]),
    ):
        assert outsider.get(url).status_code == 404, url
        assert outsider.post(url, {}).status_code in (404, 405), url
    b, office_b = personas.counselor_b, personas.office_b
    for method, path, body in (
        ("GET", f"/api/v1/trials/plans/{world.plan.pk}/candidates", None),
        (
            "POST",
            f"/api/v1/trials/plans/{world.plan.pk}/candidates",
            {"resource_id": world.resources[0].pk},
        ),
        ("GET", f"/api/v1/trials/candidates/{open_one.pk}", None),
        (
            "POST",
            f"/api/v1/trials/candidates/{open_one.pk}/visits",
            {"visited_on": TODAY.isoformat(), "kind": "visit", "who_went": "本人"},
        ),
        (
            "POST",
            f"/api/v1/trials/candidates/{open_one.pk}/decision",
            {"status": "chosen", "decided_on": TODAY.isoformat()},
        ),
    ):
        assert _api(client, b, office_b, method, path, body).status_code == 404, path


def test_screens_record_a_visit_and_a_choice(personas, world, client_as):
    client = client_as(personas.counselor_a)
    add = reverse("trials:candidate_add", args=[world.plan.pk])
    assert client.post(add, {"resource": world.resources[0].pk}).status_code == 302
    assert client.post(add, {"resource": 2**63}).status_code == 400
    candidate = TrialCandidate.objects.get(plan=world.plan)
    visit = reverse("trials:visit_record", args=[candidate.pk])
    bad = client.post(visit, {"visited_on": "99999-1-1", "kind": "visit", "who_went": "本人"})
    assert bad.status_code == 400
    ok = client.post(
        visit,
        {
            "visited_on": TODAY.isoformat(),
            "kind": "trial_use",
            "who_went": "本人",
            "person_liked": "楽しかった",
        },
    )
    assert ok.status_code == 302
    decide = reverse("trials:candidate_decide", args=[candidate.pk])
    assert (
        client.post(decide, {"status": "chosen", "decided_on": TODAY.isoformat()}).status_code
        == 302
    )
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.CHOSEN
    reader = client_as(personas.reader_a)
    assert reader.get(add).status_code == 403
