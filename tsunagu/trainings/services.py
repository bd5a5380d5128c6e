"""Writes of the trainings app: each runs in one transaction and writes its audit row there.

Registrations and cancellations lock the event row first (`select_for_update`), so that two
offices registering the last place, or a cancellation and a registration at once, are counted
one after the other: over capacity goes to the waiting list, and a place that frees up goes to
the first one waiting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.audit import services as audit
from tsunagu.audit.actions import register_action
from tsunagu.audit.models import Action
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Conflict, FieldErrors, Forbidden, Invalid
from tsunagu.core.validation import full_clean_fields
from tsunagu.expertise.models import Theme
from tsunagu.notifications.models import NotificationKind
from tsunagu.notifications.services import notify
from tsunagu.organizations.models import Membership, Organization
from tsunagu.records.services import attachment_check, attachments_stored
from tsunagu.trainings import access
from tsunagu.trainings.models import (
    ANSWER_TEXT_MAX,
    Attendance,
    EventStatus,
    QuestionnaireAnswer,
    Registration,
    RegistrationStatus,
    TrainingEvent,
    TrainingMaterial,
)

ACTION_REGISTERED = register_action("training.registered", gettext_lazy("研修の申込"))
ACTION_CANCELLED = register_action("training.cancelled", gettext_lazy("研修の申込の取り消し"))
ACTION_PROMOTED = register_action(
    "training.promoted", gettext_lazy("研修のキャンセル待ちからの繰り上げ")
)
ACTION_ATTENDANCE = register_action("training.attendance", gettext_lazy("研修の出欠の記録"))
ACTION_CERTIFICATE = register_action("training.certificate", gettext_lazy("研修の修了証の発行"))
ACTION_ANNOUNCED = register_action("training.announced", gettext_lazy("研修の募集の通知"))
ACTION_ANSWERED = register_action(
    "training.questionnaire_answered", gettext_lazy("研修アンケートへの回答")
)
ACTION_MATERIAL_ADDED = register_action("training.material_added", gettext_lazy("研修資料の追加"))
ACTION_MATERIAL_DELETED = register_action(
    "training.material_deleted", gettext_lazy("研修資料の削除")
)

EVENT_FIELDS = (
    "theme",
    "kind",
    "held_on",
    "starts_at",
    "ends_at",
    "format",
    "place",
    "lecturers",
    "target_kinds",
    "target_job_titles",
    "themes",
    "capacity",
)


def _check_theme(fields: dict[str, Any]) -> None:
    if "theme" in fields:
        fields["theme"] = str(fields["theme"]).strip()
        if not fields["theme"]:
            raise FieldErrors({"theme": _("テーマを入力してください。")})


def _check_times(starts_at: dt.time, ends_at: dt.time) -> None:
    if ends_at <= starts_at:
        raise FieldErrors({"ends_at": _("終了時刻は開始時刻より後にします。")})


def _check_themes(fields: dict[str, Any], name: str = "themes") -> None:
    if name in fields:
        values = [str(getattr(v, "value", v)) for v in fields[name] or []]
        if any(v not in Theme.values for v in values):
            raise FieldErrors({name: _("分野の選び方が正しくありません。")})
        fields[name] = [v for v in Theme.values if v in set(values)]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def _require_organizer(actor: Actor) -> None:
    if not access.may_organize(actor):
        audit.record_denial(actor, target_type=access.EVENT, reason="not the core center")
        raise Forbidden(_("研修を作成できるのは基幹相談支援センターの職員です。"))


@audit.atomic_with_refusals
def event_create(
    actor: Actor,
    *,
    co_organizers: Iterable[Organization] = (),
    status: str = EventStatus.DRAFT,
    **fields: Any,
) -> TrainingEvent:
    _require_organizer(actor)
    assert actor.organization is not None  # noqa: S101  # may_organize says so
    if status not in (EventStatus.DRAFT, EventStatus.ANNOUNCED):
        raise FieldErrors({"status": _("新しい研修は「準備中」か「募集中」で作ります。")})
    _check_theme(fields)
    _check_themes(fields)
    _check_times(fields["starts_at"], fields["ends_at"])
    event = TrainingEvent(
        organizer=actor.organization, created_by=actor.user, status=status, **fields
    )
    full_clean_fields(event)
    event.save()
    event.co_organizers.set([o for o in co_organizers if o.pk != actor.organization_id])
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=event,
        detail={name: _plain(getattr(event, name)) for name in (*EVENT_FIELDS, "status")},
    )
    if event.status == EventStatus.ANNOUNCED:
        _announce(actor, event)
    return event


@audit.atomic_with_refusals
def event_update(
    actor: Actor,
    *,
    event: TrainingEvent,
    co_organizers: Iterable[Organization] | None = None,
    **fields: Any,
) -> TrainingEvent:
    """Change what is given; a larger capacity moves the first ones waiting up."""
    if not access.is_organizer(actor, event):
        audit.record_denial(
            actor, target_type=access.EVENT, target_id=event.pk, reason="not organizer"
        )
        raise Forbidden(_("研修を変更できるのは主催する基幹相談支援センターの職員です。"))
    event = TrainingEvent.objects.select_for_update().get(pk=event.pk)
    before = {name: _plain(getattr(event, name)) for name in (*EVENT_FIELDS, "status")}
    was = event.status
    status = fields.get("status", event.status)
    if status == EventStatus.HELD and event.status != EventStatus.HELD:
        raise FieldErrors({"status": _("「開催済み」は出欠を記録すると付きます。")})
    live = event.registrations.exclude(status=RegistrationStatus.CANCELLED)
    if status == EventStatus.DRAFT and event.status != EventStatus.DRAFT and live.exists():
        raise FieldErrors({"status": _("申込のある研修は「準備中」に戻せません。")})
    registered = live.filter(status=RegistrationStatus.REGISTERED).count()
    capacity = fields.get("capacity", event.capacity)
    if capacity is not None and capacity < registered:
        raise FieldErrors(
            {
                "capacity": _("定員は参加予定の人数（%(n)s人）より少なくできません。")
                % {"n": registered}
            }
        )
    _check_theme(fields)
    _check_themes(fields)
    for name, value in fields.items():
        setattr(event, name, value)
    _check_times(event.starts_at, event.ends_at)
    full_clean_fields(event)
    event.save()
    if co_organizers is not None:
        event.co_organizers.set([o for o in co_organizers if o.pk != event.organizer_id])
    after = {name: _plain(getattr(event, name)) for name in (*EVENT_FIELDS, "status")}
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=event,
        detail={"changed": {k: [before[k], after[k]] for k in after if before[k] != after[k]}},
    )
    if was == EventStatus.DRAFT and event.status == EventStatus.ANNOUNCED:
        _announce(actor, event)
    _move_up(actor, event)
    return event


def announcement_recipients(event: TrainingEvent) -> list[Membership]:
    """The current members the event is for: of organizations with accounts of its target
    kinds, in its target job titles (an empty list of either means everyone)."""
    members = Membership.objects.current().filter(
        organization__has_accounts=True, organization__is_active=True, user__is_active=True
    )
    if event.target_kinds:
        members = members.filter(organization__kind__in=event.target_kinds)
    if event.target_job_titles:
        members = members.filter(job_title__in=event.target_job_titles)
    return list(members.select_related("user", "organization").order_by("user__username"))


def _announce(actor: Actor, event: TrainingEvent) -> None:
    """Tell the members of the targeted organizations that registration has opened: once,
    when the event leaves its draft (a closed event opened again tells nobody again)."""
    recipients = announcement_recipients(event)
    sent = notify(
        recipients=[m.user for m in recipients],
        kind=NotificationKind.TRAINING_ANNOUNCED,
        target=event,
        caused_by=actor.user,
    )
    audit.record(
        action=ACTION_ANNOUNCED,
        actor=actor,
        target=event,
        detail={
            "recipients": len(sent),
            "organizations": sorted({m.organization_id for m in recipients}),
        },
    )


def _move_up(actor: Actor, event: TrainingEvent) -> list[Registration]:
    """Fill free places from the waiting list, first come first; the event row is locked."""
    registered = event.registrations.filter(status=RegistrationStatus.REGISTERED).count()
    free = event.capacity - registered
    if free <= 0:
        return []
    waiting = list(
        event.registrations.select_for_update()
        .filter(status=RegistrationStatus.WAITING)
        .order_by("created_at", "pk")[:free]
    )
    for registration in waiting:
        registration.status = RegistrationStatus.REGISTERED
        registration.save(update_fields=["status", "updated_at"])
        audit.record(
            action=ACTION_PROMOTED,
            actor=actor,
            organization=registration.organization,
            target=registration,
            detail={"event": event.pk},
        )
    return waiting


@audit.atomic_with_refusals
def registration_create(
    actor: Actor, *, event: TrainingEvent, membership: Membership
) -> Registration:
    """Register `membership`'s worker; over capacity they wait.  Refused if the actor may not
    register them (403), if the event takes no registrations, or if the worker is already on
    it (409)."""
    if not access.registrable_members(actor).filter(pk=membership.pk).exists():
        audit.record_denial(
            actor, target_type=access.EVENT, target_id=event.pk, reason="may not register"
        )
        raise Forbidden(_("申し込めるのは自分の事業所の職員です（基幹相談支援センターは全員）。"))
    event = TrainingEvent.objects.select_for_update().get(pk=event.pk)
    if event.status != EventStatus.ANNOUNCED:
        raise Invalid(_("この研修は申込を受け付けていません。"))
    if (
        event.registrations.filter(worker_id=membership.user_id)
        .exclude(status=RegistrationStatus.CANCELLED)
        .exists()
    ):
        raise Conflict(_("この職員はすでに申し込まれています。"))
    registered = event.registrations.filter(status=RegistrationStatus.REGISTERED).count()
    status = (
        RegistrationStatus.REGISTERED if registered < event.capacity else RegistrationStatus.WAITING
    )
    registration = Registration.objects.create(
        event=event,
        worker_id=membership.user_id,
        organization_id=membership.organization_id,
        job_title=membership.job_title,
        status=status,
        registered_by=actor.user,
    )
    audit.record(
        action=ACTION_REGISTERED,
        actor=actor,
        target=registration,
        detail={"event": event.pk, "status": status, "organization": membership.organization_id},
    )
    return registration


@audit.atomic_with_refusals
def registration_cancel(actor: Actor, *, registration: Registration) -> Registration:
    """Cancel; a place freed goes to the first one waiting, in the same transaction."""
    if not access.may_cancel(actor, registration):
        audit.record_denial(
            actor,
            target_type=access.REGISTRATION,
            target_id=registration.pk,
            reason="may not cancel",
        )
        raise Forbidden(_("取り消せるのは申し込んだ事業所、本人、主催者です。"))
    event = TrainingEvent.objects.select_for_update().get(pk=registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == RegistrationStatus.CANCELLED:
        raise Conflict(_("この申込はすでに取り消されています。"))
    if registration.attendance:
        raise Invalid(_("出欠を記録した申込は取り消せません。"))
    was = registration.status
    registration.status = RegistrationStatus.CANCELLED
    registration.save(update_fields=["status", "updated_at"])
    audit.record(
        action=ACTION_CANCELLED,
        actor=actor,
        target=registration,
        detail={"event": event.pk, "was": was},
    )
    _move_up(actor, event)
    return registration


@audit.atomic_with_refusals
def attendance_record(
    actor: Actor,
    *,
    event: TrainingEvent,
    marks: Mapping[int, str],
    source: Mapping[str, Any] | None = None,
) -> TrainingEvent:
    """Record attended / absent per registration (registration id → mark), on or after the
    day; the event is then held.  `source` (an uploaded list: its digest and name) goes into
    the audit row."""
    if not access.is_organizer(actor, event):
        audit.record_denial(
            actor, target_type=access.EVENT, target_id=event.pk, reason="not organizer"
        )
        raise Forbidden(_("出欠を記録できるのは主催する基幹相談支援センターの職員です。"))
    event = TrainingEvent.objects.select_for_update().get(pk=event.pk)
    if event.status == EventStatus.CANCELLED:
        raise Invalid(_("中止した研修の出欠は記録できません。"))
    if event.held_on > timezone.localdate():
        raise Invalid(_("出欠は開催日から記録できます。"))
    allowed = {Attendance.ATTENDED.value, Attendance.ABSENT.value}
    registrations = {
        r.pk: r
        for r in event.registrations.select_for_update().filter(
            status=RegistrationStatus.REGISTERED
        )
    }
    unknown = [pk for pk in marks if pk not in registrations]
    if unknown:
        raise Invalid(_("この研修の参加予定者ではない申込が含まれています。"))
    if any(mark not in allowed for mark in marks.values()):
        raise Invalid(_("出欠は「出席」か「欠席」で記録します。"))
    changed = {}
    for pk, mark in marks.items():
        registration = registrations[pk]
        if registration.attendance == mark:
            continue
        if registration.certificate_issued_on and mark != Attendance.ATTENDED:
            raise Invalid(_("修了証を発行した受講者を欠席にはできません。"))
        registration.attendance = mark
        registration.save(update_fields=["attendance", "updated_at"])
        changed[str(pk)] = mark
    if event.status != EventStatus.HELD:
        event.status = EventStatus.HELD
        event.save(update_fields=["status", "updated_at"])
    audit.record(
        action=ACTION_ATTENDANCE,
        actor=actor,
        target=event,
        detail={"marks": changed, **(source or {})},
    )
    return event


@audit.atomic_with_refusals
def certificates_issue(actor: Actor, *, event: TrainingEvent) -> list[Registration]:
    """Issue a certificate of completion to each attendee who has none yet; only recorded
    attendance earns one."""
    if not access.is_organizer(actor, event):
        audit.record_denial(
            actor, target_type=access.EVENT, target_id=event.pk, reason="not organizer"
        )
        raise Forbidden(_("修了証を発行できるのは主催する基幹相談支援センターの職員です。"))
    event = TrainingEvent.objects.select_for_update().get(pk=event.pk)
    attended = event.registrations.select_for_update().filter(
        status=RegistrationStatus.REGISTERED, attendance=Attendance.ATTENDED
    )
    if not attended.exists():
        raise Invalid(_("出席が記録された受講者がいません。先に出欠を記録してください。"))
    issued = list(attended.filter(certificate_issued_on__isnull=True))
    today = timezone.localdate()
    for registration in issued:
        registration.certificate_issued_on = today
        registration.save(update_fields=["certificate_issued_on", "updated_at"])
    audit.record(
        action=ACTION_CERTIFICATE,
        actor=actor,
        target=event,
        detail={"registrations": [r.pk for r in issued]},
    )
    return issued


# --- The questionnaire after the event --------------------------------------------------------


@audit.atomic_with_refusals
def questionnaire_answer(
    actor: Actor,
    *,
    registration: Registration,
    satisfaction: int,
    usefulness: int | None = None,
    comment: str = "",
    topics_wanted: str = "",
    topic_themes: Sequence[str] = (),
) -> None:
    """Record the attendee's answer, once, anonymously: the answer row names the event only,
    and the registration is marked as answered in the same transaction.  Returns nothing, so
    that no caller (screen or API) can hand the answer's key back next to the person."""
    if registration.worker_id != actor.user.pk or not actor.can_write:
        audit.record_denial(
            actor,
            target_type=access.REGISTRATION,
            target_id=registration.pk,
            reason="not the attendee",
        )
        raise Forbidden(_("アンケートに答えられるのは出席した本人です。"))
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.event.status != EventStatus.HELD or not (
        registration.status == RegistrationStatus.REGISTERED
        and registration.attendance == Attendance.ATTENDED
    ):
        raise Invalid(_("アンケートは研修に出席した人が開催後に答えます。"))
    if registration.questionnaire_answered:
        raise Conflict(_("この研修のアンケートにはすでに回答しています。"))
    errors: dict[str, str] = {}
    if satisfaction not in range(1, 6):
        errors["satisfaction"] = _("満足度は1から5で選んでください。")
    if usefulness is not None and usefulness not in range(1, 6):
        errors["usefulness"] = _("業務への役立ちは1から5で選んでください。")
    texts = {
        "comment": str(comment or "").strip(),
        "topics_wanted": str(topics_wanted or "").strip(),
    }
    for name, text in texts.items():
        if len(text) > ANSWER_TEXT_MAX:
            errors[name] = _("%(max)s文字までで書いてください。") % {"max": ANSWER_TEXT_MAX}
        if "\x00" in text:
            errors[name] = _("使えない文字が含まれています。")
    fields: dict[str, Any] = {"topic_themes": list(topic_themes)}
    try:
        _check_themes(fields, "topic_themes")
    except FieldErrors as exc:
        errors.update(exc.errors)
    if errors:
        raise FieldErrors(errors)
    QuestionnaireAnswer.objects.create(
        event_id=registration.event_id,
        satisfaction=satisfaction,
        usefulness=usefulness,
        topic_themes=fields["topic_themes"],
        **texts,
    )
    registration.questionnaire_answered = True
    registration.save(update_fields=["questionnaire_answered", "updated_at"])
    # Who answered, for which event: never the answer's key or what was answered.
    audit.record(
        action=ACTION_ANSWERED,
        actor=actor,
        target=registration,
        detail={"event": registration.event_id},
    )


