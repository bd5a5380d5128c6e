"""Screens for progress notes (支援経過記録) and the formulation (見立て) of a case."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tsunagu.cases.access import access_case
from tsunagu.cases.models import Case
from tsunagu.core.errors import Conflict, Forbidden, Invalid, NotFound
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.storage import UnreadableFile, open_checked
from tsunagu.records import selectors, services
from tsunagu.records.forms import FormulationForm, NoteFilterForm, NoteForm
from tsunagu.records.models import ProgressNote


def _case_for_write(request: TsunaguRequest, case_id: int) -> Case:
    try:
        return access_case(request.actor, case_id, for_write=True)
    except NotFound:
        raise Http404 from None


def _read_only(request: TsunaguRequest, exc: Forbidden, back: str) -> HttpResponse:
    # access_case has already written the access.denied row; the 403 handler would add another.
    return render(
        request,
        "records/pages/read_only.html",
        {"message": exc.message, "back": back},
        status=403,
    )


def _page(request: TsunaguRequest, notes: object) -> Page[ProgressNote]:
    paginator: Paginator[ProgressNote] = Paginator(notes, selectors.NOTES_PER_PAGE)  # type: ignore[arg-type]  # a QuerySet
    return paginator.get_page(request.GET.get("page"))


def _kind_filter(request: TsunaguRequest) -> tuple[NoteFilterForm, str]:
    form = NoteFilterForm(request.GET or None)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    return form, kind


@require_GET
def case_notes(request: TsunaguRequest, case_id: int) -> HttpResponse:
    try:
        case = selectors.case_for_timeline(request.actor, case_id)
    except NotFound:
        raise Http404 from None
    form, kind = _kind_filter(request)
    actor = request.actor
    page = _page(request, selectors.case_note_list(actor=actor, case=case, kind=kind))
    selectors.record_notes_shown(request.actor, target=case, notes=page.object_list)
    return render(
        request,
        "records/pages/case_notes.html",
        {
            "case": case,
            "form": form,
            "page": page,
            "query": f"kind={kind}" if kind else "",
            "can_write": actor.can_write,
        },
    )


@require_GET
def household_notes(request: TsunaguRequest, household_id: int) -> HttpResponse:
    try:
        household = selectors.household_for_timeline(request.actor, household_id)
    except NotFound:
        raise Http404 from None
    form, kind = _kind_filter(request)
    notes = selectors.household_note_list(actor=request.actor, household=household, kind=kind)
    page = _page(request, notes)
    selectors.record_notes_shown(request.actor, target=household, notes=page.object_list)
    return render(
        request,
        "records/pages/household_notes.html",
        {
            "household": household,
            "form": form,
            "page": page,
            "query": f"kind={kind}" if kind else "",
        },
    )


@require_http_methods(["GET", "POST"])
def note_create(request: TsunaguRequest, case_id: int) -> HttpResponse:
    back = reverse("records:case_notes", args=[case_id])
    try:
        case = _case_for_write(request, case_id)
    except Forbidden as exc:
        return _read_only(request, exc, back)
    status = 200
    if request.method == "POST":
        form = NoteForm(request.POST, request.FILES)
        if form.is_valid():
            data = {name: form.cleaned_data.get(name) for name in services.NOTE_FIELDS}
            try:
                services.note_create(
                    actor=request.actor,
                    case=case,
                    data=data,
                    files=form.cleaned_data["attachments"],
                )
            except Invalid as exc:
                form.add_error(None, exc.message)
            except Forbidden as exc:
                return _read_only(request, exc, back)
            else:
                messages.success(request, _("支援経過記録を保存しました。"))
                return redirect("records:case_notes", case_id=case.pk)
        status = 400
    else:
        form = NoteForm()
    return render(
        request, "records/pages/note_form.html", {"case": case, "form": form}, status=status
    )


@require_GET
def attachment_download(request: TsunaguRequest, attachment_id: int) -> FileResponse:
    try:
        attachment = selectors.attachment_for_download(request.actor, attachment_id)
    except NotFound:
        raise Http404 from None
    try:
        # Decrypted and checked against the hash recorded at upload (core/storage.py).
        handle = open_checked(attachment.file, sha256=attachment.sha256)
    except (FileNotFoundError, UnreadableFile):
        raise Http404 from None
    selectors.record_attachment_downloaded(request.actor, attachment)
    response = FileResponse(handle, content_type=attachment.content_type)
    # RFC 5987 (filename*=utf-8''...) so that Japanese file names survive the download.
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=attachment.original_name)
        or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def formulation_list(request: TsunaguRequest, case_id: int) -> HttpResponse:
    try:
        case = access_case(request.actor, case_id)
    except NotFound:
        raise Http404 from None
    actor = request.actor
    history = selectors.formulation_history(selectors.formulation_list(actor=actor, case=case))
    return render(
        request,
        "records/pages/formulations.html",
        {
            "case": case,
            "current": history[0] if history else None,
            "history": history,
            "can_write": actor.can_write,
        },
    )


@require_http_methods(["GET", "POST"])
def formulation_create(request: TsunaguRequest, case_id: int) -> HttpResponse:
    back = reverse("records:formulation_list", args=[case_id])
    try:
        case = _case_for_write(request, case_id)
    except Forbidden as exc:
        return _read_only(request, exc, back)
    actor = request.actor
    current = selectors.formulation_current(actor=actor, case=case)
    status = 200
    conflict = False
    if request.method == "POST":
        form = FormulationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.formulation_revise(
                    actor=request.actor,
                    case=case,
                    based_on=data["based_on"],
                    situation_summary=data["situation_summary"],
                    background_factors=data["background_factors"],
                    hypothesis=data["hypothesis"],
                    support_policy=data["support_policy"],
                    prompted_by=data["prompted_by"],
                )
            except Conflict as exc:
                # Keep what the user typed, show them the revision that got in first, and base
                # the next attempt on it: they save again only after seeing it.
                current = selectors.formulation_current(actor=actor, case=case)
                refreshed = request.POST.copy()
                refreshed["based_on"] = str(current.revision if current else 0)
                form = FormulationForm(refreshed)
                form.is_valid()
                form.add_error(None, exc.message)
                conflict = True
                status = 409
            except Invalid as exc:
                form.add_error(None, exc.message)
                status = 400
            except Forbidden as exc:
                return _read_only(request, exc, back)
            else:
                messages.success(request, _("見立てを更新しました。"))
                return redirect("records:formulation_list", case_id=case.pk)
        else:
            status = 400
    else:
        form = FormulationForm(initial=selectors.formulation_initial(current))
    return render(
        request,
        "records/pages/formulation_form.html",
        {"case": case, "form": form, "current": current, "conflict": conflict},
        status=status,
    )
