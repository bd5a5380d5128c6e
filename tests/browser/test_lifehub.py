"""The life hub, its emergency requests, a residents' activity and the 49:51 balance, each
screen axe-clean (issue 21 items 4, 7 and 8).

The core center opens the hub (the five functions, the operating meeting with itself as
secretariat), records that a short-stay provider accepted an emergency request, withdraws a
residents' activity's public consent (the public page then answers 404) and reads the balance
with its Baumkuchen."""

from __future__ import annotations

from django.utils import timezone
from playwright.sync_api import expect

from tsunagu.lifehub import services
from tsunagu.lifehub.models import EmergencyStatus
from tsunagu.lifehub.tests.factories import make_world
from tsunagu.organizations.tests.actors import actor_as


def test_the_core_center_runs_the_life_hub(
    page, personas, browser_sign_in, assert_no_axe_violations
):
    w = make_world(personas)
    services.consent_give(
        actor_as(personas.core_officer),
        activity=w.activity,
        scope="public",
        consented_by_name="山吹 花子",
        consented_on=timezone.localdate(),
    )
    browser_sign_in(personas.core_officer)

    page.goto("/lifehub/")
    expect(page.get_by_role("heading", name="地域生活支援拠点", level=1)).to_be_visible()
    expect(page.get_by_test_id("functions")).to_contain_text("短期入所 ひかりの家")
    expect(page.get_by_test_id("operating-body")).to_contain_text("みどり市基幹相談支援センター")
    assert_no_axe_violations(page, "lifehub-hub")

    page.goto(f"/lifehub/emergencies/{w.emergency.pk}/")
    assert_no_axe_violations(page, "lifehub-emergency")
    page.get_by_label("受け入れ先").select_option(label="短期入所 ひかりの家")
    page.get_by_label("受け入れ開始日").fill(timezone.localdate().isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="受け入れを記録する").click()
    expect(page.get_by_test_id("status")).to_have_text("受け入れ中")
    w.emergency.refresh_from_db()
    assert w.emergency.status == EmergencyStatus.ACCEPTED
    page.goto("/lifehub/emergencies/")
    expect(page.get_by_test_id("emergencies")).to_contain_text("短期入所 ひかりの家")
    assert_no_axe_violations(page, "lifehub-emergencies")

    public_url = f"/directory/{w.activity.resource.pk}/"
    page.goto("/lifehub/activities/")
    assert_no_axe_violations(page, "lifehub-activities")
    page.get_by_role("link", name="ふれあいサロン さくら").click()
    expect(page.get_by_test_id("consents")).to_contain_text("山吹 花子（代表）")
    assert_no_axe_violations(page, "lifehub-activity")
    page.get_by_label("撤回する範囲").select_option("public")
    with page.expect_navigation():
        page.get_by_role("button", name="撤回を記録する").click()
    expect(page.get_by_test_id("standing")).to_have_text("支援者に紹介")
    response = page.goto(public_url)
    assert response is not None
    assert response.status == 404

    page.goto("/dashboards/balance/")
    expect(page.get_by_role("img", name="ネットワークに参加した層")).to_be_visible()
    assert_no_axe_violations(page, "lifehub-balance")
