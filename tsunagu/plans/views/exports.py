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


def _document(
    request: TsunaguRequest, target: SupportPlan | Monitoring, doc: Any, fmt: str
) -> HttpResponse:
    """`doc` as its printed form ("pdf") or its workbook ("xlsx"), each named after the
    target's kind; or the page saying this server cannot print, with the xlsx and the way back
    (503)."""
    kind = "plan" if isinstance(target, SupportPlan) else "monitoring"
    if fmt == "pdf":
        try:
            content = render_pdf(render_to_string(f"plans/print/{kind}.html", {"doc": doc}))
        except PdfUnavailable:
            return pdf_unavailable(
                request,
                xlsx_url=reverse(f"plans:{kind}_xlsx", args=[target.pk]),
                back=reverse(f"plans:{kind}_detail", args=[target.pk]),
            )
        content_type = PDF_CONTENT_TYPE
    else:
        from tsunagu.plans import workbooks  # openpyxl: ADR 0007

        workbook = workbooks.plan_workbook if kind == "plan" else workbooks.monitoring_workbook
        content = workbook(doc)
        content_type = workbooks.XLSX_CONTENT_TYPE
    documents.record_export(request.actor, target=target, event=f"{kind}.exported", fmt=fmt)
    return download(content, filename=f"{doc.filename_stem}.{fmt}", content_type=content_type)


@screen("GET")
def plan_pdf(request: TsunaguRequest, plan_id: int) -> HttpResponse:
    plan = documents.plan_for_export(request.actor, plan_id)
    return _document(request, plan, documents.plan_document(plan), "pdf")


@screen("GET")
def plan_xlsx(request: TsunaguRequest, plan_id: int) -> HttpResponse:
    plan = documents.plan_for_export(request.actor, plan_id)
    return _document(request, plan, documents.plan_document(plan), "xlsx")


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
    return _document(request, monitoring, documents.monitoring_document(monitoring), "pdf")


@screen("GET")
def monitoring_xlsx(request: TsunaguRequest, monitoring_id: int) -> HttpResponse:
    monitoring = documents.monitoring_for_export(request.actor, monitoring_id)
    return _document(request, monitoring, documents.monitoring_document(monitoring), "xlsx")
