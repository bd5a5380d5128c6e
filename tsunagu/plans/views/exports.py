"""Downloads of a plan and of a monitoring report: PDF (the printed forms), xlsx, FHIR R4.

Each fetches through tsunagu/plans/documents.py (404 for missing and not-yours alike), writes
one audit row for the export, and answers with `Cache-Control: no-store` and an RFC 5987 file
name so that Japanese names survive the download.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse

from tsunagu.core.errors import Invalid
from tsunagu.core.http import TsunaguRequest, download
from tsunagu.core.screens import pdf_unavailable, screen
from tsunagu.plans import documents, fhir
from tsunagu.plans.models import Monitoring, SupportPlan
from tsunagu.plans.printing import PdfUnavailable, render_pdf

PDF_CONTENT_TYPE = "application/pdf"
FHIR_CONTENT_TYPE = "application/fhir+json"


def _pdf(
    request: TsunaguRequest, target: SupportPlan | Monitoring, doc: Any, *, page: str, xlsx: str
) -> HttpResponse:
    """The printed form of `doc` (its template named after the target's kind), or the page
    saying this server cannot print, with the xlsx and the way back (503)."""
    kind = "plan" if isinstance(target, SupportPlan) else "monitoring"
    html = render_to_string(f"plans/print/{kind}.html", {"doc": doc})
    try:
        pdf = render_pdf(html)
    except PdfUnavailable:
        return pdf_unavailable(
            request,
            xlsx_url=reverse(xlsx, args=[target.pk]),
            back=reverse(page, args=[target.pk]),
        )
    documents.record_export(request.actor, target=target, event=f"{kind}.exported", fmt="pdf")
    return download(pdf, filename=f"{doc.filename_stem}.pdf", content_type=PDF_CONTENT_TYPE)


@screen("GET")
def plan_pdf(request: TsunaguRequest, plan_id: int) -> HttpResponse:
    plan = documents.plan_for_export(request.actor, plan_id)
    doc = documents.plan_document(plan)
    return _pdf(request, plan, doc, page="plans:plan_detail", xlsx="plans:plan_xlsx")


@screen("GET")
def plan_xlsx(request: TsunaguRequest, plan_id: int) -> HttpResponse:
    plan = documents.plan_for_export(request.actor, plan_id)
    doc = documents.plan_document(plan)
    from tsunagu.plans.workbooks import XLSX_CONTENT_TYPE, plan_workbook  # openpyxl: ADR 0007

    content = plan_workbook(doc)
    documents.record_export(request.actor, target=plan, event="plan.exported", fmt="xlsx")
    return download(content, filename=f"{doc.filename_stem}.xlsx", content_type=XLSX_CONTENT_TYPE)


@screen("GET")
def plan_fhir(request: TsunaguRequest, plan_id: int) -> HttpResponse:
    plan = documents.plan_for_export(request.actor, plan_id)
    try:
        bundle = fhir.plan_bundle(plan)
    except Invalid as exc:
        return render(
            request,
            "plans/print/unavailable_fhir.html",
            {"message": exc.message, "back": reverse("plans:plan_detail", args=[plan.pk])},
            status=422,
        )
    documents.record_export(request.actor, target=plan, event="plan.exported", fmt="fhir")
    stem = documents.plan_document(plan).filename_stem
    return download(
        json.dumps(bundle, ensure_ascii=False, indent=2).encode(),
        filename=f"{stem}.fhir.json",
        content_type=FHIR_CONTENT_TYPE,
    )


@screen("GET")
def monitoring_pdf(request: TsunaguRequest, monitoring_id: int) -> HttpResponse:
    monitoring = documents.monitoring_for_export(request.actor, monitoring_id)
    doc = documents.monitoring_document(monitoring)
    page, xlsx = "plans:monitoring_detail", "plans:monitoring_xlsx"
    return _pdf(request, monitoring, doc, page=page, xlsx=xlsx)


@screen("GET")
def monitoring_xlsx(request: TsunaguRequest, monitoring_id: int) -> HttpResponse:
    monitoring = documents.monitoring_for_export(request.actor, monitoring_id)
    doc = documents.monitoring_document(monitoring)
    from tsunagu.plans.workbooks import XLSX_CONTENT_TYPE, monitoring_workbook  # ADR 0007

    content = monitoring_workbook(doc)
    documents.record_export(
        request.actor, target=monitoring, event="monitoring.exported", fmt="xlsx"
    )
    return download(content, filename=f"{doc.filename_stem}.xlsx", content_type=XLSX_CONTENT_TYPE)
