"""Writes of the surveys app: each runs in one transaction and writes its audit row there.

The sender (the core center or the city department) writes a survey while it is a draft —
its questions and its recipients — sends it (the recipients' members are notified) and closes
it.  A recipient saves its answers as a draft as often as it likes and submits them once; after
that only the sender reopens them, with a reason.  Reminders go to the members of the
recipients that have not submitted: by hand (`survey_remind`) and from the periodic job
(`surveys_remind_due`, reports/periodic.py) a few days before and after the deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.audit import services as audit
from tsunagu.audit.actions import register_action
from tsunagu.audit.models import Action
from tsunagu.core.actor import Actor, Origin
from tsunagu.core.errors import Conflict, FieldErrors, Forbidden, Invalid
from tsunagu.core.validation import full_clean_fields
from tsunagu.core.validators import MAX_YEAR, MIN_YEAR, has_bad_characters
from tsunagu.notifications.models import NotificationKind
from tsunagu.notifications.services import notify
from tsunagu.organizations.models import Membership, Organization
from tsunagu.surveys import access, kinds, models, prefill
from tsunagu.surveys.models import (
    MAX_QUESTIONS,
    PURPOSE_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Answer,
    Question,
    QuestionKind,
    ResponseStatus,
    Survey,
    SurveyKind,
    SurveyResponse,
    SurveyStatus,
)

ACTION_SENT = register_action("surveys.sent", gettext_lazy("調査の送付"))
ACTION_CLOSED = register_action("surveys.closed", gettext_lazy("調査の締切"))
ACTION_SUBMITTED = register_action("surveys.submitted", gettext_lazy("調査への回答の提出"))
ACTION_REOPENED = register_action("surveys.reopened", gettext_lazy("調査への回答の差し戻し"))
ACTION_REMINDED = register_action("surveys.reminded", gettext_lazy("調査の督促"))
ACTION_EXPORTED = register_action("surveys.results_exported", gettext_lazy("調査結果の出力"))
ACTION_REVIEWED = register_action("surveys.text_reviewed", gettext_lazy("自由記述の確認"))

# The periodic reminder: this many days before the deadline, and after it (still open).
REMIND_BEFORE_DAYS = 3
REMIND_AFTER_DAYS = 1
REASON_MAX_LENGTH = 400


def _text(value: str, *, name: str, max_length: int, required: bool = False) -> str:
    text = (value or "").strip()
    if has_bad_characters(text):
        raise FieldErrors({name: _("使えない文字が含まれています。")})
    if len(text) > max_length:
        raise FieldErrors({name: _("%(max)s文字以内で入力してください。") % {"max": max_length}})
    if required and not text:
        raise FieldErrors({name: _("入力してください。")})
    return text


def _require_sender(actor: Actor, survey: Survey | None = None) -> None:
    allowed = access.may_send(actor) if survey is None else access.is_sender(actor, survey)
    if not allowed:
        audit.record_denial(
            actor,
            target_type=access.SURVEY,
            target_id=survey.pk if survey is not None else "",
            reason="not the sender",
        )
        raise Forbidden(_("調査を作成・変更できるのは基幹相談支援センターと市担当課の職員です。"))


def _require_draft(survey: Survey) -> None:
    if survey.status != SurveyStatus.DRAFT:
        raise Conflict(_("送付した調査の設問と送付先は変更できません。"))


def _check_year(fiscal_year: int) -> None:
    if not MIN_YEAR <= fiscal_year <= MAX_YEAR:
        raise FieldErrors({"fiscal_year": _("年度を確かめてください。")})


# --- The survey ----------------------------------------------------------------------------


@audit.atomic_with_refusals
def survey_create(
    actor: Actor,
    *,
    title: str,
    fiscal_year: int,
    deadline: dt.date,
    purpose: str = "",
    kind: str = SurveyKind.GENERAL,
) -> Survey:
    _require_sender(actor)
    assert actor.organization is not None  # noqa: S101  # may_send says so
    _check_year(fiscal_year)
    if (
        kind == SurveyKind.OFFICE_CENSUS
        and Survey.objects.filter(
            sender=actor.organization, kind=kind, fiscal_year=fiscal_year
        ).exists()
    ):
        raise Conflict(_("この年度の実態調査はすでにあります。"))
    survey = Survey(
        kind=kind,
        title=_text(title, name="title", max_length=TITLE_MAX_LENGTH, required=True),
        purpose=_text(purpose, name="purpose", max_length=PURPOSE_MAX_LENGTH),
        fiscal_year=fiscal_year,
        deadline=deadline,
        sender=actor.organization,
        created_by=actor.user,
    )
    full_clean_fields(survey)
    survey.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=survey,
        detail={"title": survey.title, "fiscal_year": fiscal_year, "kind": kind},
    )
    return survey


SURVEY_FIELDS = ("title", "purpose", "fiscal_year", "deadline")


@audit.atomic_with_refusals
def survey_update(actor: Actor, *, survey: Survey, **fields: Any) -> Survey:
    _require_sender(actor, survey)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if set(fields) - set(SURVEY_FIELDS):
        raise Invalid(_("変更できない項目が含まれています。"))
    if survey.status == SurveyStatus.CLOSED:
        raise Conflict(_("締め切った調査は変更できません。"))
    if survey.status == SurveyStatus.SENT and set(fields) - {"deadline", "purpose"}:
        raise Conflict(_("送付した調査で変えられるのは回答期限と目的だけです。"))
    before = {name: str(getattr(survey, name)) for name in fields}
    if "title" in fields:
        survey.title = _text(
            fields["title"], name="title", max_length=TITLE_MAX_LENGTH, required=True
        )
    if "purpose" in fields:
        survey.purpose = _text(fields["purpose"], name="purpose", max_length=PURPOSE_MAX_LENGTH)
    if "fiscal_year" in fields:
        _check_year(fields["fiscal_year"])
        survey.fiscal_year = fields["fiscal_year"]
    if "deadline" in fields:
        survey.deadline = fields["deadline"]
    full_clean_fields(survey)
    survey.save()
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=survey,
        detail={"before": before, "after": {n: str(getattr(survey, n)) for n in fields}},
    )
    return survey


@audit.atomic_with_refusals
def question_add(
    actor: Actor,
    *,
    survey: Survey,
    kind: str,
    text: str,
    help_text: str = "",
    required: bool = False,
    choices: Iterable[Any] = (),
    rows: Iterable[Any] = (),
    columns: Iterable[Any] = (),
    max_rows: int = models.DEFAULT_CASE_ROWS,
    prefill_key: str = "",
    code: str = "",
) -> Question:
    _require_sender(actor, survey)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _require_draft(survey)
    if survey.questions.count() >= MAX_QUESTIONS:
        raise Invalid(_("設問は%(n)s問までです。") % {"n": MAX_QUESTIONS})
    try:
        handler = kinds.handler_for(kind)
    except ValueError as exc:
        raise FieldErrors({"kind": str(exc)}) from None
    if prefill_key:
        source = prefill.SOURCES.get(prefill_key)
        if source is None:
            raise FieldErrors({"prefill_key": _("記録からの自動入力の種類を選び直してください。")})
        if source.kind != kind:
            raise FieldErrors(
                {
                    "prefill_key": _("この自動入力は「%(kind)s」の設問に使えます。")
                    % {"kind": QuestionKind(source.kind).label}
                }
            )
        if kind == QuestionKind.TABLE:
            rows, columns = prefill.table_shape(prefill_key)
    try:
        definition = handler.definition(
            kinds.Definition(
                choices=list(choices), rows=list(rows), columns=list(columns), max_rows=max_rows
            )
        )
    except ValueError as exc:
        names: dict[str, str] = {
            QuestionKind.SINGLE: "choices",
            QuestionKind.MULTIPLE: "choices",
            QuestionKind.CASES: "max_rows",
        }
        name = names.get(kind, "rows")
        raise FieldErrors({name: str(exc)}) from None
    position = (survey.questions.aggregate(m=Max("position"))["m"] or 0) + 1
    question = Question(
        survey=survey,
        position=position,
        kind=kind,
        text=_text(text, name="text", max_length=QUESTION_MAX_LENGTH, required=True),
        help_text=_text(help_text, name="help_text", max_length=QUESTION_MAX_LENGTH),
        required=required,
        choices=list(definition.choices),
        rows=list(definition.rows),
        columns=list(definition.columns),
        max_rows=definition.max_rows,
        prefill_key=prefill_key,
        code=code,
    )
    full_clean_fields(question)
    question.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=question,
        detail={"survey": survey.pk, "kind": kind, "position": position, "prefill": prefill_key},
    )
    return question


@audit.atomic_with_refusals
def question_delete(actor: Actor, *, question: Question) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    _require_sender(actor, survey)
    _require_draft(survey)
    detail = {"survey": survey.pk, "position": question.position, "text": question.text}
    audit.record(action=Action.RECORD_DELETED, actor=actor, target=question, detail=detail)
    question.delete()
    # Positions stay 1..n, in order (two passes: the unique key holds at every step).
    remaining = list(survey.questions.order_by("position", "pk"))
    for offset, q in enumerate(remaining, start=1):
        Question.objects.filter(pk=q.pk).update(position=1000 + offset)
    for offset, q in enumerate(remaining, start=1):
        Question.objects.filter(pk=q.pk).update(position=offset)
    return survey


@audit.atomic_with_refusals
def recipients_set(
    actor: Actor, *, survey: Survey, organizations: Iterable[Organization]
) -> list[SurveyResponse]:
    """The organizations the survey goes to (chosen by kind and one by one on the screen)."""
    _require_sender(actor, survey)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _require_draft(survey)
    chosen = {o.pk: o for o in organizations if o.is_active and o.pk != survey.sender_id}
    if not chosen:
        raise FieldErrors({"organizations": _("送付先を選んでください。")})
    before = sorted(survey.responses.values_list("organization_id", flat=True))
    survey.responses.exclude(organization_id__in=chosen).delete()
    existing = set(survey.responses.values_list("organization_id", flat=True))
    SurveyResponse.objects.bulk_create(
        [
            SurveyResponse(survey=survey, organization=o)
            for pk, o in chosen.items()
            if pk not in existing
        ]
    )
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=survey,
        detail={"recipients": {"before": before, "after": sorted(chosen)}},
    )
    return list(survey.responses.select_related("organization"))


def _members_of(org_ids: Iterable[int]) -> list[Any]:
    return [
        m.user
        for m in Membership.objects.current()
        .filter(organization_id__in=list(org_ids))
        .select_related("user")
    ]


@audit.atomic_with_refusals
def survey_send(actor: Actor, *, survey: Survey) -> Survey:
    _require_sender(actor, survey)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _require_draft(survey)
    if not survey.questions.exists():
        raise Invalid(_("設問を1つ以上追加してから送付してください。"))
    recipients = list(survey.responses.values_list("organization_id", flat=True))
    if not recipients:
        raise Invalid(_("送付先を選んでから送付してください。"))
    if survey.deadline < timezone.localdate():
        raise Invalid(_("回答期限が過ぎています。期限を変えてから送付してください。"))
    survey.status = SurveyStatus.SENT
    survey.sent_at = timezone.now()
    survey.save(update_fields=["status", "sent_at", "updated_at"])
    sent = notify(
        recipients=_members_of(recipients),
        kind=NotificationKind.SURVEY_SENT,
        target=survey,
        caused_by=actor.user,
    )
    audit.record(
        action=ACTION_SENT,
        actor=actor,
        target=survey,
        detail={"organizations": sorted(recipients), "notified": len(sent)},
    )
    return survey


@audit.atomic_with_refusals
def survey_close(actor: Actor, *, survey: Survey) -> Survey:
    _require_sender(actor, survey)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != SurveyStatus.SENT:
        raise Conflict(_("締め切れるのは回答受付中の調査です。"))
    survey.status = SurveyStatus.CLOSED
    survey.closed_at = timezone.now()
    survey.save(update_fields=["status", "closed_at", "updated_at"])
    audit.record(action=ACTION_CLOSED, actor=actor, target=survey, detail={})
    return survey


# --- Answers --------------------------------------------------------------------------------


def prefilled_values(response: SurveyResponse, questions: Iterable[Question]) -> dict[int, object]:
    """Question id → the figure from the answering organization's records, for the questions
    bound to a source."""
    return {
        q.pk: prefill.value_for(q.prefill_key, response.organization, response.survey.fiscal_year)
        for q in questions
        if q.prefill_key in prefill.SOURCES
    }


def _definition(question: Question) -> kinds.Definition:
    return kinds.Definition(
        choices=question.choices,
        rows=question.rows,
        columns=question.columns,
        max_rows=question.max_rows,
    )


def parse_answers(questions: Iterable[Question], raw: Mapping[int, object]) -> dict[int, object]:
    """Each question's answer read from what was sent, or FieldErrors naming `q<id>`."""
    values: dict[int, object] = {}
    errors: dict[str, str] = {}
    for question in questions:
        if question.pk not in raw:
            continue
        try:
            values[question.pk] = kinds.handler_for(question.kind).parse(
                _definition(question), raw[question.pk]
            )
        except ValueError as exc:
            errors[f"q{question.pk}"] = str(exc)
    if errors:
        raise FieldErrors(errors)
    return values


