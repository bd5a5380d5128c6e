"""Reads of the rights advocacy app: the figures of a fiscal year and the de-identified case
list for the 障害者差別解消支援地域協議会."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tsunagu.core.actor import Actor
from tsunagu.core.dates import fiscal_year_label, fiscal_year_range
from tsunagu.core.exports import ExportTable
from tsunagu.rights import access
from tsunagu.rights.models import (
    ConsultationOutcome,
    ConsultationStepKind,
    CostSupportDecision,
    CostSupportKind,
    DiscriminationConsultation,
    DiscriminationField,
    DiscriminationKind,
    GuardianshipType,
    PartyKind,
    PetitionerKind,
    PetitionStep,
    PetitionStepRecord,
    ReferralOutcome,
    RulingKind,
    SelfRelianceReferral,
)


@dataclass(frozen=True)
class Figure:
    label: str
    count: int


@dataclass(frozen=True)
class Figures:
    year: int
    steps: list[Figure]  # 市長申立て: the steps reached in the year
    petitions_by_type: list[Figure]  # petitions begun in the year
    rulings: list[Figure]
    consultations_by_kind: list[Figure]
    consultations_by_field: list[Figure]
    consultations_by_party: list[Figure]
    outcomes: list[Figure]
    referrals: list[Figure]  # 日常生活自立支援事業: referred in the year, by outcome
    cost_decisions: list[Figure]  # 利用支援事業: decided in the year, by kind
    cost_amounts: list[Figure]  # 利用支援事業: yen decided in the year, by kind


def _figures(choices: type[models.TextChoices], counts: Counter[str]) -> list[Figure]:
    return [Figure(str(label), counts.get(value, 0)) for value, label in choices.choices]


def year_consultations(actor: Actor, year: int) -> QuerySet[DiscriminationConsultation]:
    start, end = fiscal_year_range(year)
    return access.consultations_visible_to(actor).filter(received_on__range=(start, end))


def figures(actor: Actor, year: int) -> Figures:
    """Counts only: the petitions of every person in the city (the core center and the city
    see the counts, never who), and the consultations the actor sees."""
    start, end = fiscal_year_range(year)
    steps = PetitionStepRecord.objects.filter(on__range=(start, end))
    mayor_steps = Counter(
        steps.filter(petition__petitioner=PetitionerKind.MAYOR).values_list("step", flat=True)
    )
    begun = steps.filter(step=PetitionStep.CONSULTED)
    by_type = Counter(begun.values_list("petition__guardianship_type", flat=True))
    rulings = Counter(
        steps.filter(step=PetitionStep.RULING).values_list("petition__ruling", flat=True)
    )
    rows = list(year_consultations(actor, year).values_list("kind", "field", "party_kind"))
    outcomes = Counter(
        year_consultations(actor, year).exclude(outcome="").values_list("outcome", flat=True)
    )
    referrals = Counter(
        SelfRelianceReferral.objects.filter(referred_on__range=(start, end)).values_list(
            "outcome", flat=True
        )
    )
    decisions = list(
        CostSupportDecision.objects.filter(decided_on__range=(start, end)).values_list(
            "kind", "amount"
        )
    )
    amounts: Counter[str] = Counter()
    for kind, amount in decisions:
        amounts[kind] += amount
    return Figures(
        year=year,
        referrals=_figures(ReferralOutcome, referrals),
        cost_decisions=_figures(CostSupportKind, Counter(k for k, _a in decisions)),
        cost_amounts=_figures(CostSupportKind, amounts),
        steps=_figures(PetitionStep, mayor_steps),
        petitions_by_type=_figures(GuardianshipType, by_type),
        rulings=_figures(RulingKind, rulings),
        consultations_by_kind=_figures(DiscriminationKind, Counter(r[0] for r in rows)),
        consultations_by_field=_figures(DiscriminationField, Counter(r[1] for r in rows)),
        consultations_by_party=_figures(PartyKind, Counter(r[2] for r in rows)),
        outcomes=[f for f in _figures(ConsultationOutcome, outcomes) if f.label],
    )


def council_table(actor: Actor, year: int) -> ExportTable:
    """The de-identified case list for the 障害者差別解消支援地域協議会: no names, no person
    link, no dates finer than the month; the summaries passed the identifier check."""
    step_labels = dict(ConsultationStepKind.choices)
    rows: list[list[object]] = []
    consultations = (
        year_consultations(actor, year).prefetch_related("steps").order_by("received_on", "pk")
    )
    for number, c in enumerate(consultations, start=1):
        steps = "・".join(str(step_labels.get(s.kind, s.kind)) for s in c.steps.all())
        rows.append(
            [
                str(number),
                f"{c.received_on:%Y-%m}",
                c.get_party_kind_display(),
                c.get_kind_display(),
                c.get_field_display(),
                c.summary,
                steps,
                c.get_outcome_display(),
            ]
        )
    return ExportTable(
        title=_("%(year)s 障害者差別に関する相談事例（地域協議会用）")
        % {"year": fiscal_year_label(year)},
        header=[
            _("番号"),
            _("受付月"),
            _("相手方"),
            _("相談の種類"),
            _("分野"),
            _("概要"),
            _("対応"),
            _("結果"),
        ],
        rows=rows,
        sheet=_("相談事例"),
        notes=(_("氏名など個人が分かる情報は含みません。"),),
        numeric_from=99,
    )
