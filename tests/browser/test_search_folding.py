"""Search that forgives (issue 16 item 11): a counselor finds a case by the person's kana typed
as hiragana with hyphens for the long vowels, and finds a note by a word typed the same way."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.keyboard import follow, start_at_top
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.core.kana import normalize_kana
from tsunagu.records.tests.factories import ProgressNoteFactory
from tsunagu.search.models import Synonym


def test_a_counselor_finds_a_case_by_hiragana_with_long_vowel_hyphens(
    page, live_server, personas, browser_sign_in, assert_no_axe_violations
):
    case = CaseFactory.create(
        title="日中活動の場さがし",
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
        person__registered_by_organization=personas.office_a,
        person__family_name="河野",
        person__given_name="優子",
        person__family_name_kana="コーノ",
        person__given_name_kana="ユーコ",
        person__kana_normalized=normalize_kana("コーノユーコ"),
    )
    ProgressNoteFactory.create(
        case=case, author=personas.counselor_a, text="グループホームの体験利用を相談。"
    )
    browser_sign_in(personas.counselor_a)

    # The person, by her kana typed as hiragana with hyphens for ー, then her case.
    start_at_top(page, "/people/")
    box = page.get_by_label("氏名・フリガナ・生年月日・電話番号")
    box.focus()
    box.fill("こ-の ゆ-こ")
    box.press("Enter")
    expect(page.get_by_role("link", name="河野 優子")).to_be_visible()
    assert_no_axe_violations(page, "search-folding-01-person-found")
    follow(page, "河野 優子")
    follow(page, "日中活動の場さがし")
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))

    # A note, by a word typed the same way.
    start_at_top(page, "/search/?q=ぐる-ぷほ-む")
    expect(page.locator("mark", has_text="グループホーム")).to_be_visible()
    assert_no_axe_violations(page, "search-folding-02-note-found")


def test_the_core_center_keeps_the_synonym_list(
    page, live_server, personas, browser_sign_in, assert_no_axe_violations
):
    # A live-server test may run after another has emptied the tables (the migration's seed
    # with them): one seeded pair, again if need be.
    Synonym.objects.get_or_create(
        term_folded="就b",
        synonym_folded="就労継続支援b型",
        defaults={"term": "就B", "synonym": "就労継続支援B型"},
    )
    browser_sign_in(personas.core_officer)
    start_at_top(page, "/search/synonyms/")
    expect(page.get_by_role("cell", name="就B", exact=True)).to_be_visible()
    page.get_by_label("略語・言い換え").fill("ＣＨ")
    page.get_by_label("正式な言葉").fill("けあほーむ")
    with page.expect_navigation():
        page.get_by_role("button", name="登録する").press("Enter")
    expect(page.get_by_text("言い換えを登録しました。")).to_be_visible()
    expect(page.get_by_role("cell", name="けあほーむ", exact=True)).to_be_visible()
    assert_no_axe_violations(page, "search-folding-03-synonym-added")
    page.get_by_label("略語・言い換え").fill("けあほ-む")
    page.get_by_label("正式な言葉").fill("ch")
    with page.expect_navigation():
        page.get_by_role("button", name="登録する").press("Enter")
    expect(page.get_by_text("この組み合わせはもう登録されています。")).to_be_visible()
    assert_no_axe_violations(page, "search-folding-04-synonym-conflict")
