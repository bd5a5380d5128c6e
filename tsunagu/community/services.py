"""Writes of the community app: each takes an Actor, checks its right, saves after
`full_clean`, and writes its audit row in the same transaction."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tsunagu.accounts.models import User
from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.cases import services as cases
from tsunagu.cases.access import consultations_visible_to
from tsunagu.cases.models import Channel, Consultation, ConsultationOutcome, Consulter
from tsunagu.cases.selectors import emergency_reviewer_choices
from tsunagu.community import access
from tsunagu.community.models import (
    PARTICIPANT_FIELDS,
    QUESTIONS,
    ActivityKind,
    Audience,
    AwarenessEvent,
    AwarenessMaterial,
    AwarenessTheme,
    CloseReason,
    CommunityActivity,
    LeadBasis,
    LeadStatus,
    OutreachLead,
    WorriedBy,
)
from tsunagu.core.actor import Actor
from tsunagu.core.errors import FieldErrors, Invalid
from tsunagu.core.validation import full_clean
from tsunagu.meetings.models import CommunityIssue
from tsunagu.meetings.selectors import issues_visible_to
from tsunagu.organizations.models import Area, Organization
from tsunagu.records.services import attachment_check, attachments_stored

ACTIVITY_FIELDS = (
    "kind",
    "held_on",
    "title",
    "area",
    "informal_partners",
    *(name for name, _label in PARTICIPANT_FIELDS),
    "description",
    "consultation",
    "resource_found",
    "community_issue",
)
MAX_COUNT = 100_000
NOT_OWNER = gettext_noop("記録した機関だけが変更できます。")
# What a lead's label and worry may not hold: a phone number, a postal code, a long number.
PERSONAL_PATTERNS = (
    re.compile(r"\d{2,4}[-‐ー－]\d{2,4}[-‐ー－]\d{3,4}"),
    re.compile(r"〒|\d{3}[-‐ー－]\d{4}"),
    re.compile(r"\d{6,}"),
)

# Who is worried → who consulted, on the consultation a lead becomes.
CONSULTER_OF = {
    WorriedBy.WELFARE_COMMISSIONER: Consulter.WELFARE_COMMISSIONER,
    WorriedBy.NEIGHBOR: Consulter.NEIGHBOR,
    WorriedBy.FAMILY: Consulter.FAMILY,
    WorriedBy.SCHOOL: Consulter.AGENCY,
    WorriedBy.ELDERLY_CENTER: Consulter.AGENCY,
    WorriedBy.AGENCY: Consulter.AGENCY,
    WorriedBy.OTHER: Consulter.OTHER,
}


# --- Activities -------------------------------------------------------------------------------


def _counts(values: Mapping[str, Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name, _label in PARTICIPANT_FIELDS:
        raw = values.get(name) or 0
        if not isinstance(raw, int) or not 0 <= raw <= MAX_COUNT:
            raise FieldErrors({name: _("人数は0から100000の整数で入力してください。")})
        counts[name] = raw
    return counts


def _check_links(
    actor: Actor, consultation: Consultation | None, issue: CommunityIssue | None
) -> None:
    if consultation is not None and not (
        consultations_visible_to(actor).filter(pk=consultation.pk).exists()
    ):
        raise FieldErrors({"consultation": _("選んだ相談は見つかりません。")})
    if issue is not None and not issues_visible_to(actor).filter(pk=issue.pk).exists():
        raise FieldErrors({"community_issue": _("選んだ地域課題は見つかりません。")})


def _fill(
    actor: Actor, activity: CommunityActivity, fields: Mapping[str, Any]
) -> CommunityActivity:
    kind = fields.get("kind")
    if kind not in ActivityKind.values:
        raise FieldErrors({"kind": _("活動の種類を選んでください。")})
    title = str(fields.get("title") or "").strip()
    if not title:
        raise FieldErrors({"title": _("活動名を入力してください。")})
    held_on = fields.get("held_on")
    if not isinstance(held_on, dt.date):
        raise FieldErrors({"held_on": _("実施日を入力してください。")})
    if held_on > timezone.localdate():
        raise FieldErrors({"held_on": _("実施日に未来の日付は指定できません。")})
    area = fields.get("area")
    if not isinstance(area, Area):
        raise FieldErrors({"area": _("地域を選んでください。")})
    consultation = fields.get("consultation")
    issue = fields.get("community_issue")
    _check_links(actor, consultation, issue)
    activity.kind = kind
    activity.title = title
    activity.held_on = held_on
    activity.area = area
    activity.informal_partners = str(fields.get("informal_partners") or "").strip()
    activity.description = str(fields.get("description") or "").strip()
    activity.resource_found = str(fields.get("resource_found") or "").strip()
    activity.consultation = consultation
    activity.community_issue = issue
    for name, value in _counts(fields).items():
        setattr(activity, name, value)
    full_clean(activity, exclude=["organization", "recorded_by"])
    return activity


def _detail(activity: CommunityActivity) -> dict[str, Any]:
    return {
        "kind": activity.kind,
        "held_on": activity.held_on,
        "area": activity.area_id,
        "partners": sorted(activity.partners.values_list("pk", flat=True)),
        "participants": {n: getattr(activity, n) for n, _label in PARTICIPANT_FIELDS},
        "consultation": activity.consultation_id,
        "community_issue": activity.community_issue_id,
        "resource_found": bool(activity.resource_found),
    }


def _person_ids(activity: CommunityActivity) -> list[int]:
    consultation = activity.consultation
    if consultation is None or consultation.person_id is None:
        return []
    return [consultation.person_id]


@audit.atomic_with_refusals
def activity_create(
    actor: Actor, *, partners: Iterable[Organization] = (), **fields: Any
) -> CommunityActivity:
    actor = audit.require_writer(actor, target_type=access.ACTIVITY, deferred=True)
    assert actor.organization is not None  # noqa: S101  # require_writer says so
    activity = _fill(
        actor,
        CommunityActivity(organization=actor.organization, recorded_by=actor.user),
        fields,
    )
    activity.save()
    activity.partners.set(list(partners))
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=activity,
        detail=_detail(activity),
        person_ids=_person_ids(activity),
    )
    return activity


@audit.atomic_with_refusals
def activity_update(
    actor: Actor,
    *,
    activity: CommunityActivity,
    partners: Iterable[Organization] = (),
    **fields: Any,
) -> CommunityActivity:
    if activity.organization_id != actor.organization_id:
        raise audit.refusal(
            actor,
            target=activity,
            reason="not the owner",
            message=_(NOT_OWNER),
        )
    audit.require_writer(actor, target=activity, deferred=True)
    if (
        activity.kind == ActivityKind.AWARENESS
        and fields.get("kind") != ActivityKind.AWARENESS
        and AwarenessEvent.objects.filter(activity=activity).exists()
    ):
        raise FieldErrors({"kind": _("普及啓発の記録がある活動の種類は変えられません。")})
    before = _detail(activity)
    _fill(actor, activity, fields)
    activity.save()
    activity.partners.set(list(partners))
    after = _detail(activity)
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=activity,
        detail={"changed": {k: [before[k], after[k]] for k in after if before[k] != after[k]}},
        person_ids=_person_ids(activity),
    )
    return activity


# --- Awareness --------------------------------------------------------------------------------


def questionnaire_clean(raw: object) -> dict[str, dict[str, int]]:
    """The questionnaire's counts, keyed by QUESTIONS only; anything else is refused."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise FieldErrors({"questionnaire": _("アンケートの結果の形が正しくありません。")})
    known = {key: {a for a, _label in answers} for key, _q, answers in QUESTIONS}
    cleaned: dict[str, dict[str, int]] = {}
    for key, answers in raw.items():
        if key not in known or not isinstance(answers, Mapping):
            raise FieldErrors({"questionnaire": _("アンケートに無い設問があります。")})
        row: dict[str, int] = {}
        for answer, count in answers.items():
            if answer not in known[key]:
                raise FieldErrors({"questionnaire": _("アンケートに無い回答があります。")})
            if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= MAX_COUNT:
                raise FieldErrors({"questionnaire": _("回答数は0以上の整数で入力してください。")})
            if count:
                row[str(answer)] = count
        if row:
            cleaned[str(key)] = row
    return cleaned


