"""Writes of the hearings app: each in one transaction with its audit row.

Only the holder's writers change a round (access.py says who that is).  Findings and
directions travel to the council: their text passes the de-identification check of the
community issues (meetings.deidentify.check, plus names in hiragana before an honorific,
which the dictionary does not know), every flag removed or kept with a reason.  A direction is
adopted only on findings, on a council date that is not in the future, at a meeting of the
round's council (or the council above its subcommittee) when one is named.  An adopted
direction becomes a community issue (meetings.services.issue_raise, source 調査・ヒアリング) or a
resource development (meetings.services.development_create); the direction keeps the link.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.accounts.models import User
from tsunagu.audit import services as audit
from tsunagu.audit.actions import register_action
from tsunagu.audit.models import Action
from tsunagu.core.actor import Actor
from tsunagu.core.dates import fiscal_year as fiscal_year_of
from tsunagu.core.errors import Conflict, Forbidden, Invalid
from tsunagu.core.validation import full_clean
from tsunagu.core.validators import MAX_YEAR, MIN_YEAR
from tsunagu.hearings import access
from tsunagu.hearings.models import (
    MAX_QUESTIONS,
    QUESTION_MAX_LENGTH,
    STATUS_TRANSITIONS,
    Direction,
    Finding,
    Hearing,
    HearingKind,
    HearingNote,
    HearingQuestion,
    HearingRound,
    HearingStatus,
)
from tsunagu.hearings.selectors import COUNCIL_KINDS
from tsunagu.meetings import deidentify
from tsunagu.meetings import services as meetings
from tsunagu.meetings.models import (
    CommunityIssue,
    IssueSource,
    IssueTheme,
    Meeting,
    MeetingBody,
    ResourceDevelopment,
)
from tsunagu.meetings.selectors import meetings_visible_to
from tsunagu.organizations.models import Membership, Organization

ACTION_STATUS = register_action("hearings.status", gettext_lazy("ヒアリングの状態の変更"))
ACTION_SHARED = register_action("hearings.notes_shared", gettext_lazy("ヒアリングの記録の共有"))
ACTION_ADOPTED = register_action("hearings.adopted", gettext_lazy("方向性の協議会での採択"))
ACTION_TAKEN_UP = register_action(
    "hearings.taken_up", gettext_lazy("方向性の地域課題・資源開発への展開")
)

MAX_REASON = 500


def _deny(actor: Actor, target: Any, reason: str) -> Forbidden:
    audit.record_denial(
        actor, target_type=audit.target_type_of(target), target_id=target.pk, reason=reason
    )
    return Forbidden(_("変更できるのは、ヒアリングを実施する機関の職員です。"))


def _require_holder(actor: Actor, round_: HearingRound) -> None:
    if not access.may_write(actor, round_):
        raise _deny(actor, round_, "not the holder")


# --- De-identification ------------------------------------------------------------------------


def text_flags(texts: Sequence[tuple[str, str]]) -> list[deidentify.Flag]:
    """The flags of each (field, text) about to travel to the council."""
    found: list[deidentify.Flag] = []
    for field, text in texts:
        found += deidentify.check(text, None, field=field)
    return found


def _deidentified(
    texts: Sequence[tuple[str, str]], keep: Mapping[str, str] | None
) -> dict[str, str]:
    """The reasons kept for each flag, or IdentifiersLeft while a flag has none."""
    found = text_flags(texts)
    reasons = {
        key: reason.strip()[:MAX_REASON]
        for key, reason in (keep or {}).items()
        if isinstance(reason, str) and reason.strip()
    }
    left = [f for f in found if f.key not in reasons]
    if left:
        labels = "、".join(dict.fromkeys(f.label for f in left))
        raise deidentify.IdentifiersLeft(
            _(
                "個人が特定される情報が残っています: %(what)s。"
                "書き換えるか、残す理由を書いてください。"
            )
            % {"what": labels},
            flags=found,
            open_flags=left,
        )
    return {f.key: reasons[f.key] for f in found}


# --- Rounds -------------------------------------------------------------------------------------


def _clean_questions(questions: Iterable[str]) -> list[str]:
    cleaned = [q.strip() for q in questions if q and q.strip()]
    if not cleaned:
        raise Invalid(_("質問項目を1つ以上書いてください。"))
    if len(cleaned) > MAX_QUESTIONS:
        raise Invalid(_("質問項目は%(n)d個までです。") % {"n": MAX_QUESTIONS})
    if any(len(q) > QUESTION_MAX_LENGTH for q in cleaned):
        raise Invalid(_("質問項目は1つ%(n)d文字までです。") % {"n": QUESTION_MAX_LENGTH})
    return cleaned


def _check_council(council: MeetingBody | None) -> None:
    if council is not None and council.kind not in COUNCIL_KINDS:
        raise Invalid(_("報告先は自立支援協議会か、その部会を選んでください。"))


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Invalid(_("年度を正しく入力してください。"))


@audit.atomic_with_refusals
def round_create(
    actor: Actor,
    *,
    title: str,
    fiscal_year: int,
    purpose: str = "",
    questions: Iterable[str],
    council: MeetingBody | None = None,
) -> HearingRound:
    if not access.may_hold(actor):
        raise audit.refusal(
            actor,
            target=None,
            target_type=access.ROUND,
            reason="not a holder",
            message=_("ヒアリングを実施できるのは、基幹相談支援センターと市の担当課の職員です。"),
        )
    assert actor.organization is not None  # noqa: S101  # may_hold says so
    _check_year(fiscal_year)
    _check_council(council)
    texts = _clean_questions(questions)
    round_ = HearingRound(
        holder=actor.organization,
        title=title.strip(),
        fiscal_year=fiscal_year,
        purpose=purpose.strip(),
        council=council,
        created_by=actor.user,
    )
    full_clean(round_, exclude=["holder", "created_by", "council"])
    round_.save()
    HearingQuestion.objects.bulk_create(
        HearingQuestion(round=round_, position=n, text=text) for n, text in enumerate(texts, 1)
    )
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=round_,
        detail={"fiscal_year": fiscal_year, "questions": len(texts), "council": round_.council_id},
    )
    return round_


@audit.atomic_with_refusals
def round_update(
    actor: Actor, *, round_: HearingRound, questions: Iterable[str] | None = None, **fields: Any
) -> HearingRound:
    """Change the outline; the question guide keeps its questions by position (a question
    with notes may be reworded, not removed)."""
    _require_holder(actor, round_)
    changed = []
    for name in ("title", "fiscal_year", "purpose", "council"):
        if name in fields:
            value = fields[name].strip() if isinstance(fields[name], str) else fields[name]
            if getattr(round_, name) != value:
                setattr(round_, name, value)
                changed.append(name)
    _check_year(round_.fiscal_year)
    _check_council(round_.council)
    full_clean(round_, exclude=["holder", "created_by", "council"])
    round_.save()
    if questions is not None:
        texts = _clean_questions(questions)
        existing = list(round_.questions.order_by("position"))
        removed = existing[len(texts) :]
        if HearingNote.objects.filter(question__in=removed).exists():
            raise Invalid(_("記録がある質問項目は削除できません。文言の変更はできます。"))
        HearingQuestion.objects.filter(pk__in=[q.pk for q in removed]).delete()
        for position, text in enumerate(texts, 1):
            if position <= len(existing):
                question = existing[position - 1]
                if question.text != text:
                    question.text = text
                    question.save(update_fields=["text"])
            else:
                HearingQuestion.objects.create(round=round_, position=position, text=text)
        changed.append("questions")
    audit.record(
        action=Action.RECORD_UPDATED, actor=actor, target=round_, detail={"changed": changed}
    )
    return round_


# --- Hearings -----------------------------------------------------------------------------------


def interviewer_choices(round_: HearingRound) -> Any:
    """The holder's staff today."""
    return User.objects.filter(
        pk__in=Membership.objects.current()
        .filter(organization_id=round_.holder_id)
        .values("user_id")
    ).order_by("username")


