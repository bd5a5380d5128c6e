"""/reports/: what the reports app offers the actor (the core center and the city), linked from
the home page; everyone else gets the audited 404 of every report page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.core.dates import fiscal_year_label
from tsunagu.organizations.models import OrganizationKind
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import OrganizationFactory
from tsunagu.reports import jobs, services
from tsunagu.reports.figures import report_years

pytestmark = pytest.mark.django_db


def test_the_center_sees_its_newest_report_and_what_was_made_lately(personas, client_as):
    other = OrganizationFactory.create(kind=OrganizationKind.CORE_CENTER, name="別の基幹センター")
    newest = report_years()[0]
    job = services.annual_report_generate(
        actor_as(personas.core_officer), center=personas.core_center, fiscal_year=newest
    )
    jobs.run(job.pk)
    client = client_as(personas.core_officer)
    page = client.get("/reports/")
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("reports:annual_index") in html
    assert reverse("reports:annual_detail", args=[personas.core_center.pk, newest]) in html
    assert fiscal_year_label(newest) in html
    assert reverse("reports:job_detail", args=[job.pk]) in html
    assert reverse("reports:job_download", args=[job.pk, "pdf"]) in html
    assert other.name not in html  # a center sees its own reports only
    home = client.get(reverse("dashboard:home")).content.decode()
    assert 'href="/reports/"' in home


def test_the_city_sees_every_centers_reports(personas, client_as):
    other = OrganizationFactory.create(kind=OrganizationKind.CORE_CENTER, name="別の基幹センター")
    html = client_as(personas.city_official).get("/reports/").content.decode()
    assert personas.core_center.name in html
    assert other.name in html
    assert "まだ作成していません。" in html


@pytest.mark.parametrize("who", ["counselor_a", "counselor_b"])
def test_offices_get_an_audited_404_and_no_link(personas, client_as, who):
    client = client_as(getattr(personas, who))
    assert client.get("/reports/").status_code == 404
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, target_id="reports", actor=getattr(personas, who)
    ).exists()
    assert "/reports/" not in client.get(reverse("dashboard:home")).content.decode()


def test_a_visitor_signs_in_first(client):
    response = client.get("/reports/")
    assert response.status_code == 302
    assert "/reports/" not in response["Location"].split("?")[0]
