"""Rights advocacy (権利擁護; issue 20 items 2 and 3).

A guardianship petition (成年後見制度の申立て) belongs to a person and is seen under the
person's own rules (`cases.access.persons_visible_to`).  A 市長申立て walks forward through
dated steps, from the consultation to the start of guardianship; the city department records
the decisions, the core center the consultation and the survey of relatives.

A discrimination consultation (障害者差別解消法) is recorded by the core center or the city.
The consulter is a person in the records or anonymous (then only an age band and a disability
type); the summary is de-identified, so that the case list for the 障害者差別解消支援地域協議会
carries no names.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import TimeStampedModel
from tsunagu.core.validators import BoundedDateField
from tsunagu.organizations.models import Organization

SUMMARY_MAX_LENGTH = 2000
NOTE_MAX_LENGTH = 1000


class GuardianshipType(models.TextChoices):
    GUARDIANSHIP = "guardianship", _("後見")
    CURATORSHIP = "curatorship", _("保佐")
    ASSISTANCE = "assistance", _("補助")


class PetitionerKind(models.TextChoices):
    MAYOR = "mayor", _("市長申立て")
    RELATIVE = "relative", _("親族申立て")
    SELF = "self", _("本人申立て")


class GuardianKind(models.TextChoices):
    RELATIVE = "relative", _("親族")
    PROFESSIONAL = "professional", _("専門職")
    CITIZEN = "citizen", _("市民後見人")
    CORPORATE = "corporate", _("法人後見")


class PetitionStep(models.TextChoices):
    """The steps of a 市長申立て, in order (forward only)."""

    CONSULTED = "consulted", _("相談受付")
    KIN_SURVEY = "kin_survey", _("親族調査")
    MAYOR_DECISION = "mayor_decision", _("申立て決定（市長）")
    FILED = "filed", _("家庭裁判所へ申立て")
    RULING = "ruling", _("審判")
    STARTED = "started", _("後見等開始")


STEP_ORDER: list[str] = list(PetitionStep.values)
# The steps the core center may record (it supports); the rest are the city's decisions.
CORE_CENTER_STEPS = {PetitionStep.CONSULTED.value, PetitionStep.KIN_SURVEY.value}


class RulingKind(models.TextChoices):
    GRANTED = "granted", _("開始の審判")
    DISMISSED = "dismissed", _("却下")
    WITHDRAWN = "withdrawn", _("取下げ")


class GuardianshipPetition(TimeStampedModel):
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("本人"),
        on_delete=models.PROTECT,
        related_name="guardianship_petitions",
    )
    petitioner = models.CharField(_("申立人"), max_length=20, choices=PetitionerKind.choices)
    guardianship_type = models.CharField(_("類型"), max_length=20, choices=GuardianshipType.choices)
    step = models.CharField(_("段階"), max_length=20, choices=PetitionStep.choices)
    ruling = models.CharField(_("審判"), max_length=20, choices=RulingKind.choices, blank=True)
    ruled_on = BoundedDateField(_("審判日"), null=True, blank=True)
    guardian_name = models.CharField(_("後見人等"), max_length=200, blank=True)
    guardian_kind = models.CharField(
        _("後見人等の種類"), max_length=20, choices=GuardianKind.choices, blank=True
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("記録した機関"),
        on_delete=models.PROTECT,
        related_name="guardianship_petitions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作成者"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("成年後見制度の申立て")
        verbose_name_plural = _("成年後見制度の申立て")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.get_petitioner_display()} {self.get_guardianship_type_display()}"

    def next_step(self) -> str | None:
        index = STEP_ORDER.index(self.step)
        return STEP_ORDER[index + 1] if index + 1 < len(STEP_ORDER) else None


class PetitionStepRecord(TimeStampedModel):
    petition = models.ForeignKey(
        GuardianshipPetition,
        verbose_name=_("申立て"),
        on_delete=models.PROTECT,
        related_name="steps",
    )
    step = models.CharField(_("段階"), max_length=20, choices=PetitionStep.choices)
    on = BoundedDateField(_("日付"))
    note = models.TextField(_("メモ"), max_length=NOTE_MAX_LENGTH, blank=True)
    organization = models.ForeignKey(
        Organization, verbose_name=_("記録した機関"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("記録者"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("申立ての段階")
        verbose_name_plural = _("申立ての段階")
        ordering = ["petition", "on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["petition", "step"], name="rights_one_row_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} {self.on:%Y-%m-%d}"


class PartyKind(models.TextChoices):
    BUSINESS = "business", _("事業者")
    PUBLIC = "public", _("行政機関等")


class DiscriminationKind(models.TextChoices):
    UNFAIR_TREATMENT = "unfair_treatment", _("不当な差別的取扱い")
    NO_ACCOMMODATION = "no_accommodation", _("合理的配慮の不提供")


class DiscriminationField(models.TextChoices):
    EMPLOYMENT = "employment", _("雇用")
    EDUCATION = "education", _("教育")
    SHOPS = "shops", _("商品・サービス（店舗）")
    TRANSPORT = "transport", _("公共交通")
    HOUSING = "housing", _("住まい")
    MEDICAL = "medical", _("医療")
    OTHER = "other", _("その他")


class ConsulterKind(models.TextChoices):
    SELF = "self", _("本人")
    FAMILY = "family", _("家族")
    SUPPORTER = "supporter", _("支援者")
    OTHER = "other", _("その他")


class AgeBand(models.TextChoices):
    UNKNOWN = "", _("不明")
    UNDER_18 = "under_18", _("18歳未満")
    AGE_18_39 = "18_39", _("18〜39歳")
    AGE_40_64 = "40_64", _("40〜64歳")
    OVER_65 = "65_over", _("65歳以上")


class DisabilityType(models.TextChoices):
    UNKNOWN = "", _("不明")
    PHYSICAL = "physical", _("身体障害")
    INTELLECTUAL = "intellectual", _("知的障害")
    MENTAL = "mental", _("精神障害")
    DEVELOPMENTAL = "developmental", _("発達障害")
    INTRACTABLE = "intractable", _("難病")


class ConsultationStepKind(models.TextChoices):
    HEARING = "hearing", _("双方からの聞き取り")
    ADVICE = "advice", _("助言")
    MEDIATION = "mediation", _("調整（あっせん）")
    REFERRAL = "referral", _("他機関への紹介")


class ConsultationOutcome(models.TextChoices):
    OPEN = "", _("対応中")
    RESOLVED_MEDIATION = "mediated", _("調整により解決")
    RESOLVED_ADVICE = "advised", _("助言により解決")
    REFERRED = "referred", _("他機関へつないだ")
    UNRESOLVED = "unresolved", _("解決に至らず")


class DiscriminationConsultation(TimeStampedModel):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("受け付けた機関"),
        on_delete=models.PROTECT,
        related_name="discrimination_consultations",
    )
    received_on = BoundedDateField(_("受付日"))
    consulter = models.CharField(_("相談者"), max_length=20, choices=ConsulterKind.choices)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("本人（記録にある場合）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="discrimination_consultations",
    )
    age_band = models.CharField(
        _("年齢層"), max_length=20, choices=AgeBand.choices, blank=True, default=""
    )
    disability_type = models.CharField(
        _("障害の種類"), max_length=20, choices=DisabilityType.choices, blank=True, default=""
    )
    party_kind = models.CharField(_("相手方"), max_length=20, choices=PartyKind.choices)
    kind = models.CharField(_("相談の種類"), max_length=30, choices=DiscriminationKind.choices)
    field = models.CharField(_("分野"), max_length=20, choices=DiscriminationField.choices)
    summary = models.TextField(
        _("概要（匿名化）"),
        max_length=SUMMARY_MAX_LENGTH,
        help_text=_("氏名・住所・生年月日など、個人が分かることは書かないでください。"),
    )
    outcome = models.CharField(
        _("結果"), max_length=20, choices=ConsultationOutcome.choices, blank=True, default=""
    )
    closed_on = BoundedDateField(_("終結日"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作成者"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("障害者差別に関する相談")
        verbose_name_plural = _("障害者差別に関する相談")
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.received_on:%Y-%m-%d} {self.get_kind_display()}"


class ConsultationStep(TimeStampedModel):
    consultation = models.ForeignKey(
        DiscriminationConsultation,
        verbose_name=_("相談"),
        on_delete=models.PROTECT,
        related_name="steps",
    )
    kind = models.CharField(_("対応"), max_length=20, choices=ConsultationStepKind.choices)
    on = BoundedDateField(_("日付"))
    note = models.TextField(_("内容（匿名化）"), max_length=NOTE_MAX_LENGTH, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("記録者"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("相談への対応")
        verbose_name_plural = _("相談への対応")
        ordering = ["consultation", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on:%Y-%m-%d}"


class ReferralOutcome(models.TextChoices):
    PENDING = "", _("回答待ち")
    CONTRACTED = "contracted", _("利用契約")
    WAITING = "waiting", _("待機")
    DECLINED = "declined", _("利用に至らず")


class SelfRelianceReferral(TimeStampedModel):
    """A referral to the social welfare council's 日常生活自立支援事業."""

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("本人"),
        on_delete=models.PROTECT,
        related_name="self_reliance_referrals",
    )
    council = models.ForeignKey(
        Organization,
        verbose_name=_("社会福祉協議会"),
        on_delete=models.PROTECT,
        related_name="self_reliance_referrals",
    )
    referred_on = BoundedDateField(_("紹介日"))
    note = models.TextField(_("メモ"), max_length=NOTE_MAX_LENGTH, blank=True)
    outcome = models.CharField(
        _("結果"), max_length=20, choices=ReferralOutcome.choices, blank=True, default=""
    )
    outcome_on = BoundedDateField(_("結果の日付"), null=True, blank=True)
    organization = models.ForeignKey(
        Organization, verbose_name=_("紹介した機関"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作成者"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("日常生活自立支援事業への紹介")
        verbose_name_plural = _("日常生活自立支援事業への紹介")
        ordering = ["-referred_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.referred_on:%Y-%m-%d} {self.council}"


class CostSupportKind(models.TextChoices):
    PETITION_COST = "petition_cost", _("申立費用")
    FEE = "fee", _("報酬助成")


class CostSupportDecision(TimeStampedModel):
    """A 成年後見制度利用支援事業 decision by the city."""

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("本人"),
        on_delete=models.PROTECT,
        related_name="guardianship_cost_decisions",
    )
    kind = models.CharField(_("種類"), max_length=20, choices=CostSupportKind.choices)
    amount = models.PositiveIntegerField(_("金額（円）"))
    decided_on = BoundedDateField(_("決定日"))
    organization = models.ForeignKey(
        Organization, verbose_name=_("決定した機関"), on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("記録者"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("成年後見制度利用支援事業の決定")
        verbose_name_plural = _("成年後見制度利用支援事業の決定")
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"
