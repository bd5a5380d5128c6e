"""DV and hidden addresses (issue 20 item 4, ADR 0023): a protected person's postal code,
address and phone are in no output (screens, API, exports, print, FHIR, the disaster list, the
duplicate check, the searches) for anyone, until a named worker presses 表示する, which is
audited; the banner is on the person's pages and their cases'."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.audit.models import Action, AuditEvent, Outcome
from tsunagu.cases.tests.factories import CaseFactory, TeamMemberFactory
from tsunagu.disaster import services as disaster
from tsunagu.disaster.tests.factories import make_world
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.people import protection
from tsunagu.people.models import AddressProtection, ProtectionBasis, Relationship
from tsunagu.people.tests.factories import (
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonFactory,
)
from tsunagu.plans import fhir as plan_fhir

ADDRESS = "みどり市青葉区かくれ町七丁目7番7号"
POSTAL = "989-7777"
PHONE = "090-7777-6543"
HOUSEHOLD_ADDRESS = "みどり市青葉区かくれ町七丁目7番7号 シェルター"
SECRETS = (ADDRESS, POSTAL, PHONE, "09077776543", "かくれ町")
SHOWN = (ADDRESS, POSTAL, PHONE)
BANNER = "住所・電話番号・居所は非表示です"


def _last_event_id() -> int:
    last = AuditEvent.objects.order_by("-pk").first()
    return last.pk if last else 0


def _assert_hidden(content: bytes | str, where: str) -> None:
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    for secret in SECRETS:
        assert secret not in text, f"{secret} in {where}"


@pytest.fixture
def world(personas):
    """A person on the disaster list, led by office A (counselor_a is the named worker), the
    core center on the team, in a household whose address is the shelter's."""
    w = make_world(personas, prefix="dv")
    person = PersonFactory.create(
        family_name="隠田",
        given_name="みどり",
        family_name_kana="カクレダ",
        given_name_kana="ミドリ",
        birth_date=dt.date(1990, 3, 3),
        postal_code=POSTAL,
        address=ADDRESS,
        phone=PHONE,
        area=w.district,
        support_category="6",
        registered_by_organization=personas.office_a,
    )
    case = CaseFactory.create(
        person=person,
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
        opened_on=timezone.localdate() - dt.timedelta(days=30),
    )
    TeamMemberFactory.create(case=case, organization=personas.core_center)
    household = HouseholdFactory.create(
        name="隠田さん世帯",
        address=HOUSEHOLD_ADDRESS,
        registered_by_organization=personas.office_a,
    )
    HouseholdMemberFactory.create(
        household=household, person=person, relationship=Relationship.SELF
    )
    entry = disaster.entry_add(actor_as(personas.city_official), person=person)
    disaster.consent_record(actor_as(personas.city_official), entry=entry, given=True)
    protection.protection_set(
        actor_as(personas.counselor_a),
        person=person,
        basis=ProtectionBasis.RESIDENT_REGISTER,
        decided_on=timezone.localdate(),
        reason="配偶者からの暴力により避難中。支援措置の申出を確認。",
        review_on=timezone.localdate() + dt.timedelta(days=365),
        worker_ids=[personas.counselor_a.pk],
    )
    return {"disaster": w, "person": person, "case": case, "household": household}


