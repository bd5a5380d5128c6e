"""Writes of the self-evaluation: each in one transaction, with its audit row there."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Conflict, FieldErrors, Forbidden, Invalid
from tsunagu.core.validation import full_clean_fields
from tsunagu.selfevaluations import access
from tsunagu.selfevaluations.models import (
    LABEL_MAX,
    MAX_LEVELS,
    MIN_LEVELS,
    CriteriaArea,
    CriteriaItem,
    CriteriaSet,
    EvaluationAnswer,
    EvaluationStatus,
    SelfEvaluation,
    SetStatus,
)


def _changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    return {k: [before[k], after[k]] for k in after if before.get(k) != after[k]}


def _deny(actor: Actor, target_type: str, pk: object, reason: str, message: str) -> Forbidden:
    """A refusal whose access.denied row `atomic_with_refusals` writes after the rollback."""
    return audit.Refusal(
        message, actor=actor, target_type=target_type, target_id=str(pk or ""), reason=reason
    )


# --- Criteria (the city department) -----------------------------------------------------------


def _require_manager(actor: Actor, pk: object = "") -> None:
    if not access.may_manage_criteria(actor):
        raise _deny(
            actor, access.SET, pk, "not the city", _("評価基準を変更できるのは市担当課の職員です。")
        )


def _require_draft(criteria: CriteriaSet) -> None:
    if CriteriaSet.objects.filter(pk=criteria.pk, status=SetStatus.PUBLISHED).exists():
        raise Conflict(
            _("公開した評価基準は変更できません。翌年度の評価基準を作成して見直してください。")
        )


def clean_scale(labels: Iterable[str]) -> list[str]:
    cleaned = [str(label).strip() for label in labels]
    cleaned = [label for label in cleaned if label]
    if not MIN_LEVELS <= len(cleaned) <= MAX_LEVELS:
        raise FieldErrors(
            {
                "scale_labels": _("評価の段階は%(low)d〜%(high)d段階で入力してください。")
                % {"low": MIN_LEVELS, "high": MAX_LEVELS}
            }
        )
    if any(len(label) > LABEL_MAX for label in cleaned):
        raise FieldErrors(
            {"scale_labels": _("段階の説明は%(n)d文字以内にしてください。") % {"n": LABEL_MAX}}
        )
    return cleaned


@audit.atomic_with_refusals
def set_create(
    actor: Actor,
    *,
    fiscal_year: int,
    title: str,
    guidance: str = "",
    scale_labels: Iterable[str] = (),
    copy_from: CriteriaSet | None = None,
) -> CriteriaSet:
    """A draft set for the year; from `copy_from`, its scale, guidance, areas and items (the
    item codes kept, so the years compare)."""
    _require_manager(actor)
    labels = list(scale_labels) or (list(copy_from.scale_labels) if copy_from else [])
    criteria = CriteriaSet(
        fiscal_year=fiscal_year,
        title=title.strip(),
        guidance=(guidance.strip() or (copy_from.guidance if copy_from else "")),
        scale_labels=clean_scale(labels),
        created_by=actor.user,
    )
    if not criteria.title:
        raise FieldErrors({"title": _("名称を入力してください。")})
    if CriteriaSet.objects.filter(fiscal_year=fiscal_year).exists():
        raise Conflict(_("この年度の評価基準はすでにあります。"))
    full_clean_fields(criteria, exclude=["created_by", "fiscal_year"])
    try:
        with audit.atomic():
            criteria.save()
    except IntegrityError:
        raise Conflict(_("この年度の評価基準はすでにあります。")) from None
    copied = 0
    if copy_from is not None:
        for area in copy_from.areas.prefetch_related("items"):
            new_area = CriteriaArea.objects.create(
                criteria_set=criteria, position=area.position, name=area.name
            )
            for item in area.items.all():
                CriteriaItem.objects.create(
                    area=new_area,
                    position=item.position,
                    code=item.code,
                    text=item.text,
                    guidance=item.guidance,
                )
                copied += 1
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=criteria,
        detail={
            "fiscal_year": fiscal_year,
            "title": criteria.title,
            "scale_labels": criteria.scale_labels,
            "copied_from": copy_from.pk if copy_from else None,
            "items_copied": copied,
        },
    )
    return criteria


@audit.atomic_with_refusals
def set_update(
    actor: Actor,
    *,
    criteria: CriteriaSet,
    title: str | None = None,
    guidance: str | None = None,
    scale_labels: Iterable[str] | None = None,
) -> CriteriaSet:
    _require_manager(actor, criteria.pk)
    criteria = CriteriaSet.objects.select_for_update().get(pk=criteria.pk)
    _require_draft(criteria)
    before = {
        "title": criteria.title,
        "guidance": criteria.guidance,
        "scale": criteria.scale_labels,
    }
    if title is not None:
        criteria.title = title.strip()
        if not criteria.title:
            raise FieldErrors({"title": _("名称を入力してください。")})
    if guidance is not None:
        criteria.guidance = guidance.strip()
    if scale_labels is not None:
        criteria.scale_labels = clean_scale(scale_labels)
    full_clean_fields(criteria, exclude=["created_by"])
    criteria.save(update_fields=["title", "guidance", "scale_labels", "updated_at"])
    after = {"title": criteria.title, "guidance": criteria.guidance, "scale": criteria.scale_labels}
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=criteria,
        detail={"changed": _changed(before, after)},
    )
    return criteria


@audit.atomic_with_refusals
def set_publish(actor: Actor, *, criteria: CriteriaSet) -> CriteriaSet:
    _require_manager(actor, criteria.pk)
    criteria = CriteriaSet.objects.select_for_update().get(pk=criteria.pk)
    _require_draft(criteria)
    if not CriteriaItem.objects.filter(area__criteria_set=criteria).exists():
        raise Invalid(_("評価項目のない評価基準は公開できません。"))
    if criteria.areas.filter(items__isnull=True).exists():
        raise Invalid(_("評価項目のない領域があります。項目を加えるか領域を削除してください。"))
    criteria.status = SetStatus.PUBLISHED
    criteria.published_at = timezone.now()
    criteria.save(update_fields=["status", "published_at", "updated_at"])
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=criteria,
        detail={"changed": {"status": [SetStatus.DRAFT, SetStatus.PUBLISHED]}},
    )
    return criteria


def _next_position(rows: Any) -> int:
    return int(rows.aggregate(top=Max("position"))["top"] or 0) + 1


@audit.atomic_with_refusals
def area_create(actor: Actor, *, criteria: CriteriaSet, name: str) -> CriteriaArea:
    _require_manager(actor, criteria.pk)
    _require_draft(criteria)
    area = CriteriaArea(
        criteria_set=criteria, name=name.strip(), position=_next_position(criteria.areas)
    )
    if not area.name:
        raise FieldErrors({"name": _("領域の名前を入力してください。")})
    full_clean_fields(area, exclude=["criteria_set"])
    area.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=area,
        detail={"criteria_set": criteria.pk, "name": area.name},
    )
    return area


@audit.atomic_with_refusals
def area_update(
    actor: Actor, *, area: CriteriaArea, name: str | None = None, position: int | None = None
) -> CriteriaArea:
    _require_manager(actor, area.criteria_set_id)
    _require_draft(area.criteria_set)
    before = {"name": area.name, "position": area.position}
    if name is not None:
        area.name = name.strip()
        if not area.name:
            raise FieldErrors({"name": _("領域の名前を入力してください。")})
    if position is not None:
        area.position = position
    full_clean_fields(area, exclude=["criteria_set"])
    area.save(update_fields=["name", "position", "updated_at"])
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=area,
        detail={"changed": _changed(before, {"name": area.name, "position": area.position})},
    )
    return area


@audit.atomic_with_refusals
def area_delete(actor: Actor, *, area: CriteriaArea) -> CriteriaSet:
    _require_manager(actor, area.criteria_set_id)
    _require_draft(area.criteria_set)
    criteria = area.criteria_set
    audit.record(
        action=Action.RECORD_DELETED,
        actor=actor,
        target=area,
        detail={"name": area.name, "items": list(area.items.values_list("code", flat=True))},
    )
    area.delete()
    return criteria


ITEM_FIELDS = ("code", "text", "guidance", "position")


def _item_snapshot(item: CriteriaItem) -> dict[str, Any]:
    return {**{name: getattr(item, name) for name in ITEM_FIELDS}, "area": item.area_id}


def _check_item(item: CriteriaItem) -> None:
    item.code = item.code.strip()
    item.text = item.text.strip()
    if not item.code:
        raise FieldErrors({"code": _("項目番号を入力してください。")})
    if not item.text:
        raise FieldErrors({"text": _("評価項目を入力してください。")})
    taken = CriteriaItem.objects.filter(
        area__criteria_set_id=item.area.criteria_set_id, code=item.code
    ).exclude(pk=item.pk)
    if taken.exists():
        raise FieldErrors({"code": _("この項目番号はこの評価基準で使われています。")})
    full_clean_fields(item, exclude=["area"])


@audit.atomic_with_refusals
def item_create(
    actor: Actor,
    *,
    area: CriteriaArea,
    code: str,
    text: str,
    guidance: str = "",
) -> CriteriaItem:
    _require_manager(actor, area.criteria_set_id)
    _require_draft(area.criteria_set)
    item = CriteriaItem(
        area=area,
        code=code,
        text=text,
        guidance=guidance.strip(),
        position=_next_position(area.items),
    )
    _check_item(item)
    item.save()
    audit.record(
        action=Action.RECORD_CREATED, actor=actor, target=item, detail=_item_snapshot(item)
    )
    return item


@audit.atomic_with_refusals
def item_update(
    actor: Actor, *, item: CriteriaItem, area: CriteriaArea | None = None, **fields: Any
) -> CriteriaItem:
    _require_manager(actor, item.area.criteria_set_id)
    _require_draft(item.area.criteria_set)
    before = _item_snapshot(item)
    if area is not None:
        if area.criteria_set_id != item.area.criteria_set_id:
            raise FieldErrors({"area": _("同じ評価基準の領域を選んでください。")})
        item.area = area
    for name, value in fields.items():
        if name in ITEM_FIELDS and value is not None:
            setattr(item, name, value)
    _check_item(item)
    item.save()
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=item,
        detail={"changed": _changed(before, _item_snapshot(item))},
    )
    return item


@audit.atomic_with_refusals
def item_delete(actor: Actor, *, item: CriteriaItem) -> CriteriaSet:
    _require_manager(actor, item.area.criteria_set_id)
    _require_draft(item.area.criteria_set)
    criteria = item.area.criteria_set
    audit.record(
        action=Action.RECORD_DELETED, actor=actor, target=item, detail=_item_snapshot(item)
    )
    item.delete()
    return criteria


# --- The office's self-evaluation -------------------------------------------------------------


@audit.atomic_with_refusals
def evaluation_start(actor: Actor, *, criteria: CriteriaSet) -> SelfEvaluation:
    """The office's draft against a published set: one answer per item, not yet scored."""
    if not access.may_evaluate(actor):
        raise _deny(
            actor,
            access.EVALUATION,
            "",
            "not an office writer",
            _("自己評価を作成できるのは相談支援事業所の職員（変更の権限あり）です。"),
        )
    if not criteria.is_published:
        raise Invalid(_("公開された評価基準を選んでください。"))
    assert actor.organization is not None  # noqa: S101  # may_evaluate says so
    if SelfEvaluation.objects.filter(
        organization=actor.organization, criteria_set=criteria
    ).exists():
        raise Conflict(_("この年度の自己評価はすでにあります。"))
    evaluation = SelfEvaluation(
        organization=actor.organization, criteria_set=criteria, created_by=actor.user
    )
    try:
        with audit.atomic():
            evaluation.save()
    except IntegrityError:
        raise Conflict(_("この年度の自己評価はすでにあります。")) from None
    items = CriteriaItem.objects.filter(area__criteria_set=criteria)
    EvaluationAnswer.objects.bulk_create(
        EvaluationAnswer(evaluation=evaluation, item=item) for item in items
    )
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=evaluation,
        detail={"criteria_set": criteria.pk, "fiscal_year": criteria.fiscal_year},
    )
    return evaluation


