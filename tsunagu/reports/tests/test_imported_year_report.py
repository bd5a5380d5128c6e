"""Issue 17, "Done when", the annual report's half: for a fiscal year imported from files with
original dates, the core center's annual report reproduces the counts the files imply.

The test writes the registers of 令和5年度 (with rows of the years around it; shared with
`referrals/tests/test_imported_year.py`, `core/tests/registers.py`): the joint-support
requests the center received, those an office received (the city's table counts both, the
center's own line only its own), and the consultations the center took.  It imports them as
the organizations' managers, generates the report for that year through the job, reads the
Word document (python-docx) and the PDF back, and checks every cell of the joint-support table
and the consultation counts against counts made here from the rows written."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document as WordDocument

from tsunagu.accounts.tests.factories import UserFactory
from tsunagu.cases.imports import consultations_import
from tsunagu.core.actor import Actor
from tsunagu.core.tests.pdf import pdf_text
from tsunagu.core.tests.registers import (
    COLUMNS_OF_TABLE,
    FY,
    ROWS,
    consultations,
    consultations_csv,
    consultations_in,
    expected,
    register,
    requests_csv,
    requests_xlsx,
)
from tsunagu.organizations.actors import actor_for
from tsunagu.organizations.models import Organization, SystemRole
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import MembershipFactory
from tsunagu.referrals.imports import requests_import
from tsunagu.reports import jobs, services
from tsunagu.reports.figures import annual_figures, check_year
from tsunagu.reports.models import ReportFile, ReportJob

pytestmark = pytest.mark.django_db

YEAR_END = dt.date(FY + 1, 3, 31)


def _manager(name: str, organization: Organization) -> Actor:
    user = UserFactory.create(username=name)
    MembershipFactory.create(
        user=user, organization=organization, job_title="manager", role=SystemRole.MANAGER
    )
    return actor_for(user, organization)


def _generate(personas) -> ReportJob:
    job = services.annual_report_generate(
        actor_as(personas.core_officer), center=personas.core_center, fiscal_year=FY
    )
    assert jobs.run(job.pk) == "done"
    return job


def _joint_table(content: bytes) -> list[list[str]]:
    """The rows of the Word document's joint-support table (the one headed 依頼者)."""
    word = WordDocument(io.BytesIO(content))
    [table] = [t for t in word.tables if t.rows[0].cells[0].text == "依頼者"]
    return [[cell.text for cell in row.cells] for row in table.rows]


def _first_cells(content: bytes) -> dict[str, list[str]]:
    word = WordDocument(io.BytesIO(content))
    rows: dict[str, list[str]] = {}
    for table in word.tables:
        for row in table.rows:
            cells = [cell.text for cell in row.cells]
            rows.setdefault(cells[0], cells[1:])
    return rows


def _expected_table(*registers: list[dict[str, object]]) -> list[list[str]]:
    """The table as the report must print it: header, a row per requester, the totals."""
    want = expected([row for rows in registers for row in rows], YEAR_END, accepted_only=False)
    body = [
        [
            label,
            *(str(want[label, c]) for c in COLUMNS_OF_TABLE),
            str(sum(want[label, c] for c in COLUMNS_OF_TABLE)),
        ]
        for label in ROWS
    ]
    totals = [str(sum(want[(r, c)] for r in ROWS)) for c in COLUMNS_OF_TABLE]
    return [
        ["依頼者", *COLUMNS_OF_TABLE, "件数"],
        *body,
        ["合計", *totals, str(sum(want.values()))],
    ]


@pytest.fixture
def imported(personas):
    """The three registers, imported; returns their rows."""
    center = _manager("core_manager", personas.core_center)
    office = _manager("office_a_manager", personas.office_a)
    own = register(seed=17, count=160)
    theirs = register(seed=29, count=60)
    taken = consultations(seed=5, count=150)
    for actor, data, name, run in (
        (center, requests_csv(own, "cp932"), "依頼台帳.csv", requests_import),
        (office, requests_xlsx(theirs), "register.xlsx", requests_import),
        (center, consultations_csv(taken), "相談受付簿.csv", consultations_import),
    ):
        outcome = run(actor, data=data, name=name, dry_run=False)
        assert outcome.committed, outcome.problems[:3]
    return own, theirs, taken


def test_the_figures_count_the_imported_year(personas, imported):
    own, theirs, taken = imported
    f = annual_figures(personas.core_center, FY, today=dt.date(2026, 12, 1))
    assert (f.start, f.end) == (dt.date(FY, 4, 1), YEAR_END)
    assert f.consultations == consultations_in(taken) > 0
    assert f.joint_support is not None
    want = expected(own + theirs, YEAR_END, accepted_only=False)
    assert f.joint_support.total == sum(want.values())
    # The center's own line counts its register only, never office A's.
    mine = expected(own, YEAR_END, accepted_only=False)
    accepted = expected(own, YEAR_END, accepted_only=True)
    assert (f.joint_received, f.joint_accepted) == (sum(mine.values()), sum(accepted.values()))
    assert 0 < f.joint_accepted < f.joint_received


def test_every_cell_of_the_report_of_an_imported_year(personas, imported):
    own, theirs, taken = imported
    job = _generate(personas)
    table = _expected_table(own, theirs)
    received = sum(expected(own, YEAR_END, accepted_only=False).values())
    accepted = sum(expected(own, YEAR_END, accepted_only=True).values())
    sentence = f"このうちセンターが受けた共同支援の依頼は{received}件、受理は{accepted}件でした。"

    docx = bytes(ReportFile.objects.get(job=job, format="docx").content)
    assert _joint_table(docx) == table
    assert _first_cells(docx)["相談受付"] == [str(consultations_in(taken))]
    word = WordDocument(io.BytesIO(docx))
    paragraphs = [p.text for p in word.paragraphs]
    assert sentence in paragraphs
    assert "令和5年度" in paragraphs[0]  # the title
    assert any("令和5年4月1日から令和6年3月31日まで" in p for p in paragraphs)

    pdf = pdf_text(bytes(ReportFile.objects.get(job=job, format="pdf").content))
    # Every row of the table, label then cells then total, in the table's order (the text is
    # read without spaces; a page break may fall between two rows, with the page's header).
    at = 0
    for row in table:
        found = pdf.find("".join(row), at)
        assert found >= 0, (row, pdf[at : at + 300])
        at = found + len("".join(row))
    assert f"相談受付{consultations_in(taken)}新たに開始した支援ケース" in pdf
    assert sentence in pdf


def test_a_year_known_only_from_an_imported_register_can_be_reported(personas):
    center = _manager("core_manager", personas.core_center)
    rows = register(seed=41, count=30)
    outcome = requests_import(
        center, data=requests_csv(rows, "utf-8-sig"), name="register.csv", dry_run=False
    )
    assert outcome.committed, outcome.problems[:3]
    assert check_year(FY) == FY
    assert check_year(FY - 1) == FY - 1  # the register reaches back to 令和4年度
    job = _generate(personas)
    docx = bytes(ReportFile.objects.get(job=job, format="docx").content)
    assert _joint_table(docx) == _expected_table(rows)