def test_no_output_holds_the_whereabouts(personas, world, client_as, api_headers, monkeypatch):
    """The walk: every screen, API answer, export, print and FHIR resource that shows a person
    or their household, for the team (the named worker included, before 表示する)."""
    person, case, household = world["person"], world["case"], world["household"]
    # The PDFs' HTML is what is checked (the PDF compresses its text).
    monkeypatch.setattr(
        "tsunagu.disclosure.views.render_pdf", lambda html, css=None: html.encode("utf-8")
    )
    screens = [
        reverse("people:person_detail", args=[person.pk]),
        reverse("people:person_edit", args=[person.pk]),
        reverse("people:consent_create", args=[person.pk]),
        reverse("people:household_detail", args=[household.pk]),
        reverse("people:household_edit", args=[household.pk]),
        reverse("people:household_list"),
        reverse("people:person_search") + "?q=カクレダ",
        reverse("cases:case_detail", args=[case.pk]),
        reverse("records:case_notes", args=[case.pk]),
        reverse("disclosure:case_summary_pdf", args=[case.pk]),
        reverse("disclosure:person_disclosure", args=[person.pk]),
    ]
    api = [
        f"/api/v1/persons/{person.pk}",
        f"/api/v1/households/{household.pk}",
        f"/api/v1/persons/{person.pk}/protection",
    ]
    for user in (personas.counselor_a, personas.colleague_a, personas.core_officer):
        client = client_as(user)
        for url in screens:
            response = client.get(url)
            assert response.status_code == 200, (user, url, response.status_code)
            _assert_hidden(response.content, f"{url} for {user}")
        for url in api:
            response = client.get(url, **api_headers(user))
            assert response.status_code == 200, (user, url)
            _assert_hidden(response.content, f"{url} for {user}")
    # Searches by the whereabouts find nobody (the box echoes what was typed, so the page is
    # checked for the person instead).
    lead = client_as(personas.counselor_a)
    for url in (
        reverse("people:household_list") + "?q=かくれ町",
        reverse("people:person_search") + "?q=09077776543",
    ):
        assert "隠田" not in lead.get(url).content.decode(), url
    found = lead.get("/api/v1/persons?q=09077776543", **api_headers(personas.counselor_a)).json()
    assert found["count"] == 0
    found = lead.get("/api/v1/persons?q=カクレダ", **api_headers(personas.counselor_a)).json()
    assert found["count"] == 1
    detail = lead.get(f"/api/v1/persons/{person.pk}", **api_headers(personas.counselor_a)).json()
    assert detail["contact_hidden"] is True
    assert detail["address"] == detail["phone"] == detail["postal_code"] == ""

    # The disaster list: the screen, the print, a campaign's phone screen, API and export.
    city = client_as(personas.city_official)
    w = world["disaster"]
    response = city.post(
        reverse("disaster:campaign_create"),
        {"title": "地震", "areas": [w.ward.pk], "workers": [personas.office_a.pk]},
    )
    assert response.status_code == 302
    from tsunagu.disaster.models import Campaign

    campaign = Campaign.objects.get(title="地震")
    outputs = [
        reverse("disaster:register"),
        reverse("disaster:register_print"),
        reverse("disaster:campaign_check", args=[campaign.pk]),
        reverse("disaster:campaign_export", args=[campaign.pk]) + "?format=csv",
    ]
    for url in outputs:
        response = city.get(url)
        assert response.status_code == 200, url
        _assert_hidden(response.content, url)
    # The phone screen of a helper who records: its offline bundle (the list kept on the
    # device) holds no whereabouts either.
    helper_page = lead.get(reverse("disaster:campaign_check", args=[campaign.pk]))
    assert helper_page.status_code == 200
    assert "offline-data" in helper_page.content.decode()
    assert "隠田" in helper_page.content.decode()
    _assert_hidden(helper_page.content, "the helper's phone screen")
    text = helper_page.content.decode()
    start = text.index('id="offline-data"')
    start = text.index(">", start) + 1
    bundle = json.loads(text[start : text.index("</script>", start)])
    assert any(row["name"].startswith("隠田") for row in bundle["rows"])
    _assert_hidden(json.dumps(bundle, ensure_ascii=False), "the offline bundle")
    printed = city.get(reverse("disaster:register_print")).content.decode()
    assert "隠田" in printed
    assert "非表示（DV等支援措置）" in printed
    rows = city.get(
        f"/api/v1/disaster/campaigns/{campaign.pk}/rows", **api_headers(personas.city_official)
    )
    assert rows.status_code == 200
    shown = json.dumps(rows.json(), ensure_ascii=False)
    assert "隠田" in shown
    _assert_hidden(shown, "disaster API rows")
    # The disclosure copy (PDF as its HTML, the JSON and CSV in the ZIP).
    pages: list[str] = []

    def fake_render(html: str, *, css: str) -> bytes:
        pages.append(html)
        return b"%PDF-1.7 (test)"

    monkeypatch.setattr("tsunagu.disclosure.services.render_pdf", fake_render)
    copy = lead.post(
        reverse("disclosure:person_disclosure", args=[person.pk]),
        {"received_on": timezone.localdate().isoformat()},
    )
    assert copy.status_code == 200, copy.content[:300]
    archive = zipfile.ZipFile(io.BytesIO(copy.content))
    for name in archive.namelist():
        _assert_hidden(archive.read(name), f"disclosure {name}")
    assert pages
    assert "隠田" in pages[0]
    _assert_hidden(pages[0], "disclosure PDF")
    # FHIR: the Patient of a plan bundle.
    _assert_hidden(json.dumps(plan_fhir._patient(person), ensure_ascii=False), "FHIR Patient")