def _check_people(
    round_: HearingRound, kind: str, offices: list[Organization], interviewers: list[User]
) -> None:
    if kind not in HearingKind.values:
        raise Invalid(_("種類を選んでください。"))
    if not offices:
        raise Invalid(_("ヒアリング先の事業所を選んでください。"))
    if kind == HearingKind.INDIVIDUAL and len(offices) != 1:
        raise Invalid(_("個別ヒアリングのヒアリング先は1つの事業所です。"))
    if any(o.pk == round_.holder_id for o in offices):
        raise Invalid(_("実施機関自身はヒアリング先に選べません。"))
    if not interviewers:
        raise Invalid(_("聞き手を選んでください。"))
    allowed = set(interviewer_choices(round_).values_list("pk", flat=True))
    if any(u.pk not in allowed for u in interviewers):
        raise Invalid(_("聞き手は実施機関の職員から選びます。"))


@audit.atomic_with_refusals
def hearing_create(
    actor: Actor,
    *,
    round_: HearingRound,
    kind: str,
    held_on: dt.date,
    offices: Iterable[Organization],
    interviewers: Iterable[User],
    format: str = "in_person",  # the model's field
    place: str = "",
    participants: str = "",
) -> Hearing:
    _require_holder(actor, round_)
    offices, interviewers = list(offices), list(interviewers)
    _check_people(round_, kind, offices, interviewers)
    hearing = Hearing(
        round=round_,
        kind=kind,
        held_on=held_on,
        format=format,
        place=place.strip(),
        participants=participants.strip(),
        created_by=actor.user,
    )
    full_clean(hearing, exclude=["round", "created_by"])
    hearing.save()
    hearing.offices.set(offices)
    hearing.interviewers.set(interviewers)
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=hearing,
        detail={
            "round": round_.pk,
            "kind": kind,
            "held_on": held_on.isoformat(),
            "offices": sorted(o.pk for o in offices),
            "interviewers": sorted(u.pk for u in interviewers),
        },
    )
    return hearing


