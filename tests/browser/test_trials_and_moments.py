"""Trial visits and motivating moments (issue 21 items 5 and 6), in the browser.

Office A's counselor compares three candidate services on a plan, records a trial use in the
person's words and her own, chooses the service, and sees 「体験後に選択」 on the plan; she then
writes a moment for the council with the person's name in it, sees it flagged, rewrites it and
publishes it; the council page quotes it.  Every screen is axe-clean.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.directory.tests.factories import ResourceFactory
from tsunagu.moments.models import CouncilMoment
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.plans.tests.factories import SupportPlanFactory
from tsunagu.records.tests.factories import ProgressNoteFactory
from tsunagu.trials import services
from tsunagu.trials.models import CandidateStatus, TrialCandidate

CLEAN = "作業所で自分の描いた絵が飾られたとき、本人が初めて笑顔で話した。"


def test_a_worker_compares_chooses_and_sends_a_moment_to_the_council(
    page, personas, browser_sign_in, assert_no_axe_violations
):
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
    lead = actor_as(personas.counselor_a, personas.office_a)
    today = timezone.localdate()
    for name in ("生活介護 ひまわり", "就労継続支援B型 みなと工房", "生活介護 さくらの丘"):
        candidate = services.candidate_add(
            lead, plan=plan, resource=ResourceFactory.create(name=name)
        )
        services.visit_record(
            lead,
            candidate=candidate,
            visited_on=today - dt.timedelta(days=7),
            kind="visit",
            who_went="本人、相談支援専門員",
            person_liked=f"{name}は明るい",
        )
    note = ProgressNoteFactory.create(
        case=case,
        author=personas.counselor_a,
        author_organization=personas.office_a,
        is_motivating_moment=True,
        motivating_moment="山田さんが、絵が飾られて笑顔で話した。",
    )

    browser_sign_in(personas.counselor_a)
    page.goto(f"/trials/plans/{plan.pk}/")
    expect(
        page.get_by_role("heading", name="見学・体験（行ってみてやって委員会）", level=1)
    ).to_be_visible()
    assert_no_axe_violations(page, "trials-compare")
    chosen = TrialCandidate.objects.get(resource_name="生活介護 さくらの丘")
    page.goto(f"/trials/candidates/{chosen.pk}/visits/new/")
    page.get_by_label("行った日").fill(today.isoformat())
    page.get_by_label("種類").select_option("trial_use")
    page.get_by_label("行った人").fill("本人")
    page.get_by_label("よかったところ（本人の言葉）").fill("また行きたい")
    page.get_by_label("気になったところ（支援者から見て）").fill("自宅から少し遠い")
    assert_no_axe_violations(page, "trials-visit-form")
    with page.expect_navigation():
        page.get_by_role("button", name="保存する").click()
    expect(page.get_by_text("また行きたい")).to_be_visible()
    page.goto(f"/trials/candidates/{chosen.pk}/decide/")
    page.get_by_label("決めたこと").select_option("chosen")
    page.get_by_label("決めた日").fill(today.isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="保存する").click()
    chosen.refresh_from_db()
    assert chosen.status == CandidateStatus.CHOSEN
    page.goto(f"/plans/{plan.pk}/")
    expect(page.get_by_text("体験後に選択").first).to_be_visible()
    assert_no_axe_violations(page, "plan-with-trials-and-moments")

    page.goto(f"/moments/notes/{note.pk}/")
    page.get_by_label("協議会に伝える場面（匿名化）").fill("山田さんが、絵が飾られて笑顔で話した。")
    with page.expect_navigation():
        page.get_by_role("button", name="下書きを保存して確かめる").click()
    expect(page.locator("mark").first).to_be_visible()
    expect(page.get_by_role("button", name="協議会に掲載する")).to_have_count(0)
    assert_no_axe_violations(page, "moment-flagged")
    page.get_by_label("協議会に伝える場面（匿名化）").fill(CLEAN)
    with page.expect_navigation():
        page.get_by_role("button", name="下書きを保存して確かめる").click()
    with page.expect_navigation():
        page.get_by_role("button", name="協議会に掲載する").click()
    assert CouncilMoment.objects.get(note=note).is_published
    page.goto("/moments/council/")
    expect(page.get_by_text(CLEAN)).to_be_visible()
    assert_no_axe_violations(page, "council-moments")
