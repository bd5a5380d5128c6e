"""The referral inbox and outbox through the shared list machinery (issue 16): searched,
filtered, sorted, paged with the filters in the URL, every name a link, bad input answered in
Japanese, one read row naming the persons shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.tests.factories import CaseFactory
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.referrals.models import ReferralKind, ReferralStatus
from tsunagu.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.status_code
    return {r.pk for r in response.context["rows"]}


@pytest.fixture
def sent(personas):
    """Office A asks the core center about 鈴木, and the city about another person."""
    suzuki = PersonFactory.create(
        family_name="鈴木",
        family_name_kana="スズキ",
        registered_by_organization=personas.office_a,
    )
    to_core = ReferralFactory.create(
        case=CaseFactory.create(person=suzuki, lead_organization=personas.office_a),
        receiving_organization=personas.core_center,
        status=ReferralStatus.REQUESTED,
    )
    to_city = ReferralFactory.create(
        case=CaseFactory.create(lead_organization=personas.office_a),
        receiving_organization=personas.city,
        status=ReferralStatus.IN_PROGRESS,
    )
    return to_core, to_city


def test_the_outbox_is_searched_by_name_number_and_organization(personas, client_as, sent):
    to_core, to_city = sent
    client = client_as(personas.counselor_a)
    assert _ids(client.get("/referrals/?box=outbox")) == {to_core.pk, to_city.pk}
    assert _ids(client.get("/referrals/", {"box": "outbox", "q": "すずき"})) == {to_core.pk}
    assert _ids(client.get("/referrals/", {"box": "outbox", "q": f"#{to_city.pk}"})) == {to_city.pk}
    city = personas.city.name
    assert _ids(client.get("/referrals/", {"box": "outbox", "q": city})) == {to_city.pk}
    by_org = client.get("/referrals/", {"box": "outbox", "organization": personas.city.pk})
    assert _ids(by_org) == {to_city.pk}


def test_the_organization_filter_offers_the_counterparts_only(personas, client_as, sent):
    """The choices are the organizations the office has asked or been asked by, not every
    organization of the city; a draft the receiver cannot see names no counterpart to it."""
    client = client_as(personas.counselor_a)
    offered = {
        org.pk
        for org in client.get("/referrals/").context["filter"].form.fields["organization"].queryset
    }
    assert offered == {personas.core_center.pk, personas.city.pk}
    ReferralFactory.create(
        case=CaseFactory.create(lead_organization=personas.office_b),
        receiving_organization=personas.core_center,
        status=ReferralStatus.DRAFT,
    )
    core = client_as(personas.core_officer)
    offered = {
        org.pk
        for org in core.get("/referrals/").context["filter"].form.fields["organization"].queryset
    }
    assert offered == {personas.office_a.pk}
    other = client.get("/referrals/", {"box": "outbox", "organization": personas.office_b.pk})
    assert other.status_code == 400
    assert "相手の機関: 正しく選択してください。" in other.content.decode()


def test_the_receiver_cannot_find_a_request_by_the_hidden_name(personas, client_as, sent):
    to_core, _ = sent
    core = client_as(personas.core_officer)
    assert to_core.pk in _ids(core.get("/referrals/"))
    assert to_core.pk not in _ids(core.get("/referrals/", {"q": "すずき"}))


def test_filters_by_kind_status_and_date(personas, client_as, sent):
    to_core, to_city = sent
    client = client_as(personas.counselor_a)
    kind = client.get("/referrals/", {"box": "outbox", "kind": to_core.kind})
    assert to_core.pk in _ids(kind)
    other = next(k for k in ReferralKind.values if k != to_core.kind)
    assert to_core.pk not in _ids(client.get("/referrals/", {"box": "outbox", "kind": other}))
    status = client.get("/referrals/?box=outbox&state=all&status=in_progress")
    assert _ids(status) == {to_city.pk}
    later = (timezone.localdate() + dt.timedelta(days=400)).isoformat()
    assert _ids(client.get(f"/referrals/?box=outbox&requested_from={later}")) == set()


def test_every_name_and_status_links_to_what_it_names(personas, client_as, sent):
    to_core, _ = sent
    body = client_as(personas.counselor_a).get("/referrals/?box=outbox").content.decode()
    assert f'href="/referrals/{to_core.pk}/"' in body
    assert f'href="/people/{to_core.person_id}/"' in body
    assert f'href="/cases/{to_core.case_id}/"' in body
    assert f'href="/organizations/{personas.core_center.pk}/"' in body
    assert 'href="/referrals/?box=outbox&amp;state=all&amp;status=requested"' in body


def test_sorted_by_organization_both_ways(personas, client_as, sent):
    client = client_as(personas.counselor_a)
    up = [
        r.receiving_organization.name_kana
        for r in client.get("/referrals/?box=outbox&sort=counterpart").context["rows"]
    ]
    down = [
        r.receiving_organization.name_kana
        for r in client.get("/referrals/?box=outbox&sort=-counterpart").context["rows"]
    ]
    assert up == sorted(up)
    assert down == sorted(down, reverse=True)


@pytest.mark.parametrize(
    "query",
    [
        f"organization={2**63}",
        "organization=abc",
        "box=sideways",
        "state=nope",
        "kind=x",
        "requested_from=2026-13-40",
        "q=" + "あ" * 101,
    ],
)
def test_bad_filters_are_told_in_japanese(personas, client_as, sent, query):
    response = client_as(personas.counselor_a).get(f"/referrals/?{query}")
    assert response.status_code == 400
    assert "入力内容を確認してください" in response.content.decode()
    assert list(response.context["rows"]) == []


def test_odd_values_never_give_a_500(personas, client_as, sent):
    client = client_as(personas.counselor_a)
    for query in ["q=%ED%A0%80", "sort=nonexistent", "page=99999", "sort=-", "q=%00"]:
        assert client.get(f"/referrals/?{query}").status_code in (200, 400), query


def test_one_read_row_names_the_persons_shown(personas, client_as, sent):
    to_core, _ = sent
    client_as(personas.counselor_a).get("/referrals/?box=outbox&q=すずき")
    row = AuditEvent.objects.filter(action=Action.RECORDS_LISTED).latest("pk")
    assert row.detail["view"] == "referrals.referral_list"
    assert row.person_ids == [to_core.person_id]
    assert "すずき" not in str(row.detail)


def test_an_outsider_lists_none_of_them(personas, client_as, sent):
    for query in ("", "?box=outbox&state=all", "?state=all"):
        assert _ids(client_as(personas.counselor_b).get(f"/referrals/{query}")) == set()
