"""Screens for progress notes (支援経過記録) and the formulation (見立て) of a case."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms.models import model_to_dict
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tsunagu.cases.access import access_case
from tsunagu.cases.models import Case
from tsunagu.core.errors import Conflict, TsunaguError
from tsunagu.core.http import TsunaguRequest, stored_download
from tsunagu.core.screens import action, form_page, posted, screen
from tsunagu.people.models import Household
from tsunagu.records import selectors, services
from tsunagu.records.access import (
    access_board_attachment,
    access_board_case,
    access_board_message,
    access_note,
    access_note_template,
)
from tsunagu.records.forms import (
    BoardMessageForm,
    FormulationForm,
    NextContactForm,
    NoteFilterForm,
    NoteForm,
    NoteTemplateForm,
)
from tsunagu.records.mentions import team_organization_ids, team_users
from tsunagu.records.models import BoardMessage, NoteTemplate, ProgressNote


def _timeline(
    request: TsunaguRequest,
    target: Case | Household,
    notes: Callable[..., QuerySet[ProgressNote]],
) -> dict[str, Any]:
    """What a timeline shows of its notes: the kind filter, a page of the notes of that kind
    (`notes(kind=...)`), and the read of that page on record."""
    form = NoteFilterForm(request.GET or None)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    paginator = Paginator(notes(kind=kind), selectors.NOTES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    selectors.record_notes_shown(request.actor, target=target, notes=page.object_list)
    return {"form": form, "page": page, "query": f"kind={kind}" if kind else ""}


@screen("GET")
def case_notes(request: TsunaguRequest, case_id: int) -> HttpResponse:
    actor = request.actor
    case = selectors.case_for_timeline(actor, case_id)
    context = {
        "case": case,
        **_timeline(request, case, partial(selectors.case_note_list, actor=actor, case=case)),
        "can_write": actor.can_write,
        "acting_organization_id": actor.organization_id,
    }
    return render(request, "records/pages/case_notes.html", context)


@screen("GET")
def household_notes(request: TsunaguRequest, household_id: int) -> HttpResponse:
    actor = request.actor
    household = selectors.household_for_timeline(actor, household_id)
    notes = partial(selectors.household_note_list, actor=actor, household=household)
    context = {"household": household, **_timeline(request, household, notes)}
    return render(request, "records/pages/household_notes.html", context)


def _notes_url(case_id: int) -> str:
    return reverse("records:case_notes", args=[case_id])


@screen("GET", "POST", back=_notes_url)
def note_create(request: TsunaguRequest, case_id: int) -> HttpResponse:
    case = access_case(request.actor, case_id, for_write=True)
    back = _notes_url(case_id)
    # `?template=ID` starts the form from one of the acting organization's active templates;
    # any other id gives the plain form (selectors.note_template_chosen).
    templates = list(selectors.note_template_list(request.actor, active_only=True))
    chosen = selectors.note_template_chosen(request.actor, request.GET.get("template", ""))
    return form_page(
        request,
        NoteForm(posted(request), request.FILES or None, template=chosen),
        "records/pages/note_form.html",
        save=lambda data: services.note_create(
            actor=request.actor,
            case=case,
            data=data,
            files=data["attachments"],
        ),
        done=lambda saved: redirect(back),
        context={"case": case, "templates": templates, "chosen": chosen},
        back=back,
        success=_("支援経過記録を保存しました。"),
    )


@screen("GET", "POST")
def note_next_contact(request: TsunaguRequest, note_id: int) -> HttpResponse:
    """Change or clear a note's 次回連絡予定日 (its task moves or is cancelled with it)."""
    note = access_note(request.actor, note_id, for_write=request.method == "POST")
    back = _notes_url(note.case_id) + f"#note-{note.pk}"
    return form_page(
        request,
        NextContactForm(posted(request), initial={"next_contact_on": note.next_contact_on}),
        "records/pages/note_next_contact.html",
        save=lambda data: services.note_next_contact_set(
            request.actor, note=note, next_contact_on=data["next_contact_on"]
        ),
        done=lambda saved: redirect(back),
        context={"note": note, "case": note.case, "back": back},
        back=back,
        success=_("次回連絡予定日を保存しました。"),
    )


# --- Note templates (記録のひな形) -----------------------------------------------------------


