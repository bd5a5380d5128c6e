"""Consultations (相談受付), cases (支援ケース), their teams and the basis for sharing, with
the case conferences (ケース会議・支援会議) a support-meeting basis names."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tsunagu.core.models import TimeStampedModel
from tsunagu.core.validators import BoundedDateField

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Channel(models.TextChoices):
    VISIT_TO_OFFICE = "office", _("来所")
    PHONE = "phone", _("電話")
    HOME_VISIT = "home_visit", _("訪問")
    EMAIL = "email", _("メール")
    FAX = "fax", _("FAX")
    VIA_AGENCY = "via_agency", _("関係機関経由")
    OUTREACH = "outreach", _("アウトリーチ")


class Consulter(models.TextChoices):
    SELF = "self", pgettext_lazy("who consulted", "本人")
    FAMILY = "family", _("家族")
    AGENCY = "agency", _("関係機関")
    WELFARE_COMMISSIONER = "welfare_commissioner", _("民生委員")
    NEIGHBOR = "neighbor", _("近隣")
    OTHER = "other", _("その他")


class Domain(models.TextChoices):
    WELFARE_SERVICES = "welfare_services", _("福祉サービス利用")
    MONEY = "money", _("金銭管理")
    HOUSING = "housing", _("住まい")
    EMPLOYMENT = "employment", _("就労")
    HEALTH = "health", _("健康・医療")
    FAMILY = "family", _("家族関係")
    RIGHTS = "rights", _("権利擁護")
    ABUSE = "abuse", _("虐待")
    WITHDRAWAL = "withdrawal", _("ひきこもり")
    SCHOOL_REFUSAL = "school_refusal", _("不登校")
    POVERTY = "poverty", _("生活困窮")
    OTHER = "other", _("その他")


class SupportType(models.TextChoices):
    """What support a consultation gave, in the terms of the Kumamoto model (seed 004: the
    commissioned consultation's six kinds of general support, and rights advocacy)."""

    SERVICE_USE = "service_use", _("福祉サービスの利用援助")
    RESOURCES = "resources", _("社会資源を活用するための支援")
    LIFE_SKILLS = "life_skills", _("社会生活力を高めるための支援")
    SPECIALIST_REFERRAL = "specialist_referral", _("専門機関の紹介")
    PEER_COUNSELLING = "peer_counselling", _("ピアカウンセリング")
    GUARDIANSHIP = "guardianship", _("成年後見制度の利用支援")
    ABUSE = "abuse", _("虐待防止に関する支援")
    DISCRIMINATION = "discrimination", _("差別解消に関する支援")


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("緊急（当日対応）")
    HIGH = "high", _("高（数日以内）")
    NORMAL = "normal", _("通常")


class ConsultationOutcome(models.TextChoices):
    INFORMATION = "information", _("情報提供で終了")
    CONTINUING = "continuing", _("継続支援")
    REFERRED = "referred", _("他機関紹介")
    JOINT_SUPPORT = "joint_support", _("共同支援依頼")


class Consultation(TimeStampedModel):
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("受付機関"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("受付者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField(_("受付日時"), default=timezone.now)
    channel = models.CharField(_("相談方法"), max_length=16, choices=Channel.choices)
    consulter = models.CharField(_("相談者"), max_length=24, choices=Consulter.choices)
    referring_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("紹介元の機関"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=pgettext_lazy("the person supported", "本人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    household = models.ForeignKey(
        "people.Household",
        verbose_name=_("世帯"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    is_anonymous = models.BooleanField(_("匿名の相談"), default=False)
    main_concern = models.TextField(_("主訴"))
    domains = models.JSONField(_("相談の領域"), default=list, blank=True)
    # SupportType values, in that order; the dashboards count consultations by them.
    support_types = models.JSONField(_("行った支援の種類"), default=list, blank=True)
    # Who gave the peer counselling (seed 004 ⑥): a peer counsellor or peer supporter of the
    # directory.  Set only with SupportType.PEER_COUNSELLING among the support types.
    peer_counsellor = models.ForeignKey(
        "directory.SocialResource",
        verbose_name=_("ピアカウンセラー・ピアサポーター"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="peer_sessions",
    )
    urgency = models.CharField(
        _("緊急度"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL
    )
    outcome = models.CharField(_("対応結果"), max_length=16, choices=ConsultationOutcome.choices)
    minutes_spent = models.PositiveIntegerField(_("対応時間（分）"), default=0)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("支援ケース"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultations",
    )

    class Meta:
        verbose_name = _("相談受付")
        verbose_name_plural = _("相談受付")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["organization", "received_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_anonymous=True, person__isnull=True, household__isnull=True)
                | Q(is_anonymous=False),
                name="anonymous_consultation_names_nobody",
            )
        ]

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d} {self.get_channel_display()}"


class CaseStatus(models.TextChoices):
    INTAKE = "intake", _("受付")
    ASSESSMENT = "assessment", _("アセスメント")
    PLANNING = "planning", _("計画")
    SUPPORT = "support", _("支援")
    MONITORING = "monitoring", _("モニタリング")
    CLOSED = "closed", _("終結")


# Forward moves one step, skips that practice allows, returns for re-assessment, and closure
# from any open status.  Reopening a closed case is its own action (with a reason).
CASE_TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.INTAKE: frozenset({CaseStatus.ASSESSMENT, CaseStatus.CLOSED}),
    CaseStatus.ASSESSMENT: frozenset({CaseStatus.PLANNING, CaseStatus.SUPPORT, CaseStatus.CLOSED}),
    CaseStatus.PLANNING: frozenset({CaseStatus.SUPPORT, CaseStatus.ASSESSMENT, CaseStatus.CLOSED}),
    CaseStatus.SUPPORT: frozenset(
        {CaseStatus.MONITORING, CaseStatus.ASSESSMENT, CaseStatus.CLOSED}
    ),
    CaseStatus.MONITORING: frozenset(
        {CaseStatus.SUPPORT, CaseStatus.PLANNING, CaseStatus.ASSESSMENT, CaseStatus.CLOSED}
    ),
    CaseStatus.CLOSED: frozenset(),
}


class SupportLayer(models.TextChoices):
    BASIC = "basic", _("基本相談")
    PLANNING = "planning", _("計画相談")
    SPECIALIST = "specialist", _("基幹・専門")


class DifficultyFactor(models.TextChoices):
    """Seed 000, table 1: what makes a case difficult, coded."""

    # 困難ケースの生活状況
    LIFE_MONEY = "life.money", _("金銭管理が困難、生活が立ち行かない・多重債務")
    LIFE_CAREGIVER_ABUSE = "life.caregiver_abuse", _("養護者の不適切な対応や搾取")
    LIFE_HOARDING = "life.hoarding", _("ごみ屋敷・不衛生な環境")
    LIFE_WITHDRAWAL = "life.withdrawal", _("不登校・ひきこもりが慢性化し社会との接点がない")
    LIFE_TROUBLE = "life.trouble", _("対人トラブル・逸脱行動で地域生活が継続できない")
    LIFE_MEDICAL = "life.medical", _("医療中断・病状悪化で入院を繰り返す")
    LIFE_SELF_CARE = "life.self_care", _("セルフケア能力が低く健康や安全を保てない")
    # 当事者の持つ特性
    TRAIT_AGGRESSION = "trait.aggression", _("感情抑制ができず攻撃的な言動に至る")
    TRAIT_SOCIAL_SKILLS = "trait.social_skills", _("社会的スキルや生活能力の低さ")
    TRAIT_COMMUNICATION = (
        "trait.communication",
        _("言語的コミュニケーションの困難さ・新奇場面への不安"),
    )
    TRAIT_WORLDVIEW = "trait.worldview", _("周囲に理解されにくい独特な捉え方や世界観")
    TRAIT_REALITY_TESTING = "trait.reality_testing", _("現実検討の困難さ")
    # 当事者を取り巻く環境
    ENV_MULTIPLE_NEEDS = "env.multiple_needs", _("家庭内に複数の要援護者がいる")
    ENV_NO_FAMILY_SUPPORT = "env.no_family_support", _("身近にサポート可能な家族等がいない")
    ENV_FAMILY_CONFLICT = "env.family_conflict", _("家族の関係性の不和")
    ENV_RESOURCE_LITERACY = "env.resource_literacy", _("資源の理解や対応力の不足")
    ENV_FAMILY_ACCEPTANCE = (
        "env.family_acceptance",
        _("家族の障害受容・理解の不足による不適切な対応"),
    )
    # 支援者が感じる困難さ
    SUPPORTER_REFUSAL = "supporter.refusal", _("サービス拒否、導入しても生活問題が解決しない")
    SUPPORTER_FORMULATION = "supporter.formulation", _("背景要因の見立てが難しい")
    SUPPORTER_TEAMING = "supporter.teaming", _("支援方針の共有と役割設定が困難")


DIFFICULTY_GROUPS: tuple[tuple[str, StrOrPromise], ...] = (
    ("life.", _("困難ケースの生活状況")),
    ("trait.", _("当事者の持つ特性")),
    ("env.", _("当事者を取り巻く環境")),
    ("supporter.", _("支援者が感じる困難さ")),
)


class Case(TimeStampedModel):
    person = models.ForeignKey(
        "people.Person",
        verbose_name=pgettext_lazy("the person supported", "本人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    household = models.ForeignKey(
        "people.Household",
        verbose_name=_("世帯"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    title = models.CharField(_("ケース名"), max_length=100, blank=True)
    lead_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("主担当機関"),
        on_delete=models.PROTECT,
        related_name="led_cases",
    )
    lead_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("主担当者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_cases",
    )
    status = models.CharField(
        _("状態"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.INTAKE
    )
    support_layer = models.CharField(
        _("支援の層"), max_length=16, choices=SupportLayer.choices, default=SupportLayer.BASIC
    )
    is_complex = models.BooleanField(_("支援困難ケース"), default=False)
    difficulty_factors = models.JSONField(_("困難さの要因"), default=list, blank=True)
    opened_on = BoundedDateField(_("開始日"), default=timezone.localdate)
    closed_on = BoundedDateField(_("終結日"), null=True, blank=True)
    closure_reason = models.CharField(_("終結の理由"), max_length=200, blank=True)
    # When the present lead organization took the case over (移管); empty while the lead is the
    # one that opened it.  A restricted note written before this moment is not the present
    # lead's to read (records.access, ADR 0012).
    lead_since = models.DateTimeField(_("主担当機関の引継ぎ日時"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("支援ケース")
        verbose_name_plural = _("支援ケース")
        ordering = ["-opened_on", "-pk"]
        indexes = [
            models.Index(fields=["lead_organization", "status"]),
            models.Index(fields=["status", "opened_on"]),
            # Visibility (cases/access.py): the household cases an organization leads.  Without
            # it SQLite reads every household case in the city by the person index.
            models.Index(fields=["lead_organization", "person"]),
            # Visibility: the household cases (no person) of the households of a break-glass
            # grant's person.  On the household index alone SQLite took `person IS NULL` by the
            # person index, every household case of the city (11,000 rows, 1.3 ms at city
            # scale against 0.02 at 1/100), in every check of the case rules (issue 15).
            models.Index(fields=["household", "person"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(household__isnull=False),
                name="case_is_for_a_person_or_household",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="case_closed_after_opened",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.default_title

    @property
    def default_title(self) -> str:
        """The name of a case nobody named, in the reader's language each time it is read
        (issue 16 item 13): 佐藤 花子さんの支援 / Support for 佐藤 花子; a household's name.
        Stored titles are only the ones people typed."""
        if self.person_id is not None and self.person is not None:
            return _("%(name)sさんの支援") % {"name": self.person.display_name}
        if self.household_id is not None and self.household is not None:
            return self.household.name
        return f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED


class CaseStatusChange(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=CaseStatus.choices)
    reason = models.CharField(_("理由"), max_length=200, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status} → {self.to_status}"


class CaseLeadPeriod(models.Model):
    """One organization's time as the case's lead (主担当機関): from the day it opened or
    accepted the case to the day a transfer (移管) it accepted moved the lead on.  Kept by
    `services._case_open` and `services.case_lead_transfer`; the case page shows them."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="lead_periods")
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("主担当機関"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("主担当者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_on = BoundedDateField(_("主担当になった日"))
    ended_on = BoundedDateField(_("主担当を引き継いだ日"), null=True, blank=True)
    started_at = models.DateTimeField(_("記録日時"), default=timezone.now)
    handover_summary = models.TextField(
        _("引継ぎの要約"),
        blank=True,
        help_text=_("前の主担当機関が、新しい主担当機関のために書いた引継ぎの要約。"),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("主担当機関の履歴")
        verbose_name_plural = _("主担当機関の履歴")
        ordering = ["started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="lead_period_ends_after_it_starts",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(ended_on__isnull=True),
                name="one_running_lead_period_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.organization_id} {self.started_on}–{self.ended_on or ''}"


# --- Case conferences: the record a support-meeting basis names (ADR 0008) --------------------
#
# A held statutory support meeting whose attendees pledged confidentiality is a lawful basis for
# sharing a case, so the conference record stands with the case.  The meetings app keeps the
# conference screens, services, API and de-identification, over these models.  The tables keep
# the names they had when the models lived in meetings (migration cases 0006).


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("対面")
    ONLINE = "online", _("オンライン")
    VISIT = "visit", _("訪問")
    HYBRID = "hybrid", _("併用")


class ConferenceKind(models.TextChoices):
    STATUTORY_SUPPORT_MEETING = (
        "statutory_support_meeting",
        _("支援会議（社会福祉法106条の6）"),
    )
    CASE_CONFERENCE = "case_conference", _("ケース会議")
    MULTI_LAYER_SUPPORT_MEETING = "multi_layer_support_meeting", _("重層的支援会議")
    JOINT_CASE_REVIEW = "joint_case_review", _("合同ケースレビュー")
    CASE_STUDY_SESSION = "case_study_session", _("事例検討会")


CONSENT_KINDS = (
    ConferenceKind.CASE_CONFERENCE,
    ConferenceKind.MULTI_LAYER_SUPPORT_MEETING,
    ConferenceKind.JOINT_CASE_REVIEW,
)


class CaseConference(TimeStampedModel):
    case = models.ForeignKey(
        Case,
        verbose_name=_("支援ケース"),
        on_delete=models.PROTECT,
        related_name="conferences",
    )
    kind = models.CharField(_("会議の種類"), max_length=32, choices=ConferenceKind.choices)
    # The one reference from this floor to the meetings app: a conference held inside a
    # meeting body (a case study at a practitioners' network meeting).  A lazy reference, not
    # an import; cases' rules never read it.
    body = models.ForeignKey(
        "meetings.MeetingBody",
        verbose_name=_("開催した会議体"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conferences",
        help_text=_("実務者ネットワーク会議の中で行う事例検討など。"),
    )
    organizer = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("主催機関"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    held_at = models.DateTimeField(_("開催日時"))
    format = models.CharField(
        _("開催形式"), max_length=16, choices=MeetingFormat.choices, default=MeetingFormat.IN_PERSON
    )
    place = models.CharField(_("場所"), max_length=200, blank=True)
    purpose = models.TextField(_("検討したいこと"), blank=True)
    discussion = models.TextField(_("検討の内容"), blank=True)
    decisions = models.TextField(_("決定事項・役割分担"), blank=True)
    supervisor_name = models.CharField(_("SV（助言者）の氏名"), max_length=100, blank=True)
    supervisor_profession = models.CharField(
        _("SVの職種"), max_length=100, blank=True, help_text=_("例: 精神科医、社会福祉士。")
    )
    supervisor_advice = models.TextField(_("SVの助言"), blank=True)
    summary = models.TextField(
        _("事例の要約（匿名化）"),
        blank=True,
        help_text=_("事例検討会で共有するのはこの要約だけです。作成者が確認してから共有します。"),
    )
    summary_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary_reviewed_at = models.DateTimeField(_("要約の確認日時"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        db_table = "meetings_caseconference"
        verbose_name = _("ケース会議")
        verbose_name_plural = _("ケース会議")
        ordering = ["-held_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_at:%Y-%m-%d}"

    @property
    def is_study_session(self) -> bool:
        return self.kind == ConferenceKind.CASE_STUDY_SESSION

    @property
    def summary_is_shared(self) -> bool:
        return self.summary_reviewed_at is not None


class ConferenceAttendee(models.Model):
    conference = models.ForeignKey(
        CaseConference, on_delete=models.CASCADE, related_name="attendees"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("機関"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("出席者名"), max_length=100, blank=True)
    pledged_at = models.DateTimeField(
        _("守秘義務の誓約日時"),
        null=True,
        blank=True,
        help_text=_("支援会議（社会福祉法106条の6）では出席者ごとに誓約を記録します。"),
    )
    pledged_by_name = models.CharField(_("誓約した人"), max_length=100, blank=True)
    pledge_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        db_table = "meetings_conferenceattendee"
        verbose_name = _("ケース会議の出席者")
        verbose_name_plural = _("ケース会議の出席者")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "organization"], name="one_attendee_row_per_organization"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.name}"


class TeamRole(models.TextChoices):
    LEAD = "lead", _("主担当")
    JOINT = "joint", _("共同支援")
    SERVICE = "service", _("サービス提供")
    MEDICAL = "medical", _("医療")
    ADMINISTRATION = "administration", _("行政")
    SCHOOL = "school", _("学校")
    INFORMAL = "informal", _("インフォーマル")
    OTHER = "other", _("その他")


class SharingBasis(models.TextChoices):
    LEAD = "lead", _("主担当機関")
    CONSENT = "consent", _("本人の同意")
    STATUTORY_MEETING = "statutory_meeting", _("支援会議（社会福祉法106条の6）")
    EMERGENCY = "emergency", _("緊急（生命・身体の保護）")


class BasisEnd(models.TextChoices):
    """Why a team member's basis for sharing stopped holding (the member is told this)."""

    EXPIRED = (
        "expired",
        _("緊急の根拠の期限が過ぎ、同意または支援会議の根拠に切り替えられませんでした"),
    )
    ENDED_BY_REVIEWER = "ended_by_reviewer", _("基幹相談支援センターが緊急の根拠を終了しました")
    NO_MEETING_RECORDED = (
        "no_meeting_recorded",
        _("支援会議の記録（開催・出席・守秘義務の誓約）がない根拠だったため終了しました"),
    )
    NO_REVIEWER = (
        "no_reviewer",
        _("緊急の根拠を確認する基幹相談支援センターの職員がいないため終了しました"),
    )


class CaseTeamMember(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team")
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("機関"),
        on_delete=models.PROTECT,
        related_name="case_team_memberships",
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("担当者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    worker_name = models.CharField(
        _("担当者名"), max_length=100, blank=True, help_text=_("サインインしない機関の担当者。")
    )
    role = models.CharField(_("役割"), max_length=16, choices=TeamRole.choices)
    basis = models.CharField(_("共有の根拠"), max_length=24, choices=SharingBasis.choices)
    consent = models.ForeignKey(
        "people.Consent",
        verbose_name=_("同意"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="team_members",
    )
    conference = models.ForeignKey(
        CaseConference,
        verbose_name=_("支援会議"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="team_members",
        help_text=_(
            "開催済みで、この機関が出席し守秘義務を誓約した支援会議（社会福祉法106条の6）。"
        ),
    )
    emergency_ends_on = BoundedDateField(
        _("緊急の根拠の終了日"),
        null=True,
        blank=True,
        help_text=_("この日を過ぎると、同意か支援会議に切り替えない限り共有は終わります。"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("確認する職員（基幹相談支援センター）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    basis_reviewed_at = models.DateTimeField(_("根拠の確認日時"), null=True, blank=True)
    basis_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    basis_ended_at = models.DateTimeField(_("根拠の終了日時"), null=True, blank=True)
    basis_end_reason = models.CharField(
        _("根拠が終わった理由"), max_length=24, choices=BasisEnd.choices, blank=True
    )
    basis_note = models.CharField(
        _("根拠の詳細"),
        max_length=200,
        blank=True,
        help_text=_("緊急と判断した状況など。"),
    )
    joined_on = BoundedDateField(_("参加日"), default=timezone.localdate)
    left_on = BoundedDateField(_("離脱日"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("支援チーム")
        verbose_name_plural = _("支援チーム")
        ordering = ["joined_on", "pk"]
        indexes = [
            models.Index(fields=["organization", "left_on"]),
            # Visibility (cases/access.py): an organization's team rows in force, read from the
            # index alone, with every column the rules test and the case they name.  Through
            # the index above SQLite read each row from the table: 1.8 ms of the 2 ms that an
            # office's visible cases took at city scale, 0.4 ms with this one (issue 15).
            models.Index(
                fields=[
                    "organization",
                    "basis_ended_at",
                    "joined_on",
                    "left_on",
                    "basis",
                    "emergency_ends_on",
                    "consent",
                    "case",
                ],
                name="case_team_visibility",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(basis="consent") | Q(consent__isnull=False),
                name="consent_basis_names_the_consent",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="team_member_left_after_joined",
            ),
            # A basis is a checked fact: the meeting, or the end date and the reviewer.  Rows
            # whose basis has ended keep what they had (the migration ended free-text ones).
            models.CheckConstraint(
                condition=~Q(basis="statutory_meeting")
                | Q(conference__isnull=False)
                | Q(basis_ended_at__isnull=False),
                name="meeting_basis_names_the_meeting",
            ),
            models.CheckConstraint(
                condition=~Q(basis="emergency")
                | Q(emergency_ends_on__isnull=False, reviewer__isnull=False)
                | Q(basis_ended_at__isnull=False),
                name="emergency_basis_has_end_and_reviewer",
            ),
            models.CheckConstraint(
                condition=Q(basis_ended_at__isnull=True) | ~Q(basis_end_reason=""),
                name="ended_basis_says_why",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} / {self.organization} ({self.get_role_display()})"

    def basis_holds_on(self, day: dt.date) -> bool:
        """The basis part of `access.active_team_members`, for one row already fetched."""
        if self.basis_ended_at is not None:
            return False
        if self.basis == SharingBasis.EMERGENCY:
            return self.emergency_ends_on is not None and self.emergency_ends_on >= day
        return True


class BreakGlassAccess(models.Model):
    """Emergency access (生命・身体の保護) to a person's record outside the team: reason
    required, time-limited, listed for the core center and administrators to review.  It opens,
    for reading, the person and the cases whose subject they are: their own, and their
    household's cases without a person (not another member's own case, ADR 0008)."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="break_glass"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("理由"))
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(_("確認メモ"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("緊急アクセス")
        verbose_name_plural = _("緊急アクセス")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.user} → {self.person_id} ({self.started_at:%Y-%m-%d %H:%M})"
