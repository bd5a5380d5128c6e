"""Every list under /api/v1/ is paginated by the one `Pagination` class (issue 14, item 5):
the same query parameters, bounded, and the same envelope with `count` and links."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from ninja import Schema
from ninja.signature.details import is_collection_type

from tsunagu.accounts.services import api_token_issue
from tsunagu.api import api
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.core.actor import Origin
from tsunagu.core.api import MAX_PAGE_SIZE, Pagination
from tsunagu.people.tests.factories import PersonFactory

# Not lists: one object that contains lists as part of a report, and the FHIR documents.
REPORTS = {
    "/referrals/statistics",
    "/meetings/compliance",
    "/network",
    "/search",
    "/auth/me",
    "/agenda",  # one week or month of the calendar, whole
    "/dashboards/figures",  # one fiscal year's figures, whole
}
# A schema with these beside its rows is a page made by hand (a plan's `items` is not a page).
PAGE_LIKE_FIELDS = {"count", "page", "pages", "num_pages", "next", "offset"}


def _get_operations() -> list[tuple[str, Any]]:
    found = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                if "GET" in operation.methods:
                    found.append(((prefix.rstrip("/") + path).replace("//", "/"), operation))
    return found


def _success_model(operation: Any) -> Any:
    model = operation.response_models.get(200)
    return None if model is None else model.model_fields["response"].annotation


def test_every_get_that_returns_a_list_is_paginated_by_the_one_class():
    operations = _get_operations()
    assert len(operations) > 40  # the walk found the API's routes
    bare_lists, hand_pages, paginated = [], [], []
    for path, operation in operations:
        model = _success_model(operation)
        if model is None:
            continue
        if is_collection_type(model):
            bare_lists.append(path)
        elif isinstance(model, type) and issubclass(model, Pagination.Output):
            assert getattr(operation.view_func, "_ninja_is_paginated", False), path
            paginated.append(path)
        elif (
            isinstance(model, type)
            and issubclass(model, Schema)
            and path not in REPORTS
            and PAGE_LIKE_FIELDS & set(model.model_fields)
        ):
            hand_pages.append(path)
    assert bare_lists == [], "lists without pagination"
    assert hand_pages == [], "lists paginated by hand"
    assert {"/persons", "/cases", "/consultations", "/community-issues", "/tasks"} <= set(paginated)


def test_every_paginated_route_declares_the_bounded_parameters_in_openapi():
    schema = api.get_openapi_schema()
    checked = 0
    for path, methods in schema["paths"].items():
        get = methods.get("get")
        if not get:
            continue
        responses = {str(code): r for code, r in get["responses"].items()}
        content = responses.get("200", {}).get("content", {})
        ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
        component = schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
        if not {"results", "next"} <= set(component.get("properties", {})):
            continue  # not a list (the search's `results` is a fixed-size ranked answer)
        params = {p["name"]: p["schema"] for p in get["parameters"] if p["in"] == "query"}
        assert params["page"]["minimum"] == 1, path
        assert params["page"]["maximum"] == 1_000_000, path
        page_size = next(s for s in params["page_size"]["anyOf"] if s.get("type") == "integer")
        assert (page_size["minimum"], page_size["maximum"]) == (1, MAX_PAGE_SIZE), path
        assert {"count", "page", "pages", "next", "previous"} <= set(component["required"])
        checked += 1
    assert checked > 25


@pytest.fixture
def api_client(personas):
    def make(user, organization) -> Client:
        token = api_token_issue(
            origin=Origin(path="/api/v1/auth/token"),
            user=user,
            organization=organization,
        ).raw
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return make


@pytest.fixture
def three_cases(personas):
    return [
        CaseFactory.create(
            lead_organization=personas.office_a,
            lead_worker=personas.counselor_a,
            person=PersonFactory.create(registered_by_organization=personas.office_a),
        )
        for _ in range(3)
    ]


def test_pages_carry_count_and_links_that_walk_the_list(personas, api_client, three_cases):
    client = api_client(personas.counselor_a, personas.office_a)
    first = client.get("/api/v1/cases", {"page_size": 2, "status": ""})
    assert first.status_code == 200, first.content
    body = first.json()
    assert (body["count"], body["page"], body["pages"]) == (3, 1, 2)
    assert body["previous"] is None
    assert len(body["results"]) == 2
    assert body["next"].startswith("/api/v1/cases?")
    second = client.get(body["next"]).json()
    assert (second["page"], second["next"]) == (2, None)
    assert len(second["results"]) == 1
    assert "page=1" in second["previous"]
    assert "page_size=2" in second["previous"]
    ids = {c["id"] for c in body["results"]} | {c["id"] for c in second["results"]}
    assert ids == {c.pk for c in three_cases}


def test_read_audit_names_only_the_persons_of_the_page_served(personas, api_client, three_cases):
    client = api_client(personas.counselor_a, personas.office_a)
    served = client.get("/api/v1/cases", {"page_size": 1, "page": 2, "status": ""}).json()
    (case,) = served["results"]
    row = AuditEvent.objects.get(action=Action.RECORDS_LISTED, actor=personas.counselor_a)
    assert row.person_ids == [case["person_id"]]


@pytest.mark.parametrize(
    "params",
    [{"page": 0}, {"page": 1_000_001}, {"page_size": 0}, {"page_size": MAX_PAGE_SIZE + 1}],
)
@pytest.mark.parametrize("path", ["/api/v1/cases", "/api/v1/areas", "/api/v1/meeting-bodies"])
def test_out_of_range_page_parameters_are_422(personas, api_client, path, params):
    response = api_client(personas.counselor_a, personas.office_a).get(path, params)
    assert response.status_code == 422, response.content
    assert response.json()["error"]["code"] == "validation_error"


def test_a_page_past_the_last_is_empty_and_links_back(personas, api_client, three_cases):
    body = (
        api_client(personas.counselor_a, personas.office_a)
        .get("/api/v1/cases", {"page": 9, "status": ""})
        .json()
    )
    assert (body["count"], body["results"], body["next"]) == (3, [], None)
    assert "page=1" in body["previous"]


def test_persons_pages_count_in_the_page_query_and_keep_the_envelope(
    personas, api_client, three_cases
):
    """The person search counts in its page's query (core.paging): the same envelope, the
    same rows and count, a page past the last still counted, the read row naming the page."""
    client = api_client(personas.counselor_a, personas.office_a)
    PersonFactory.create(registered_by_organization=personas.office_b)  # not ours: not counted
    first = client.get("/api/v1/persons", {"page_size": 2}).json()
    assert (first["count"], first["page"], first["pages"], first["previous"]) == (3, 1, 2, None)
    assert "page=2" in first["next"]
    second = client.get(first["next"]).json()
    assert (second["count"], second["page"], second["pages"], second["next"]) == (3, 2, 2, None)
    ids = [p["id"] for p in first["results"] + second["results"]]
    assert sorted(ids) == sorted(c.person_id for c in three_cases)
    listed = AuditEvent.objects.filter(action=Action.RECORDS_LISTED).latest("pk")
    assert listed.person_ids == [p["id"] for p in second["results"]]
    past = client.get("/api/v1/persons", {"page_size": 2, "page": 9}).json()
    assert (past["count"], past["pages"], past["results"], past["next"]) == (3, 2, [], None)
    assert "page=2" in past["previous"]
    none = client.get("/api/v1/persons", {"q": "存在しない名前"}).json()
    assert (none["count"], none["pages"], none["results"]) == (0, 1, [])
