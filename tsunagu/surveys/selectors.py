"""Reads of the surveys app: lists, progress, results and the 実態調査 comparisons.

Results count the submitted responses only.  A recipient sees the aggregates and its own
answers; free-text answers of other offices only once the sender has reviewed them, and then
without the office's name.  The sender sees every response.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tsunagu.core.actor import Actor
from tsunagu.core.dates import fiscal_year_label
from tsunagu.core.exports import ExportTable
from tsunagu.dashboard import charts
from tsunagu.organizations.models import Organization, OrganizationKind
from tsunagu.surveys import access, kinds
from tsunagu.surveys.models import (
    Answer,
    Question,
    QuestionKind,
    ResponseStatus,
    Survey,
    SurveyKind,
    SurveyResponse,
)

RECIPIENT_KINDS = (
    OrganizationKind.COMMISSIONED_OFFICE,
    OrganizationKind.DESIGNATED_PLANNING_OFFICE,
    OrganizationKind.COMMUNITY_TRANSITION_OFFICE,
    OrganizationKind.CHILD_PLANNING_OFFICE,
    OrganizationKind.COMMUNITY_LIFE_HUB,
    OrganizationKind.WARD_OFFICE,
    OrganizationKind.CORE_CENTER,
    OrganizationKind.ELDERLY_SUPPORT_CENTER,
)


def survey_rows(actor: Actor) -> QuerySet[Survey]:
    return (
        access.surveys_visible_to(actor)
        .select_related("sender")
        .annotate(
            recipient_count=Count("responses", distinct=True),
            submitted_count=Count(
                "responses", filter=Q(responses__status=ResponseStatus.SUBMITTED), distinct=True
            ),
        )
    )


def recipient_choices() -> QuerySet[Organization]:
    return Organization.objects.filter(kind__in=RECIPIENT_KINDS, is_active=True).order_by(
        "kind", "name_kana", "pk"
    )


def questions_of(survey: Survey) -> list[Question]:
    return list(survey.questions.order_by("position", "pk"))


def progress(survey: Survey) -> list[SurveyResponse]:
    return list(
        survey.responses.select_related("organization", "submitted_by").order_by(
            "status", "organization__name_kana", "pk"
        )
    )


def response_rows(survey: Survey) -> QuerySet[SurveyResponse]:
    return survey.responses.select_related("organization").order_by("organization__name_kana", "pk")


def answers_of(response: SurveyResponse) -> dict[int, Answer]:
    return {a.question_id: a for a in response.answers.all()}


def definition(question: Question) -> kinds.Definition:
    return kinds.Definition(
        choices=question.choices,
        rows=question.rows,
        columns=question.columns,
        max_rows=question.max_rows,
    )


@dataclass
class TextAnswer:
    answer: Answer
    office: Organization | None  # shown to the sender only


@dataclass
class QuestionResult:
    question: Question
    aggregate: kinds.Aggregate
    chart: SafeString | None = None
    own: Answer | None = None
    texts: list[TextAnswer] = field(default_factory=list)
    per_office: list[tuple[Organization, Any]] = field(default_factory=list)  # sender only
    # A list of cases: each de-identified row, with its office for the sender only.
    case_rows: list[tuple[Organization | None, dict[str, Any]]] = field(default_factory=list)

    @property
    def table_rows(self) -> list[tuple[str, list[int]]]:
        return list(zip(self.question.rows, self.aggregate.table, strict=False))

    @property
    def own_display(self) -> str:
        if self.own is None or self.own.value is None:
            return ""
        return kinds.handler_for(self.question.kind).display(
            definition(self.question), self.own.value
        )


@dataclass
class Results:
    survey: Survey
    questions: list[QuestionResult]
    submitted: int
    recipients: int
    sender_view: bool


def _chart(question: Question, aggregate: kinds.Aggregate) -> SafeString | None:
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and aggregate.counts:
        bars = [(label, count) for label, count in aggregate.counts]
        desc = "、".join(f"{label} {count}" for label, count in bars)
        return charts.bar_chart(
            bars,
            chart_id=f"q{question.pk}",
            title=question.text,
            desc=_("回答した事業所の数: %(desc)s") % {"desc": desc},
        )
    if question.kind == QuestionKind.CASES and aggregate.cases:
        bars = [(label, count) for label, count in aggregate.counts]
        desc = "、".join(f"{label} {count}" for label, count in bars)
        return charts.bar_chart(
            bars,
            chart_id=f"q{question.pk}",
            title=question.text,
            desc=_("困難さの要因ごとのケース数: %(desc)s") % {"desc": desc},
        )
    if question.kind == QuestionKind.TABLE and aggregate.table:
        bars = [
            (label, sum(row)) for label, row in zip(question.rows, aggregate.table, strict=False)
        ]
        desc = "、".join(f"{label} {count}" for label, count in bars)
        return charts.bar_chart(
            bars,
            chart_id=f"q{question.pk}",
            title=question.text,
            desc=_("行ごとの合計: %(desc)s") % {"desc": desc},
        )
    return None


def results(actor: Actor, survey: Survey) -> Results:
    sender_view = access.sees_sender_view(actor, survey)
    questions = questions_of(survey)
    submitted = list(
        survey.responses.filter(status=ResponseStatus.SUBMITTED).select_related("organization")
    )
    by_office = {r.pk: r.organization for r in submitted}
    answers = list(
        Answer.objects.filter(response__in=submitted)
        .select_related("reviewed_by")
        .order_by("response__organization__name_kana", "pk")
    )
    own = access.own_response(actor, survey)
    own_answers = answers_of(own) if own is not None else {}
    shown: list[QuestionResult] = []
    for question in questions:
        handler = kinds.handler_for(question.kind)
        d = definition(question)
        aggregate = handler.start(d)
        result = QuestionResult(
            question=question, aggregate=aggregate, own=own_answers.get(question.pk)
        )
        for answer in answers:
            if answer.question_id != question.pk or handler.is_blank(answer.value):
                continue
            office = by_office[answer.response_id]
            if question.kind == QuestionKind.TEXT:
                aggregate.answered += 1
                if sender_view:
                    result.texts.append(TextAnswer(answer, office))
                elif answer.reviewed_at is not None:
                    result.texts.append(TextAnswer(answer, None))
                    aggregate.texts.append(str(answer.value))
                continue
            handler.add(aggregate, d, answer.value)
            if question.kind == QuestionKind.CASES:
                # The summaries under the office's name for the sender, unnamed otherwise.
                result.case_rows += [
                    (
                        office if sender_view else None,
                        {
                            **row,
                            "factor_labels": [
                                kinds.factor_label(k) for k in row.get("factors", [])
                            ],
                        },
                    )
                    for row in answer.value or []
                ]
                continue
            if sender_view:
                result.per_office.append((office, handler.display(d, answer.value)))
        result.chart = _chart(question, aggregate)
        if question.kind == QuestionKind.NUMBER and sender_view and result.per_office:
            # Each office's count: the sender's view only (an office sees the totals).
            bars = [(office.name, int(shown)) for office, shown in result.per_office]
            result.chart = charts.bar_chart(
                bars,
                chart_id=f"q{question.pk}",
                title=question.text,
                desc=_("事業所ごとの回答: %(desc)s")
                % {"desc": "、".join(f"{name} {value}" for name, value in bars)},
            )
        shown.append(result)
    return Results(
        survey=survey,
        questions=shown,
        submitted=len(submitted),
        recipients=survey.responses.count(),
        sender_view=sender_view,
    )


def result_tables(shown: Results) -> list[ExportTable]:
    """The results as files show them: one table per question (texts: reviewed ones only)."""
    tables = []
    for number, r in enumerate(shown.questions, start=1):
        q, a = r.question, r.aggregate
        title = f"{number}. {q.text}"
        sheet = _("問%(n)s") % {"n": number}
        if q.kind == QuestionKind.NUMBER:
            rows: list[list[object]] = [
                [_("回答した事業所"), a.answered],
                [_("合計"), a.total],
                [_("平均"), a.mean],
                [_("最小"), a.minimum],
                [_("最大"), a.maximum],
            ]
            tables.append(ExportTable(title, [_("項目"), _("値")], rows, sheet=sheet))
        elif q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            tables.append(
                ExportTable(
                    title, [_("選択肢"), _("事業所数")], [[c, n] for c, n in a.counts], sheet=sheet
                )
            )
        elif q.kind == QuestionKind.CASES:
            tables.append(
                ExportTable(
                    title,
                    [_("困難さの要因"), _("ケース数")],
                    [[c, n] for c, n in a.counts],
                    sheet=sheet,
                )
            )
            tables.append(
                ExportTable(
                    f"{title} {_('（ケースの概要）')}",
                    [_("事業所"), _("順位"), _("概要"), _("困難さの要因")],
                    [
                        [
                            office.name if office else "",
                            row.get("rank"),
                            row.get("summary", ""),
                            "、".join(row["factor_labels"]),
                        ]
                        for office, row in r.case_rows
                    ],
                    sheet=_("問%(n)s概要") % {"n": number},
                    numeric_from=3,
                )
            )
        elif q.kind == QuestionKind.TABLE:
            tables.append(
                ExportTable(
                    title,
                    [_("行"), *q.columns],
                    [[label, *row] for label, row in zip(q.rows, a.table, strict=False)],
                    sheet=sheet,
                )
            )
        else:
            texts = [t for t in r.texts if t.answer.reviewed_at is not None]
            tables.append(
                ExportTable(
                    title,
                    [_("回答（確認済みのもの）")],
                    [[str(t.answer.value)] for t in texts],
                    sheet=sheet,
                    numeric_from=1,
                )
            )
    return tables


# --- 実態調査: year by year ------------------------------------------------------------------


def censuses(actor: Actor) -> list[Survey]:
    """The 実態調査 the actor sees, newest year first, one a year."""
    seen: dict[int, Survey] = {}
    for survey in (
        access.surveys_visible_to(actor)
        .filter(kind=SurveyKind.OFFICE_CENSUS)
        .select_related("sender")
        .order_by("-fiscal_year", "pk")
    ):
        seen.setdefault(survey.fiscal_year, survey)
    return list(seen.values())


@dataclass
class ComparisonRow:
    code: str
    text: str
    values: list[str]  # one per year, in the order of `years`


@dataclass
class Comparison:
    years: list[int]
    labels: list[str]
    rows: list[ComparisonRow]


def _codes(surveys: list[Survey]) -> list[tuple[str, str, dict[int, Question]]]:
    """(code, text, year → question) for every coded question, in the newest survey's order."""
    found: dict[str, tuple[str, dict[int, Question]]] = {}
    for survey in surveys:
        for q in questions_of(survey):
            if not q.code:
                continue
            _text, by_year = found.setdefault(q.code, (q.text, {}))
            by_year[survey.fiscal_year] = q
    return [(code, text, by_year) for code, (text, by_year) in found.items()]


