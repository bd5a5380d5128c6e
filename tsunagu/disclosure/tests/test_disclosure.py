"""The disclosure export (個人情報保護法 第33条): who may run it, what it holds, how the
organization's own restricted notes are decided, and the audit rows.

Most tests replace the PDF renderer by one that keeps the HTML it was given (WeasyPrint takes
seconds a document); the PDF's HTML is then checked as the person would read it.  One test
renders the real PDF and reads its text back."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader

from tsunagu.audit.models import Action, AuditEvent, Outcome
from tsunagu.cases.models import BreakGlassAccess
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.people.tests.factories import HouseholdFactory, HouseholdMemberFactory
from tsunagu.plans.printing import PdfUnavailable
from tsunagu.records.models import NoteAttachment
from tsunagu.records.tests.factories import ProgressNoteFactory, minimal_png

pytestmark = pytest.mark.django_db

WITHHOLD_REASON = "第三者（兄）から本人に伝えないよう求められた情報のため。"


@pytest.fixture
def printed(monkeypatch) -> list[str]:
    """The HTML of every disclosure PDF, instead of the PDF."""
    pages: list[str] = []

    def fake_render(html: str, *, css: str) -> bytes:
        pages.append(html)
        return b"%PDF-1.7 (test)"

    monkeypatch.setattr("tsunagu.disclosure.services.render_pdf", fake_render)
    return pages


def _url(person_id: object) -> str:
    return f"/disclosure/people/{person_id}/"


def _post(client, world, **fields: Any):
    data = {"received_on": timezone.localdate().isoformat(), **fields}
    return client.post(_url(world.person.pk), data)


def _withhold(world) -> dict[str, str]:
    return {
        f"decision_{world.restricted.pk}": "withhold",
        f"ground_{world.restricted.pk}": "harm",
        f"reason_{world.restricted.pk}": WITHHOLD_REASON,
    }


def _files(response) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {name: archive.read(name) for name in archive.namelist()}


def _events(event: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(action=Action.RECORD_VIEWED, detail__event=event).order_by("pk")
    )


# --- Who may run it -----------------------------------------------------------------------


def test_the_review_screen_lists_only_the_offices_own_restricted_notes(personas, world, client_as):
    response = client_as(personas.counselor_a).get(_url(world.person.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "開示請求への対応" in page
    assert world.restricted.text in page
    assert world.core_restricted.text not in page  # the core center's to decide
    [read] = AuditEvent.objects.filter(action=Action.RECORDS_LISTED)
    assert read.detail["view"] == "disclosure.review"
    assert read.person_ids == [world.person.pk]


def test_the_person_page_links_to_the_disclosure_screen(personas, world, client_as):
    page = client_as(personas.counselor_a).get(f"/people/{world.person.pk}/").content.decode()
    assert _url(world.person.pk) in page


def test_outsider_gets_404_and_the_refusal_is_audited(personas, world, client_as, printed):
    client = client_as(personas.counselor_b)
    for person_id in (world.person.pk, 2**63, 99999999):
        assert client.get(_url(person_id)).status_code == 404
    assert _post(client, world, **_withhold(world)).status_code == 404
    assert not printed
    assert not _events("person.disclosure_exported")
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, target_type="people.person", target_id=str(world.person.pk)
    ).exists()


def test_the_city_which_cannot_see_the_person_gets_404(personas, world, client_as):
    assert client_as(personas.city_official).get(_url(world.person.pk)).status_code == 404


def test_a_read_only_member_is_refused(personas, world, client_as, printed):
    response = client_as(personas.reader_a).get(_url(world.person.pk))
    assert response.status_code == 403
    assert "閲覧のみ" in response.content.decode()
    assert _post(client_as(personas.reader_a), world, **_withhold(world)).status_code == 403
    assert not printed


def test_break_glass_does_not_make_a_holder(personas, world, client_as):
    BreakGlassAccess.objects.create(
        person=world.person,
        user=personas.counselor_b,
        organization=personas.office_b,
        reason="夜間に本人が行方不明と通報があったため",
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    assert client_as(personas.counselor_b).get(_url(world.person.pk)).status_code == 404


def test_the_core_center_on_the_team_answers_for_what_it_holds(personas, world, client_as, printed):
    response = _post(
        client_as(personas.core_officer),
        world,
        **{
            f"decision_{world.core_restricted.pk}": "disclose",
        },
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    records = json.loads(_files(response)["records.json"])
    note_ids = {n["id"] for n in records["notes"]}
    # Its own restricted note (disclosed by its reviewer) and office A's open note; never
    # office A's restricted note, which it cannot see and is not its to answer for.
    assert note_ids == {world.note.pk, world.core_restricted.pk}


# --- The reviewer's decisions ---------------------------------------------------------------


def test_every_own_restricted_note_needs_a_decision(personas, world, client_as, printed):
    client = client_as(personas.counselor_a)
    response = _post(client, world)
    assert response.status_code == 400
    assert "開示するか、開示しないかを選んでください。" in response.content.decode()
    response = _post(client, world, **{f"decision_{world.restricted.pk}": "withhold"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "開示しない根拠を選んでください。" in page
    assert "開示しない理由を入力してください。" in page
    assert not printed
    assert not _events("person.disclosure_exported")


@pytest.mark.parametrize(
    "received_on", ["99999-01-01", "1800-01-01", "2026-13-01", "あした", "ｱｼﾀ", ""]
)
def test_a_bad_date_is_a_message_not_an_error(personas, world, client_as, printed, received_on):
    response = _post(
        client_as(personas.counselor_a), world, received_on=received_on, **_withhold(world)
    )
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    assert not printed


def test_a_withheld_note_is_listed_with_its_reason_but_not_its_text(
    personas, world, client_as, printed
):
    response = _post(client_as(personas.counselor_a), world, **_withhold(world))
    assert response.status_code == 200
    files = _files(response)
    everything = b"".join(files.values()).decode("utf-8", errors="ignore") + printed[0]
    assert world.restricted.text not in everything
    assert world.core_restricted.text not in everything  # another organization's
    assert WITHHOLD_REASON in printed[0]
    assert "第1号" in printed[0]
    manifest = json.loads(files["manifest.json"])
    assert [w["id"] for w in manifest["withheld_notes"]] == [world.restricted.pk]
    assert manifest["withheld_notes"][0]["reason"] == WITHHOLD_REASON


def test_a_disclosed_restricted_note_is_in_the_export(personas, world, client_as, printed):
    response = _post(
        client_as(personas.counselor_a), world, **{f"decision_{world.restricted.pk}": "disclose"}
    )
    assert response.status_code == 200
    records = json.loads(_files(response)["records.json"])
    assert world.restricted.pk in {n["id"] for n in records["notes"]}
    assert world.restricted.text in printed[0]
    assert world.core_restricted.text not in printed[0]


# --- What it holds and the audit -------------------------------------------------------------


def test_the_export_holds_every_record_and_never_a_second_persons(
    personas, world, client_as, printed
):
    client = client_as(personas.counselor_a)
    client.post(
        f"/records/cases/{world.case.pk}/notes/new/",
        {
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "kind": "home_visit",
            "text": "写真を添付。",
            "attachments": [SimpleUploadedFile("部屋.png", minimal_png())],
        },
    )
    attachment = NoteAttachment.objects.get()
    response = _post(client, world, **_withhold(world))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    files = _files(response)
    assert {"開示記録.pdf", "manifest.json", "records.json", "csv/notes.csv"} <= set(files)
    assert files[f"attachments/{attachment.pk}_部屋.png"] == minimal_png()
    records = json.loads(files["records.json"])
    assert [p["id"] for p in records["person"]] == [world.person.pk]
    assert [c["id"] for c in records["cases"]] == [world.case.pk]
    assert {n["id"] for n in records["notes"]} == {world.note.pk, attachment.note_id}
    assert len(records["formulations"]) == 1
    assert [a["id"] for a in records["attachments"]] == [attachment.pk]
    assert "file" not in records["attachments"][0]  # the stored name stays inside
    csv_notes = files["csv/notes.csv"].decode("utf-8-sig")
    assert world.note.text in csv_notes
    everything = b"".join(files.values()).decode("utf-8", errors="ignore") + printed[0]
    # The second person's case and note (not the family name alone: a generated staff name
    # may share it).
    for text in ("鈴木一郎さんの支援", world.second_note.text):
        assert text not in everything
    people = {r.get("person") for section in records.values() for r in section}
    assert world.second.pk not in people
    assert world.person.display_name in printed[0]


def test_the_export_and_the_download_are_in_the_audit_log(personas, world, client_as, printed):
    response = _post(client_as(personas.counselor_a), world, **_withhold(world))
    assert response.status_code == 200
    [exported] = _events("person.disclosure_exported")
    [downloaded] = _events("person.disclosure_downloaded")
    for row in (exported, downloaded):
        assert (row.target_type, row.target_id) == ("people.person", str(world.person.pk))
        assert row.person_ids == [world.person.pk]
        assert row.actor == personas.counselor_a
        assert row.organization == personas.office_a
        assert row.outcome == Outcome.SUCCESS
    counts = exported.detail["counts"]
    expected = {"person": 1, "cases": 1, "notes": 1, "withheld_notes": 1, "formulations": 1}
    assert {key: counts[key] for key in expected} == expected
    assert exported.detail["restricted_notes"] == [
        {
            "note": world.restricted.pk,
            "decision": "withhold",
            "ground": "harm",
            "reason": WITHHOLD_REASON,
        }
    ]
    assert downloaded.detail["sha256"] == hashlib.sha256(response.content).hexdigest()
    assert downloaded.detail["bytes"] == len(response.content)


def test_a_household_case_is_the_members_but_another_members_own_case_is_not(
    personas, world, client_as, printed
):
    household = HouseholdFactory.create(registered_by_organization=personas.office_a)
    HouseholdMemberFactory.create(household=household, person=world.person)
    HouseholdMemberFactory.create(household=household, person=world.second)
    household_case = CaseFactory.create(
        person=None,
        household=household,
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
    )
    household_note = ProgressNoteFactory.create(case=household_case, author=personas.counselor_a)
    response = _post(client_as(personas.counselor_a), world, **_withhold(world))
    records = json.loads(_files(response)["records.json"])
    assert household_case.pk in {c["id"] for c in records["cases"]}
    note_ids = {n["id"] for n in records["notes"]}
    assert household_note.pk in note_ids
    assert world.second_note.pk not in note_ids
    memberships = records["household_memberships"]
    assert {m["person"] for m in memberships} == {world.person.pk}


def test_the_real_pdf_is_japanese_text_the_person_can_read(personas, world, client_as):
    response = _post(client_as(personas.counselor_a), world, **_withhold(world))
    assert response.status_code == 200
    pdf = PdfReader(io.BytesIO(_files(response)["開示記録.pdf"]))
    text = "".join(page.extract_text() for page in pdf.pages)
    for expected in ("保有個人データの開示", "佐藤", "作業所に通いたい", "開示しない記録"):
        assert expected in text
    assert "兄から電話" not in text


def test_without_weasyprint_the_screen_says_so_and_nothing_is_recorded(
    personas, world, client_as, monkeypatch
):
    def unavailable(html: str, *, css: str) -> bytes:
        raise PdfUnavailable("libpango not found")

    monkeypatch.setattr("tsunagu.disclosure.services.render_pdf", unavailable)
    response = _post(client_as(personas.counselor_a), world, **_withhold(world))
    assert response.status_code == 503
    assert "PDFを作成できません" in response.content.decode()
    assert not _events("person.disclosure_exported")
    assert not _events("person.disclosure_downloaded")
