"""A safety check recorded from a phone (issue 20 item 7).

The city has declared a safety check for one ward naming office A; office A's counselor opens
the phone screen at 390px, finds the not yet reached first, records one person as evacuated
with a big button, and the core center's progress page counts it for the area.
"""

from __future__ import annotations

from playwright.sync_api import ViewportSize, expect

from tests.browser.phone import PHONE, no_sideways_scroll_at_phone_width
from tsunagu.disaster import services
from tsunagu.disaster.models import SafetyCheck
from tsunagu.disaster.tests.factories import make_world
from tsunagu.organizations.tests.actors import actor_as

DESKTOP: ViewportSize = {"width": 1280, "height": 900}


def test_a_worker_records_a_state_from_a_phone_and_the_progress_counts_it(
    page, personas, browser_sign_in, assert_no_axe_violations
):
    w = make_world(personas)
    campaign = services.campaign_declare(
        actor_as(personas.city_official),
        title="豪雨",
        areas=[w.ward],
        workers=[personas.office_a],
    )
    page.set_viewport_size(PHONE)
    browser_sign_in(personas.counselor_a)
    page.goto(f"/disaster/campaigns/{campaign.pk}/check/")
    expect(page.get_by_role("heading", name="安否を記録する", level=1)).to_be_visible()
    card = page.get_by_test_id(f"check-{w.not_consenting.pk}")
    expect(card.get_by_test_id(f"state-{w.not_consenting.pk}")).to_have_text("未確認")
    no_sideways_scroll_at_phone_width(page, "disaster-check")
    assert_no_axe_violations(page, "disaster-check")

    card.get_by_label("避難先").fill("青葉小学校")
    card.get_by_role("button", name="避難済み").click()
    expect(page.get_by_test_id(f"state-{w.not_consenting.pk}")).to_contain_text(
        "避難済み（青葉小学校）"
    )
    # The one still not reached now comes first.
    page.reload()
    first = page.locator("[data-testid^='check-']").first
    expect(first).to_have_attribute("data-testid", f"check-{w.consenting.pk}")
    check = SafetyCheck.objects.get()
    assert (check.state, check.evacuated_to) == ("evacuated", "青葉小学校")

    browser_sign_in(personas.core_officer)
    page.goto(f"/disaster/campaigns/{campaign.pk}/")
    progress = page.get_by_test_id("progress")
    expect(progress.get_by_role("row", name="青葉区")).to_contain_text("1")
    no_sideways_scroll_at_phone_width(page, "disaster-progress")


STORED = """async () => {
  const names = (await indexedDB.databases()).map((d) => d.name);
  const caches_ = await caches.keys();
  const workers = (await navigator.serviceWorker.getRegistrations()).length;
  return { names, caches: caches_, workers };
}"""

SEALED = """(id) => new Promise((resolve, reject) => {
  const open = indexedDB.open("tsunagu-offline");
  open.onsuccess = () => {
    const get = open.result.transaction("lists").objectStore("lists").get(id);
    get.onsuccess = () => {
      const row = get.result;
      open.result.close();
      resolve({
        sealed: row.data instanceof ArrayBuffer,
        text: new TextDecoder().decode(row.data),
        keys: Object.keys(row).sort(),
      });
    };
    get.onerror = () => reject(get.error);
  };
  open.onerror = () => reject(open.error);
})"""


