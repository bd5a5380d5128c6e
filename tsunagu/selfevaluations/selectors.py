"""Reads of the self-evaluation, scoped by `access`: the sets, an office's years side by side,
and the distribution of scores across the offices in reach."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.core.actor import Actor
from tsunagu.core.dates import fiscal_year, fiscal_year_label
from tsunagu.core.exports import ExportTable
from tsunagu.organizations.models import Organization
from tsunagu.selfevaluations import access
from tsunagu.selfevaluations.models import (
    CriteriaArea,
    CriteriaItem,
    CriteriaSet,
    EvaluationAnswer,
    EvaluationStatus,
    SelfEvaluation,
    SetStatus,
)


def this_year() -> int:
    return fiscal_year(timezone.localdate())


def set_rows(actor: Actor) -> QuerySet[CriteriaSet]:
    return (
        access.sets_visible_to(actor)
        .annotate(item_count=Count("areas__items", distinct=True))
        .order_by("-fiscal_year")
    )


def current_set(actor: Actor) -> CriteriaSet | None:
    """This fiscal year's published set, else the latest published one."""
    published = access.sets_visible_to(actor).filter(status=SetStatus.PUBLISHED)
    return (
        published.filter(fiscal_year=this_year()).first()
        or published.filter(fiscal_year__lte=this_year()).order_by("-fiscal_year").first()
    )


def structure(criteria: CriteriaSet) -> list[CriteriaArea]:
    return list(
        criteria.areas.prefetch_related(
            Prefetch("items", queryset=CriteriaItem.objects.order_by("position", "pk"))
        )
    )


def evaluation_rows(actor: Actor, *, fiscal_year: int | None = None) -> QuerySet[SelfEvaluation]:
    rows = access.evaluations_visible_to(actor).select_related("organization", "criteria_set")
    if fiscal_year is not None:
        rows = rows.filter(criteria_set__fiscal_year=fiscal_year)
    return rows.order_by("-criteria_set__fiscal_year", "organization__name_kana", "pk")


@dataclass
class AreaAnswers:
    area: CriteriaArea
    answers: list[EvaluationAnswer]


def answers_by_area(evaluation: SelfEvaluation) -> list[AreaAnswers]:
    answers = list(
        evaluation.answers.select_related("item", "item__area").order_by(
            "item__area__position", "item__area_id", "item__position", "item_id"
        )
    )
    grouped: list[AreaAnswers] = []
    for answer in answers:
        if not grouped or grouped[-1].area.pk != answer.item.area_id:
            grouped.append(AreaAnswers(answer.item.area, []))
        grouped[-1].answers.append(answer)
    return grouped


@dataclass
class BoardRow:
    office: Organization
    evaluation: SelfEvaluation | None  # only when the actor may open it
    state: str
    state_label: str


def status_board(actor: Actor, criteria: CriteriaSet) -> list[BoardRow]:
    """For the center and the city: each office in reach and where its evaluation of `criteria`
    stands.  An office's draft stays its own: it shows as not submitted, like one not begun."""
    if not access.sees_offices(actor):
        return []
    offices = access.offices_in_reach(actor).filter(is_active=True).order_by("name_kana", "name")
    visible = {
        e.organization_id: e
        for e in access.evaluations_visible_to(actor).filter(criteria_set=criteria)
    }
    rows = []
    for office in offices:
        evaluation = visible.get(office.pk)
        if evaluation is None:
            state, label = "not_submitted", _("未提出")
        else:
            state, label = evaluation.status, evaluation.get_status_display()
        rows.append(BoardRow(office, evaluation, state, str(label)))
    return rows


# --- Comparison across years ------------------------------------------------------------------


@dataclass
class HistoryRow:
    code: str
    text: str
    area: str
    scores: list[int | None]


@dataclass
class History:
    office: Organization
    years: list[int]
    year_labels: list[str]
    tops: list[int]
    rows: list[HistoryRow]
    evaluations: list[SelfEvaluation] = field(default_factory=list)

    def average(self, index: int) -> float | None:
        scores = [r.scores[index] for r in self.rows if r.scores[index] is not None]
        return round(sum(scores) / len(scores), 2) if scores else None  # type: ignore[arg-type]  # None filtered out

    @property
    def averages(self) -> list[float | None]:
        return [self.average(i) for i in range(len(self.years))]