def _require_fill(actor: Actor, evaluation: SelfEvaluation) -> SelfEvaluation:
    """The evaluation locked, if the actor's office may still change it."""
    if not (access.is_own(actor, evaluation) and actor.can_write):
        raise _deny(
            actor,
            access.EVALUATION,
            evaluation.pk,
            "not the office's writer",
            _("自己評価を変更できるのは事業所の職員（変更の権限あり）です。"),
        )
    locked = SelfEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    if not locked.is_editable_by_office:
        raise Conflict(
            _(
                "提出済みの自己評価は変更できません。直す必要があるときは差し戻しを依頼してください。"
            )
        )
    return locked


def _answers_by_item(evaluation: SelfEvaluation) -> dict[int, EvaluationAnswer]:
    return {a.item_id: a for a in evaluation.answers.select_related("item")}


@audit.atomic_with_refusals
def evaluation_save(
    actor: Actor,
    *,
    evaluation: SelfEvaluation,
    answers: Mapping[int, Mapping[str, Any]],
    overall_comment: str | None = None,
) -> SelfEvaluation:
    """Scores and comments by item id (`{"score": 3 or None, "comment": "..."}`, either may be
    left out), and the overall comment; kept as a draft."""
    evaluation = _require_fill(actor, evaluation)
    top = evaluation.criteria_set.top
    current = _answers_by_item(evaluation)
    unknown = [pk for pk in answers if pk not in current]
    if unknown:
        raise FieldErrors({"answers": _("この評価基準にない評価項目が含まれています。")})
    changed: dict[str, Any] = {}
    for item_id, given in answers.items():
        answer = current[item_id]
        before = {"score": answer.score, "comment": answer.comment}
        if "score" in given:
            score = given["score"]
            if score is not None and (not isinstance(score, int) or not 1 <= score <= top):
                raise FieldErrors(
                    {
                        f"score_{item_id}": _("%(code)s の評価は1〜%(top)dで選んでください。")
                        % {"code": answer.item.code, "top": top}
                    }
                )
            answer.score = score
        if "comment" in given and given["comment"] is not None:
            answer.comment = str(given["comment"]).strip()
        full_clean_fields(answer, exclude=["evaluation", "item", "center_comment"])
        after = {"score": answer.score, "comment": answer.comment}
        if before != after:
            answer.save(update_fields=["score", "comment", "updated_at"])
            changed[answer.item.code] = _changed(before, after)
    if overall_comment is not None and overall_comment.strip() != evaluation.overall_comment:
        changed["overall_comment"] = [evaluation.overall_comment, overall_comment.strip()]
        evaluation.overall_comment = overall_comment.strip()
        full_clean_fields(evaluation, exclude=["organization", "criteria_set", "created_by"])
    evaluation.save(update_fields=["overall_comment", "updated_at"])
    audit.record(
        action=Action.RECORD_UPDATED, actor=actor, target=evaluation, detail={"changed": changed}
    )
    return evaluation


