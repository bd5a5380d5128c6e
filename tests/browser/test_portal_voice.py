"""どう？ with a voice note (issue 22 item 3), on a 390 px phone: the person attaches a small
recording (the plain file field, as a phone without the recorder script does) and sends it;
where the browser can record, the recorder (portal/js/voice.js) records, stops, plays back,
deletes and puts the recording into the same form; the counselor plays the recording on the
case's timeline."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.phone import PHONE, SCREENSHOTS, no_sideways_scroll_at_phone_width
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.core.actor import Origin
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.portal import services
from tsunagu.portal.middleware import cookie_name
from tsunagu.portal.models import CheckIn
from tsunagu.portal.tests.factories import PASSPHRASE, invite_person, tiny_wav
from tsunagu.records.models import NoteAttachment


def _case(personas: Any):
    person = PersonFactory.create(
        family_name="小川", given_name="さくら", registered_by_organization=personas.office_a
    )
    return CaseFactory.create(
        person=person, lead_organization=personas.office_a, lead_worker=personas.counselor_a
    )


def _phone(browser: Browser, live_server: Any, case: Any, personas: Any) -> Page:
    """A phone-width browser signed in to the person's portal."""
    _account, code = invite_person(case, personas.counselor_a)
    _account, token = services.invitation_redeem(
        code, passphrase=PASSPHRASE, again=PASSPHRASE, origin=Origin(ip_address="192.0.2.30")
    )
    context = browser.new_context(
        locale="ja-JP", viewport=PHONE, base_url=live_server.url, has_touch=True
    )
    context.add_cookies([{"name": cookie_name(), "value": token, "url": f"{live_server.url}/my/"}])
    return context.new_page()


def _to_the_questions(page: Page) -> None:
    page.goto("/my/checkin/")
    page.get_by_test_id("mood-okay").click()
    expect(page.get_by_role("heading", name="もう少しおしえてください")).to_be_visible()


def test_the_person_sends_a_recording_and_the_counselor_plays_it(
    page, browser, live_server, personas, client_as, private_media, assert_no_axe_violations
):
    case = _case(personas)
    phone = _phone(browser, live_server, case, personas)
    _to_the_questions(phone)
    expect(phone.get_by_text("相談員に電話してください")).to_have_count(0)
    no_sideways_scroll_at_phone_width(phone, "portal-voice-01-form")
    phone.get_by_label("声で伝える").set_input_files(
        {"name": "koe.wav", "mimeType": "audio/wav", "buffer": tiny_wav(seconds=0.5)}
    )
    phone.get_by_test_id("checkin-send").click()
    expect(phone.get_by_test_id("checkin-done")).to_be_visible()
    phone.screenshot(path=str(SCREENSHOTS / "portal-voice-02-done-phone.png"))
    phone.context.close()
    voice = NoteAttachment.objects.get(note=CheckIn.objects.get().note)
    assert voice.content_type == "audio/wav"

    # A picture is refused in plain words; what was written stays.
    phone = _phone(browser, live_server, _case(personas), personas)
    _to_the_questions(phone)
    phone.get_by_label("よくなったことは？").fill("ごはんを作った")
    phone.get_by_label("声で伝える").set_input_files(
        {"name": "voice.webm", "mimeType": "audio/webm", "buffer": b"\x89PNG\r\n\x1a\n" + b"0" * 64}
    )
    phone.get_by_test_id("checkin-send").click()
    expect(phone.get_by_text("このファイルは声（音）ではないようです。")).to_be_visible()
    expect(phone.get_by_label("よくなったことは？")).to_have_value("ごはんを作った")
    phone.context.close()

    # The counselor plays it on the case's timeline.
    client = client_as(personas.counselor_a)
    page.context.add_cookies(
        [{"name": n, "value": c.value, "url": live_server.url} for n, c in client.cookies.items()]
    )
    page.goto(f"/records/cases/{case.pk}/notes/")
    player = page.get_by_test_id("voice-note").locator("audio")
    expect(player).to_be_visible()
    expect(page.get_by_test_id("person-voice")).to_be_visible()
    duration = player.evaluate(
        """(audio) => new Promise((resolve, reject) => {
            audio.addEventListener("loadedmetadata", () => resolve(audio.duration));
            audio.addEventListener("error", () => reject(new Error("cannot load")));
            audio.preload = "metadata";
            audio.load();
        })"""
    )
    assert 0.4 < duration < 0.6
    assert_no_axe_violations(page, "portal-voice-03-timeline")


def test_the_recorder_records_listens_deletes_and_sends(
    browser, live_server, personas, private_media, transactional_db
):
    case = _case(personas)
    # A browser with a pretend microphone (a tone), the permission already given.
    recording_browser = browser.browser_type.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            "--autoplay-policy=no-user-gesture-required",
        ],
    )
    try:
        phone = _phone(recording_browser, live_server, case, personas)
        phone.context.grant_permissions(["microphone"], origin=live_server.url)
        _to_the_questions(phone)
        field = phone.get_by_label("声で伝える")
        record = phone.get_by_role("button", name="録音する")
        expect(record).to_be_visible()
        record.click()
        stop = phone.get_by_role("button", name="止める")
        expect(stop).to_be_focused()
        expect(phone.get_by_role("status")).to_contain_text("録音しています")
        phone.wait_for_timeout(1500)
        stop.click()
        listen = phone.get_by_role("button", name="もう一度聞く")
        expect(listen).to_be_focused()
        assert field.evaluate("(input) => input.files.length") == 1
        listen.click()
        phone.get_by_role("button", name="録音を消す").click()
        expect(phone.get_by_role("status")).to_have_text("録音を消しました。")
        assert field.evaluate("(input) => input.files.length") == 0
        expect(phone.get_by_role("button", name="もう一度聞く")).to_be_hidden()
        # Again, and this one is sent.
        phone.get_by_role("button", name="録音する").click()
        phone.wait_for_timeout(1500)
        phone.get_by_role("button", name="止める").click()
        expect(phone.get_by_role("button", name="もう一度聞く")).to_be_visible()
        phone.get_by_test_id("checkin-send").click()
        expect(phone.get_by_test_id("checkin-done")).to_be_visible()
        voice = NoteAttachment.objects.get(note=CheckIn.objects.get().note)
        assert voice.content_type == "audio/webm"
        assert voice.size > 0
    finally:
        recording_browser.close()
