"""The network's expertise as a shared asset (issue 18 item 4; seed 002): what each office says
it knows about, beside what its closed cases show (tsunagu/expertise/selectors.py).

A theme is a field of practice the network asks about ("who knows about 強度行動障害 in our
ward?").  Cases record what made them difficult as the factors of seed 000 table 1
(`cases.models.DifficultyFactor`), which are not themes: `FACTOR_THEMES` says which factor is
evidence of which theme, and a theme no factor maps to (医療的ケア, 難病, …) is shown from what the
offices declare and from the trainings on it their workers completed (`TrainingEvent.themes`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.cases.models import DifficultyFactor
from tsunagu.core.models import TimeStampedModel
from tsunagu.core.validators import BoundedDateField


class Theme(models.TextChoices):
    SEVERE_BEHAVIOUR = "severe_behaviour", _("強度行動障害")
    MEDICAL_CARE = "medical_care", _("医療的ケア")
    MEDICAL_CARE_CHILD = "medical_care_child", _("医療的ケア児")
    OFFENDING = "offending", _("触法")
    HIKIKOMORI = "hikikomori", _("ひきこもり")
    FAMILY_8050 = "family_8050", _("8050・複合的な課題のある世帯")
    ABUSE = "abuse", _("虐待")
    ADDICTION = "addiction", _("依存症")
    DEVELOPMENTAL = "developmental", _("発達障害")
    PSYCHIATRIC_TRANSITION = "psychiatric_transition", _("精神科病院からの地域移行")
    BRAIN_INJURY = "brain_injury", _("高次脳機能障害")
    INTRACTABLE_DISEASE = "intractable_disease", _("難病")
    POVERTY_DEBT = "poverty_debt", _("生活困窮・債務")


# Which difficulty factor of a closed case counts as experience of which theme.  A factor not
# named here (ごみ屋敷, セルフケア, 家族の不和, 支援者が感じる困難さ …) is about every theme and
# so shows none; a theme no factor names is shown from declarations only.
FACTOR_THEMES: dict[str, str] = {
    DifficultyFactor.TRAIT_AGGRESSION: Theme.SEVERE_BEHAVIOUR,
    DifficultyFactor.LIFE_TROUBLE: Theme.OFFENDING,
    DifficultyFactor.LIFE_WITHDRAWAL: Theme.HIKIKOMORI,
    DifficultyFactor.ENV_MULTIPLE_NEEDS: Theme.FAMILY_8050,
    DifficultyFactor.LIFE_CAREGIVER_ABUSE: Theme.ABUSE,
    DifficultyFactor.TRAIT_COMMUNICATION: Theme.DEVELOPMENTAL,
    DifficultyFactor.TRAIT_WORLDVIEW: Theme.DEVELOPMENTAL,
    DifficultyFactor.LIFE_MEDICAL: Theme.PSYCHIATRIC_TRANSITION,
    DifficultyFactor.LIFE_MONEY: Theme.POVERTY_DEBT,
}

NOTE_MAX_LENGTH = 400


class ExpertiseDeclaration(TimeStampedModel):
    """An office's own word that it knows a theme: what it has done, whom to ask."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("機関"),
        on_delete=models.CASCADE,
        related_name="expertise_declarations",
    )
    theme = models.CharField(_("分野"), max_length=32, choices=Theme.choices)
    note = models.TextField(
        _("経験・体制"),
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        help_text=_(
            "支援の経験、資格をもつ職員、連携先など。個人が分かることは書かないでください。"
        ),
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登録者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    declared_on = BoundedDateField(_("登録日"), default=timezone.localdate)

    class Meta:
        verbose_name = _("専門性の登録")
        verbose_name_plural = _("専門性の登録")
        ordering = ["organization", "theme"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "theme"], name="one_declaration_per_office_and_theme"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.get_theme_display()}"
