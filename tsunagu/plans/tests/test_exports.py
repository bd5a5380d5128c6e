"""The printed forms (PDF), the xlsx and the FHIR download: what they contain, who may have
them, and the audit row each leaves."""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
from typing import Any
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.core.dates import wareki
from tsunagu.plans.documents import era_month, monitoring_period_label
from tsunagu.plans.models import SupportPlan
from tsunagu.plans.tests.world import PlanWorld, build_plan_world
from tsunagu.plans.workbooks import FONT_NAME

pytestmark = pytest.mark.django_db

PLAN_HEADINGS = [
    "サービス等利用計画",
    "利用者氏名",
    "障害支援区分",
    "相談支援事業者名",
    "計画作成担当者",
    "計画作成日",
    "モニタリング期間（開始年月）",
    "利用者及びその家族の生活に対する意向（希望する生活）",
    "総合的な援助の方針",
    "長期目標",
    "短期目標",
    "優先順位",
    "解決すべき課題（本人のニーズ）",
    "支援目標",
    "達成時期",
    "福祉サービス等",
    "種類・内容・量（頻度・時間）",
    "課題解決のための本人の役割",
    "評価時期",
    "その他留意事項",
    "利用者同意署名欄",
    "印",
    "週間計画表",
    "主な日常生活上の活動",
    "週単位以外のサービス",
]
MONITORING_HEADINGS = [
    "モニタリング報告書",
    "継続サービス利用支援",
    "利用者氏名",
    "障害支援区分",
    "相談支援事業者名",
    "計画作成担当者",
    "モニタリング実施日",
    "全体の状況",
    "支援目標",
    "達成時期",
    "サービス提供状況",
    "本人の感想・満足度",
    "支援目標の達成度",
    "今後の課題・解決方法",
    "計画変更の必要性",
    "利用者同意署名欄",
]


@pytest.fixture
def w(personas) -> PlanWorld:
    return build_plan_world(personas)


def _text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    # A heading may wrap inside its table cell; compare without any white space.
    return re.sub(r"\s+", "", "".join((page.extract_text() or "") for page in reader.pages))


def _filename(response) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''"), disposition
    return unquote(disposition.split("''", 1)[1])


def _export_events(target_id: int) -> list[dict[str, Any]]:
    return [
        e.detail
        for e in AuditEvent.objects.filter(
            action=Action.RECORD_VIEWED, target_id=str(target_id)
        ).order_by("pk")
    ]