def _awareness_fill(
    event: AwarenessEvent,
    *,
    theme: object,
    audiences: Iterable[str],
    supporters_completed: int,
    questionnaire: object,
) -> None:
    if theme not in AwarenessTheme.values:
        raise FieldErrors({"theme": _("テーマを選んでください。")})
    chosen = set(audiences)
    if chosen - set(Audience.values):
        raise FieldErrors({"audiences": _("対象に不明な値があります。")})
    if not chosen:
        raise FieldErrors({"audiences": _("対象を選んでください。")})
    if not isinstance(supporters_completed, int) or not 0 <= supporters_completed <= MAX_COUNT:
        raise FieldErrors({"supporters_completed": _("人数は0以上の整数で入力してください。")})
    if supporters_completed and theme != AwarenessTheme.SUPPORTER_TRAINING:
        raise FieldErrors(
            {
                "supporters_completed": _(
                    "障がい者サポーターの修了者は、サポーター研修のときだけ数えます。"
                )
            }
        )
    event.theme = str(theme)
    event.audiences = [a for a in Audience.values if a in chosen]
    event.supporters_completed = supporters_completed
    event.questionnaire = questionnaire_clean(questionnaire)


@audit.atomic_with_refusals
def awareness_create(
    actor: Actor,
    *,
    theme: str,
    audiences: Iterable[str],
    supporters_completed: int = 0,
    questionnaire: object = None,
    partners: Iterable[Organization] = (),
    **fields: Any,
) -> AwarenessEvent:
    """An awareness event: the activity (kind 普及啓発) and its theme, audiences and results."""
    activity = activity_create(
        actor, partners=partners, **{**fields, "kind": ActivityKind.AWARENESS}
    )
    event = AwarenessEvent(activity=activity)
    _awareness_fill(
        event,
        theme=theme,
        audiences=audiences,
        supporters_completed=supporters_completed,
        questionnaire=questionnaire,
    )
    full_clean(event, exclude=["activity"])
    event.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=event,
        detail={
            "activity": activity.pk,
            "theme": event.theme,
            "audiences": event.audiences,
            "supporters_completed": event.supporters_completed,
            "questionnaire": event.questionnaire,
        },
    )
    return event