# --- Materials ---------------------------------------------------------------------------------


@audit.atomic_with_refusals
def materials_add(
    actor: Actor, *, event: TrainingEvent, files: Sequence[UploadedFile]
) -> list[TrainingMaterial]:
    """Attach files to an event (its organizer).  Every file is checked as note attachments
    are (records.services.attachment_check: type from the bytes, size, no polyglots, no
    active PDF); one refused file refuses them all."""
    if not access.is_organizer(actor, event):
        audit.record_denial(
            actor, target_type=access.EVENT, target_id=event.pk, reason="not organizer"
        )
        raise Forbidden(_("資料を追加できるのは主催する基幹相談支援センターの職員です。"))
    if not files:
        raise Invalid(_("ファイルを選んでください。"))
    if event.materials.count() + len(files) > access.MATERIALS_MAX:
        raise Invalid(_("資料は1つの研修に%(max)s件までです。") % {"max": access.MATERIALS_MAX})
    checked = [attachment_check(upload) for upload in files]
    with attachments_stored(
        TrainingMaterial, checked, uploaded_by=actor.user, event=event
    ) as stored:
        audit.record(
            action=ACTION_MATERIAL_ADDED,
            actor=actor,
            target=event,
            detail={
                "materials": [m.pk for m in stored],
                "names": [m.original_name for m in stored],
                "sha256": [m.sha256 for m in stored],
            },
        )
    return stored


@audit.atomic_with_refusals
def material_delete(actor: Actor, *, material: TrainingMaterial) -> None:
    """Remove a material (its event's organizer); the file leaves the disk once committed."""
    if not access.is_organizer(actor, material.event):
        audit.record_denial(
            actor, target_type=access.MATERIAL, target_id=material.pk, reason="not organizer"
        )
        raise Forbidden(_("資料を削除できるのは主催する基幹相談支援センターの職員です。"))
    audit.record(
        action=ACTION_MATERIAL_DELETED,
        actor=actor,
        target=material,
        detail={
            "event": material.event_id,
            "original_name": material.original_name,
            "sha256": material.sha256,
        },
    )
    storage, name = material.file.storage, material.file.name
    material.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
