"""The certificate of completion (修了証): a PDF from HTML with the project's one renderer
(core/printing.py, WeasyPrint), A4 portrait on core/print/page.css.  It exists only for a
recorded attendance whose certificate the organizer issued; the office named is the one the
worker attended for, kept on the registration."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.audit import services as audit
from tsunagu.audit.actions import register_action
from tsunagu.core.actor import Actor
from tsunagu.core.errors import NotFound
from tsunagu.core.printing import render_pdf
from tsunagu.trainings.models import Attendance, Registration, RegistrationStatus

PRINT_CSS = "trainings/print/certificate.css"
ACTION_CERTIFICATE_PRINTED = register_action(
    "training.certificate_printed", gettext_lazy("研修の修了証の出力")
)


def is_issued(registration: Registration) -> bool:
    return (
        registration.status == RegistrationStatus.REGISTERED
        and registration.attendance == Attendance.ATTENDED
        and registration.certificate_issued_on is not None
    )


def filename(registration: Registration) -> str:
    return f"修了証_{registration.event.held_on:%Y%m%d}_{registration.pk}.pdf"


def certificate_pdf(actor: Actor, *, registration: Registration) -> bytes:
    """The PDF, or NotFound when no certificate was issued (no recorded attendance)."""
    if not is_issued(registration):
        raise NotFound(_("修了証はまだ発行されていません。"))
    html = render_to_string(
        "trainings/print/certificate.html",
        {"registration": registration, "event": registration.event},
    )
    pdf = render_pdf(html, css=PRINT_CSS)
    audit.record(
        action=ACTION_CERTIFICATE_PRINTED,
        actor=actor,
        target=registration,
        detail={"event": registration.event_id},
    )
    return pdf
