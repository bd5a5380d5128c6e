"""The OpenAPI document declares what the API enforces (issue 14, item 5): every input field
backed by a model CharField states the model's `maxLength`, choices are enums, and a PATCH
refuses `null` where the record cannot be empty."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import models
from django.test import Client

from tsunagu.accounts.services import api_token_issue
from tsunagu.api import api
from tsunagu.cases.models import (
    Case,
    CaseConference,
    CaseTeamMember,
    ConferenceAttendee,
    Consultation,
    SharingBasis,
    TeamRole,
)
from tsunagu.core.actor import Origin
from tsunagu.directory.models import Contact, Location, Phone, Schedule, SocialResource
from tsunagu.meetings.models import (
    CommunityIssue,
    Meeting,
    MeetingActionItem,
    MeetingBody,
    ResourceDevelopment,
)
from tsunagu.people.models import (
    Consent,
    DisabilityCertificate,
    Household,
    HouseholdMember,
    Person,
    Sex,
)
from tsunagu.people.tests.factories import PersonFactory
from tsunagu.plans.models import Assessment, AssessmentSection, PlanItem, SupportPlan, Task
from tsunagu.records.models import Formulation, ProgressNote
from tsunagu.referrals.models import Referral

# Each input schema of the document and the model its fields are stored in (a field of the
# same name).  Fields stored elsewhere under another name are checked by their own tests.
BACKED_BY: dict[str, type[models.Model]] = {
    "PersonIn": Person,
    "PersonPatch": Person,
    "CertificateSchema": DisabilityCertificate,
    "HouseholdIn": Household,
    "HouseholdPatch": Household,
    "HouseholdMemberIn": HouseholdMember,
    "ConsentIn": Consent,
    "LocationIO": Location,
    "ScheduleIO": Schedule,
    "PhoneIO": Phone,
    "ContactIO": Contact,
    "ResourceIn": SocialResource,
    "ResourcePatch": SocialResource,
    "DevelopmentIn": ResourceDevelopment,
    "DevelopmentPatch": ResourceDevelopment,
    "CaseIn": Case,
    "CasePatch": Case,
    "TeamIn": CaseTeamMember,
    "ConsultationIn": Consultation,
    "ReferralIn": Referral,
    "ReferralEditIn": Referral,
    "NoteIn": ProgressNote,
    "AssessmentIn": Assessment,
    "SectionIn": AssessmentSection,
    "PlanItemIn": PlanItem,
    "PlanItemPatch": PlanItem,
    "TaskIn": Task,
    "MeetingIn": Meeting,
    "ActionItemIn": MeetingActionItem,
    "AttendeeIn": ConferenceAttendee,
    "PledgeIn": ConferenceAttendee,
    "ConferenceIn": CaseConference,
    "ConferenceRecordIn": CaseConference,
    "IssueIn": CommunityIssue,
    "BodyIn": MeetingBody,
    "FormulationIn": Formulation,
    "PlanIn": SupportPlan,
    "PlanPatch": SupportPlan,
}


def _components() -> dict[str, Any]:
    components: dict[str, Any] = api.get_openapi_schema()["components"]["schemas"]
    return components


def _string_schema(prop: dict[str, Any]) -> dict[str, Any]:
    """The string branch of a property (`anyOf: [string, null]` for an optional one)."""
    for branch in prop.get("anyOf", [prop]):
        if branch.get("type") == "string":
            return dict(branch)
    return prop


def _enum_values(prop: dict[str, Any], components: dict[str, Any]) -> set[str]:
    values: set[str] = set()
    for branch in prop.get("anyOf", prop.get("allOf", [prop])):
        if "$ref" in branch:
            branch = components[branch["$ref"].rsplit("/", 1)[-1]]
        values |= set(branch.get("enum", [])) | ({branch["const"]} if "const" in branch else set())
    return values


def test_every_input_field_backed_by_a_char_field_declares_its_max_length():
    components = _components()
    missing_schemas = sorted(set(BACKED_BY) - set(components))
    assert missing_schemas == [], "renamed or removed input schemas: update BACKED_BY"
    wrong = []
    checked = 0
    for schema_name, model in BACKED_BY.items():
        for name, prop in components[schema_name]["properties"].items():
            try:
                field = model._meta.get_field(name)
            except Exception:  # noqa: S112  # not stored under this name
                continue
            max_length = getattr(field, "max_length", None)
            if not isinstance(field, models.CharField) or max_length is None:
                continue
            if prop.get("type") == "array":  # a list stored joined (a schedule's weekdays)
                continue
            checked += 1
            declared = _string_schema(prop).get("maxLength")
            if declared != max_length and not _enum_values(prop, components):
                wrong.append(f"{schema_name}.{name}: {declared} (model: {max_length})")
    assert wrong == []
    assert checked > 60


def test_choice_fields_are_enums_of_the_model_choices():
    components = _components()
    team = components["TeamIn"]["properties"]
    assert _enum_values(team["role"], components) == set(TeamRole.values)
    assert _enum_values(team["basis"], components) == set(SharingBasis.values) | {""}
    assert _enum_values(components["PersonIn"]["properties"]["sex"], components) == set(Sex.values)
    referral_basis = _enum_values(components["ReferralIn"]["properties"]["basis"], components)
    assert referral_basis == {"", "consent", "statutory_meeting", "emergency"}
    status = components["StatusIn"]["properties"]["to"]
    assert "closed" in _enum_values(status, components)


def test_date_fields_are_bounded_like_the_models():
    birth_date = _components()["PersonIn"]["properties"]["birth_date"]
    branch = next(b for b in birth_date["anyOf"] if b.get("type") == "string")
    assert (branch["format"], branch["formatMinimum"], branch["formatMaximum"]) == (
        "date",
        "1868-01-25",
        "2100-12-31",
    )


@pytest.fixture
def patch_person(personas, db):
    token = api_token_issue(
        origin=Origin(path="/api/v1/auth/token"),
        user=personas.counselor_a,
        organization=personas.office_a,
    ).raw
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    person = PersonFactory.create(family_name="山田", registered_by_organization=personas.office_a)

    def patch(body: dict[str, Any]) -> Any:
        return client.patch(f"/api/v1/persons/{person.pk}", body, content_type="application/json")

    return person, patch


def test_patch_with_null_for_a_name_is_refused_and_stores_nothing(patch_person):
    person, patch = patch_person
    response = patch({"version": person.version, "family_name": None})
    assert response.status_code == 422, response.content
    assert [f["field"] for f in response.json()["error"]["fields"]] == ["payload.family_name"]
    person.refresh_from_db()
    assert person.family_name == "山田"
    cleared = patch({"version": person.version, "birth_date": None})  # may be unknown
    assert cleared.status_code == 200, cleared.content


def test_a_value_longer_than_the_column_is_a_422_from_the_schema(patch_person):
    person, patch = patch_person
    response = patch({"version": person.version, "address": "あ" * 201})
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "payload.address"
    assert patch({"version": person.version, "address": "あ" * 200}).status_code == 200
