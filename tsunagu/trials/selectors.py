"""Reads of trial visits: a plan's candidates side by side, and the figures of the decisions."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from tsunagu.core.actor import Actor
from tsunagu.core.dates import fiscal_year_range
from tsunagu.plans.models import SupportPlan
from tsunagu.trials.access import candidates_visible_to
from tsunagu.trials.models import CandidateStatus, TrialCandidate, TrialVisit


def plan_candidates(actor: Actor, plan: SupportPlan) -> QuerySet[TrialCandidate]:
    """The candidates of the plan's case up to this version (a new version keeps what was
    seen and chosen for the one before), each with its visits in date order."""
    return (
        candidates_visible_to(actor)
        .filter(plan__case_id=plan.case_id, plan__version__lte=plan.version)
        .select_related("plan", "resource")
        .prefetch_related(
            Prefetch("visits", queryset=TrialVisit.objects.order_by("visited_on", "pk"))
        )
        .order_by("plan__version", "pk")
    )


def chosen_after_trial(candidates: list[TrialCandidate]) -> set[int]:
    """Resource ids chosen after at least one visit (the plan shows 「体験後に選択」)."""
    return {
        c.resource_id
        for c in candidates
        if c.status == CandidateStatus.CHOSEN and len(c.visits.all()) > 0
    }


@dataclass(frozen=True)
class TrialYear:
    """One fiscal year of decisions: how many services were chosen, how many of them after a
    visit, and how many visits (見学・体験) went before the chosen ones."""

    fiscal_year: int
    decisions: int
    chosen: int
    chosen_after_trial: int
    trials_before_chosen: int

    @property
    def trials_per_chosen(self) -> str:
        if not self.chosen:
            return "—"
        return f"{self.trials_before_chosen / self.chosen:.1f}"


def trial_year(fiscal_year: int) -> TrialYear:
    """Counts over the whole network (no person is named): decisions dated in the year."""
    start, end = fiscal_year_range(fiscal_year)
    decided = TrialCandidate.objects.filter(decided_on__gte=start, decided_on__lte=end)
    # A visit is recorded only before its candidate is decided (services.visit_record).
    counted = decided.filter(status=CandidateStatus.CHOSEN).annotate(trials=Count("visits"))
    chosen = list(counted.values_list("trials", flat=True))
    return TrialYear(
        fiscal_year=fiscal_year,
        decisions=decided.count(),
        chosen=len(chosen),
        chosen_after_trial=sum(1 for n in chosen if n > 0),
        trials_before_chosen=sum(chosen),
    )


def trial_years(last: int, *, count: int = 3) -> list[TrialYear]:
    return [trial_year(year) for year in range(last - count + 1, last + 1)]