def test_banner_on_the_person_and_case_pages(personas, world, client_as):
    person, case = world["person"], world["case"]
    client = client_as(personas.colleague_a)
    for url in (
        reverse("people:person_detail", args=[person.pk]),
        reverse("people:person_edit", args=[person.pk]),
        reverse("cases:case_detail", args=[case.pk]),
        reverse("records:case_notes", args=[case.pk]),
        reverse("plans:plan_list", args=[case.pk]),
    ):
        assert BANNER in client.get(url).content.decode(), url


def test_only_the_named_worker_reveals_and_it_is_audited(personas, world, client_as, api_headers):
    person = world["person"]
    url = reverse("people:person_contact_reveal", args=[person.pk])
    # The named worker sees the button, never the address, until pressing it.
    lead = client_as(personas.counselor_a)
    page = lead.get(reverse("people:person_detail", args=[person.pk])).content.decode()
    assert "表示する" in page
    marker = _last_event_id()
    revealed = lead.post(url)
    assert revealed.status_code == 200
    assert ADDRESS in revealed.content.decode()
    assert PHONE in revealed.content.decode()
    assert "no-store" in revealed["Cache-Control"]
    event = AuditEvent.objects.get(
        pk__gt=marker, action=Action.RECORD_VIEWED, detail__contact_revealed=True
    )
    assert event.actor == personas.counselor_a
    # The next page is hidden again.
    _assert_hidden(lead.get(reverse("people:person_detail", args=[person.pk])).content, "after")
    # The API twin.
    marker = _last_event_id()
    answer = lead.post(
        f"/api/v1/persons/{person.pk}/contact/reveal", **api_headers(personas.counselor_a)
    )
    assert answer.status_code == 200
    assert answer.json()["address"] == ADDRESS
    assert AuditEvent.objects.filter(pk__gt=marker, detail__contact_revealed=True).exists()
    # A colleague of the same office, and the core center on the team: refused, audited.
    for user in (personas.colleague_a, personas.core_officer):
        client = client_as(user)
        page = client.get(reverse("people:person_detail", args=[person.pk])).content.decode()
        assert 'action="' + url not in page
        marker = _last_event_id()
        refused = client.post(url)
        assert refused.status_code == 403
        _assert_hidden(refused.content, f"refusal for {user}")
        assert AuditEvent.objects.filter(pk__gt=marker, outcome=Outcome.DENIED).exists()
        answer = client.post(f"/api/v1/persons/{person.pk}/contact/reveal", **api_headers(user))
        assert answer.status_code == 403
        _assert_hidden(answer.content, f"API refusal for {user}")


def test_outsider_gets_404(personas, world, client_as, api_headers):
    person = world["person"]
    outsider = client_as(personas.counselor_b)
    for url in (
        reverse("people:person_contact_reveal", args=[person.pk]),
        reverse("people:protection_edit", args=[person.pk]),
        reverse("people:protection_end", args=[person.pk]),
    ):
        assert outsider.get(url).status_code in (404, 405)
        assert outsider.post(url, {"reason": "x"}).status_code == 404
    headers = api_headers(personas.counselor_b)
    assert outsider.get(f"/api/v1/persons/{person.pk}/protection", **headers).status_code == 404
    for url in (
        f"/api/v1/persons/{person.pk}/contact/reveal",
        f"/api/v1/persons/{person.pk}/protection/end",
    ):
        response = outsider.post(url, {"reason": "x"}, content_type="application/json", **headers)
        assert response.status_code == 404
    big = 2**63
    assert outsider.get(f"/api/v1/persons/{big}/protection", **headers).status_code == 404


