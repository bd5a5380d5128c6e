"""Areas, organizations, the directory screens and acting for one of your organizations."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.organizations.models import (
    Area,
    AreaKind,
    JobTitle,
    Organization,
    OrganizationKind,
)
from tsunagu.organizations.services import ACTING_ORGANIZATION_SESSION_KEY
from tsunagu.organizations.tests.factories import (
    AreaFactory,
    MembershipFactory,
    OrganizationFactory,
)

# --- Areas ------------------------------------------------------------------------------------


@pytest.fixture
def areas(db) -> dict[str, Area]:
    city = AreaFactory.create(code="midori", name="みどり市", kind=AreaKind.CITY)
    aoba = AreaFactory.create(code="aoba-ku", name="青葉区", kind=AreaKind.WARD, parent=city)
    kaede = AreaFactory.create(code="kaede-ku", name="楓区", kind=AreaKind.WARD, parent=city)
    north = AreaFactory.create(
        code="aoba-north", name="青葉北圏域", kind=AreaKind.CATCHMENT, parent=aoba
    )
    school = AreaFactory.create(
        code="aoba-1-es", name="青葉第一小学校区", kind=AreaKind.SCHOOL_DISTRICT, parent=north
    )
    return {"city": city, "aoba": aoba, "kaede": kaede, "north": north, "school": school}


def test_area_hierarchy_accepts_the_documented_shape(areas):
    for area in areas.values():
        area.full_clean()


def test_a_ward_cannot_sit_under_a_school_district(areas):
    ward = Area(code="wrong-ward", name="誤った区", kind=AreaKind.WARD, parent=areas["school"])
    with pytest.raises(ValidationError) as raised:
        ward.full_clean()
    assert "parent" in raised.value.message_dict


@pytest.mark.parametrize(
    ("kind", "parent_key"),
    [
        (AreaKind.CITY, "city"),  # a city is the top
        (AreaKind.WARD, None),  # a ward needs its city
        (AreaKind.CATCHMENT, "city"),  # a catchment area sits under a ward
        (AreaKind.SCHOOL_DISTRICT, "city"),
    ],
)
def test_other_misplaced_areas_are_refused(kind, parent_key, areas):
    area = Area(
        code="misplaced", name="誤り", kind=kind, parent=areas[parent_key] if parent_key else None
    )
    with pytest.raises(ValidationError):
        area.full_clean()


# --- Organizations ----------------------------------------------------------------------------


def test_caseload_cap_only_on_offices_that_hold_planning_cases_in_clean(db):
    office = Organization(
        code="hospital",
        name="みどり病院 医療相談室",
        kind=OrganizationKind.HOSPITAL,
        caseload_cap=50,
    )
    with pytest.raises(ValidationError) as raised:
        office.full_clean()
    assert "caseload_cap" in raised.value.message_dict
    for kind in (
        OrganizationKind.DESIGNATED_PLANNING_OFFICE,
        OrganizationKind.CHILD_PLANNING_OFFICE,
        OrganizationKind.COMMISSIONED_OFFICE,  # seed 004: 50 per center, 75 in the west
    ):
        Organization(
            code=f"planning-{kind}", name="相談支援事業所 にじ", kind=kind, caseload_cap=50
        ).full_clean()


def test_a_deadline_needs_a_cap(db):
    office = Organization(
        code="planning",
        name="相談支援事業所 にじ",
        kind=OrganizationKind.DESIGNATED_PLANNING_OFFICE,
        caseload_cap_due_on=dt.date(2027, 3, 31),
    )
    with pytest.raises(ValidationError) as raised:
        office.full_clean()
    assert "caseload_cap_due_on" in raised.value.message_dict


def test_caseload_cap_only_on_offices_that_hold_planning_cases_in_the_database(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(
            code="hospital",
            name="みどり病院 医療相談室",
            kind=OrganizationKind.HOSPITAL,
            caseload_cap=50,
        )
    planning = Organization.objects.create(
        code="planning",
        name="指定特定相談支援事業所 にじ",
        kind=OrganizationKind.DESIGNATED_PLANNING_OFFICE,
        caseload_cap=50,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=planning.pk).update(kind=OrganizationKind.HOSPITAL)
    assert Organization.objects.get(pk=planning.pk).caseload_cap == 50


# --- Directory screens ------------------------------------------------------------------------


@pytest.fixture
def directory(personas, areas) -> dict[str, Organization]:
    personas.office_a.areas_served.add(areas["aoba"])
    personas.office_b.areas_served.add(areas["kaede"])
    planning = OrganizationFactory.create(
        code="niji",
        name="指定特定相談支援事業所 にじ",
        name_kana="していとくていにじ",
        kind=OrganizationKind.DESIGNATED_PLANNING_OFFICE,
        caseload_cap=40,
    )
    planning.areas_served.add(areas["north"])
    school = OrganizationFactory.create(
        code="aoba-es",
        name="みどり市立青葉第一小学校",
        kind=OrganizationKind.SCHOOL,
        has_accounts=False,
    )
    school.areas_served.add(areas["school"])
    closed = OrganizationFactory.create(
        code="closed", name="相談支援センター 旧あおば", is_active=False
    )
    return {"planning": planning, "school": school, "closed": closed}


def _listed(client, **query) -> set[str]:
    response = client.get("/organizations/", query)
    assert response.status_code == 200
    return {o.name for o in response.context["rows"]}


ALL_ACTIVE = {
    "相談支援センター あおば",
    "相談支援センター かえで",
    "みどり市基幹相談支援センター",
    "みどり市 障害者支援課",
    "指定特定相談支援事業所 にじ",
    "みどり市立青葉第一小学校",
}


def test_organization_list_shows_active_organizations(personas, client_as, directory):
    assert _listed(client_as(personas.reader_a)) == ALL_ACTIVE


def test_filter_by_kind(personas, client_as, directory):
    client = client_as(personas.counselor_a)
    assert _listed(client, kind=OrganizationKind.COMMISSIONED_OFFICE) == {
        "相談支援センター あおば",
        "相談支援センター かえで",
    }
    assert _listed(client, kind=OrganizationKind.SCHOOL) == {"みどり市立青葉第一小学校"}


def test_filter_by_area_includes_every_area_below_it(personas, client_as, directory, areas):
    client = client_as(personas.counselor_a)
    # The school serves a school district two levels below the ward.
    assert _listed(client, area=areas["aoba"].pk) == {
        "相談支援センター あおば",
        "指定特定相談支援事業所 にじ",
        "みどり市立青葉第一小学校",
    }
    assert _listed(client, area=areas["north"].pk) == {
        "指定特定相談支援事業所 にじ",
        "みどり市立青葉第一小学校",
    }
    assert _listed(client, area=areas["kaede"].pk) == {"相談支援センター かえで"}
    assert _listed(client, area=areas["school"].pk) == {"みどり市立青葉第一小学校"}
    assert _listed(client, area=areas["city"].pk) == {
        "相談支援センター あおば",
        "相談支援センター かえで",
        "指定特定相談支援事業所 にじ",
        "みどり市立青葉第一小学校",
    }


def test_filter_by_name_or_reading(personas, client_as, directory):
    client = client_as(personas.counselor_a)
    assert _listed(client, q="かえで") == {"相談支援センター かえで"}
    assert _listed(client, q="していとくてい") == {"指定特定相談支援事業所 にじ"}
    assert _listed(client, q="青葉", kind=OrganizationKind.SCHOOL) == {"みどり市立青葉第一小学校"}


def test_htmx_request_gets_only_the_table(personas, client_as, directory):
    client = client_as(personas.counselor_a)
    response = client.get("/organizations/", {"q": "かえで"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    templates = [t.name for t in response.templates]
    assert "organizations/partials/organization_table.html" in templates
    assert "organizations/pages/organization_list.html" not in templates
    body = response.content.decode()
    assert "<html" not in body
    assert "<table" in body
    assert "相談支援センター かえで" in body
    assert "相談支援センター あおば" not in body
    full = client.get("/organizations/", {"q": "かえで"}).content.decode()
    assert "<html" in full


def test_organization_detail_shows_members_of_an_organization_with_accounts(
    personas, client_as, directory
):
    client = client_as(personas.counselor_b)
    response = client.get(f"/organizations/{personas.office_a.pk}/")
    assert response.status_code == 200
    members = {m.user for m in response.context["members"]}
    assert members == {personas.counselor_a, personas.colleague_a, personas.reader_a}
    school = client.get(f"/organizations/{directory['school'].pk}/")
    assert school.status_code == 200
    assert school.context["members"] == []


def test_an_inactive_organization_is_404(personas, client_as, directory):
    response = client_as(personas.counselor_a).get(f"/organizations/{directory['closed'].pk}/")
    assert response.status_code == 404


def test_area_list_is_in_tree_order(personas, client_as, areas):
    response = client_as(personas.counselor_a).get("/organizations/areas/")
    ordered = [a.code for a in response.context["areas"]]
    assert ordered.index("midori") < ordered.index("aoba-ku") < ordered.index("aoba-north")
    assert ordered.index("aoba-north") < ordered.index("aoba-1-es")
    depth = {a.code: a.depth for a in response.context["areas"]}
    assert depth == {"midori": 0, "aoba-ku": 1, "kaede-ku": 1, "aoba-north": 2, "aoba-1-es": 3}


def test_api_lists_and_filters_organizations(personas, client, directory, areas):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(personas.counselor_a)}"}
    by_kind = client.get("/api/v1/organizations", {"kind": "school"}, **headers)
    assert [o["name"] for o in by_kind.json()["results"]] == ["みどり市立青葉第一小学校"]
    by_area = client.get("/api/v1/organizations", {"area": areas["kaede"].pk}, **headers)
    assert [o["name"] for o in by_area.json()["results"]] == ["相談支援センター かえで"]
    missing_area = client.get("/api/v1/organizations", {"area": 999999}, **headers)
    assert missing_area.status_code == 404
    assert missing_area.json()["error"]["code"] == "not_found"
    detail = client.get(f"/api/v1/organizations/{directory['planning'].pk}", **headers)
    assert detail.json()["caseload_cap"] == 40
    assert detail.json()["areas_served"] == [areas["north"].pk]


# --- Acting organization ----------------------------------------------------------------------


def test_a_member_can_switch_the_acting_organization(personas, client_as):
    MembershipFactory.create(
        user=personas.counselor_a,
        organization=personas.core_center,
        job_title=JobTitle.COUNSELOR,
        is_primary=False,
    )
    client = client_as(personas.counselor_a)
    assert client.get("/").wsgi_request.actor.organization == personas.office_a
    response = client.post(
        "/organizations/switch/",
        {"organization": personas.core_center.pk, "next": "/organizations/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/organizations/"
    assert client.session[ACTING_ORGANIZATION_SESSION_KEY] == personas.core_center.pk
    home = client.get("/")
    assert home.wsgi_request.actor.organization == personas.core_center
    event = AuditEvent.objects.get(action=Action.ORGANIZATION_SWITCHED)
    assert event.actor == personas.counselor_a
    assert event.organization == personas.core_center
    assert event.detail == {"from": personas.office_a.pk}


def test_switch_ignores_an_off_site_next(personas, client_as):
    MembershipFactory.create(
        user=personas.counselor_a, organization=personas.core_center, is_primary=False
    )
    response = client_as(personas.counselor_a).post(
        "/organizations/switch/",
        {"organization": personas.core_center.pk, "next": "https://evil.example.com/"},
    )
    assert response["Location"] == "/"


def test_switch_to_a_former_membership_is_refused(personas, client_as):
    MembershipFactory.create(
        user=personas.counselor_a,
        organization=personas.core_center,
        is_primary=False,
        is_active=False,
    )
    client = client_as(personas.counselor_a)
    client.post("/organizations/switch/", {"organization": personas.core_center.pk})
    assert ACTING_ORGANIZATION_SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED).count() == 1


def test_switch_with_a_non_numeric_organization_is_refused_quietly(personas, client_as):
    client = client_as(personas.counselor_a)
    response = client.post("/organizations/switch/", {"organization": "office-b"})
    assert response.status_code == 302
    assert ACTING_ORGANIZATION_SESSION_KEY not in client.session
    assert client.get("/").wsgi_request.actor.organization == personas.office_a


def test_switch_is_post_only(personas, client_as):
    response = client_as(personas.counselor_a).get("/organizations/switch/")
    assert response.status_code == 405


def test_area_filter_does_not_double_count_members(personas, client_as, directory, areas):
    personas.office_a.areas_served.add(areas["north"], areas["school"])
    response = client_as(personas.counselor_a).get("/organizations/", {"area": areas["city"].pk})
    counts = {o.name: o.member_count for o in response.context["rows"]}
    assert counts["相談支援センター あおば"] == 3
    assert [o.name for o in response.context["rows"]].count("相談支援センター あおば") == 1
