"""Writes of the group home evaluation: each step is one service, in one transaction with its
audit row, and refuses a step out of order (no skipping, no going back), a date in the future
where the step has happened, and publication before the report is written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.accounts.models import User
from tsunagu.audit import services as audit
from tsunagu.audit.actions import register_action
from tsunagu.audit.models import Action
from tsunagu.core.actor import Actor
from tsunagu.core.dates import fiscal_year as fiscal_year_of
from tsunagu.core.errors import Conflict, FieldErrors, Forbidden, Invalid
from tsunagu.core.validation import full_clean_fields
from tsunagu.grouphomes import access
from tsunagu.grouphomes.models import (
    FIRST_FISCAL_YEAR,
    MAX_REPORT_DUE_DAYS,
    QA_MAX_ITEMS,
    TEXT_MAX_LENGTH,
    EvaluationPath,
    GroupHome,
    GroupHomeEvaluation,
    SelfEvaluationSource,
    Step,
    Viewpoint,
)
from tsunagu.meetings.models import BodyKind, Meeting, MeetingBody
from tsunagu.notifications.models import NotificationKind
from tsunagu.notifications.services import notify
from tsunagu.organizations.models import Membership, Organization, OrganizationKind

ACTION_PLANNED = register_action("grouphomes.planned", gettext_lazy("GH評価の計画"))
ACTION_VISITED = register_action("grouphomes.visited", gettext_lazy("GH評価の実地調査の記録"))
ACTION_SELF_EVALUATED = register_action(
    "grouphomes.self_evaluated", gettext_lazy("GH評価の自己評価の受領")
)
ACTION_QA_HELD = register_action("grouphomes.qa_held", gettext_lazy("GH評価の質疑・意見交換の記録"))
ACTION_REPORT_WRITTEN = register_action(
    "grouphomes.report_written", gettext_lazy("GH評価の報告書の作成")
)
ACTION_PUBLISHED = register_action("grouphomes.published", gettext_lazy("GH評価の公表"))
ACTION_OVERDUE_NOTIFIED = register_action(
    "grouphomes.overdue_notified", gettext_lazy("GH評価の報告書の期限超過の通知")
)

HOME_FIELDS = ("opened_on", "capacity", "units", "note")


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _not_future(day: dt.date, field: str) -> None:
    if day > timezone.localdate():
        raise FieldErrors({field: _("先の日付は入れられません。")})


def _text(value: str, field: str, *, required: bool = True, limit: int = TEXT_MAX_LENGTH) -> str:
    text = value.strip()
    if required and not text:
        raise FieldErrors({field: _("入力してください。")})
    if len(text) > limit:
        raise FieldErrors({field: _("%(n)s字以内で入力してください。") % {"n": limit}})
    return text


def _viewpoints(values: Mapping[str, str], field: str) -> dict[str, str]:
    unknown = set(values) - set(Viewpoint.values)
    if unknown:
        raise FieldErrors({field: _("評価の観点に含まれない項目があります。")})
    cleaned = {k: _text(v, field, required=False) for k, v in values.items()}
    cleaned = {k: v for k, v in cleaned.items() if v}
    if not cleaned:
        raise FieldErrors({field: _("少なくとも1つの観点について記入してください。")})
    return cleaned


def _require_manager(actor: Actor, *, target: Any = None) -> None:
    if not access.may_manage(actor):
        audit.record_denial(
            actor,
            target_type=access.HOME if target is None else audit.target_type_of(target),
            target_id=getattr(target, "pk", "") or "",
            reason="not the city department",
        )
        raise Forbidden(_("登録・変更できるのは市担当課の職員です。"))


def _require_writer(actor: Actor, evaluation: GroupHomeEvaluation) -> None:
    if not access.may_write(actor, evaluation):
        audit.record_denial(
            actor, target_type=access.EVALUATION, target_id=evaluation.pk, reason="not a writer"
        )
        raise Forbidden(_("記録できるのは所管の市担当課の職員と評価者です。"))


def _locked(evaluation: GroupHomeEvaluation, step: str) -> GroupHomeEvaluation:
    """The row, locked, if `step` is the next one of its path; else Conflict."""
    row = (
        GroupHomeEvaluation.objects.select_for_update()
        .select_related("home", "home__organization")
        .get(pk=evaluation.pk)
    )
    if step not in row.steps:
        raise Conflict(_("この評価の方法にはない段階です。"))
    if row.next_step != step:
        raise Conflict(
            _("この段階はまだ記録できません（今の段階: %(step)s）。")
            % {"step": row.get_step_display()}
        )
    return row


# --- Homes ----------------------------------------------------------------------------------


def home_candidates() -> QuerySet[Organization]:
    """Service providers not yet registered as a group home."""
    return Organization.objects.filter(
        kind=OrganizationKind.SERVICE_PROVIDER, is_active=True, group_home__isnull=True
    ).order_by("name_kana", "pk")


@audit.atomic_with_refusals
def home_create(
    actor: Actor,
    *,
    organization: Organization,
    opened_on: dt.date,
    capacity: int,
    units: int = 1,
    note: str = "",
) -> GroupHome:
    _require_manager(actor)
    assert actor.organization is not None  # noqa: S101  # may_manage says so
    if organization.kind != OrganizationKind.SERVICE_PROVIDER:
        raise FieldErrors({"organization": _("障害福祉サービス事業所を選んでください。")})
    if GroupHome.objects.filter(organization=organization).exists():
        raise FieldErrors({"organization": _("この事業所はすでに登録されています。")})
    _not_future(opened_on, "opened_on")
    home = GroupHome(
        organization=organization,
        opened_on=opened_on,
        capacity=capacity,
        units=units,
        note=note.strip(),
        managed_by=actor.organization,
    )
    if not 1 <= capacity <= 1000:
        raise FieldErrors({"capacity": _("定員は1〜1000で入力してください。")})
    if not 1 <= units <= 100:
        raise FieldErrors({"units": _("共同生活住居の数は1〜100で入力してください。")})
    full_clean_fields(home, unique=False)
    home.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=home,
        detail={
            "organization": organization.pk,
            **{n: _plain(getattr(home, n)) for n in HOME_FIELDS},
        },
    )
    return home


@audit.atomic_with_refusals
def home_update(actor: Actor, *, home: GroupHome, **fields: Any) -> GroupHome:
    _require_manager(actor, target=home)
    home = GroupHome.objects.select_for_update().get(pk=home.pk)
    if home.managed_by_id != actor.organization_id:
        raise Forbidden(_("変更できるのは所管の市担当課の職員です。"))
    if set(fields) - set(HOME_FIELDS):
        raise Invalid(_("変更できない項目が含まれています。"))
    before = {n: _plain(getattr(home, n)) for n in HOME_FIELDS}
    for name, value in fields.items():
        setattr(home, name, value.strip() if isinstance(value, str) else value)
    _not_future(home.opened_on, "opened_on")
    if not 1 <= home.capacity <= 1000:
        raise FieldErrors({"capacity": _("定員は1〜1000で入力してください。")})
    if not 1 <= home.units <= 100:
        raise FieldErrors({"units": _("共同生活住居の数は1〜100で入力してください。")})
    full_clean_fields(home, unique=False)
    home.save()
    after = {n: _plain(getattr(home, n)) for n in HOME_FIELDS}
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=home,
        detail={"before": before, "after": after},
    )
    return home


# --- Planning -------------------------------------------------------------------------------


def evaluation_bodies() -> QuerySet[MeetingBody]:
    """Where evaluations take place: the council's subcommittees (the 地域部会)."""
    return MeetingBody.objects.filter(kind=BodyKind.SUBCOMMITTEE, is_active=True).order_by(
        "name", "pk"
    )