def test_plan_pdf_has_the_form_headings_and_the_person(personas, w, client_as):
    response = client_as(personas.counselor_a).get(reverse("plans:plan_pdf", args=[w.plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert _filename(response) == "サービス等利用計画_佐藤花子_第1版.pdf"
    text = _text(response.content)
    missing = [h for h in PLAN_HEADINGS if h not in text]
    assert not missing, missing
    assert "佐藤花子" in text
    assert "サトウハナコ" in text
    assert "区分3" in text
    assert wareki(w.plan.period_start) in text  # era dates
    assert "作業所に週3日通い続ける。" in text
    assert "就労継続支援B型みどり作業所" in text
    assert (
        len(PdfReader(io.BytesIO(response.content)).pages) == 3
    )  # the plan, the week, the service ring
    box = PdfReader(io.BytesIO(response.content)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape
    assert _export_events(w.plan.pk) == [
        {"event": "plan.exported", "format": "pdf", "case": w.case.pk}
    ]


def test_monitoring_pdf_has_the_report_headings(personas, w, client_as):
    url = reverse("plans:monitoring_pdf", args=[w.monitoring.pk])
    response = client_as(personas.core_officer).get(url)
    assert response.status_code == 200
    assert _filename(response).startswith("モニタリング報告書_佐藤花子_")
    text = _text(response.content)
    missing = [h for h in MONITORING_HEADINGS if h not in text]
    assert not missing, missing
    assert "佐藤花子" in text
    assert "週3日通所できた。" in text
    assert "一部達成" in text
    assert wareki(w.monitoring.conducted_on) in text
    assert _export_events(w.monitoring.pk) == [
        {"event": "monitoring.exported", "format": "pdf", "case": w.case.pk}
    ]


def test_without_weasyprint_the_pdf_is_a_clear_503(personas, w, client_as, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` fails
    client = client_as(personas.counselor_a)
    response = client.get(reverse("plans:plan_pdf", args=[w.plan.pk]))
    assert response.status_code == 503
    page = response.content.decode()
    assert "PDFを作成できません" in page
    assert reverse("plans:plan_xlsx", args=[w.plan.pk]) in page
    response = client.get(reverse("plans:monitoring_pdf", args=[w.monitoring.pk]))
    assert response.status_code == 503
    assert not [e for e in _export_events(w.plan.pk) if e.get("event")]


def _cells(ws) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def test_plan_xlsx(personas, w, client_as):
    response = client_as(personas.counselor_a).get(reverse("plans:plan_xlsx", args=[w.plan.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert _filename(response) == "サービス等利用計画_佐藤花子_第1版.xlsx"
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["サービス等利用計画", "週間計画表"]
    ws = wb["サービス等利用計画"]
    cells = _cells(ws)
    for heading in (
        "利用者氏名",
        "障害支援区分",
        "相談支援事業者名",
        "計画作成担当者",
        "計画作成日",
        "モニタリング期間（開始年月）",
        "利用者及びその家族の生活に対する意向（希望する生活）",
        "総合的な援助の方針",
        "長期目標",
        "短期目標",
        "優先順位",
        "解決すべき課題（本人のニーズ）",
        "支援目標",
        "達成時期",
        "福祉サービス等 種類・内容・量（頻度・時間）",
        "課題解決のための本人の役割",
        "評価時期",
        "その他留意事項",
        "利用者同意署名欄",
    ):
        assert heading in cells, heading
    assert "佐藤 花子（サトウ ハナコ）" in cells
    first_due = w.plan.monitorings.order_by("due_on").first()
    assert f"毎月（{era_month(first_due.due_on)}から）" in cells  # モニタリング期間（開始年月）
    assert ws["A3"].value == "利用者氏名"
    assert ws["B3"].value == "佐藤 花子（サトウ ハナコ）"
    header_row = next(r for r in range(1, 30) if ws.cell(row=r, column=1).value == "優先順位")
    first = [ws.cell(row=header_row + 1, column=c).value for c in range(1, 10)]
    assert first[:3] == [1, "日中に安心して過ごせる場所がほしい。", "作業所に週3日通い続ける。"]
    assert first[3] == wareki(w.items[0].target_date)
    assert ws.cell(row=header_row, column=1).font.name == FONT_NAME
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.page_setup.orientation == "landscape"
    assert ws.column_dimensions["B"].width >= 20
    weekly = _cells(wb["週間計画表"])
    assert "主な日常生活上の活動" in weekly
    assert "09:30〜15:30 作業所\nみどり作業所" in weekly
    assert _export_events(w.plan.pk)[-1]["format"] == "xlsx"


def test_monitoring_xlsx(personas, w, client_as):
    url = reverse("plans:monitoring_xlsx", args=[w.monitoring.pk])
    response = client_as(personas.counselor_a).get(url)
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    cells = _cells(ws)
    for heading in MONITORING_HEADINGS[2:]:
        assert heading in cells, heading
    assert "週3日通所できた。雨の日に1回休んだ。" in cells
    assert "一部達成" in cells
    assert "もっと絵を描きたい。（満足）" in cells
    assert ws.page_setup.orientation == "landscape"
    assert _export_events(w.monitoring.pk)[-1] == {
        "event": "monitoring.exported",
        "format": "xlsx",
        "case": w.case.pk,
    }


def test_fhir_download(personas, w, client_as):
    response = client_as(personas.counselor_a).get(reverse("plans:plan_fhir", args=[w.plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert _filename(response) == "サービス等利用計画_佐藤花子_第1版.fhir.json"
    assert response.json()["type"] == "collection"
    assert _export_events(w.plan.pk)[-1]["format"] == "fhir"


DOWNLOADS = ["plan_pdf", "plan_xlsx", "plan_fhir", "monitoring_pdf", "monitoring_xlsx"]


@pytest.mark.parametrize("name", DOWNLOADS)
def test_outsider_gets_404_for_every_download(name, personas, w, client_as):
    pk = w.plan.pk if name.startswith("plan") else w.monitoring.pk
    response = client_as(personas.counselor_b).get(reverse(f"plans:{name}", args=[pk]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(
        action=Action.RECORD_VIEWED, actor=personas.counselor_b
    ).exists()
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, actor=personas.counselor_b
    ).exists()


@pytest.mark.parametrize("name", DOWNLOADS)
def test_a_read_only_member_may_print(name, personas, w, client_as):
    pk = w.plan.pk if name.startswith("plan") else w.monitoring.pk
    response = client_as(personas.reader_a).get(reverse(f"plans:{name}", args=[pk]))
    assert response.status_code == 200


def test_fhir_of_a_household_case_is_refused_with_a_page(personas, client_as):
    from tsunagu.cases.tests.factories import CaseFactory
    from tsunagu.people.tests.factories import HouseholdFactory
    from tsunagu.plans.tests.factories import SupportPlanFactory

    case = CaseFactory.create(
        person=None,
        household=HouseholdFactory.create(registered_by_organization=personas.office_a),
        title="山田さん世帯の支援",
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
    )
    plan = SupportPlanFactory.create(case=case, author=personas.counselor_a)
    response = client_as(personas.counselor_a).get(reverse("plans:plan_fhir", args=[plan.pk]))
    assert response.status_code == 422
    assert "世帯のケースの計画はFHIRで出力できません" in response.content.decode()
    assert not [e for e in _export_events(plan.pk) if e.get("event")]
    # The printed form needs no person: the household's name stands in.
    pdf = client_as(personas.counselor_a).get(reverse("plans:plan_pdf", args=[plan.pk]))
    assert pdf.status_code == 200
    assert "山田さん世帯" in _text(pdf.content)


def test_the_monitoring_period_heading_names_the_first_month():
    def plan(frequency: str, dates: tuple[str, ...] = ()) -> SupportPlan:
        return SupportPlan(
            period_start=dt.date(2027, 1, 31),
            period_end=dt.date(2027, 12, 31),
            monitoring_frequency=frequency,
            monitoring_dates=list(dates),
        )

    assert monitoring_period_label(plan("monthly")) == "毎月（令和9年2月から）"
    assert monitoring_period_label(plan("every_6_months")) == "6か月ごと（令和9年7月から）"
    custom = plan("custom", ("2027-06-15", "2027-03-01"))
    assert monitoring_period_label(custom) == "日付を指定（令和9年3月から）"
    short = SupportPlan(
        period_start=dt.date(2027, 1, 1),
        period_end=dt.date(2027, 2, 1),
        monitoring_frequency="every_3_months",
        monitoring_dates=[],
    )
    assert monitoring_period_label(short) == "3か月ごと"
    assert era_month(dt.date(2019, 5, 1)) == "令和元年5月"
