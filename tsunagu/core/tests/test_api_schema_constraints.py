"""The OpenAPI document declares what the API enforces (issue 14, item 5): every input field
backed by a model CharField states the model's `maxLength`, choices are enums, dates, ids and
versions their ranges, the rules a service checks (kana, a postal code, text that may not be
blank) their patterns, and a PATCH refuses `null` where the record cannot be empty.

A pattern for a rule a service checks may be narrower than the service, never wider: every
value the document allows must get past the service."""

from __future__ import annotations

import datetime as dt
import functools
import random
import re
from typing import Annotated, Any

import pytest
from django.db import models
from django.test import Client
from pydantic import Field, TypeAdapter, ValidationError

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
from tsunagu.core.kana import KANA_PATTERN, is_kana
from tsunagu.core.validators import MAX_ID, NOT_BLANK, date_in_range
from tsunagu.directory.models import Contact, Location, Phone, Schedule, SocialResource
from tsunagu.meetings.models import (
    CommunityIssue,
    Meeting,
    MeetingActionItem,
    MeetingBody,
    ResourceDevelopment,
)
from tsunagu.people import services as people_services
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
from tsunagu.referrals.rules import MOVES
from tsunagu.search.api import TERMS_PATTERN
from tsunagu.search.forms import SearchForm

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


@functools.cache
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


# --- Dates, ids, versions ----------------------------------------------------------------------


@functools.cache
def _input_components() -> dict[str, Any]:
    """The schemas of request bodies, and those they contain."""
    schema = api.get_openapi_schema()
    components: dict[str, Any] = schema["components"]["schemas"]
    found: dict[str, Any] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if ref is not None:
                name = ref.rsplit("/", 1)[-1]
                if name not in found:
                    found[name] = components[name]
                    walk(components[name])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for methods in schema["paths"].values():
        for operation in methods.values():
            walk(operation.get("requestBody", {}))
    return found


def _branches(prop: dict[str, Any]) -> list[dict[str, Any]]:
    branches = prop.get("anyOf", [prop])
    items = [b["items"] for b in branches if b.get("type") == "array" and "items" in b]
    return [*branches, *items]


def test_the_date_pattern_admits_exactly_the_dates_in_range():
    birth_date = _components()["PersonIn"]["properties"]["birth_date"]
    pattern = next(b for b in birth_date["anyOf"] if b.get("type") == "string")["pattern"]
    day = dt.date(1860, 1, 1)
    while day <= dt.date(2110, 12, 31):
        assert bool(re.fullmatch(pattern, day.isoformat())) == date_in_range(day), day
        day += dt.timedelta(days=1)


def test_every_date_the_api_takes_declares_the_range():
    unbounded = [
        f"{name}.{field}"
        for name, component in _input_components().items()
        for field, prop in component.get("properties", {}).items()
        for branch in _branches(prop)
        if branch.get("format") == "date" and "pattern" not in branch
    ]
    for path, methods in api.get_openapi_schema()["paths"].items():
        for operation in methods.values():
            for param in operation.get("parameters", []):
                for branch in _branches(param["schema"]):
                    if branch.get("format") == "date" and "pattern" not in branch:
                        unbounded.append(f"{path} {param['name']}")
    assert unbounded == []


def test_every_integer_the_api_takes_declares_its_range():
    """A larger number is not an id, a version nor a count the database can hold: the schema
    refuses it (a 422) rather than the database (an OverflowError)."""
    unbounded = [
        f"{name}.{field}"
        for name, component in _input_components().items()
        for field, prop in component.get("properties", {}).items()
        for branch in _branches(prop)
        if branch.get("type") == "integer" and not {"minimum", "maximum"} <= set(branch)
    ]
    for path, methods in api.get_openapi_schema()["paths"].items():
        for operation in methods.values():
            for param in operation.get("parameters", []):
                if param["in"] == "path":
                    continue  # an id that names nothing is a 404, as for any record not shown
                for branch in _branches(param["schema"]):
                    if branch.get("type") == "integer" and not {"minimum", "maximum"} <= set(
                        branch
                    ):
                        unbounded.append(f"{path} {param['name']}")
    assert unbounded == []
    components = _input_components()
    assert components["ActionItemIn"]["properties"]["owner_organization_id"]["maximum"] == MAX_ID


