"""提起日 is the day a community issue was raised, not the day it was saved (issue 16, item 8)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.core.dates import wareki
from tsunagu.core.tests.pdf import pdf_text
from tsunagu.meetings import services
from tsunagu.meetings.models import CommunityIssue, IssueSource
from tsunagu.organizations.tests.actors import actor_as

pytestmark = pytest.mark.django_db

SURVEY = {
    "title": "重症心身障害のある人の短期入所先が区内にない",
    "theme": "respite",
    "description": (
        "医療的ケアが必要な人の短期入所の受け皿が区内になく、家族の入院時に困る世帯が続いている。"
    ),
    "source": IssueSource.SURVEY,
    "source_note": "事業所アンケート",
}


def test_an_issue_raised_on_screen_with_an_era_date_shows_that_date(personas, client_as):
    client = client_as(personas.counselor_a)
    url = reverse("meetings:issue_create")
    bad = client.post(url, {**SURVEY, "raised_on": "R8.2.30"})
    assert bad.status_code == 400
    assert "令和8年2月30日はありません" in bad.content.decode()

    raised = dt.date(2026, 5, 11)
    response = client.post(url, {**SURVEY, "raised_on": "令和8年5月11日"})
    assert response.status_code == 302
    issue = CommunityIssue.objects.get()
    assert issue.raised_on == raised
    assert issue.steps.get().occurred_on == raised
    saved = timezone.localdate(issue.created_at)
    assert saved != raised

    shown = {
        reverse("meetings:issue_list"): "<td>{}</td>",
        reverse("meetings:issue_detail", args=[issue.pk]): "提起日</dt><dd>{}</dd>",
        reverse("meetings:council_issues"): "提起日 {}</p>",
    }
    for page, pattern in shown.items():
        html = client.get(page).content.decode()
        assert pattern.format(wareki(raised)) in html, page
        assert pattern.format(wareki(saved)) not in html, page

    token = api_token_for(personas.counselor_a, personas.office_a)
    answer = Client().get(
        f"/api/v1/community-issues/{issue.pk}", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert answer.json()["raised_on"] == "2026-05-11"


def test_without_a_date_an_issue_is_raised_today(personas, client_as):
    response = client_as(personas.counselor_a).post(reverse("meetings:issue_create"), SURVEY)
    assert response.status_code == 302
    assert CommunityIssue.objects.get().raised_on == timezone.localdate()


def test_the_council_handout_prints_the_date_raised(personas, client_as):
    lead = actor_as(personas.counselor_a, personas.office_a)
    raised = dt.date(2026, 5, 11)
    issue = services.issue_raise(actor=lead, data=SURVEY, raised_on=raised)
    saved = timezone.localdate(issue.created_at)
    client = client_as(personas.counselor_b)  # every member reads the de-identified issues
    page = client.get(reverse("meetings:council_issues")).content.decode()
    assert reverse("meetings:council_issues_pdf") in page

    response = client.get(reverse("meetings:council_issues_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    assert "提起日" in text
    stage = issue.get_stage_display()
    assert f"{stage}{wareki(raised)}" in text  # the row: … 段階 提起日
    assert f"{stage}{wareki(saved)}" not in text
    assert f"提起{wareki(raised)}" in text  # the pipeline's first step
    assert AuditEvent.objects.filter(
        action=Action.RECORDS_LISTED, detail__view="meetings.council_issues_pdf"
    ).exists()
