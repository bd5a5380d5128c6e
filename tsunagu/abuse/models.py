"""Abuse response under 障害者虐待防止法 (issue 20 item 1).

A report (通報・届出, 第7条・第16条・第22条) is received by the city's 障害者虐待防止センター
(the city department, 第32条) or the core center.  The reporter is protected: their name,
contact and relation are shown only to the users on the report's response team (第8条・第17条
・第24条: who received the report must not disclose what identifies the reporter).  The
fact-finding (事実確認, 第9条) has a deadline counted from receipt; the core-member meeting
judges whether it is abuse and decides the measures; the case is monitored until closure.  For
facility and employer abuse the city reports to the prefecture (第17条・第23条) before closing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import TimeStampedModel
from tsunagu.core.validators import BoundedDateField
from tsunagu.organizations.models import Organization

TEXT_MAX_LENGTH = 4000


class AbuserType(models.TextChoices):
    CARER = "carer", _("養護者")
    FACILITY = "facility", _("障害者福祉施設従事者等")
    EMPLOYER = "employer", _("使用者")


class AbuseType(models.TextChoices):
    PHYSICAL = "physical", _("身体的虐待")
    SEXUAL = "sexual", _("性的虐待")
    PSYCHOLOGICAL = "psychological", _("心理的虐待")
    NEGLECT = "neglect", _("放棄・放置")
    ECONOMIC = "economic", _("経済的虐待")


class ReportStatus(models.TextChoices):
    RECEIVED = "received", _("受付")
    FACT_FINDING = "fact_finding", _("事実確認済み")
    JUDGED = "judged", _("コアメンバー会議で判断済み")
    MONITORING = "monitoring", _("モニタリング中")
    CLOSED = "closed", _("終結")


class Judgement(models.TextChoices):
    ABUSE = "abuse", _("虐待と判断")
    NOT_ABUSE = "not_abuse", _("虐待ではないと判断")
    UNDETERMINED = "undetermined", _("判断に至らず")


class Measure(models.TextChoices):
    SEPARATION = "separation", _("分離")
    TEMPORARY_PROTECTION = "temporary_protection", _("一時保護")
    ADMINISTRATIVE_MEASURE = "administrative_measure", _("やむを得ない事由による措置")
    GUARDIANSHIP = "guardianship", _("成年後見の申立て")
    CARER_SUPPORT = "carer_support", _("養護者への支援")


# The abuser types whose abuse the city reports to the prefecture (第17条・第23条).
PREFECTURE_TYPES = (AbuserType.FACILITY, AbuserType.EMPLOYER)


class AbuseReport(TimeStampedModel):
    receiving_organization = models.ForeignKey(
        Organization,
        verbose_name=_("受理した機関"),
        on_delete=models.PROTECT,
        related_name="abuse_reports",
    )
    received_at = models.DateTimeField(_("受付日時"))
    fact_finding_due = models.DateTimeField(_("事実確認の期限"))
    # The reporter: shown only to the response team.
    reporter_name = models.CharField(_("通報者の氏名"), max_length=100, blank=True)
    reporter_contact = models.CharField(_("通報者の連絡先"), max_length=200, blank=True)
    reporter_relation = models.CharField(_("通報者と本人との関係"), max_length=100, blank=True)
    response_team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("対応チーム"),
        related_name="abuse_reports",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("本人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="abuse_reports",
    )
    victim_label = models.CharField(_("本人（表示名）"), max_length=100)
    abuser_type = models.CharField(_("虐待者の種別"), max_length=20, choices=AbuserType.choices)
    abuse_types = models.JSONField(_("虐待の種別"), default=list)
    summary = models.TextField(_("通報の内容"), max_length=TEXT_MAX_LENGTH)
    status = models.CharField(
        _("状態"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.RECEIVED
    )
    visited_on = BoundedDateField(_("訪問日"), null=True, blank=True)
    visited_by = models.CharField(_("訪問した職員"), max_length=200, blank=True)
    findings = models.TextField(_("事実確認の結果"), max_length=TEXT_MAX_LENGTH, blank=True)
    fact_found_at = models.DateTimeField(_("事実確認の記録日時"), null=True, blank=True)
    meeting_on = BoundedDateField(_("コアメンバー会議の日"), null=True, blank=True)
    meeting_attendees = models.TextField(_("出席者"), max_length=1000, blank=True)
    judgement = models.CharField(
        _("判断"), max_length=20, choices=Judgement.choices, blank=True, default=""
    )
    measures = models.JSONField(_("対応"), default=list, blank=True)
    prefecture_reported_on = BoundedDateField(_("都道府県への報告日"), null=True, blank=True)
    closed_on = BoundedDateField(_("終結日"), null=True, blank=True)
    closing_note = models.TextField(_("終結の理由"), max_length=2000, blank=True)
    # When the response team and the core center were told the fact-finding is overdue: once
    # per report (services.overdue_notify).
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("受付者"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("虐待の通報・届出")
        verbose_name_plural = _("虐待の通報・届出")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "fact_finding_due"]),
            models.Index(fields=["received_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d} {self.victim_label}"

    @property
    def needs_prefecture(self) -> bool:
        return self.abuser_type in PREFECTURE_TYPES

    def abuse_type_labels(self) -> list[str]:
        labels = dict(AbuseType.choices)
        return [str(labels.get(t, t)) for t in self.abuse_types]

    def measure_labels(self) -> list[str]:
        labels = dict(Measure.choices)
        return [str(labels.get(m, m)) for m in self.measures]
