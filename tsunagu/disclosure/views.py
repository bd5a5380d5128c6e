"""Printed records and the disclosure export (documents.py says who may do what and why).

Prints answer a PDF download and write one audit row each instead of the plain `record.viewed`
row of the page; the disclosure screen is the one form loop (core/screens.py) whose success is
the ZIP itself.  Every answer carries `Cache-Control: no-store` and an RFC 5987 file name.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from tsunagu.cases.access import access_case
from tsunagu.core.http import TsunaguRequest, download
from tsunagu.core.screens import errors_as_pages, form_page, posted
from tsunagu.disclosure import documents, services
from tsunagu.disclosure.forms import DisclosureForm
from tsunagu.plans.printing import PdfUnavailable, render_pdf

PDF_CONTENT_TYPE = "application/pdf"
ZIP_CONTENT_TYPE = "application/zip"


def _pdf_unavailable(request: TsunaguRequest, *, back: str) -> HttpResponse:
    return render(request, "disclosure/pages/pdf_unavailable.html", {"back": back}, status=503)


@require_GET
@errors_as_pages()
def note_pdf(request: TsunaguRequest, note_id: int) -> HttpResponse:
    actor = request.actor
    note = documents.note_for_print(actor, note_id)
    html = render_to_string(
        "disclosure/print/note.html",
        {"note": note, "organization": actor.organization, "printed_at": timezone.now()},
    )
    try:
        pdf = render_pdf(html, css=services.PRINT_CSS)
    except PdfUnavailable:
        return _pdf_unavailable(request, back=reverse("records:case_notes", args=[note.case_id]))
    documents.record_print(actor, target=note, event="note.printed", case=note.case)
    stamp = timezone.localtime(note.occurred_at)
    return download(
        pdf, filename=f"支援経過記録_{stamp:%Y%m%d_%H%M}.pdf", content_type=PDF_CONTENT_TYPE
    )


@require_GET
@errors_as_pages()
def case_summary_pdf(request: TsunaguRequest, case_id: int) -> HttpResponse:
    actor = request.actor
    case = access_case(actor, case_id, audit_read=False)
    summary = documents.case_summary(actor, case)
    html = render_to_string(
        "disclosure/print/case_summary.html",
        {"summary": summary, "organization": actor.organization},
    )
    try:
        pdf = render_pdf(html, css=services.PRINT_CSS)
    except PdfUnavailable:
        return _pdf_unavailable(request, back=reverse("cases:case_detail", args=[case.pk]))
    documents.record_print(actor, target=case, event="case.summary_printed", case=case)
    day = timezone.localdate()
    return download(
        pdf, filename=f"ケース概要_{case.pk}_{day:%Y%m%d}.pdf", content_type=PDF_CONTENT_TYPE
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages()
def disclosure(request: TsunaguRequest, person_id: int) -> HttpResponse:
    actor = request.actor
    person = documents.person_for_disclosure(actor, person_id, for_answer=True)
    form = DisclosureForm(
        posted(request), restricted=documents.restricted_for_review(actor, person)
    )

    def shown() -> dict[str, Any]:
        # The page shows the restricted notes' text: a read of the person's record.
        documents.record_review_shown(actor, person)
        return {"person": person, "organization": actor.organization}

    try:
        return form_page(
            request,
            form,
            "disclosure/pages/disclosure_form.html",
            save=lambda data: services.disclosure_export(
                actor, person=person, received_on=data["received_on"], decisions=form.decisions()
            ),
            done=lambda export: download(
                export.content, filename=export.filename, content_type=ZIP_CONTENT_TYPE
            ),
            context=shown,
            back=reverse("people:person_detail", args=[person.pk]),
        )
    except PdfUnavailable:
        return _pdf_unavailable(request, back=reverse("people:person_detail", args=[person.pk]))
