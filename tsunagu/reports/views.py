"""Screens of the annual activity report: the centers and years, one report (its sections,
its generations), the sections' form, a generation's progress and its downloads."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tsunagu.audit import services as audit
from tsunagu.core.dates import fiscal_year, fiscal_year_label
from tsunagu.core.errors import Invalid
from tsunagu.core.http import TsunaguRequest, download
from tsunagu.core.screens import action, errors_as_pages, form_page, posted
from tsunagu.reports import access, annual, services
from tsunagu.reports.figures import check_year, report_years
from tsunagu.reports.forms import AnnualReportForm
from tsunagu.reports.models import CONTENT_TYPES, ReportJob

# While a job is queued or running its page reloads itself (a <meta refresh>: no script).
REFRESH_SECONDS = 3


def _bad_year(request: TsunaguRequest, exc: Invalid, organization_id: int) -> HttpResponse:
    years = report_years()
    context = {
        "message": exc.message,
        "organization_id": organization_id,
        "years": [(y, fiscal_year_label(y)) for y in years],
    }
    return render(request, "reports/pages/bad_year.html", context, status=400)


@require_GET
def index(request: TsunaguRequest) -> HttpResponse:
    """What the reports app offers this actor: the annual reports of the centers it sees (the
    newest year of each, at hand) and the documents made for them lately.  Others: the same
    audited 404 as every report page."""
    actor = request.actor
    if not access.may_view(actor):
        audit.record_denial(actor, target_type="view", target_id="reports", reason="no role")
        raise Http404
    newest = report_years()[0]
    recent = (
        access.jobs_visible_to(actor)
        .select_related("organization")
        .prefetch_related("files")
        .order_by("-created_at", "-pk")[:5]
    )
    context = {
        "centers": list(access.centers_visible_to(actor).order_by("name")),
        "newest": newest,
        "newest_label": fiscal_year_label(newest),
        "recent": list(recent),
    }
    return render(request, "reports/pages/index.html", context)


@require_GET
def annual_index(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    if not access.may_view(actor):
        audit.record_denial(actor, target_type="view", target_id="annual_reports", reason="no role")
        raise Http404
    years = [(y, fiscal_year_label(y)) for y in report_years()]
    context = {"centers": list(access.centers_visible_to(actor).order_by("name")), "years": years}
    return render(request, "reports/pages/annual_index.html", context)


@require_GET
@errors_as_pages(back="reports:annual_index")
def annual_detail(request: TsunaguRequest, organization_id: int, year: int) -> HttpResponse:
    actor = request.actor
    center = access.access_center(actor, organization_id)
    try:
        check_year(year)
    except Invalid as exc:
        return _bad_year(request, exc, center.pk)
    jobs = services.latest_jobs(center, year)
    context = {
        "center": center,
        "year": year,
        "year_label": fiscal_year_label(year),
        "report": annual.report_for(center, year),
        "jobs": jobs,
        "refresh": REFRESH_SECONDS if any(job.in_progress for job in jobs) else None,
        "may_write": access.may_write(actor, center),
        "may_generate": access.may_generate(actor, center),
        "this_year": fiscal_year(timezone.localdate()),
    }
    return render(request, "reports/pages/annual_detail.html", context)


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="reports:annual_index")
def annual_edit(request: TsunaguRequest, organization_id: int, year: int) -> HttpResponse:
    actor = request.actor
    center = access.access_center(actor, organization_id, for_write=True)
    try:
        check_year(year)
    except Invalid as exc:
        return _bad_year(request, exc, center.pk)
    report = annual.report_for(center, year)
    form = AnnualReportForm(
        posted(request), instance=report, initial={"version": report.version if report.pk else None}
    )
    detail = reverse("reports:annual_detail", args=[center.pk, year])
    return form_page(
        request,
        form,
        "reports/pages/annual_edit.html",
        save=lambda data: services.annual_report_update(
            actor, center=center, fiscal_year=year, **data
        ),
        done=lambda saved: redirect(detail),
        context={"center": center, "year": year, "year_label": fiscal_year_label(year)},
        success=_("報告書の本文を保存しました。"),
        back="reports:annual_index",
    )


@require_POST
@errors_as_pages(back="reports:annual_index")
def annual_generate(request: TsunaguRequest, organization_id: int, year: int) -> HttpResponse:
    actor = request.actor
    center = access.access_center(actor, organization_id, for_generate=True)
    try:
        check_year(year)
    except Invalid as exc:
        return _bad_year(request, exc, center.pk)
    return action(
        request,
        lambda: services.annual_report_generate(actor, center=center, fiscal_year=year),
        to=lambda job: reverse("reports:job_detail", args=[job.pk]),
        success=_("報告書の作成を受け付けました。できあがるまでこの画面でお待ちください。"),
    )


@require_GET
@errors_as_pages(back="reports:annual_index")
def job_detail(request: TsunaguRequest, job_id: int) -> HttpResponse:
    job = access.access_job(request.actor, job_id)
    context = {
        "job": job,
        "files": list(job.files.defer("content")),
        "year": job.params.get("fiscal_year"),
        "year_label": fiscal_year_label(int(job.params.get("fiscal_year", 0))),
        "refresh": REFRESH_SECONDS if job.in_progress else None,
    }
    # htmx asks for the progress alone while it polls; without script the page has a link.
    if request.GET.get("partial") == "1":
        return render(request, "reports/partials/job_progress.html", context)
    return render(request, "reports/pages/job_detail.html", context)


@require_GET
@errors_as_pages(back="reports:annual_index")
def job_download(request: TsunaguRequest, job_id: int, fmt: str) -> HttpResponse:
    job: ReportJob = access.access_job(request.actor, job_id)
    found = services.job_file(request.actor, job=job, fmt=fmt)
    return download(
        bytes(found.content), filename=found.filename, content_type=CONTENT_TYPES[found.format]
    )
