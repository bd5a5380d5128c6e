"""The duplicate check is no existence oracle, and the core center's queue (issue 13, item 7).

Office A registers 山田 太郎.  Whether or not office B already holds a record of him, A's
answer is the same; a match A may not see waits in the core center's queue, which links the
records, asks B to contact him, or marks them distinct.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.people.models import DuplicateCandidate, DuplicateStatus, Person
from tsunagu.people.tests.conftest import person_form_data
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.plans.models import Task

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("people:person_create")
QUEUE_URL = reverse("people:duplicate_queue")


def _hidden(personas, **overrides):
    """山田 太郎 as office B registered him: office A may not see this record."""
    values = {
        "family_name": "山田",
        "given_name": "太郎",
        "family_name_kana": "ヤマダ",
        "given_name_kana": "タロウ",
        "birth_date": dt.date(1975, 6, 1),
        "phone": "090-9999-0000",
        "address": "みどり市楓区秘密町9-9",
        "registered_by_organization": personas.office_b,
    }
    return PersonFactory.create(**{**values, **overrides})


def _taro(**overrides):
    return person_form_data(
        family_name="山田",
        given_name="太郎",
        family_name_kana="やまだ",
        given_name_kana="たろう",
        birth_date="1975-06-01",
        phone="",
        **overrides,
    )


def _same(page: str) -> str:
    """The page without what differs on every response (tokens) or with every row (ids)."""
    page = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]*', r"\1", page)
    page = re.sub(r'nonce="[^"]*"', "", page)
    return re.sub(r"/\d+/", "/N/", page)


def test_the_notice_is_byte_for_byte_the_same_with_a_hidden_match(personas, client_as, yamada):
    """A visible match gives the usual notice; a hidden match beside it changes no byte of
    it, nor the number of queries that produced it."""
    client = client_as(personas.counselor_a)
    # A first page of the session reads its memberships and second factor, which the next
    # ones reuse (accounts/recheck.py): both requests compared come after it.
    client.get(CREATE_URL)
    with CaptureQueriesContext(connection) as without:
        first = client.post(CREATE_URL, _taro())
    _hidden(personas)
    with CaptureQueriesContext(connection) as with_hidden:
        second = client.post(CREATE_URL, _taro())
    assert first.status_code == second.status_code == 200
    assert "似た記録があります" in first.content.decode()
    assert _same(second.content.decode()) == _same(first.content.decode())
    assert len(with_hidden.captured_queries) == len(without.captured_queries)
    checks = AuditEvent.objects.filter(action=Action.RECORD_VIEWED, target_type="people.person")
    assert [e.detail for e in checks.order_by("pk")] == [
        {"duplicate_check": {"candidates": 1, "confirmed_new": False}}
    ] * 2
    assert not DuplicateCandidate.objects.exists()  # nothing was registered


def test_registration_answers_the_same_with_or_without_a_hidden_match(personas, client_as):
    client = client_as(personas.counselor_a)
    savepoint = transaction.savepoint()
    alone = client.post(CREATE_URL, _taro())
    alone_page = client.get(alone["Location"]).content.decode()
    transaction.savepoint_rollback(savepoint)

    hidden = _hidden(personas)
    matched = client.post(CREATE_URL, _taro())
    matched_page = client.get(matched["Location"]).content.decode()

    assert alone.status_code == matched.status_code == 302
    assert _same(matched["Location"]) == _same(alone["Location"])
    assert _same(matched_page) == _same(alone_page)
    assert personas.office_b.name not in matched_page
    created = Person.objects.exclude(pk=hidden.pk).get()
    candidate = DuplicateCandidate.objects.get()
    assert (candidate.person, candidate.match) == (created, hidden)
    assert candidate.matched_on == ["kana_birth_date"]
    queued = AuditEvent.objects.get(
        action=Action.RECORD_CREATED, target_type="people.duplicatecandidate"
    )
    assert queued.target_id == str(candidate.pk)


def test_the_api_answers_the_same_with_or_without_a_hidden_match(
    personas, client, api_headers, yamada
):
    headers = api_headers(personas.counselor_a)
    body = {"family_name_kana": "やまだ", "given_name_kana": "たろう", "birth_date": "1975-06-01"}
    first = client.post("/api/v1/persons", body, content_type="application/json", **headers)
    _hidden(personas)
    second = client.post("/api/v1/persons", body, content_type="application/json", **headers)
    assert first.status_code == second.status_code == 409
    assert second.content == first.content


# --- The core center's queue ------------------------------------------------------------------


@pytest.fixture
def candidate(personas, client_as):
    hidden = _hidden(personas)
    response = client_as(personas.counselor_a).post(CREATE_URL, _taro())
    assert response.status_code == 302
    return DuplicateCandidate.objects.get(match=hidden)


def test_the_core_center_sees_both_records(personas, client_as, candidate):
    page = client_as(personas.core_officer).get(QUEUE_URL)
    assert page.status_code == 200
    content = page.content.decode()
    assert personas.office_a.name in content  # who registered
    assert personas.office_b.name in content  # who holds the other record
    assert "カナ氏名が似ていて生年月日が同じ" in content
    detail = client_as(personas.core_officer).get(
        reverse("people:duplicate_detail", args=[candidate.pk])
    )
    assert "秘密町" in detail.content.decode()
    read = AuditEvent.objects.filter(
        action=Action.RECORD_VIEWED, target_type="people.duplicatecandidate"
    )
    list_read = next(e for e in read if e.detail.get("list"))
    assert list_read.detail["candidates"] == [candidate.pk]
    assert set(list_read.detail["persons"]) == {candidate.person_id, candidate.match_id}


@pytest.mark.parametrize("who", ["counselor_a", "counselor_b", "city_official"])
def test_nobody_else_learns_the_queue_exists(
    personas, client_as, client, api_headers, who, candidate
):
    user = getattr(personas, who)
    browser = client_as(user)
    detail = reverse("people:duplicate_detail", args=[candidate.pk])
    assert browser.get(QUEUE_URL).status_code == 404
    assert browser.get(detail).status_code == 404
    assert browser.post(detail, {"decision": "link"}).status_code == 404
    headers = api_headers(user)
    assert client.get("/api/v1/duplicate-candidates", **headers).status_code == 404
    api_detail = client.get(f"/api/v1/duplicate-candidates/{candidate.pk}", **headers)
    assert api_detail.status_code == 404
    assert api_detail.json()["error"]["code"] == "not_found"
    candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.OPEN


def test_asking_the_holding_office_to_make_contact(personas, client_as, candidate):
    response = client_as(personas.core_officer).post(
        reverse("people:duplicate_detail", args=[candidate.pk]),
        {"decision": "contact", "note": "B所に連絡を依頼"},
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.CONTACT_REQUESTED
    assert candidate.contact_organization == personas.office_b
    assert candidate.decided_by == personas.core_officer
    task = Task.objects.get(owner_organization=personas.office_b)
    text = task.title + task.description
    assert f"No.{candidate.match_id}" in text
    # Nothing about the registering office or its new record.
    for secret in (personas.office_a.name, "あおば", str(candidate.person_id), "太郎"):
        assert secret not in text
    decided = AuditEvent.objects.get(
        action=Action.RECORD_UPDATED, target_type="people.duplicatecandidate"
    )
    assert decided.detail["decision"] == "contact"
    assert decided.detail["task"] == task.pk
    assert AuditEvent.objects.filter(
        action=Action.RECORD_CREATED, target_type="plans.task", target_id=str(task.pk)
    ).exists()


def test_link_and_distinct_through_the_api(personas, client, api_headers, candidate):
    headers = api_headers(personas.core_officer)
    listed = client.get("/api/v1/duplicate-candidates", **headers)
    assert listed.status_code == 200
    [item] = listed.json()["results"]
    assert item["match"]["registered_by_organization"] == personas.office_b.name
    assert item["raised_by_organization"] == personas.office_a.name
    url = f"/api/v1/duplicate-candidates/{candidate.pk}/decision"
    linked = client.post(url, {"decision": "link"}, content_type="application/json", **headers)
    assert linked.status_code == 200, linked.content
    assert linked.json()["status"] == "linked"
    again = client.post(url, {"decision": "distinct"}, content_type="application/json", **headers)
    assert again.status_code == 409
    assert again.json()["error"]["code"]
    bad = client.post(url, {"decision": "merge"}, content_type="application/json", **headers)
    assert bad.status_code == 422
    assert client.get("/api/v1/duplicate-candidates", **headers).json()["results"] == []
    done = client.get("/api/v1/duplicate-candidates?status=done", **headers).json()["results"]
    assert [c["id"] for c in done] == [candidate.pk]

    other = DuplicateCandidate.objects.create(
        person=candidate.person,
        match=_hidden(personas, given_name="太朗"),
        raised_by_organization=personas.office_a,
        matched_on=["kana_birth_date"],
    )
    distinct = client.post(
        f"/api/v1/duplicate-candidates/{other.pk}/decision",
        {"decision": "distinct", "note": "生年月日は同じだが別人（本人に確認）"},
        content_type="application/json",
        **headers,
    )
    assert distinct.status_code == 200
    other.refresh_from_db()
    assert (other.status, other.note) == (
        DuplicateStatus.DISTINCT,
        "生年月日は同じだが別人（本人に確認）",
    )


def test_editing_does_not_queue_the_same_pair_twice(personas, client, api_headers, candidate):
    person = candidate.person
    response = client.patch(
        f"/api/v1/persons/{person.pk}",
        {"version": person.version, "phone": "090-9999-0000"},  # now the phone matches too
        content_type="application/json",
        **api_headers(personas.counselor_a),
    )
    assert response.status_code == 200, response.content
    assert DuplicateCandidate.objects.count() == 1


def test_the_menu_shows_the_queue_to_the_core_center_only(personas, client_as):
    assert QUEUE_URL in client_as(personas.core_officer).get("/").content.decode()
    assert QUEUE_URL not in client_as(personas.counselor_a).get("/").content.decode()