def evaluator_candidates(*, manager: Organization, bodies: QuerySet[MeetingBody]) -> QuerySet[User]:
    """The city department's staff and the subcommittees' members (in person, or the staff of
    their member and secretariat organizations)."""
    org_ids = {manager.pk}
    org_ids |= set(
        bodies.filter(member_organizations__isnull=False).values_list(
            "member_organizations", flat=True
        )
    )
    org_ids |= set(bodies.filter(secretariats__isnull=False).values_list("secretariats", flat=True))
    members = Membership.objects.current().filter(organization_id__in=org_ids).values("user_id")
    in_person = User.objects.filter(meeting_bodies__in=bodies).values("pk")
    return (
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=members) | Q(pk__in=in_person))
        .order_by("username")
    )


def _had_visit(home: GroupHome, year: int) -> bool:
    return GroupHomeEvaluation.objects.filter(
        home=home, path=EvaluationPath.VISIT, fiscal_year__lt=year, visited_on__isnull=False
    ).exists()


@audit.atomic_with_refusals
def evaluation_plan(
    actor: Actor,
    *,
    home: GroupHome,
    fiscal_year: int,
    path: str,
    body: MeetingBody,
    evaluators: Iterable[User],
    visit_planned_on: dt.date | None = None,
    report_due_days: int | None = None,
) -> GroupHomeEvaluation:
    """Plan a home's evaluation for a fiscal year: the path, the subcommittee, the evaluators
    and (for a visit) the planned date."""
    _require_manager(actor, target=home)
    if home.managed_by_id != actor.organization_id:
        raise Forbidden(_("計画できるのは所管の市担当課の職員です。"))
    this_year = fiscal_year_of(timezone.localdate())
    if not FIRST_FISCAL_YEAR <= fiscal_year <= this_year + 1:
        raise FieldErrors(
            {
                "fiscal_year": _("年度は%(first)s〜%(last)sの範囲で選びます。")
                % {"first": FIRST_FISCAL_YEAR, "last": this_year + 1}
            }
        )
    if path not in EvaluationPath.values:
        raise FieldErrors({"path": _("評価の方法を選んでください。")})
    if body.kind != BodyKind.SUBCOMMITTEE or not body.is_active:
        raise FieldErrors({"body": _("評価の場は協議会の部会から選びます。")})
    if GroupHomeEvaluation.objects.filter(home=home, fiscal_year=fiscal_year).exists():
        raise FieldErrors({"fiscal_year": _("この年度の評価はすでにあります。")})
    if path == EvaluationPath.VISIT:
        if visit_planned_on is None:
            raise FieldErrors({"visit_planned_on": _("実地調査の予定日を入れてください。")})
        if visit_planned_on < home.opened_on:
            raise FieldErrors({"visit_planned_on": _("実地調査の予定日は開所日より後にします。")})
    else:
        if not _had_visit(home, fiscal_year):
            raise FieldErrors(
                {"path": _("書面による報告は、過年度に実地調査をした事業所だけです。")}
            )
        visit_planned_on = None
    due_days = report_due_days if report_due_days is not None else 30
    if not 1 <= due_days <= MAX_REPORT_DUE_DAYS:
        raise FieldErrors(
            {
                "report_due_days": _("期限は1〜%(n)s日で入れてください。")
                % {"n": MAX_REPORT_DUE_DAYS}
            }
        )
    chosen = list(evaluators)
    if not chosen:
        raise FieldErrors({"evaluators": _("評価者を選んでください。")})
    allowed = set(
        evaluator_candidates(
            manager=home.managed_by, bodies=MeetingBody.objects.filter(pk=body.pk)
        ).values_list("pk", flat=True)
    )
    if any(u.pk not in allowed for u in chosen):
        raise FieldErrors({"evaluators": _("評価者は市担当課の職員と部会の委員から選びます。")})
    evaluation = GroupHomeEvaluation(
        home=home,
        fiscal_year=fiscal_year,
        path=path,
        body=body,
        visit_planned_on=visit_planned_on,
        report_due_days=due_days,
        created_by=actor.user,
    )
    full_clean_fields(evaluation, unique=False)
    evaluation.save()
    evaluation.evaluators.set(chosen)
    audit.record(
        action=ACTION_PLANNED,
        actor=actor,
        target=evaluation,
        detail={
            "home": home.pk,
            "fiscal_year": fiscal_year,
            "path": path,
            "body": body.pk,
            "visit_planned_on": _plain(visit_planned_on),
            "report_due_days": due_days,
            "evaluators": sorted(u.pk for u in chosen),
        },
    )
    return evaluation