# --- Rules a service checks, declared as patterns -------------------------------------------


def _matches(pattern: str) -> Any:
    """Whether a value gets past the pattern, as pydantic (the API's own engine) reads it."""
    adapter = TypeAdapter(Annotated[str, Field(pattern=pattern)])

    def matches(value: str) -> bool:
        try:
            adapter.validate_python(value)
        except ValidationError:
            return False
        return True

    return matches


def _declared_pattern(component: str, field: str) -> str:
    prop = _components()[component]["properties"][field]
    pattern: str = _string_schema(prop)["pattern"]
    return pattern


def test_not_blank_is_what_strip_leaves_something_of():
    matches = _matches(NOT_BLANK)
    for code in range(0x110000):
        if 0xD800 <= code < 0xE000:
            continue  # lone surrogates are refused before any schema (bad_characters)
        char = chr(code)
        assert matches(char) == bool(char.strip()), hex(code)
    assert matches(" \u3000 x \n")
    assert not matches(" \u3000\t\n\x1c")


# Text the services refuse when blank (each with its own message), declared in the document.
NOT_BLANK_FIELDS = {
    "ConsultationIn": ["main_concern"],
    "HouseholdIn": ["name"],
    "HouseholdPatch": ["name"],
    "NoteIn": ["text"],
    "ActionItemIn": ["title"],
    "PledgeIn": ["pledged_by_name"],
    "NewVersionIn": ["reason"],
    "WeeklyIn": ["activity"],
    "ContingencyIn": ["description"],
    "ContingencyActionIn": ["action"],
    "TaskIn": ["title"],
    "ReferralIn": ["reason", "request_text", "summary_text"],
    "ReferralEditIn": ["reason", "request_text", "summary_text"],
}


def test_text_a_service_refuses_when_blank_is_declared_not_blank():
    missing = [
        f"{component}.{field}"
        for component, fields in NOT_BLANK_FIELDS.items()
        for field in fields
        if _string_schema(_components()[component]["properties"][field]).get("pattern") != NOT_BLANK
    ]
    assert missing == []


def _samples(alphabet: str, *, count: int = 20_000, longest: int = 14) -> list[str]:
    rng = random.Random(14)
    return [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, longest))) for _ in range(count)
    ]


def test_the_kana_pattern_admits_only_what_the_service_takes_as_kana():
    for component in ("PersonIn", "PersonPatch"):
        for field in ("family_name_kana", "given_name_kana"):
            assert _declared_pattern(component, field) == KANA_PATTERN
    matches = _matches(KANA_PATTERN)
    kana = "".join(chr(c) for c in range(0x3041, 0x30FF) if is_kana(chr(c)))
    alphabet = kana[::5] + "ｱｶｻﾀﾊﾏﾔﾗﾜｦﾝｳﾎｰﾞﾟ ・･\u3000\u3099㋐a1\t"
    admitted = 0
    for value in _samples(alphabet, longest=5):
        if matches(value):
            admitted += 1
            assert is_kana(value.strip()), value
    assert admitted > 1000
    for typed in ("やまだ", "ヤマダ タロウ", "ﾔﾏﾀﾞ ﾀﾛｳ", "ヴァン・ゴッホ", "ﾊﾟﾋﾟﾌﾟ"):
        assert matches(typed), typed
    for wrong in ("", " ", "・", "Yamada", "山田", "ﾝﾞ"):
        assert not matches(wrong), wrong


