"""Making the disclosure export: gather (documents.py), print, pack (archive.py), audit."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from tsunagu.core.actor import Actor
from tsunagu.disclosure import documents
from tsunagu.disclosure.archive import build_zip
from tsunagu.people.models import Person
from tsunagu.plans.printing import render_pdf

PRINT_CSS = "disclosure/print/print.css"


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: bytes


def disclosure_pdf(disclosure: documents.Disclosure) -> bytes:
    html = render_to_string("disclosure/print/disclosure.html", {"doc": disclosure})
    return render_pdf(html, css=PRINT_CSS)


def disclosure_export(
    actor: Actor,
    *,
    person: Person,
    received_on: dt.date,
    decisions: Mapping[int, documents.NoteDecision],
) -> ExportFile:
    """The ZIP answering the person's request, with its two audit rows written together.

    `person` comes from `documents.person_for_disclosure(..., for_answer=True)`.  Raises
    Invalid when the restricted notes changed since the review, PdfUnavailable when the
    server cannot print (nothing is recorded then: nothing left the system)."""
    disclosure = documents.disclosure_gather(
        actor, person=person, received_on=received_on, decisions=decisions
    )
    content = build_zip(disclosure, pdf=disclosure_pdf(disclosure))
    day = timezone.localdate(disclosure.made_at)
    filename = f"開示記録_{person.pk}_{day:%Y%m%d}.zip"
    with transaction.atomic():
        documents.record_disclosure(
            actor,
            disclosure,
            decisions=decisions,
            filename=filename,
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
        )
    return ExportFile(filename=filename, content=content)