@audit.atomic_with_refusals
def evaluation_submit(actor: Actor, *, evaluation: SelfEvaluation) -> SelfEvaluation:
    """Once, with every item scored; after that only a return opens it again."""
    evaluation = _require_fill(actor, evaluation)
    missing = [a.item.code for a in evaluation.answers.select_related("item") if a.score is None]
    if missing:
        raise Invalid(
            _("評価が入っていない項目があります: %(codes)s") % {"codes": "、".join(missing)}
        )
    before = evaluation.status
    evaluation.status = EvaluationStatus.SUBMITTED
    evaluation.submitted_at = timezone.now()
    evaluation.submitted_by = actor.user
    evaluation.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=evaluation,
        detail={"changed": {"status": [before, evaluation.status]}},
    )
    return evaluation


def _locked_submitted(actor: Actor, evaluation: SelfEvaluation, *, allowed: bool) -> SelfEvaluation:
    if not allowed:
        raise _deny(
            actor,
            access.EVALUATION,
            evaluation.pk,
            "not the center or the city",
            _("この操作ができるのは、担当の基幹相談支援センターまたは市担当課の職員です。"),
        )
    locked = SelfEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    if locked.status != EvaluationStatus.SUBMITTED:
        raise Conflict(_("提出されている自己評価だけに行えます。"))
    return locked


