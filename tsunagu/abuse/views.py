"""Screens of the abuse response: thin; parse → access → service → render."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tsunagu.abuse import access, selectors, services
from tsunagu.abuse.forms import (
    CloseForm,
    FactFindingForm,
    JudgementForm,
    PrefectureForm,
    ReportFilter,
    ReportForm,
    TeamForm,
    YearForm,
)
from tsunagu.abuse.lists import ReportTable
from tsunagu.abuse.models import AbuseReport
from tsunagu.audit import services as audit
from tsunagu.audit.lists import list_page
from tsunagu.core.dates import fiscal_year, fiscal_year_label
from tsunagu.core.exports import TABLE_FORMATS, table_response
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.printing import PdfUnavailable
from tsunagu.core.screens import action, errors_as_pages, form_page, pdf_unavailable, posted

BACK = "abuse:report_list"


def _persons_of(rows: list[AbuseReport]) -> list[int]:
    return [r.person_id for r in rows if r.person_id is not None]


@require_GET
@errors_as_pages()
@audit.for_role(access.may_view, view="abuse_report_list")
def report_list(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    late = list(selectors.overdue(actor)[:50])
    return list_page(
        request,
        rows=selectors.report_rows(actor),
        filters=ReportFilter,
        table=ReportTable,
        template="abuse/pages/report_list.html",
        view="abuse_report_list",
        persons=_persons_of,
        header_persons=_persons_of(late),
        context={
            "may_respond": access.may_respond(actor),
            "overdue": late,
            "hours": services.fact_finding_hours(),
        },
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
def report_create(request: TsunaguRequest) -> HttpResponse:
    actor = audit.require_role(request.actor, access.may_respond, view="abuse_report_create")
    persons = selectors.linkable_persons(actor)
    form = ReportForm(
        posted(request),
        persons=persons,
        staff=services.response_staff(),
        initial={"received_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    if request.method == "GET":
        # The names offered to link are person data: the read is recorded.
        audit.record_read(
            actor, view="abuse_report_create", person_ids=persons.values_list("pk", flat=True)
        )
    return form_page(
        request,
        form,
        "abuse/pages/report_form.html",
        save=lambda data: services.report_receive(actor, **data),
        done=lambda report: redirect("abuse:report_detail", report.pk),
        success=_("通報・届出を受け付けました。"),
        back=BACK,
    )


@require_GET
@errors_as_pages(back=BACK)
def report_detail(request: TsunaguRequest, report_id: int) -> HttpResponse:
    actor = request.actor
    report = access.access_report(actor, report_id)
    services.record_viewed(actor, report, view="abuse_report")
    context = {
        "report": report,
        "reporter": access.reporter_shown(actor, report, view="abuse_report"),
        "team": list(report.response_team.order_by("pk")),
        "may_respond": access.may_respond(actor),
        "overdue": report.status == "received" and report.fact_finding_due < timezone.now(),
    }
    return render(request, "abuse/pages/report_detail.html", context)


def _step(
    request: TsunaguRequest,
    report_id: int,
    form_class: Any,
    *,
    title: str,
    save: Any,
    success: str,
    initial: dict[str, Any] | None = None,
    **form_kwargs: Any,
) -> HttpResponse:
    actor = request.actor
    report = access.access_report(actor, report_id, for_change=True)
    form = form_class(posted(request), initial=initial or {}, **form_kwargs)
    return form_page(
        request,
        form,
        "abuse/pages/step_form.html",
        save=lambda data: save(actor, report=report, **data),
        done=lambda saved: redirect("abuse:report_detail", saved.pk),
        context={"report": report, "title": title},
        success=success,
        back=BACK,
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
def report_team(request: TsunaguRequest, report_id: int) -> HttpResponse:
    return _step(
        request,
        report_id,
        TeamForm,
        title=_("対応チームを変更する"),
        save=services.team_set,
        success=_("対応チームを変更しました。"),
        staff=services.response_staff(),
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
def fact_finding(request: TsunaguRequest, report_id: int) -> HttpResponse:
    return _step(
        request,
        report_id,
        FactFindingForm,
        title=_("事実確認（訪問）を記録する"),
        save=services.fact_finding_record,
        success=_("事実確認を記録しました。"),
        initial={"visited_on": timezone.localdate()},
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
def judgement(request: TsunaguRequest, report_id: int) -> HttpResponse:
    return _step(
        request,
        report_id,
        JudgementForm,
        title=_("コアメンバー会議の判断を記録する"),
        save=services.judgement_record,
        success=_("コアメンバー会議の判断を記録しました。"),
        initial={"meeting_on": timezone.localdate()},
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
def prefecture(request: TsunaguRequest, report_id: int) -> HttpResponse:
    return _step(
        request,
        report_id,
        PrefectureForm,
        title=_("都道府県への報告を記録する"),
        save=services.prefecture_record,
        success=_("都道府県への報告を記録しました。"),
        initial={"reported_on": timezone.localdate()},
    )


@require_POST
@errors_as_pages(back=BACK)
def monitoring(request: TsunaguRequest, report_id: int) -> HttpResponse:
    actor = request.actor
    report = access.access_report(actor, report_id, for_change=True)
    to = reverse("abuse:report_detail", args=[report.pk])
    return action(
        request,
        lambda: services.monitoring_start(actor, report=report),
        to=to,
        success=_("モニタリングを始めました。"),
        back=BACK,
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
def close(request: TsunaguRequest, report_id: int) -> HttpResponse:
    return _step(
        request,
        report_id,
        CloseForm,
        title=_("終結する"),
        save=services.report_close,
        success=_("終結しました。"),
        initial={"closed_on": timezone.localdate()},
    )


def _year(request: TsunaguRequest) -> tuple[YearForm, int | None]:
    this = fiscal_year(timezone.localdate())
    form = YearForm(request.GET or {"fiscal_year": this}, initial={"fiscal_year": this})
    if not form.is_valid():
        return form, None
    return form, form.cleaned_data["fiscal_year"]


@require_GET
@errors_as_pages()
@audit.for_role(access.sees_survey, view="abuse_survey")
def survey(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    form, year = _year(request)
    if year is None:
        refused: dict[str, Any] = {"form": form, "survey": None, "year_label": ""}
        return render(request, "abuse/pages/survey.html", refused, status=400)
    found = selectors.survey(actor, year)
    audit.record_read(actor, view="abuse_survey", person_ids=[], filters={"fiscal_year": year})
    context: dict[str, Any] = {
        "form": form,
        "survey": found,
        "tables": found.tables(),
        "year": year,
        "year_label": fiscal_year_label(year),
        "formats": TABLE_FORMATS,
    }
    return render(request, "abuse/pages/survey.html", context)


@require_GET
@errors_as_pages()
@audit.for_role(access.sees_survey, view="abuse_survey_export")
def survey_export(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    _form, year = _year(request)
    fmt = request.GET.get("format", "csv")
    if year is None or fmt not in dict(TABLE_FORMATS):
        raise Http404
    found = selectors.survey(actor, year)
    tables = found.tables()
    try:
        response, replaced = table_response(
            fmt, tables, stem=f"abuse-survey-{year}", title=_("障害者虐待対応状況調査")
        )
    except PdfUnavailable:
        return pdf_unavailable(request, back=reverse("abuse:survey"))
    audit.record_read(
        actor,
        view="abuse_survey_export",
        person_ids=[],
        filters={
            "fiscal_year": year,
            "format": fmt,
            "replaced": ",".join(r.codepoint for r in replaced),
        },
    )
    return response