HEARING_FIELDS = ("held_on", "format", "place", "participants")


@audit.atomic_with_refusals
def hearing_update(
    actor: Actor,
    *,
    hearing: Hearing,
    offices: Iterable[Organization] | None = None,
    interviewers: Iterable[User] | None = None,
    **fields: Any,
) -> Hearing:
    """Change the date, place, offices heard or interviewers (the kind stays)."""
    _require_holder(actor, hearing.round)
    new_offices = list(offices) if offices is not None else list(hearing.offices.all())
    new_interviewers = (
        list(interviewers) if interviewers is not None else list(hearing.interviewers.all())
    )
    _check_people(hearing.round, hearing.kind, new_offices, new_interviewers)
    changed = []
    for name in HEARING_FIELDS:
        if name in fields:
            value = fields[name].strip() if isinstance(fields[name], str) else fields[name]
            if getattr(hearing, name) != value:
                setattr(hearing, name, value)
                changed.append(name)
    if hearing.status != HearingStatus.PLANNED and hearing.held_on > timezone.localdate():
        raise Invalid(_("実施済みのヒアリングの実施日は今日までにしてください。"))
    full_clean(hearing, exclude=["round", "created_by"])
    hearing.save()
    if offices is not None:
        hearing.offices.set(new_offices)
        changed.append("offices")
    if interviewers is not None:
        hearing.interviewers.set(new_interviewers)
        changed.append("interviewers")
    audit.record(
        action=Action.RECORD_UPDATED, actor=actor, target=hearing, detail={"changed": changed}
    )
    return hearing