def history(actor: Actor, office: Organization) -> History:
    """The office's scores per item for each year it submitted, oldest first, items lined up by
    their code (kept when a set is copied); an item's text is the latest year's."""
    evaluations = list(
        access.evaluations_visible_to(actor)
        .filter(organization=office, submitted_at__isnull=False)
        .select_related("criteria_set")
        .order_by("criteria_set__fiscal_year")
    )
    years = [e.criteria_set.fiscal_year for e in evaluations]
    rows: dict[str, HistoryRow] = {}
    answers = (
        EvaluationAnswer.objects.filter(evaluation__in=evaluations)
        .select_related("item", "item__area", "evaluation__criteria_set")
        .order_by("evaluation__criteria_set__fiscal_year", "item__area__position", "item__position")
    )
    for answer in answers:
        index = years.index(answer.evaluation.criteria_set.fiscal_year)
        row = rows.setdefault(
            answer.item.code,
            HistoryRow(answer.item.code, "", "", [None] * len(years)),
        )
        row.text, row.area = answer.item.text, answer.item.area.name
        row.scores[index] = answer.score
    ordered = sorted(rows.values(), key=lambda r: _code_key(r.code))
    return History(
        office=office,
        years=years,
        year_labels=[fiscal_year_label(y) for y in years],
        tops=[e.criteria_set.top for e in evaluations],
        rows=ordered,
        evaluations=evaluations,
    )


def _code_key(code: str) -> tuple[Any, ...]:
    parts = code.replace("－", "-").split("-")
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


# --- Distribution across offices --------------------------------------------------------------


@dataclass
class ItemSummary:
    item: CriteriaItem
    counts: list[int]  # offices per level, level 1 first
    answered: int
    mean: float | None
    previous_mean: float | None = None  # the item of the same code, the year before


@dataclass
class Summary:
    criteria: CriteriaSet
    offices: int  # offices in reach
    submitted: int
    items: list[ItemSummary]


def summary(actor: Actor, criteria: CriteriaSet) -> Summary:
    """Per item, how many of the offices in reach gave each score (submitted evaluations; one
    returned for revision counts again once resubmitted)."""
    submitted = access.evaluations_visible_to(actor).filter(
        criteria_set=criteria, status=EvaluationStatus.SUBMITTED
    )
    previous = _means_by_code(actor, criteria.fiscal_year - 1)
    counts: dict[tuple[int, int], int] = {}
    for row in (
        EvaluationAnswer.objects.filter(evaluation__in=submitted, score__isnull=False)
        .values("item_id", "score")
        .annotate(n=Count("pk"))
    ):
        counts[(row["item_id"], row["score"])] = row["n"]
    top = criteria.top
    items = []
    for area in structure(criteria):
        for item in area.items.all():
            per_level = [counts.get((item.pk, level), 0) for level in range(1, top + 1)]
            answered = sum(per_level)
            total = sum(level * n for level, n in enumerate(per_level, start=1))
            mean = round(total / answered, 2) if answered else None
            items.append(ItemSummary(item, per_level, answered, mean, previous.get(item.code)))
    return Summary(
        criteria=criteria,
        offices=access.offices_in_reach(actor).filter(is_active=True).count(),
        submitted=submitted.count(),
        items=items,
    )


def _means_by_code(actor: Actor, year: int) -> dict[str, float]:
    """The mean score per item code of the submitted evaluations in reach for `year`."""
    rows = (
        EvaluationAnswer.objects.filter(
            evaluation__in=access.evaluations_visible_to(actor).filter(
                criteria_set__fiscal_year=year, status=EvaluationStatus.SUBMITTED
            ),
            score__isnull=False,
        )
        .values("item__code")
        .annotate(total=Sum("score"), n=Count("pk"))
    )
    return {r["item__code"]: round(r["total"] / r["n"], 2) for r in rows if r["n"]}


def summary_table(found: Summary) -> ExportTable:
    criteria = found.criteria
    header = [
        _("項目番号"),
        _("領域"),
        _("評価項目"),
        *[f"{level} {label}" for level, label in criteria.levels],
        _("回答数"),
        _("平均"),
        _("前年度の平均"),
    ]
    rows = [
        [
            s.item.code,
            s.item.area.name,
            s.item.text,
            *s.counts,
            s.answered,
            s.mean if s.mean is not None else "",
            s.previous_mean if s.previous_mean is not None else "",
        ]
        for s in found.items
    ]
    return ExportTable(
        title=_("%(year)s 自己評価の分布（%(title)s）")
        % {"year": fiscal_year_label(criteria.fiscal_year), "title": criteria.title},
        header=header,
        rows=rows,
        sheet=_("分布"),
        notes=[
            _("提出済み %(submitted)d 事業所 / 対象 %(offices)d 事業所")
            % {"submitted": found.submitted, "offices": found.offices}
        ],
        numeric_from=3,
    )
