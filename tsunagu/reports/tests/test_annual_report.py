"""The annual activity report: its figures against a hand-built year, the Word and PDF
documents read back, the job's progress, who may see and do what, and bad years."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document as WordDocument

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.core.tests.pdf import pdf_text
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.reports import jobs, services
from tsunagu.reports.figures import annual_figures
from tsunagu.reports.models import AnnualReport, JobStatus, ReportFile, ReportJob
from tsunagu.reports.services import ACTION_DOWNLOAD, ACTION_GENERATE
from tsunagu.reports.tests.conftest import PERSON_NAME, YEAR
from tsunagu.trainings.models import Attendance, EventStatus, Registration, RegistrationStatus
from tsunagu.trainings.tests.factories import make_event

pytestmark = pytest.mark.django_db


def _docx_text(content: bytes) -> str:
    word = WordDocument(io.BytesIO(content))
    parts = [p.text for p in word.paragraphs]
    for table in word.tables:
        for row in table.rows:
            parts.append("|".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _docx_rows(content: bytes) -> dict[str, list[str]]:
    """First cell → the row's other cells, over every table."""
    word = WordDocument(io.BytesIO(content))
    rows: dict[str, list[str]] = {}
    for table in word.tables:
        for row in table.rows:
            cells = [cell.text for cell in row.cells]
            rows.setdefault(cells[0], cells[1:])
    return rows


def _generate(personas, year_value: int = YEAR) -> ReportJob:
    actor = actor_as(personas.core_officer)
    job = services.annual_report_generate(
        actor, center=personas.core_center, fiscal_year=year_value
    )
    assert job.status == JobStatus.QUEUED
    assert jobs.run(job.pk) == "done"
    job.refresh_from_db()
    return job


def test_the_figures_count_the_year_and_the_center_only(year):
    f = annual_figures(year.center, YEAR)
    c = year.counts
    assert f.consultations == c["consultations"]
    assert (f.cases_opened, f.cases_open, f.cases_closed) == (2, 3, 1)
    assert f.complex_cases == c["complex_cases"]
    notes = {row.label: row.count for row in f.notes}
    assert notes["面談"] == c["interview"]
    assert notes["電話"] == c["phone"]
    assert f.notes_total == c["notes_total"]
    assert f.joint_support is not None
    assert f.joint_support.total == c["joint_total"]
    commissioned = f.joint_support.rows[0]
    assert commissioned.cells[1] == 1  # 委託 × 精神
    assert (f.joint_received, f.joint_accepted) == (1, 1)
    assert f.difficulty_cases == c["difficulty_cases"]
    factors = {row.label: row.count for group in f.difficulty for row in group.rows}
    assert factors["金銭管理が困難、生活が立ち行かない・多重債務"] == 2
    assert factors["家族の関係性の不和"] == 1
    assert factors["支援方針の共有と役割設定が困難"] == 1
    assert factors["ごみ屋敷・不衛生な環境"] == 0
    conferences = {row.label: row.count for row in f.conferences}
    assert conferences["合同ケースレビュー"] == 1
    assert conferences["事例検討会"] == 1
    assert f.conferences_with_supervisor == 1
    [body] = f.bodies
    assert (body.name, body.role, body.held, body.attended) == (year.body.name, "事務局", 2, 1)
    [issue] = f.issues
    assert issue.stage == "実務者の会議で共有"
    assert year.body.name in issue.path[0]
    assert [d.title for d in f.developments] == ["夜間の電話相談を試行"]


def test_the_word_document_holds_the_counts_and_no_person(year, personas):
    report = AnnualReport.objects.create(
        organization=year.center, fiscal_year=YEAR, future="計画相談の実態調査を行う。"
    )
    job = _generate(personas)
    assert (job.step, job.steps) == (4, 4)
    docx = ReportFile.objects.get(job=job, format="docx")
    rows = _docx_rows(bytes(docx.content))
    assert rows["相談受付"] == ["3"]
    assert rows["新たに開始した支援ケース"] == ["2"]
    assert rows["面談"] == ["2"]
    assert rows["合計"][-1] in {"3", "1"}  # the notes' total, or the joint-support total
    assert rows["委託相談支援事業所"] == ["0", "1", "0", "0", "0", "0", "1"]
    assert rows["金銭管理が困難、生活が立ち行かない・多重債務"] == ["2"]
    assert rows["合同ケースレビュー"] == ["1"]
    assert rows[year.body.name][-2:] == ["2", "1"]
    assert rows["夜間に相談できる場所がない"][2] == "実務者の会議で共有"
    text = _docx_text(bytes(docx.content))
    assert "令和7年度" in text
    assert year.center.name in text
    assert report.future in text
    assert "センターが主催・共催した研修は0回、出席した受講者は延べ0人です。" in text
    assert "（この項目の本文はまだ書かれていません。）" in text
    assert PERSON_NAME not in text


