"""Attendance from an uploaded list (issue 18 item 1: "attendance taken on the day, also from
an uploaded list"), on the project's import pattern (core/imports.py): the file is read the
same way (CSV in UTF-8 or CP932, or xlsx), checked as a dry run with every problem shown as
(row, column, reason) in Japanese, and recorded all or nothing through the same service as
the attendance screen (`services.attendance_record`).

A row names one worker registered on the event, by login name (ログイン名) or by name (氏名)
as the registration list export prints it (trainings:registrations_export); with both, they
must agree.  The optional 出欠 column says 出席 or 欠席; empty is 出席, so a plain list of
who came is enough.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Forbidden, Invalid
from tsunagu.core.imports import ImportOutcome, RowProblem, file_digest, read_table
from tsunagu.trainings import access, services
from tsunagu.trainings.models import (
    Attendance,
    EventStatus,
    Registration,
    RegistrationStatus,
    TrainingEvent,
)

COLUMN_LOGIN = "ログイン名"
COLUMN_NAME = "氏名"
COLUMN_MARK = "出欠"
MARKS = {
    "出席": Attendance.ATTENDED.value,
    "attended": Attendance.ATTENDED.value,
    "欠席": Attendance.ABSENT.value,
    "absent": Attendance.ABSENT.value,
}


def _key(text: str) -> str:
    """A name or header as typed: full- and half-width alike, spaces ignored."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).casefold()


def _check_event(actor: Actor, event: TrainingEvent) -> None:
    if not access.is_organizer(actor, event):
        audit.record_denial(
            actor, target_type=access.EVENT, target_id=event.pk, reason="not organizer"
        )
        raise Forbidden(_("出欠を記録できるのは主催する基幹相談支援センターの職員です。"))
    if event.status == EventStatus.CANCELLED:
        raise Invalid(_("中止した研修の出欠は記録できません。"))
    if event.held_on > timezone.localdate():
        raise Invalid(_("出欠は開催日から記録できます。"))


def _columns(headers: list[str]) -> dict[str, str]:
    """Our column → the file's header, for the columns the file has."""
    wanted = {_key(c): c for c in (COLUMN_LOGIN, COLUMN_NAME, COLUMN_MARK)}
    found: dict[str, str] = {}
    for header in headers:
        ours = wanted.get(_key(header))
        if ours and ours not in found:
            found[ours] = header
    if COLUMN_LOGIN not in found and COLUMN_NAME not in found:
        raise Invalid(
            _(
                "列「%(login)s」か「%(name)s」が必要です。申込者一覧（CSV）と同じ見出しにしてください。"
            )
            % {"login": COLUMN_LOGIN, "name": COLUMN_NAME}
        )
    return found


def _match(
    row: dict[str, Any], columns: dict[str, str], live: list[Registration]
) -> tuple[Registration | None, list[tuple[str, str]]]:
    login = str(row.get(columns.get(COLUMN_LOGIN, ""), "") or "").strip()
    name = str(row.get(columns.get(COLUMN_NAME, ""), "") or "").strip()
    if not login and not name:
        column = COLUMN_LOGIN if COLUMN_LOGIN in columns else COLUMN_NAME
        return None, [(column, _("ログイン名か氏名を入れてください。"))]
    if login:
        found = [r for r in live if r.worker.username.casefold() == login.casefold()]
        if not found:
            return None, [
                (
                    COLUMN_LOGIN,
                    _("「%(value)s」はこの研修の申込者にいません。") % {"value": login[:40]},
                )
            ]
        registration = found[0]
        if name and _key(registration.worker.full_name) != _key(name):
            return None, [
                (
                    COLUMN_NAME,
                    _("氏名「%(name)s」がログイン名「%(login)s」の人と合いません。")
                    % {"name": name[:40], "login": login[:40]},
                )
            ]
        return registration, []
    found = [r for r in live if _key(r.worker.full_name) == _key(name)]
    if not found:
        return None, [
            (COLUMN_NAME, _("「%(value)s」はこの研修の申込者にいません。") % {"value": name[:40]})
        ]
    if len(found) > 1:
        return None, [
            (
                COLUMN_NAME,
                _("「%(value)s」という申込者が%(n)s人います。ログイン名で指定してください。")
                % {"value": name[:40], "n": len(found)},
            )
        ]
    return found[0], []


def attendance_import(
    actor: Actor, *, event: TrainingEvent, data: bytes, name: str, dry_run: bool
) -> ImportOutcome:
    """Check (dry run) or record the attendance of an uploaded list, all or nothing."""
    _check_event(actor, event)
    dataset = read_table(data)
    headers = list(dataset.headers or [])
    columns = _columns(headers)
    outcome = ImportOutcome(columns=headers, total=len(dataset))
    live = list(
        event.registrations.exclude(status=RegistrationStatus.CANCELLED).select_related("worker")
    )
    marks: dict[int, str] = {}
    seen: dict[int, int] = {}
    for line, row in enumerate(dataset.dict, start=2):
        registration, problems = _match(row, columns, live)
        mark_text = str(row.get(columns.get(COLUMN_MARK, ""), "") or "").strip()
        mark = MARKS.get(_key(mark_text), "") if mark_text else Attendance.ATTENDED.value
        if not mark:
            problems.append(
                (
                    COLUMN_MARK,
                    _("「%(value)s」は出欠として使えません。「出席」か「欠席」にしてください。")
                    % {"value": mark_text[:40]},
                )
            )
        if registration is not None:
            if registration.status != RegistrationStatus.REGISTERED:
                problems.append(
                    (
                        "",
                        _("%(name)sさんはキャンセル待ちです。出欠は記録できません。")
                        % {"name": registration.worker.full_name},
                    )
                )
            elif registration.pk in seen:
                problems.append(
                    ("", _("%(line)s行目と同じ受講者です。") % {"line": seen[registration.pk]})
                )
            elif mark == Attendance.ABSENT and registration.certificate_issued_on is not None:
                problems.append(("", _("修了証を発行した受講者を欠席にはできません。")))
            seen.setdefault(registration.pk, line)
        for column, message in problems:
            outcome.problems.append(RowProblem(line, column, message))
        if registration is not None and mark and not problems:
            marks[registration.pk] = mark
        outcome.rows.append(
            {
                "line": line,
                "values": dict(row),
                "problems": [p for p in outcome.problems if p.line == line],
            }
        )
    if dry_run or not outcome.ok:
        return outcome
    with audit.atomic():  # the service's refusal outlives the rollback (ADR 0009)
        services.attendance_record(
            actor,
            event=event,
            marks=marks,
            source={
                "import": {
                    "file_sha256": file_digest(data),
                    "file_name": name[:200],
                    "rows": outcome.total,
                }
            },
        )
    outcome.committed = True
    outcome.created_ids = sorted(marks)
    return outcome