@audit.atomic_with_refusals
def awareness_update(
    actor: Actor,
    *,
    event: AwarenessEvent,
    theme: str,
    audiences: Iterable[str],
    supporters_completed: int = 0,
    questionnaire: object = None,
) -> AwarenessEvent:
    """The theme, audiences and results (the questionnaire is often counted afterwards)."""
    activity = event.activity
    if activity.organization_id != actor.organization_id:
        raise audit.refusal(
            actor,
            target=event,
            reason="not the owner",
            message=_(NOT_OWNER),
        )
    audit.require_writer(actor, target=event, deferred=True)
    before = {
        "theme": event.theme,
        "audiences": event.audiences,
        "supporters_completed": event.supporters_completed,
        "questionnaire": event.questionnaire,
    }
    _awareness_fill(
        event,
        theme=theme,
        audiences=audiences,
        supporters_completed=supporters_completed,
        questionnaire=questionnaire,
    )
    full_clean(event, exclude=["activity"])
    event.save()
    after = {
        "theme": event.theme,
        "audiences": event.audiences,
        "supporters_completed": event.supporters_completed,
        "questionnaire": event.questionnaire,
    }
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=event,
        detail={"changed": {k: [before[k], after[k]] for k in after if before[k] != after[k]}},
    )
    return event


@audit.atomic_with_refusals
def materials_add(
    actor: Actor, *, event: AwarenessEvent, files: Sequence[UploadedFile]
) -> list[AwarenessMaterial]:
    """Attach handouts to an awareness event (its organization), each file checked as note
    attachments are (records.services.attachment_check); one refused file refuses them all."""
    if event.activity.organization_id != actor.organization_id or not actor.can_write:
        raise audit.refusal(
            actor,
            target=event,
            reason="not the owner",
            message=_("資料を追加できるのは記録した機関の職員です。"),
        )
    if not files:
        raise Invalid(_("ファイルを選んでください。"))
    if event.materials.count() + len(files) > access.MATERIALS_MAX:
        raise Invalid(_("資料は1つの普及啓発に%(max)s件までです。") % {"max": access.MATERIALS_MAX})
    checked = [attachment_check(upload) for upload in files]
    with attachments_stored(
        AwarenessMaterial, checked, uploaded_by=actor.user, event=event
    ) as stored:
        audit.record(
            action=Action.RECORD_CREATED,
            actor=actor,
            target_type=access.MATERIAL,
            target_id=",".join(str(m.pk) for m in stored)[:64],
            detail={
                "event": event.pk,
                "names": [m.original_name for m in stored],
                "sha256": [m.sha256 for m in stored],
            },
        )
    return stored


# --- Outreach ---------------------------------------------------------------------------------


def _no_personal_details(field: str, text: str) -> None:
    if any(p.search(text) for p in PERSONAL_PATTERNS):
        raise FieldErrors(
            {field: _("電話番号・郵便番号・番号のような個人の情報は書かないでください。")}
        )


