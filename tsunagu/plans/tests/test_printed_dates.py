"""The printed plan carries the plan's own date (計画作成日), not the day its row was saved
(issue 16, item 8); the text is read back from the PDF and the xlsx."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.core.dates import wareki
from tsunagu.core.tests.pdf import pdf_text
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.plans import services
from tsunagu.plans.models import SupportPlan
from tsunagu.plans.schedule import add_months
from tsunagu.plans.selectors import plan_diff
from tsunagu.plans.tests.world import build_plan_world

pytestmark = pytest.mark.django_db


def test_the_printed_plan_date_is_the_plan_s_own_date(personas, client_as):
    w = build_plan_world(personas)
    drafted = dt.date(2026, 2, 10)
    saved = timezone.localdate(w.plan.created_at)
    assert saved != drafted
    SupportPlan.objects.filter(pk=w.plan.pk).update(drafted_on=drafted)
    client = client_as(personas.counselor_a)

    pdf = client.get(reverse("plans:plan_pdf", args=[w.plan.pk]))
    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    assert f"計画作成日{wareki(drafted)}" in text  # 計画作成日 令和8年2月10日
    assert f"計画作成日{wareki(saved)}" not in text

    xlsx = client.get(reverse("plans:plan_xlsx", args=[w.plan.pk]))
    cells = [
        str(c.value)
        for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows()
        for c in row
        if c.value is not None
    ]
    assert cells[cells.index("計画作成日") + 1] == wareki(drafted)


def test_the_plan_date_is_entered_as_an_era_date_and_defaults_to_today(personas, client_as):
    person = PersonFactory.create(registered_by_organization=personas.office_a)
    case = CaseFactory.create(
        person=person,
        lead_organization=personas.office_a,
        lead_worker=personas.counselor_a,
        opened_on=dt.date(2026, 1, 5),
    )
    client = client_as(personas.counselor_a)
    url = reverse("plans:plan_create", args=[case.pk])
    data = {
        "overall_policy": "本人のペースで通所先を探す。",
        "period_start": "R8.2.1",
        "period_end": add_months(dt.date(2026, 2, 1), 6).isoformat(),
        "monitoring_frequency": "monthly",
    }
    bad = client.post(url, {**data, "drafted_on": "H31.5.1"})
    assert bad.status_code == 400
    assert "平成は平成31年4月30日までです" in bad.content.decode()

    response = client.post(url, {**data, "drafted_on": "令和8年1月20日"})
    assert response.status_code == 302
    plan = SupportPlan.objects.get(case=case)
    assert plan.period_start == dt.date(2026, 2, 1)
    assert plan.drafted_on == dt.date(2026, 1, 20)
    assert (
        f"計画作成日</dt><dd>{wareki(plan.drafted_on)}"
        in client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    )


def test_a_plan_without_a_date_is_dated_today_and_so_is_a_new_version(personas):
    w = build_plan_world(personas)
    assert w.plan.drafted_on == timezone.localdate()
    SupportPlan.objects.filter(pk=w.plan.pk).update(drafted_on=dt.date(2026, 1, 20))
    w.plan.refresh_from_db()
    new = services.plan_new_version(
        actor_as(personas.counselor_a, personas.office_a), plan=w.plan, reason="見直し"
    )
    assert new.drafted_on == timezone.localdate()
    assert "計画作成日" not in plan_diff(new)  # the date is no change of content
