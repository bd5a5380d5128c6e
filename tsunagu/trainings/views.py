"""Screens of the trainings app: thin; parse → access → service → render."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tsunagu.audit import services as audit
from tsunagu.core.http import TsunaguRequest, download
from tsunagu.core.lists import list_screen
from tsunagu.core.printing import PdfUnavailable
from tsunagu.core.screens import action, errors_as_pages, form_page, posted
from tsunagu.trainings import access, certificates, selectors, services
from tsunagu.trainings.forms import AttendanceForm, EventFilter, EventForm, RegistrationForm
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
        return render(request, "plans/print/unavailable.html", {"back": back}, status=503)
    return download(
        pdf, filename=certificates.filename(registration), content_type="application/pdf"
    )