def test_the_trainings_held_in_the_year_are_counted_by_the_participants_organization_kind(
    year, personas
):
    held = make_event(
        personas.core_center, personas.core_officer, held_on=dt.date(2025, 7, 1), capacity=5
    )
    held.status = EventStatus.HELD
    held.save()
    make_event(personas.core_center, personas.core_officer, held_on=dt.date(2025, 3, 1))
    make_event(
        personas.core_center,
        personas.core_officer,
        held_on=dt.date(2025, 9, 1),
        status=EventStatus.CANCELLED,
    )
    for worker, org, attendance in (
        (personas.counselor_a, personas.office_a, Attendance.ATTENDED),
        (personas.counselor_b, personas.office_b, Attendance.ATTENDED),
        (personas.core_officer, personas.core_center, Attendance.ABSENT),
    ):
        Registration.objects.create(
            event=held,
            worker=worker,
            organization=org,
            job_title="counselor",
            status=RegistrationStatus.REGISTERED,
            attendance=attendance,
            registered_by=personas.core_officer,
            certificate_issued_on=dt.date(2025, 7, 2) if worker == personas.counselor_a else None,
        )
    # Waiting and cancelled registrations are not among those expected (参加予定).
    Registration.objects.create(
        event=held,
        worker=personas.colleague_a,
        organization=personas.office_a,
        job_title="counselor",
        status=RegistrationStatus.WAITING,
        registered_by=personas.counselor_a,
    )
    f = annual_figures(year.center, YEAR)
    assert [(t.theme, t.attended, t.registered, t.certificates) for t in f.trainings] == [
        (held.theme, 2, 3, 1)
    ]
    assert [(r.label, r.count) for r in f.training_attendance] == [("委託相談支援事業所", 2)]
    assert [(r.label, r.registered, r.attended, r.certificates) for r in f.training_by_kind] == [
        ("基幹相談支援センター", 1, 0, 0),
        ("委託相談支援事業所", 2, 2, 1),
    ]
    assert (f.training_registered, f.training_participants, f.training_certificates) == (3, 2, 1)
    assert (f.training_attendance_rate, f.training_completion_rate) == ("66.7%", "50%")
    job = _generate(personas)
    docx = ReportFile.objects.get(job=job, format="docx")
    text = _docx_text(bytes(docx.content))
    assert "センターが主催・共催した研修は1回、出席した受講者は延べ2人です。" in text
    assert f"{held.theme}|講義|—|2|3|1" in text
    assert (
        "参加予定者は延べ3人で、出席率は66.7%でした。修了証は1人に発行しました（出席者の50%）。"
        in text
    )
    assert "委託相談支援事業所|2|2|100%|1" in text
    assert "合計|3|2|66.7%|1" in text
    assert personas.counselor_a.full_name not in text


def test_the_pdf_holds_the_same_counts(year, personas):
    job = _generate(personas)
    pdf = ReportFile.objects.get(job=job, format="pdf")
    text = pdf_text(bytes(pdf.content))
    assert "令和7年度" in text
    assert "相談受付3" in text
    assert "新たに開始した支援ケース2" in text
    assert "委託相談支援事業所0100001" in text
    assert "金銭管理が困難、生活が立ち行かない・多重債務2" in text
    assert f"{year.body.name}ネットワーク会議" in text or year.body.name in text
    assert re.search(r"事務局21", text)
    assert PERSON_NAME not in text