@audit.atomic_with_refusals
def evaluation_return(actor: Actor, *, evaluation: SelfEvaluation, reason: str) -> SelfEvaluation:
    evaluation = _locked_submitted(actor, evaluation, allowed=access.may_return(actor, evaluation))
    reason = reason.strip()
    if not reason:
        raise FieldErrors({"reason": _("差し戻しの理由を入力してください。")})
    evaluation.status = EvaluationStatus.RETURNED
    evaluation.return_reason = reason
    evaluation.returned_at = timezone.now()
    full_clean_fields(evaluation, exclude=["organization", "criteria_set", "created_by"])
    evaluation.save(update_fields=["status", "return_reason", "returned_at", "updated_at"])
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=evaluation,
        detail={
            "changed": {"status": [EvaluationStatus.SUBMITTED, EvaluationStatus.RETURNED]},
            "reason": reason,
        },
    )
    return evaluation


@audit.atomic_with_refusals
def evaluation_review(
    actor: Actor,
    *,
    evaluation: SelfEvaluation,
    comments: Mapping[int, str],
    center_comment: str | None = None,
) -> SelfEvaluation:
    """The core center's comments by item id and overall."""
    evaluation = _locked_submitted(actor, evaluation, allowed=access.may_review(actor, evaluation))
    current = _answers_by_item(evaluation)
    if any(pk not in current for pk in comments):
        raise FieldErrors({"comments": _("この評価基準にない評価項目が含まれています。")})
    changed: dict[str, Any] = {}
    for item_id, text in comments.items():
        answer = current[item_id]
        text = str(text).strip()
        if text != answer.center_comment:
            changed[answer.item.code] = [answer.center_comment, text]
            answer.center_comment = text
            full_clean_fields(answer, exclude=["evaluation", "item"])
            answer.save(update_fields=["center_comment", "updated_at"])
    if center_comment is not None and center_comment.strip() != evaluation.center_comment:
        changed["center_comment"] = [evaluation.center_comment, center_comment.strip()]
        evaluation.center_comment = center_comment.strip()
    evaluation.center_organization = actor.organization
    full_clean_fields(evaluation, exclude=["organization", "criteria_set", "created_by"])
    evaluation.save(update_fields=["center_comment", "center_organization", "updated_at"])
    audit.record(
        action=Action.RECORD_UPDATED, actor=actor, target=evaluation, detail={"changed": changed}
    )
    return evaluation


@audit.atomic_with_refusals
def evaluation_release(actor: Actor, *, evaluation: SelfEvaluation) -> SelfEvaluation:
    """The center's comments shown to the office."""
    evaluation = _locked_submitted(actor, evaluation, allowed=access.may_review(actor, evaluation))
    if evaluation.is_released:
        raise Conflict(_("所見はすでに事業所に公開しています。"))
    has_item_comments = evaluation.answers.exclude(center_comment="").exists()
    if not evaluation.center_comment and not has_item_comments:
        raise Invalid(_("所見を書いてから公開してください。"))
    evaluation.center_released_at = timezone.now()
    evaluation.center_organization = actor.organization
    evaluation.save(update_fields=["center_released_at", "center_organization", "updated_at"])
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=evaluation,
        detail={"changed": {"center_released": [False, True]}},
    )
    return evaluation


def record_viewed(actor: Actor, *, target: Any, view: str, **detail: Any) -> None:
    """A read of an office's evaluation, its years or the offices' figures, audited."""
    audit.record(
        action=Action.RECORD_VIEWED, actor=actor, target=target, detail={"view": view, **detail}
    )
