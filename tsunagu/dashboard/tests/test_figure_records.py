"""Each dashboard figure links to the records it counts (issue 17 item 1, "each figure a link to
the list behind it"), in the small world of test_figures.py whose every count is known.

The list of a category has as many rows as the figure's cell, for every figure and every
category; the rows name nobody; a row opens its record only for the organization that holds
it; the council sees the figure's table and no record; an outsider gets a 404; each page is on
the record."""

from __future__ import annotations

import pytest

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.dashboard import figures as dashboards
from tsunagu.dashboard import records
from tsunagu.dashboard.tests.test_figures import TODAY, YEAR, world  # noqa: F401  # fixture
from tsunagu.organizations.models import Membership
from tsunagu.organizations.tests.actors import actor_as

pytestmark = pytest.mark.django_db


def _records(user, key):
    actor = actor_as(user)
    scope = dashboards.scope_of(actor)
    assert scope is not None
    return records.figure_records(actor, scope, year=YEAR, key=key, today=TODAY)


@pytest.mark.parametrize("key", records.FIGURE_KEYS)
@pytest.mark.parametrize("who", ["city_official", "core_officer"])
def test_every_category_lists_as_many_records_as_its_count(personas, world, key, who):  # noqa: F811
    found = _records(getattr(personas, who), key)
    assert found.categories or key == records.OVERDUE
    for category, _label, count in found.categories:
        assert len(found.only(category)) == count, (key, category)
    if found.total is not None:
        assert len(found.rows) == found.total, key


def test_the_known_world_is_listed(personas, world):  # noqa: F811
    consultations = _records(personas.city_official, "consultations_by_month")
    assert len(consultations.rows) == 5
    assert [row.day for row in consultations.rows] == sorted(row.day for row in consultations.rows)
    overdue = _records(personas.city_official, records.OVERDUE)
    assert len(overdue.rows) == overdue.total == 1
    assert overdue.rows[0].url == ""  # office A's case: the city cannot open it


def test_a_ward_office_lists_only_its_ward(personas, world):  # noqa: F811
    found = _records(world.ward_user, "consultations_by_ward")
    assert {row.cells[-1] for row in found.rows} == {"中央区"}
    assert len(found.rows) == found.total


def test_a_row_opens_only_the_holders_record(personas, world):  # noqa: F811
    city = _records(personas.city_official, "consultations_by_month")
    assert all(row.url == "" for row in city.rows)  # the city received none of them
    core = _records(personas.core_officer, "joint_support_by_requester")
    assert core.rows
    assert all(row.url.startswith("/referrals/") for row in core.rows)


def test_the_council_gets_the_table_and_no_record(personas, world):  # noqa: F811
    found = _records(world.council_member, "consultations_by_disability")
    assert found.suppressed
    assert found.rows == []
    assert all(count is None or count == 0 or count >= 5 for _k, _l, count in found.categories)


# --- The screen -----------------------------------------------------------------------------


def test_the_dashboard_links_every_figure_to_its_records(personas, world, client_as):  # noqa: F811
    page = client_as(personas.city_official).get(f"/dashboards/?fiscal_year={YEAR}")
    html = page.content.decode()
    for key in records.FIGURE_KEYS:
        assert f"/dashboards/records/{key}/?fiscal_year={YEAR}" in html, key
    assert f"/dashboards/records/consultations_by_month/?fiscal_year={YEAR}&amp;category=" in html