@audit.atomic_with_refusals
def hearing_status(actor: Actor, *, hearing: Hearing, status: str) -> Hearing:
    _require_holder(actor, hearing.round)
    locked = Hearing.objects.select_for_update().get(pk=hearing.pk)
    if status not in HearingStatus.values:
        raise Invalid(_("状態を選んでください。"))
    if status not in STATUS_TRANSITIONS[locked.status]:
        raise Conflict(
            _("「%(from)s」から「%(to)s」には進められません。")
            % {
                "from": locked.get_status_display(),
                "to": HearingStatus(status).label,
            }
        )
    if status == HearingStatus.HELD and locked.held_on > timezone.localdate():
        raise Invalid(_("実施日が来てから「実施済み」にしてください。"))
    before = locked.status
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    audit.record(
        action=ACTION_STATUS, actor=actor, target=locked, detail={"from": before, "to": status}
    )
    return locked


@audit.atomic_with_refusals
def notes_write(
    actor: Actor,
    *,
    hearing: Hearing,
    answers: Mapping[int, str],
    free_notes: str | None = None,
) -> Hearing:
    """The notes per question of the guide (question id → text; an empty text removes it)."""
    _require_holder(actor, hearing.round)
    status = Hearing.objects.filter(pk=hearing.pk).values_list("status", flat=True).get()
    if status == HearingStatus.PLANNED:
        raise Conflict(_("記録は、ヒアリングを「実施済み」にしてから書きます。"))
    questions = {q.pk: q for q in hearing.round.questions.all()}
    unknown = set(answers) - set(questions)
    if unknown:
        raise Invalid(_("この回の質問項目ではない項目があります。"))
    changed: list[int | str] = []
    existing = {n.question_id: n for n in hearing.notes.all()}
    for question_id, raw in answers.items():
        text = (raw or "").strip()
        note = existing.get(question_id)
        if not text:
            if note is not None:
                note.delete()
                changed.append(question_id)
            continue
        if note is None:
            note = HearingNote(
                hearing=hearing, question=questions[question_id], text=text, written_by=actor.user
            )
        elif note.text == text:
            continue
        note.text, note.written_by = text, actor.user
        full_clean(note, exclude=["hearing", "question", "written_by"])
        note.save()
        changed.append(question_id)
    if free_notes is not None and free_notes.strip() != hearing.free_notes:
        hearing.free_notes = free_notes.strip()
        full_clean(hearing, exclude=["round", "created_by"])
        hearing.save(update_fields=["free_notes", "updated_at"])
        changed.append("free")
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=hearing,
        detail={"notes": [str(c) for c in changed]},
    )
    return hearing


@audit.atomic_with_refusals
def notes_share(actor: Actor, *, hearing: Hearing, shared: bool) -> Hearing:
    _require_holder(actor, hearing.round)
    if hearing.notes_shared != shared:
        hearing.notes_shared = shared
        hearing.save(update_fields=["notes_shared", "updated_at"])
    audit.record(action=ACTION_SHARED, actor=actor, target=hearing, detail={"shared": shared})
    return hearing


def notes_read(actor: Actor, hearing: Hearing, *, view: str) -> list[tuple[HearingQuestion, str]]:
    """The guide's questions with the hearing's notes; the read is recorded (the caller
    reached the hearing through access.access_notes)."""
    notes = {n.question_id: n.text for n in hearing.notes.all()}
    rows = [(q, notes.get(q.pk, "")) for q in hearing.round.questions.order_by("position")]
    audit.record(
        action=Action.RECORD_VIEWED,
        actor=actor,
        target=hearing,
        target_type=access.NOTES,
        target_id=hearing.pk,
        detail={"view": view, "notes": len(notes), "path": actor.origin.path},
    )
    return rows


# --- Findings and directions --------------------------------------------------------------------


def _check_themes(themes: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(themes))
    if not chosen:
        raise Invalid(_("テーマを1つ以上選んでください。"))
    if any(t not in IssueTheme.values for t in chosen):
        raise Invalid(_("テーマを一覧から選んでください。"))
    return chosen


