"""Imports of past records (issue 17 item 9), with the keyboard: the core center's manager
finds the import on the referrals page, chooses a file with a bad row (the preview names the
row, the column and the reason, and offers no import), then the sample register (every row
shown, one button), imports it and lands on the statistics.  An office manager previews the
sample consultation register.  Every page is checked with axe and at phone width."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.keyboard import follow, start_at_top, submit, tab_to
from tests.browser.phone import no_sideways_scroll_at_phone_width
from tsunagu.accounts.tests.factories import UserFactory
from tsunagu.organizations.models import SystemRole
from tsunagu.organizations.tests.factories import MembershipFactory
from tsunagu.referrals.models import ImportedRequest

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"


def _manager(organization, username):
    user = UserFactory.create(username=username)
    MembershipFactory.create(
        user=user, organization=organization, job_title="manager", role=SystemRole.MANAGER
    )
    return user


def _choose_file(page, path: Path, tmp_path: Path, content: bytes | None = None) -> None:
    if content is not None:
        path = tmp_path / path.name
        path.write_bytes(content)
    field = page.get_by_label("ファイル（CSV または Excel）")
    tab_to(page, field)
    field.set_input_files(str(path))


def test_a_manager_imports_a_register_by_keyboard(
    page, live_server, personas, browser_sign_in, assert_no_axe_violations, tmp_path
):
    browser_sign_in(_manager(personas.core_center, "core_manager"))
    sample = SAMPLES / "past-joint-support-requests.csv"

    start_at_top(page, "/referrals/")
    follow(page, "過去の共同支援依頼を取り込む")
    expect(page).to_have_url(re.compile(r"/referrals/import/$"))
    assert_no_axe_violations(page, "import-01-upload")

    bad = sample.read_bytes().replace("地域生活支援拠点,精神".encode(), "拠点,精神".encode())
    bad += "令和5年2月30日,その他,精神,,,R5-099\r\n".encode()
    _choose_file(page, sample, tmp_path, bad)
    submit(page, "確認する（まだ取り込みません）")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("1行でも問題があると何も取り込みません")
    expect(alert).to_contain_text("4行目・依頼元の種別: 「拠点」は依頼元の種別として使えません")
    expect(alert).to_contain_text("10行目・依頼日: 令和5年2月30日はありません。")
    expect(page.get_by_role("button", name=re.compile("行を取り込む"))).to_have_count(0)
    assert_no_axe_violations(page, "import-02-preview-errors")
    no_sideways_scroll_at_phone_width(page, "import-02-preview-errors")

    _choose_file(page, sample, tmp_path)
    submit(page, "確認する（まだ取り込みません）")
    expect(page.get_by_role("status")).to_contain_text("8行すべてを取り込めます")
    expect(page.locator("tbody tr")).to_have_count(8 + 6)  # the rows, and the columns' help
    assert_no_axe_violations(page, "import-03-preview-ok")
    assert ImportedRequest.objects.count() == 0

    submit(page, "8行を取り込む")
    expect(page).to_have_url(re.compile(r"/referrals/statistics/$"))
    expect(page.get_by_text("8件の依頼を取り込みました。")).to_be_visible()
    assert ImportedRequest.objects.count() == 8


def test_an_office_manager_previews_past_consultations(
    page, live_server, personas, browser_sign_in, assert_no_axe_violations, tmp_path
):
    browser_sign_in(_manager(personas.office_a, "office_manager"))
    start_at_top(page, "/cases/consultations/")
    follow(page, "過去の相談受付を取り込む")
    _choose_file(page, SAMPLES / "past-consultations.csv", tmp_path)
    submit(page, "確認する（まだ取り込みません）")
    expect(page.get_by_role("status")).to_contain_text("5行すべてを取り込めます")
    assert_no_axe_violations(page, "import-04-consultations-preview")
    no_sideways_scroll_at_phone_width(page, "import-04-consultations-preview")
