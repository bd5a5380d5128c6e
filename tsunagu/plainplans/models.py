"""The plan in plain words (わかりやすい計画, issue 22 item 2).

The counselor rewrites a case's current support plan for the person in やさしい日本語: the
goals, what each agency and helper will do (`PlainPlanPart`), and the next meeting (from the
plan's monitoring schedule).  It is versioned like the plan: a draft is written, checked,
previewed and released; a new release replaces the one before for the person (`REPLACED`).

What is released to whom is data on the release: the person sees every section; a family
member sees only the sections the person allowed (`family_goals`, `family_parts`,
`family_meeting`), with the day and the words of that permission.  Nothing here is copied from
the case's notes, so a restricted note can never be part of it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import TimeStampedModel
from tsunagu.core.validators import BoundedDateField
from tsunagu.plainplans import furigana

GOALS_MAX_LENGTH = 2000
PART_MAX_LENGTH = 1000
WHO_MAX_LENGTH = 100
NOTE_MAX_LENGTH = 200
DEFAULT_KANJI_GRADE = 3


class PlainPlanStatus(models.TextChoices):
    DRAFT = "draft", _("下書き")
    RELEASED = "released", _("公開中")
    REPLACED = "replaced", _("新しい版に置きかえ")


class Audience(models.TextChoices):
    PERSON = "person", _("本人")
    FAMILY = "family", _("家族・支援者")


class Section(models.TextChoices):
    GOALS = "goals", _("目標")
    PARTS = "parts", _("だれが何をするか")
    MEETING = "meeting", _("次に会う日")


class PlainPlan(TimeStampedModel):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="plain_plans")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(
        "plans.SupportPlan",
        verbose_name=_("もとにした計画"),
        on_delete=models.PROTECT,
        related_name="plain_plans",
    )
    version = models.PositiveIntegerField(_("版"), default=1)
    status = models.CharField(
        _("状態"), max_length=16, choices=PlainPlanStatus.choices, default=PlainPlanStatus.DRAFT
    )
    goals = models.TextField(_("目標（やさしい日本語）"), max_length=GOALS_MAX_LENGTH, blank=True)
    next_meeting_on = BoundedDateField(_("次に会う日"), null=True, blank=True)
    next_meeting_note = models.CharField(
        _("次に会うときのこと"), max_length=NOTE_MAX_LENGTH, blank=True
    )
    kanji_grade = models.PositiveSmallIntegerField(
        _("漢字の学年"),
        default=DEFAULT_KANJI_GRADE,
        help_text=_("この学年までに習う漢字はチェックで指摘しません（学年別漢字配当表）。"),
    )
    family_goals = models.BooleanField(_("家族に目標を見せる"), default=False)
    family_parts = models.BooleanField(_("家族に「だれが何をするか」を見せる"), default=False)
    family_meeting = models.BooleanField(_("家族に次に会う日を見せる"), default=False)
    family_allowed_on = BoundedDateField(
        _("本人が家族に見せてよいと言った日"), null=True, blank=True
    )
    family_allowed_note = models.CharField(
        _("本人の言葉・同意の記録"), max_length=NOTE_MAX_LENGTH, blank=True
    )
    released_at = models.DateTimeField(_("公開日時"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )

    # Who the plan is being shown to: set by `selectors.released_for` and the preview, read by
    # the person's template (`shows_goals` ...).  Not stored.
    audience: str = Audience.PERSON

    class Meta:
        verbose_name = _("わかりやすい計画")
        verbose_name_plural = _("わかりやすい計画")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "version"], name="plainplans_plain_plan_version_unique"
            ),
            # One release in force per case, and one draft.
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="released"),
                name="plainplans_one_release_per_case",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="draft"),
                name="plainplans_one_draft_per_case",
            ),
            models.CheckConstraint(
                condition=Q(kanji_grade__gte=1, kanji_grade__lte=6),
                name="plainplans_kanji_grade_1_to_6",
            ),
            models.CheckConstraint(
                condition=Q(family_goals=False, family_parts=False, family_meeting=False)
                | Q(family_allowed_on__isnull=False),
                name="plainplans_family_needs_permission",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} わかりやすい計画 第{self.version}版"

    @property
    def is_draft(self) -> bool:
        return self.status == PlainPlanStatus.DRAFT

    @property
    def person_readings(self) -> dict[str, str]:
        """The person's name with the reading recorded on them, for the ruby."""
        return furigana.person_names([self.person])

    @property
    def family_sections(self) -> list[str]:
        shown = {
            Section.GOALS: self.family_goals,
            Section.PARTS: self.family_parts,
            Section.MEETING: self.family_meeting,
        }
        return [str(section) for section, on in shown.items() if on]

    def sections_for(self, audience: str) -> list[str]:
        if audience == Audience.PERSON:
            return [str(section) for section in Section]
        if audience == Audience.FAMILY:
            return self.family_sections
        return []

    @property
    def shows_goals(self) -> bool:
        return Section.GOALS in self.sections_for(self.audience)

    @property
    def shows_parts(self) -> bool:
        return Section.PARTS in self.sections_for(self.audience)

    @property
    def shows_meeting(self) -> bool:
        return Section.MEETING in self.sections_for(self.audience)


class PlainPlanPart(models.Model):
    """What one agency or helper will do, in plain words."""

    plain_plan = models.ForeignKey(PlainPlan, on_delete=models.CASCADE, related_name="parts")
    position = models.PositiveSmallIntegerField(default=0)
    who = models.CharField(_("だれが"), max_length=WHO_MAX_LENGTH)
    what = models.TextField(_("何をするか"), max_length=PART_MAX_LENGTH)
    plan_item = models.ForeignKey(
        "plans.PlanItem",
        verbose_name=_("計画の項目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("だれが何をするか")
        verbose_name_plural = _("だれが何をするか")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.who}: {self.what[:20]}"
