from __future__ import annotations

import datetime as dt

import pytest

from tsunagu.audit.models import Action, AuditEvent
from tsunagu.core.errors import Conflict, Forbidden, Invalid
from tsunagu.directory import selectors, services
from tsunagu.directory.models import Location, SocialResource
from tsunagu.directory.tests.factories import term
from tsunagu.meetings import services as meeting_services
from tsunagu.meetings.models import ResourceDevelopment
from tsunagu.organizations.tests.actors import actor_as

pytestmark = pytest.mark.django_db


def _data(provider, **extra):
    return {
        "provider": provider,
        "name": "就労継続支援B型 わかば工房",
        "name_kana": "しゅうろうけいぞくしえんびーがた わかばこうぼう",
        "service_type": term("continuous-work-b"),
        "capacity": 20,
        "vacancies": 3,
        "vacancies_confirmed_on": dt.date(2026, 11, 30),
        **extra,
    }


def test_core_center_creates_a_resource_with_its_rows_and_one_audit_row(personas, directory):
    request = actor_as(personas.core_officer)
    resource = services.resource_create(
        actor=request,
        data=_data(directory.informal_provider),
        specialties=[term("psychiatric")],
        locations=[{"city": "みどり市", "address": "東区若葉四丁目8番2号", "area": directory.ward}],
        schedules=[{"weekdays": "MO,WE,FR", "opens_at": dt.time(9), "closes_at": dt.time(15)}],
        phones=[{"number": "022-012-3301"}],
    )
    assert resource.locations.get().area == directory.ward
    assert resource.schedules.get().weekday_labels == "月・水・金"
    assert list(resource.specialties.all()) == [term("psychiatric")]
    event = AuditEvent.objects.get(action=Action.RECORD_CREATED, target_id=str(resource.pk))
    assert event.actor == personas.core_officer
    assert event.organization == personas.core_center
    assert event.target_type == "directory.socialresource"


def test_an_office_creates_for_its_own_provider_only(personas, directory):
    request = actor_as(personas.counselor_a)
    services.resource_create(actor=request, data=_data(directory.provider_a))
    with pytest.raises(Forbidden):
        services.resource_create(actor=request, data=_data(directory.informal_provider))
    with pytest.raises(Forbidden):
        services.resource_create(
            actor=actor_as(personas.counselor_b), data=_data(directory.provider_a)
        )


def test_a_read_only_member_changes_nothing(personas, directory):
    with pytest.raises(Forbidden):
        services.resource_update(
            actor=actor_as(personas.reader_a),
            resource=directory.resource_a,
            expected_version=directory.resource_a.version,
            changes={"name": "別の名前"},
        )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"vacancies": 30}, "空きが定員を超えています。"),
        ({"vacancies_confirmed_on": None}, "確認した日も入力してください。"),
        ({"minimum_age": 18, "maximum_age": 6}, "上限が下限より小さく"),
    ],
)
def test_bad_numbers_are_refused_in_japanese_and_nothing_is_saved(
    personas, directory, extra, message
):
    before = SocialResource.objects.count()
    with pytest.raises(Invalid) as exc:
        services.resource_create(
            actor=actor_as(personas.core_officer),
            data=_data(directory.informal_provider, **extra),
        )
    assert message in exc.value.message
    assert SocialResource.objects.count() == before


def test_a_bad_child_row_rolls_back_the_whole_resource(personas, directory):
    before = SocialResource.objects.count()
    with pytest.raises(Invalid) as exc:
        services.resource_create(
            actor=actor_as(personas.core_officer),
            data=_data(directory.informal_provider),
            schedules=[{"weekdays": "MO", "opens_at": dt.time(15), "closes_at": dt.time(9)}],
        )
    assert "開所日時（1件目）" in exc.value.message
    assert "終了時刻は開始時刻より後" in exc.value.message
    assert SocialResource.objects.count() == before
    assert not AuditEvent.objects.filter(action=Action.RECORD_CREATED).exists()