def test_the_duplicate_check_does_not_match_on_a_protected_phone(personas, world, client_as):
    """Registering someone else with the protected person's phone: no candidate is shown, no
    queue row is made: the phone tells nobody that it is hers."""
    from tsunagu.people.models import DuplicateCandidate
    from tsunagu.people.tests.conftest import person_form_data

    for user, kana in ((personas.colleague_a, "べつ"), (personas.counselor_b, "ほか")):
        response = client_as(user).post(
            reverse("people:person_create"),
            person_form_data(family_name_kana=kana, given_name_kana="ひと", phone=PHONE),
        )
        assert response.status_code == 302, user
    assert not DuplicateCandidate.objects.filter(match=world["person"]).exists()


def test_set_change_and_end_on_screens(personas, world, client_as):
    person = world["person"]
    lead = client_as(personas.counselor_a)
    form = lead.get(reverse("people:protection_edit", args=[person.pk]))
    assert form.status_code == 200
    marker = _last_event_id()
    response = lead.post(
        reverse("people:protection_edit", args=[person.pk]),
        {
            "basis": "worker_judgement",
            "decided_on": timezone.localdate().isoformat(),
            "reason": "加害者が所在を探している。",
            "review_on": (timezone.localdate() + dt.timedelta(days=90)).isoformat(),
            "workers": [personas.colleague_a.pk],
        },
    )
    assert response.status_code == 302
    current = AddressProtection.objects.active().get(person=person)
    assert {w.pk for w in current.workers.all()} == {
        personas.counselor_a.pk,
        personas.colleague_a.pk,
    }
    assert AuditEvent.objects.filter(pk__gt=marker, action=Action.RECORD_UPDATED).exists()
    # Bad input: Japanese messages, no 500.
    bad = lead.post(
        reverse("people:protection_edit", args=[person.pk]),
        {"basis": "x", "decided_on": "99999-01-01", "reason": "", "review_on": "あ"},
    )
    assert bad.status_code == 400
    assert "理由を入力してください。" in bad.content.decode()
    # Not named: the core center on the team may not change it.
    core = client_as(personas.core_officer)
    assert core.get(reverse("people:protection_edit", args=[person.pk])).status_code == 403
    # The end: whereabouts show again.
    assert (
        lead.post(reverse("people:protection_end", args=[person.pk]), {"reason": ""}).status_code
        == 400
    )
    response = lead.post(
        reverse("people:protection_end", args=[person.pk]), {"reason": "支援措置の期間が終了。"}
    )
    assert response.status_code == 302
    assert not AddressProtection.objects.active().filter(person=person).exists()
    page = core.get(reverse("people:person_detail", args=[person.pk])).content.decode()
    assert ADDRESS in page
    assert BANNER not in page


def test_only_the_lead_sets_it_and_only_the_named_change_contact(
    personas, world, api_headers, client
):
    person = world["person"]
    # The core center is on the team but does not lead: it may not set a new one either.
    protection.protection_end(actor_as(personas.counselor_a), person=person, reason="終了")
    headers = api_headers(personas.core_officer)
    body = {
        "basis": "resident_register",
        "decided_on": timezone.localdate().isoformat(),
        "reason": "支援措置",
        "review_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        "worker_ids": [],
    }
    url = f"/api/v1/persons/{person.pk}/protection"
    assert client.put(url, body, content_type="application/json", **headers).status_code == 403
    lead = api_headers(personas.counselor_a)
    response = client.put(url, body, content_type="application/json", **lead)
    assert response.status_code == 200
    assert response.json()["active"] is True
    assert response.json()["workers"]
    # A colleague who is not named may not overwrite the whereabouts blind.
    version = person.__class__.objects.get(pk=person.pk).version
    colleague = api_headers(personas.colleague_a)
    patch = client.patch(
        f"/api/v1/persons/{person.pk}",
        {"version": version, "address": "どこか"},
        content_type="application/json",
        **colleague,
    )
    assert patch.status_code == 403
    # Bad bodies: JSON errors.
    for bad in ("[]", '"x"', json.dumps({**body, "review_on": "99999-01-01"})):
        answer = client.put(url, bad, content_type="application/json", **lead)
        assert answer.status_code in (400, 422)
    # End through the API.
    ended = client.post(
        f"{url}/end", {"reason": "危険がなくなった"}, content_type="application/json", **lead
    )
    assert ended.status_code == 200
    assert ended.json()["active"] is False


