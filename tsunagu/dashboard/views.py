from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.core.exports import TABLE_FORMATS, table_response
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.lists import query_without_page
from tsunagu.core.printing import PdfUnavailable
from tsunagu.core.screens import Answered, errors_as_pages, pdf_unavailable
from tsunagu.dashboard import balance as balances
from tsunagu.dashboard import caseloads as caseload_selectors
from tsunagu.dashboard import exports as dashboard_exports
from tsunagu.dashboard import figures as dashboards
from tsunagu.dashboard import oneperson
from tsunagu.dashboard import records as figure_records
from tsunagu.dashboard.forms import YearForm
from tsunagu.meetings import selectors as meetings_selectors
from tsunagu.organizations import staffing
from tsunagu.plans import selectors as plans_selectors
from tsunagu.referrals import selectors as referrals_selectors
from tsunagu.reports import access as report_access


def home(request: TsunaguRequest) -> HttpResponse:
    """The dashboard: who you act for, and your own recent sign-in activity (to spot misuse)."""
    actor = request.actor
    recent_signins = list(
        AuditEvent.objects.filter(
            actor=request.user, action__in=[Action.LOGIN, Action.LOGIN_FAILED]
        ).order_by("-at")[:5]
    )
    failed_since_last = AuditEvent.objects.filter(
        actor_username=request.user.username, action=Action.LOGIN_FAILED
    ).filter(at__gte=recent_signins[1].at if len(recent_signins) > 1 else request.user.date_joined)
    scope = dashboards.scope_of(actor)
    summary = dashboards.summary(actor, scope) if scope is not None else None
    if summary is not None and scope is not None:
        dashboards.record_viewed(actor, scope, year=summary.fiscal_year, via="home")
    return render(
        request,
        "dashboard/pages/home.html",
        {
            "summary": summary,
            "recent_signins": recent_signins,
            "failed_since_last": failed_since_last.count(),
            "plans_dashboard": plans_selectors.dashboard(actor=actor),
            "may_view_caseloads": caseload_selectors.may_view(actor),
            "may_view_one_person_offices": oneperson.may_view(actor),
            "may_view_staffing": staffing.may_view(actor),
            "may_view_annual_reports": report_access.may_view(actor),
            "dashboard_scope": scope,
            **referrals_selectors.dashboard(actor),
            **meetings_selectors.dashboard(actor),
        },
    )


def _year_asked(request: TsunaguRequest, template: str) -> tuple[dashboards.Scope, YearForm, int]:
    """The scope of a dashboard's role (the role guard let only those in), the year form and
    the year asked for, the newest by default; a year the form refuses answers `template` again
    with the form, status 400 (`Answered`)."""
    scope = dashboards.scope_of(request.actor)
    assert scope is not None  # noqa: S101  # the role guard let only a dashboard's role in
    years = dashboards.fiscal_years()
    form = YearForm(request.GET or None, years=years, initial={"fiscal_year": years[0]})
    if form.is_bound and not form.is_valid():
        raise Answered(render(request, template, {"form": form, "scope": scope}, status=400))
    chosen = form.cleaned_data.get("fiscal_year") if form.is_bound else None
    return scope, form, chosen if chosen is not None else years[0]


@errors_as_pages()
@audit.for_role(caseload_selectors.may_view, view="caseloads")
@require_GET
def caseloads(request: TsunaguRequest) -> HttpResponse:
    """Planning caseloads against the caps: every office for the core center and the city, its
    own for an office that holds planning cases, nobody else (404, audited)."""
    actor = request.actor
    loads = caseload_selectors.caseloads(actor)
    return render(
        request,
        "dashboard/pages/caseloads.html",
        {
            "loads": loads,
            "warnings": caseload_selectors.warnings(loads),
            "months": caseload_selectors.TREND_MONTHS,
            "may_view_one_person_offices": oneperson.may_view(actor),
        },
    )


@errors_as_pages()
@audit.for_role(oneperson.may_view, view="one_person_offices")
@require_GET
def one_person_offices(request: TsunaguRequest) -> HttpResponse:
    """The designated planning offices with one counselor, per ward, for the core center and
    the city (seed 003); anyone else gets a 404, audited."""
    year, wards = oneperson.offices_by_ward(request.actor)
    return render(
        request,
        "dashboard/pages/one_person_offices.html",
        {
            "year": year,
            "wards": wards,
            "office_count": len({row.organization.pk for ward in wards for row in ward.offices}),
        },
    )