@require_GET
def note_templates(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    return render(
        request,
        "records/pages/note_templates.html",
        {
            "templates": selectors.note_template_list(actor),
            "can_edit": services.can_edit_note_templates(actor),
            "organization": actor.organization,
        },
    )


def _template_form_page(request: TsunaguRequest, template: NoteTemplate | None) -> HttpResponse:
    actor = request.actor
    back = reverse("records:note_templates")
    initial = model_to_dict(template, services.NOTE_TEMPLATE_FIELDS) if template else {}

    def save(data: dict[str, Any]) -> NoteTemplate:
        if template is None:
            return services.note_template_create(actor, **data)
        return services.note_template_update(actor, template=template, **data)

    return form_page(
        request,
        NoteTemplateForm(posted(request), initial=initial),
        "records/pages/note_template_form.html",
        save=save,
        done=lambda saved: redirect(back),
        context={"template": template, "back": back},
        back=back,
        success=_("記録のひな形を保存しました。"),
    )


@screen("GET", "POST")
def note_template_create(request: TsunaguRequest) -> HttpResponse:
    return _template_form_page(request, None)


@screen("GET", "POST")
def note_template_edit(request: TsunaguRequest, template_id: int) -> HttpResponse:
    template = access_note_template(request.actor, template_id, for_write=request.method == "POST")
    return _template_form_page(request, template)


@screen("POST")
def note_template_active(request: TsunaguRequest, template_id: int) -> HttpResponse:
    """Retire a template (it leaves the new-note form; notes made from it are unchanged) or
    bring it back."""
    template = access_note_template(request.actor, template_id, for_write=True)
    active = request.POST.get("active") == "1"
    back = reverse("records:note_templates")
    return action(
        request,
        lambda: services.note_template_update(request.actor, template=template, is_active=active),
        to=back,
        back=back,
        success=(
            _("ひな形「%(name)s」を使用中に戻しました。")
            if active
            else _("ひな形「%(name)s」の使用をやめました。")
        )
        % {"name": template.name},
    )


@screen("GET")
def attachment_download(request: TsunaguRequest, attachment_id: int) -> FileResponse:
    attachment = selectors.attachment_for_download(request.actor, attachment_id)
    response = stored_download(attachment)
    selectors.record_attachment_downloaded(request.actor, attachment)
    return response


@screen("GET")
def formulation_list(request: TsunaguRequest, case_id: int) -> HttpResponse:
    case = access_case(request.actor, case_id)
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


def _formulations_url(case_id: int) -> str:
    return reverse("records:formulation_list", args=[case_id])


@screen("GET", "POST", back=_formulations_url)
def formulation_create(request: TsunaguRequest, case_id: int) -> HttpResponse:
    actor = request.actor
    case = access_case(actor, case_id, for_write=True)
    back = _formulations_url(case_id)
    shown: dict[str, Any] = {
        "case": case,
        "current": selectors.formulation_current(actor=actor, case=case),
    }

    def newer_first(form: FormulationForm, exc: TsunaguError) -> tuple[FormulationForm, int] | None:
        # Keep what the user typed, show them the revision that got in first, and base the
        # next attempt on it: they save again only after seeing it.
        if not isinstance(exc, Conflict):
            return None
        current = shown["current"] = selectors.formulation_current(actor=actor, case=case)
        refreshed = request.POST.copy()
        refreshed["based_on"] = str(current.revision if current else 0)
        form = FormulationForm(refreshed)
        form.is_valid()
        form.add_error(None, exc.message)
        shown["conflict"] = True
        return form, 409

    return form_page(
        request,
        FormulationForm(posted(request), initial=selectors.formulation_initial(shown["current"])),
        "records/pages/formulation_form.html",
        save=lambda data: services.formulation_revise(actor=actor, case=case, **data),
        done=lambda saved: redirect(back),
        context=shown,
        rescue=newer_first,
        back=back,
        success=_("見立てを更新しました。"),
    )


# --- The case's message board (掲示板) --------------------------------------------------------


@screen("GET", "POST")
def board(request: TsunaguRequest, case_id: int) -> HttpResponse:
    """The team's board: threads newest first, a form to post and one to reply under each.
    Only the lead organization and the team now on the case reach it (records.access)."""
    actor = request.actor
    case = access_board_case(actor, case_id, for_write=request.method == "POST")
    team = team_users(team_organization_ids(case))
    form = BoardMessageForm(posted(request), request.FILES or None, team=team)

    def context() -> dict[str, Any]:
        paginator: Paginator[BoardMessage] = Paginator(
            selectors.board_threads(actor, case=case),
            selectors.BOARD_THREADS_PER_PAGE,
        )
        page = paginator.get_page(request.GET.get("page"))
        selectors.record_board_shown(actor, case=case, messages=page.object_list)
        return {"case": case, "page": page, "can_write": actor.can_write}

    def save(data: dict[str, Any]) -> BoardMessage:
        parent = access_board_message(actor, data["parent"]) if data.get("parent") else None
        return services.board_message_post(
            actor,
            case=case,
            text=data["text"],
            parent=parent,
            mention_ids=[user.pk for user in data["mentions"]],
            files=data["attachments"],
        )

    return form_page(
        request,
        form,
        "records/pages/board.html",
        save=save,
        done=lambda message: redirect(
            reverse("records:board", kwargs={"case_id": case.pk})
            + f"#message-{message.parent_id or message.pk}"
        ),
        context=context,
        success=_("投稿しました。"),
    )


@screen("GET")
def board_attachment_download(request: TsunaguRequest, attachment_id: int) -> FileResponse:
    attachment = access_board_attachment(request.actor, attachment_id)
    response = stored_download(attachment)
    selectors.record_board_attachment_downloaded(request.actor, attachment)
    return response
