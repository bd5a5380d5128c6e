"""Screens of the trainings app: thin; parse → access → service → render."""

from __future__ import annotations

from functools import partial

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tsunagu.audit import services as audit
from tsunagu.core.errors import NotFound
from tsunagu.core.exports import csv_response
from tsunagu.core.http import TsunaguRequest, download, stored_download
from tsunagu.core.import_screens import ImportScreen, import_page
from tsunagu.core.lists import list_screen
from tsunagu.core.printing import PdfUnavailable
from tsunagu.core.screens import action, errors_as_pages, form_page, pdf_unavailable, posted
from tsunagu.curricula import selectors as curricula_selectors
from tsunagu.trainings import access, certificates, exports, imports, selectors, services
from tsunagu.trainings.forms import (
    AttendanceForm,
    EventFilter,
    EventForm,
    MaterialForm,
    QuestionnaireForm,
    RegistrationForm,
)
from tsunagu.trainings.lists import EventTable
from tsunagu.trainings.models import Attendance, RegistrationStatus


@require_GET
@errors_as_pages()
@audit.for_role(access.may_view, view="training_list")
def event_list(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    return list_screen(
        request,
        rows=selectors.event_rows(actor),
        filters=EventFilter,
        table=EventTable,
        template="trainings/pages/event_list.html",
        context={
            "may_organize": access.may_organize(actor),
            "mine": list(selectors.my_registrations(actor)[:20]),
        },
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="trainings:event_list")
def event_create(request: TsunaguRequest) -> HttpResponse:
    actor = audit.require_role(request.actor, access.may_organize, view="training_create")
    return form_page(
        request,
        EventForm(posted(request)),
        "trainings/pages/event_form.html",
        save=lambda data: services.event_create(actor, **data),
        done=lambda event: redirect("trainings:event_detail", event.pk),
        context={"event": None},
        success=_("研修を作成しました。"),
        back="trainings:event_list",
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="trainings:event_list")
def event_edit(request: TsunaguRequest, event_id: int) -> HttpResponse:
    event = access.access_event(request.actor, event_id, for_organizer=True)
    return form_page(
        request,
        EventForm(posted(request), event=event),
        "trainings/pages/event_form.html",
        save=lambda data: services.event_update(request.actor, event=event, **data),
        done=lambda saved: redirect("trainings:event_detail", saved.pk),
        context={"event": event},
        success=_("研修を変更しました。"),
        back="trainings:event_list",
    )


@require_GET
@errors_as_pages()
def event_detail(request: TsunaguRequest, event_id: int) -> HttpResponse:
    actor = request.actor
    event = access.access_event(actor, event_id)
    registrations = list(selectors.event_registrations(actor, event))
    own = access.answerable_registration(actor, event)
    context = {
        "event": event,
        "co_organizers": list(event.co_organizers.all()),
        "counts": selectors.event_counts(event),
        "registrations": [r for r in registrations if r.status != RegistrationStatus.CANCELLED],
        "is_organizer": access.is_organizer(actor, event),
        "may_register": access.may_register_for(actor),
        "cancellable": {r.pk for r in registrations if access.may_cancel(actor, r)},
        "attended": Attendance.ATTENDED,
        "today": timezone.localdate(),
        "materials": (
            list(selectors.event_materials(event))
            if access.may_have_materials(actor, event)
            else None
        ),
        "questionnaire": own,
        "sees_results": event.organizer_id == actor.organization_id,
        # Same floor as the curricula (pyproject's layers): the requirements it meets.
        "curriculum_links": curricula_selectors.requirements_met_by(actor, event.pk),
    }
    return render(request, "trainings/pages/event_detail.html", context)


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="trainings:event_list")
def registration_create(request: TsunaguRequest, event_id: int) -> HttpResponse:
    actor = request.actor
    event = access.access_event(actor, event_id)
    form = RegistrationForm(posted(request), members=access.registrable_members(actor))
    return form_page(
        request,
        form,
        "trainings/pages/registration_form.html",
        save=lambda data: services.registration_create(
            actor, event=event, membership=data["membership"]
        ),
        done=lambda r: redirect("trainings:event_detail", event.pk),
        context={"event": event, "counts": selectors.event_counts(event)},
        success=lambda r: (
            _("申し込みました。")
            if r.status == RegistrationStatus.REGISTERED
            else _("定員に達しているため、キャンセル待ちで受け付けました。")
        ),
        back="trainings:event_list",
    )


@require_POST
@errors_as_pages(back="trainings:event_list")
def registration_cancel(request: TsunaguRequest, registration_id: int) -> HttpResponse:
    registration = access.access_registration(request.actor, registration_id)
    to = reverse("trainings:event_detail", args=[registration.event_id])
    return action(
        request,
        lambda: services.registration_cancel(request.actor, registration=registration),
        to=to,
        success=_("申込を取り消しました。"),
        back="trainings:event_list",
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="trainings:event_list")
def attendance(request: TsunaguRequest, event_id: int) -> HttpResponse:
    actor = request.actor
    event = access.access_event(actor, event_id, for_organizer=True)
    registrations = list(
        selectors.event_registrations(actor, event).filter(status=RegistrationStatus.REGISTERED)
    )
    form = AttendanceForm(posted(request), registrations=registrations)
    return form_page(
        request,
        form,
        "trainings/pages/attendance_form.html",
        save=lambda data: services.attendance_record(actor, event=event, marks=form.marks()),
        done=lambda saved: redirect("trainings:event_detail", event.pk),
        context={"event": event},
        success=_("出欠を記録しました。"),
        back="trainings:event_list",
    )


