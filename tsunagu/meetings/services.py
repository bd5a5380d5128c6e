"""Writes of meeting bodies, meetings, their action items and case conferences.

Each write runs in one transaction with its audit row.  Who may do what:
- a meeting body: writers of the core center or the city department;
- a meeting of a body (schedule, minutes, decisions, action items): writers of its secretariat;
- an attachment of a meeting (minutes documents, handouts): added with the minutes and deleted
  by writers of its secretariat; checked like note attachments (records.services
  .attachment_check: type from the bytes, size limit, clean display name);
- an action item becomes a task (tsunagu.plans.services.task_create, source=meeting) at once
  when it is the acting organization's own; an item for another member organization waits
  until a writer of that organization takes it on (task_create only makes tasks without a case
  for the acting organization, so no organization is given work it did not take);
- a case conference: a writer of an organization that sees the case (access_case for_write)
  creates it; the organizer (or the case's lead) records it, adds attendees and pledges;
- the de-identified summary of a case study session: generated from the case, and only its
  author may review and share it; a community issue is shared as soon as it is raised.  Both
  texts are checked (deidentify.check) and every flag must be removed or kept with a reason;
  the decisions are kept (DeidentificationDecision) and audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.audit.late_entry import record_late_entry
from tsunagu.audit.models import Action
from tsunagu.cases.models import Case, CaseConference, ConferenceAttendee, ConferenceKind
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Conflict, Forbidden, Invalid
from tsunagu.core.late_entry import check_original_date
from tsunagu.core.validation import full_clean
from tsunagu.meetings import deidentify
from tsunagu.meetings.models import (
    DEVELOPMENT_TARGET_TYPE,
    ISSUE_TRANSITIONS,
    CommunityIssue,
    DeidentificationDecision,
    DeidentificationOutcome,
    FrequencyKind,
    IssueSource,
    IssueStage,
    IssueStep,
    Meeting,
    MeetingActionItem,
    MeetingAttachment,
    MeetingBody,
    MeetingStatus,
    ResourceDevelopment,
)
from tsunagu.meetings.selectors import (
    can_edit_development,
    can_record_development,
    is_oversight,
    is_secretariat,
    issues_visible_to,
    meetings_visible_to,
)
from tsunagu.organizations.models import Organization
from tsunagu.plans import services as plan_services
from tsunagu.plans.models import TaskSource
from tsunagu.records.services import attachment_check, attachments_stored

BODY_FIELDS = (
    "name",
    "kind",
    "level",
    "parent",
    "area",
    "purpose",
    "frequency_kind",
    "frequency_count",
    "frequency_months",
)
MEETING_FIELDS = ("title", "starts_at", "ends_at", "format", "place", "agenda")
RECORD_FIELDS = ("status", "minutes", "decisions", "guests")
# Steps that happen at a meeting: the meeting must be named.
MEETING_STAGES = (
    IssueStage.SHARED_MESO,
    IssueStage.UNDER_STUDY,
    IssueStage.PROPOSED,
)
CONFERENCE_FIELDS = ("kind", "body", "held_at", "format", "place", "purpose")
DEVELOPMENT_FIELDS = (
    "kind",
    "title",
    "description",
    "beneficiaries",
    "resource",
    "area",
    "occurred_on",
    "community_issue",
    "meeting",
    "source_note",
)
CONFERENCE_RECORD_FIELDS = (
    "discussion",
    "decisions",
    "supervisor_name",
    "supervisor_profession",
    "supervisor_advice",
)


def _deny(actor: Actor, target: models.Model | None, reason: str, message: str) -> Forbidden:
    """A refusal whose access.denied row `_atomic` writes after the rollback."""
    return audit.refusal(
        actor,
        target=target,
        target_type="" if target is not None else "meetings.meetingbody",
        reason=reason,
        message=message,
    )


_atomic = audit.atomic_with_refusals


def _secretariat(actor: Actor, body: MeetingBody, target: models.Model) -> Actor:
    actor = audit.require_writer(actor, target=target, deferred=True)
    if not is_secretariat(actor, body):
        raise _deny(
            actor, target, "not the secretariat", _("この会議体の事務局だけが変更できます。")
        )
    return actor


# --- Meeting bodies ---------------------------------------------------------------------------


def _check_frequency(body: MeetingBody) -> None:
    if body.frequency_kind == FrequencyKind.AT_LEAST and body.frequency_count < 1:
        raise Invalid(_("「年N回以上」のときは年間の開催回数を1以上にしてください。"))
    if body.frequency_kind == FrequencyKind.MONTHS:
        months = body.frequency_months
        if not months or any(not isinstance(m, int) or not 1 <= m <= 12 for m in months):
            raise Invalid(_("開催月は1から12の数字で書いてください（例: 5, 10, 2）。"))
        if len(set(months)) != len(months):
            raise Invalid(_("開催月が重複しています。"))
    if body.parent_id is not None and body.parent_id == body.pk:
        raise Invalid(_("上位の会議体に自分自身は選べません。"))


@_atomic
def body_create(
    actor: Actor,
    *,
    data: Mapping[str, Any],
    secretariats: Iterable[Organization],
    members: Iterable[Organization] = (),
) -> MeetingBody:
    actor = audit.require_writer(actor, target_type="meetings.meetingbody", deferred=True)
    if not is_oversight(actor):
        raise _deny(
            actor,
            None,
            "not core center or city",
            _("会議体は基幹相談支援センターまたは市担当課が登録します。"),
        )
    secretariat_list = list(secretariats)
    if not secretariat_list:
        raise Invalid(_("事務局の機関を1つ以上選んでください。"))
    body = MeetingBody(**{name: data[name] for name in BODY_FIELDS if name in data})
    if body.frequency_kind != FrequencyKind.AT_LEAST:
        body.frequency_count = 0
    if body.frequency_kind != FrequencyKind.MONTHS:
        body.frequency_months = []
    _check_frequency(body)
    full_clean(body, exclude=["parent", "area"])
    body.save()
    body.secretariats.set(secretariat_list)
    body.member_organizations.set(list(members))
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=body,
        detail={"kind": body.kind, "secretariats": [o.pk for o in secretariat_list]},
    )
    return body


# --- Meetings ---------------------------------------------------------------------------------


def _check_times(meeting: Meeting) -> None:
    # Scheduled meetings lie ahead; a meeting recorded afterwards keeps its own day, not
    # before the floor every record's own date has (core/late_entry.py).
    check_original_date(meeting.starts_at, label=_("開始日時"), future_allowed=True)
    if meeting.ends_at < meeting.starts_at:
        raise Invalid(_("終了日時は開始日時より後にしてください。"))
    if meeting.ends_at - meeting.starts_at > dt.timedelta(hours=12):
        raise Invalid(_("会議の長さが12時間を超えています。日時を確かめてください。"))


@_atomic
def meeting_create(actor: Actor, *, body: MeetingBody, data: Mapping[str, Any]) -> Meeting:
    actor = _secretariat(actor, body, body)
    meeting = Meeting(
        body=body,
        created_by=actor.user,
        **{name: data[name] for name in MEETING_FIELDS if name in data},
    )
    if not meeting.title.strip():
        meeting.title = body.name
    full_clean(meeting, exclude=["body", "created_by"])
    _check_times(meeting)
    meeting.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=meeting,
        detail={"body": body.pk, "starts_at": meeting.starts_at.isoformat()},
    )
    record_late_entry(actor, target=meeting, own=meeting.starts_at)
    return meeting


@_atomic
def meeting_record(
    actor: Actor,
    *,
    meeting: Meeting,
    version: int,
    data: Mapping[str, Any],
    attendees: Iterable[Organization],
    files: Sequence[UploadedFile] = (),
) -> Meeting:
    """Minutes, decisions, who attended, the status (held / cancelled), and new attachments.
    A refused attachment refuses the whole record: every file is checked before anything is
    written."""
    actor = _secretariat(actor, meeting.body, meeting)
    if version != meeting.version:
        raise Conflict(_("ほかの人が先にこの会議を更新しました。画面を開き直してください。"))
    attendee_list = list(attendees)
    allowed = {o.pk for o in meeting.body.member_organizations.all()} | {
        o.pk for o in meeting.body.secretariats.all()
    }
    outside = [o.name for o in attendee_list if o.pk not in allowed]
    if outside:
        raise Invalid(
            _("構成機関ではない機関は「ゲスト」に書いてください: %(names)s")
            % {"names": "、".join(outside)}
        )
    checked = [attachment_check(upload) for upload in files]
    status = data.get("status", meeting.status)
    if (
        status == MeetingStatus.HELD
        and timezone.localtime(meeting.starts_at).date() > timezone.localdate()
    ):
        raise Invalid(_("まだ開催日になっていない会議は「開催済み」にできません。"))
    before = {name: getattr(meeting, name) for name in RECORD_FIELDS}
    for name in RECORD_FIELDS:
        if name in data:
            setattr(meeting, name, data[name])
    full_clean(meeting, exclude=["body", "created_by"])
    updated = Meeting.objects.filter(pk=meeting.pk, version=version).update(
        **{name: getattr(meeting, name) for name in RECORD_FIELDS},
        version=version + 1,
        updated_at=timezone.now(),
    )
    if updated != 1:
        raise Conflict(_("ほかの人が先にこの会議を更新しました。画面を開き直してください。"))
    meeting.version = version + 1
    meeting.attendee_organizations.set(attendee_list)
    with attachments_stored(
        MeetingAttachment, checked, uploaded_by=actor.user, meeting=meeting
    ) as stored:
        audit.record(
            action=Action.RECORD_UPDATED,
            actor=actor,
            target=meeting,
            detail={
                "changed": [n for n in RECORD_FIELDS if before[n] != getattr(meeting, n)],
                "attendees": [o.pk for o in attendee_list],
                "attachments": [a.pk for a in stored],
            },
        )
    return meeting


@_atomic
def meeting_attachment_delete(actor: Actor, *, attachment: MeetingAttachment) -> None:
    """Remove an attachment of a meeting (its secretariat only).  The file leaves the disk
    only once the deletion is committed, so a rollback keeps row and file together."""
    meeting = attachment.meeting
    _secretariat(actor, meeting.body, attachment)
    audit.record(
        action=Action.RECORD_DELETED,
        actor=actor,
        target=attachment,
        detail={
            "meeting": meeting.pk,
            "original_name": attachment.original_name,
            "sha256": attachment.sha256,
        },
    )
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _task_for(actor: Actor, item: MeetingActionItem) -> None:
    meeting = item.meeting
    item.task = plan_services.task_create(
        actor=actor,
        title=item.title,
        owner_organization=item.owner_organization,
        due_on=item.due_on,
        description=_("%(body)s「%(meeting)s」（%(day)s）の決定事項から")
        % {
            "body": meeting.body.name,
            "meeting": meeting.title,
            "day": timezone.localtime(meeting.starts_at).date().isoformat(),
        },
        source=TaskSource.MEETING,
    )
    item.save(update_fields=["task"])


@_atomic
def action_item_add(
    actor: Actor,
    *,
    meeting: Meeting,
    title: str,
    owner_organization: Organization,
    due_on: dt.date | None = None,
) -> MeetingActionItem:
    actor = _secretariat(actor, meeting.body, meeting)
    if not title.strip():
        raise Invalid(_("やることを書いてください。"))
    members = {o.pk for o in meeting.body.member_organizations.all()} | {
        o.pk for o in meeting.body.secretariats.all()
    }
    if owner_organization.pk not in members:
        raise Invalid(_("担当機関は会議体の構成機関か事務局から選んでください。"))
    item = MeetingActionItem(
        meeting=meeting,
        title=title.strip(),
        owner_organization=owner_organization,
        due_on=due_on,
        created_by=actor.user,
    )
    full_clean(item, exclude=["meeting", "owner_organization", "created_by", "task"])
    item.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=item,
        detail={"meeting": meeting.pk, "organization": owner_organization.pk},
    )
    if owner_organization.pk == actor.organization_id:
        _task_for(actor, item)
    return item


@_atomic
def action_item_take(actor: Actor, *, item: MeetingActionItem) -> MeetingActionItem:
    """A writer of the owner organization makes the item its task."""
    actor = audit.require_writer(actor, target=item, deferred=True)
    if item.owner_organization_id != actor.organization_id:
        raise _deny(actor, item, "not the owner", _("担当機関の職員だけがタスクにできます。"))
    if item.task_id is not None:
        raise Conflict(_("この項目はすでにタスクになっています。"))
    _task_for(actor, item)
    audit.record(
        action=Action.RECORD_UPDATED, actor=actor, target=item, detail={"task": item.task_id}
    )
    return item


# --- Case conferences -----------------------------------------------------------------------


def _conference_writer(actor: Actor, conference: CaseConference) -> Actor:
    actor = audit.require_writer(actor, target=conference, deferred=True)
    if actor.organization_id not in (conference.organizer_id, conference.case.lead_organization_id):
        raise _deny(
            actor,
            conference,
            "not the organizer",
            _("主催機関または主担当機関だけが変更できます。"),
        )
    return actor


@_atomic
def conference_create(actor: Actor, *, case: Case, data: Mapping[str, Any]) -> CaseConference:
    """`case` was fetched with access_case(for_write=True)."""
    actor = audit.require_writer(actor, target=case, deferred=True)
    assert actor.organization is not None  # noqa: S101  # _writer refuses otherwise
    conference = CaseConference(
        case=case,
        organizer=actor.organization,
        created_by=actor.user,
        **{name: data[name] for name in CONFERENCE_FIELDS if name in data},
    )
    full_clean(conference, exclude=["case", "organizer", "created_by", "body"])
    conference.save()
    ConferenceAttendee.objects.create(
        conference=conference,
        organization=actor.organization,
        name=actor.user.get_full_name() or actor.user.get_username(),
    )
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=conference,
        detail={"case": case.pk, "kind": conference.kind},
    )
    return conference


@_atomic
def conference_record(
    actor: Actor, *, conference: CaseConference, data: Mapping[str, Any]
) -> CaseConference:
    _conference_writer(actor, conference)
    changed = []
    for name in CONFERENCE_RECORD_FIELDS:
        if name in data and getattr(conference, name) != data[name]:
            setattr(conference, name, data[name])
            changed.append(name)
    if conference.supervisor_advice.strip() and not conference.supervisor_name.strip():
        raise Invalid(_("SVの助言を書くときは、SVの氏名も書いてください。"))
    full_clean(conference, exclude=["case", "organizer", "created_by", "body"])
    conference.save(update_fields=[*CONFERENCE_RECORD_FIELDS, "updated_at"])
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=conference,
        detail={"changed": changed},
    )
    return conference


@_atomic
def attendee_add(
    actor: Actor, *, conference: CaseConference, organization: Organization, name: str = ""
) -> ConferenceAttendee:
    _conference_writer(actor, conference)
    if conference.attendees.filter(organization=organization).exists():
        raise Conflict(_("この機関はすでに出席者にいます。"))
    attendee = ConferenceAttendee(conference=conference, organization=organization, name=name)
    full_clean(attendee, exclude=["conference", "organization", "pledge_recorded_by"])
    attendee.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=attendee,
        detail={"conference": conference.pk, "organization": organization.pk},
    )
    return attendee


@_atomic
def attendee_pledge(
    actor: Actor, *, attendee: ConferenceAttendee, pledged_by_name: str
) -> ConferenceAttendee:
    """The attendee's confidentiality pledge (守秘義務の誓約) for a statutory support meeting."""
    conference = attendee.conference
    actor = _conference_writer(actor, conference)
    if conference.kind != ConferenceKind.STATUTORY_SUPPORT_MEETING:
        raise Invalid(_("守秘義務の誓約を記録するのは支援会議（社会福祉法106条の6）だけです。"))
    if not pledged_by_name.strip():
        raise Invalid(_("誓約した人の氏名を書いてください。"))
    if attendee.pledged_at is not None:
        raise Conflict(_("この出席者の誓約はすでに記録されています。"))
    attendee.pledged_at = timezone.now()
    attendee.pledged_by_name = pledged_by_name.strip()[:100]
    attendee.pledge_recorded_by = actor.user
    attendee.save(update_fields=["pledged_at", "pledged_by_name", "pledge_recorded_by"])
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=attendee,
        detail={"pledge": True, "conference": conference.pk},
    )
    return attendee