def test_the_check_screen_works_offline_and_sends_the_queue_when_the_network_returns(
    page, personas, browser_sign_in, assert_no_axe_violations
):
    """Office A's counselor opens the check screen at 390px; the network drops; two states are
    recorded and queued, the page even reloads from the device's encrypted copy; the network
    returns and both arrive.  A 民生委員 had meanwhile recorded one of them from the same
    version: that one is a conflict the core center settles.  Signing out empties the device."""
    w = make_world(personas)
    campaign = services.campaign_declare(
        actor_as(personas.city_official),
        title="豪雨",
        areas=[w.ward],
        workers=[personas.office_a, w.commissioners],
    )
    page.set_viewport_size(PHONE)
    browser_sign_in(personas.counselor_a)
    url = f"/disaster/campaigns/{campaign.pk}/check/"
    page.goto(url)
    expect(page.locator("[data-offline-check][data-offline-ready]")).to_have_count(1)
    assert page.evaluate("() => navigator.serviceWorker.ready.then((r) => r.scope)").endswith(
        "/disaster/"
    )
    stored = page.evaluate(SEALED, campaign.pk)
    assert stored["sealed"]
    assert stored["keys"] == ["campaign", "data", "expires", "iv", "kid"]
    assert "馬場" not in stored["text"]
    assert "青木" not in stored["text"]

    # The 民生委員 reaches 馬場 first, from the same version (none) the counselor's page shows.
    services.check_record(
        actor_as(w.commissioner), campaign=campaign, entry=w.not_consenting, state="safe"
    )

    page.context.set_offline(True)
    baba = page.get_by_test_id(f"check-{w.not_consenting.pk}")
    baba.get_by_label("避難先").fill("青葉小学校")
    baba.get_by_role("button", name="避難済み").click()
    expect(page.get_by_test_id(f"state-{w.not_consenting.pk}")).to_have_text(
        "送信待ち: 避難済み（青葉小学校）"
    )
    aoki = page.get_by_test_id(f"check-{w.consenting.pk}")
    aoki.get_by_role("button", name="支援が必要").click()
    expect(page.get_by_test_id(f"state-{w.consenting.pk}")).to_have_text("送信待ち: 支援が必要")
    assert SafetyCheck.objects.filter(recorded_by=personas.counselor_a).count() == 0

    # Reloaded without network: the worker's empty page, filled from the encrypted copy.
    page.reload()
    expect(page.locator("[data-offline-shell]")).to_have_count(1)
    expect(page.get_by_test_id(f"state-{w.consenting.pk}")).to_have_text("送信待ち: 支援が必要")
    no_sideways_scroll_at_phone_width(page, "disaster-check-offline")
    assert_no_axe_violations(page, "disaster-check-offline")

    page.context.set_offline(False)
    # Back online the shell reloads into the real page, which seals the list again and then
    # sends the queue: on a busy machine that takes longer than expect's default 5 seconds.
    sent = page.get_by_test_id(f"state-{w.consenting.pk}")
    expect(sent).to_contain_text("送信済み", timeout=30_000)
    conflicting = page.get_by_test_id(f"state-{w.not_consenting.pk}")
    expect(conflicting).to_contain_text("競合", timeout=30_000)
    mine = {c.entry_id: c for c in SafetyCheck.objects.filter(recorded_by=personas.counselor_a)}
    assert mine[w.consenting.pk].state == "needs_help"
    conflict = mine[w.not_consenting.pk]
    assert (conflict.state, conflict.evacuated_to, conflict.resolution) == (
        "evacuated",
        "青葉小学校",
        "open",
    )

    # Signing out empties the device: no database, no cache, no worker.
    page.set_viewport_size(DESKTOP)
    with page.expect_navigation():
        page.get_by_role("button", name="サインアウト").click()
    expect(page.get_by_label("ユーザー名")).to_be_visible()
    left = page.evaluate(STORED)
    assert left == {"names": [], "caches": [], "workers": 0}

    browser_sign_in(personas.core_officer)
    page.goto(f"/disaster/campaigns/{campaign.pk}/")
    card = page.get_by_test_id(f"conflict-{conflict.pk}")
    expect(card).to_contain_text("避難済み（青葉小学校）")
    expect(card).to_contain_text("無事")
    assert_no_axe_violations(page, "disaster-conflicts")
    with page.expect_navigation():
        card.get_by_role("button", name="後から届いた記録を採る").click()
    expect(page.get_by_test_id(f"conflict-{conflict.pk}")).to_have_count(0)
    conflict.refresh_from_db()
    assert conflict.resolution == "accepted"
