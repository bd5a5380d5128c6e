"""Writes of the reports app: the center's sections, a generation, a download (each audited
in its own transaction)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.audit import services as audit
from tsunagu.audit.actions import register_action
from tsunagu.audit.models import Action
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Conflict, Forbidden, Invalid, NotFound
from tsunagu.organizations.models import Organization
from tsunagu.reports import jobs
from tsunagu.reports.figures import check_year
from tsunagu.reports.models import (
    SECTION_FIELDS,
    AnnualReport,
    FileFormat,
    JobKind,
    ReportFile,
    ReportJob,
    ReportStatus,
)

ACTION_GENERATE = register_action("reports.generate", gettext_lazy("報告書の作成を依頼"))
ACTION_DOWNLOAD = register_action("reports.download", gettext_lazy("報告書のダウンロード"))

EDITABLE = (*SECTION_FIELDS, "status")


@audit.atomic_with_refusals
def annual_report_update(
    actor: Actor,
    *,
    center: Organization,
    fiscal_year: int,
    version: int | None = None,
    **changes: Any,
) -> AnnualReport:
    """Write the center's sections (and status) for a year; the first write creates the row.
    `version` (optional): the version the writer read; a newer one is a Conflict."""
    check_year(fiscal_year)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise Invalid(
            _("変更できない項目です: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    if "status" in changes and changes["status"] not in ReportStatus.values:
        raise Invalid(_("状態の指定が正しくありません。"))
    report, created = AnnualReport.objects.select_for_update().get_or_create(
        organization=center, fiscal_year=fiscal_year, defaults={"updated_by": actor.user}
    )
    if version is not None and not created and version != report.version:
        raise Conflict(_("ほかの人が先に変更しました。画面を読み込み直してから書いてください。"))
    changed = [name for name, value in changes.items() if getattr(report, name) != value]
    for name in changed:
        setattr(report, name, changes[name])
    report.updated_by = actor.user
    if changed and not created:
        report.version += 1
    report.full_clean()
    report.save()
    audit.record(
        action=Action.RECORD_CREATED if created else Action.RECORD_UPDATED,
        actor=actor,
        target=report,
        detail={"fiscal_year": fiscal_year, "fields": changed},
    )
    return report


@audit.atomic_with_refusals
def annual_report_generate(actor: Actor, *, center: Organization, fiscal_year: int) -> ReportJob:
    """Queue the generation of the year's Word and PDF documents for the worker."""
    check_year(fiscal_year)
    organization = actor.organization
    if organization is None:  # access_center(for_generate=True) lets no one without one in
        raise Forbidden(_("所属機関を選んでから作成してください。"))
    job = ReportJob.objects.create(
        kind=JobKind.ANNUAL_REPORT,
        organization=center,
        params={"fiscal_year": fiscal_year},
        requested_by=actor.user,
        requested_by_organization=organization,
    )
    jobs.enqueue(job)
    audit.record(
        action=ACTION_GENERATE,
        actor=actor,
        target=job,
        detail={"kind": job.kind, "fiscal_year": fiscal_year, "organization": center.pk},
    )
    return job


def job_file(actor: Actor, *, job: ReportJob, fmt: str) -> ReportFile:
    """A finished job's file, its download audited."""
    if fmt not in FileFormat.values:
        raise NotFound("見つかりません。")
    found = ReportFile.objects.filter(job=job, format=fmt).first()
    if found is None:
        raise NotFound("見つかりません。")
    audit.record(
        action=ACTION_DOWNLOAD,
        actor=actor,
        target=job,
        detail={"format": fmt, "kind": job.kind, "params": job.params},
    )
    return found


def latest_jobs(center: Organization, fiscal_year: int, *, limit: int = 5) -> list[ReportJob]:
    return list(
        ReportJob.objects.filter(
            kind=JobKind.ANNUAL_REPORT,
            organization=center,
            params__fiscal_year=fiscal_year,
        ).prefetch_related(Prefetch("files", ReportFile.objects.defer("content")))[:limit]
    )
