"""The published evaluation report as a PDF (the project's one renderer, core/printing.py) and
as an editable Word document (python-docx, as the council pack does).  Only a published report
is printed; each download is audited."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.audit import services as audit
from tsunagu.audit.actions import register_action
from tsunagu.core.actor import Actor
from tsunagu.core.dates import fiscal_year_label, wareki
from tsunagu.core.errors import NotFound
from tsunagu.core.printing import render_pdf
from tsunagu.grouphomes.models import EvaluationPath, GroupHomeEvaluation

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PRINT_CSS = "grouphomes/print/report.css"
ACTION_REPORT_PRINTED = register_action(
    "grouphomes.report_printed", gettext_lazy("GH評価の報告書の出力")
)


def filename(evaluation: GroupHomeEvaluation, ext: str) -> str:
    return f"GH評価報告書_{evaluation.fiscal_year}_{evaluation.pk}.{ext}"


def title(evaluation: GroupHomeEvaluation) -> str:
    return _("%(year)s 日中サービス支援型グループホーム評価報告書") % {
        "year": fiscal_year_label(evaluation.fiscal_year)
    }


def _published(actor: Actor, evaluation: GroupHomeEvaluation, fmt: str) -> None:
    if not evaluation.is_published:
        raise NotFound(_("報告書はまだ公表されていません。"))
    audit.record(
        action=ACTION_REPORT_PRINTED, actor=actor, target=evaluation, detail={"format": fmt}
    )


def report_pdf(actor: Actor, *, evaluation: GroupHomeEvaluation) -> bytes:
    if not evaluation.is_published:
        raise NotFound(_("報告書はまだ公表されていません。"))
    html = render_to_string(
        "grouphomes/print/report.html",
        {"evaluation": evaluation, "title": title(evaluation)},
    )
    pdf = render_pdf(html, css=PRINT_CSS)
    _published(actor, evaluation, "pdf")
    return pdf


def report_docx(actor: Actor, *, evaluation: GroupHomeEvaluation) -> bytes:
    _published(actor, evaluation, "docx")
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "游明朝")
    document.core_properties.title = title(evaluation)
    document.core_properties.language = "ja-JP"
    document.add_heading(title(evaluation), level=0)
    facts = [
        (_("事業所"), evaluation.home.organization.name),
        (_("開所日"), wareki(evaluation.home.opened_on)),
        (_("定員"), str(evaluation.home.capacity)),
        (_("評価の方法"), str(evaluation.get_path_display())),
        (_("評価の場"), evaluation.body.name),
    ]
    if evaluation.visited_on:
        facts.append((_("実地調査日"), wareki(evaluation.visited_on)))
    if evaluation.qa_held_on:
        facts.append((_("質疑・意見交換の日"), wareki(evaluation.qa_held_on)))
    facts.append((_("報告書の作成日"), wareki(evaluation.report_written_on)))
    grid = document.add_table(rows=0, cols=2)
    grid.style = "Table Grid"
    for label, value in facts:
        cells = grid.add_row().cells
        cells[0].text, cells[1].text = label, value
    document.add_heading(_("評価"), level=1)
    for paragraph in evaluation.report_text.splitlines():
        document.add_paragraph(paragraph)
    if evaluation.path == EvaluationPath.VISIT:
        document.add_heading(_("実地調査の結果"), level=1)
        document.add_paragraph(evaluation.visit_findings)
    document.add_heading(_("観点ごとの所見と自己評価"), level=1)
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, [_("観点"), _("実地調査の所見"), _("事業所の自己評価")], strict=True
    ):
        cell.text = text
    for label, seen, own in evaluation.observations():
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = label, seen or "—", own or "—"
    if evaluation.qa_items:
        document.add_heading(_("質疑・意見交換"), level=1)
        for item in evaluation.qa_items:
            document.add_paragraph(_("問: %(q)s") % {"q": item["question"]})
            document.add_paragraph(_("答: %(a)s") % {"a": item["answer"] or "—"})
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
