"""The annual activity report in the JSON API: the twin of each screen, through the same
access helpers and services."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpResponse
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from tsunagu.core.api import ERRORS
from tsunagu.core.http import TsunaguRequest, download
from tsunagu.core.schemas import Out, patch_field
from tsunagu.core.validators import Id, Version, Year
from tsunagu.reports import access, annual, services
from tsunagu.reports.figures import check_year
from tsunagu.reports.models import CONTENT_TYPES, AnnualReport, ReportJob

router = Router(tags=["reports"])


class ReportFileOut(Out):
    format: str
    filename: str
    size: int
    url: str


class ReportJobOut(Out):
    id: int
    kind: str
    organization_id: int
    fiscal_year: int | None
    status: Literal["queued", "running", "done", "failed"]
    step: int
    steps: int
    step_label: str
    created_at: Any
    started_at: Any
    finished_at: Any
    files: list[ReportFileOut] = Field(description="できあがったファイル（完了したときだけ）")

    @staticmethod
    def resolve_fiscal_year(obj: ReportJob) -> int | None:
        value = obj.params.get("fiscal_year")
        return int(value) if value is not None else None

    @staticmethod
    def resolve_files(obj: ReportJob) -> list[dict[str, Any]]:
        return [
            {
                "format": f.format,
                "filename": f.filename,
                "size": f.size,
                "url": reverse("api:report_job_file", args=[obj.pk, f.format]),
            }
            for f in obj.files.defer("content").order_by("format")
        ]


class AnnualReportOut(Out):
    organization_id: int
    fiscal_year: int
    status: str
    introduction: str
    joint_support: str
    training: str
    network: str
    community_issues: str
    future: str
    version: int
    jobs: list[ReportJobOut]


class AnnualReportGenerateIn(Schema):
    organization_id: Id
    fiscal_year: Year


class AnnualReportPatch(Schema):
    version: Version | None = patch_field(description="読んだときの version（競合の検出）")
    status: Literal["draft", "final"] = patch_field()
    introduction: str = patch_field(max_length=4000)
    joint_support: str = patch_field(max_length=4000)
    training: str = patch_field(max_length=4000)
    network: str = patch_field(max_length=4000)
    community_issues: str = patch_field(max_length=4000)
    future: str = patch_field(max_length=4000)


def _report_out(report: AnnualReport, center_id: int, year: int) -> dict[str, Any]:
    out = {
        name: getattr(report, name)
        for name in (
            "status",
            "introduction",
            "joint_support",
            "training",
            "network",
            "community_issues",
            "future",
        )
    }
    out.update(
        organization_id=center_id,
        fiscal_year=year,
        version=report.version,
        jobs=services.latest_jobs(report.organization, year),
    )
    return out


@router.post(
    "/annual-reports",
    response={202: ReportJobOut, **ERRORS},
    summary="年次活動報告（Word・PDF）の作成を依頼する",
    url_name="annual_report_generate",
)
def annual_report_generate(
    request: TsunaguRequest, payload: AnnualReportGenerateIn
) -> Status[ReportJob]:
    """基幹相談支援センター（自センター）と市担当課の職員だけ。作成はバックグラウンドで
    進み、`GET /report-jobs/{id}` で状態（queued / running / done / failed）と
    ダウンロード先を返します。"""
    center = access.access_center(request.actor, payload.organization_id, for_generate=True)
    job = services.annual_report_generate(
        request.actor, center=center, fiscal_year=payload.fiscal_year
    )
    return Status(202, job)


@router.get(
    "/annual-reports/{organization_id}/{fiscal_year}",
    response={200: AnnualReportOut, **ERRORS},
    summary="年次活動報告の本文と作成の状況",
    url_name="annual_report_detail",
)
def annual_report_detail(
    request: TsunaguRequest, organization_id: int, fiscal_year: Year
) -> dict[str, Any]:
    center = access.access_center(request.actor, organization_id)
    check_year(fiscal_year)
    return _report_out(annual.report_for(center, fiscal_year), center.pk, fiscal_year)


@router.patch(
    "/annual-reports/{organization_id}/{fiscal_year}",
    response={200: AnnualReportOut, **ERRORS},
    summary="年次活動報告の本文を書く（センターの職員）",
    url_name="annual_report_update",
)
def annual_report_update(
    request: TsunaguRequest, organization_id: int, fiscal_year: Year, payload: AnnualReportPatch
) -> dict[str, Any]:
    center = access.access_center(request.actor, organization_id, for_write=True)
    report = services.annual_report_update(
        request.actor,
        center=center,
        fiscal_year=fiscal_year,
        **payload.model_dump(exclude_unset=True),
    )
    return _report_out(report, center.pk, fiscal_year)


@router.get(
    "/report-jobs/{job_id}",
    response={200: ReportJobOut, **ERRORS},
    summary="報告書の作成状況とダウンロード先",
    url_name="report_job_detail",
)
def report_job_detail(request: TsunaguRequest, job_id: int) -> ReportJob:
    return access.access_job(request.actor, job_id)


@router.get(
    "/report-jobs/{job_id}/files/{fmt}",
    response={200: None, **ERRORS},
    summary="できあがった報告書をダウンロードする（docx / pdf）",
    url_name="report_job_file",
)
def report_job_file(request: TsunaguRequest, job_id: int, fmt: str) -> HttpResponse:
    job = access.access_job(request.actor, job_id)
    found = services.job_file(request.actor, job=job, fmt=fmt)
    return download(
        bytes(found.content), filename=found.filename, content_type=CONTENT_TYPES[found.format]
    )
