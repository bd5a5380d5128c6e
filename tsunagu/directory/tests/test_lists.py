"""The staff lists of the directory on the shared list machinery (issue 16): the resident's
search as filters (taxonomy, area, keyword), formal or informal and the provider; sortable
columns; every name and count a link; bad input a message, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tsunagu.accounts.models import SavedSearch
from tsunagu.directory.tests.factories import term

pytestmark = pytest.mark.django_db

RESOURCES = reverse("directory:resource_list")
PROVIDERS = reverse("directory:provider_list")


def _names(response) -> list[str]:
    assert response.status_code == 200
    return [row.name for row in response.context["rows"]]


def test_the_search_of_the_residents_is_kept_as_filters(personas, client_as, directory):
    client = client_as(personas.counselor_a)
    assert _names(client.get(RESOURCES, {"q": "ﾋﾀﾞﾏﾘ"})) == ["ヒダマリの家"]
    salon = term("salon").pk
    assert _names(client.get(RESOURCES, {"service_type": salon})) == ["ふれあいサロン ほんまち"]
    specialty = term("smid-medical-care").pk
    assert _names(client.get(RESOURCES, {"specialty": specialty})) == ["ヒダマリの家"]
    ward = sorted(_names(client.get(RESOURCES, {"area": directory.ward.pk})))
    assert ward == ["ふれあいサロン ほんまち", "ヒダマリの家"]  # the catchment's too, once each
    assert _names(client.get(RESOURCES, {"has_vacancy": "on", "accepts_visits": "on"})) == [
        "ヒダマリの家"
    ]
    assert directory.hidden.name in _names(client.get(RESOURCES, {"kind": "informal"}))


def test_sorted_by_provider_both_ways(personas, client_as, directory):
    client = client_as(personas.counselor_a)
    up = _names(client.get(RESOURCES, {"sort": "provider"}))
    down = _names(client.get(RESOURCES, {"sort": "-provider"}))
    assert up[0] == "ヒダマリの家"  # そうだん… before ほんちょう…
    assert down[-1] == "ヒダマリの家"


def test_a_provider_s_resource_count_leads_to_its_resources(personas, client_as, directory):
    client = client_as(personas.counselor_a)
    providers = client.get(PROVIDERS)
    page = providers.content.decode()
    informal = directory.informal_provider
    link = f"{RESOURCES}?provider={informal.pk}"
    assert f'href="{link}">2件' in page
    assert sorted(_names(client.get(link))) == sorted([directory.salon.name, directory.hidden.name])
    own = directory.provider_a
    assert f'href="/organizations/{own.organization_id}/">' in page
    listed = client.get(RESOURCES).content.decode()
    assert f'href="?provider={own.pk}">{own.name}</a>' in listed
    detail = reverse("directory:resource_detail", args=[directory.resource_a.pk])
    assert f'href="{detail}">ヒダマリの家</a>' in listed


def test_the_provider_list_is_searched_by_reading_and_membership(personas, client_as, directory):
    client = client_as(personas.counselor_a)
    assert _names(client.get(PROVIDERS, {"q": "ホンチョウ"})) == ["本町町内会"]
    assert _names(client.get(PROVIDERS, {"member": "0"})) == ["本町町内会"]
    assert _names(client.get(PROVIDERS, {"member": "1"})) == ["相談支援センター あおば"]


def test_only_who_may_edit_a_provider_sees_its_edit_link(personas, client_as, directory):
    edit = reverse("directory:provider_edit", args=[directory.provider_a.pk])
    informal = reverse("directory:provider_edit", args=[directory.informal_provider.pk])
    office = client_as(personas.counselor_a).get(PROVIDERS).content.decode()
    assert edit in office
    assert informal not in office
    assert edit not in client_as(personas.counselor_b).get(PROVIDERS).content.decode()
    keeper = client_as(personas.core_officer).get(PROVIDERS).content.decode()
    assert edit in keeper
    assert informal in keeper


@pytest.mark.parametrize(
    ("url", "query"),
    [
        (RESOURCES, {"provider": str(2**63)}),
        (RESOURCES, {"provider": "x"}),
        (RESOURCES, {"area": "-1"}),
        (RESOURCES, {"service_type": "abc"}),
        (RESOURCES, {"kind": "both"}),
        (PROVIDERS, {"member": "2"}),
        (PROVIDERS, {"q": "x" * 101}),
    ],
)
def test_bad_filters_are_a_message_not_an_error(personas, client_as, directory, url, query):
    response = client_as(personas.counselor_a).get(url, query)
    assert response.status_code == 400
    assert response.context["rows"] == []
    assert "入力内容を確認してください" in response.content.decode()


def test_a_resource_search_is_saved_and_opened_again(personas, client_as, directory):
    client = client_as(personas.counselor_a)
    response = client.post(
        reverse("accounts:saved_search_create"),
        {"name": "空きあり", "path": RESOURCES, "query": "has_vacancy=on&sort=-vacancies"},
    )
    assert response.status_code == 302
    saved = SavedSearch.objects.get(user=personas.counselor_a)
    assert _names(client.get(f"{saved.path}?{saved.query}")) == ["ヒダマリの家"]