@errors_as_pages()
@audit.for_role(dashboards.may_view, view="dashboard")
@require_GET
def figures(request: TsunaguRequest) -> HttpResponse:
    """The dashboard of the acting organization's role (figures.py says who sees what); anyone
    without one gets a 404, audited.  A year with no records is a 400 with its message."""
    scope, form, year = _year_asked(request, "dashboard/pages/figures.html")
    board = dashboards.dashboard(request.actor, scope, year=year)
    dashboards.record_viewed(request.actor, scope, year=year, via="screen")
    return render(
        request,
        "dashboard/pages/figures.html",
        {
            "form": form,
            "scope": scope,
            "board": board,
            "formats": TABLE_FORMATS,
            "export_url": reverse("dashboard:figures_export"),
        },
    )


@errors_as_pages()
@audit.for_role(dashboards.may_view, view="dashboard")
@require_GET
def figures_export(request: TsunaguRequest) -> HttpResponse:
    """One table of the dashboard (`table`, a key of `exports.tables`), or all of them when
    none is named, in a format of TABLE_FORMATS: the same figures and the same suppression as
    the page, audited per download.  An unknown format or table is a 404, a year with no
    records a 400 with its message."""
    fmt = request.GET.get("format", "csv")
    if fmt not in dict(TABLE_FORMATS):
        raise Http404
    scope, _form, year = _year_asked(request, "dashboard/pages/figures.html")
    board = dashboards.dashboard(request.actor, scope, year=year)
    tables = dashboard_exports.tables(board)
    which = request.GET.get("table", "")
    if which and which not in tables:
        raise Http404
    chosen_tables = [tables[which]] if which else list(tables.values())
    title = _("%(title)s: %(year)s") % {"title": scope.title, "year": board.label}
    try:
        response, replaced = table_response(
            fmt,
            chosen_tables,
            stem=dashboard_exports.stem(scope, year, which),
            title=title,
        )
    except PdfUnavailable:
        back = reverse("dashboard:figures") + "?" + urlencode({"fiscal_year": year})
        return pdf_unavailable(request, back=back)
    dashboard_exports.record_exported(
        request.actor, scope, year=year, table=which, fmt=fmt, replaced=replaced
    )
    return response


RECORDS_PER_PAGE = 50


@errors_as_pages()
@audit.for_role(dashboards.may_view, view="dashboard")
@require_GET
def figure_records_page(request: TsunaguRequest, key: str) -> HttpResponse:
    """The records one figure of the dashboard counts (records.py), for one of its categories
    or all: de-identified rows, each linked to its record where the viewer's organization holds
    it; for the council the figure's table alone.  An unknown figure is a 404; an unknown year
    or category a 400 with its message."""
    if key not in figure_records.FIGURE_KEYS:
        raise Http404
    scope, form, year = _year_asked(request, "dashboard/pages/figure_records.html")
    actor = request.actor
    found = figure_records.figure_records(actor, scope, year=year, key=key)
    category = request.GET.get("category", "")
    back = reverse("dashboard:figures") + "?" + urlencode({"fiscal_year": year}) + f"#{key}-h"
    context: dict[str, object] = {
        "form": form,
        "scope": scope,
        "found": found,
        "year": year,
        "year_label": dashboards.year_label(year),
        "back": back,
    }
    if category and category not in {k for k, _label, _n in found.categories}:
        context["category_error"] = _("その区分はこの数にはありません。一覧から選んでください。")
        return render(request, "dashboard/pages/figure_records.html", context, status=400)
    rows = found.only(category)
    page = Paginator(rows, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    figure_records.record_viewed(
        actor, scope, year=year, key=key, category=category, count=len(page.object_list)
    )
    return render(
        request,
        "dashboard/pages/figure_records.html",
        {
            **context,
            "category": category,
            "category_label": found.label_of(category),
            "count": len(rows),
            "page": page,
            "query": query_without_page(request),
        },
    )


@errors_as_pages()
@audit.for_role(balances.may_view, view="dashboard_balance")
@require_GET
def balance(request: TsunaguRequest) -> HttpResponse:
    """The 49:51 → 51:49 balance (balance.py): the core center and the city per agency, the
    council per kind with small counts suppressed; anyone else the audited 404."""
    scope, form, year = _year_asked(request, "dashboard/pages/balance.html")
    found = balances.balance(request.actor, scope, year=year)
    balances.record_viewed(request.actor, scope, year=year, via="screen")
    title = _("ネットワークに参加した層（%(year)s）") % {"year": dashboards.year_label(year)}
    return render(
        request,
        "dashboard/pages/balance.html",
        {
            "form": form,
            "scope": scope,
            "found": found,
            "streams": balances.STREAMS,
            "kind_rows": balances.table(found.kinds, found.years),
            "agency_rows": balances.table(found.agencies, found.years),
            "picture": balances.baumkuchen_svg(found.rings, title=title),
            "this_label": dashboards.year_label(found.years[0]),
            "last_label": dashboards.year_label(found.years[1]),
            "lapse_days": balances.LAPSE_DAYS,
        },
    )
