"""HSDS 3.0: the export validates against the copied schemas (jsonschema, Draft 2020-12), an
exported file imported into an empty directory gives the same directory, and a bad file is
refused whole with a Japanese report."""

from __future__ import annotations

import copy
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from tsunagu.audit.models import AuditEvent
from tsunagu.core.errors import Forbidden, Invalid
from tsunagu.directory import hsds
from tsunagu.directory.models import Provider, SocialResource
from tsunagu.directory.tests.conftest import INTERNAL_CONTACT, INTERNAL_NOTE, INTERNAL_PHONE
from tsunagu.meetings.models import ResourceDevelopment
from tsunagu.organizations.tests.actors import actor_as

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


def test_the_schemas_are_copied_into_the_project_with_their_licence():
    here = Path(hsds.SCHEMA_DIR)
    assert (here / "LICENSE").exists()
    assert "CC BY-SA 4.0" in (here / "README.md").read_text(encoding="utf-8")
    assert "shared" not in str(here.resolve().relative_to(Path(__file__).resolve().parents[3]))
    # The validator rejects what HSDS rejects: it is really checking.
    assert hsds.schema_errors("service", {"id": "not-a-uuid", "name": "x", "status": "open"})


def test_the_public_export_leaves_out_what_residents_may_not_see(directory):
    text = json.dumps(hsds.directory_export(include_internal=False), ensure_ascii=False)
    for secret in (INTERNAL_NOTE, INTERNAL_PHONE, INTERNAL_CONTACT, directory.hidden.name):
        assert secret not in text
    assert "ヒダマリの家" in text
    internal = json.dumps(hsds.directory_export(include_internal=True), ensure_ascii=False)
    for secret in (INTERNAL_NOTE, INTERNAL_PHONE, INTERNAL_CONTACT, directory.hidden.name):
        assert secret in internal


def _one_service_file(directory):
    return hsds.directory_export(include_internal=True)


def test_a_file_with_one_bad_service_is_refused_whole(directory):
    document = _one_service_file(directory)
    _empty_the_directory()
    broken = copy.deepcopy(document)
    services_of = [s for o in broken["organizations"] for s in o["services"]]
    services_of[0]["status"] = "open"  # not in HSDS's enum
    services_of[1]["attributes"] = []  # no service type
    before = AuditEvent.objects.count()

    report = hsds.directory_import(actor=None, raw=json.dumps(broken, ensure_ascii=False))

    assert not report.applied
    assert not Provider.objects.exists()
    assert not SocialResource.objects.exists()
    assert AuditEvent.objects.count() == before
    assert "何も変更していません" in report.summary()
    assert any("「open」は使えません" in line for line in report.refused)
    # The schema check refuses first; with a valid status, the missing type is reported.
    services_of[0]["status"] = "active"
    report = hsds.directory_import(actor=None, raw=json.dumps(broken, ensure_ascii=False))
    assert not report.applied
    assert any("サービスの種類" in line and "0個" in line for line in report.refused)
    assert not SocialResource.objects.exists()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", "JSONとして読めません"),
        (b"\xff\xfe", "UTF-8"),
        (b'{"hello": 1}', "HSDSのファイルとして読めません"),
        (
            b'[{"status": "active", "name": "x", "id": "1"}]',
            "organization（提供する組織）がありません",
        ),
    ],
)
def test_what_is_not_hsds_json_is_refused_with_a_reason(db, raw, message):
    with pytest.raises(Invalid) as exc:
        hsds.directory_import(actor=None, raw=raw)
    assert message in exc.value.message


def test_an_id_used_twice_is_refused(directory):
    document = _one_service_file(directory)
    organization = document["organizations"][0]
    organization["services"].append(copy.deepcopy(organization["services"][0]))
    report = hsds.directory_import(actor=None, raw=json.dumps(document))
    assert not report.applied
    assert any("2回使われています" in line for line in report.refused)


def test_a_list_of_services_with_nested_organizations_is_imported(directory):
    from tsunagu.directory.selectors import ResourceFilters, resource_list

    services_of = [
        hsds.service_json(r, include_internal=True)
        for r in resource_list(filters=ResourceFilters(), public=False)
    ]
    _empty_the_directory()
    report = hsds.directory_import(actor=None, raw=json.dumps(services_of))
    assert report.applied, report.refused
    assert SocialResource.objects.count() == len(services_of)


def test_unknown_area_and_organization_codes_are_noticed_not_refused(directory):
    document = _one_service_file(directory)
    text = (
        json.dumps(document, ensure_ascii=False)
        .replace('"t-honcho"', '"nowhere"')
        .replace('"本町圏域"', '"どこか"')
        .replace('"office-a"', '"gone"')
    )
    _empty_the_directory()
    report = hsds.directory_import(actor=None, raw=text)
    assert report.applied
    assert any("地域「nowhere」" in line for line in report.notices)
    assert any("組織コード gone" in line for line in report.notices)


def test_only_keepers_import(personas, directory):
    raw = json.dumps(_one_service_file(directory))
    with pytest.raises(Forbidden):
        hsds.directory_import(actor=actor_as(personas.counselor_a), raw=raw)
    report = hsds.directory_import(actor=actor_as(personas.city_official), raw=raw)
    assert report.applied


def test_the_import_screen_shows_the_report(personas, client_as, directory):
    client = client_as(personas.core_officer)
    document = _one_service_file(directory)
    upload = SimpleUploadedFile("directory.json", json.dumps(document).encode(), "application/json")
    response = client.post(reverse("directory:import"), {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "取り込みました" in html
    assert "更新" in html

    document["organizations"][0]["id"] = "not-a-uuid"
    upload = SimpleUploadedFile("bad.json", json.dumps(document).encode(), "application/json")
    response = client.post(reverse("directory:import"), {"file": upload})
    assert response.status_code == 400
    assert "取り込みませんでした" in response.content.decode()
    assert "uuid の形式ではありません" in response.content.decode()

    upload = SimpleUploadedFile("bad.json", b"{", "application/json")
    response = client.post(reverse("directory:import"), {"file": upload})
    assert response.status_code == 400
    assert "JSONとして読めません" in response.content.decode()


def test_the_export_screen_downloads_valid_hsds(personas, client_as, directory):
    response = client_as(personas.counselor_b).get(reverse("directory:export"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    assert _validate_export(document) == []
    assert AuditEvent.objects.filter(action="directory.exported").exists()


def test_the_management_commands_export_and_import(tmp_path, directory):
    path = tmp_path / "directory.json"
    call_command("directory_export", str(path), "--include-internal", stderr=StringIO())
    document = json.loads(path.read_text(encoding="utf-8"))
    assert _validate_export(document) == []
    _empty_the_directory()
    out = StringIO()
    call_command("directory_import", str(path), stdout=out)
    assert "取り込みました" in out.getvalue()
    assert SocialResource.objects.count() == 3

    bad = tmp_path / "bad.json"
    bad.write_text('{"organizations": [{"id": "x", "name": "a"}]}', encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("directory_import", str(bad), stdout=out)
    assert "必須の項目 description がありません" in out.getvalue()