@audit.atomic_with_refusals
def response_save(
    actor: Actor,
    *,
    response: SurveyResponse,
    answers: Mapping[int, object],
    submit: bool = False,
) -> SurveyResponse:
    """Save the office's answers (a draft), and with `submit` hand them in: once submitted they
    are read-only to the office.  `answers` maps question ids to what was typed or sent."""
    if not access.is_respondent(actor, response):
        audit.record_denial(
            actor, target_type=access.RESPONSE, target_id=response.pk, reason="not the respondent"
        )
        raise Forbidden(_("回答できるのは送付先の事業所の職員（閲覧のみ以外）です。"))
    response = (
        SurveyResponse.objects.select_for_update()
        .select_related("survey", "organization")
        .get(pk=response.pk)
    )
    if response.status == ResponseStatus.SUBMITTED:
        raise Conflict(_("提出済みの回答は変更できません。実施機関に差し戻しを依頼してください。"))
    if response.survey.status != SurveyStatus.SENT:
        raise Conflict(_("回答を受け付けていない調査です。"))
    questions = list(response.survey.questions.all())
    known = {q.pk for q in questions}
    if set(answers) - known:
        raise FieldErrors({"answers": _("この調査にない設問への回答が含まれています。")})
    values = parse_answers(questions, answers)
    # A kind that reads the office's own records (a list of cases) resolves them here, as the
    # acting office: what is stored, and what stays on the office's side.
    own: dict[int, list[int]] = {}
    errors: dict[str, str] = {}
    for question in questions:
        if question.pk not in values:
            continue
        try:
            values[question.pk], private = kinds.handler_for(question.kind).resolve(
                actor, values[question.pk]
            )
        except ValueError as exc:
            errors[f"q{question.pk}"] = str(exc)
            continue
        if private is not None:
            own[question.pk] = private
    if errors:
        raise FieldErrors(errors)
    stored = {a.question_id: a for a in response.answers.all()}
    prefilled = prefilled_values(response, [q for q in questions if q.pk not in stored])
    now = timezone.now()
    for question in questions:
        answer = stored.get(question.pk)
        if answer is None:
            # First save: a bound question starts from the records (both values are kept).
            pre = prefilled.get(question.pk)
            Answer.objects.create(
                response=response,
                question=question,
                prefilled=pre,
                prefilled_at=now if pre is not None else None,
                value=values.get(question.pk, pre),
                own_cases=own.get(question.pk, []),
            )
        elif question.pk in values and answer.value != values[question.pk]:
            # A changed text is reviewed again before other offices see it.
            Answer.objects.filter(pk=answer.pk).update(
                value=values[question.pk],
                own_cases=own.get(question.pk, []),
                reviewed_at=None,
                reviewed_by=None,
            )
        elif question.pk in own and answer.own_cases != own[question.pk]:
            Answer.objects.filter(pk=answer.pk).update(own_cases=own[question.pk])
    if submit:
        current = {a.question_id: a.value for a in response.answers.all()}
        missing = {
            f"q{q.pk}": _("回答必須の設問です。")
            for q in questions
            if q.required and kinds.handler_for(q.kind).is_blank(current.get(q.pk))
        }
        if missing:
            raise FieldErrors(missing)
        response.status = ResponseStatus.SUBMITTED
        response.submitted_at = now
        response.submitted_by = actor.user
    else:
        response.status = ResponseStatus.DRAFT
    response.saved_at = now
    response.save(
        update_fields=["status", "saved_at", "submitted_at", "submitted_by", "updated_at"]
    )
    audit.record(
        action=ACTION_SUBMITTED if submit else Action.RECORD_UPDATED,
        actor=actor,
        target=response,
        detail={"survey": response.survey_id, "answered": sorted(values)},
    )
    return response


