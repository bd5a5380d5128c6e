"""Staffing (issue 17 item 6; seed 004 人員体制): the posts the city sets, who filled them when,
the figures of today and the vacancy periods of a fiscal year, who sees and changes what."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from tsunagu.accounts.tests.factories import UserFactory, api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.core.dates import fiscal_year, fiscal_year_range
from tsunagu.core.errors import FieldErrors, Forbidden
from tsunagu.organizations import services
from tsunagu.organizations.models import (
    JobTitle,
    Membership,
    OrganizationKind,
    PostKind,
    StaffingAssignment,
    StaffingPost,
    SystemRole,
)
from tsunagu.organizations.staffing import staffing, vacancies_of
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import MembershipFactory, OrganizationFactory

TODAY = dt.date(2026, 11, 20)  # fiscal year 2026 (令和8年度), counted 2026-04-01..today
BIG = 2**63


# --- The computation against an independent one -------------------------------------------


def _independent_vacancies(headcount, required_from, required_until, spans, start, end):
    """Vacant days by expanding every span into days and counting, then cut into runs of
    consecutive days (the day's ordinal minus its index is constant along a run)."""
    filled: Counter[dt.date] = Counter()
    for first, last in spans:
        day = first
        while day <= (last or end):
            filled[day] += 1
            day += dt.timedelta(days=1)
    lo = max(start, required_from)
    hi = min(end, required_until) if required_until else end
    vacant = [
        lo + dt.timedelta(days=i)
        for i in range((hi - lo).days + 1)
        if filled[lo + dt.timedelta(days=i)] < headcount
    ]
    runs: dict[int, list[dt.date]] = {}
    for index, day in enumerate(vacant):
        runs.setdefault(day.toordinal() - index, []).append(day)
    return [(days[0], days[-1], len(days)) for days in runs.values()]


YEAR_START, YEAR_END = dt.date(2025, 4, 1), dt.date(2026, 3, 31)
day_in_year = st.integers(min_value=-40, max_value=400).map(
    lambda n: YEAR_START + dt.timedelta(days=n)
)
span = st.tuples(day_in_year, st.integers(min_value=0, max_value=200), st.booleans()).map(
    lambda t: (t[0], None if t[2] else t[0] + dt.timedelta(days=t[1]))
)


@settings(max_examples=60, deadline=None)
@given(
    headcount=st.integers(min_value=1, max_value=3),
    required_from=day_in_year,
    length=st.one_of(st.none(), st.integers(min_value=0, max_value=300)),
    spans=st.lists(span, max_size=4),
)
def test_vacancy_periods_match_an_independent_count(headcount, required_from, length, spans):
    until = None if length is None else required_from + dt.timedelta(days=length)
    post = StaffingPost(
        kind=PostKind.COUNSELOR,
        headcount=headcount,
        required_from=required_from,
        required_until=until,
    )
    held = [StaffingAssignment(started_on=a, ended_on=b) for a, b in spans]
    found = vacancies_of(post, held, YEAR_START, YEAR_END)
    assert [(v.start, v.end, v.days) for v in found] == _independent_vacancies(
        headcount, required_from, until, spans, YEAR_START, YEAR_END
    )
    assert all(v.days == (v.end - v.start).days + 1 for v in found)


# --- The figures of a center -----------------------------------------------------------------


def _member(org, username, job=JobTitle.COUNSELOR, role=SystemRole.STAFF) -> Membership:
    user = UserFactory.create(username=username)
    return MembershipFactory.create(user=user, organization=org, job_title=job, role=role)


@pytest.fixture
def posts(db, personas):
    """Office A (seed 004): one 機能強化員 filled all year, one 地域支援員 empty from 06-01 to
    07-31 (the first one left, the next came on 08-01), two 相談員 of whom one since 10-01.
    Office B: its 地域支援員 filled.  The core center: one 機能強化員, empty since 11-01."""
    a, b, core = personas.office_a, personas.office_b, personas.core_center
    start = dt.date(2021, 4, 1)
    officer = StaffingPost.objects.create(
        organization=a, kind=PostKind.CAPACITY_BUILDING_OFFICER, required_from=start
    )
    community = StaffingPost.objects.create(
        organization=a, kind=PostKind.COMMUNITY_SUPPORT_WORKER, required_from=start
    )
    counselors = StaffingPost.objects.create(
        organization=a, kind=PostKind.COUNSELOR, headcount=2, required_from=start
    )
    b_post = StaffingPost.objects.create(
        organization=b, kind=PostKind.COMMUNITY_SUPPORT_WORKER, required_from=start
    )
    core_post = StaffingPost.objects.create(
        organization=core, kind=PostKind.CAPACITY_BUILDING_OFFICER, required_from=start
    )
    colleague = Membership.objects.get(user=personas.colleague_a, organization=a)
    counselor = Membership.objects.get(user=personas.counselor_a, organization=a)
    StaffingAssignment.objects.create(post=officer, membership=colleague, started_on=start)
    StaffingAssignment.objects.create(
        post=community,
        membership=_member(a, "leaver_a"),
        started_on=start,
        ended_on=dt.date(2026, 5, 31),
    )
    StaffingAssignment.objects.create(
        post=community, membership=_member(a, "newcomer_a"), started_on=dt.date(2026, 8, 1)
    )
    StaffingAssignment.objects.create(
        post=counselors, membership=counselor, started_on=dt.date(2026, 10, 1)
    )
    StaffingAssignment.objects.create(
        post=b_post,
        membership=Membership.objects.get(user=personas.counselor_b),
        started_on=start,
    )
    StaffingAssignment.objects.create(
        post=core_post,
        membership=Membership.objects.get(user=personas.core_officer),
        started_on=start,
        ended_on=dt.date(2026, 10, 31),
    )
    return {"officer": officer, "community": community, "counselors": counselors}


def test_the_figures_of_today_and_the_vacancies_of_the_year(personas, posts):
    centers = staffing(actor_as(personas.city_official), fiscal_year=2026, today=TODAY)
    by_name = {c.organization.name: c for c in centers}
    a = by_name[personas.office_a.name]
    assert (a.required, a.filled, a.shortfall) == (4, 3, 1)
    rows = {row.post.kind: row for row in a.posts}
    community = rows[PostKind.COMMUNITY_SUPPORT_WORKER]
    assert (community.required, community.filled, community.shortfall) == (1, 1, 0)
    assert [(v.start, v.end, v.days, v.ongoing) for v in community.vacancies] == [
        (dt.date(2026, 6, 1), dt.date(2026, 7, 31), 61, False)
    ]
    counselors = rows[PostKind.COUNSELOR]
    assert (counselors.required, counselors.filled, counselors.shortfall) == (2, 1, 1)
    # Two missing until 09-30, one since: one run, still open today.
    [run] = counselors.vacancies
    assert (run.start, run.end, run.days, run.missing, run.ongoing) == (
        dt.date(2026, 4, 1),
        TODAY,
        (TODAY - dt.date(2026, 4, 1)).days + 1,
        2,
        True,
    )
    assert rows[PostKind.CAPACITY_BUILDING_OFFICER].vacancies == ()
    core = by_name[personas.core_center.name]
    assert core.shortfall == 1
    assert [(v.start, v.days) for v in core.posts[0].vacancies] == [(dt.date(2026, 11, 1), 20)]
    # Short now first (office A and the core center, one each: office A has more days
    # vacant), the filled center last.
    assert [c.organization for c in centers][:3] == [
        personas.office_a,
        personas.core_center,
        personas.office_b,
    ]


def test_a_past_year_is_counted_to_its_end_and_a_future_one_not_at_all(personas, posts):
    [a_last_year] = [
        c
        for c in staffing(actor_as(personas.counselor_a), fiscal_year=2025, today=TODAY)
        if c.organization == personas.office_a
    ]
    rows = {row.post.kind: row for row in a_last_year.posts}
    [run] = rows[PostKind.COUNSELOR].vacancies  # nobody all year
    assert (run.start, run.end, run.days, run.ongoing) == (
        dt.date(2025, 4, 1),
        dt.date(2026, 3, 31),
        365,
        True,
    )
    assert rows[PostKind.COMMUNITY_SUPPORT_WORKER].vacancies == ()
    future = staffing(actor_as(personas.counselor_a), fiscal_year=2027, today=TODAY)
    assert all(row.vacancies == () for c in future for row in c.posts)


# --- Who sees what ---------------------------------------------------------------------------


def test_the_city_and_the_core_center_see_every_center_a_center_its_own(personas, posts, client_as):
    url = reverse("organizations:staffing")
    for user in (personas.city_official, personas.core_officer):
        body = client_as(user).get(url).content.decode()
        for org in (personas.office_a, personas.office_b, personas.core_center):
            assert org.name in body
    own = client_as(personas.counselor_a).get(url)
    assert own.status_code == 200
    body = own.content.decode()
    assert personas.office_a.name in body
    assert personas.office_b.name not in body
    assert personas.core_center.name not in body
    # Each figure links to what it names: the center's page, the member on it.
    newcomer = Membership.objects.get(user__username="newcomer_a")
    detail = reverse("organizations:detail", args=[personas.office_a.pk])
    assert f'href="{detail}"' in body
    assert f'href="{detail}#member-{newcomer.pk}"' in body


def test_nobody_else_gets_the_page_or_the_api(personas, client_as, client):
    planner = OrganizationFactory.create(
        kind=OrganizationKind.DESIGNATED_PLANNING_OFFICE, name="指定特定 そよかぜ"
    )
    user = UserFactory.create(username="planner")
    MembershipFactory.create(user=user, organization=planner)
    signed_in = client_as(user)
    assert signed_in.get(reverse("organizations:staffing")).status_code == 404
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, actor=user, target_id="staffing"
    ).exists()
    assert reverse("organizations:staffing") not in signed_in.get("/").content.decode()
    token = api_token_for(user, planner)
    response = client.get("/api/v1/staffing", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 404


def test_the_home_page_of_the_city_links_the_staffing_page(personas, client_as):
    body = client_as(personas.city_official).get("/").content.decode()
    assert reverse("organizations:staffing") in body


def test_the_organization_page_shows_its_posts(personas, posts, client_as):
    body = (
        client_as(personas.counselor_b)
        .get(reverse("organizations:detail", args=[personas.office_a.pk]))
        .content.decode()
    )
    assert "人員配置" in body
    assert "地域支援員" in body
    assert Membership.objects.get(user__username="newcomer_a").user.full_name in body


# --- Who changes what ------------------------------------------------------------------------


def test_only_the_city_sets_posts(personas, posts, client_as):
    url = reverse("organizations:post_create", args=[personas.office_a.pk])
    data = {"kind": "counselor", "headcount": "1", "required_from": "R8.4.1"}
    for user in (personas.core_officer, personas.counselor_a):
        assert client_as(user).post(url, data).status_code == 403
    response = client_as(personas.city_official).post(url, data)
    assert response.status_code == 302
    post = StaffingPost.objects.get(organization=personas.office_a, required_from="2026-04-01")
    assert AuditEvent.objects.filter(
        action=Action.RECORD_CREATED,
        actor=personas.city_official,
        target_type="organizations.staffingpost",
        target_id=str(post.pk),
    ).exists()
    edit = reverse("organizations:post_edit", args=[post.pk])
    assert client_as(personas.core_officer).post(edit, {"headcount": "2"}).status_code == 403
    assert client_as(personas.city_official).post(edit, {"headcount": "2"}).status_code == 302
    post.refresh_from_db()
    assert post.headcount == 2


def test_a_centers_manager_or_the_city_records_who_fills_a_post(personas, posts, client_as):
    manager = _member(personas.office_a, "manager_a", JobTitle.MANAGER, SystemRole.MANAGER)
    url = reverse("organizations:assignment_create", args=[posts["counselors"].pk])
    data = {"membership": manager.pk, "started_on": "2026-11-01"}
    assert client_as(personas.counselor_a).post(url, data).status_code == 403
    assert client_as(personas.core_officer).post(url, data).status_code == 403
    assert client_as(manager.user).post(url, data).status_code == 302
    assignment = StaffingAssignment.objects.get(membership=manager)
    assert AuditEvent.objects.filter(
        action=Action.RECORD_CREATED, actor=manager.user, target_id=str(assignment.pk)
    ).exists()
    # The post is full now (two of two): a third is refused with the reason, not a 500.
    third = _member(personas.office_a, "third_a")
    response = client_as(personas.city_official).post(
        url, {"membership": third.pk, "started_on": "2026-11-10"}
    )
    assert response.status_code == 400
    assert "すでに埋まっています" in response.content.decode()
    end = reverse("organizations:assignment_end", args=[assignment.pk])
    assert client_as(manager.user).post(end, {"ended_on": "2026-11-15"}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.ended_on == dt.date(2026, 11, 15)


def test_the_services_refuse_what_does_not_fit(personas, posts):
    city = actor_as(personas.city_official)
    post = posts["counselors"]
    other = Membership.objects.get(user=personas.counselor_b)
    with pytest.raises(FieldErrors):
        services.staffing_assignment_add(
            city, post=post, membership=other, started_on=dt.date(2026, 4, 1)
        )
    own = Membership.objects.get(user=personas.counselor_a)
    with pytest.raises(FieldErrors):  # already on this post then
        services.staffing_assignment_add(
            city, post=post, membership=own, started_on=dt.date(2026, 11, 1)
        )
    with pytest.raises(FieldErrors):
        services.staffing_assignment_add(
            city,
            post=post,
            membership=Membership.objects.get(user=personas.colleague_a),
            started_on=dt.date(2026, 5, 1),
            ended_on=dt.date(2026, 4, 1),
        )
    with pytest.raises(FieldErrors):  # a post is for a center only
        services.staffing_post_create(
            city,
            organization=personas.city,
            kind=PostKind.COUNSELOR,
            headcount=1,
            required_from=dt.date(2026, 4, 1),
        )
    with pytest.raises(Forbidden):
        services.staffing_post_update(actor_as(personas.core_officer), post=post, headcount=3)
    services.staffing_assignment_add(
        city,
        post=post,
        membership=Membership.objects.get(user=personas.colleague_a),
        started_on=dt.date(2026, 10, 1),
    )
    with pytest.raises(FieldErrors):  # fewer places than people on them
        services.staffing_post_update(city, post=post, headcount=1)
    # The 地域支援員 who left on 05-31 cannot be kept on into the newcomer's time.
    leaver = StaffingAssignment.objects.get(membership__user__username="leaver_a")
    with pytest.raises(FieldErrors):
        services.staffing_assignment_end(city, assignment=leaver, ended_on=dt.date(2026, 8, 15))
    services.staffing_assignment_end(city, assignment=leaver, ended_on=dt.date(2026, 6, 15))
    leaver.refresh_from_db()
    assert leaver.ended_on == dt.date(2026, 6, 15)


# --- Bad input is never a 500 ------------------------------------------------------------------


@pytest.mark.parametrize("year", ["abc", str(BIG), "1900", "2100", "٢٠٢٦", "-1", "2026.5"])
def test_a_bad_year_is_a_message(personas, client_as, year):
    response = client_as(personas.city_official).get(
        reverse("organizations:staffing"), {"year": year}
    )
    assert response.status_code == 400
    assert "その年度は選べません" in response.content.decode()


def test_a_chosen_year_is_shown(personas, posts, client_as):
    this_year = fiscal_year(timezone.localdate())
    response = client_as(personas.city_official).get(
        reverse("organizations:staffing"), {"year": str(this_year - 1)}
    )
    assert response.status_code == 200
    start, end = fiscal_year_range(this_year - 1)
    assert response.context["counted"] == (start, end)


@pytest.mark.parametrize(
    "path",
    [
        f"/organizations/{BIG}/posts/new/",
        f"/organizations/posts/{BIG}/edit/",
        f"/organizations/posts/{BIG}/assignments/new/",
        f"/organizations/assignments/{BIG}/end/",
        "/organizations/posts/99999999/edit/",
    ],
)
def test_a_huge_or_unknown_id_is_not_a_500(personas, client_as, path):
    city = client_as(personas.city_official)
    assert city.get(path).status_code in (400, 404)
    assert city.post(path, {"headcount": "x"}).status_code in (400, 404)


def test_junk_in_the_forms_is_a_message(personas, posts, client_as):
    city = client_as(personas.city_official)
    create = reverse("organizations:post_create", args=[personas.office_a.pk])
    for data in (
        {"kind": "boss", "headcount": "1", "required_from": "2026-04-01"},
        {"kind": "counselor", "headcount": str(BIG), "required_from": "2026-04-01"},
        {"kind": "counselor", "headcount": "0", "required_from": "2026-04-01"},
        {"kind": "counselor", "headcount": "1", "required_from": "2026-02-30"},
        {"kind": "counselor", "headcount": "1", "required_from": "99999-01-01"},
        {
            "kind": "counselor",
            "headcount": "1",
            "required_from": "2026-04-01",
            "required_until": "2026-03-01",
        },
    ):
        response = city.post(create, data)
        assert response.status_code == 400, data
        assert "入力内容を確認してください" in response.content.decode()
    fill = reverse("organizations:assignment_create", args=[posts["counselors"].pk])
    for data in (
        {"membership": str(BIG), "started_on": "2026-04-01"},
        {"membership": "abc", "started_on": "2026-04-01"},
        {"membership": "", "started_on": "H99.13.1"},
    ):
        assert city.post(fill, data).status_code == 400, data


# --- The API -----------------------------------------------------------------------------------


def _api(client, user, org, method, path, body=None):
    token = api_token_for(user, org)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if method == "GET":
        return client.get(path, body or {}, **headers)
    return client.generic(
        method, path, data=body or "{}", content_type="application/json", **headers
    )


def test_the_api_does_what_the_screens_do(personas, posts, client):
    import json

    city, org = personas.city_official, personas.city
    created = _api(
        client,
        city,
        org,
        "POST",
        f"/api/v1/organizations/{personas.office_b.pk}/staffing-posts",
        json.dumps({"kind": "counselor", "headcount": 1, "required_from": "2026-04-01"}),
    )
    assert created.status_code == 201, created.content
    post_id = created.json()["id"]
    patched = _api(
        client,
        city,
        org,
        "PATCH",
        f"/api/v1/staffing-posts/{post_id}",
        json.dumps({"required_until": "2027-03-31"}),
    )
    assert patched.status_code == 200
    assert patched.json()["required_until"] == "2027-03-31"
    assert patched.json()["headcount"] == 1
    member = Membership.objects.get(user=personas.counselor_b)
    added = _api(
        client,
        city,
        org,
        "POST",
        f"/api/v1/staffing-posts/{post_id}/assignments",
        json.dumps({"membership_id": member.pk, "started_on": "2026-06-01"}),
    )
    assert added.status_code == 201, added.content
    ended = _api(
        client,
        city,
        org,
        "POST",
        f"/api/v1/staffing-assignments/{added.json()['id']}/end",
        json.dumps({"ended_on": "2026-09-30"}),
    )
    assert ended.status_code == 200
    assert ended.json()["ended_on"] == "2026-09-30"

    report = _api(client, personas.counselor_b, personas.office_b, "GET", "/api/v1/staffing")
    assert report.status_code == 200
    centers = report.json()["centers"]
    assert [c["organization_id"] for c in centers] == [personas.office_b.pk]


@pytest.mark.parametrize("year", ["abc", str(BIG), "1800", "2200"])
def test_the_api_refuses_an_unknown_year(personas, client, year):
    response = _api(
        client,
        personas.city_official,
        personas.city,
        "GET",
        "/api/v1/staffing",
        {"fiscal_year": year},
    )
    assert response.status_code == 422
    assert response.json()["error"]["message"]


def test_the_api_answers_junk_with_json(personas, posts, client):
    city, org = personas.city_official, personas.city
    for method, path, body in (
        ("PATCH", f"/api/v1/staffing-posts/{BIG}", '{"headcount": 1}'),
        ("PATCH", f"/api/v1/staffing-posts/{posts['officer'].pk}", '{"headcount": 0}'),
        ("PATCH", f"/api/v1/staffing-posts/{posts['officer'].pk}", '{"headcount": null}'),
        (
            "POST",
            f"/api/v1/staffing-posts/{posts['counselors'].pk}/assignments",
            f'{{"membership_id": {BIG}, "started_on": "2026-04-01"}}',
        ),
        (
            "POST",
            f"/api/v1/staffing-posts/{posts['counselors'].pk}/assignments",
            '{"membership_id": 1, "started_on": "2026-02-30"}',
        ),
        ("POST", f"/api/v1/organizations/{BIG}/staffing-posts", '{"kind": "x"}'),
        ("POST", f"/api/v1/staffing-assignments/{BIG}/end", '{"ended_on": "2026-04-01"}'),
    ):
        response = _api(client, city, org, method, path, body)
        assert 400 <= response.status_code < 500, (path, body, response.status_code)
        assert response.json()["error"]["message"]


def test_the_page_runs_the_same_queries_for_more_centers(personas, posts, client_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    city = client_as(personas.city_official)
    url = reverse("organizations:staffing")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert city.get(url).status_code == 200
        return len(ctx.captured_queries)

    queries()  # the first request of a session does its one-off work
    before = queries()
    for n in range(4):
        center = OrganizationFactory.create(kind=OrganizationKind.COMMISSIONED_OFFICE)
        holder = _member(center, f"more_{n}")
        for kind in (PostKind.CAPACITY_BUILDING_OFFICER, PostKind.COUNSELOR):
            post = StaffingPost.objects.create(
                organization=center, kind=kind, required_from=dt.date(2021, 4, 1)
            )
        StaffingAssignment.objects.create(
            post=post, membership=holder, started_on=dt.date(2021, 4, 1)
        )
    assert queries() == before