# --- The steps ------------------------------------------------------------------------------


@audit.atomic_with_refusals
def visit_record(
    actor: Actor,
    *,
    evaluation: GroupHomeEvaluation,
    visited_on: dt.date,
    observations: Mapping[str, str],
    findings: str,
) -> GroupHomeEvaluation:
    _require_writer(actor, evaluation)
    row = _locked(evaluation, Step.VISITED)
    _not_future(visited_on, "visited_on")
    if visited_on < row.home.opened_on:
        raise FieldErrors({"visited_on": _("実地調査日は開所日より後です。")})
    row.visited_on = visited_on
    row.visit_observations = _viewpoints(observations, "observations")
    row.visit_findings = _text(findings, "findings")
    row.visit_recorded_by = actor.user
    row.step = Step.VISITED
    row.save(
        update_fields=[
            "visited_on",
            "visit_observations",
            "visit_findings",
            "visit_recorded_by",
            "step",
            "updated_at",
        ]
    )
    audit.record(
        action=ACTION_VISITED,
        actor=actor,
        target=row,
        detail={"visited_on": visited_on.isoformat(), "viewpoints": sorted(row.visit_observations)},
    )
    return row


@audit.atomic_with_refusals
def self_evaluation_receive(
    actor: Actor,
    *,
    evaluation: GroupHomeEvaluation,
    received_on: dt.date,
    answers: Mapping[str, str],
    summary: str,
) -> GroupHomeEvaluation:
    """The home's self-evaluation: filled by the home's own staff when they have accounts,
    else entered by the managing department from the paper form (and marked so)."""
    if access.is_home(actor, evaluation) and actor.can_write:
        source = SelfEvaluationSource.HOME
    elif access.is_manager(actor, evaluation):
        if access.home_has_accounts(evaluation.home):
            raise Forbidden(
                _("この事業所の職員はアカウントを持っています。自己評価は事業所が入力します。")
            )
        source = SelfEvaluationSource.PAPER
    else:
        audit.record_denial(
            actor, target_type=access.EVALUATION, target_id=evaluation.pk, reason="not the home"
        )
        raise Forbidden(_("自己評価を入力できるのは事業所と所管の市担当課です。"))
    row = _locked(evaluation, Step.SELF_EVALUATED)
    _not_future(received_on, "received_on")
    if row.visited_on is not None and received_on < row.visited_on:
        raise FieldErrors({"received_on": _("受領日は実地調査日より後です。")})
    row.self_evaluation = _viewpoints(answers, "answers")
    row.self_evaluation_summary = _text(summary, "summary")
    row.self_evaluation_on = received_on
    row.self_evaluation_source = source
    row.self_evaluation_by = actor.user
    row.step = Step.SELF_EVALUATED
    fields = [
        "self_evaluation",
        "self_evaluation_summary",
        "self_evaluation_on",
        "self_evaluation_source",
        "self_evaluation_by",
        "step",
        "updated_at",
    ]
    if row.path == EvaluationPath.WRITTEN:
        # 書面: no Q&A, the report is due from the written self-evaluation.
        row.report_due_on = received_on + dt.timedelta(days=row.report_due_days)
        fields.append("report_due_on")
    row.save(update_fields=fields)
    audit.record(
        action=ACTION_SELF_EVALUATED,
        actor=actor,
        target=row,
        detail={"received_on": received_on.isoformat(), "source": source},
    )
    return row