def test_the_page_lists_the_rows_of_a_category_and_is_on_the_record(
    personas,
    world,  # noqa: F811
    client_as,
):
    client = client_as(personas.core_officer)
    response = client.get(
        "/dashboards/records/consultations_by_support_type/",
        {"fiscal_year": YEAR, "category": "service_use"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    found = _records(personas.core_officer, "consultations_by_support_type")
    expected = len(found.only("service_use"))
    assert f"<caption>{expected}件</caption>" in html
    assert world.case1.person.family_name not in html
    event = AuditEvent.objects.filter(action=records.ACTION_RECORDS_VIEWED).get()
    assert event.target_id == "consultations_by_support_type"
    assert event.detail["category"] == "service_use"
    assert event.detail["rows"] == expected


def test_the_council_page_shows_no_record(personas, world, client_as):  # noqa: F811
    response = client_as(world.council_member).get(
        "/dashboards/records/consultations_by_month/", {"fiscal_year": YEAR}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "個々の記録は表示しません" in html
    assert "数えた記録" not in html


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/dashboards/records/nothing/", {"fiscal_year": YEAR}, 404),
        ("/dashboards/records/consultations_by_month/", {"fiscal_year": "99999"}, 400),
        ("/dashboards/records/consultations_by_month/", {"category": "あ"}, 400),
        ("/dashboards/records/consultations_by_month/?category=%ED%A0%80", {}, 400),
        ("/dashboards/records/consultations_by_month/", {"page": str(2**63)}, 200),
    ],
)
def test_bad_input_is_a_message_never_a_500(personas, world, client_as, path, params, status):  # noqa: F811
    response = client_as(personas.city_official).get(path, params)
    assert response.status_code == status


def test_an_outsider_gets_a_404_and_it_is_audited(personas, world, client_as):  # noqa: F811
    response = client_as(personas.counselor_b).get(
        "/dashboards/records/consultations_by_month/", {"fiscal_year": YEAR}
    )
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, target_id="dashboard", actor=personas.counselor_b
    ).exists()
    assert not AuditEvent.objects.filter(action=records.ACTION_RECORDS_VIEWED).exists()


# --- The home page --------------------------------------------------------------------------


def test_the_home_page_shows_this_years_figures_linked_to_their_records(
    personas,
    world,  # noqa: F811
    client_as,
):
    actor = actor_as(personas.city_official)
    scope = dashboards.scope_of(actor)
    assert scope is not None
    summary = dashboards.summary(actor, scope)
    board = dashboards.dashboard(actor, scope, year=summary.fiscal_year)
    assert summary.consultations.total == board.distribution("consultations_by_month").total
    assert [r.count for r in summary.consultations.rows] == [
        r.count for r in board.distribution("consultations_by_month").rows
    ]
    assert summary.cases == board.distribution("cases_by_month").total
    assert summary.joint_support == board.distribution("joint_support_by_requester").total
    assert summary.overdue_monitorings == board.overdue_monitorings
    html = client_as(personas.city_official).get("/").content.decode()
    assert 'role="img"' in html
    for url in (summary.cases_url, summary.joint_support_url, summary.overdue_url):
        assert url.replace("&", "&amp;") in html
    assert AuditEvent.objects.filter(
        action=dashboards.ACTION_VIEWED, detail__via="home", actor=personas.city_official
    ).exists()


def test_the_home_page_of_an_office_on_no_council_has_no_figures(personas, world, client_as):  # noqa: F811
    html = client_as(personas.counselor_b).get("/").content.decode()
    assert 'role="img"' not in html
    assert not AuditEvent.objects.filter(action=dashboards.ACTION_VIEWED).exists()


# --- The API --------------------------------------------------------------------------------


