"""A plan item names its provider from the social-resource directory, by keyboard only
(issue 16, item 7): the service type narrows the resource choices, a search finds the one by
kana, the plan page names the provider and draws the service ring, at desktop and phone width."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.keyboard import choose, start_at_top, submit, tab_to, type_into
from tsunagu.directory.services import refresh_search_text
from tsunagu.directory.tests.factories import ProviderFactory, ResourceFactory, term
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.plans import services
from tsunagu.plans.tests.world import build_plan_world

PHONE = {"width": 390, "height": 844}


def _directory():
    provider = ProviderFactory.create(
        name="社会福祉法人 みどり福祉会", name_kana="みどりふくしかい"
    )
    works = ResourceFactory.create(
        provider=provider,
        name="就労継続支援B型 ひだまり工房",
        name_kana="ひだまりこうぼう",
        service_type=term("continuous-work-b"),
    )
    other = ResourceFactory.create(
        name="就労継続支援B型 あおぞら作業所",
        name_kana="あおぞらさぎょうしょ",
        service_type=term("continuous-work-b"),
    )
    home = ResourceFactory.create(name="居宅介護 あさひ", service_type=term("home-help"))
    for resource in (works, other, home):
        refresh_search_text(resource)
    return works


def test_a_plan_item_chooses_its_provider_by_keyboard(
    page, live_server, personas, browser_sign_in, assert_no_axe_violations
):
    world = build_plan_world(personas)
    lead = actor_as(personas.counselor_a, personas.office_a)
    draft = services.plan_new_version(actor=lead, plan=world.plan, reason="通所先を見直す")
    works = _directory()
    browser_sign_in(personas.counselor_a)

    start_at_top(page, f"/plans/{draft.pk}/items/new/")
    assert_no_axe_violations(page, "providers-01-item-form")
    type_into(page, "解決すべき課題（本人のニーズ）", "日中に働く場所がほしい。")
    type_into(page, "支援目標", "工房に週4日通う。")
    resource = page.get_by_label("提供するサービス（社会資源）", exact=True)
    expect(resource.locator("option", has_text="居宅介護 あさひ")).to_have_count(1)
    # The type narrows the choices (htmx), and the search finds the resource by kana.
    choose(page, page.get_by_label("サービスの種類", exact=True), "就労継続支援B型")
    expect(resource.locator("option", has_text="居宅介護 あさひ")).to_have_count(0)
    type_into(page, "社会資源を名前・地域で探す", "ヒダマリ")
    page.keyboard.press("Enter")  # clicks the search button (htmx: only the choices)
    expect(resource.locator("option", has_text="あおぞら作業所")).to_have_count(0)
    expect(page.get_by_text("選べる社会資源: 1件")).to_be_visible()
    type_into(page, "量・頻度", "週4日")
    choose(page, page.get_by_label("提供するサービス（社会資源）", exact=True), "ひだまり工房")
    submit(page, "保存する")
    expect(page).to_have_url(re.compile(rf"/plans/{draft.pk}/$"))
    item = draft.items.get(resource=works)
    assert item.provider_name == "社会福祉法人 みどり福祉会"

    # The plan page names the provider (a link to the directory) and draws the ring.
    expect(page.get_by_role("link", name="社会福祉法人 みどり福祉会")).to_be_visible()
    ring = page.get_by_role("img", name="支援の輪（バウムクーヘン）")
    expect(ring).to_be_visible()
    expect(page.locator(".service-ring__legend")).to_contain_text("民生委員 鈴木さん")
    assert_no_axe_violations(page, "providers-02-plan-detail")
    tab_to(page, page.get_by_role("link", name="社会福祉法人 みどり福祉会"))

    # At phone width the page does not scroll sideways and the ring scales down.
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    box = ring.bounding_box()
    assert box is not None
    assert box["width"] <= PHONE["width"]
    page.goto(f"/plans/{draft.pk}/items/{item.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
