"""The council's report pack on the demo city (みどり市, 令和8年度): the city, the core center and a
member office read it; the schedule shows the council's May and October meetings held and the
March report not yet planned; the Word and PDF reports are made; nothing names a person."""

from __future__ import annotations

import io

import pytest
from docx import Document

from tsunagu.accounts.models import User
from tsunagu.core.tests.pdf import pdf_text
from tsunagu.meetings.models import BodyKind, MeetingBody
from tsunagu.people.models import Person

pytestmark = pytest.mark.django_db


def test_the_demo_citys_pack(demo_city, client_as):
    council = MeetingBody.objects.get(kind=BodyKind.COUNCIL)
    base = f"/meetings/bodies/{council.pk}/council-pack/"
    names = list(Person.objects.values_list("family_name", "given_name")[:200])
    for username in ("city1", "core1", "office_a1"):
        client = client_as(User.objects.get(username=username))
        page = client.get(f"{base}?fiscal_year=2026")
        assert page.status_code == 200, username
        body = page.content.decode()
        assert "協議会で部会の取組みを報告" in body
        assert "地域部会" in body
        for family, given in names:
            assert f"{family}{given}" not in body
            assert f"{family} {given}" not in body
    core = client_as(User.objects.get(username="core1"))
    docx = core.get(f"{base}report.docx?fiscal_year=2026")
    assert docx.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "2 部会の取組み" in text
    assert "相談支援部会" in text
    pdf = core.get(f"{base}report.pdf?fiscal_year=2026")
    assert pdf.status_code == 200
    assert "みどり市障害者自立支援協議会報告資料令和8年度" in pdf_text(pdf.content)
