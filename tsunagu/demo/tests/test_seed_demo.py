"""`manage.py seed_demo`: the demo city, its network and the seven demo accounts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from tsunagu.accounts.models import User
from tsunagu.accounts.views import DEMO_ACCOUNTS
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.demo import DEMO_PASSWORD
from tsunagu.demo.cases import STAFF
from tsunagu.demo.staffing import STAFF as STAFFING_STAFF
from tsunagu.organizations.models import Area, Corporation, Membership, Organization

USERNAMES = [
    "admin", "city1", "core1", "core2", "core_mgr", "ward1", "council1", "office_a1",
    "office_a2", "office_b1", "office_c1", "gh1",
]  # fmt: skip

EXPECTED_KINDS = {
    "core_center": 1,
    "commissioned_office": 3,
    "designated_planning_office": 5,
    "community_life_hub": 1,
    "ward_office": 3,
    "city_department": 1,
    "elderly_support_center": 1,
    "hikikomori_support_center": 1,
    "school": 1,
    "hospital": 1,
    "welfare_commissioner": 1,
    "other": 1,
    # the day-service group homes (demo/grouphomes.py) and the service chosen after a trial
    # (demo/trials.py)
    "service_provider": 5,
    "social_welfare_council": 1,  # 日常生活自立支援事業 (demo/rights.py)
}


def run_seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        "area": Area.objects.count(),
        "corporation": Corporation.objects.count(),
        "organization": Organization.objects.count(),
        "user": User.objects.count(),
        "membership": Membership.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def org_of(username: str) -> Organization:
    return Membership.objects.get(user__username=username, is_primary=True).organization


@pytest.fixture
def demo(demo_city, db, settings) -> str:
    """The demo city, seeded once for this module (see the root conftest)."""
    settings.DEMO_MODE = True
    return demo_city


@pytest.mark.django_db
def test_refuses_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="TSUNAGU_DEMO=1"):
        run_seed()
    assert not User.objects.exists()
    assert not Organization.objects.exists()
    assert not AuditEvent.objects.exists()


def test_the_sign_in_page_names_every_demo_account_that_can_sign_in():
    assert list(DEMO_ACCOUNTS) == USERNAMES


def test_creates_the_demo_accounts_with_the_demo_password(demo):
    # The casework adds background staff who author records, and the staffing those who fill
    # a post (tsunagu/demo/staffing.py); none of them can sign in.
    staff = {spec.username for spec in STAFF} | {row[0] for row in STAFFING_STAFF}
    assert sorted(User.objects.values_list("username", flat=True)) == sorted(set(USERNAMES) | staff)
    assert not any(u.has_usable_password() for u in User.objects.filter(username__in=staff))
    request = RequestFactory().post("/accounts/login/")
    for username in USERNAMES:
        user = authenticate(request, username=username, password=DEMO_PASSWORD)
        assert user is not None, username
        assert user.username == username
    assert list(User.objects.filter(is_superuser=True).values_list("username", flat=True)) == [
        "admin"
    ]


def test_every_account_has_a_primary_membership(demo):
    for username in USERNAMES:
        assert Membership.objects.filter(user__username=username, is_primary=True).count() == 1


def test_admin_is_also_a_member_of_the_city_department(demo):
    assert org_of("admin").kind == "city_department"
    assert org_of("city1") == org_of("admin")


def test_organization_counts_per_kind(demo):
    counts = Counter(Organization.objects.values_list("kind", flat=True))
    assert dict(counts) == EXPECTED_KINDS


def test_only_schools_hospitals_and_commissioners_have_no_accounts(demo):
    kinds = set(Organization.objects.filter(has_accounts=False).values_list("kind", flat=True))
    assert kinds == {"school", "hospital", "welfare_commissioner"}


def test_planning_offices_have_caseload_caps_and_two_are_one_person(demo):
    offices = Organization.objects.filter(kind="designated_planning_office")
    assert all(office.caseload_cap for office in offices)
    one_person = offices.exclude(contact_person="")
    assert one_person.count() == 2
    assert {office.caseload_cap for office in one_person} == {35}
    # Seed 004: the commissioned centers hold at most 50 planning cases (75 in the west ward)
    # from the end of 令和4年度.
    commissioned = Organization.objects.filter(kind="commissioned_office")
    assert {(o.code, o.caseload_cap) for o in commissioned} == {
        ("office-aoba", 50),
        ("office-kaede", 50),
        ("office-sakura", 75),
    }
    assert {o.caseload_cap_due_on for o in commissioned} == {dt.date(2023, 3, 31)}
    assert not Organization.objects.exclude(
        kind__in=["designated_planning_office", "commissioned_office"]
    ).filter(caseload_cap__isnull=False)


def test_areas_form_a_valid_tree_under_the_city(demo):
    city = Area.objects.get(code="midori")
    assert city.kind == "city"
    assert city.children.filter(kind="ward").count() == 4
    for area in Area.objects.all():
        area.full_clean()
    assert Area.objects.filter(kind="school_district").exists()
    assert Area.objects.filter(kind="commissioner_district").exists()


def test_core_center_and_city_serve_the_city(demo):
    city = Area.objects.get(code="midori")
    for kind in ("core_center", "city_department"):
        assert list(Organization.objects.get(kind=kind).areas_served.all()) == [city]
    for ward_office in Organization.objects.filter(kind="ward_office"):
        assert [a.kind for a in ward_office.areas_served.all()] == ["ward"]


def test_core1_has_two_memberships(demo):
    memberships = Membership.objects.filter(user__username="core1")
    assert memberships.count() == 2
    assert memberships.filter(is_primary=True).get().organization.kind == "core_center"
    assert all(m.organization.has_accounts for m in memberships)


def test_office_a_users_share_an_office_and_office_b1_does_not(demo):
    office_a = org_of("office_a1")
    assert office_a.kind == "commissioned_office"
    assert org_of("office_a2") == office_a
    assert org_of("office_b1") != office_a
    assert org_of("office_b1").kind == "commissioned_office"


def test_first_run_records_one_demo_seeded_row_for_the_city_and_one_for_the_casework(demo):
    seeded = AuditEvent.objects.filter(action=Action.DEMO_SEEDED)
    assert seeded.count() == 2
    assert seeded.filter(detail__has_key="created").count() == 1
    assert AuditEvent.objects.filter(action=Action.USER_CREATED).count() == len(USERNAMES)


def test_second_run_creates_nothing(demo):
    before = row_counts()
    password_hashes = dict(User.objects.values_list("username", "password"))
    output = run_seed()
    assert row_counts() == before
    assert dict(User.objects.values_list("username", "password")) == password_hashes
    assert "新たに作成したものはありません" in output


def test_second_run_keeps_a_changed_password(demo):
    user = User.objects.get(username="office_a1")
    user.set_password("a-password-the-user-chose")
    user.save()
    run_seed()
    user.refresh_from_db()
    assert user.check_password("a-password-the-user-chose")


def test_output_lists_accounts_password_and_sign_in_url(demo):
    for username in USERNAMES:
        assert username in demo
    assert "佐藤 直子" in demo
    assert "みどり市基幹相談支援センター" in demo
    assert DEMO_PASSWORD in demo
    assert "/accounts/login/" in demo


def test_second_run_prints_the_same_account_table(demo):
    again = run_seed()
    table = demo[demo.index("デモ用アカウント:") :]
    assert again.endswith(table)


def test_the_centers_have_their_seed_004_posts_and_one_is_short_now(demo):
    from tsunagu.organizations.models import StaffingPost
    from tsunagu.organizations.staffing import staffing
    from tsunagu.organizations.tests.actors import actor_as

    posts = StaffingPost.objects.select_related("organization")
    for code in ("core-center", "office-aoba", "office-kaede", "office-sakura"):
        kinds = {p.kind for p in posts if p.organization.code == code}
        assert kinds == {"capacity_building_officer", "community_support_worker", "counselor"}
    assert posts.get(organization__code="office-sakura", kind="counselor").headcount == 2
    centers = staffing(
        actor_as(User.objects.get(username="city1")),
        fiscal_year=2026,
        today=dt.date(2026, 12, 1),
    )
    short = [(c.organization.code, c.shortfall) for c in centers if c.shortfall]
    assert short == [("office-aoba", 1)]
    sakura = next(c for c in centers if c.organization.code == "office-sakura")
    vacancies = [v for row in sakura.posts for v in row.vacancies]
    assert [(v.start, v.end, v.days) for v in vacancies] == [
        (dt.date(2026, 6, 1), dt.date(2026, 7, 31), 61)
    ]


def test_the_center_has_written_the_current_years_report_once(demo):
    from django.utils import timezone

    from tsunagu.core.dates import fiscal_year
    from tsunagu.demo.reports import SECTIONS
    from tsunagu.reports.models import AnnualReport

    report = AnnualReport.objects.get(organization__code="core-center")
    assert report.fiscal_year == fiscal_year(timezone.localdate())
    for name, text in SECTIONS.items():
        assert getattr(report, name) == text
    assert report.updated_by == User.objects.get(username="core1")
    assert AuditEvent.objects.filter(target_type="reports.annualreport").count() == 1
    assert "年次活動報告: 基幹センターの" in demo
    assert "年次活動報告: 作成済みのため" in run_seed()
    assert AnnualReport.objects.count() == 1
