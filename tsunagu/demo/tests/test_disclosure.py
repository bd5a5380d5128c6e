"""Issue 16 item 10, on the demo city: a disclosure export for a demo person contains every
record about them that the requesting office holds, and the export is in the audit log."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.db.models import Count, Q
from django.utils import timezone
from pypdf import PdfReader

from tsunagu.accounts.models import User
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.models import Case, Consultation
from tsunagu.organizations.models import Organization
from tsunagu.people.models import Consent, Person
from tsunagu.plans.models import SupportPlan
from tsunagu.records.models import Formulation, ProgressNote

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_city, db, settings) -> str:
    settings.DEMO_MODE = True
    return demo_city


def _demo_person(office: Organization) -> Person:
    """The person of the office's cases with the most notes, preferring one with a restricted
    note of the office's own (so the reviewer's step is exercised on the demo data)."""
    led = Person.objects.filter(cases__lead_organization=office).annotate(
        own_restricted=Count(
            "cases__notes",
            filter=Q(cases__notes__is_restricted=True, cases__notes__author_organization=office),
        ),
        note_count=Count("cases__notes"),
    )
    person = led.order_by("-own_restricted", "-note_count", "pk").first()
    assert person is not None
    return person


def test_the_export_of_a_demo_person_holds_every_record_the_office_holds(demo, client_as):
    office = Organization.objects.get(code="office-aoba")
    user = User.objects.get(username="office_a1")
    person = _demo_person(office)
    # What office A holds, counted here from the tables (not through the export's selectors):
    # the cases about the person that it leads (it is on no other team of theirs in the demo)
    # with every note but another organization's restricted ones.
    cases = Case.objects.filter(person=person, lead_organization=office)
    assert cases.exists()
    notes = ProgressNote.objects.filter(case__in=cases).exclude(
        Q(is_restricted=True) & ~Q(author_organization=office)
    )
    own_restricted = list(notes.filter(is_restricted=True).order_by("pk"))
    assert own_restricted  # the demo gives office A restricted notes of its own
    withheld = own_restricted[:1]
    client = client_as(user)
    review = client.get(f"/disclosure/people/{person.pk}/")
    assert review.status_code == 200
    data = {"received_on": timezone.localdate().isoformat()}
    for note in own_restricted:
        data[f"decision_{note.pk}"] = "disclose"
    for note in withheld:
        data.update(
            {
                f"decision_{note.pk}": "withhold",
                f"ground_{note.pk}": "harm",
                f"reason_{note.pk}": "第三者の情報を含むため。",
            }
        )
    response = client.post(f"/disclosure/people/{person.pk}/", data)
    assert response.status_code == 200, response.content.decode()[:3000]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    records = json.loads(archive.read("records.json"))

    expected_notes = set(notes.values_list("pk", flat=True)) - {n.pk for n in withheld}
    assert {n["id"] for n in records["notes"]} >= expected_notes
    own_case_notes = {
        n["id"] for n in records["notes"] if n["case"] in set(cases.values_list("pk", flat=True))
    }
    assert own_case_notes == expected_notes
    assert {c["id"] for c in records["cases"]} >= set(cases.values_list("pk", flat=True))
    assert {f["id"] for f in records["formulations"]} >= set(
        Formulation.objects.filter(case__in=cases).values_list("pk", flat=True)
    )
    assert {p["id"] for p in records["plans"]} >= set(
        SupportPlan.objects.filter(case__in=cases).values_list("pk", flat=True)
    )
    assert {c["id"] for c in records["consultations"]} >= set(
        Consultation.objects.filter(organization=office, person=person).values_list("pk", flat=True)
    )
    assert {c["id"] for c in records["consents"]} == set(
        Consent.objects.filter(person=person).values_list("pk", flat=True)
    )
    # Nobody else's: every case is the person's own or their household's.
    households = set(person.household_memberships.values_list("household_id", flat=True))
    for case in records["cases"]:
        assert case["person"] == person.pk or case["household"] in households
    assert [p["id"] for p in records["person"]] == [person.pk]
    manifest = json.loads(archive.read("manifest.json"))
    assert [w["id"] for w in manifest["withheld_notes"]] == [n.pk for n in withheld]

    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(archive.read("開示記録.pdf"))).pages
    )
    assert "保有個人データの開示" in text
    assert person.family_name in text

    [exported] = AuditEvent.objects.filter(
        action=Action.RECORD_VIEWED, detail__event="person.disclosure_exported"
    )
    assert exported.person_ids == [person.pk]
    assert exported.actor == user
    assert exported.organization == office
    assert exported.detail["counts"]["notes"] == len(records["notes"])
    assert exported.detail["counts"]["withheld_notes"] == len(withheld)
    assert AuditEvent.objects.filter(
        action=Action.RECORD_VIEWED,
        detail__event="person.disclosure_downloaded",
        person_ids=[person.pk],
    ).exists()