@require_POST
@errors_as_pages(back="trainings:event_list")
def certificates_issue(request: TsunaguRequest, event_id: int) -> HttpResponse:
    event = access.access_event(request.actor, event_id, for_organizer=True)
    to = reverse("trainings:event_detail", args=[event.pk])
    return action(
        request,
        lambda: services.certificates_issue(request.actor, event=event),
        to=to,
        success=lambda issued: _("修了証を%(n)s人に発行しました。") % {"n": len(issued)},
        back="trainings:event_list",
    )


@require_GET
@errors_as_pages(back="trainings:event_list")
def certificate(request: TsunaguRequest, registration_id: int) -> HttpResponse:
    registration = access.access_registration(request.actor, registration_id)
    try:
        pdf = certificates.certificate_pdf(request.actor, registration=registration)
    except PdfUnavailable:
        back = reverse("trainings:event_detail", args=[registration.event_id])
        return pdf_unavailable(request, back=back)
    return download(
        pdf, filename=certificates.filename(registration), content_type="application/pdf"
    )


# --- The questionnaire ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="trainings:event_list")
def questionnaire_answer(request: TsunaguRequest, event_id: int) -> HttpResponse:
    actor = request.actor
    registration = access.access_questionnaire(actor, event_id)
    event = registration.event
    if registration.questionnaire_answered:
        # Answered once: the page says so; a second answer sent anyway is the conflict.
        return render(
            request,
            "trainings/pages/questionnaire_form.html",
            {"event": event, "answered": True, "form": None},
            status=409 if request.method == "POST" else 200,
        )
    return form_page(
        request,
        QuestionnaireForm(posted(request)),
        "trainings/pages/questionnaire_form.html",
        save=lambda data: services.questionnaire_answer(actor, registration=registration, **data),
        done=lambda _none: redirect("trainings:event_detail", event.pk),
        context={"event": event, "answered": False},
        success=_("アンケートに回答しました。ありがとうございました。"),
        back="trainings:event_list",
    )


@require_GET
@errors_as_pages(back="trainings:event_list")
def questionnaire_results(request: TsunaguRequest, event_id: int) -> HttpResponse:
    event = access.access_results(request.actor, event_id)
    context = {
        "event": event,
        "results": selectors.questionnaire_results(event),
        "minimum": selectors.RESULTS_MIN_ANSWERS,
    }
    return render(request, "trainings/pages/questionnaire_results.html", context)


# --- Materials -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="trainings:event_list")
def materials_add(request: TsunaguRequest, event_id: int) -> HttpResponse:
    actor = request.actor
    event = access.access_event(actor, event_id, for_organizer=True)
    form = MaterialForm(posted(request), request.FILES if request.method == "POST" else None)
    return form_page(
        request,
        form,
        "trainings/pages/material_form.html",
        save=lambda data: services.materials_add(actor, event=event, files=data["uploads"]),
        done=lambda stored: redirect("trainings:event_detail", event.pk),
        context={"event": event, "materials": list(selectors.event_materials(event))},
        success=lambda stored: _("資料を%(n)s件追加しました。") % {"n": len(stored)},
        back="trainings:event_list",
    )


@require_GET
def material_download(request: TsunaguRequest, material_id: int) -> FileResponse:
    """404 (audited) unless the actor organizes the event or is registered on it; each
    download audited."""
    try:
        material = access.access_material(request.actor, material_id)
    except NotFound:
        raise Http404 from None
    response = stored_download(material)
    selectors.record_material_downloaded(request.actor, material)
    return response


@require_POST
@errors_as_pages(back="trainings:event_list")
def material_delete(request: TsunaguRequest, material_id: int) -> HttpResponse:
    material = access.access_material(request.actor, material_id, for_organizer=True)
    to = reverse("trainings:event_detail", args=[material.event_id])
    return action(
        request,
        lambda: services.material_delete(request.actor, material=material),
        to=to,
        success=_("資料「%(name)s」を削除しました。") % {"name": material.original_name},
        back="trainings:event_list",
    )


# --- Attendance from a list, and the list itself -------------------------------------------------


def _import_screen(event_id: int) -> ImportScreen:
    return ImportScreen(
        title=_("出欠をファイルから記録する"),
        intro=_(
            "当日の出席者の一覧（CSV または Excel）から出欠を記録します。"
            "申込者一覧（CSV）をそのまま使い、「出欠」の列に出席か欠席を書くこともできます。"
            "1行でも問題があると何も記録しません。"
        ),
        columns=[
            (imports.COLUMN_LOGIN, _("ログイン名。氏名とどちらか一方は必須。")),
            (
                imports.COLUMN_NAME,
                _("申込者一覧に出る氏名（空白は無視）。同じ氏名の人がいるときはログイン名で。"),
            ),
            (imports.COLUMN_MARK, _("任意。出席 または 欠席。空なら出席。")),
        ],
        done_url=reverse("trainings:event_detail", args=[event_id]),
        done_message=lambda outcome: (
            _("%(count)s人の出欠を記録しました。") % {"count": len(outcome.created_ids)}
        ),
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="trainings:event_list")
def attendance_import(request: TsunaguRequest, event_id: int) -> HttpResponse:
    event = access.access_event(request.actor, event_id, for_organizer=True)
    run = partial(imports.attendance_import, request.actor, event=event)
    return import_page(request, _import_screen(event.pk), run)


@require_GET
@errors_as_pages(back="trainings:event_list")
def registrations_export(request: TsunaguRequest, event_id: int) -> HttpResponse:
    event = access.access_event(request.actor, event_id, for_organizer=True)
    header, rows = exports.registration_rows(request.actor, event)
    return csv_response(filename=exports.filename(event), header=header, rows=rows)