def _summary_author(actor: Actor, conference: CaseConference) -> Actor:
    actor = audit.require_writer(actor, target=conference, deferred=True)
    if not conference.is_study_session:
        raise Invalid(_("匿名化した要約は事例検討会で使います。"))
    if conference.created_by_id != actor.user.pk:
        raise _deny(
            actor, conference, "not the author", _("要約は事例の提供者（作成者）が確認します。")
        )
    return actor


@_atomic
def summary_generate(actor: Actor, *, conference: CaseConference) -> CaseConference:
    """A fresh draft from the case; it is not shared until the author reviews it."""
    _summary_author(actor, conference)
    conference.summary = deidentify.generate_summary(conference.case)
    conference.summary_reviewed_at = None
    conference.summary_reviewed_by = None
    conference.save(
        update_fields=["summary", "summary_reviewed_at", "summary_reviewed_by", "updated_at"]
    )
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=conference,
        detail={"summary": "generated"},
    )
    return conference


# --- De-identification: every flag removed or kept with a reason before sharing ---------------

MAX_REASON = 500


def _open_flags(
    found: Sequence[deidentify.Flag], keep: Mapping[str, str] | None, message: str
) -> dict[str, str]:
    """The reasons given for the flags of `found`; IdentifiersLeft while one has none."""
    reasons = {
        key: reason.strip()[:MAX_REASON]
        for key, reason in (keep or {}).items()
        if isinstance(reason, str) and reason.strip()
    }
    left = [f for f in found if f.key not in reasons]
    if left:
        labels = list(dict.fromkeys(f.label for f in left))
        raise deidentify.IdentifiersLeft(
            message % {"what": "、".join(labels)}, flags=list(found), open_flags=left
        )
    return reasons


