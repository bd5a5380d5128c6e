"""A person, their household over time, and their consent to sharing (issue: people & cases).

Never a My Number (個人番号): the system has no field for it, on purpose.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tsunagu.core.models import TimeStampedModel
from tsunagu.core.validators import BoundedDateField


class Sex(models.TextChoices):
    MALE = "male", _("男性")
    FEMALE = "female", _("女性")
    OTHER = "other", _("その他")
    NO_ANSWER = "no_answer", _("回答なし")


class DisabilityCategory(models.TextChoices):
    PHYSICAL = "physical", _("身体")
    INTELLECTUAL = "intellectual", _("知的")
    MENTAL = "mental", _("精神")
    DEVELOPMENTAL = "developmental", _("発達")
    INTRACTABLE_DISEASE = "intractable_disease", _("難病")
    HIGHER_BRAIN = "higher_brain", _("高次脳機能")
    MULTIPLE = "multiple", _("重複")
    UNDIAGNOSED = "undiagnosed", _("診断なし")


class SupportCategory(models.TextChoices):
    """障害支援区分."""

    NOT_APPLICABLE = "0", _("非該当")
    LEVEL_1 = "1", _("区分1")
    LEVEL_2 = "2", _("区分2")
    LEVEL_3 = "3", _("区分3")
    LEVEL_4 = "4", _("区分4")
    LEVEL_5 = "5", _("区分5")
    LEVEL_6 = "6", _("区分6")


class Person(TimeStampedModel):
    family_name = models.CharField(_("姓"), max_length=50, blank=True)
    given_name = models.CharField(_("名"), max_length=50, blank=True)
    family_name_kana = models.CharField(_("姓（カナ）"), max_length=50)
    given_name_kana = models.CharField(_("名（カナ）"), max_length=50)
    # Folded form of the kana name (core.kana.normalize_kana), for search and duplicates.
    kana_normalized = models.CharField(max_length=100, db_index=True, editable=False)
    # The name folded the same way (core.kana.fold_name): 髙橋 is found as 高橋.
    name_folded = models.CharField(max_length=100, default="", editable=False)
    former_names = models.TextField(_("旧姓・以前の氏名"), blank=True, help_text=_("1行に1つ。"))
    birth_date = BoundedDateField(_("生年月日"), null=True, blank=True)
    sex = models.CharField(_("性別"), max_length=16, choices=Sex.choices, default=Sex.NO_ANSWER)
    postal_code = models.CharField(_("郵便番号"), max_length=8, blank=True)
    address = models.CharField(_("住所"), max_length=200, blank=True)
    area = models.ForeignKey(
        "organizations.Area",
        verbose_name=_("地域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    phone = models.CharField(_("電話番号"), max_length=20, blank=True)
    phone_normalized = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    support_category = models.CharField(
        _("障害支援区分"), max_length=2, choices=SupportCategory.choices, blank=True
    )
    disability_categories = models.JSONField(_("障害種別"), default=list, blank=True)
    primary_category = models.CharField(
        _("主たる障害種別（統計用）"),
        max_length=32,
        choices=DisabilityCategory.choices,
        blank=True,
    )
    recipient_numbers = models.TextField(_("受給者証番号"), blank=True, help_text=_("1行に1つ。"))
    lives_alone = models.BooleanField(_("ひとり暮らし"), default=False)
    needs_evacuation_support = models.BooleanField(_("避難行動要支援者"), default=False)
    notes = models.TextField(_("備考"), blank=True)
    registered_by_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("登録した機関"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Optimistic concurrency: a save based on an older version is refused (no silent overwrite).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = pgettext_lazy("the person supported", "本人")
        verbose_name_plural = pgettext_lazy("the person supported, plural", "本人")
        ordering = ["kana_normalized", "pk"]
        indexes = [models.Index(fields=["birth_date"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        kanji = f"{self.family_name} {self.given_name}".strip()
        return kanji or self.kana_name

    @property
    def kana_name(self) -> str:
        return f"{self.family_name_kana} {self.given_name_kana}".strip()

    def age_on(self, day: dt.date) -> int | None:
        if self.birth_date is None:
            return None
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


class CertificateKind(models.TextChoices):
    PHYSICAL = "physical", _("身体障害者手帳")
    INTELLECTUAL = "intellectual", _("療育手帳")
    MENTAL = "mental", _("精神障害者保健福祉手帳")


CERTIFICATE_GRADES: dict[str, tuple[str, ...]] = {
    CertificateKind.PHYSICAL: ("1", "2", "3", "4", "5", "6"),
    CertificateKind.INTELLECTUAL: ("A", "B"),
    CertificateKind.MENTAL: ("1", "2", "3"),
}


class PhysicalDisabilityType(models.TextChoices):
    VISUAL = "visual", _("視覚障害")
    HEARING = "hearing", _("聴覚・平衡機能障害")
    SPEECH = "speech", _("音声・言語・そしゃく機能障害")
    LIMB = "limb", _("肢体不自由")
    INTERNAL = "internal", _("内部障害")


class CertificateStatus(models.TextChoices):
    HELD = "held", _("所持")
    APPLYING = "applying", _("申請中")


class DisabilityCertificate(models.Model):
    """One held or applied-for certificate.  A person with none has no rows."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="certificates")
    kind = models.CharField(_("手帳の種類"), max_length=16, choices=CertificateKind.choices)
    status = models.CharField(
        _("状態"), max_length=16, choices=CertificateStatus.choices, default=CertificateStatus.HELD
    )
    grade = models.CharField(_("等級・判定"), max_length=2, blank=True)
    physical_type = models.CharField(
        _("障害の種類（身体）"), max_length=16, choices=PhysicalDisabilityType.choices, blank=True
    )

    class Meta:
        verbose_name = _("障害者手帳")
        verbose_name_plural = _("障害者手帳")
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="one_certificate_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.grade}"


