"""The core center's annual activity report (issue 17 item 3), with the keyboard only.

The core center's officer opens the report of this fiscal year from the home page, through
the reports page (/reports/, what the app offers) (and, typed
into the address, a year that cannot be reported on: a clear message), writes a section, asks
for the Word and PDF documents, sees the job wait in the queue, and — once the worker has run
it — the page updates itself and offers the downloads.  Every page is checked with axe.
"""

from __future__ import annotations

import re

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.keyboard import follow, start_at_top, submit, tab_to
from tests.browser.phone import no_sideways_scroll_at_phone_width
from tsunagu.cases.tests.factories import ConsultationFactory
from tsunagu.core.dates import fiscal_year, fiscal_year_label
from tsunagu.reports import jobs
from tsunagu.reports.models import AnnualReport, ReportJob


def test_the_center_writes_generates_and_downloads_its_annual_report(
    page, live_server, personas, browser_sign_in, assert_no_axe_violations
):
    year = fiscal_year(timezone.localdate())
    label = fiscal_year_label(year)
    for _ in range(3):
        ConsultationFactory.create(organization=personas.core_center)
    browser_sign_in(personas.core_officer)

    # 1. From the home page to this year's report.
    start_at_top(page, "/")
    follow(page, "報告書（基幹相談支援センターの年次活動報告）")
    expect(page).to_have_url(re.compile(r"/reports/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("報告書")
    assert_no_axe_violations(page, "annual-00-reports")
    no_sideways_scroll_at_phone_width(page, "annual-00-reports")
    follow(page, "すべての年度の活動報告")
    expect(page).to_have_url(re.compile(r"/reports/annual/$"))
    assert_no_axe_violations(page, "annual-01-index")
    follow(page, f"{label}の活動報告")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{label}の活動報告")
    assert_no_axe_violations(page, "annual-02-report")

    # A year nobody can report on (typed into the address): a clear message and the years
    # that can be chosen, never another year's report.
    start_at_top(page, f"/reports/annual/{personas.core_center.pk}/99999/")
    expect(page.get_by_role("alert")).to_contain_text("99999年度の報告書は作れません")
    assert_no_axe_violations(page, "annual-02b-bad-year")
    follow(page, f"{label}の活動報告")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{label}の活動報告")

    # 2. A section (the field stops at 4,000 characters; the server's 400 for more is in
    # tsunagu/reports/tests).
    follow(page, "本文を書く")
    assert_no_axe_violations(page, "annual-03-edit")
    tab_to(page, page.get_by_label("今後の取組み", exact=True))
    page.keyboard.type("指定特定相談支援事業所の実態調査を行う。")
    submit(page, "保存する")
    expect(page.locator(".messages")).to_contain_text("報告書の本文を保存しました。")
    assert AnnualReport.objects.get().future == "指定特定相談支援事業所の実態調査を行う。"

    # 3. The documents: queued, then (the worker runs it) done, without reloading by hand.
    submit(page, "Word と PDF を作成する")
    expect(page.get_by_role("heading", level=1)).to_have_text("報告書の作成状況")
    progress = page.locator("#job-progress")
    expect(progress).to_contain_text("順番待ち")
    assert_no_axe_violations(page, "annual-04-queued")
    no_sideways_scroll_at_phone_width(page, "annual-04-queued")
    job = ReportJob.objects.get()
    assert jobs.run(job.pk) == "done"
    expect(progress).to_contain_text("完了", timeout=15_000)
    expect(page.get_by_role("link", name="PDFをダウンロード")).to_be_visible()
    assert_no_axe_violations(page, "annual-05-done")

    # 4. The download.
    tab_to(page, page.get_by_role("link", name="PDFをダウンロード"))
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    download = download_info.value
    assert download.suggested_filename == f"annual-report-{personas.core_center.code}-{year}.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
