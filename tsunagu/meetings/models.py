"""Meeting bodies (会議体), their meetings and case conferences (seeds 002, 003, 004).

The layers of seed 003/004: the 自立支援協議会 and its 部会 (macro), the ward councils with their
実務者ネットワーク会議 and 連絡会議, the ward network meetings and liaison meetings (meso), and
the case conferences around one person (micro).  A meeting body says how often it must meet
in a fiscal year; the compliance view counts the meetings held against it.

Network meetings carry no person-level data by design: their minutes are shared with every
member organization.  A case conference is tied to a case and shares what its kind allows
(社会福祉法106条の6 with confidentiality pledges, consent, or a de-identified summary).  Its
record (`CaseConference`, `ConferenceAttendee`) stands with the case in `tsunagu.cases.models`,
because a held support meeting is a lawful basis for sharing the case (ADR 0008); this app keeps
the conference screens, services, API and de-identification over it.

Community issues (地域課題) rise from cases and meetings; the resource development log (資源開発)
records the small resources that came out of them, naming a resource of the directory.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.cases.models import CaseConference, MeetingFormat
from tsunagu.core.models import StoredAttachment, TimeStampedModel
from tsunagu.core.storage import extension_for, private_storage
from tsunagu.core.validators import BoundedDateField


class BodyKind(models.TextChoices):
    COUNCIL = "council", _("自立支援協議会（本会議）")
    SUBCOMMITTEE = "subcommittee", _("自立支援協議会 部会")
    WARD_COUNCIL = "ward_council", _("区自立支援協議会")
    WARD_PLENARY = "ward_plenary", _("区自立支援協議会 全体協議会")
    PRACTITIONER_NETWORK = "practitioner_network", _("実務者ネットワーク会議")
    OFFICE_LIAISON = "office_liaison", _("相談支援事業所等連絡会議")
    PROJECT_TEAM = "project_team", _("プロジェクトチーム")
    WARD_NETWORK = "ward_network", _("区障がい福祉ネットワーク会議")
    OFFICER_LIAISON = "officer_liaison", _("相談支援機能強化員連絡会議")
    SUPPORT_WORKERS = "support_workers", _("地域支援員会議")
    HIKIKOMORI_COUNCIL = "hikikomori_council", _("ひきこもり支援協議会")
    LIFE_HUB_OPERATIONS = "life_hub_operations", _("地域生活支援拠点 運営会議")
    AREA_NETWORK = "area_network", _("圏域ネットワーク会議")


class Level(models.TextChoices):
    MICRO = "micro", _("ミクロ（個別支援）")
    MESO = "meso", _("メゾ（実務者のネットワーク）")
    MACRO = "macro", _("マクロ（協議会・政策）")


class FrequencyKind(models.TextChoices):
    AT_LEAST = "at_least", _("年N回以上")
    MONTHLY = "monthly", _("毎月")
    MONTHS = "months", _("決まった月（例: 5月・10月・2月）")
    NONE = "none", _("定めなし")


class MeetingBody(TimeStampedModel):
    name = models.CharField(_("会議体の名称"), max_length=120)
    kind = models.CharField(_("種別"), max_length=32, choices=BodyKind.choices)
    level = models.CharField(_("層"), max_length=8, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上位の会議体"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    area = models.ForeignKey(
        "organizations.Area",
        verbose_name=_("地域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_bodies",
    )
    purpose = models.TextField(_("目的"), blank=True)
    secretariats = models.ManyToManyField(
        "organizations.Organization",
        verbose_name=_("事務局"),
        related_name="meeting_secretariats",
    )
    member_organizations = models.ManyToManyField(
        "organizations.Organization",
        verbose_name=_("構成機関"),
        blank=True,
        related_name="meeting_bodies",
    )
    member_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("構成員（個人）"),
        blank=True,
        related_name="meeting_bodies",
    )
    frequency_kind = models.CharField(
        _("開催頻度"), max_length=16, choices=FrequencyKind.choices, default=FrequencyKind.AT_LEAST
    )
    frequency_count = models.PositiveSmallIntegerField(
        _("年間の開催回数"), default=0, help_text=_("「年N回以上」のときの N。")
    )
    frequency_months = models.JSONField(
        _("開催月"), default=list, blank=True, help_text=_("「決まった月」のとき。例: 5, 10, 2")
    )
    is_active = models.BooleanField(_("有効"), default=True)

    class Meta:
        verbose_name = _("会議体")
        verbose_name_plural = _("会議体")
        ordering = ["level", "kind", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def required_per_year(self) -> int:
        if self.frequency_kind == FrequencyKind.MONTHLY:
            return 12
        if self.frequency_kind == FrequencyKind.MONTHS:
            return len(self.frequency_months)
        if self.frequency_kind == FrequencyKind.AT_LEAST:
            return self.frequency_count
        return 0

    @property
    def required_months(self) -> list[int]:
        if self.frequency_kind == FrequencyKind.MONTHLY:
            return [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]
        if self.frequency_kind == FrequencyKind.MONTHS:
            return [int(m) for m in self.frequency_months]
        return []


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("予定")
    HELD = "held", _("開催済み")
    CANCELLED = "cancelled", _("中止")


NO_PERSON_DATA_HELP = _(
    "構成機関すべてに共有されます。個人が特定される情報（氏名・住所・生年月日など）は書かないでください。"
    "個別のケースは「ケース会議」で扱います。"
)


class Meeting(TimeStampedModel):
    body = models.ForeignKey(
        MeetingBody, verbose_name=_("会議体"), on_delete=models.PROTECT, related_name="meetings"
    )
    title = models.CharField(_("会議名"), max_length=120)
    starts_at = models.DateTimeField(_("開始日時"))
    ends_at = models.DateTimeField(_("終了日時"))
    format = models.CharField(
        _("開催形式"), max_length=16, choices=MeetingFormat.choices, default=MeetingFormat.IN_PERSON
    )
    place = models.CharField(_("場所"), max_length=200, blank=True)
    status = models.CharField(
        _("状態"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    agenda = models.TextField(_("議題"), blank=True, help_text=_("1行に1つ。"))
    minutes = models.TextField(_("議事録"), blank=True, help_text=NO_PERSON_DATA_HELP)
    decisions = models.TextField(_("決定事項"), blank=True, help_text=NO_PERSON_DATA_HELP)
    guests = models.TextField(
        _("ゲスト・構成員以外の出席者"), blank=True, help_text=_("1行に1人（所属・氏名）。")
    )
    attendee_organizations = models.ManyToManyField(
        "organizations.Organization",
        verbose_name=_("出席した機関"),
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("会議")
        verbose_name_plural = _("会議")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["body", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="meeting_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def agenda_items(self) -> list[str]:
        return [line.strip() for line in self.agenda.splitlines() if line.strip()]


class MeetingActionItem(models.Model):
    """A decision someone must act on; it becomes a task of the organization named."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    title = models.CharField(_("やること"), max_length=200)
    owner_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("担当機関"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = BoundedDateField(_("期限"), null=True, blank=True)
    task = models.ForeignKey(
        "plans.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("会議のアクション")
        verbose_name_plural = _("会議のアクション")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


def meeting_attachment_path(instance: MeetingAttachment, filename: str) -> str:
    # As for note attachments: the stored name is the hash, never what the user typed, and the
    # file is served only through a view that checks who may see the meeting.
    return (
        f"meetings/{timezone.now():%Y/%m}/{instance.sha256}.{extension_for(instance.content_type)}"
    )


class MeetingAttachment(StoredAttachment):
    """A minutes document or handout of a meeting (no person data, like the minutes)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=meeting_attachment_path, storage=private_storage)

    class Meta(StoredAttachment.Meta):
        verbose_name = _("会議の添付ファイル")
        verbose_name_plural = _("会議の添付ファイル")


# --- Community issues (地域課題) ---------------------------------------------------------------


class IssueStage(models.TextChoices):
    RAISED = "raised", _("提起")
    SHARED_MESO = "shared_meso", _("実務者の会議で共有")
    UNDER_STUDY = "under_study", _("部会で検討中")
    PROPOSED = "proposed", _("協議会に提案")
    ACTION = "action", _("取組み")
    RESOLVED = "resolved", _("解決")
    CONTINUING = "continuing", _("継続課題")


# Forward one step, or on to "continuing" from any step after it was shared; "continuing" may
# be taken up again at the subcommittee.
ISSUE_TRANSITIONS: dict[str, frozenset[str]] = {
    IssueStage.RAISED: frozenset({IssueStage.SHARED_MESO}),
    IssueStage.SHARED_MESO: frozenset({IssueStage.UNDER_STUDY, IssueStage.CONTINUING}),
    IssueStage.UNDER_STUDY: frozenset({IssueStage.PROPOSED, IssueStage.CONTINUING}),
    IssueStage.PROPOSED: frozenset({IssueStage.ACTION, IssueStage.CONTINUING}),
    IssueStage.ACTION: frozenset({IssueStage.RESOLVED, IssueStage.CONTINUING}),
    IssueStage.RESOLVED: frozenset(),
    IssueStage.CONTINUING: frozenset({IssueStage.UNDER_STUDY, IssueStage.RESOLVED}),
}


class IssueTheme(models.TextChoices):
    HOUSING = "housing", _("住まい・グループホーム")
    DAYTIME = "daytime", _("日中活動")
    RESPITE = "respite", _("短期入所・レスパイト")
    MEDICAL_CARE = "medical_care", _("医療的ケア・重症心身障害")
    BEHAVIOR = "behavior", _("強度行動障害")
    EMPLOYMENT = "employment", _("就労")
    CHILDREN = "children", _("子ども・移行期")
    MENTAL_HEALTH = "mental_health", _("精神障害・地域移行")
    CONSULTATION = "consultation", _("相談支援体制・計画相談")
    HOUSEHOLD = "household", _("複合課題の世帯（8050など）")
    RIGHTS = "rights", _("権利擁護・虐待防止")
    MOBILITY = "mobility", _("移動・交通")
    OTHER = "other", _("その他")


class IssueSource(models.TextChoices):
    CASE = "case", _("個別のケース")
    CONFERENCE = "conference", _("ケース会議・事例検討")
    SURVEY = "survey", _("調査・ヒアリング")
    MEETING = "meeting", _("会議での議論")


class CommunityIssue(TimeStampedModel):
    title = models.CharField(_("地域課題"), max_length=120)
    theme = models.CharField(_("テーマ"), max_length=24, choices=IssueTheme.choices)
    area = models.ForeignKey(
        "organizations.Area",
        verbose_name=_("地域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="community_issues",
    )
    description = models.TextField(
        _("課題の内容（匿名化）"),
        help_text=_(
            "協議会の資料にそのまま載ります。個人が特定される情報は書かないでください。"
            "複数のケースに共通する状況として書きます。"
        ),
    )
    source = models.CharField(_("きっかけ"), max_length=16, choices=IssueSource.choices)
    source_case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("もとのケース"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="community_issues",
    )
    source_conference = models.ForeignKey(
        CaseConference,
        verbose_name=_("もとのケース会議"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="community_issues",
    )
    source_note = models.CharField(
        _("調査・会議の名称"),
        max_length=200,
        blank=True,
        help_text=_("調査やヒアリングの名称など。"),
    )
    stage = models.CharField(
        _("段階"), max_length=16, choices=IssueStage.choices, default=IssueStage.RAISED
    )
    # The day the issue was raised (提起日): it may be earlier than the day it was recorded.
    raised_on = BoundedDateField(_("提起日"), default=timezone.localdate)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_by_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("提起した機関"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("地域課題")
        verbose_name_plural = _("地域課題")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class IssueStep(models.Model):
    """One move of an issue along the pipeline, at the meeting where it happened."""

    issue = models.ForeignKey(CommunityIssue, on_delete=models.CASCADE, related_name="steps")
    stage = models.CharField(_("段階"), max_length=16, choices=IssueStage.choices)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("会議"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issue_steps",
    )
    occurred_on = BoundedDateField(_("日付"))
    note = models.TextField(_("メモ"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("地域課題の経過")
        verbose_name_plural = _("地域課題の経過")
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.issue_id}: {self.stage}"


# --- Resource developments (資源開発) -----------------------------------------------------------


# The audit rows of a resource development name the type it had before it moved here from the
# directory, so that its history before and after the move reads as one.
DEVELOPMENT_TARGET_TYPE = "directory.resourcedevelopment"


class DevelopmentKind(models.TextChoices):
    TOP_UP = "top_up", _("上乗せ")
    SIDEWAYS = "sideways", _("横出し")
    REPURPOSE = "repurpose", _("再資源化")
    SYSTEM_CHANGE = "system_change", _("制度・要綱の変更")


class ResourceDevelopment(TimeStampedModel):
    """A small resource that came out of support meetings (seed 002): what changed, for whom
    (de-identified), which resource, when, and where it came from.

    It lives next to the community issues it comes from and names a directory resource (the
    directory stands below meetings, issue 14.3).  `beneficiaries` is de-identified text and
    never links to a person."""

    kind = models.CharField(_("種類"), max_length=20, choices=DevelopmentKind.choices)
    title = models.CharField(
        _("変わったこと"),
        max_length=200,
        help_text=_("例: 生活介護の開所時間を15時から16時まで延長"),
    )
    description = models.TextField(_("詳しい内容"), blank=True)
    beneficiaries = models.TextField(
        _("誰のために"),
        help_text=_("個人が特定できない書き方で。例: 放課後に家族の迎えが間に合わない利用者"),
    )
    resource = models.ForeignKey(
        "directory.SocialResource",
        verbose_name=_("関係する社会資源"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="developments",
    )
    area = models.ForeignKey(
        "organizations.Area",
        verbose_name=_("地域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    occurred_on = BoundedDateField(_("実現した日"))
    # Where it came from: the community issue (de-identified, readable by every member) and the
    # meeting.  PROTECT, as elsewhere in tsunagu: the log is a record of what the network did,
    # and deleting an issue or a meeting must not silently erase where a development came from.
    community_issue = models.ForeignKey(
        CommunityIssue,
        verbose_name=_("もとの地域課題"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resource_developments",
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("きっかけの会議"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resource_developments",
        help_text=_("あなたが閲覧できる会議から選びます。"),
    )
    source_note = models.TextField(
        _("きっかけ"),
        blank=True,
        help_text=_("例: 東区地域部会の支援会議で、家族の就労と送迎時間が課題になった"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("記録者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("記録者の所属"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        # The table it had in the directory app, kept when the model moved here (migration
        # meetings 0004): the rows stay where they are.
        db_table = "directory_resourcedevelopment"
        verbose_name = _("資源開発")
        verbose_name_plural = _("資源開発")
        ordering = ["-occurred_on", "-pk"]

    def __str__(self) -> str:
        return self.title


# --- De-identification decisions ------------------------------------------------------------


class DeidentificationOutcome(models.TextChoices):
    REMOVED = "removed", _("削除・書き換え")
    KEPT = "kept", _("理由を記して残す")


class DeidentificationDecision(models.Model):
    """What the author decided about one flagged expression of a text before sharing it: a
    study-session summary or a community issue (deidentify.flags).  A removed expression is
    not kept here (only its kind and key); a kept one is in the shared text, with the reason."""

    conference = models.ForeignKey(
        CaseConference,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deidentification_decisions",
    )
    issue = models.ForeignKey(
        CommunityIssue,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deidentification_decisions",
    )
    field = models.CharField(_("項目"), max_length=16, blank=True)
    flag_key = models.CharField(max_length=40)
    kind = models.CharField(_("種類"), max_length=24)
    label = models.CharField(_("指摘"), max_length=100, blank=True)
    outcome = models.CharField(_("対応"), max_length=8, choices=DeidentificationOutcome.choices)
    reason = models.TextField(_("残す理由"), blank=True)
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("匿名化の確認")
        verbose_name_plural = _("匿名化の確認")
        ordering = ["decided_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(conference__isnull=False, issue__isnull=True)
                | Q(conference__isnull=True, issue__isnull=False),
                name="deidentification_decision_one_text",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="kept") | ~Q(reason=""),
                name="deidentification_kept_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.outcome}"