def test_a_job_moves_queued_running_done_and_a_failure_is_recorded(personas, year, monkeypatch):
    actor = actor_as(personas.core_officer)
    job = services.annual_report_generate(actor, center=year.center, fiscal_year=YEAR)
    assert job.task_id  # the database backend holds the task for the worker
    seen: list[tuple[str, int]] = []
    registered = jobs.BUILDERS[job.kind]

    def watching(job_: ReportJob, progress: jobs.Progress) -> list[jobs.BuiltFile]:
        def spy(label: str) -> None:
            progress(label)
            current = ReportJob.objects.get(pk=job_.pk)
            seen.append((current.status, current.step))

        return registered.builder(job_, spy)

    monkeypatch.setitem(jobs.BUILDERS, job.kind, jobs.Registered(3, watching))
    assert jobs.run(job.pk) == "done"
    assert seen == [("running", 1), ("running", 2), ("running", 3)]
    assert jobs.run(job.pk) == "skipped"  # a second delivery of the task does nothing

    def broken(job_: ReportJob, progress: jobs.Progress) -> list[jobs.BuiltFile]:
        progress("集計")
        raise RuntimeError("boom")

    monkeypatch.setitem(jobs.BUILDERS, job.kind, jobs.Registered(3, broken))
    failing = services.annual_report_generate(actor, center=year.center, fiscal_year=YEAR)
    assert jobs.run(failing.pk) == "failed"
    failing.refresh_from_db()
    assert failing.status == JobStatus.FAILED
    assert failing.error == "RuntimeError"
    assert not failing.files.exists()