# --- The address edited on screen by a named worker; reveals limited per hour -----------------

NEW_ADDRESS = "みどり市泉区あたらし町一丁目1番1号"
NEW_POSTAL = "981-1111"
NEW_PHONE = "090-1111-2222"


def _contact_form(person, **changes):
    fresh = person.__class__.objects.get(pk=person.pk)
    return {
        "version": fresh.version,
        "postal_code": NEW_POSTAL,
        "address": NEW_ADDRESS,
        "phone": NEW_PHONE,
        **changes,
    }


def test_the_named_worker_changes_the_contact_on_screen(personas, world, client_as):
    person = world["person"]
    lead = client_as(personas.counselor_a)
    edit_url = reverse("people:person_contact_edit", args=[person.pk])
    # Not on the person page: the form is reached from the reveal.
    assert (
        edit_url not in lead.get(reverse("people:person_detail", args=[person.pk])).content.decode()
    )
    revealed = lead.post(reverse("people:person_contact_reveal", args=[person.pk]))
    assert edit_url in revealed.content.decode()
    # Opening the form shows the current values: a reveal, audited, never cached.
    marker = _last_event_id()
    form = lead.get(edit_url)
    assert form.status_code == 200
    assert "no-store" in form["Cache-Control"]
    for value in SHOWN:
        assert value in form.content.decode()
    assert "開いたことは監査ログに記録しました" in form.content.decode()
    assert AuditEvent.objects.filter(
        pk__gt=marker, actor=personas.counselor_a, detail__contact_revealed=True
    ).exists()
    # Saving goes through person_update, audited like the API PATCH (the fields, not values).
    marker = _last_event_id()
    saved = lead.post(edit_url, _contact_form(person, birth_date="1950-01-01"))
    assert saved.status_code == 302
    assert saved["Location"] == reverse("people:person_detail", args=[person.pk])
    person.refresh_from_db()
    assert (person.postal_code, person.address, person.phone) == (
        NEW_POSTAL,
        NEW_ADDRESS,
        NEW_PHONE,
    )
    assert person.birth_date == dt.date(1990, 3, 3)  # only the contact is on this form
    event = AuditEvent.objects.get(pk__gt=marker, action=Action.RECORD_UPDATED)
    assert event.actor == personas.counselor_a
    assert NEW_ADDRESS not in json.dumps(event.detail, ensure_ascii=False)
    # Still hidden everywhere else, the new values included.
    page = lead.get(reverse("people:person_detail", args=[person.pk])).content.decode()
    assert BANNER in page
    for value in (NEW_ADDRESS, NEW_POSTAL, NEW_PHONE):
        assert value not in page