def test_update_replaces_rows_by_hsds_id_and_refuses_a_stale_version(personas, directory):
    resource = directory.resource_a
    location = resource.locations.get()
    request = actor_as(personas.counselor_a)
    updated = services.resource_update(
        actor=request,
        resource=resource,
        expected_version=resource.version,
        changes={"name": "ひだまりの家（新館）"},
        locations=[{"hsds_id": str(location.hsds_id), "address": "中央区本町三丁目12番6号"}],
        phones=[],
    )
    assert updated.version == 2
    assert Location.objects.get(pk=location.pk).address == "中央区本町三丁目12番6号"
    assert not updated.phones.exists()
    event = AuditEvent.objects.get(action=Action.RECORD_UPDATED, target_id=str(resource.pk))
    assert event.detail["changed"] == ["name"]
    with pytest.raises(Conflict):
        services.resource_update(
            actor=request, resource=updated, expected_version=1, changes={"name": "古い版"}
        )


def test_vacancy_update_sets_today_as_confirmed(personas, directory):
    resource = services.vacancy_update(
        actor=actor_as(personas.counselor_a), resource=directory.resource_a, vacancies=0
    )
    assert resource.vacancies == 0
    assert resource.vacancies_confirmed_on is not None
    with pytest.raises(Invalid):
        services.vacancy_update(
            actor=actor_as(personas.counselor_a), resource=resource, vacancies=99
        )


@pytest.mark.parametrize("query", ["ひだまり", "ヒダマリ", "ﾋﾀﾞﾏﾘ", "ひだまり いえ", "本町"])
def test_keyword_search_folds_kana(directory, query):
    found = selectors.resource_list(filters=selectors.ResourceFilters(q=query), public=True)
    assert directory.resource_a in found


def test_filters_by_type_specialty_area_visits_and_vacancy(directory):
    def found(**kwargs):
        filters = selectors.ResourceFilters(**kwargs)
        return set(selectors.resource_list(filters=filters, public=True))

    assert found(service_type=term("salon")) == {directory.salon}
    assert found(specialty=term("smid-medical-care")) == {directory.resource_a}
    # A ward finds what is in its catchment areas too.
    assert found(area=directory.ward) == {directory.resource_a, directory.salon}
    assert found(area=directory.catchment) == {directory.resource_a}
    assert found(accepts_visits=True) == {directory.resource_a}
    assert found(has_vacancy=True) == {directory.resource_a}
    assert found(informal=True) == {directory.salon}
    assert directory.hidden not in found()
    assert directory.hidden in selectors.resource_list(
        filters=selectors.ResourceFilters(), public=False
    )


def test_development_is_recorded_and_edited_with_audit(personas, directory):
    request = actor_as(personas.counselor_b)
    development = meeting_services.development_create(
        actor=request,
        data={
            "kind": "sideways",
            "title": "高齢者デイサービスの機械浴を重症心身障害のある方に提供",
            "beneficiaries": "自宅での入浴が難しくなった方",
            "occurred_on": dt.date(2026, 7, 15),
            "source_note": "西区の地域部会",
        },
    )
    assert development.recorded_by_organization == personas.office_b
    assert AuditEvent.objects.filter(
        action=Action.RECORD_CREATED, target_id=str(development.pk)
    ).exists()
    # Office A did not record it: refused.  The core center may.
    with pytest.raises(Forbidden):
        meeting_services.development_update(
            actor=actor_as(personas.counselor_a),
            development=development,
            expected_version=1,
            changes={"title": "変更"},
        )
    updated = meeting_services.development_update(
        actor=actor_as(personas.core_officer),
        development=development,
        expected_version=1,
        changes={"title": "機械浴の提供（基準該当）"},
    )
    assert updated.version == 2
    with pytest.raises(Invalid):
        meeting_services.development_update(
            actor=request,
            development=updated,
            expected_version=2,
            changes={"beneficiaries": ""},
        )
    assert ResourceDevelopment.objects.get(pk=development.pk).beneficiaries