def _check_reviewer(actor: Actor, reviewer: User | None) -> None:
    if reviewer is None:
        raise FieldErrors(
            {"reviewer": _("緊急の根拠を確認する基幹相談支援センターの職員を選んでください。")}
        )
    if reviewer.pk == actor.user.pk:
        raise FieldErrors(
            {"reviewer": _("自分を確認者にはできません。ほかの職員を選んでください。")}
        )
    if not emergency_reviewer_choices().filter(pk=reviewer.pk).exists():
        raise FieldErrors({"reviewer": _("確認者は基幹相談支援センターの職員から選んでください。")})


def _check_basis(
    actor: Actor,
    *,
    basis: object,
    received_on: dt.date,
    consent_given_on: dt.date | None,
    emergency_ends_on: dt.date | None,
    reviewer: User | None,
) -> None:
    if basis == LeadBasis.CONSENT:
        if consent_given_on is None:
            raise FieldErrors({"consent_given_on": _("同意を得た日を入力してください。")})
        if consent_given_on > timezone.localdate():
            raise FieldErrors({"consent_given_on": _("同意を得た日に未来の日付は指定できません。")})
    elif basis == LeadBasis.EMERGENCY:
        days = settings.EMERGENCY_BASIS_DAYS
        if emergency_ends_on is None:
            raise FieldErrors({"emergency_ends_on": _("緊急の根拠の終了日を入力してください。")})
        if not received_on <= emergency_ends_on <= received_on + dt.timedelta(days=days):
            raise FieldErrors(
                {
                    "emergency_ends_on": _(
                        "緊急の根拠の終了日は、受けた日から%(days)s日以内にしてください。"
                    )
                    % {"days": days}
                }
            )
        _check_reviewer(actor, reviewer)
    else:
        raise FieldErrors({"basis": _("記録の根拠を選んでください。")})


@audit.atomic_with_refusals
def lead_create(
    actor: Actor,
    *,
    label: str,
    area: Area,
    worried_by: str,
    concern: str,
    received_on: dt.date,
    basis: str,
    worried_by_organization: Organization | None = None,
    consent_given_on: dt.date | None = None,
    consent_confirmed_by: str = "",
    emergency_ends_on: dt.date | None = None,
    reviewer: User | None = None,
) -> OutreachLead:
    """A lead with the least personal data: a label, the area, who is worried and why, and the
    basis on which the center keeps it (the person's consent, or an emergency that ends)."""
    actor = audit.require_writer(actor, target_type=access.LEAD, deferred=True)
    assert actor.organization is not None  # noqa: S101  # require_writer says so
    label, concern = label.strip(), concern.strip()
    if not label:
        raise FieldErrors({"label": _("呼び名（イニシャルなど）を入力してください。")})
    if not concern:
        raise FieldErrors({"concern": _("心配していることを入力してください。")})
    _no_personal_details("label", label)
    _no_personal_details("concern", concern)
    if worried_by not in WorriedBy.values:
        raise FieldErrors({"worried_by": _("心配している人を選んでください。")})
    if received_on > timezone.localdate():
        raise FieldErrors({"received_on": _("受けた日に未来の日付は指定できません。")})
    _check_basis(
        actor,
        basis=basis,
        received_on=received_on,
        consent_given_on=consent_given_on,
        emergency_ends_on=emergency_ends_on,
        reviewer=reviewer,
    )
    consenting = basis == LeadBasis.CONSENT
    lead = OutreachLead(
        organization=actor.organization,
        label=label,
        area=area,
        worried_by=worried_by,
        worried_by_organization=worried_by_organization,
        concern=concern,
        received_on=received_on,
        basis=basis,
        consent_given_on=consent_given_on if consenting else None,
        consent_confirmed_by=consent_confirmed_by.strip() if consenting else "",
        emergency_ends_on=None if consenting else emergency_ends_on,
        reviewer=None if consenting else reviewer,
        recorded_by=actor.user,
    )
    full_clean(lead, constraints=True)
    lead.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=lead,
        detail={
            "basis": basis,
            "area": area.pk,
            "worried_by": worried_by,
            "emergency_ends_on": lead.emergency_ends_on,
            "reviewer": lead.reviewer_id,
        },
    )
    return lead


def _open_lead(actor: Actor, lead: OutreachLead, reason: str) -> Actor:
    if lead.organization_id != actor.organization_id:
        raise audit.refusal(
            actor,
            target=lead,
            reason="not the owner",
            message=_(NOT_OWNER),
        )
    audit.require_writer(actor, target=lead, deferred=True)
    if lead.status != LeadStatus.OPEN:
        raise Invalid(_("このアウトリーチはすでに終わっています。"))
    return actor


