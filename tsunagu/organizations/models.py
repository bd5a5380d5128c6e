"""Areas, organizations and who belongs to them (DESIGN.md §3 glossary)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import TimeStampedModel
from tsunagu.core.validators import BoundedDateField


class AreaKind(models.TextChoices):
    CITY = "city", _("市")
    WARD = "ward", _("区")
    CATCHMENT = "catchment", _("圏域")
    SCHOOL_DISTRICT = "school_district", _("学区")
    COMMISSIONER_DISTRICT = "commissioner_district", _("民生委員区")


# Which kind of area may sit directly under which.
AREA_PARENT_KINDS: dict[str, set[str | None]] = {
    AreaKind.CITY: {None},
    AreaKind.WARD: {AreaKind.CITY},
    AreaKind.CATCHMENT: {AreaKind.WARD},
    AreaKind.SCHOOL_DISTRICT: {AreaKind.CATCHMENT, AreaKind.WARD},
    AreaKind.COMMISSIONER_DISTRICT: {AreaKind.CATCHMENT, AreaKind.WARD},
}


class Area(models.Model):
    """city → ward → catchment area (圏域) → school district / 民生委員区."""

    code = models.SlugField(_("コード"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("種別"), max_length=32, choices=AreaKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上位の地域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort_order = models.PositiveIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("地域")
        verbose_name_plural = _("地域")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        parent_kind = self.parent.kind if self.parent_id and self.parent else None
        if parent_kind not in AREA_PARENT_KINDS.get(self.kind, set()):
            raise ValidationError({"parent": _("この種別の地域はその上位地域の下に置けません。")})


class Corporation(models.Model):
    """The legal person (法人) that runs one or more organizations."""

    name = models.CharField(_("法人名"), max_length=200, unique=True)
    name_kana = models.CharField(_("法人名（ふりがな）"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("法人")
        verbose_name_plural = _("法人")
        ordering = ["name_kana", "name"]

    def __str__(self) -> str:
        return self.name


class OrganizationKind(models.TextChoices):
    CORE_CENTER = "core_center", _("基幹相談支援センター")
    COMMISSIONED_OFFICE = "commissioned_office", _("委託相談支援事業所")
    DESIGNATED_PLANNING_OFFICE = "designated_planning_office", _("指定特定相談支援事業所")
    COMMUNITY_TRANSITION_OFFICE = "community_transition_office", _("指定一般相談支援事業所")
    CHILD_PLANNING_OFFICE = "child_planning_office", _("障害児相談支援事業所")
    COMMUNITY_LIFE_HUB = "community_life_hub", _("地域生活支援拠点")
    ELDERLY_SUPPORT_CENTER = "elderly_support_center", _("地域包括支援センター")
    HIKIKOMORI_SUPPORT_CENTER = "hikikomori_support_center", _("ひきこもり地域支援センター")
    WARD_OFFICE = "ward_office", _("区役所")
    CITY_DEPARTMENT = "city_department", _("市担当課")
    SOCIAL_WELFARE_COUNCIL = "social_welfare_council", _("社会福祉協議会")
    SERVICE_PROVIDER = "service_provider", _("障害福祉サービス事業所")
    HOSPITAL = "hospital", _("医療機関")
    SCHOOL = "school", _("学校")
    WELFARE_COMMISSIONER = "welfare_commissioner", _("民生委員・児童委員")
    EMPLOYMENT_SUPPORT = "employment_support", _("就労支援機関")
    OTHER = "other", _("その他")


# A tuple, not a set: the order is written into a migration and must not change between runs.
PLANNING_OFFICE_KINDS = (
    OrganizationKind.CHILD_PLANNING_OFFICE,
    OrganizationKind.DESIGNATED_PLANNING_OFFICE,
)
# Who may hold planning consultations (計画相談) under a cap: the planning offices, and the
# commissioned centers, which seed 004 lets hold a few (50 per office, 75 in the west) until a
# date set by the city.
CASELOAD_CAP_KINDS = (*PLANNING_OFFICE_KINDS, OrganizationKind.COMMISSIONED_OFFICE)
# Who oversees the network's figures (statistics, caseloads, staffing, one-person offices):
# the core center, which backs the offices up, and the city department.
OVERSIGHT_KINDS = (OrganizationKind.CORE_CENTER, OrganizationKind.CITY_DEPARTMENT)


# 事業所番号 (WAM NET, the 介護保険・障害福祉 office number): ten digits, the first two the
# prefecture's code.  Typed with full-width digits, hyphens or spaces, it is read as its digits.
OFFICE_NUMBER_LENGTH = 10
_OFFICE_NUMBER = re.compile(r"^[0-9]{10}$")
_OFFICE_NUMBER_SEPARATORS = re.compile(r"[\s\-‐－ー―]+")


def normalize_office_number(value: str) -> str:
    """Full-width digits and separators folded: "０１２３-４５６７８９" → "0123456789"."""
    text = unicodedata.normalize("NFKC", value or "")
    return _OFFICE_NUMBER_SEPARATORS.sub("", text).strip()


def validate_office_number(value: str) -> None:
    if value and not _OFFICE_NUMBER.match(value):
        raise ValidationError(
            _("事業所番号は半角数字10桁で入力してください。"), code="office_number"
        )


def validate_prefecture_code(value: str) -> None:
    """The first two digits are a prefecture (01 北海道 … 47 沖縄県)."""
    if value and _OFFICE_NUMBER.match(value) and not 1 <= int(value[:2]) <= 47:
        raise ValidationError(
            _("事業所番号の先頭2桁は都道府県番号（01〜47）です。"), code="office_number"
        )


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def active(self) -> OrganizationQuerySet:
        return self.filter(is_active=True)


class Organization(TimeStampedModel):
    code = models.SlugField(_("コード"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    name_kana = models.CharField(_("名称（ふりがな）"), max_length=200, blank=True)
    short_name = models.CharField(_("略称"), max_length=60, blank=True)
    kind = models.CharField(_("種別"), max_length=40, choices=OrganizationKind.choices)
    corporation = models.ForeignKey(
        Corporation,
        verbose_name=_("運営法人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    areas_served = models.ManyToManyField(
        Area, verbose_name=_("担当地域"), blank=True, related_name="organizations"
    )
    has_accounts = models.BooleanField(
        _("職員がサインインする"),
        default=True,
        help_text=_("学校・医療機関・民生委員などはサインインせずに支援チームに加わります。"),
    )
    postal_code = models.CharField(_("郵便番号"), max_length=8, blank=True)
    address = models.CharField(_("所在地"), max_length=200, blank=True)
    phone = models.CharField(_("電話番号"), max_length=20, blank=True)
    fax = models.CharField(_("FAX番号"), max_length=20, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    contact_person = models.CharField(_("連絡担当者"), max_length=100, blank=True)
    caseload_cap = models.PositiveIntegerField(
        _("計画相談件数の上限"),
        null=True,
        blank=True,
        help_text=_(
            "指定特定・障害児相談支援事業所と委託相談支援事業所のみ。例: 1事業所50件"
            "（西圏域は75件）。"
        ),
    )
    caseload_cap_due_on = BoundedDateField(
        _("上限の達成期限"),
        null=True,
        blank=True,
        help_text=_("この日までに計画相談の件数を上限以内にします。空欄なら期限なし。"),
    )
    office_number = models.CharField(
        _("事業所番号"),
        max_length=OFFICE_NUMBER_LENGTH,
        blank=True,
        validators=[validate_office_number, validate_prefecture_code],
        help_text=_("WAM NET の事業所番号（半角数字10桁）。指定を受けていない機関は空欄。"),
    )
    opened_on = BoundedDateField(_("開設日"), null=True, blank=True)
    closed_on = BoundedDateField(
        _("廃止日"), null=True, blank=True, help_text=_("廃止した機関は一覧に出なくなります。")
    )
    is_active = models.BooleanField(_("有効"), default=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("組織")
        verbose_name_plural = _("組織")
        ordering = ["kind", "name_kana", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(caseload_cap__isnull=True)
                | Q(kind__in=[k.value for k in CASELOAD_CAP_KINDS]),
                name="caseload_cap_only_for_planning_offices",
            ),
            models.UniqueConstraint(
                fields=["office_number"],
                condition=~Q(office_number=""),
                name="one_organization_per_office_number",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(opened_on__isnull=True)
                | Q(closed_on__gte=models.F("opened_on")),
                name="organization_closed_after_opened",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_planning_office(self) -> bool:
        return self.kind in PLANNING_OFFICE_KINDS

    def clean(self) -> None:
        if self.caseload_cap is not None and self.kind not in CASELOAD_CAP_KINDS:
            raise ValidationError(
                {"caseload_cap": _("件数の上限は計画相談を行う事業所にのみ設定できます。")}
            )
        if self.caseload_cap_due_on is not None and self.caseload_cap is None:
            raise ValidationError({"caseload_cap_due_on": _("期限は上限と一緒に設定します。")})
        if self.closed_on and self.opened_on and self.closed_on < self.opened_on:
            raise ValidationError({"closed_on": _("廃止日は開設日より後にします。")})


class JobTitle(models.TextChoices):
    CONSULTATION_SPECIALIST = "consultation_specialist", _("相談支援専門員")
    CHIEF_CONSULTATION_SPECIALIST = "chief_consultation_specialist", _("主任相談支援専門員")
    CAPACITY_BUILDING_OFFICER = "capacity_building_officer", _("機能強化員")
    COMMUNITY_SUPPORT_WORKER = "community_support_worker", _("地域支援員")
    COUNSELOR = "counselor", _("相談員")
    COMPREHENSIVE_SUPPORT_COORDINATOR = (
        "comprehensive_support_coordinator",
        _("相談支援包括化推進員"),
    )
    CASEWORKER = "caseworker", _("ケースワーカー")
    PUBLIC_HEALTH_NURSE = "public_health_nurse", _("保健師")
    ADMINISTRATIVE_OFFICER = "administrative_officer", _("行政職員")
    MANAGER = "manager", _("管理者")
    OTHER = "other", _("その他")


class SystemRole(models.TextChoices):
    STAFF = "staff", _("職員")
    MANAGER = "manager", _("管理者")
    READ_ONLY = "read_only", _("閲覧のみ")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self) -> MembershipQuerySet:
        return self.filter(is_active=True, organization__is_active=True)


class Membership(TimeStampedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("アカウント"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("組織"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    job_title = models.CharField(_("職種"), max_length=40, choices=JobTitle.choices)
    role = models.CharField(
        _("システム上の役割"), max_length=16, choices=SystemRole.choices, default=SystemRole.STAFF
    )
    is_primary = models.BooleanField(_("主な所属"), default=False)
    is_active = models.BooleanField(_("有効"), default=True)
    # Ending a membership keeps its row (who belonged when stays answerable): `is_active`
    # goes false and `ended_on` is the last day.  Rows from before these dates were kept
    # have none.
    started_on = BoundedDateField(_("所属の開始日"), null=True, blank=True)
    ended_on = BoundedDateField(_("所属の最終日"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("所属")
        verbose_name_plural = _("所属")
        ordering = ["-is_primary", "organization__name_kana"]
        constraints = [
            # One current membership per user and organization; ended ones stay beside it.
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=Q(is_active=True),
                name="one_current_membership_per_user_and_organization",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="membership_ended_after_started",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} / {self.organization}"

    @property
    def can_write(self) -> bool:
        return self.role != SystemRole.READ_ONLY


# --- Staffing (配置 / 欠員; seed 004 人員体制) -----------------------------------------------

# The centers whose posts the city sets: the core center and the commissioned centers.
STAFFED_KINDS = (OrganizationKind.CORE_CENTER, OrganizationKind.COMMISSIONED_OFFICE)


class PostKind(models.TextChoices):
    """The posts seed 004 requires of a center (機能強化員と地域支援員は必置)."""

    CAPACITY_BUILDING_OFFICER = "capacity_building_officer", _("機能強化員")
    COMMUNITY_SUPPORT_WORKER = "community_support_worker", _("地域支援員")
    COUNSELOR = "counselor", _("相談員")
    COMPREHENSIVE_SUPPORT_COORDINATOR = (
        "comprehensive_support_coordinator",
        _("相談支援包括化推進員"),
    )


HEADCOUNT_MAX = 20


class StaffingPost(TimeStampedModel):
    """A post the city requires of a center: so many of a kind, from a date (until one)."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("センター"),
        on_delete=models.PROTECT,
        related_name="staffing_posts",
    )
    kind = models.CharField(_("職種"), max_length=40, choices=PostKind.choices)
    headcount = models.PositiveSmallIntegerField(
        _("必要な人数"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(HEADCOUNT_MAX)],
    )
    required_from = BoundedDateField(_("配置の開始日"))
    required_until = BoundedDateField(
        _("配置の終了日"), null=True, blank=True, help_text=_("空欄なら終わりなし。")
    )

    class Meta:
        verbose_name = _("配置")
        verbose_name_plural = _("配置")
        ordering = ["organization__name_kana", "kind", "required_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(headcount__gte=1), name="staffing_post_headcount_positive"
            ),
            models.CheckConstraint(
                condition=Q(required_until__isnull=True)
                | Q(required_until__gte=models.F("required_from")),
                name="staffing_post_until_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} / {self.get_kind_display()}"

    def clean(self) -> None:
        if self.required_until is not None and self.required_until < self.required_from:
            raise ValidationError({"required_until": _("終了日は開始日より後にします。")})
        if self.organization_id and self.organization.kind not in STAFFED_KINDS:
            raise ValidationError(
                {"organization": _("配置は基幹相談支援センターと委託相談支援事業所に設定します。")}
            )


class StaffingAssignment(TimeStampedModel):
    """Who filled a post, from a day to a day (the last day worked; empty while they do)."""

    post = models.ForeignKey(
        StaffingPost, verbose_name=_("配置"), on_delete=models.PROTECT, related_name="assignments"
    )
    membership = models.ForeignKey(
        Membership,
        verbose_name=_("職員"),
        on_delete=models.PROTECT,
        related_name="staffing_assignments",
    )
    started_on = BoundedDateField(_("就任日"))
    ended_on = BoundedDateField(
        _("最終勤務日"), null=True, blank=True, help_text=_("空欄なら在任中。")
    )

    class Meta:
        verbose_name = _("配置の担当者")
        verbose_name_plural = _("配置の担当者")
        ordering = ["post", "started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="staffing_assignment_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post} / {self.membership.user}"

    def covers(self, day: dt.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)

    def clean(self) -> None:
        if self.ended_on is not None and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("最終勤務日は就任日より後にします。")})
        if (
            self.post_id
            and self.membership_id
            and self.membership.organization_id != self.post.organization_id
        ):
            raise ValidationError({"membership": _("そのセンターの職員を選んでください。")})
