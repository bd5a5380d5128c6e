"""Screens of the rights advocacy app: thin; parse → access → service → render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tsunagu.audit import services as audit
from tsunagu.core.dates import fiscal_year, fiscal_year_label
from tsunagu.core.errors import TsunaguError
from tsunagu.core.exports import TABLE_FORMATS, table_response
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.printing import PdfUnavailable
from tsunagu.core.screens import add_errors, errors_as_pages, form_page, pdf_unavailable, posted
from tsunagu.meetings import deidentify
from tsunagu.rights import access, selectors, services
from tsunagu.rights.forms import (
    CloseForm,
    ConsultationForm,
    ConsultationStepForm,
    CostDecisionForm,
    PetitionForm,
    PetitionStepForm,
    ReferralForm,
    ReferralOutcomeForm,
    YearForm,
)
from tsunagu.rights.models import DiscriminationConsultation

PAGE_SIZE = 30


def _form(request: TsunaguRequest, form: Any, title: str, **loop: Any) -> HttpResponse:
    """A form of this app: on its one form page, under `title`; a refusal links to the index."""
    return form_page(
        request, form, "rights/form.html", context={"title": title}, back="rights:index", **loop
    )


def _page(request: TsunaguRequest, rows: QuerySet[Any]) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


@require_GET
@errors_as_pages()
@audit.for_role(access.is_oversight, view="rights_index")
def index(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    petitions = _page(
        request, access.petitions_visible_to(actor).select_related("person").order_by("-pk")
    )
    audit.record_read(actor, view="rights_petitions", person_ids=[p.person_id for p in petitions])
    consultations = _page(request, access.consultations_visible_to(actor))
    referrals = _page(
        request,
        access.referrals_visible_to(actor).select_related("person", "council"),
    )
    decisions = _page(
        request,
        access.cost_decisions_visible_to(actor).select_related("person"),
    )
    audit.record_read(
        actor,
        view="rights_support",
        person_ids=[r.person_id for r in referrals] + [d.person_id for d in decisions],
    )
    context = {
        "referrals": referrals,
        "decisions": decisions,
        "petitions": petitions,
        "consultations": consultations,
        "may_record": access.may_record(actor),
    }
    return render(request, "rights/index.html", context)


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="rights:index")
def petition_create(request: TsunaguRequest, person_id: int) -> HttpResponse:
    person = access.access_person(request.actor, person_id)
    return _form(
        request,
        PetitionForm(posted(request)),
        _("成年後見制度の申立てを記録する"),
        save=lambda data: services.petition_create(request.actor, person=person, **data),
        done=lambda petition: redirect("rights:petition_detail", petition.pk),
        success=_("申立てを記録しました。"),
    )


@require_GET
@errors_as_pages()
def petition_detail(request: TsunaguRequest, petition_id: int) -> HttpResponse:
    petition = access.read_petition(request.actor, petition_id)
    next_step = services.next_step(petition)
    context = {
        "petition": petition,
        "steps": petition.steps.select_related("organization"),
        "next_step": next_step,
        "form": PetitionStepForm(next_step=next_step) if next_step else None,
    }
    return render(request, "rights/petition_detail.html", context)


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="rights:index")
def petition_step(request: TsunaguRequest, petition_id: int) -> HttpResponse:
    petition = access.access_petition(request.actor, petition_id)
    form = PetitionStepForm(posted(request), next_step=services.next_step(petition))
    return _form(
        request,
        form,
        _("申立ての段階を記録する"),
        save=lambda data: services.petition_step(request.actor, petition=petition, **data),
        done=lambda record: redirect("rights:petition_detail", petition.pk),
        success=_("段階を記録しました。"),
    )


def _flags_rescue(form: Any, exc: TsunaguError) -> tuple[Any, int] | None:
    """The identifiers left in a text: shown with a box for a reason to keep each."""
    if not isinstance(exc, deidentify.IdentifiersLeft):
        return None
    add_errors(form, exc)
    form.flags = exc.open_flags
    return form, 400


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="rights:index")
def consultation_create(request: TsunaguRequest) -> HttpResponse:
    actor = audit.require_role(request.actor, access.may_record, view="rights_consultation")
    form = ConsultationForm(posted(request))

    def save(data: dict[str, Any]) -> DiscriminationConsultation:
        keep, seen = deidentify.decisions_from(request.POST)
        person_id = data.pop("person")
        person = access.access_person(actor, person_id) if person_id else None
        return services.consultation_create(actor, person=person, keep=keep, seen=seen, **data)

    return _form(
        request,
        form,
        _("障害者差別に関する相談を記録する"),
        save=save,
        done=lambda c: redirect("rights:consultation_detail", c.pk),
        success=_("相談を記録しました。"),
        rescue=_flags_rescue,
    )


@require_GET
@errors_as_pages()
def consultation_detail(request: TsunaguRequest, consultation_id: int) -> HttpResponse:
    actor = request.actor
    consultation = access.read_consultation(actor, consultation_id)
    context = {
        "consultation": consultation,
        "person": access.shown_person(actor, consultation),
        "steps": consultation.steps.all(),
        "may_record": access.may_record(actor) and consultation.closed_on is None,
        "step_form": ConsultationStepForm(),
        "close_form": CloseForm(),
    }
    return render(request, "rights/consultation_detail.html", context)


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="rights:index")
def consultation_step(request: TsunaguRequest, consultation_id: int) -> HttpResponse:
    consultation = access.access_consultation(request.actor, consultation_id)
    form = ConsultationStepForm(posted(request))

    def save(data: dict[str, Any]) -> Any:
        keep, _seen = deidentify.decisions_from(request.POST)
        return services.consultation_step(
            request.actor, consultation=consultation, keep=keep, **data
        )

    return _form(
        request,
        form,
        _("相談への対応を記録する"),
        save=save,
        done=lambda step: redirect("rights:consultation_detail", consultation.pk),
        success=_("対応を記録しました。"),
        rescue=_flags_rescue,
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="rights:index")
def consultation_close(request: TsunaguRequest, consultation_id: int) -> HttpResponse:
    consultation = access.access_consultation(request.actor, consultation_id)
    return _form(
        request,
        CloseForm(posted(request)),
        _("相談を終結する"),
        save=lambda data: services.consultation_close(
            request.actor, consultation=consultation, **data
        ),
        done=lambda c: redirect("rights:consultation_detail", c.pk),
        success=_("相談を終結しました。"),
    )


def _year(request: TsunaguRequest) -> int | None:
    form = YearForm(request.GET)
    if not form.is_valid():
        return None
    return form.cleaned_data["year"] or fiscal_year(timezone.localdate())


@require_GET
@errors_as_pages()
@audit.for_role(access.is_oversight, view="rights_figures")
def figures(request: TsunaguRequest) -> HttpResponse:
    year = _year(request)
    if year is None:
        context: dict[str, Any] = {"figures": None, "form": YearForm(request.GET)}
        return render(request, "rights/figures.html", context, status=400)
    context = {
        "figures": selectors.figures(request.actor, year),
        "year_label": fiscal_year_label(year),
        "year": year,
        "form": YearForm(initial={"year": year}),
        "formats": TABLE_FORMATS,
    }
    return render(request, "rights/figures.html", context)


@require_GET
@errors_as_pages()
@audit.for_role(access.is_oversight, view="rights_council_export")
def council_export(request: TsunaguRequest) -> HttpResponse:
    year = _year(request)
    fmt = request.GET.get("fmt", "csv")
    if year is None or fmt not in dict(TABLE_FORMATS):
        context: dict[str, Any] = {"figures": None, "form": YearForm(request.GET)}
        return render(request, "rights/figures.html", context, status=400)
    table = selectors.council_table(request.actor, year)
    try:
        response, replaced = table_response(
            fmt, [table], stem=f"rights-council-FY{year}", title=table.title
        )
    except PdfUnavailable:
        return pdf_unavailable(request)
    audit.record(
        action=services.ACTION_COUNCIL_EXPORTED,
        actor=request.actor,
        target_type="rights.council_list",
        target_id=f"FY{year}",
        detail={
            "format": fmt,
            "rows": len(table.rows),
            "replaced": [r.codepoint for r in replaced],
        },
    )
    return response


def _person_record(
    request: TsunaguRequest,
    person_id: int,
    form: Any,
    title: str,
    record: Callable[..., Any],
    success: str,
) -> HttpResponse:
    """A form that records one thing about a person (`record(actor, person=..., **data)`)
    and goes back to the index."""
    person = access.access_person(request.actor, person_id)
    return _form(
        request,
        form,
        title,
        save=lambda data: record(request.actor, person=person, **data),
        done=lambda _saved: redirect("rights:index"),
        success=success,
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="rights:index")
def referral_create(request: TsunaguRequest, person_id: int) -> HttpResponse:
    return _person_record(
        request,
        person_id,
        ReferralForm(posted(request)),
        _("日常生活自立支援事業への紹介を記録する"),
        services.referral_create,
        _("紹介を記録しました。"),
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="rights:index")
def referral_outcome(request: TsunaguRequest, referral_id: int) -> HttpResponse:
    referral = access.access_referral(request.actor, referral_id)
    return _form(
        request,
        ReferralOutcomeForm(posted(request)),
        _("日常生活自立支援事業の紹介の結果を記録する"),
        save=lambda data: services.referral_outcome(request.actor, referral=referral, **data),
        done=lambda saved: redirect("rights:index"),
        success=_("結果を記録しました。"),
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="rights:index")
def cost_create(request: TsunaguRequest, person_id: int) -> HttpResponse:
    return _person_record(
        request,
        person_id,
        CostDecisionForm(posted(request)),
        _("成年後見制度利用支援事業の決定を記録する"),
        services.cost_decision_create,
        _("決定を記録しました。"),
    )
