"""Screens of motivating moments: thin; parse → access → service → render."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tsunagu.audit import services as audit
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.screens import action, errors_as_pages, form_page, posted
from tsunagu.meetings import deidentify
from tsunagu.moments import access, selectors, services
from tsunagu.moments.forms import CouncilMomentForm, ShareForm
from tsunagu.moments.models import CouncilMoment
from tsunagu.records.access import access_note
from tsunagu.records.models import ProgressNote

PAGE_SIZE = 30


def _moment_context(request: TsunaguRequest, note: ProgressNote) -> dict[str, object]:
    actor = request.actor
    council = CouncilMoment.objects.filter(note=note).first()
    flags = services.council_flags(council) if council and not council.is_published else []
    return {
        "note": note,
        "case": note.case,
        "shares": selectors.note_shares(actor, note),
        "council": council,
        "flags": flags,
        "text_pieces": deidentify.segments(council.text, [f for f in flags if f.field == "text"])
        if council
        else [],
        "lesson_pieces": deidentify.segments(
            council.lesson, [f for f in flags if f.field == "lesson"]
        )
        if council
        else [],
        "can_write": actor.can_write and note.case.is_open,
    }


@require_GET
@errors_as_pages()
def moment_detail(request: TsunaguRequest, note_id: int) -> HttpResponse:
    """Where the note's moment has travelled: the providers, the council."""
    note = access_note(request.actor, note_id)
    context = _moment_context(request, note)
    context["share_form"] = ShareForm(providers=selectors.providers_on_team(note.case))
    council = context["council"]
    assert council is None or isinstance(council, CouncilMoment)  # noqa: S101
    context["council_form"] = CouncilMomentForm(
        initial={"text": council.text, "lesson": council.lesson} if council else None
    )
    return render(request, "moments/moment_detail.html", context)


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="dashboard:home")
def moment_share(request: TsunaguRequest, note_id: int) -> HttpResponse:
    note = access_note(request.actor, note_id, for_write=True)
    return form_page(
        request,
        ShareForm(posted(request), providers=selectors.providers_on_team(note.case)),
        "moments/form.html",
        save=lambda data: services.moment_share(request.actor, note=note, **data),
        done=lambda share: redirect("moments:moment_detail", note.pk),
        context={"title": _("心の動く場面を事業所と共有する"), "note": note},
        success=_("事業所と共有しました。"),
    )


@require_POST
@errors_as_pages(back="dashboard:home")
def share_stop(request: TsunaguRequest, share_id: int) -> HttpResponse:
    share = access.access_share(request.actor, share_id, for_write=True)
    back = reverse("moments:moment_detail", args=[share.note_id])
    return action(
        request,
        lambda: services.share_stop(request.actor, share=share),
        to=back,
        success=_("共有をやめました。"),
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="dashboard:home")
def council_write(request: TsunaguRequest, note_id: int) -> HttpResponse:
    note = access_note(request.actor, note_id, for_write=True)
    return form_page(
        request,
        CouncilMomentForm(posted(request)),
        "moments/form.html",
        save=lambda data: services.council_moment_write(request.actor, note=note, **data),
        done=lambda moment: redirect("moments:moment_detail", note.pk),
        context={"title": _("協議会に伝える場面を書く（匿名化）"), "note": note},
        success=_("下書きを保存しました。指摘が残っていないか確かめてから掲載してください。"),
    )


@require_POST
@errors_as_pages(back="dashboard:home")
def council_publish(request: TsunaguRequest, moment_id: int) -> HttpResponse:
    moment = access.access_council_moment(request.actor, moment_id, for_write=True)
    back = reverse("moments:moment_detail", args=[moment.note_id])
    return action(
        request,
        lambda: services.council_moment_publish(request.actor, moment=moment),
        to=back,
        success=_("協議会の「心の動く場面」に掲載しました。"),
    )


@require_GET
@errors_as_pages()
def shared_with_us(request: TsunaguRequest) -> HttpResponse:
    """What the acting provider received, on the persons' consents."""
    actor = request.actor
    page = Paginator(selectors.received(actor), PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record_read(
        actor,
        view="moments.shared_with_us",
        person_ids=[s.note.case.person_id for s in page if s.note.case.person_id],
    )
    return render(request, "moments/shared.html", {"page": page})


@require_GET
@errors_as_pages()
def council_moments(request: TsunaguRequest) -> HttpResponse:
    """The council page of moments, beside the council page of community issues."""
    page = Paginator(selectors.council_page(request.actor), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "moments/council.html", {"page": page})