@pytest.mark.parametrize(
    ("component", "field", "pattern"),
    [
        ("PersonIn", "postal_code", people_services.POSTAL_CODE_PATTERN),
        ("PersonPatch", "postal_code", people_services.POSTAL_CODE_PATTERN),
        ("HouseholdIn", "postal_code", people_services.POSTAL_CODE_PATTERN),
        ("HouseholdPatch", "postal_code", people_services.POSTAL_CODE_PATTERN),
        ("PersonIn", "phone", people_services.PHONE_PATTERN),
        ("PersonPatch", "phone", people_services.PHONE_PATTERN),
    ],
)
def test_postal_code_and_phone_patterns_admit_only_what_the_service_takes(
    component, field, pattern
):
    assert _declared_pattern(component, field) == pattern
    matches = _matches(pattern)
    alphabet = "0123456789" * 3 + "０１２３４５６７８９-()+‐ （）＋－\u3000ー.a\n①"
    admitted = 0
    for value in _samples(alphabet):
        if matches(value):
            admitted += 1
            data = {"family_name_kana": "ヤマダ", "given_name_kana": "タロウ", field: value}
            assert field not in people_services.person_errors(data), value
            if field == "postal_code":
                assert "postal_code" not in people_services.household_errors(
                    {"name": "世帯", field: value}
                )
    assert admitted > 50
    assert matches("")


def test_the_search_words_pattern_admits_only_what_the_search_form_takes():
    search = next(
        p
        for p in api.get_openapi_schema()["paths"]["/api/v1/search"]["get"]["parameters"]
        if p["name"] == "q"
    )
    assert (search["schema"]["pattern"], search["schema"]["maxLength"]) == (TERMS_PATTERN, 100)
    matches = _matches(TERMS_PATTERN)
    admitted = 0
    for value in _samples("借金入院 \u3000\tab\n", longest=30):
        if matches(value) and len(value) <= 100:
            admitted += 1
            assert SearchForm({"q": value}).is_valid(), value
    assert admitted > 1000
    assert not matches("a b c d e f")
    assert not matches(" \u3000")


def test_a_referral_move_is_one_of_the_rule_table():
    action = _components()["TransitionIn"]["properties"]["action"]
    assert action["enum"] == list(MOVES)


def test_a_moment_is_kept_in_utc_and_in_the_date_range():
    from pydantic import TypeAdapter, ValidationError

    from tsunagu.core.validators import DATETIME_PATTERN, SaneDateTime

    adapter = TypeAdapter(SaneDateTime)
    # An RFC 3339 offset PostgreSQL cannot store as given (+19:06) is kept as the same moment.
    moment = adapter.validate_python("2026-03-25T22:12:13+19:06")
    assert moment.utcoffset() == dt.timedelta(0)
    assert moment == dt.datetime(2026, 3, 25, 3, 6, 13, tzinfo=dt.UTC)
    assert re.fullmatch(DATETIME_PATTERN, "2026-03-25T22:12:13+19:06")
    for outside in ("0298-03-25T22:12:13+09:00", "2101-01-01T00:00:00Z"):
        assert not re.fullmatch(DATETIME_PATTERN, outside)
        with pytest.raises(ValidationError):
            adapter.validate_python(outside)


def test_every_schema_of_the_document_has_a_name_of_its_own():
    """Ninja names a schema in the document after its Python class: two apps' `LinkIn` became
    one, and the document promised one app's body for the other's route.  Every schema class
    an API module declares has a name no other declares."""
    import inspect
    from collections import defaultdict
    from importlib import import_module

    from django.apps import apps
    from ninja import Schema

    owners: dict[str, set[str]] = defaultdict(set)
    for config in apps.get_app_configs():
        if not config.name.startswith("tsunagu."):
            continue
        try:
            module = import_module(f"{config.name}.api")
        except ModuleNotFoundError:
            continue
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, Schema)
                and value.__module__ == module.__name__
            ):
                owners[name].add(module.__name__)
    shared = {name: sorted(mods) for name, mods in owners.items() if len(mods) > 1}
    assert not shared, shared
