"""The demo abuse response: one report closed in the current fiscal year and counted in the
survey, one past its fact-finding deadline on the city's overdue list; seeded once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tsunagu.abuse import selectors
from tsunagu.abuse.models import AbuseReport, ReportStatus
from tsunagu.accounts.models import User
from tsunagu.core.dates import fiscal_year
from tsunagu.demo.abuse import seed_and_summarise
from tsunagu.demo.management.commands.seed_demo import seed_demo
from tsunagu.organizations.actors import actor_for

pytestmark = pytest.mark.django_db


def test_the_demo_reports_seeded_once(settings):
    settings.DEMO_MODE = True
    seed_demo()
    assert seed_and_summarise().startswith("虐待対応: 通報 3件")
    assert seed_and_summarise() == "虐待対応: 既にあります（追加なし）"
    closed = AbuseReport.objects.get(status=ReportStatus.CLOSED)
    late = AbuseReport.objects.get(status=ReportStatus.RECEIVED)
    assert closed.fact_found_at is not None
    assert closed.judgement == "abuse"
    city = actor_for(closed.created_by)
    assert list(selectors.overdue(city)) == [late]
    survey = selectors.survey(city, fiscal_year(timezone.localdate()))
    assert survey.total == 3
    assert {u.username for u in closed.response_team.all()} == {"city1", "core1"}
    assert not User.objects.get(username="city1").is_superuser