def _record_decisions(
    actor: Actor,
    *,
    found: Sequence[deidentify.Flag],
    reasons: Mapping[str, str],
    seen: Iterable[str],
    conference: CaseConference | None = None,
    issue: CommunityIssue | None = None,
) -> dict[str, Any]:
    """A row per expression kept (with its reason and where it stands) and per expression
    flagged at an earlier check (`seen`) that the author has since removed; the audit detail."""
    assert actor.organization is not None  # noqa: S101  # only writers get here
    now = timezone.now()
    common = {
        "conference": conference,
        "issue": issue,
        "decided_by": actor.user,
        "decided_by_organization": actor.organization,
        "decided_at": now,
    }
    rows: list[DeidentificationDecision] = []
    first: dict[str, deidentify.Flag] = {}
    for flag in found:
        first.setdefault(flag.key, flag)
    for key, flag in first.items():
        rows.append(
            DeidentificationDecision(
                field=flag.field,
                flag_key=key,
                kind=flag.kind,
                label=flag.label[:100],
                outcome=DeidentificationOutcome.KEPT,
                reason=reasons[key],
                start=flag.start,
                end=flag.end,
                **common,
            )
        )
    removed = sorted({k for k in seen if deidentify.FLAG_KEY.match(k) and k not in first})[:200]
    for key in removed:
        rows.append(
            DeidentificationDecision(
                flag_key=key,
                kind=key.rsplit("-", 1)[0],
                outcome=DeidentificationOutcome.REMOVED,
                **common,
            )
        )
    DeidentificationDecision.objects.bulk_create(rows)
    return {
        "kept": [
            {"key": k, "kind": f.kind, "field": f.field, "reason": reasons[k]}
            for k, f in first.items()
        ],
        "removed": removed,
    }