@audit.atomic_with_refusals
def finding_create(
    actor: Actor,
    *,
    round_: HearingRound,
    text: str,
    themes: Iterable[str],
    hearings: Iterable[Hearing],
    keep: Mapping[str, str] | None = None,
) -> Finding:
    _require_holder(actor, round_)
    chosen = _check_themes(themes)
    sources = list(hearings)
    if not sources:
        raise Invalid(_("もとになったヒアリングを選んでください。"))
    if any(h.round_id != round_.pk for h in sources):
        raise Invalid(_("もとになったヒアリングは、このヒアリングの回から選びます。"))
    planned = Hearing.objects.filter(pk__in=[h.pk for h in sources], status=HearingStatus.PLANNED)
    if planned.exists():
        raise Invalid(_("まだ実施していないヒアリングは、もとにできません。"))
    text = text.strip()
    if not text:
        raise Invalid(_("結果を書いてください。"))
    kept = _deidentified([("text", text)], keep)
    finding = Finding(
        round=round_, text=text, themes=chosen, deidentification_kept=kept, created_by=actor.user
    )
    full_clean(finding, exclude=["round", "created_by"])
    finding.save()
    finding.hearings.set(sources)
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=finding,
        detail={
            "round": round_.pk,
            "themes": chosen,
            "hearings": sorted(h.pk for h in sources),
            "deidentification": {"kept": kept},
        },
    )
    return finding


@audit.atomic_with_refusals
def direction_create(
    actor: Actor,
    *,
    round_: HearingRound,
    title: str,
    text: str,
    theme: str,
    findings: Iterable[Finding],
    keep: Mapping[str, str] | None = None,
) -> Direction:
    _require_holder(actor, round_)
    cited = list(findings)
    if not cited:
        raise Invalid(_("方向性の根拠とする結果を1つ以上選んでください。"))
    if any(f.round_id != round_.pk for f in cited):
        raise Invalid(_("根拠とする結果は、このヒアリングの回から選びます。"))
    title, text = title.strip(), text.strip()
    kept = _deidentified([("title", title), ("text", text)], keep)
    direction = Direction(
        round=round_,
        title=title,
        text=text,
        theme=theme,
        deidentification_kept=kept,
        created_by=actor.user,
    )
    full_clean(direction, exclude=["round", "created_by"])
    direction.save()
    direction.findings.set(cited)
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=direction,
        detail={
            "round": round_.pk,
            "findings": sorted(f.pk for f in cited),
            "deidentification": {"kept": kept},
        },
    )
    return direction


def council_meetings(round_: HearingRound) -> Any:
    """The meetings a direction of the round may be adopted at: of its council, or of the
    council above its subcommittee."""
    if round_.council_id is None:
        return Meeting.objects.none()
    bodies = Q(body_id=round_.council_id)
    if round_.council is not None and round_.council.parent_id is not None:
        bodies |= Q(body_id=round_.council.parent_id)
    return Meeting.objects.filter(bodies).select_related("body").order_by("-starts_at", "-pk")


@audit.atomic_with_refusals
def direction_adopt(
    actor: Actor,
    *,
    direction: Direction,
    adopted_on: dt.date | None,
    meeting: Meeting | None = None,
) -> Direction:
    _require_holder(actor, direction.round)
    locked = Direction.objects.select_for_update().get(pk=direction.pk)
    if locked.adopted_on is not None:
        raise Conflict(_("この方向性はすでに採択されています。"))
    if adopted_on is None:
        raise Invalid(_("協議会で採択した日を入力してください。"))
    if adopted_on > timezone.localdate():
        raise Invalid(_("採択した日は今日までにしてください。"))
    if not locked.findings.exists():
        raise Invalid(_("根拠とする結果のない方向性は採択できません。"))
    if meeting is not None:
        if not council_meetings(direction.round).filter(pk=meeting.pk).exists():
            raise Invalid(_("会議は、報告先の協議会・部会の会議から選びます。"))
        if timezone.localdate(meeting.starts_at) != adopted_on:
            raise Invalid(_("採択した日は、選んだ会議の開催日にしてください。"))
    locked.adopted_on, locked.adopted_meeting, locked.adopted_by = adopted_on, meeting, actor.user
    locked.save(update_fields=["adopted_on", "adopted_meeting", "adopted_by", "updated_at"])
    audit.record(
        action=ACTION_ADOPTED,
        actor=actor,
        target=locked,
        detail={"adopted_on": adopted_on.isoformat(), "meeting": meeting.pk if meeting else None},
    )
    return locked