class HouseholdConcern(models.TextChoices):
    EIGHTY_FIFTY = "8050", _("8050（高齢の親と無業の子）")
    DOUBLE_CARE = "double_care", _("ダブルケア")
    YOUNG_CARER = "young_carer", _("ヤングケアラー")
    POVERTY = "poverty", _("生活困窮")
    DEBT = "debt", _("多重債務")
    DOMESTIC_VIOLENCE = "dv", _("DV")
    ABUSE = "abuse", _("虐待")
    WITHDRAWAL = "withdrawal", _("ひきこもり")
    HOARDING = "hoarding", _("ごみ屋敷・ためこみ")
    ILLNESS = "illness", _("家族の疾病・入院")
    MULTIPLE_NEEDS = "multiple_needs", _("複数の要援護者")
    ISOLATION = "isolation", _("社会的孤立")
    OTHER = "other", _("その他")


class Household(TimeStampedModel):
    name = models.CharField(_("世帯名"), max_length=100, help_text=_("例: 山田さん世帯"))
    postal_code = models.CharField(_("郵便番号"), max_length=8, blank=True)
    address = models.CharField(_("住所"), max_length=200, blank=True)
    area = models.ForeignKey(
        "organizations.Area",
        verbose_name=_("地域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    concerns = models.JSONField(_("世帯の課題"), default=list, blank=True)
    notes = models.TextField(_("備考"), blank=True)
    registered_by_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("登録した機関"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("世帯")
        verbose_name_plural = _("世帯")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Relationship(models.TextChoices):
    SELF = "self", _("本人（中心となる人）")
    SPOUSE = "spouse", _("配偶者")
    FATHER = "father", _("父")
    MOTHER = "mother", _("母")
    CHILD = "child", _("子")
    SIBLING = "sibling", _("兄弟姉妹")
    GRANDPARENT = "grandparent", _("祖父母")
    GRANDCHILD = "grandchild", _("孫")
    OTHER_RELATIVE = "other_relative", _("その他の親族")
    OTHER = "other", _("その他")


class HouseholdMemberQuerySet(models.QuerySet["HouseholdMember"]):
    def current(self, on: dt.date | None = None) -> HouseholdMemberQuerySet:
        from django.utils import timezone

        day = on or timezone.localdate()
        return self.filter(Q(start_date__isnull=True) | Q(start_date__lte=day)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="household_memberships"
    )
    relationship = models.CharField(
        _("中心となる人との続柄"), max_length=20, choices=Relationship.choices
    )
    lives_together = models.BooleanField(_("同居"), default=True)
    start_date = BoundedDateField(_("世帯に加わった日"), null=True, blank=True)
    end_date = BoundedDateField(_("世帯を離れた日"), null=True, blank=True)
    notes = models.CharField(_("備考"), max_length=200, blank=True)

    objects = HouseholdMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("世帯員")
        verbose_name_plural = _("世帯員")
        ordering = ["household", "start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="household_member_period_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.household} / {self.person} ({self.get_relationship_display()})"


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("書面")
    ORAL = "oral", _("口頭")


class ConsentPurpose(models.TextChoices):
    SHARING = "sharing", _("支援のための情報共有")
    CASE_CONFERENCE = "case_conference", _("ケース会議での共有")
    SERVICE_COORDINATION = "service_coordination", _("サービス調整")
    REFERRAL = "referral", _("他機関への紹介・移管")
    # Seed 002: where the person's heart moved travels to the provider's staff (issue 21).
    MOTIVATING_MOMENTS = "motivating_moments", _("心の動く場面の共有")


class ConsentQuerySet(models.QuerySet["Consent"]):
    def valid_on(self, day: dt.date) -> ConsentQuerySet:
        return self.filter(withdrawn_at__isnull=True, obtained_on__lte=day).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=day)
        )


class Consent(TimeStampedModel):
    """The person's agreement that named organizations may share their information."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents")
    organizations = models.ManyToManyField(
        "organizations.Organization", verbose_name=_("共有先の機関"), related_name="+"
    )
    purposes = models.JSONField(_("目的"), default=list)
    method = models.CharField(_("同意の方法"), max_length=16, choices=ConsentMethod.choices)
    obtained_on = BoundedDateField(_("同意日"))
    expires_on = BoundedDateField(_("有効期限"), null=True, blank=True)
    obtained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    obtained_by_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("撤回日時"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("撤回の理由・経緯"), max_length=200, blank=True)
    notes = models.TextField(_("備考"), blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("同意")
        verbose_name_plural = _("同意")
        ordering = ["-obtained_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("obtained_on")),
                name="consent_expiry_after_obtained",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.obtained_on:%Y-%m-%d}"

    def is_valid_on(self, day: dt.date) -> bool:
        return (
            self.withdrawn_at is None
            and self.obtained_on <= day
            and (self.expires_on is None or self.expires_on >= day)
        )


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("未対応")
    CONTACT_REQUESTED = "contact_requested", _("保有機関に連絡を依頼済み")
    LINKED = "linked", _("同じ人として結び付け済み")
    DISTINCT = "distinct", _("別の人と確認済み")


class DuplicateCandidate(TimeStampedModel):
    """A record just registered or edited that may be the same person as a record its office
    may not see.  Only the core center sees it (its queue); the registering office is never
    told that it exists, so the duplicate check answers the same with or without it."""

    person = models.ForeignKey(
        Person, verbose_name=_("登録・編集された記録"), on_delete=models.PROTECT, related_name="+"
    )
    match = models.ForeignKey(
        Person, verbose_name=_("似ている記録"), on_delete=models.PROTECT, related_name="+"
    )
    raised_by_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("登録・編集した機関"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    matched_on = models.JSONField(_("似ている点"), default=list)
    status = models.CharField(
        _("状態"), max_length=24, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    contact_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("連絡を依頼した機関"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("対応日時"), null=True, blank=True)
    note = models.CharField(_("メモ"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("重複の可能性")
        verbose_name_plural = _("重複の可能性")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.UniqueConstraint(fields=["person", "match"], name="one_candidate_per_pair"),
            models.CheckConstraint(
                condition=~Q(person=models.F("match")), name="candidate_is_another_record"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} ~ {self.match_id} ({self.get_status_display()})"


class ProtectionBasis(models.TextChoices):
    """Why a person's whereabouts are hidden (ADR 0023)."""

    RESIDENT_REGISTER = "resident_register", _("住民基本台帳の支援措置（DV等支援措置）")
    WORKER_JUDGEMENT = "worker_judgement", _("支援者の判断（DV・ストーカー・虐待のおそれ）")


class AddressProtectionQuerySet(models.QuerySet["AddressProtection"]):
    def active(self) -> AddressProtectionQuerySet:
        """Not ended.  A review date that has passed does not end it: the hiding fails closed
        until a named worker ends it or sets the next review date."""
        return self.filter(ended_at__isnull=True)


class AddressProtection(TimeStampedModel):
    """A person's address, phone and whereabouts hidden from everyone but the named workers of
    the lead organization (issue 20 item 4).  Read only through `people.protection`."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="address_protections")
    basis = models.CharField(_("根拠"), max_length=24, choices=ProtectionBasis.choices)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("主担当機関"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("判断した人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_on = BoundedDateField(_("判断した日"))
    reason = models.CharField(_("理由"), max_length=400)
    review_on = BoundedDateField(
        _("終了・見直しの日"),
        help_text=_("支援措置の期間の終わり、または見直す日。過ぎても自動では解除しません。"),
    )
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("表示できる職員"), related_name="+"
    )
    ended_at = models.DateTimeField(_("解除日時"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("解除した人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    end_reason = models.CharField(_("解除の理由"), max_length=400, blank=True)

    objects = AddressProtectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("住所等の非表示（DV等支援措置）")
        verbose_name_plural = _("住所等の非表示（DV等支援措置）")
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(ended_at__isnull=True),
                name="one_active_address_protection",
            ),
            models.CheckConstraint(
                condition=Q(review_on__gte=models.F("decided_on")),
                name="protection_review_after_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_basis_display()}"
