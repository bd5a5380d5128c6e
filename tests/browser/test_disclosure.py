"""Answering a disclosure request with the keyboard: from the person's page to the review of
the office's own restricted note, a refused empty decision, then the ZIP download.  Every page
is checked with axe; the outsider gets 404."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.keyboard import follow, pick_radio, start_at_top, submit, tab_to, type_into
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.records.models import NoteKind
from tsunagu.records.tests.factories import ProgressNoteFactory

RESTRICTED_TEXT = "兄から電話。本人には伝えないでほしいとのこと。"
REASON = "第三者（兄）から本人に伝えないよう求められた情報のため。"


def test_a_disclosure_with_a_withheld_note_by_keyboard(
    page, live_server, personas, browser_sign_in, assert_no_axe_violations, client_as, tmp_path
):
    person = PersonFactory.create(
        family_name="佐藤", given_name="花子", registered_by_organization=personas.office_a
    )
    case = CaseFactory.create(
        person=person,
        title="佐藤花子さんの支援",
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
    )
    ProgressNoteFactory.create(
        case=case, author=personas.counselor_a, text="自宅を訪問。作業所に通いたいと話した。"
    )
    restricted = ProgressNoteFactory.create(
        case=case,
        author=personas.counselor_a,
        kind=NoteKind.PHONE,
        is_restricted=True,
        text=RESTRICTED_TEXT,
    )
    browser_sign_in(personas.counselor_a)
    start_at_top(page, f"/people/{person.pk}/")
    follow(page, "開示請求に対応する")
    expect(page.get_by_role("heading", name="開示請求への対応", level=1)).to_be_visible()
    expect(page.get_by_text(RESTRICTED_TEXT)).to_be_visible()
    assert_no_axe_violations(page, "disclosure-review")

    pick_radio(page, f"decision_{restricted.pk}", "開示しない")
    submit(page, "開示用のファイルを作成してダウンロードする")
    expect(page.get_by_text("開示しない理由を入力してください。").first).to_be_visible()
    assert_no_axe_violations(page, "disclosure-review-errors")

    tab_to(page, page.locator(f"select[name=ground_{restricted.pk}]"))
    page.keyboard.press("ArrowDown")
    type_into(page, "開示しない理由（本人に伝える理由）", REASON)
    tab_to(page, page.get_by_role("button", name="開示用のファイルを作成してダウンロードする"))
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    download = download_info.value
    assert download.suggested_filename.endswith(".zip")
    saved = Path(tmp_path) / "disclosure.zip"
    download.save_as(saved)
    archive = zipfile.ZipFile(io.BytesIO(saved.read_bytes()))
    manifest = json.loads(archive.read("manifest.json"))
    assert [w["reason"] for w in manifest["withheld_notes"]] == [REASON]
    assert RESTRICTED_TEXT not in archive.read("records.json").decode()

    outsider = client_as(personas.counselor_b)
    assert outsider.get(f"/disclosure/people/{person.pk}/").status_code == 404
