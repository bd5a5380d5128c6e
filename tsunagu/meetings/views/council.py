"""The council's report pack (協議会の報告資料): the page, and the same pack as a Word
document and a PDF for the council (small cells hidden whoever downloads them)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tsunagu.audit import services as audit
from tsunagu.core.errors import Invalid
from tsunagu.core.http import TsunaguRequest, download
from tsunagu.core.screens import screen
from tsunagu.meetings import council_pack, forms, selectors
from tsunagu.meetings.council_pack import CouncilPack
from tsunagu.meetings.models import MeetingBody
from tsunagu.meetings.views.base import pdf

PACK_TEMPLATE = "meetings/pages/council_pack.html"
PackView = Callable[[TsunaguRequest, MeetingBody, forms.CouncilPackForm, int], HttpResponse]


@screen("GET")
def council_pack_start(request: TsunaguRequest) -> HttpResponse:
    """The pack of the council the actor may read (the first, when a city has several)."""
    council = council_pack.councils_visible_to(request.actor).order_by("name", "pk").first()
    if council is None:
        raise audit.not_found(request.actor, "meetings.meetingbody", "", "no council to read")
    return redirect("meetings:council_pack", body_id=council.pk)


def _body_linkable(request: TsunaguRequest, body: MeetingBody) -> bool:
    """A member user of the council whose organization is not a member cannot open the
    body's page: the pack names it without a link."""
    return selectors.bodies_visible_to(request.actor).filter(pk=body.pk).exists()


def _for_year(view: PackView) -> Callable[[TsunaguRequest, int], HttpResponse]:
    """A pack screen: the council (404 unless the actor may read its pack) and the year asked
    for; a year it has no pack for is the pack page again with the message (400), never
    another year's pack."""

    @screen("GET")
    @wraps(view)
    def wrapper(request: TsunaguRequest, body_id: int) -> HttpResponse:
        body = council_pack.access_council(request.actor, body_id)
        form = forms.CouncilPackForm(request.GET or None, years=council_pack.pack_years(body))
        year = None
        if not form.is_bound or form.is_valid():
            chosen = form.cleaned_data.get("fiscal_year") if form.is_bound else None
            try:
                year = council_pack.pack_year(body, chosen)
            except Invalid as exc:
                form.add_error("fiscal_year", exc.message)
        if year is not None:
            return view(request, body, form, year)
        shown = {"body": body, "form": form, "body_linkable": _body_linkable(request, body)}
        return render(request, PACK_TEMPLATE, shown, status=400)

    return wrapper


def _read(request: TsunaguRequest, body: MeetingBody, pack: CouncilPack, view: str) -> None:
    filters = {"fiscal_year": pack.fiscal_year}
    audit.record_read(
        request.actor, view=view, person_ids=pack.person_ids, target=body, filters=filters
    )


@_for_year
def council_pack_view(
    request: TsunaguRequest, body: MeetingBody, form: forms.CouncilPackForm, year: int
) -> HttpResponse:
    form.initial.setdefault("fiscal_year", year)  # the year shown is the year selected
    pack = council_pack.council_pack(request.actor, body, year=year)
    _read(request, body, pack, "meetings.council_pack")
    return render(
        request,
        PACK_TEMPLATE,
        {
            "body": body,
            "body_linkable": _body_linkable(request, body),
            "form": form,
            "pack": pack,
            "suppression_note": council_pack.suppression_note(),
            "withheld_text": council_pack.withheld_text(),
        },
    )


def _downloaded(request: TsunaguRequest, body: MeetingBody, pack: CouncilPack, fmt: str) -> None:
    _read(request, body, pack, f"meetings.council_pack_{fmt}")
    audit.record(
        action=council_pack.ACTION_PACK_DOWNLOADED,
        actor=request.actor,
        target=body,
        detail={"fiscal_year": pack.fiscal_year, "format": fmt},
    )


def _stem(body: MeetingBody, year: int) -> str:
    return f"council-report-{body.pk}-FY{year}"


@_for_year
def council_pack_docx(
    request: TsunaguRequest, body: MeetingBody, form: forms.CouncilPackForm, year: int
) -> HttpResponse:
    pack = council_pack.council_pack(request.actor, body, year=year, exact=False)
    content = council_pack.pack_docx(pack)
    _downloaded(request, body, pack, "docx")
    filename = f"{_stem(body, year)}.docx"
    return download(content, filename=filename, content_type=council_pack.DOCX_TYPE)


@_for_year
def council_pack_pdf(
    request: TsunaguRequest, body: MeetingBody, form: forms.CouncilPackForm, year: int
) -> HttpResponse:
    pack = council_pack.council_pack(request.actor, body, year=year, exact=False)
    html = render_to_string(
        "meetings/print/council_pack.html",
        {
            "pack": pack,
            "printed_on": timezone.localdate(),
            "suppression_note": council_pack.suppression_note(),
            "withheld_text": council_pack.withheld_text(),
        },
    )
    return pdf(
        request,
        html,
        filename=f"{_stem(body, year)}.pdf",
        back=reverse("meetings:council_pack", args=[body.pk]) + f"?fiscal_year={year}",
        made=lambda: _downloaded(request, body, pack, "pdf"),
        css=council_pack.PRINT_CSS,
    )
