"""The staff screens: create and edit with their row forms, bad input redisplayed with a
Japanese message and nothing lost, the vacancy shortcut and CSV export (the demo directory is
tested in tsunagu/demo/tests)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.directory.forms import ProviderForm, ResourceForm
from tsunagu.directory.models import Provider, SocialResource
from tsunagu.directory.tests.factories import term
from tsunagu.meetings.models import ResourceDevelopment

pytestmark = pytest.mark.django_db


def _empty_rows(prefix: str, initial: int = 0, total: int = 1) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "20",
    }


def _form(directory, **extra):
    body = {
        "provider": directory.provider_a.pk,
        "name": "放課後等デイサービス にじいろ",
        "name_kana": "ほうかごとうでいさーびす にじいろ",
        "service_type": term("after-school-day").pk,
        "specialties": [term("developmental").pk],
        "status": "active",
        "is_published": "on",
        "capacity": "10",
        "vacancies": "1",
        "vacancies_confirmed_on": "2026-11-30",
        "accepts_visits": "on",
        **_empty_rows("locations"),
        "locations-0-city": "みどり市",
        "locations-0-address": "東区若葉二丁目6番11号",
        "locations-0-area": directory.catchment.pk,
        **_empty_rows("schedules"),
        "schedules-0-weekdays": ["MO", "TU", "WE"],
        "schedules-0-opens_at": "13:00",
        "schedules-0-closes_at": "18:00",
        **_empty_rows("phones"),
        "phones-0-number": "022-012-4602",
        "phones-0-kind": "voice",
        **_empty_rows("contacts"),
        "contacts-0-is_internal": "on",  # the blank row as the browser sends it
    }
    body.update(extra)
    return body


def test_an_office_creates_its_resource_on_the_screen(personas, client_as, directory):
    client = client_as(personas.counselor_a)
    response = client.post(reverse("directory:resource_create"), _form(directory))
    assert response.status_code == 302, response.content.decode()[:2000]
    resource = SocialResource.objects.get(name="放課後等デイサービス にじいろ")
    assert resource.schedules.get().weekdays == "MO,TU,WE"
    assert resource.locations.get().area == directory.catchment
    assert resource.phones.count() == 1
    assert not resource.contacts.exists()  # the blank contact row is skipped
    assert AuditEvent.objects.filter(
        action=Action.RECORD_CREATED, target_id=str(resource.pk), actor=personas.counselor_a
    ).exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"vacancies": "30"}, "空きが定員を超えています。"),
        ({"name": ""}, "このフィールドは必須です。"),
        ({"schedules-0-opens_at": "19:00"}, "終了時刻は開始時刻より後にしてください。"),
        ({"locations-0-latitude": "north"}, "所在地（1件目）: 緯度: 数値を入力してください。"),
        ({"contacts-0-email": "x@example.jp"}, "連絡先（1件目）: 氏名・窓口名: このフィールド"),
    ],
)
def test_bad_input_is_redisplayed_with_what_was_typed(
    personas, client_as, directory, extra, message
):
    client = client_as(personas.counselor_a)
    before = SocialResource.objects.count()
    response = client.post(reverse("directory:resource_create"), _form(directory, **extra))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "入力内容を確認してください" in html
    assert "東区若葉二丁目6番11号" in html  # nothing typed is lost
    assert SocialResource.objects.count() == before


def test_edit_keeps_rows_by_their_hsds_id_and_removes_deleted_ones(personas, client_as, directory):
    resource = directory.resource_a
    location = resource.locations.get()
    phones = list(resource.phones.all())
    client = client_as(personas.core_officer)
    page = client.get(reverse("directory:resource_edit", args=[resource.pk]))
    assert page.status_code == 200
    assert str(location.hsds_id) in page.content.decode()
    body = _form(
        directory,
        name="ヒダマリの家",
        service_type=term("life-care").pk,
        version=resource.version,
        capacity="20",
        vacancies="2",
        **_empty_rows("locations", initial=1, total=1),
        **{"locations-0-hsds_id": str(location.hsds_id)},
        **_empty_rows("contacts", initial=0, total=0),
        **_empty_rows("phones", initial=2, total=2),
        **{
            "phones-0-hsds_id": str(phones[0].hsds_id),
            "phones-0-number": phones[0].number,
            "phones-0-kind": "voice",
            "phones-1-hsds_id": str(phones[1].hsds_id),
            "phones-1-number": phones[1].number,
            "phones-1-kind": "voice",
            "phones-1-DELETE": "on",
        },
    )
    response = client.post(reverse("directory:resource_edit", args=[resource.pk]), body)
    assert response.status_code == 302, response.content.decode()[:3000]
    resource.refresh_from_db()
    assert resource.locations.get().pk == location.pk
    assert list(resource.phones.values_list("pk", flat=True)) == [phones[0].pk]
    assert resource.version == 2


def test_a_stale_edit_is_refused_and_redisplayed(personas, client_as, directory):
    resource = directory.resource_a
    client = client_as(personas.core_officer)
    body = _form(directory, version=resource.version, **_empty_rows("contacts", total=0))
    SocialResource.objects.filter(pk=resource.pk).update(version=5)
    response = client.post(reverse("directory:resource_edit", args=[resource.pk]), body)
    assert response.status_code == 409
    assert "別の人が更新しました" in response.content.decode()


def test_the_vacancy_shortcut(personas, client_as, directory):
    client = client_as(personas.counselor_a)
    url = reverse("directory:vacancy_update", args=[directory.resource_a.pk])
    response = client.post(url, {"vacancies": "-1"}, follow=True)
    assert "0以上の整数" in response.content.decode()
    response = client.post(url, {"vacancies": "25"}, follow=True)
    assert "空きが定員を超えています。" in response.content.decode()
    response = client.post(url, {"vacancies": "1"}, follow=True)
    assert "空きを更新しました" in response.content.decode()
    directory.resource_a.refresh_from_db()
    assert directory.resource_a.vacancies == 1


def test_providers_are_kept_by_the_keepers(personas, client_as, directory):
    core = client_as(personas.core_officer)
    response = core.post(
        reverse("directory:provider_create"),
        {"name": "わかば子ども食堂実行委員会", "name_kana": "わかばこどもしょくどう"},
    )
    assert response.status_code == 302
    assert Provider.objects.filter(name="わかば子ども食堂実行委員会").exists()
    office = client_as(personas.counselor_a)
    assert office.get(reverse("directory:provider_create")).status_code == 403
    # An office edits its own provider but cannot re-link it to another organization.
    response = office.post(
        reverse("directory:provider_edit", args=[directory.provider_a.pk]),
        {"name": "あおば", "organization": personas.office_b.pk},
    )
    assert response.status_code == 302
    directory.provider_a.refresh_from_db()
    assert directory.provider_a.organization == personas.office_a
    assert directory.provider_a.name == "あおば"


def test_developments_on_the_screen_and_as_csv(personas, client_as, directory):
    client = client_as(personas.counselor_b)
    bad = client.post(reverse("meetings:development_create"), {"kind": "top_up"})
    assert bad.status_code == 400
    assert "このフィールドは必須です。" in bad.content.decode()
    response = client.post(
        reverse("meetings:development_create"),
        {
            "kind": "system_change",
            "title": "タイムケア事業で時間単位のレスパイトが可能に",
            "beneficiaries": "医療的ケアのある子どもの家族",
            "occurred_on": "2026-04-01",
            "source_note": "子ども部会の提言",
        },
    )
    assert response.status_code == 302
    assert ResourceDevelopment.objects.filter(recorded_by_organization=personas.office_b).exists()
    listing = client.get(reverse("meetings:development_list")).content.decode()
    assert "タイムケア事業" in listing

    response = client.get(reverse("meetings:development_export"))
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["実現した日", "実現した日（和暦）", "種類", "変わったこと"]
    assert any(row[2] == "制度・要綱の変更" and row[1] == "令和8年4月1日" for row in rows[1:])
    assert AuditEvent.objects.filter(action="directory.developments_exported").exists()


def test_the_staff_list_filters(personas, client_as, directory):
    client = client_as(personas.counselor_b)
    html = client.get(reverse("directory:resource_list"), {"kind": "informal"}).content.decode()
    assert "ふれあいサロン ほんまち" in html
    assert "ヒダマリの家" not in html
    assert directory.hidden.name in client.get(reverse("directory:resource_list")).content.decode()


def test_a_web_address_without_a_scheme_is_taken_as_https():
    provider = ProviderForm(data={"website": "hidamari.example.jp"})
    provider.is_valid()
    assert provider.cleaned_data["website"] == "https://hidamari.example.jp"
    resource = ResourceForm(data={"url": "hidamari.example.jp/seikatsu"})
    resource.is_valid()
    assert resource.cleaned_data["url"] == "https://hidamari.example.jp/seikatsu"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/directory/staff/developments/", "/meetings/developments/"),
        ("/directory/staff/developments/new/", "/meetings/developments/new/"),
        ("/directory/staff/developments/7/edit/", "/meetings/developments/7/edit/"),
        ("/directory/staff/developments/export.csv", "/meetings/developments/export.csv"),
    ],
)
def test_old_addresses_of_the_resource_development_log_lead_to_its_new_place(
    personas, client_as, old, new
):
    response = client_as(personas.counselor_a).get(old)
    assert response.status_code == 301
    assert response["Location"] == new