def _api_records(client, user, key, rows=False, **params):
    token = api_token_for(user, Membership.objects.get(user=user, is_primary=True).organization)
    return client.get(
        f"/api/v1/dashboards/records/{key}" + ("/rows" if rows else ""),
        params,
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_the_api_lists_the_same_records_as_the_screen(personas, world, client):  # noqa: F811
    key = "consultations_by_disability"
    response = _api_records(client, personas.city_official, key, fiscal_year=YEAR)
    assert response.status_code == 200
    body = response.json()
    page = _api_records(client, personas.city_official, key, rows=True, fiscal_year=YEAR).json()
    assert page["count"] == len(page["results"]) == body["total"] == 5
    for category in body["categories"]:
        one = _api_records(
            client,
            personas.city_official,
            key,
            rows=True,
            fiscal_year=YEAR,
            category=category["key"],
        ).json()
        assert one["count"] == category["count"]
        assert all(category["key"] in row["categories"] for row in one["results"])


def test_the_api_rows_are_paginated_and_each_page_served_is_on_the_record(
    personas,
    world,  # noqa: F811
    client,
):
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    page = _api_records(
        client,
        personas.city_official,
        "consultations_by_disability",
        rows=True,
        fiscal_year=YEAR,
        page_size=2,
        page=2,
    ).json()
    assert (page["count"], page["page"], page["pages"], len(page["results"])) == (5, 2, 3, 2)
    assert page["next"]
    assert page["previous"]
    served = AuditEvent.objects.filter(pk__gt=before, action=records.ACTION_RECORDS_VIEWED)
    assert [event.detail["rows"] for event in served] == [2]


def test_the_api_gives_the_council_no_record(personas, world, client):  # noqa: F811
    body = _api_records(client, world.council_member, "cases_by_month", fiscal_year=YEAR).json()
    assert body["suppressed"] is True
    rows = _api_records(
        client, world.council_member, "cases_by_month", rows=True, fiscal_year=YEAR
    ).json()
    assert rows["count"] == 0
    assert rows["results"] == []


@pytest.mark.parametrize("rows", [False, True])
@pytest.mark.parametrize(
    ("key", "params", "status"),
    [
        ("nothing", {}, 404),
        ("cases_by_month", {"fiscal_year": "99999"}, 422),
        ("cases_by_month", {"fiscal_year": "あ"}, 422),
    ],
)
def test_the_api_refuses_bad_input(personas, world, client, key, params, status, rows):  # noqa: F811
    response = _api_records(client, personas.city_official, key, rows=rows, **params)
    assert response.status_code == status


@pytest.mark.parametrize("params", [{"category": "あ"}, {"page": str(2**63)}, {"page_size": "0"}])
def test_the_api_rows_refuse_a_bad_category_or_page(personas, world, client, params):  # noqa: F811
    response = _api_records(client, personas.city_official, "cases_by_month", rows=True, **params)
    assert response.status_code == 422


@pytest.mark.parametrize("rows", [False, True])
def test_the_api_answers_an_outsider_404(personas, world, client, rows):  # noqa: F811
    response = _api_records(
        client, personas.counselor_b, "cases_by_month", rows=rows, fiscal_year=YEAR
    )
    assert response.status_code == 404


def test_a_request_sent_again_counts_once(personas, world):  # noqa: F811
    """After a refusal the office sends the same case's request again: the requester figure,
    its records and the center's received line count it once; the outcomes count both."""
    import datetime as dt

    from django.utils import timezone

    from tsunagu.referrals import statistics
    from tsunagu.referrals.models import ReferralStatus
    from tsunagu.referrals.tests.factories import ReferralFactory

    before = _records(personas.city_official, "joint_support_by_requester")
    outcomes_before = _records(personas.city_official, "referral_outcomes")
    received_before = statistics.joint_support_received(
        statistics.period(YEAR), personas.core_center
    )
    for day, status in (
        (dt.date(2025, 8, 1), ReferralStatus.REJECTED),
        (dt.date(2025, 8, 5), ReferralStatus.ACCEPTED),
    ):
        ReferralFactory.create(
            case=world.case1,
            receiving_organization=personas.core_center,
            status=status,
            sent_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10))),
        )
    after = _records(personas.city_official, "joint_support_by_requester")
    assert after.total == len(after.rows) == before.total  # case1 was sent one this year already
    outcomes = _records(personas.city_official, "referral_outcomes")
    assert outcomes.total == len(outcomes.rows) == outcomes_before.total + 2
    received = statistics.joint_support_received(statistics.period(YEAR), personas.core_center)
    assert received.received == received_before.received


def test_a_ward_office_has_no_training_figure_to_list(personas, world, client_as):  # noqa: F811
    response = client_as(world.ward_user).get(
        "/dashboards/records/trainings_by_kind/", {"fiscal_year": YEAR}
    )
    assert response.status_code == 404