@audit.atomic_with_refusals
def response_reopen(actor: Actor, *, response: SurveyResponse, reason: str) -> SurveyResponse:
    """The sender hands a submitted response back to its office (a mistake to correct)."""
    _require_sender(actor, response.survey)
    reason = _text(reason, name="reason", max_length=REASON_MAX_LENGTH, required=True)
    response = SurveyResponse.objects.select_for_update().get(pk=response.pk)
    if response.status != ResponseStatus.SUBMITTED:
        raise Conflict(_("差し戻せるのは提出済みの回答です。"))
    if response.survey.status != SurveyStatus.SENT:
        raise Conflict(_("締め切った調査の回答は差し戻せません。"))
    response.status = ResponseStatus.DRAFT
    response.reopened_at = timezone.now()
    response.reopen_reason = reason
    response.save(update_fields=["status", "reopened_at", "reopen_reason", "updated_at"])
    audit.record(
        action=ACTION_REOPENED,
        actor=actor,
        target=response,
        detail={
            "survey": response.survey_id,
            "organization": response.organization_id,
            "reason": reason,
        },
    )
    return response


@audit.atomic_with_refusals
def answer_review(actor: Actor, *, answer: Answer, reviewed: bool = True) -> Answer:
    """The sender marks a free-text answer reviewed: only then is it shown to the other
    recipients on the results page (without the office's name)."""
    _require_sender(actor, answer.response.survey)
    if answer.question.kind != QuestionKind.TEXT:
        raise Invalid(_("確認が必要なのは自由記述の回答です。"))
    if not SurveyResponse.objects.filter(
        pk=answer.response_id, status=ResponseStatus.SUBMITTED
    ).exists():
        raise Conflict(_("提出済みの回答だけを確認できます。"))
    answer.reviewed_at = timezone.now() if reviewed else None
    answer.reviewed_by = actor.user if reviewed else None
    answer.save(update_fields=["reviewed_at", "reviewed_by"])
    audit.record(action=ACTION_REVIEWED, actor=actor, target=answer, detail={"reviewed": reviewed})
    return answer


