"""Trial visits before deciding (見学・体験利用; seed 002 「行ってみてやって委員会」).

From a person's plan, services of the social-resource directory are listed as candidates; each
visit or trial use is recorded with what the person liked and did not, in the person's own
words and, kept apart, in the worker's; the team and the person compare them side by side and
choose.  A candidate chosen after at least one visit is "体験後に選択" on the plan, and the
number of visits before each decision feeds the statistics (reports.figures).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import TimeStampedModel
from tsunagu.core.validators import BoundedDateField

WORDS_MAX = 1000
NOTE_MAX = 200


class CandidateStatus(models.TextChoices):
    CANDIDATE = "candidate", _("検討中")
    CHOSEN = "chosen", _("選択した")
    NOT_CHOSEN = "not_chosen", _("選ばなかった")


class TrialCandidate(TimeStampedModel):
    """One service of the directory listed on a plan for the person to go and see."""

    plan = models.ForeignKey(
        "plans.SupportPlan",
        verbose_name=_("支援計画"),
        on_delete=models.PROTECT,
        related_name="trial_candidates",
    )
    resource = models.ForeignKey(
        "directory.SocialResource",
        verbose_name=_("候補のサービス"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The names the resource had when listed: the comparison reads as it was.
    resource_name = models.CharField(_("サービスの名称"), max_length=200)
    provider_name = models.CharField(_("提供者"), max_length=200)
    reason = models.CharField(_("候補にした理由"), max_length=NOTE_MAX, blank=True)
    status = models.CharField(
        _("状態"), max_length=16, choices=CandidateStatus.choices, default=CandidateStatus.CANDIDATE
    )
    decided_on = BoundedDateField(_("決めた日"), null=True, blank=True)
    decision_note = models.CharField(_("決めた理由"), max_length=NOTE_MAX, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_by_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("見学・体験の候補")
        verbose_name_plural = _("見学・体験の候補")
        ordering = ["plan", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "resource"], name="trial_candidate_once"),
            models.CheckConstraint(
                condition=Q(status="candidate") | Q(decided_on__isnull=False),
                name="trial_decision_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.resource_name


class TrialKind(models.TextChoices):
    VISIT = "visit", _("見学")
    TRIAL_USE = "trial_use", _("体験利用")


class TrialVisit(TimeStampedModel):
    """One visit or trial use of a candidate: the person's words and the worker's, apart."""

    candidate = models.ForeignKey(
        TrialCandidate, verbose_name=_("候補"), on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = BoundedDateField(_("行った日"))
    kind = models.CharField(_("種類"), max_length=16, choices=TrialKind.choices)
    who_went = models.CharField(
        _("行った人"), max_length=NOTE_MAX, help_text=_("例: 本人、母、相談支援専門員")
    )
    person_liked = models.TextField(
        _("よかったところ（本人の言葉）"), max_length=WORDS_MAX, blank=True
    )
    person_disliked = models.TextField(
        _("いやだったところ（本人の言葉）"), max_length=WORDS_MAX, blank=True
    )
    worker_liked = models.TextField(
        _("よかったところ（支援者から見て）"), max_length=WORDS_MAX, blank=True
    )
    worker_disliked = models.TextField(
        _("気になったところ（支援者から見て）"), max_length=WORDS_MAX, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("見学・体験の記録")
        verbose_name_plural = _("見学・体験の記録")
        ordering = ["candidate", "visited_on", "pk"]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.get_kind_display()}"
