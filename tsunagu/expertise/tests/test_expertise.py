"""The expertise directory (issue 18 item 4): who sees it, what an office declares, what its
closed cases show (counts only, small ones suppressed), the search by theme and ward, and the
API twin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tsunagu.accounts.tests.factories import UserFactory, api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.models import CaseStatus, DifficultyFactor
from tsunagu.cases.tests.factories import CaseFactory, TeamMemberFactory
from tsunagu.expertise import selectors, services
from tsunagu.expertise.models import ExpertiseDeclaration, Theme
from tsunagu.organizations.models import AreaKind, JobTitle, OrganizationKind, SystemRole
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import (
    AreaFactory,
    MembershipFactory,
    OrganizationFactory,
)

AGGRESSION = DifficultyFactor.TRAIT_AGGRESSION.value


def _closed(lead, n, factors=(AGGRESSION,), *, team=()):
    for _ in range(n):
        case = CaseFactory.create(
            lead_organization=lead,
            status=CaseStatus.CLOSED,
            difficulty_factors=list(factors),
            opened_on=dt.date(2025, 4, 1),
            closed_on=dt.date(2025, 9, 30),
        )
        for org in team:
            TeamMemberFactory.create(case=case, organization=org, added_by=case.lead_worker)


@pytest.fixture
def city_map(personas):
    """みどり市 with two wards: office A serves 北区 (through a catchment area in it), office B
    南区, the core center the whole city."""
    city = AreaFactory.create(code="city", name="みどり市", kind=AreaKind.CITY)
    north = AreaFactory.create(code="kita", name="北区", kind=AreaKind.WARD, parent=city)
    south = AreaFactory.create(code="minami", name="南区", kind=AreaKind.WARD, parent=city)
    north_catchment = AreaFactory.create(
        code="kita-1", name="北第一圏域", kind=AreaKind.CATCHMENT, parent=north
    )
    personas.office_a.areas_served.set([north_catchment])
    personas.office_b.areas_served.set([south])
    personas.core_center.areas_served.set([city])
    return {"north": north, "south": south}


def _names(entries):
    return [e.organization.name for e in entries]


# --- What the records show -------------------------------------------------------------------


def test_closed_cases_are_counted_by_theme_for_the_lead_and_the_team(personas):
    _closed(personas.office_a, 6, team=[personas.core_center])
    _closed(personas.office_b, 1, factors=[DifficultyFactor.LIFE_WITHDRAWAL])
    # Open cases and factors that name no theme are not experience of a theme.
    CaseFactory.create(lead_organization=personas.office_a, difficulty_factors=[AGGRESSION])
    _closed(personas.office_a, 2, factors=[DifficultyFactor.LIFE_HOARDING])
    counts = selectors.closed_case_counts(
        [personas.office_a.pk, personas.office_b.pk, personas.core_center.pk]
    )
    assert counts == {
        (personas.office_a.pk, Theme.SEVERE_BEHAVIOUR): 6,
        (personas.core_center.pk, Theme.SEVERE_BEHAVIOUR): 6,
        (personas.office_b.pk, Theme.HIKIKOMORI): 1,
    }


@pytest.mark.parametrize(
    ("count", "band", "shown"),
    [
        (0, "none", 0),
        (1, "under_5", None),
        (4, "under_5", None),
        (5, "count", 5),
        (12, "count", 12),
    ],
)
def test_small_counts_are_never_shown(count, band, shown):
    assert selectors.shown_count(count) == (band, shown)


def test_one_and_four_cases_look_the_same_on_the_screen_and_in_the_api(personas, client_as):
    _closed(personas.office_a, 1)
    _closed(personas.office_b, 4)
    page = client_as(personas.counselor_a).get(
        reverse("expertise:directory"), {"theme": Theme.SEVERE_BEHAVIOUR}
    )
    text = page.content.decode().split('id="expertise-results"')[1]
    assert page.status_code == 200
    assert text.count("5件未満") == 2
    assert "1件" not in text
    assert "4件" not in text
    token = api_token_for(personas.counselor_a, personas.office_a)
    body = (
        client_as(personas.counselor_a)
        .get(
            "/api/v1/expertise",
            {"theme": "severe_behaviour"},
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        .json()
    )
    shown = {r["name"]: r["evidence"][0] for r in body["results"]}
    a, b = shown[personas.office_a.name], shown[personas.office_b.name]
    assert a["closed_cases"] is None
    assert b["closed_cases"] is None
    assert a["closed_cases_band"] == b["closed_cases_band"] == "under_5"
    assert a["score"] == b["score"]
    assert "4" not in str(b)


# --- The directory: theme, ward, ranking ----------------------------------------------------


def test_who_knows_about_severe_behaviour_in_the_north_ward(personas, city_map):
    actor = actor_as(personas.counselor_b, personas.office_b)
    _closed(personas.office_a, 5)
    _closed(personas.office_b, 7)  # in 南区: not asked
    services.declaration_create(
        actor_as(personas.core_officer), theme=Theme.SEVERE_BEHAVIOUR, note="SVの紹介ができます。"
    )
    entries = selectors.directory(actor, theme=Theme.SEVERE_BEHAVIOUR, ward=city_map["north"])
    # Office A serves a catchment area in 北区 and has records; the core center is city-wide
    # and declared; office B serves 南区 only.
    assert set(_names(entries)) == {personas.office_a.name, personas.core_center.name}
    entries = selectors.directory(actor, theme=Theme.SEVERE_BEHAVIOUR, ward=city_map["south"])
    assert _names(entries)[0] == personas.office_b.name


def test_declared_and_recorded_rank_above_either_alone(personas):
    writer = actor_as(personas.counselor_a, personas.office_a)
    services.declaration_create(writer, theme=Theme.SEVERE_BEHAVIOUR, note="")
    _closed(personas.office_a, 5)
    _closed(personas.office_b, 9)
    services.declaration_create(actor_as(personas.core_officer), theme=Theme.SEVERE_BEHAVIOUR)
    entries = selectors.directory(writer, theme=Theme.SEVERE_BEHAVIOUR)
    assert _names(entries) == [
        personas.office_a.name,  # declared (2) + five or more (2)
        personas.office_b.name,  # nine cases (2): ahead of the core center by the count shown
        personas.core_center.name,  # declared only (2)
    ]


def test_a_theme_without_evidence_lists_nobody(personas):
    _closed(personas.office_a, 5)
    assert (
        selectors.directory(actor_as(personas.counselor_a), theme=Theme.INTRACTABLE_DISEASE) == []
    )


def test_training_counts_are_attended_trainings_per_office_and_theme(personas, client_as):
    import datetime as dt

    from tsunagu.trainings.models import Registration
    from tsunagu.trainings.tests.factories import make_event

    assert selectors.training_counts([personas.office_a.pk]) == {}
    held = make_event(
        personas.core_center, personas.core_officer, status="held", held_on=dt.date(2025, 6, 1)
    )
    held.themes = [Theme.SEVERE_BEHAVIOUR, Theme.DEVELOPMENTAL]
    held.save()
    coming = make_event(personas.core_center, personas.core_officer, status="announced")
    coming.themes = [Theme.SEVERE_BEHAVIOUR]
    coming.save()

    def register(event, user, org, attendance):
        Registration.objects.create(
            event=event,
            worker=user,
            organization=org,
            job_title="counselor",
            status="registered",
            attendance=attendance,
            registered_by=user,
        )

    register(held, personas.counselor_a, personas.office_a, "attended")
    register(held, personas.colleague_a, personas.office_a, "attended")
    register(held, personas.counselor_b, personas.office_b, "absent")  # absent: not counted
    register(coming, personas.reader_a, personas.office_a, "")  # not held: not counted
    counts = selectors.training_counts([personas.office_a.pk, personas.office_b.pk])
    assert counts == {
        (personas.office_a.pk, Theme.SEVERE_BEHAVIOUR): 2,
        (personas.office_a.pk, Theme.DEVELOPMENTAL): 2,
    }
    # The directory ranks office A on the theme through its trainings alone.
    entries = selectors.directory(actor_as(personas.counselor_b), theme=Theme.SEVERE_BEHAVIOUR)
    assert [(e.organization, e.evidence[0].trainings) for e in entries] == [(personas.office_a, 2)]


# --- Access -----------------------------------------------------------------------------------


@pytest.fixture
def outsider(db):
    """A member of a hospital: on case teams sometimes, not in the consultation network."""
    hospital = OrganizationFactory.create(kind=OrganizationKind.HOSPITAL, name="みどりの森病院")
    user = UserFactory.create(username="hospital_mw")
    MembershipFactory.create(user=user, organization=hospital, job_title=JobTitle.OTHER)
    return user


@pytest.mark.parametrize("name", ["directory", "declarations", "declaration_create"])
def test_outside_the_network_every_page_is_a_404_and_audited(outsider, client_as, name):
    response = client_as(outsider).get(reverse(f"expertise:{name}"))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=outsider).exists()


def test_outside_the_network_the_api_is_a_404(outsider, client_as):
    token = api_token_for(outsider)
    client = client_as(outsider)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/v1/expertise", **auth).status_code == 404
    posted = client.post(
        "/api/v1/expertise/declarations",
        {"theme": "abuse"},
        content_type="application/json",
        **auth,
    )
    assert posted.status_code == 404


@pytest.mark.parametrize("who", ["city_official", "core_officer", "counselor_b", "reader_a"])
def test_the_network_reads_the_directory(personas, client_as, who):
    _closed(personas.office_a, 5)
    response = client_as(getattr(personas, who)).get(reverse("expertise:directory"))
    assert response.status_code == 200
    assert personas.office_a.name in response.content.decode()


def test_a_read_is_audited_without_persons(personas, client_as):
    _closed(personas.office_a, 5)
    client_as(personas.counselor_b).get(reverse("expertise:directory"), {"theme": "abuse"})
    row = AuditEvent.objects.filter(
        action=Action.RECORDS_LISTED, actor=personas.counselor_b
    ).latest("pk")
    assert row.detail["view"] == "expertise"
    assert row.person_ids == []
    assert row.detail["filters"]["theme"] == "abuse"


def test_another_offices_declaration_is_a_404_to_edit_or_withdraw(personas, client_as):
    made = services.declaration_create(
        actor_as(personas.counselor_a), theme=Theme.ABUSE, note="虐待対応の経験があります。"
    )
    client = client_as(personas.counselor_b)
    for name in ("declaration_edit", "declaration_delete"):
        url = reverse(f"expertise:{name}", kwargs={"declaration_id": made.pk})
        assert client.get(url).status_code == 404
        assert client.post(url, {"note": "x"}).status_code == 404
    made.refresh_from_db()
    assert made.note == "虐待対応の経験があります。"
    huge = reverse("expertise:declaration_edit", kwargs={"declaration_id": 2**63})
    assert client.get(huge).status_code == 404


def test_a_read_only_member_may_not_declare(personas, client_as):
    assert client_as(personas.reader_a).get(reverse("expertise:declarations")).status_code == 404
    assert not selectors.may_declare(actor_as(personas.reader_a))


def test_a_ward_office_reads_but_does_not_declare(personas, client_as):
    ward_office = OrganizationFactory.create(kind=OrganizationKind.WARD_OFFICE, name="北区役所")
    user = UserFactory.create(username="ward_cw")
    MembershipFactory.create(
        user=user, organization=ward_office, job_title=JobTitle.CASEWORKER, role=SystemRole.STAFF
    )
    client = client_as(user)
    assert client.get(reverse("expertise:directory")).status_code == 200
    assert client.get(reverse("expertise:declaration_create")).status_code == 404


# --- Declarations through the screens -----------------------------------------------------------


def test_an_office_declares_changes_and_withdraws_with_audit_rows(personas, client_as):
    client = client_as(personas.counselor_a)
    response = client.post(
        reverse("expertise:declaration_create"),
        {
            "theme": Theme.SEVERE_BEHAVIOUR,
            "note": "強度行動障害支援者養成研修の修了者が2名います。",
        },
    )
    assert response.status_code == 302
    made = ExpertiseDeclaration.objects.get(organization=personas.office_a)
    assert made.declared_by == personas.counselor_a
    listed = client.get(reverse("expertise:declarations")).content.decode()
    assert "養成研修の修了者" in listed
    assert "強度行動障害" in listed
    edit = reverse("expertise:declaration_edit", kwargs={"declaration_id": made.pk})
    assert client.post(edit, {"note": "修了者が3名になりました。"}).status_code == 302
    delete = reverse("expertise:declaration_delete", kwargs={"declaration_id": made.pk})
    assert client.get(delete).status_code == 200
    assert client.post(delete).status_code == 302
    assert not ExpertiseDeclaration.objects.exists()
    actions = list(
        AuditEvent.objects.filter(target_type="expertise.expertisedeclaration")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["expertise.declared", "expertise.updated", "expertise.withdrawn"]


@pytest.mark.parametrize(
    "data",
    [
        {"theme": "not_a_theme"},
        {"theme": ""},
        {"theme": "abuse", "note": "あ" * 401},
        {"theme": "ぎゃくたい"},
        {"theme": "ｷﾞｬｸﾀｲ"},
    ],
)
def test_bad_input_on_the_form_is_a_400_with_a_message(personas, client_as, data):
    response = client_as(personas.counselor_a).post(reverse("expertise:declaration_create"), data)
    assert response.status_code == 400
    assert "field__errors" in response.content.decode()
    assert not ExpertiseDeclaration.objects.exists()


def test_a_theme_declared_twice_is_a_400_on_the_form(personas, client_as):
    client = client_as(personas.counselor_a)
    url = reverse("expertise:declaration_create")
    assert client.post(url, {"theme": "abuse"}).status_code == 302
    again = client.post(url, {"theme": "abuse"})
    assert again.status_code == 400
    assert "すでに登録しています" in again.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "theme=nope",
        "ward=9223372036854775808",
        "ward=abc",
        "ward=99999",
        "theme=%E3%81%8E%E3%82%83%E3%81%8F%E3%81%9F%E3%81%84",  # ぎゃくたい
        "theme=%ED%A0%80",  # a lone surrogate
    ],
)
def test_bad_search_is_a_400_with_a_message(personas, client_as, query):
    response = client_as(personas.counselor_a).get(f"{reverse('expertise:directory')}?{query}")
    assert response.status_code == 400
    assert "<h1>" in response.content.decode()


# --- The API twin ---------------------------------------------------------------------------------


def test_the_api_declares_changes_and_withdraws(personas, client_as):
    token = api_token_for(personas.counselor_a, personas.office_a)
    client = client_as(personas.counselor_a)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    made = client.post(
        "/api/v1/expertise/declarations",
        {"theme": "hikikomori", "note": "アウトリーチの経験があります。"},
        content_type="application/json",
        **auth,
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert made.json()["theme_label"] == "ひきこもり"
    patched = client.patch(
        f"/api/v1/expertise/declarations/{pk}",
        {"note": "家族会と連携しています。"},
        content_type="application/json",
        **auth,
    )
    assert patched.status_code == 200
    assert patched.json()["note"] == "家族会と連携しています。"
    listed = client.get("/api/v1/expertise", {"theme": "hikikomori"}, **auth).json()
    assert listed["results"][0]["evidence"][0]["declared"] is True
    assert client.delete(f"/api/v1/expertise/declarations/{pk}", **auth).status_code == 204
    assert not ExpertiseDeclaration.objects.exists()


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/v1/expertise/declarations", {"theme": "ぎゃくたい"}),
        ("post", "/api/v1/expertise/declarations", {"theme": "abuse", "note": "あ" * 401}),
        ("post", "/api/v1/expertise/declarations", "abuse"),
        ("post", "/api/v1/expertise/declarations", ["abuse"]),
        ("get", "/api/v1/expertise?ward_id=9223372036854775808", None),
        ("get", "/api/v1/expertise?ward_id=999999", None),
        ("get", "/api/v1/expertise?theme=nope", None),
    ],
)
def test_bad_input_in_the_api_is_a_json_error(personas, client_as, method, path, body):
    token = api_token_for(personas.counselor_a, personas.office_a)
    client = client_as(personas.counselor_a)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if method == "get":
        response = client.get(path, **auth)
    else:
        response = client.post(path, body, content_type="application/json", **auth)
    assert response.status_code in (400, 422), response.content
    assert "error" in response.json()


def test_the_api_answers_another_offices_declaration_with_404(personas, client_as):
    made = services.declaration_create(actor_as(personas.counselor_a), theme=Theme.ABUSE)
    token = api_token_for(personas.counselor_b, personas.office_b)
    client = client_as(personas.counselor_b)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = f"/api/v1/expertise/declarations/{made.pk}"
    assert (
        client.patch(url, {"note": "x"}, content_type="application/json", **auth).status_code == 404
    )
    assert client.delete(url, **auth).status_code == 404
    assert ExpertiseDeclaration.objects.filter(pk=made.pk).exists()