# --- Reminders ------------------------------------------------------------------------------


def _remind(survey: Survey, *, actor: Actor | None, automatic: bool) -> list[SurveyResponse]:
    waiting = list(survey.responses.select_for_update().exclude(status=ResponseStatus.SUBMITTED))
    if not waiting:
        return []
    sent = notify(
        recipients=_members_of(r.organization_id for r in waiting),
        kind=NotificationKind.SURVEY_REMINDER,
        target=survey,
        caused_by=actor.user if actor is not None else None,
    )
    now = timezone.now()
    SurveyResponse.objects.filter(pk__in=[r.pk for r in waiting]).update(reminded_at=now)
    audit.record(
        action=ACTION_REMINDED,
        actor=actor,
        origin=None if actor is not None else Origin.command("surveys_remind"),
        target=survey,
        detail={
            "organizations": sorted(r.organization_id for r in waiting),
            "notified": len(sent),
            "automatic": automatic,
        },
    )
    return waiting


@audit.atomic_with_refusals
def survey_remind(actor: Actor, *, survey: Survey) -> list[SurveyResponse]:
    """Remind now: the members of every recipient that has not submitted."""
    _require_sender(actor, survey)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != SurveyStatus.SENT:
        raise Conflict(_("督促できるのは回答受付中の調査です。"))
    waiting = _remind(survey, actor=actor, automatic=False)
    if not waiting:
        raise Conflict(_("すべての送付先が提出済みです。"))
    return waiting


def remind_days(deadline: dt.date) -> tuple[dt.date, dt.date]:
    return (
        deadline - dt.timedelta(days=REMIND_BEFORE_DAYS),
        deadline + dt.timedelta(days=REMIND_AFTER_DAYS),
    )


def surveys_remind_due(*, today: dt.date | None = None) -> list[Survey]:
    """The periodic job: on the day N days before the deadline and M days after it, remind the
    recipients that have not submitted.  Idempotent within a day (a response reminded today is
    not reminded again)."""
    today = today or timezone.localdate()
    reminded: list[Survey] = []
    for survey in Survey.objects.filter(status=SurveyStatus.SENT).order_by("pk"):
        if today not in remind_days(survey.deadline):
            continue
        with audit.atomic():
            locked = Survey.objects.select_for_update().get(pk=survey.pk)
            if locked.auto_reminded_on == today:
                continue
            locked.auto_reminded_on = today
            locked.save(update_fields=["auto_reminded_on", "updated_at"])
            if _remind(locked, actor=None, automatic=True):
                reminded.append(locked)
    return reminded
