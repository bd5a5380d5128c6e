"""Saved searches (issue 16): a list's filters kept under a name, for their owner only."""

from __future__ import annotations

import pytest

from tsunagu.accounts.models import SavedSearch
from tsunagu.audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db


def _save(client, name="困難ケース", path="/cases/", query="complex=1&sort=-opened_on"):
    return client.post(
        "/accounts/account/searches/new/", {"name": name, "path": path, "query": query}
    )


def test_saved_from_a_list_and_opened_again(personas, client_as):
    client = client_as(personas.counselor_a)
    response = _save(client)
    assert response.status_code == 302
    assert response["Location"] == "/cases/?complex=1&sort=-opened_on"
    page = client.get("/accounts/account/searches/").content.decode()
    assert "困難ケース" in page
    assert 'href="/cases/?complex=1&amp;sort=-opened_on"' in page


def test_the_list_offers_to_save_its_filters(personas, client_as):
    body = client_as(personas.counselor_a).get("/cases/?status=intake").content.decode()
    assert 'action="/accounts/account/searches/new/"' in body
    assert 'name="query" value="status=intake"' in body


def test_the_same_name_replaces_the_search(personas, client_as):
    client = client_as(personas.counselor_a)
    _save(client)
    _save(client, query="status=closed")
    saved = SavedSearch.objects.get(user=personas.counselor_a)
    assert saved.query == "status=closed"


def test_only_the_owner_sees_them(personas, client_as):
    _save(client_as(personas.counselor_a))
    other = client_as(personas.colleague_a)  # same office, another user
    assert "困難ケース" not in other.get("/accounts/account/searches/").content.decode()


@pytest.mark.parametrize("user", ["colleague_a", "counselor_b", "admin"])
def test_another_user_deleting_gets_404(personas, client_as, user):
    _save(client_as(personas.counselor_a))
    saved = SavedSearch.objects.get()
    response = client_as(getattr(personas, user)).post(
        f"/accounts/account/searches/{saved.pk}/delete/"
    )
    assert response.status_code == 404
    assert SavedSearch.objects.filter(pk=saved.pk).exists()
    missing = client_as(getattr(personas, user)).post("/accounts/account/searches/999999/delete/")
    assert missing.status_code == 404  # the same answer: no existence oracle
    refused = AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, target_type="accounts.savedsearch"
    )
    assert set(refused.values_list("target_id", flat=True)) == {str(saved.pk), "999999"}


def test_the_owner_deletes_it(personas, client_as):
    client = client_as(personas.counselor_a)
    _save(client)
    saved = SavedSearch.objects.get()
    response = client.post(f"/accounts/account/searches/{saved.pk}/delete/")
    assert response.status_code == 302
    assert not SavedSearch.objects.exists()


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("", "/cases/"),
        ("　", "/cases/"),
        ("外", "https://evil.example/"),
        ("外", "//evil.example/cases/"),
        ("詳細", "/cases/1/"),
        ("存在しない", "/nope/"),
        ("長い", "/cases/" + "a" * 300),
        ("ｶﾅ" * 30, "/cases/"),
    ],
)
def test_bad_input_is_told_in_japanese(personas, client_as, name, path):
    response = _save(client_as(personas.counselor_a), name=name, path=path)
    assert response.status_code == 400
    assert "入力内容を確認してください" in response.content.decode()
    assert not SavedSearch.objects.exists()


def test_ids_past_the_database_are_404(personas, client_as):
    response = client_as(personas.counselor_a).post(f"/accounts/account/searches/{2**63}/delete/")
    assert response.status_code in (400, 404)


def test_saving_replacing_and_deleting_are_on_the_record_without_the_query(personas, client_as):
    client = client_as(personas.counselor_a)
    _save(client, query="q=佐藤")
    _save(client, query="q=鈴木")
    saved = SavedSearch.objects.get()
    client.post(f"/accounts/account/searches/{saved.pk}/delete/")
    events = AuditEvent.objects.filter(
        actor=personas.counselor_a, target_type="accounts.savedsearch", target_id=str(saved.pk)
    ).order_by("pk")
    assert [e.action for e in events] == [
        Action.RECORD_CREATED,
        Action.RECORD_UPDATED,
        Action.RECORD_DELETED,
    ]
    assert events[0].detail["list"] == "cases:list"
    assert not any("佐藤" in str(e.detail) or "鈴木" in str(e.detail) for e in events)
