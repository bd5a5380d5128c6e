"""The core center's annual activity report: its figures (reports/figures.py) and the
sections it writes, laid out once as a list of blocks (headings, paragraphs, tables) that
become an editable Word document (python-docx) and a PDF (WeasyPrint, from an HTML template
with the printed forms' page, core/print/page.css).  Both carry exactly the same text and
counts.  The layout follows seed 000 (取組みの状況: 共同支援, 人材育成, ネットワーク形成; 今後の
取組み)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from tsunagu.core.dates import fiscal_year_label, wareki
from tsunagu.organizations.models import Organization
from tsunagu.plans.printing import render_pdf
from tsunagu.reports import jobs
from tsunagu.reports.figures import AnnualFigures, annual_figures, rate
from tsunagu.reports.models import AnnualReport, FileFormat, JobKind, ReportJob

PRINT_CSS = "reports/print/print.css"


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]
    caption: str = ""


@dataclass
class Block:
    kind: str  # "title", "h2", "h3", "p", "table"
    text: str = ""
    table: Table | None = None


@dataclass
class Document:
    title: str
    blocks: list[Block] = field(default_factory=list)

    def h2(self, text: str) -> None:
        self.blocks.append(Block("h2", text))

    def h3(self, text: str) -> None:
        self.blocks.append(Block("h3", text))

    def p(self, text: str) -> None:
        for paragraph in (text or "").split("\n\n"):
            if paragraph.strip():
                self.blocks.append(Block("p", paragraph.strip()))

    def written(self, text: str) -> None:
        """A section the center writes; left empty, the document says so (never filler)."""
        if text.strip():
            self.p(text)
        else:
            self.blocks.append(Block("note", _("（この項目の本文はまだ書かれていません。）")))

    def table(self, headers: list[str], rows: list[list[object]], caption: str = "") -> None:
        self.blocks.append(
            Block("table", table=Table(headers, [[str(c) for c in r] for r in rows], caption))
        )


def _counts(rows: list[tuple[str, int]]) -> list[list[object]]:
    return [[label, n] for label, n in rows]


def layout(report: AnnualReport, f: AnnualFigures) -> Document:
    doc = Document(
        title=_("%(year)s %(center)s 活動報告") % {"year": f.year_label, "center": f.center}
    )
    doc.p(_("対象期間: %(period)s") % {"period": f.period_label})
    doc.h2(_("はじめに"))
    doc.written(report.introduction)

    doc.h2(_("1 取組みの状況"))
    doc.h3(_("(1) 相談支援の実績"))
    doc.table(
        [_("項目"), _("件数")],
        _counts(
            [
                (_("相談受付"), f.consultations),
                (_("新たに開始した支援ケース"), f.cases_opened),
                (_("期間中に支援したケース（主担当）"), f.cases_open),
                (_("終結したケース"), f.cases_closed),
                (_("うち支援困難ケース"), f.complex_cases),
            ]
        ),
    )
    doc.table(
        [_("支援経過記録の種別"), _("件数")],
        _counts([(row.label, row.count) for row in f.notes] + [(_("合計"), f.notes_total)]),
        caption=_("支援経過記録（センターの職員が記録したもの）"),
    )

    doc.h3(_("(2) 相談支援事業所等との共同支援"))
    table = f.joint_support
    if table is not None:
        doc.table(
            [_("依頼者"), *table.columns, _("件数")],
            [[row.label, *row.cells, row.total] for row in table.rows]
            + [[_("合計"), *table.column_totals, table.total]],
            caption=_("共同支援の依頼（市全体、依頼者の種別×障害種別）: %(period)s")
            % {"period": table.period.label},
        )
    doc.p(
        _("このうちセンターが受けた共同支援の依頼は%(received)s件、受理は%(accepted)s件でした。")
        % {"received": f.joint_received, "accepted": f.joint_accepted}
    )
    doc.written(report.joint_support)
    doc.h3(_("支援困難ケースの背景要因"))
    doc.p(
        _(
            "センターが主担当または支援チームに加わった支援困難ケース%(count)s件に記録された"
            "要因（1件に複数の要因があります）。"
        )
        % {"count": f.difficulty_cases}
    )
    for group in f.difficulty:
        doc.table([group.label, _("件数")], _counts([(r.label, r.count) for r in group.rows]))
    doc.h3(_("合同ケースレビュー・勉強会（事例検討会）"))
    doc.table(
        [_("会議の種類"), _("開催数")],
        _counts(
            [(row.label, row.count) for row in f.conferences]
            + [(_("うちSV（助言者）を招いたもの"), f.conferences_with_supervisor)]
        ),
        caption=_("センターが主催したケース会議"),
    )

    doc.h3(_("(3) 人材育成"))
    doc.p(
        _(
            "センターが主催・共催した研修は%(trainings)s回、出席した受講者は延べ%(people)s人です。"
            "この期間に開いた事例検討会は%(count)s回です。"
        )
        % {
            "trainings": len(f.trainings),
            "people": f.training_participants,
            "count": f.study_sessions,
        }
    )
    if f.trainings:
        doc.p(
            _(
                "開催した研修の参加予定者は延べ%(registered)s人で、出席率は%(attendance)sでした。"
                "修了証は%(certificates)s人に発行しました（出席者の%(completion)s）。"
            )
            % {
                "registered": f.training_registered,
                "attendance": f.training_attendance_rate,
                "certificates": f.training_certificates,
                "completion": f.training_completion_rate,
            }
        )
        doc.table(
            [
                _("開催日"),
                _("テーマ"),
                _("形式"),
                _("共催"),
                _("出席者"),
                _("参加予定"),
                _("修了証"),
            ],
            [
                [
                    wareki(t.held_on),
                    t.theme,
                    t.kind,
                    t.co_organizers or "—",
                    t.attended,
                    t.registered,
                    t.certificates,
                ]
                for t in f.trainings
            ],
            caption=_("研修の開催"),
        )
        doc.table(
            [_("受講者の所属の種別"), _("参加予定"), _("出席者"), _("出席率"), _("修了証")],
            [
                [
                    row.label,
                    row.registered,
                    row.attended,
                    rate(row.attended, row.registered),
                    row.certificates,
                ]
                for row in f.training_by_kind
            ]
            + [
                [
                    _("合計"),
                    f.training_registered,
                    f.training_participants,
                    f.training_attendance_rate,
                    f.training_certificates,
                ]
            ],
            caption=_("研修の受講者（所属の種別ごと。開催した研修）"),
        )
    doc.written(report.training)

    doc.h3(_("(4) ネットワーク形成"))
    doc.table(
        [_("会議体"), _("種別"), _("関わり"), _("開催"), _("出席")],
        [[b.name, b.kind, b.role, b.held, b.attended] for b in f.bodies]
        + [[_("合計"), "", "", f.meetings_held, f.meetings_attended]],
        caption=_("参加している会議体と、期間中に開催された会議・センターが出席した会議"),
    )
    doc.written(report.network)

    doc.h3(_("(5) 地域課題と資源開発"))
    doc.p(_("センターが提起した地域課題: %(count)s件") % {"count": len(f.issues)})
    if f.issues:
        doc.table(
            [_("地域課題"), _("テーマ"), _("提起日"), _("現在の段階"), _("経過")],
            [
                [i.title, i.theme, wareki(i.raised_on), i.stage, " → ".join(i.path) or "—"]
                for i in f.issues
            ],
        )
    doc.p(_("資源開発: %(count)s件") % {"count": len(f.developments)})
    if f.developments:
        doc.table(
            [_("種類"), _("変わったこと"), _("実現した日")],
            [[d.kind, d.title, wareki(d.occurred_on)] for d in f.developments],
        )
    doc.written(report.community_issues)

    doc.h3(_("(6) 事業所へのヒアリングと取組みの方向性"))
    doc.p(
        _(
            "センターが行ったヒアリングは、個別%(individual)s回、"
            "グループインタビュー%(group)s回（ヒアリングした事業所%(offices)sか所）で、"
            "そこから%(findings)s件の結果を整理しました。"
        )
        % {
            "individual": f.hearings_individual,
            "group": f.hearings_group,
            "offices": f.offices_heard,
            "findings": f.hearing_findings,
        }
    )
    if f.directions:
        doc.table(
            [_("方向性"), _("テーマ"), _("協議会で採択した日"), _("ヒアリング")],
            [[d.title, d.theme, wareki(d.adopted_on), d.round] for d in f.directions],
            caption=_("期間中に自立支援協議会で採択された方向性"),
        )

    doc.h3(_("(7) 地域活動・アウトリーチ・普及啓発"))
    doc.p(
        _(
            "センターが記録した地域活動は%(total)s件で、そのうち相談につながったもの"
            "%(connected)s件、地域課題を提起したもの%(issues)s件でした。"
        )
        % {
            "total": f.community_total,
            "connected": f.community_connected,
            "issues": f.community_issues_raised,
        }
    )
    doc.table(
        [_("活動の種類"), _("件数")],
        [[r.label, r.count] for r in f.community_by_kind],
        caption=_("地域活動（種類別）"),
    )
    doc.table(
        [_("普及啓発のテーマ"), _("回数")],
        [[r.label, r.count] for r in f.awareness_by_theme],
        caption=_("普及啓発（テーマ別）"),
    )
    if f.supporters_by_ward:
        doc.table(
            [_("区"), _("人数")],
            [[r.label, r.count] for r in f.supporters_by_ward],
            caption=_("障がい者サポーター研修の修了者（区別）"),
        )
    doc.p(
        _(
            "アウトリーチで受けた%(leads)s件のうち%(connected)s件を相談につなぎました。"
            "受けてから初めて会えるまでの日数の中央値は%(median)sです。"
        )
        % {
            "leads": f.outreach_leads,
            "connected": f.outreach_connected,
            "median": (
                _("%(days)s日") % {"days": f"{f.outreach_median_days:g}"}
                if f.outreach_median_days is not None
                else "—"
            ),
        }
    )
    doc.h3(_("(8) 見学・体験してから選ぶ（行ってみてやって委員会）"))
    doc.table(
        [
            _("年度"),
            _("決めた候補"),
            _("選んだサービス"),
            _("うち体験後に選択"),
            _("見学・体験の回数"),
            _("選んだサービスあたりの見学・体験"),
        ],
        [
            [
                fiscal_year_label(y.fiscal_year),
                y.decisions,
                y.chosen,
                y.chosen_after_trial,
                y.trials_before_chosen,
                y.trials_per_chosen,
            ]
            for y in f.trial_years
        ],
        caption=_("市全体。選んだサービスの前に行った見学・体験の回数"),
    )
    doc.h3(_("(9) 心の動く場面（協議会に伝えたもの）"))
    if f.moments:
        for m in f.moments:
            doc.p(f"「{m.text}」" + (f"（{m.lesson}）" if m.lesson else ""))
    else:
        doc.p(_("期間中に協議会に掲載した心の動く場面はありません。"))

    doc.h2(_("2 今後の取組み"))
    doc.written(report.future)
    return doc


# --- Word ---------------------------------------------------------------------------------


def to_docx(doc: Document) -> bytes:
    from docx import Document as WordDocument
    from docx.oxml.ns import qn
    from docx.shared import Pt

    word = WordDocument()
    normal = word.styles["Normal"]
    normal.font.name = "Noto Sans CJK JP"
    normal.font.size = Pt(10.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Sans CJK JP")
    word.add_heading(doc.title, level=0)
    for block in doc.blocks:
        if block.kind == "h2":
            word.add_heading(block.text, level=1)
        elif block.kind == "h3":
            word.add_heading(block.text, level=2)
        elif block.kind in ("p", "note"):
            word.add_paragraph(block.text)
        elif block.table is not None:
            t = block.table
            if t.caption:
                word.add_paragraph(t.caption, style="Caption")
            grid = word.add_table(rows=1, cols=len(t.headers))
            grid.style = "Table Grid"
            for cell, text in zip(grid.rows[0].cells, t.headers, strict=True):
                cell.text = text
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for row in t.rows:
                cells = grid.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    cell.text = text
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


# --- PDF ----------------------------------------------------------------------------------


def to_pdf(doc: Document) -> bytes:
    html = render_to_string("reports/print/annual_report.html", {"doc": doc})
    return render_pdf(html, css=PRINT_CSS)


# --- The job ------------------------------------------------------------------------------


def report_for(center: Organization, year: int) -> AnnualReport:
    """The report's stored sections (unsaved and empty when nobody has written any yet)."""
    return AnnualReport.objects.filter(organization=center, fiscal_year=year).first() or (
        AnnualReport(organization=center, fiscal_year=year)
    )


def filename(center: Organization, year: int, fmt: str) -> str:
    return f"annual-report-{center.code}-{year}.{fmt}"


def build(job: ReportJob, progress: jobs.Progress) -> list[jobs.BuiltFile]:
    center = job.organization
    year = int(job.params["fiscal_year"])
    figures = annual_figures(center, year)
    progress(_("記録を集計しました"))
    doc = layout(report_for(center, year), figures)
    docx = to_docx(doc)
    progress(_("Word文書を作りました"))
    pdf = to_pdf(doc)
    progress(_("PDFを作りました"))
    return [
        jobs.BuiltFile(FileFormat.DOCX, filename(center, year, "docx"), docx),
        jobs.BuiltFile(FileFormat.PDF, filename(center, year, "pdf"), pdf),
    ]


jobs.register(JobKind.ANNUAL_REPORT, steps=3, builder=build)