def test_only_the_named_worker_opens_the_contact_form(personas, world, client_as):
    person = world["person"]
    url = reverse("people:person_contact_edit", args=[person.pk])
    for user in (personas.colleague_a, personas.reader_a, personas.core_officer):
        client = client_as(user)
        for method in ("get", "post"):
            marker = _last_event_id()
            response = getattr(client, method)(url, _contact_form(person))
            assert response.status_code == 403, (user, method)
            _assert_hidden(response.content, f"contact form refused to {user}")
            assert AuditEvent.objects.filter(pk__gt=marker, outcome=Outcome.DENIED).exists()
    person.refresh_from_db()
    assert person.address == ADDRESS
    # The outsider: the audited 404 of every object URL.
    outsider = client_as(personas.counselor_b)
    marker = _last_event_id()
    assert outsider.get(url).status_code == 404
    assert outsider.post(url, _contact_form(person)).status_code == 404
    assert AuditEvent.objects.filter(pk__gt=marker, outcome=Outcome.DENIED).exists()
    assert outsider.get(reverse("people:person_contact_edit", args=[2**62])).status_code == 404


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"postal_code": "abc"}, "郵便番号は 123-4567 の形で入力してください。"),
        ({"phone": "12"}, "電話番号は 10〜11 桁の数字で入力してください（ハイフン可）。"),
        ({"address": "長" * 201}, "住所"),
        ({"version": "99999-01-01"}, ""),
    ],
)
def test_bad_contact_input_is_a_message(personas, world, client_as, changes, message):
    person = world["person"]
    response = client_as(personas.counselor_a).post(
        reverse("people:person_contact_edit", args=[person.pk]), _contact_form(person, **changes)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    person.refresh_from_db()
    assert person.address == ADDRESS


def test_a_lone_surrogate_or_a_stale_version_is_not_a_500(personas, world, client_as, api_headers):
    person = world["person"]
    lead = client_as(personas.counselor_a)
    url = reverse("people:person_contact_edit", args=[person.pk])
    stale = lead.post(url, _contact_form(person, version=person.version - 1))
    assert stale.status_code == 409
    person.refresh_from_db()
    assert person.address == ADDRESS
    # A lone surrogate in the API's JSON: refused as the API refuses it everywhere.
    answer = lead.patch(
        f"/api/v1/persons/{person.pk}",
        '{"version": ' + str(person.version) + ', "address": "\\ud800"}',
        content_type="application/json",
        **api_headers(personas.counselor_a),
    )
    assert answer.status_code == 400
    assert "error" in answer.json()
    # A lone surrogate's bytes in the form: Django reads them as replacement characters (sent
    # as a raw body: the test client cannot build them), so the text kept is one any database
    # stores.
    response = lead.post(
        url,
        f"version={person.version}&address=%ED%A0%80&phone={NEW_PHONE}",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 302
    person.refresh_from_db()
    person.address.encode("utf-8")
    assert person.phone == NEW_PHONE


def test_reveals_are_limited_per_worker_and_hour(
    personas, world, client_as, api_headers, settings, monkeypatch
):
    settings.CONTACT_REVEALS_PER_HOUR = 2
    person = world["person"]
    lead = client_as(personas.counselor_a)
    reveal = reverse("people:person_contact_reveal", args=[person.pk])
    api = f"/api/v1/persons/{person.pk}/contact/reveal"
    headers = api_headers(personas.counselor_a)
    # The screen and the API count together.
    assert lead.post(reveal).status_code == 200
    assert lead.post(api, **headers).status_code == 200
    marker = _last_event_id()
    refused = lead.post(reveal)
    assert refused.status_code == 403
    assert "住所等の表示は1時間に2回までです" in refused.content.decode()
    _assert_hidden(refused.content, "the refusal of a reveal past the limit")
    denial = AuditEvent.objects.get(pk__gt=marker, outcome=Outcome.DENIED)
    assert denial.detail["reason"] == "contact reveal: limit"
    answer = lead.post(api, **headers)
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "contact_reveal_limit"
    # The contact form shows the values too: the same limit.
    form = lead.get(reverse("people:person_contact_edit", args=[person.pk]))
    assert form.status_code == 403
    _assert_hidden(form.content, "the contact form past the limit")
    # Another worker's reveals are their own: the limit is per worker.
    assert protection.reveals_in_the_last_hour(personas.colleague_a) == 0
    # An hour later the worker may reveal again.
    later = timezone.now() + dt.timedelta(minutes=61)

    class _AnHourLater:
        @staticmethod
        def now() -> dt.datetime:
            return later

    monkeypatch.setattr(protection, "timezone", _AnHourLater)
    assert lead.post(reveal).status_code == 200