@_atomic
def summary_review(
    actor: Actor,
    *,
    conference: CaseConference,
    text: str,
    keep: Mapping[str, str] | None = None,
    seen: Iterable[str] = (),
) -> CaseConference:
    """The author's reviewed summary, shared with the attendees from now on.

    Every flag of deidentify.check (identifiers of the case's people however written, numbers
    and dates, proper nouns) must be gone or kept with a reason (`keep`: flag key → reason);
    otherwise IdentifiersLeft, with the flags and their offsets.  `seen` are the keys flagged
    at the author's previous check: those no longer in the text are recorded as removed."""
    actor = _summary_author(actor, conference)
    text = text.strip()
    if not text:
        raise Invalid(_("要約を書いてください。"))
    found = deidentify.check(text, conference.case, field="summary")
    reasons = _open_flags(
        found,
        keep,
        _(
            "個人が特定される情報が残っています: %(what)s。"
            "書き換えるか、残す理由を書いてから共有してください。"
        ),
    )
    conference.summary = text
    conference.summary_reviewed_at = timezone.now()
    conference.summary_reviewed_by = actor.user
    conference.save(
        update_fields=["summary", "summary_reviewed_at", "summary_reviewed_by", "updated_at"]
    )
    decisions = _record_decisions(
        actor, found=found, reasons=reasons, seen=seen, conference=conference
    )
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=conference,
        detail={"summary": "reviewed", "deidentification": decisions},
    )
    return conference