def office_comparison(surveys: list[Survey], office: Organization) -> Comparison:
    """One office's submitted answers, year beside year."""
    years = [s.fiscal_year for s in surveys]
    answers = {
        (a.response.survey.fiscal_year, a.question_id): a
        for a in Answer.objects.filter(
            response__survey__in=surveys,
            response__organization=office,
            response__status=ResponseStatus.SUBMITTED,
        ).select_related("response__survey")
    }
    rows = []
    for code, text, by_year in _codes(surveys):
        values = []
        for year in years:
            q = by_year.get(year)
            a = answers.get((year, q.pk)) if q is not None else None
            values.append(
                kinds.handler_for(q.kind).display(definition(q), a.value)
                if q is not None and a is not None and a.value is not None
                else "—"
            )
        rows.append(ComparisonRow(code, text, values))
    return Comparison(years, [fiscal_year_label(y) for y in years], rows)


def city_comparison(actor: Actor, surveys: list[Survey]) -> Comparison:
    """Each question's aggregate across the city, year beside year: sums and means for
    counts, the number of offices for each option."""
    years = [s.fiscal_year for s in surveys]
    results_by_year = {
        s.fiscal_year: {r.question.pk: r for r in results(actor, s).questions} for s in surveys
    }
    rows = []
    for code, text, by_year in _codes(surveys):
        values = []
        for year in years:
            q = by_year.get(year)
            r = results_by_year[year].get(q.pk) if q is not None else None
            values.append(_summary(r) if r is not None else "—")
        rows.append(ComparisonRow(code, text, values))
    return Comparison(years, [fiscal_year_label(y) for y in years], rows)


def _summary(r: QuestionResult) -> str:
    a, q = r.aggregate, r.question
    if q.kind == QuestionKind.NUMBER:
        return _("合計 %(total)s（平均 %(mean)s、%(n)s事業所）") % {
            "total": a.total,
            "mean": a.mean if a.mean is not None else "—",
            "n": a.answered,
        }
    if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return "、".join(f"{c} {n}" for c, n in a.counts)
    if q.kind == QuestionKind.TABLE:
        return "、".join(f"{label} {sum(row)}" for label, row in zip(q.rows, a.table, strict=False))
    return _("%(n)s件の回答") % {"n": a.answered}


def census_offices(surveys: list[Survey]) -> QuerySet[Organization]:
    return (
        Organization.objects.filter(survey_responses__survey__in=surveys)
        .distinct()
        .order_by("name_kana", "pk")
    )