def _basis_holds(lead: OutreachLead, day: dt.date) -> None:
    if not lead.basis_holds_on(day):
        raise Invalid(
            _(
                "緊急の根拠の期限が過ぎています。本人の同意を記録するか、"
                "理由を選んで終了してください。"
            ),
            code="basis_ended",
        )


@audit.atomic_with_refusals
def lead_contact(actor: Actor, *, lead: OutreachLead, on: dt.date) -> OutreachLead:
    """The day the center first met or talked with the person (the time to first contact)."""
    _open_lead(actor, lead, "contact")
    _basis_holds(lead, timezone.localdate())
    if lead.first_contact_on is not None:
        raise Invalid(_("初めて会えた日はすでに記録されています。"))
    if on > timezone.localdate():
        raise FieldErrors({"on": _("未来の日付は指定できません。")})
    if on < lead.received_on:
        raise FieldErrors({"on": _("受けた日より前の日付は指定できません。")})
    lead.first_contact_on = on
    full_clean(lead, constraints=True)
    lead.save(update_fields=["first_contact_on", "updated_at"])
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=lead,
        detail={"first_contact_on": on, "days": lead.days_to_first_contact},
    )
    return lead


@audit.atomic_with_refusals
def lead_consent(
    actor: Actor, *, lead: OutreachLead, given_on: dt.date, confirmed_by: str = ""
) -> OutreachLead:
    """The person agreed: the basis becomes their consent (an emergency basis ends here)."""
    _open_lead(actor, lead, "consent")
    if given_on > timezone.localdate():
        raise FieldErrors({"given_on": _("同意を得た日に未来の日付は指定できません。")})
    before = lead.basis
    lead.basis = LeadBasis.CONSENT
    lead.consent_given_on = given_on
    lead.consent_confirmed_by = confirmed_by.strip()[:100]
    lead.emergency_ends_on = None
    lead.reviewer = None
    full_clean(lead, constraints=True)
    lead.save(
        update_fields=[
            "basis",
            "consent_given_on",
            "consent_confirmed_by",
            "emergency_ends_on",
            "reviewer",
            "updated_at",
        ]
    )
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=lead,
        detail={"basis": [before, LeadBasis.CONSENT], "consent_given_on": given_on},
    )
    return lead


@audit.atomic_with_refusals
def lead_connect(
    actor: Actor,
    *,
    lead: OutreachLead,
    received_at: dt.datetime | None = None,
    main_concern: str = "",
) -> Consultation:
    """相談につなぐ: one step makes the consultation (the intake service, channel
    アウトリーチ, received by the acting organization) and marks the lead connected.  The
    person is registered and linked on the consultation afterwards, as for any intake."""
    _open_lead(actor, lead, "connect")
    _basis_holds(lead, timezone.localdate())
    when = received_at or timezone.now()
    if timezone.localdate(when) < lead.received_on:
        raise FieldErrors({"received_at": _("受けた日より前の日時は指定できません。")})
    concern = main_concern.strip() or lead.concern
    consultation = cases.consultation_create(
        actor,
        received_at=when,
        channel=Channel.OUTREACH,
        consulter=CONSULTER_OF.get(WorriedBy(lead.worried_by), Consulter.OTHER),
        main_concern=concern,
        outcome=ConsultationOutcome.CONTINUING,
        referring_organization=lead.worried_by_organization,
    )
    lead.status = LeadStatus.CONNECTED
    lead.consultation = consultation
    if lead.first_contact_on is None:
        lead.first_contact_on = timezone.localdate(when)
    full_clean(lead, constraints=True)
    lead.save(update_fields=["status", "consultation", "first_contact_on", "updated_at"])
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=lead,
        detail={"status": LeadStatus.CONNECTED, "consultation": consultation.pk},
    )
    return consultation


@audit.atomic_with_refusals
def lead_close(
    actor: Actor, *, lead: OutreachLead, reason: str, note: str = "", on: dt.date | None = None
) -> OutreachLead:
    _open_lead(actor, lead, "close")
    if reason not in CloseReason.values:
        raise FieldErrors({"reason": _("終了の理由を選んでください。")})
    day = on or timezone.localdate()
    if day > timezone.localdate() or day < lead.received_on:
        raise FieldErrors({"on": _("終了日は受けた日から今日までの日付にしてください。")})
    lead.status = LeadStatus.CLOSED
    lead.close_reason = reason
    lead.close_note = note.strip()[:200]
    lead.closed_on = day
    full_clean(lead, constraints=True)
    lead.save(update_fields=["status", "close_reason", "close_note", "closed_on", "updated_at"])
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=lead,
        detail={"status": LeadStatus.CLOSED, "reason": reason, "closed_on": day},
    )
    return lead
