"""The demo directory of みどり市 (tsunagu/demo/directory.py): deterministic and idempotent, its
HSDS 3.0 export validates against the copied schemas, and an export imported into an empty
directory gives the same directory back (moved here from tsunagu/directory/tests)."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from tsunagu.demo.directory import RESOURCES, directory_summary, seed_directory
from tsunagu.demo.management.commands.seed_demo import (
    seed_areas,
    seed_corporations,
    seed_organizations,
)
from tsunagu.directory import hsds
from tsunagu.directory.models import Contact, Location, Phone, Provider, Schedule, SocialResource
from tsunagu.meetings.models import ResourceDevelopment

pytestmark = pytest.mark.django_db


def _validate_export(document):
    problems = []
    for organization in document["organizations"]:
        problems += hsds.schema_errors("organization", organization)
        for service in organization["services"]:
            problems += hsds.schema_errors("service", service)
    return problems


def _empty_the_directory():
    ResourceDevelopment.objects.all().delete()
    SocialResource.objects.all().delete()
    Provider.objects.all().delete()


def _demo_city():
    created: Counter[str] = Counter()
    seed_areas(created)
    seed_corporations(created)
    seed_organizations(created)
    return seed_directory()


def test_the_demo_directory_is_deterministic_and_idempotent(db):
    created: Counter[str] = Counter()
    seed_areas(created)
    seed_corporations(created)
    seed_organizations(created)
    first = seed_directory()
    assert first["resource"] == len(RESOURCES)
    assert 30 <= first["resource"] <= 60
    ids = set(SocialResource.objects.values_list("hsds_id", flat=True))
    assert seed_directory().total() == 0
    assert set(SocialResource.objects.values_list("hsds_id", flat=True)) == ids
    assert "新たに作成したものはありません" in directory_summary(Counter())
    # Informal resources and every ward are there.
    assert SocialResource.objects.filter(service_type__is_informal=True).count() >= 8
    wards = set(
        SocialResource.objects.values_list("locations__area__parent__code", flat=True)
    ) | set(SocialResource.objects.values_list("locations__area__code", flat=True))
    assert {"midori-chuo", "midori-higashi", "midori-nishi"} <= wards
    assert Provider.objects.filter(organization__isnull=False).count() >= 5


def test_the_demo_export_validates_against_hsds_3(db):
    created = _demo_city()
    assert 30 <= created["resource"] <= 60
    for include_internal in (False, True):
        document = hsds.directory_export(include_internal=include_internal)
        assert document["organizations"]
        assert _validate_export(document) == []
    # Every service also validates fully nested, as /api/hsds/services/{id} serves it.
    resource = SocialResource.objects.public().first()
    assert resource is not None
    from tsunagu.directory.selectors import resource_detail

    nested = hsds.service_json(resource_detail(resource.pk, public=True))
    assert hsds.schema_errors("service", nested) == []
    assert nested["organization"]["id"] == str(resource.provider.hsds_id)


def test_an_export_imported_into_an_empty_directory_gives_the_same_directory(db):
    _demo_city()
    before = hsds.directory_export(include_internal=True)
    counts = {
        m.__name__: m.objects.count()
        for m in (Provider, SocialResource, Location, Schedule, Phone, Contact)
    }
    _empty_the_directory()
    assert not SocialResource.objects.exists()

    report = hsds.directory_import(actor=None, raw=json.dumps(before, ensure_ascii=False))

    assert report.applied, report.refused
    assert not report.refused
    assert len(report.created) == counts["Provider"] + counts["SocialResource"]
    after = hsds.directory_export(include_internal=True)
    assert hsds.canonical(after) == hsds.canonical(before)
    assert {
        m.__name__: m.objects.count()
        for m in (Provider, SocialResource, Location, Schedule, Phone, Contact)
    } == counts
    # Internal data came back as internal, and the links to tsunagu's organizations too.
    assert SocialResource.objects.filter(is_published=False).exists()
    assert Contact.objects.filter(is_internal=True).exists()
    assert Provider.objects.filter(organization__code="plan-hidamari").exists()


def test_importing_the_same_file_again_updates_and_changes_nothing(db):
    _demo_city()
    document = hsds.directory_export(include_internal=True)
    report = hsds.directory_import(actor=None, raw=json.dumps(document))
    assert report.applied
    assert not report.created
    assert hsds.canonical(hsds.directory_export(include_internal=True)) == hsds.canonical(document)