# --- Community issues (地域課題) ---------------------------------------------------------------

ISSUE_FIELDS = ("title", "theme", "area", "description", "source", "source_note")


def _issue_writer(actor: Actor, issue: CommunityIssue) -> Actor:
    """The raising organization, the core center and the city department move an issue on."""
    actor = audit.require_writer(actor, target=issue, deferred=True)
    if actor.organization_id != issue.raised_by_organization_id and not is_oversight(actor):
        raise _deny(
            actor,
            issue,
            "not the raiser or oversight",
            _("提起した機関、基幹相談支援センター、市担当課が経過を記録します。"),
        )
    return actor


def _issue_flags(issue: CommunityIssue) -> list[deidentify.Flag]:
    """Flags of the title and the description, each with its own offsets; the identifiers of
    the source case's people when there is one, numbers, dates and proper nouns always."""
    case = issue.source_case or (issue.source_conference.case if issue.source_conference else None)
    return deidentify.check(issue.title, case, field="title") + deidentify.check(
        issue.description, case, field="description"
    )


@_atomic
def issue_raise(
    actor: Actor,
    *,
    data: Mapping[str, Any],
    source_case: Case | None = None,
    source_conference: CaseConference | None = None,
    raised_on: dt.date | None = None,
    keep: Mapping[str, str] | None = None,
    seen: Iterable[str] = (),
) -> CommunityIssue:
    """`source_case` / `source_conference` were fetched through the access helpers.
    `raised_on` (default today) dates the issue (提起日) and its first step, for an issue raised
    earlier than it is recorded; never in the future.  The issue is shown across the network and
    to the council at once, so, as for a summary, every flag of its title and description must be
    gone or kept with a reason (`keep`, `seen`: see summary_review)."""
    actor = audit.require_writer(actor, target_type="meetings.meetingbody", deferred=True)
    day = raised_on or timezone.localdate()
    if day > timezone.localdate():
        raise Invalid(_("提起した日は今日までにしてください。"))
    assert actor.organization is not None  # noqa: S101  # _writer refuses otherwise
    issue = CommunityIssue(
        raised_on=day,
        raised_by=actor.user,
        raised_by_organization=actor.organization,
        source_case=source_case,
        source_conference=source_conference,
        **{name: data[name] for name in ISSUE_FIELDS if name in data},
    )
    if issue.source == IssueSource.CASE and source_case is None:
        raise Invalid(_("「個別のケース」から提起するときは、ケースの画面から提起してください。"))
    if issue.source == IssueSource.CONFERENCE and source_conference is None:
        raise Invalid(_("「ケース会議」から提起するときは、ケース会議の画面から提起してください。"))
    if issue.source == IssueSource.SURVEY and not issue.source_note.strip():
        raise Invalid(_("調査・ヒアリングの名称を書いてください。"))
    full_clean(
        issue,
        exclude=["raised_by", "raised_by_organization", "source_case", "source_conference", "area"],
    )
    issue.title, issue.description = issue.title.strip(), issue.description.strip()
    found = _issue_flags(issue)
    reasons = _open_flags(
        found,
        keep,
        _(
            "個人が特定される情報が残っています: %(what)s。"
            "地域の課題として書き換えるか、残す理由を書いてください。"
        ),
    )
    issue.save()
    decisions = _record_decisions(actor, found=found, reasons=reasons, seen=seen, issue=issue)
    IssueStep.objects.create(
        issue=issue,
        stage=IssueStage.RAISED,
        occurred_on=day,
        note="",
        recorded_by=actor.user,
        recorded_by_organization=actor.organization,
    )
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=issue,
        detail={
            "source": issue.source,
            "case": source_case.pk if source_case else None,
            "conference": source_conference.pk if source_conference else None,
            "deidentification": decisions,
        },
    )
    return issue