def qa_meetings(evaluation: GroupHomeEvaluation) -> QuerySet[Meeting]:
    """The meetings of the evaluation's subcommittee, where the Q&A takes place."""
    return Meeting.objects.filter(body_id=evaluation.body_id).order_by("-starts_at", "pk")


@audit.atomic_with_refusals
def qa_record(
    actor: Actor,
    *,
    evaluation: GroupHomeEvaluation,
    held_on: dt.date,
    items: Sequence[Mapping[str, str]],
    meeting: Meeting | None = None,
) -> GroupHomeEvaluation:
    _require_writer(actor, evaluation)
    row = _locked(evaluation, Step.QA_HELD)
    _not_future(held_on, "held_on")
    if row.self_evaluation_on is not None and held_on < row.self_evaluation_on:
        raise FieldErrors({"held_on": _("質疑・意見交換の日は自己評価の受領日より後です。")})
    if meeting is not None and meeting.body_id != row.body_id:
        raise FieldErrors({"meeting": _("会議は評価の場の部会のものを選びます。")})
    cleaned = []
    for item in items:
        question = _text(str(item.get("question", "")), "items", required=False)
        answer = _text(str(item.get("answer", "")), "items", required=False)
        if question or answer:
            if not question:
                raise FieldErrors({"items": _("回答には質問を添えてください。")})
            cleaned.append({"question": question, "answer": answer})
    if not cleaned:
        raise FieldErrors({"items": _("質疑・意見交換を1つ以上記録してください。")})
    if len(cleaned) > QA_MAX_ITEMS:
        raise FieldErrors(
            {"items": _("一度に記録できるのは%(n)s件までです。") % {"n": QA_MAX_ITEMS}}
        )
    row.qa_meeting = meeting
    row.qa_held_on = held_on
    row.qa_items = cleaned
    row.qa_recorded_by = actor.user
    row.report_due_on = held_on + dt.timedelta(days=row.report_due_days)
    row.step = Step.QA_HELD
    row.save(
        update_fields=[
            "qa_meeting",
            "qa_held_on",
            "qa_items",
            "qa_recorded_by",
            "report_due_on",
            "step",
            "updated_at",
        ]
    )
    audit.record(
        action=ACTION_QA_HELD,
        actor=actor,
        target=row,
        detail={
            "held_on": held_on.isoformat(),
            "meeting": meeting.pk if meeting is not None else None,
            "items": len(cleaned),
            "report_due_on": row.report_due_on.isoformat(),
        },
    )
    return row