def test_a_job_whose_worker_was_lost_is_marked_failed(personas, year):
    actor = actor_as(personas.core_officer)
    job = services.annual_report_generate(actor, center=year.center, fiscal_year=YEAR)
    started = timezone.now() - jobs.STALE_AFTER
    ReportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=started)
    fresh = services.annual_report_generate(actor, center=year.center, fiscal_year=YEAR)
    ReportJob.objects.filter(pk=fresh.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    assert jobs.fail_stale(timezone.now() + dt.timedelta(seconds=1)) == 1
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert (job.status, fresh.status) == (JobStatus.FAILED, JobStatus.RUNNING)


def test_the_progress_page_reloads_itself_until_done_then_offers_the_downloads(
    year, personas, client_as
):
    client = client_as(personas.core_officer)
    response = client.post(reverse("reports:annual_generate", args=[year.center.pk, YEAR]))
    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:job_detail", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "順番待ち" in page
    assert 'hx-trigger="every 3s"' in page
    assert "最新の状況を表示する" in page  # without script: a link
    jobs.run(job.pk)
    page = client.get(reverse("reports:job_detail", args=[job.pk])).content.decode()
    assert "完了" in page
    assert "hx-trigger" not in page
    before = AuditEvent.objects.count()
    download = client.get(reverse("reports:job_download", args=[job.pk, "docx"]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert AuditEvent.objects.filter(pk__gt=before, action=ACTION_DOWNLOAD).count() == 1
    assert AuditEvent.objects.filter(action=ACTION_GENERATE).count() == 1


def test_the_center_writes_its_sections_and_the_city_reads_them(year, personas, client_as):
    url = reverse("reports:annual_edit", args=[year.center.pk, YEAR])
    client = client_as(personas.core_officer)
    response = client.post(url, {"introduction": "令和2年7月に開設した。", "status": "draft"})
    assert response.status_code == 302
    report = AnnualReport.objects.get(organization=year.center, fiscal_year=YEAR)
    assert report.introduction == "令和2年7月に開設した。"
    assert AuditEvent.objects.filter(
        action=Action.RECORD_CREATED, target_type="reports.annualreport"
    ).exists()
    city = client_as(personas.city_official)
    detail = city.get(reverse("reports:annual_detail", args=[year.center.pk, YEAR]))
    assert "令和2年7月に開設した。" in detail.content.decode()
    assert city.get(url).status_code == 403  # the city reads; the center writes
    # The city may have the documents made.
    generate = city.post(reverse("reports:annual_generate", args=[year.center.pk, YEAR]))
    assert generate.status_code == 302


@pytest.mark.parametrize("who", ["counselor_a", "counselor_b"])
def test_offices_get_404_on_every_report_url(year, personas, client_as, who):
    job = _generate(personas)
    client = client_as(getattr(personas, who))
    for url in (
        reverse("reports:annual_index"),
        reverse("reports:annual_detail", args=[year.center.pk, YEAR]),
        reverse("reports:annual_edit", args=[year.center.pk, YEAR]),
        reverse("reports:job_detail", args=[job.pk]),
        reverse("reports:job_download", args=[job.pk, "pdf"]),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("reports:annual_generate", args=[year.center.pk, YEAR])).status_code
        == 404
    )
    token = api_token_for(
        getattr(personas, who), getattr(personas, who).memberships.get().organization
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    for url in (
        f"/api/v1/annual-reports/{year.center.pk}/{YEAR}",
        f"/api/v1/report-jobs/{job.pk}",
        f"/api/v1/report-jobs/{job.pk}/files/pdf",
    ):
        response = client.get(url, **auth)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    response = client.post(
        "/api/v1/annual-reports",
        {"organization_id": year.center.pk, "fiscal_year": YEAR},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 404
    assert ReportJob.objects.count() == 1


def test_too_long_or_unknown_input_is_refused_with_a_message(year, personas, client_as):
    url = reverse("reports:annual_edit", args=[year.center.pk, YEAR])
    client = client_as(personas.core_officer)
    response = client.post(url, {"future": "あ" * 4001, "status": "draft"})
    assert response.status_code == 400
    assert "4000" in response.content.decode()
    response = client.post(url, {"future": "ｶﾀｶﾅ", "status": "published"})
    assert response.status_code == 400
    response = client.post(url, {"future": "ｶﾀｶﾅ と ひらがな", "status": "draft"})
    assert response.status_code == 302
    assert AnnualReport.objects.get().future == "ｶﾀｶﾅ と ひらがな"


def test_a_read_only_member_of_the_center_reads_but_does_not_write(year, personas, client_as):
    from tsunagu.accounts.tests.factories import UserFactory
    from tsunagu.organizations.models import SystemRole
    from tsunagu.organizations.tests.factories import MembershipFactory

    reader = UserFactory.create(username="core_reader")
    MembershipFactory.create(user=reader, organization=year.center, role=SystemRole.READ_ONLY)
    client = client_as(reader)
    assert (
        client.get(reverse("reports:annual_detail", args=[year.center.pk, YEAR])).status_code == 200
    )
    assert (
        client.get(reverse("reports:annual_edit", args=[year.center.pk, YEAR])).status_code == 403
    )
    assert (
        client.post(reverse("reports:annual_generate", args=[year.center.pk, YEAR])).status_code
        == 403
    )


@pytest.mark.parametrize("bad", [99999, 1800, 2030])
def test_a_bad_year_is_a_clear_400_on_screen_and_422_in_the_api(year, personas, client_as, bad):
    client = client_as(personas.core_officer)
    response = client.get(reverse("reports:annual_detail", args=[year.center.pk, bad]))
    assert response.status_code == 400
    assert "年度を指定してください" in response.content.decode()
    response = client.post(reverse("reports:annual_generate", args=[year.center.pk, bad]))
    assert response.status_code == 400
    token = api_token_for(personas.core_officer, year.center)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    response = client.post(
        "/api/v1/annual-reports",
        {"organization_id": year.center.pk, "fiscal_year": bad},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 422
    assert response.json()["error"]["message"]
    assert client.get(f"/api/v1/annual-reports/{year.center.pk}/{bad}", **auth).status_code == 422
    assert not ReportJob.objects.exists()


def test_bad_input_in_the_api_is_a_json_error(year, personas, client):
    token = api_token_for(personas.core_officer, year.center)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    for body in (
        '"2025"',
        '{"organization_id": 9223372036854775808, "fiscal_year": 2025}',
        '{"organization_id": "あ", "fiscal_year": "２０２５"}',
    ):
        response = client.post(
            "/api/v1/annual-reports", body, content_type="application/json", **auth
        )
        assert response.status_code in (400, 422), body
        assert response.json()["error"]["code"]


def test_the_api_twin_enqueues_reports_status_and_serves_the_files(year, personas, client):
    token = api_token_for(personas.core_officer, year.center)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    response = client.patch(
        f"/api/v1/annual-reports/{year.center.pk}/{YEAR}",
        {"future": "実態調査を行う。", "status": "final"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200, response.content
    assert response.json()["future"] == "実態調査を行う。"
    response = client.post(
        "/api/v1/annual-reports",
        {"organization_id": year.center.pk, "fiscal_year": YEAR},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    status = client.get(f"/api/v1/report-jobs/{job_id}", **auth).json()
    assert (status["status"], status["files"]) == ("queued", [])
    jobs.run(job_id)
    status = client.get(f"/api/v1/report-jobs/{job_id}", **auth).json()
    assert status["status"] == "done"
    assert status["step"] == status["steps"] == 4
    urls = {f["format"]: f["url"] for f in status["files"]}
    pdf = client.get(urls["pdf"], **auth)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert "実態調査を行う。" in pdf_text(pdf.content)
    detail = client.get(f"/api/v1/annual-reports/{year.center.pk}/{YEAR}", **auth).json()
    assert detail["status"] == "final"
    assert detail["jobs"][0]["id"] == job_id
    # The city reads the sections but may not write them.
    city = api_token_for(personas.city_official, personas.city)
    response = client.patch(
        f"/api/v1/annual-reports/{year.center.pk}/{YEAR}",
        {"future": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {city}",
    )
    assert response.status_code == 403