@_atomic
def issue_advance(
    actor: Actor,
    *,
    issue: CommunityIssue,
    stage: str,
    occurred_on: dt.date,
    meeting: Meeting | None,
    note: str = "",
) -> IssueStep:
    """Move the issue one step, at the meeting where it happened (`meeting` was fetched with
    access_meeting, so it is one the actor may see)."""
    actor = _issue_writer(actor, issue)
    assert actor.organization is not None  # noqa: S101
    if stage not in IssueStage.values:
        raise Invalid(_("段階を選んでください。"))
    if stage not in ISSUE_TRANSITIONS[issue.stage]:
        raise Conflict(
            _("「%(from)s」から「%(to)s」には進められません。")
            % {"from": IssueStage(issue.stage).label, "to": IssueStage(stage).label}
        )
    if stage in MEETING_STAGES and meeting is None:
        raise Invalid(_("この段階は会議で起きたことです。どの会議か選んでください。"))
    if occurred_on > timezone.localdate():
        raise Invalid(_("日付は今日までにしてください。"))
    if meeting is not None and timezone.localtime(meeting.starts_at).date() != occurred_on:
        occurred_on = timezone.localtime(meeting.starts_at).date()
    before = issue.stage
    updated = CommunityIssue.objects.filter(pk=issue.pk, stage=before).update(
        stage=stage, updated_at=timezone.now()
    )
    if updated != 1:
        raise Conflict(_("ほかの人が先にこの地域課題を更新しました。画面を開き直してください。"))
    issue.stage = stage
    step = IssueStep.objects.create(
        issue=issue,
        stage=stage,
        meeting=meeting,
        occurred_on=occurred_on,
        note=note.strip(),
        recorded_by=actor.user,
        recorded_by_organization=actor.organization,
    )
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=issue,
        detail={"from": before, "to": stage, "meeting": meeting.pk if meeting else None},
    )
    return step