@audit.atomic_with_refusals
def report_write(
    actor: Actor, *, evaluation: GroupHomeEvaluation, text: str
) -> GroupHomeEvaluation:
    _require_writer(actor, evaluation)
    row = _locked(evaluation, Step.REPORT_WRITTEN)
    row.report_text = _text(text, "text", limit=20000)
    row.report_written_on = timezone.localdate()
    row.report_written_by = actor.user
    row.step = Step.REPORT_WRITTEN
    row.save(
        update_fields=[
            "report_text",
            "report_written_on",
            "report_written_by",
            "step",
            "updated_at",
        ]
    )
    late = row.report_due_on is not None and row.report_written_on > row.report_due_on
    audit.record(
        action=ACTION_REPORT_WRITTEN,
        actor=actor,
        target=row,
        detail={"written_on": row.report_written_on.isoformat(), "late": late},
    )
    return row


@audit.atomic_with_refusals
def publish(actor: Actor, *, evaluation: GroupHomeEvaluation) -> GroupHomeEvaluation:
    """Publish the written report to the home and the council (then read-only)."""
    _require_writer(actor, evaluation)
    if not access.is_manager(actor, evaluation):
        raise Forbidden(_("公表できるのは所管の市担当課の職員です。"))
    row = _locked(evaluation, Step.PUBLISHED)
    if not row.report_text:
        raise Conflict(_("報告書が作成されていないため公表できません。"))
    row.published_at = timezone.now()
    row.published_by = actor.user
    row.step = Step.PUBLISHED
    row.save(update_fields=["published_at", "published_by", "step", "updated_at"])
    audit.record(action=ACTION_PUBLISHED, actor=actor, target=row, detail={})
    return row


# --- Overdue reports ------------------------------------------------------------------------


def overdue(today: dt.date | None = None) -> QuerySet[GroupHomeEvaluation]:
    """Reports past their due date and not written."""
    day = today or timezone.localdate()
    return GroupHomeEvaluation.objects.filter(
        report_due_on__lt=day, report_written_on__isnull=True
    ).exclude(step__in=[Step.REPORT_WRITTEN, Step.PUBLISHED])


def overdue_notify(*, today: dt.date | None = None) -> list[GroupHomeEvaluation]:
    """Tell each overdue report's evaluators once (run daily by the background worker)."""
    notified = []
    for evaluation in overdue(today).filter(overdue_notified_at__isnull=True).order_by("pk"):
        with audit.atomic():
            row = GroupHomeEvaluation.objects.select_for_update().get(pk=evaluation.pk)
            if row.overdue_notified_at is not None:
                continue
            sent = notify(
                recipients=list(row.evaluators.all()),
                kind=NotificationKind.GROUPHOME_REPORT_OVERDUE,
                target=row,
            )
            row.overdue_notified_at = timezone.now()
            row.save(update_fields=["overdue_notified_at"])
            audit.record(
                action=ACTION_OVERDUE_NOTIFIED,
                target=row,
                detail={
                    "report_due_on": _plain(row.report_due_on),
                    "recipients": sorted(n.recipient_id for n in sent),
                },
            )
            notified.append(row)
    return notified
