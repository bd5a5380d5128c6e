"""Curricula (issue 18 item 2), with the keyboard only: a worker reads their record (stage 1
done on the day they attended, what to take next), enters learning from the prefecture with
its certificate; the core center's officer approves it and sees the network by office and ward.
Every page is checked with axe."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.keyboard import (
    follow,
    new_signed_in_page,
    pick_radio,
    start_at_top,
    submit,
    tab_to,
    type_date,
    type_into,
)
from tsunagu.curricula.models import ExternalLearning
from tsunagu.curricula.tests.factories import attended, make_seed001
from tsunagu.records.tests.factories import minimal_pdf


def test_a_worker_follows_their_curriculum_by_keyboard(
    page,
    browser,
    live_server,
    client_as,
    personas,
    browser_sign_in,
    assert_no_axe_violations,
    private_media,
):
    upcoming = timezone.localdate() + dt.timedelta(days=20)
    seed = make_seed001(personas.core_center, personas.core_officer, upcoming=upcoming)
    attended(seed.events[0], personas.colleague_a, personas.office_a)
    browser_sign_in(personas.colleague_a)

    # 1. The worker's own record: stage 1 done, the upcoming training for stage 2 is not
    #    announced (held), so the stage 3 one is offered only once stage 2 is met.
    start_at_top(page, "/curricula/")
    expect(page.get_by_role("heading", name="研修カリキュラム", level=1)).to_be_visible()
    assert_no_axe_violations(page, "curricula-01-list")
    follow(page, "自分の受講状況と次に受ける研修")
    expect(page.get_by_role("heading", name="自分の受講状況", level=1)).to_be_visible()
    expect(page.get_by_text("いまの段階: 対人援助")).to_be_visible()
    assert_no_axe_violations(page, "curricula-02-mine")

    # 2. Learning from the prefecture for stage 2, with its certificate.
    follow(page, "同等の学習を登録する")
    submit(page, "保存する")
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_axe_violations(page, "curricula-03-learning-error")
    requirement = page.get_by_label("満たす修了要件", exact=True)
    tab_to(page, requirement)
    requirement.select_option(str(seed.requirements[1].pk))
    type_into(page, "研修・講座の名称", "対人援助技術研修（県）")
    type_into(page, "実施機関", "みどり県社会福祉協議会")
    type_date(page, "修了日", dt.date(2025, 9, 1))
    evidence = page.get_by_label("修了の証明", exact=True)
    tab_to(page, evidence)
    evidence.set_input_files(
        {"name": "修了証.pdf", "mimeType": "application/pdf", "buffer": minimal_pdf()}
    )
    submit(page, "保存する")
    expect(page.get_by_text("基幹相談支援センターの確認を待っています")).to_be_visible()
    learning = ExternalLearning.objects.get()
    expect(page).to_have_url(re.compile(rf"/curricula/learning/{learning.pk}/$"))
    assert_no_axe_violations(page, "curricula-04-learning")

    # 3. The core center approves it; the worker's stage 2 is then complete.
    core = new_signed_in_page(browser, live_server, client_as, personas.core_officer)
    start_at_top(core, "/curricula/")
    follow(core, "承認待ちの同等の学習（1件）")
    assert_no_axe_violations(core, "curricula-05-queue")
    follow(core, "対人援助技術研修（県）")
    pick_radio(core, "decision", "承認")
    submit(core, "確認の結果を保存する")
    expect(core.get_by_text("承認しました。")).to_be_visible()
    learning.refresh_from_db()
    assert learning.status == "approved"

    # 4. The network by office and ward, and office A's staff behind it.
    start_at_top(core, f"/curricula/{seed.curriculum.pk}/")
    assert_no_axe_violations(core, "curricula-06-detail")
    follow(core, "職員の進み具合")
    expect(core.get_by_role("heading", name="区別")).to_be_visible()
    assert_no_axe_violations(core, "curricula-07-overview")
    follow(core, personas.office_a.name)
    expect(core.get_by_role("link", name=personas.colleague_a.full_name)).to_be_visible()
    assert_no_axe_violations(core, "curricula-08-office")

    start_at_top(page, "/curricula/mine/")
    expect(page.get_by_text("いまの段階: 重層")).to_be_visible()
    expect(page.get_by_text("重層的支援体制強化研修 — ")).to_be_visible()