# --- Resource developments (資源開発) -----------------------------------------------------------
# Refusals are raised plainly (no access.denied row here): the screens and the API write it,
# with the target type "directory" the log had before it moved here.


def _check_sources(
    actor: Actor | None, development: ResourceDevelopment, before: ResourceDevelopment | None
) -> None:
    """The acting user may link only a community issue and a meeting they may see.  A link
    already there is kept as it is, even when this editor may not see that meeting; the system
    (demo data) links freely."""
    if actor is None:
        return
    issue_id = development.community_issue_id
    issue_changed = before is None or before.community_issue_id != issue_id
    if (
        issue_id is not None
        and issue_changed
        and not issues_visible_to(actor).filter(pk=issue_id).exists()
    ):
        raise Invalid(_("選んだ地域課題は見つかりません。一覧から選び直してください。"))
    meeting_id = development.meeting_id
    meeting_changed = before is None or before.meeting_id != meeting_id
    if (
        meeting_id is not None
        and meeting_changed
        and not meetings_visible_to(actor).filter(pk=meeting_id).exists()
    ):
        raise Invalid(
            _(
                "選んだ会議は、あなたが閲覧できる会議ではありません。"
                "あなたの機関が構成機関または事務局である会議から選んでください。"
            )
        )


@audit.atomic_with_refusals
def development_create(
    actor: Actor | None,
    *,
    data: Mapping[str, Any],
    recorded_by: Any = None,
    organization: Any = None,
) -> ResourceDevelopment:
    """Record a resource development as the acting user and organization (or, without an
    actor — the demo data — as the `recorded_by` and `organization` given)."""
    if actor is not None:
        if not can_record_development(actor):
            raise Forbidden(_("資源開発を記録する権限がありません。"))
        recorded_by, organization = actor.user, actor.organization
    values = {name: data[name] for name in DEVELOPMENT_FIELDS if name in data}
    development = ResourceDevelopment(
        **values, recorded_by=recorded_by, recorded_by_organization=organization
    )
    _check_sources(actor, development, None)
    full_clean(development)
    development.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        actor_username="" if actor else "system",
        target=development,
        target_type=DEVELOPMENT_TARGET_TYPE,
        detail={
            "kind": development.kind,
            "title": development.title,
            "community_issue": development.community_issue_id,
            "meeting": development.meeting_id,
        },
    )
    return development


@audit.atomic_with_refusals
def development_update(
    actor: Actor,
    *,
    development: ResourceDevelopment,
    expected_version: int,
    changes: Mapping[str, Any],
) -> ResourceDevelopment:
    if not can_edit_development(actor, development):
        raise Forbidden(_("この資源開発の記録を編集する権限がありません。"))
    locked = ResourceDevelopment.objects.select_for_update().get(pk=development.pk)
    before = ResourceDevelopment(
        community_issue_id=locked.community_issue_id, meeting_id=locked.meeting_id
    )
    if locked.version != expected_version:
        raise Conflict(
            _("この記録は、あなたが開いた後に別の人が更新しました。もう一度開いてください。")
        )
    values = {name: changes[name] for name in DEVELOPMENT_FIELDS if name in changes}
    changed = [name for name, value in values.items() if getattr(locked, name) != value]
    for name, value in values.items():
        setattr(locked, name, value)
    _check_sources(actor, locked, before)
    full_clean(locked)
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=locked,
        target_type=DEVELOPMENT_TARGET_TYPE,
        detail={"changed": changed},
    )
    return locked
