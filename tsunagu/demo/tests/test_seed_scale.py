"""seed_scale at a tiny size: consistent, the same for the same seed, and careful where it runs."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F

from tsunagu.accounts.models import User
from tsunagu.cases.models import Case, CaseConference, CaseTeamMember, SharingBasis
from tsunagu.core.kana import normalize_kana
from tsunagu.demo import DEMO_PASSWORD
from tsunagu.demo.scale import Plan
from tsunagu.directory.models import (
    Location,
    Phone,
    Provider,
    Schedule,
    SocialResource,
)
from tsunagu.directory.services import search_text_of
from tsunagu.meetings.models import (
    CommunityIssue,
    Meeting,
    MeetingBody,
    MeetingStatus,
    ResourceDevelopment,
)
from tsunagu.organizations.models import Area, Membership, Organization
from tsunagu.people.models import HouseholdMember
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.plans.models import Assessment, AssessmentSection
from tsunagu.records.models import Formulation, ProgressNote
from tsunagu.search.models import SearchDocument

pytestmark = pytest.mark.django_db

END = dt.date(2026, 12, 1)
ARGS = ["--persons", "100", "--notes", "1000", "--years", "10", "--end", END.isoformat()]


def seed(settings, seed: int = 7) -> str:
    settings.DEMO_MODE = True
    out = io.StringIO()
    call_command("seed_scale", *ARGS, "--seed", str(seed), stdout=out)
    return out.getvalue()


def digest() -> str:
    """The content, without primary keys (which differ between runs and databases)."""
    rows = ProgressNote.objects.order_by("pk").values_list(
        "case__opened_on", "occurred_at", "kind", "text", "is_restricted", "author__username"
    )
    cases = Case.objects.order_by("pk").values_list(
        "person__kana_normalized", "household__name", "lead_organization__code", "status",
        "opened_on", "closed_on",
    )  # fmt: skip
    meetings = Meeting.objects.order_by("pk").values_list("body__name", "starts_at", "status")
    resources = SocialResource.objects.order_by("pk").values_list(
        "hsds_id", "name", "provider__name", "service_type__code", "status", "is_published",
        "capacity", "vacancies", "vacancies_confirmed_on", "search_text",
    )  # fmt: skip
    places = Location.objects.order_by("pk").values_list("hsds_id", "address", "area__code")
    developments = ResourceDevelopment.objects.order_by("pk").values_list(
        "kind", "occurred_on", "resource__hsds_id", "community_issue__title"
    )
    text = "".join(repr(list(q)) for q in (rows, cases, meetings, resources, places, developments))
    return hashlib.sha256(text.encode()).hexdigest()


def test_the_dataset_is_consistent(settings):
    output = seed(settings)
    assert "records.ProgressNote: 1000" in output
    assert ProgressNote.objects.count() == 1000
    cases = Case.objects.all()
    assert cases.count() > 20
    # Every case has its lead organization (and lead worker) on the team.
    leads = CaseTeamMember.objects.filter(
        basis=SharingBasis.LEAD, organization_id=F("case__lead_organization_id")
    )
    assert leads.values("case").distinct().count() == cases.count()
    # A consent-based team member names a consent that lists its organization.
    for member in CaseTeamMember.objects.filter(basis=SharingBasis.CONSENT):
        assert member.consent is not None
        assert member.organization in member.consent.organizations.all()
    # Notes lie within their case's life, by an author of the lead organization.
    for note in ProgressNote.objects.select_related("case"):
        day = note.occurred_at.date()
        assert note.case.opened_on <= day <= (note.case.closed_on or END) + dt.timedelta(days=1)
        assert note.author_organization_id == note.case.lead_organization_id
    members = set(Membership.objects.values_list("user_id", "organization_id"))
    authors = set(ProgressNote.objects.values_list("author_id", "author_organization_id"))
    assert authors <= members
    sizes = Counter(
        HouseholdMember.objects.values("household")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    )
    assert set(sizes) <= {2, 3, 4}
    # Notes spread over the ten years.
    years = {d.year for d in ProgressNote.objects.values_list("occurred_at", flat=True)}
    assert len(years) >= 8
    # The search index holds every source row.
    expected = (
        ProgressNote.objects.count()
        + Formulation.objects.count()
        + Assessment.objects.count()
        + AssessmentSection.objects.count()
    )
    assert SearchDocument.objects.count() == expected
    # The network meets as often as each body must, in every fiscal year that has passed.
    held = Meeting.objects.filter(status=MeetingStatus.HELD)
    for body in MeetingBody.objects.all():
        for fiscal_year in range(END.year - 9, END.year - 1):
            start = dt.datetime(fiscal_year, 4, 1, tzinfo=dt.UTC)
            end = dt.datetime(fiscal_year + 1, 4, 1, tzinfo=dt.UTC)
            count = held.filter(body=body, starts_at__gte=start, starts_at__lt=end).count()
            assert count == body.required_per_year, (body.name, fiscal_year)
    assert not Meeting.objects.filter(status=MeetingStatus.HELD, starts_at__date__gt=END).exists()
    # A case conference is of a case past intake, its organizer (the lead) attending.
    conferences = CaseConference.objects.select_related("case")
    assert conferences.exists()
    for conference in conferences:
        assert conference.organizer_id == conference.case.lead_organization_id
        assert conference.attendees.filter(organization_id=conference.organizer_id).exists()
    for issue in CommunityIssue.objects.select_related("source_conference"):
        assert issue.source_conference is not None
        assert issue.source_case_id == issue.source_conference.case_id
    # The directory: every organization's own service, the providers and informal
    # resources the plan sizes by persons, each resource in a ward with hours and a phone.
    plan = Plan(persons=100, notes=1000, years=10, seed=7, end=END)
    organizations = Organization.objects.count()
    linked = Provider.objects.filter(organization__isnull=False)
    assert linked.count() == organizations
    assert Provider.objects.filter(organization__isnull=True).count() == (
        plan.service_providers + plan.informal_resources
    )
    resources = SocialResource.objects.select_related("provider", "service_type")
    assert resources.filter(provider__organization__isnull=False).count() == organizations
    assert resources.filter(service_type__is_informal=True).count() == plan.informal_resources
    wards = set(Area.objects.filter(code__startswith="scale-ward-").values_list("pk", flat=True))
    for resource in resources.prefetch_related("specialties", "locations__area"):
        assert [loc.area_id in wards for loc in resource.locations.all()] == [True]
        assert resource.search_text == search_text_of(resource)
        assert normalize_kana(resource.name) in resource.search_text
        assert resource.vacancies is None or resource.vacancies <= (resource.capacity or 0)
        assert (resource.vacancies is None) == (resource.vacancies_confirmed_on is None)
        if resource.service_type.is_informal:
            assert resource.provider.organization_id is None
    assert Schedule.objects.count() == Phone.objects.count() == resources.count()
    developments = ResourceDevelopment.objects.select_related("community_issue", "resource")
    assert developments.count() == CommunityIssue.objects.count()
    for development in developments:
        assert development.community_issue is not None
        assert development.area_id == development.community_issue.area_id
        assert development.resource is not None
        assert not development.resource.service_type.is_informal
    # The demo accounts can sign in with the published demo password.
    assert User.objects.get(username="scale-0-1").check_password(DEMO_PASSWORD)


def test_the_same_seed_gives_the_same_data(settings):
    with transaction.atomic():
        seed(settings, seed=3)
        first = digest()
        transaction.set_rollback(True)
    assert not ProgressNote.objects.exists()
    with transaction.atomic():
        seed(settings, seed=3)
        assert digest() == first
        transaction.set_rollback(True)
    seed(settings, seed=4)
    assert digest() != first


def test_the_directory_grows_with_the_city():
    """About 2,300 resources for a city of 100,000 persons on file (a million people)."""
    city = Plan(persons=100_000, notes=1_000_000, years=10, seed=1, end=END)
    assert city.organizations == 588
    assert city.service_providers == 666
    assert city.informal_resources == 100
    # 588 organizations' own services, 1 to 4 (2.5 on average) per provider, the informal ones.
    assert 2250 < city.organizations + 2.5 * city.service_providers + city.informal_resources < 2450
    small = Plan(persons=1000, notes=10_000, years=10, seed=1, end=END)
    assert (small.service_providers, small.informal_resources) == (6, 2)


def test_a_larger_city_has_more_offices_not_bigger_ones():
    """The bench's growth from 1/100 to city scale must measure the city, not an office that
    holds twelve times the persons (issue 15): an office's caseload is the same at both."""
    city = Plan(persons=100_000, notes=1_000_000, years=10, seed=1, end=END)
    small = Plan(persons=1000, notes=10_000, years=10, seed=1, end=END)
    per_office = (city.persons / city.organizations, small.persons / small.organizations)
    assert 0.95 < per_office[0] / per_office[1] < 1.05


def test_refuses_outside_demo_mode_and_over_real_data(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="demo mode"):
        call_command("seed_scale", *ARGS)
    settings.DEMO_MODE = True
    PersonFactory.create()
    with pytest.raises(CommandError, match="already holds"):
        call_command("seed_scale", *ARGS)
    assert not ProgressNote.objects.exists()
