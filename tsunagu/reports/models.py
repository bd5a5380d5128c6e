"""The annual activity report's own text, the report jobs that build documents in the
background, and the ledger of periodic jobs (one row per job and period)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The text sections the center writes itself (seed 000: 取組みの状況 and 今後の取組み): the
# code, the heading, and the part of the report it follows.
SECTION_FIELDS = (
    "introduction",
    "joint_support",
    "training",
    "network",
    "community_issues",
    "future",
)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("作成中")
    FINAL = "final", _("確定")


class AnnualReport(models.Model):
    """The core center's annual activity report for one fiscal year: the sections it writes.
    The figures are not stored: every generation counts them again from the records."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("センター"),
        on_delete=models.PROTECT,
        related_name="annual_reports",
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(
        _("状態"), max_length=8, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    introduction = models.TextField(
        _("はじめに（センターの概要）"),
        blank=True,
        max_length=4000,
        help_text=_("開設の経緯や目的など。個人が特定される情報は書かないでください。"),
    )
    joint_support = models.TextField(_("共同支援の傾向と課題"), blank=True, max_length=4000)
    training = models.TextField(_("人材育成（研修）"), blank=True, max_length=4000)
    network = models.TextField(_("ネットワーク形成"), blank=True, max_length=4000)
    community_issues = models.TextField(_("地域課題と資源開発"), blank=True, max_length=4000)
    future = models.TextField(_("今後の取組み"), blank=True, max_length=4000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("年次活動報告")
        verbose_name_plural = _("年次活動報告")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "fiscal_year"], name="one_annual_report_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.fiscal_year}"


class JobKind(models.TextChoices):
    ANNUAL_REPORT = "annual_report", _("年次活動報告")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("順番待ち")
    RUNNING = "running", _("作成中")
    DONE = "done", _("完了")
    FAILED = "failed", _("失敗")


class ReportJob(models.Model):
    """One generation of a report's documents, run by the background worker.  Generic: a kind
    names the builder (reports.jobs.BUILDERS) and `params` what it builds."""

    kind = models.CharField(_("種類"), max_length=32, choices=JobKind.choices)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("対象の機関"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    params = models.JSONField(default=dict)
    status = models.CharField(
        _("状態"), max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    step = models.PositiveSmallIntegerField(default=0)
    steps = models.PositiveSmallIntegerField(default=0)
    step_label = models.CharField(max_length=100, blank=True)
    error = models.CharField(max_length=300, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_by_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("報告書の作成")
        verbose_name_plural = _("報告書の作成")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kind", "organization", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def in_progress(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)


class FileFormat(models.TextChoices):
    DOCX = "docx", _("Word（編集できる形式）")
    PDF = "pdf", _("PDF")


CONTENT_TYPES: dict[str, str] = {
    FileFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileFormat.PDF: "application/pdf",
}


class ReportFile(models.Model):
    """A document a job produced.  Kept in the database: aggregates only (no person data), a
    few hundred kilobytes, and every app server reads it without a shared disk."""

    job = models.ForeignKey(ReportJob, on_delete=models.CASCADE, related_name="files")
    format = models.CharField(max_length=8, choices=FileFormat.choices)
    filename = models.CharField(max_length=120)
    content = models.BinaryField()
    size = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "format"], name="one_file_per_job_format")
        ]

    def __str__(self) -> str:
        return self.filename


class PeriodicOutcome(models.TextChoices):
    RUNNING = "running", _("実行中")
    DONE = "done", _("完了")
    FAILED = "failed", _("失敗")


class PeriodicRun(models.Model):
    """A periodic job claimed for one period (a day).  The unique key is the lock: whichever
    worker inserts the row runs the job; another one gets an IntegrityError and skips it."""

    job = models.CharField(max_length=40)
    period = models.CharField(max_length=20)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        max_length=8, choices=PeriodicOutcome.choices, default=PeriodicOutcome.RUNNING
    )
    summary = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("定期処理の実行")
        verbose_name_plural = _("定期処理の実行")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["job", "period"], name="one_periodic_run_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.period}"
