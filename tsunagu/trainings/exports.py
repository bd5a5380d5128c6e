"""The registration list of an event as CSV for its organizer (the sign-in sheet of the day),
in the columns the attendance import reads back (trainings/imports.py): ログイン名 and 氏名 name
the worker, 出欠 is left to fill in.  Every cell goes through core/exports.py."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.audit import services as audit
from tsunagu.audit.actions import register_action
from tsunagu.core.actor import Actor
from tsunagu.trainings import imports, selectors
from tsunagu.trainings.models import RegistrationStatus, TrainingEvent

ACTION_EXPORTED = register_action(
    "training.registrations_exported", gettext_lazy("研修の申込者一覧の出力")
)


def filename(event: TrainingEvent) -> str:
    return f"研修申込者_{event.held_on:%Y%m%d}_{event.pk}.csv"


def registration_rows(
    actor: Actor, event: TrainingEvent
) -> tuple[list[str], list[Sequence[object]]]:
    """The header and the rows of the live registrations (registered first, then waiting)."""
    registrations = [
        r
        for r in selectors.event_registrations(actor, event)
        if r.status != RegistrationStatus.CANCELLED
    ]
    header = [
        imports.COLUMN_LOGIN,
        imports.COLUMN_NAME,
        _("所属（申込時）"),
        _("職種（申込時）"),
        _("状態"),
        imports.COLUMN_MARK,
    ]
    rows: list[Sequence[object]] = [
        [
            r.worker.username,
            r.worker.full_name,
            r.organization.name,
            r.get_job_title_display(),
            r.get_status_display(),
            r.get_attendance_display() if r.attendance else "",
        ]
        for r in registrations
    ]
    audit.record(
        action=ACTION_EXPORTED,
        actor=actor,
        target=event,
        detail={"registrations": [r.pk for r in registrations]},
    )
    return header, rows
