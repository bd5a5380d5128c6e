"""Curricula (issue 18 item 2): progress computed from attendance and approved learning, the
stage completion date, what is missing and what to take next; a worker who moves office keeps
their record; who sees whose progress; external learning with checked evidence, approved by
the core center; screens and API."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.accounts.tests.factories import UserFactory, api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.core.errors import Forbidden, NotFound
from tsunagu.curricula import access, selectors, services
from tsunagu.curricula.models import ExternalLearning, LearningStatus
from tsunagu.curricula.progress import progress_of
from tsunagu.curricula.tests.factories import attended, make_seed001
from tsunagu.organizations.models import Membership, SystemRole
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import MembershipFactory, OrganizationFactory
from tsunagu.records.tests.factories import minimal_pdf

pytestmark = pytest.mark.django_db

NOT_FOUND_PAGE = "ページが見つかりません"


@pytest.fixture
def seed(personas):
    upcoming = timezone.localdate() + dt.timedelta(days=30)
    return make_seed001(personas.core_center, personas.core_officer, upcoming=upcoming)


@pytest.fixture
def manager_a(personas) -> User:
    user = UserFactory.create(username="manager_a", full_name="管理 太郎")
    MembershipFactory.create(
        user=user, organization=personas.office_a, job_title="manager", role=SystemRole.MANAGER
    )
    return user


def _core(personas):
    return actor_as(personas.core_officer, personas.core_center)


def _learning(personas, seed, *, worker=None, requirement=None, on=dt.date(2025, 9, 1)):
    worker = worker or personas.colleague_a
    return services.learning_create(
        actor_as(worker, personas.office_a),
        worker=worker,
        requirement=requirement or seed.requirements[2],
        course_name="重層的支援体制整備事業 従事者研修（県）",
        provider="みどり県",
        completed_on=on,
        evidence=SimpleUploadedFile("修了証.pdf", minimal_pdf()),
    )


# --- Progress ---------------------------------------------------------------------------------


def test_stage_completion_date_missing_and_next(personas, seed, private_media):
    worker = personas.colleague_a
    attended(seed.events[0], worker, personas.office_a)
    attended(seed.events[1], worker, personas.office_a)
    row = progress_of(seed.curriculum, [worker.pk], with_next=True)[worker.pk]
    first, second, third = row.stages
    assert first.complete
    assert first.completed_on == dt.date(2025, 5, 1)
    assert second.complete
    assert second.completed_on == dt.date(2025, 7, 1)
    assert not third.complete
    assert third.completed_on is None
    assert row.current_stage is third
    assert [r.requirement for _s, r in row.missing] == [seed.requirements[2]]
    # What to take next: the announced training to come that meets the missing requirement.
    assert [(n.event, n.requirement) for n in row.next_events] == [
        (seed.events[2], seed.requirements[2])
    ]
    assert row.completed_stages == 2
    assert not row.finished


def test_a_stage_completes_on_the_latest_date_of_its_evidence(personas, seed, private_media):
    """Two requirements in a stage: the stage is complete on the day the last one was met."""
    actor = actor_as(personas.core_officer, personas.core_center)
    extra = services.requirement_add(actor, stage=seed.stages[0], name="倫理研修")
    worker = personas.colleague_a
    attended(seed.events[0], worker, personas.office_a)  # 2025-05-01
    row = progress_of(seed.curriculum, [worker.pk])[worker.pk]
    assert not row.stages[0].complete
    learning = _learning(personas, seed, requirement=extra, on=dt.date(2025, 10, 3))
    row = progress_of(seed.curriculum, [worker.pk])[worker.pk]
    assert not row.stages[0].complete  # pending learning counts for nothing yet
    assert row.stages[0].requirements[1].pending == [learning.pk]
    services.learning_review(actor, learning=learning, decision="approved")
    row = progress_of(seed.curriculum, [worker.pk])[worker.pk]
    assert row.stages[0].complete
    assert row.stages[0].completed_on == dt.date(2025, 10, 3)


def test_absence_and_waiting_do_not_count_and_a_later_stage_can_be_met_first(
    personas, seed, private_media
):
    worker = personas.colleague_a
    registration = attended(seed.events[0], worker, personas.office_a)
    registration.attendance = "absent"
    registration.save()
    learning = _learning(personas, seed, on=dt.date(2025, 3, 1))
    services.learning_review(_core(personas), learning=learning, decision="approved")
    row = progress_of(seed.curriculum, [worker.pk], with_next=True)[worker.pk]
    assert [s.complete for s in row.stages] == [False, False, True]
    assert row.stages[2].completed_on == dt.date(2025, 3, 1)
    assert row.current_stage is row.stages[0]
    # Stage 1's training was held: nothing announced for it, so the next one to come is shown
    # only from a stage that still misses something and has one announced (none here).
    assert row.next_events == []


def test_finished_when_every_stage_is_complete(personas, seed, private_media):
    worker = personas.colleague_a
    attended(seed.events[0], worker, personas.office_a)
    attended(seed.events[1], worker, personas.office_a)
    learning = _learning(personas, seed, on=dt.date(2025, 11, 20))
    services.learning_review(_core(personas), learning=learning, decision="approved")
    row = progress_of(seed.curriculum, [worker.pk], with_next=True)[worker.pk]
    assert row.finished
    assert row.current_stage is None
    assert row.missing == []
    assert row.stages[2].completed_on == dt.date(2025, 11, 20)


def test_a_worker_who_moves_office_keeps_their_record(personas, seed, manager_a, private_media):
    worker = personas.colleague_a
    attended(seed.events[0], worker, personas.office_a)
    before = progress_of(seed.curriculum, [worker.pk])[worker.pk]
    manager_b = UserFactory.create(username="manager_b")
    MembershipFactory.create(
        user=manager_b, organization=personas.office_b, job_title="manager", role="manager"
    )
    # The move: the membership at office A ends, one at office B begins.
    Membership.objects.filter(user=worker, organization=personas.office_a).update(
        is_active=False, is_primary=False, ended_on=dt.date(2026, 3, 31)
    )
    MembershipFactory.create(user=worker, organization=personas.office_b, is_primary=True)
    after = progress_of(seed.curriculum, [worker.pk])[worker.pk]
    assert after.stages[0].complete == before.stages[0].complete is True
    assert after.stages[0].completed_on == before.stages[0].completed_on
    # The new office's manager sees the record; the old office's no longer does.
    actor_b = actor_as(manager_b, personas.office_b)
    assert access.access_worker(actor_b, worker.pk) == worker
    view = selectors.overview(actor_b, seed.curriculum, organization=personas.office_b)
    assert [r.worker for r in view.staff if r.progress.stages[0].complete] == [worker]
    with pytest.raises(NotFound):
        access.access_worker(actor_as(manager_a, personas.office_a), worker.pk)
    # The worker still sees their own.
    assert access.access_worker(actor_as(worker, personas.office_b), worker.pk) == worker


# --- Who sees what ------------------------------------------------------------------------------


def test_office_manager_sees_own_staff_only(personas, seed, manager_a, client_as):
    attended(seed.events[0], personas.colleague_a, personas.office_a)
    client = client_as(manager_a)
    response = client.get(reverse("curricula:overview", args=[seed.curriculum.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert personas.colleague_a.full_name in page
    assert personas.counselor_a.full_name in page
    assert personas.counselor_b.full_name not in page
    ok = client.get(reverse("curricula:worker", args=[personas.colleague_a.pk]))
    assert ok.status_code == 200
    assert "相談支援従事者の共通研修" in ok.content.decode()
    # Another office's worker, and another office's staff list: the 404.
    for url in (
        reverse("curricula:worker", args=[personas.counselor_b.pk]),
        reverse("curricula:office", args=[seed.curriculum.pk, personas.office_b.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert NOT_FOUND_PAGE in response.content.decode()


def test_a_plain_worker_sees_only_their_own_record(personas, seed, client_as):
    client = client_as(personas.counselor_a)
    mine = client.get(reverse("curricula:mine"))
    assert mine.status_code == 200
    assert "次に受ける研修" in mine.content.decode()
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for url in (
        reverse("curricula:worker", args=[personas.colleague_a.pk]),
        reverse("curricula:overview", args=[seed.curriculum.pk]),
    ):
        assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(pk__gt=before, action=Action.ACCESS_DENIED).count() == 2


def test_core_center_sees_the_network_by_office_and_ward(personas, seed, client_as):
    attended(seed.events[0], personas.colleague_a, personas.office_a)
    attended(seed.events[0], personas.counselor_b, personas.office_b)
    actor = actor_as(personas.core_officer, personas.core_center)
    view = selectors.overview(actor, seed.curriculum)
    by_office = {t.label: t for t in view.by_office}
    assert by_office[personas.office_a.name].stage_counts[0] == 1
    assert by_office[personas.office_b.name].stage_counts[0] == 1
    assert sum(t.workers for t in view.by_ward) == sum(t.workers for t in view.by_office)
    response = client_as(personas.core_officer).get(
        reverse("curricula:overview", args=[seed.curriculum.pk])
    )
    assert response.status_code == 200
    assert "区別" in response.content.decode()
    assert AuditEvent.objects.filter(
        action=Action.RECORDS_LISTED, detail__view="curriculum_overview"
    ).exists()


def test_outside_the_network_every_curriculum_url_is_a_404(personas, seed, client_as):
    hospital = OrganizationFactory.create(kind="hospital", name="みどりの森病院", code="hosp")
    nurse = UserFactory.create(username="nurse")
    MembershipFactory.create(user=nurse, organization=hospital, job_title="other")
    client = client_as(nurse)
    urls = [
        reverse("curricula:list"),
        reverse("curricula:mine"),
        reverse("curricula:detail", args=[seed.curriculum.pk]),
        reverse("curricula:overview", args=[seed.curriculum.pk]),
        reverse("curricula:worker", args=[personas.colleague_a.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
    token = api_token_for(nurse, hospital)
    response = client.get(
        f"/api/v1/curricula/{seed.curriculum.pk}", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 404


def test_only_the_core_center_changes_a_curriculum(personas, seed, private_media):
    with pytest.raises(Forbidden):
        services.stage_add(
            actor_as(personas.counselor_a, personas.office_a), curriculum=seed.curriculum, name="x"
        )
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, actor=personas.counselor_a
    ).exists()


# --- External learning --------------------------------------------------------------------------


def test_evidence_is_checked_like_every_upload(personas, seed, client_as, private_media):
    client = client_as(personas.colleague_a)
    url = reverse("curricula:learning_create", args=[personas.colleague_a.pk])
    form = {
        "requirement": seed.requirements[2].pk,
        "course_name": "重層的支援体制整備事業 従事者研修（県）",
        "provider": "みどり県",
        "completed_on": "2025-09-01",
    }
    bad = client.post(url, {**form, "evidence": SimpleUploadedFile("a.pdf", b"MZ\x90\x00exe")})
    assert bad.status_code == 400
    assert "受け付けられない形式" in bad.content.decode()
    assert not ExternalLearning.objects.exists()
    good = client.post(url, {**form, "evidence": SimpleUploadedFile("修了証.pdf", minimal_pdf())})
    assert good.status_code == 302
    learning = ExternalLearning.objects.get()
    assert learning.status == LearningStatus.PENDING
    assert learning.evidence.get().content_type == "application/pdf"
    assert AuditEvent.objects.filter(
        action=services.ACTION_LEARNING_ENTERED, target_id=str(learning.pk)
    ).exists()
    # The worker reads it and its evidence; the core center approves it.
    assert client.get(reverse("curricula:learning_evidence", args=[learning.pk])).status_code == 200
    core = client_as(personas.core_officer)
    assert (
        "確認する"
        in core.get(reverse("curricula:learning_detail", args=[learning.pk])).content.decode()
    )
    response = core.post(
        reverse("curricula:learning_review", args=[learning.pk]), {"decision": "approved"}
    )
    assert response.status_code == 302
    learning.refresh_from_db()
    assert learning.status == LearningStatus.APPROVED
    assert learning.reviewed_by == personas.core_officer


def test_review_rules(personas, seed, private_media):
    learning = _learning(personas, seed)
    core = actor_as(personas.core_officer, personas.core_center)
    with pytest.raises(Exception, match="入力"):
        services.learning_review(core, learning=learning, decision="rejected", note="")
    services.learning_review(core, learning=learning, decision="rejected", note="証明が読めません")
    with pytest.raises(Exception, match="すでに確認"):
        services.learning_review(core, learning=learning, decision="approved")
    own = services.learning_create(
        core,
        worker=personas.core_officer,
        requirement=seed.requirements[0],
        course_name="共通研修（他市）",
        provider="あおい市",
        completed_on=dt.date(2024, 6, 1),
        evidence=SimpleUploadedFile("c.pdf", minimal_pdf()),
    )
    with pytest.raises(Forbidden):
        services.learning_review(core, learning=own, decision="approved")


# --- API ------------------------------------------------------------------------------------------


def _api(client, token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_api_builds_a_curriculum_and_reports_progress(personas, client, private_media):
    core_token = api_token_for(personas.core_officer, personas.core_center)
    h = _api(client, core_token)
    made = client.post(
        "/api/v1/curricula",
        data={"name": "主任相談支援専門員への道"},
        content_type="application/json",
        **h,
    )
    assert made.status_code == 201, made.content
    cid = made.json()["id"]
    stage = client.post(
        f"/api/v1/curricula/{cid}/stages",
        data={"name": "第1段階"},
        content_type="application/json",
        **h,
    ).json()
    requirement = client.post(
        f"/api/v1/curriculum-stages/{stage['id']}/requirements",
        data={"name": "相談支援従事者現任研修"},
        content_type="application/json",
        **h,
    ).json()
    # A worker enters their learning with evidence (multipart), the core center approves it.
    worker_token = api_token_for(personas.colleague_a, personas.office_a)
    entered = client.post(
        f"/api/v1/curriculum-progress/{personas.colleague_a.pk}/external-learning",
        data={
            "requirement_id": requirement["id"],
            "course_name": "相談支援従事者現任研修（県）",
            "provider": "みどり県",
            "completed_on": "2025-12-10",
            "evidence": SimpleUploadedFile("修了証.pdf", minimal_pdf()),
        },
        **_api(client, worker_token),
    )
    assert entered.status_code == 201, entered.content
    learning_id = entered.json()["id"]
    worker_h = _api(client, worker_token)
    assert client.get(entered.json()["evidence_url"], **worker_h).status_code == 200
    queue = client.get("/api/v1/external-learning", **h).json()
    assert [r["id"] for r in queue["results"]] == [learning_id]
    assert AuditEvent.objects.filter(
        action=Action.RECORDS_LISTED, detail__view="api.external_learning_list"
    ).exists()
    reviewed = client.post(
        f"/api/v1/external-learning/{learning_id}/review",
        data={"decision": "approved"},
        content_type="application/json",
        **h,
    )
    assert reviewed.status_code == 200
    assert reviewed.json()["status"] == "approved"
    mine = client.get("/api/v1/curriculum-progress/me", **_api(client, worker_token)).json()
    row = next(c for c in mine["curricula"] if c["curriculum_id"] == cid)
    assert row["finished"] is True
    assert row["stages"][0]["completed_on"] == "2025-12-10"
    overview = client.get(f"/api/v1/curricula/{cid}/overview", **h).json()
    office = next(t for t in overview["by_office"] if t["organization_id"] == personas.office_a.pk)
    assert office["stage_completed"] == [1]
    # A plain worker has no overview; a missing file is a 422, not a 500.
    assert client.get(f"/api/v1/curricula/{cid}/overview", **worker_h).status_code == 404
    missing = client.post(
        f"/api/v1/curriculum-progress/{personas.colleague_a.pk}/external-learning",
        data={
            "requirement_id": requirement["id"],
            "course_name": "x",
            "provider": "y",
            "completed_on": "2025-12-10",
        },
        **_api(client, worker_token),
    )
    assert missing.status_code == 422
    bad_date = client.post(
        f"/api/v1/curriculum-progress/{personas.colleague_a.pk}/external-learning",
        data={"requirement_id": "x", "course_name": "", "provider": "", "completed_on": "nope"},
        **_api(client, worker_token),
    )
    assert bad_date.status_code == 422


def test_api_lists_cost_the_same_queries_for_one_row_as_for_three(
    personas, seed, client, private_media
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    actor = _core(personas)
    for name in ("主任相談支援専門員をめざす研修", "地域移行支援の研修"):
        made = services.curriculum_create(actor, name=name)
        stage = services.stage_add(actor, curriculum=made, name="第1段階")
        services.requirement_add(actor, stage=stage, name="講義")
    for worker in (personas.colleague_a, personas.counselor_a, personas.counselor_b):
        services.learning_create(
            actor,
            worker=worker,
            requirement=seed.requirements[1],
            course_name="対人援助技術研修",
            provider="みどり県社会福祉協議会",
            completed_on=dt.date(2025, 2, 1),
            evidence=SimpleUploadedFile("c.pdf", minimal_pdf()),
        )
    auth = {
        "HTTP_AUTHORIZATION": f"Bearer {api_token_for(personas.core_officer, personas.core_center)}"
    }
    for url in ("/api/v1/curricula", "/api/v1/external-learning"):
        client.get(url, **auth)  # the token's first use is recorded once
        counts = []
        for size in (1, 3):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url, {"page_size": size}, **auth)
            assert response.status_code == 200
            assert len(response.json()["results"]) == size
            counts.append(len(captured))
        assert counts[0] == counts[1], (url, counts)


def test_a_draft_training_linked_to_a_requirement_stays_the_organizers(personas, seed, client_as):
    from tsunagu.trainings.tests.factories import make_event

    draft = make_event(
        personas.core_center, personas.core_officer, status="draft", theme="準備中の秘密の研修"
    )
    services.requirement_event_link(_core(personas), requirement=seed.requirements[0], event=draft)
    url = reverse("curricula:detail", args=[seed.curriculum.pk])
    assert "準備中の秘密の研修" in client_as(personas.core_officer).get(url).content.decode()
    office = client_as(personas.counselor_a)
    assert "準備中の秘密の研修" not in office.get(url).content.decode()
    token = api_token_for(personas.counselor_a, personas.office_a)
    for path in (f"/api/v1/curricula/{seed.curriculum.pk}", "/api/v1/curricula"):
        answer = office.get(path, HTTP_AUTHORIZATION=f"Bearer {token}").json()
        body = json.dumps(answer, ensure_ascii=False)
        assert "準備中の秘密の研修" not in body
        assert "相談支援従事者の共通研修" in body