def _adopted_for_taking_up(actor: Actor, direction: Direction) -> Direction:
    _require_holder(actor, direction.round)
    locked = Direction.objects.select_for_update().get(pk=direction.pk)
    if locked.adopted_on is None:
        raise Conflict(_("協議会で採択された方向性だけを展開できます。"))
    return locked


def _visible_meeting(actor: Actor, meeting: Meeting | None) -> Meeting | None:
    """The council meeting, when the actor may name it on a resource development."""
    if meeting is None or not meetings_visible_to(actor).filter(pk=meeting.pk).exists():
        return None
    return meeting


def _source_note(direction: Direction) -> str:
    return f"{direction.round.title}（{direction.round.fiscal_year}年度）"[:200]


@audit.atomic_with_refusals
def direction_to_issue(
    actor: Actor,
    *,
    direction: Direction,
    title: str | None = None,
    description: str | None = None,
    keep: Mapping[str, str] | None = None,
) -> CommunityIssue:
    """Raise the adopted direction as a community issue (調査・ヒアリング), dated the day it
    was adopted; its text passes issue_raise's own de-identification check."""
    locked = _adopted_for_taking_up(actor, direction)
    if locked.community_issue_id is not None:
        raise Conflict(_("この方向性はすでに地域課題になっています。"))
    reasons = {**locked.deidentification_kept, **(keep or {})}
    issue = meetings.issue_raise(
        actor,
        data={
            "title": (title or locked.title).strip(),
            "theme": locked.theme,
            "description": (description or locked.text).strip(),
            "source": IssueSource.SURVEY,
            "source_note": _source_note(locked),
        },
        raised_on=locked.adopted_on,
        keep=reasons,
        seen=list(reasons),
    )
    locked.community_issue = issue
    locked.save(update_fields=["community_issue", "updated_at"])
    audit.record(
        action=ACTION_TAKEN_UP,
        actor=actor,
        target=locked,
        detail={"community_issue": issue.pk},
    )
    return issue


@audit.atomic_with_refusals
def direction_to_development(
    actor: Actor,
    *,
    direction: Direction,
    kind: str,
    title: str,
    beneficiaries: str,
    occurred_on: dt.date,
    description: str = "",
    keep: Mapping[str, str] | None = None,
) -> ResourceDevelopment:
    """Record what the adopted direction brought about as a resource development."""
    locked = _adopted_for_taking_up(actor, direction)
    if locked.resource_development_id is not None:
        raise Conflict(_("この方向性はすでに資源開発として記録されています。"))
    if occurred_on > timezone.localdate():
        raise Invalid(_("実現した日は今日までにしてください。"))
    kept = _deidentified(
        [
            ("title", title.strip()),
            ("beneficiaries", beneficiaries.strip()),
            ("description", description.strip()),
        ],
        keep,
    )
    development = meetings.development_create(
        actor,
        data={
            "kind": kind,
            "title": title.strip(),
            "beneficiaries": beneficiaries.strip(),
            "description": description.strip(),
            "occurred_on": occurred_on,
            "community_issue": locked.community_issue,
            "meeting": _visible_meeting(actor, locked.adopted_meeting),
            "source_note": _source_note(locked),
        },
    )
    locked.resource_development = development
    locked.save(update_fields=["resource_development", "updated_at"])
    audit.record(
        action=ACTION_TAKEN_UP,
        actor=actor,
        target=locked,
        detail={"resource_development": development.pk, "deidentification": {"kept": kept}},
    )
    return development


def current_fiscal_year() -> int:
    return fiscal_year_of(timezone.localdate())
