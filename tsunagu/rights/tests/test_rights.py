"""Rights advocacy: a 市長申立て walked to the court's decision and the start of
guardianship, who may record which step, the person's visibility; a discrimination
consultation checked for identifiers and ended in mediation; the figures and the council
list."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse

from tsunagu.accounts.tests.factories import api_token_for
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.core.errors import FieldErrors, Forbidden, Invalid, NotFound
from tsunagu.meetings.deidentify import IdentifiersLeft
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.people.tests.factories import ConsentFactory, PersonFactory
from tsunagu.rights import selectors, services
from tsunagu.rights.models import GuardianshipPetition, PetitionStep

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 5, 1)
SHOP = "車いすの本人が店舗で入店を断られた。店長と話し合い、スロープを用意することで合意した。"


def _last() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.fixture
def person(personas):
    """A person the city registered, whose consent names the core center."""
    person = PersonFactory.create(
        family_name="高橋", given_name="一郎", registered_by_organization=personas.city
    )
    ConsentFactory.create(
        person=person,
        obtained_by=personas.city_official,
        obtained_by_organization=personas.city,
        organizations=[personas.core_center],
    )
    return person


def _petition(personas, person) -> GuardianshipPetition:
    return services.petition_create(
        actor_as(personas.core_officer),
        person=person,
        petitioner="mayor",
        guardianship_type="guardianship",
        consulted_on=DAY,
        note="親族と疎遠で、本人の預金の管理が難しくなっている。",
    )


def _api(client, user, org, method, path, body=None):
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(user, org)}"}
    if method == "GET":
        return client.get(path, **kwargs)
    return client.generic(
        method, path, data=json.dumps(body), content_type="application/json", **kwargs
    )


def test_mayor_petition_is_tracked_to_the_court_and_the_start(personas, person):
    petition = _petition(personas, person)
    core, city = actor_as(personas.core_officer), actor_as(personas.city_official)
    services.petition_step(core, petition=petition, step="kin_survey", on=DAY + dt.timedelta(7))
    with pytest.raises(Forbidden):  # the mayor's decision is the city's
        services.petition_step(core, petition=petition, step="mayor_decision", on=DAY)
    with pytest.raises(FieldErrors):  # forward only, one step at a time
        services.petition_step(city, petition=petition, step="filed", on=DAY)
    with pytest.raises(FieldErrors):  # never dated before the step before
        services.petition_step(city, petition=petition, step="mayor_decision", on=DAY)
    marker = _last()
    services.petition_step(city, petition=petition, step="mayor_decision", on=dt.date(2026, 6, 1))
    services.petition_step(city, petition=petition, step="filed", on=dt.date(2026, 6, 20))
    with pytest.raises(FieldErrors):
        services.petition_step(city, petition=petition, step="ruling", on=dt.date(2026, 8, 1))
    services.petition_step(
        city, petition=petition, step="ruling", on=dt.date(2026, 8, 1), ruling="granted"
    )
    services.petition_step(
        city,
        petition=petition,
        step="started",
        on=dt.date(2026, 8, 20),
        guardian_name="みどり市社会福祉士会 後見担当",
        guardian_kind="professional",
    )
    petition.refresh_from_db()
    assert petition.step == PetitionStep.STARTED
    assert petition.ruled_on == dt.date(2026, 8, 1)
    assert petition.guardian_kind == "professional"
    assert list(petition.steps.values_list("step", flat=True)) == list(PetitionStep.values)
    assert services.next_step(petition) is None
    with pytest.raises(Invalid):
        services.petition_step(city, petition=petition, step="started", on=dt.date(2026, 9, 1))
    changes = AuditEvent.objects.filter(
        pk__gt=marker, action=Action.RECORD_UPDATED, target_id=str(petition.pk)
    )
    assert [e.detail["step"] for e in changes.order_by("pk")] == [
        "mayor_decision",
        "filed",
        "ruling",
        "started",
    ]
    figures = selectors.figures(city, 2026)
    assert {f.label: f.count for f in figures.steps}["審判"] == 1
    assert {f.label: f.count for f in figures.rulings}["開始の審判"] == 1


def test_a_relative_petition_skips_the_mayors_decision(personas, person):
    core = actor_as(personas.core_officer)
    petition = services.petition_create(
        core, person=person, petitioner="relative", guardianship_type="assistance", consulted_on=DAY
    )
    services.petition_step(core, petition=petition, step="kin_survey", on=DAY)
    petition.refresh_from_db()
    assert services.next_step(petition) == "filed"


def test_a_dismissed_petition_ends_at_the_ruling(personas, person):
    petition = _petition(personas, person)
    city = actor_as(personas.city_official)
    for step in ("kin_survey", "mayor_decision", "filed"):
        services.petition_step(city, petition=petition, step=step, on=DAY)
    services.petition_step(city, petition=petition, step="ruling", on=DAY, ruling="dismissed")
    petition.refresh_from_db()
    assert services.next_step(petition) is None


def test_the_petition_follows_the_persons_visibility(personas, person, client_as, client):
    petition = _petition(personas, person)
    with pytest.raises(NotFound):
        services.petition_step(
            actor_as(personas.counselor_b), petition=petition, step="kin_survey", on=DAY
        )
    detail = reverse("rights:petition_detail", args=[petition.pk])
    marker = _last()
    assert client_as(personas.counselor_b).get(detail).status_code == 404
    assert AuditEvent.objects.filter(pk__gt=marker, action=Action.ACCESS_DENIED).exists()
    response = client_as(personas.core_officer).get(detail)
    assert response.status_code == 200
    assert "高橋" in response.content.decode()
    assert AuditEvent.objects.filter(
        pk__gt=marker, action=Action.RECORD_VIEWED, target_id=str(petition.pk)
    ).exists()
    path = f"/api/v1/rights/petitions/{petition.pk}"
    assert _api(client, personas.counselor_b, personas.office_b, "GET", path).status_code == 404
    ok = _api(client, personas.city_official, personas.city, "GET", path)
    assert ok.status_code == 200
    assert ok.json()["next_step"] == "kin_survey"


def test_the_screens_and_the_api_record_steps(personas, person, client_as, client):
    response = client_as(personas.core_officer).post(
        reverse("rights:petition_create", args=[person.pk]),
        {"petitioner": "mayor", "guardianship_type": "curatorship", "consulted_on": "2026-05-01"},
    )
    assert response.status_code == 302
    petition = GuardianshipPetition.objects.get(person=person)
    step_url = reverse("rights:petition_step", args=[petition.pk])
    bad = client_as(personas.core_officer).post(step_url, {"step": "kin_survey", "on": "あ"})
    assert bad.status_code == 400
    ok = client_as(personas.core_officer).post(step_url, {"step": "kin_survey", "on": "R8.5.10"})
    assert ok.status_code == 302
    path = f"/api/v1/rights/petitions/{petition.pk}/steps"
    refused = _api(
        client,
        personas.core_officer,
        personas.core_center,
        "POST",
        path,
        {"step": "mayor_decision", "on": "2026-05-20"},
    )
    assert refused.status_code == 403
    done = _api(
        client,
        personas.city_official,
        personas.city,
        "POST",
        path,
        {"step": "mayor_decision", "on": "2026-05-20"},
    )
    assert done.status_code == 201
    assert done.json()["step"] == "mayor_decision"
    for body in ('"x"', "[]"):
        wrong = client.post(
            path,
            data=body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {api_token_for(personas.city_official, personas.city)}",
        )
        assert wrong.status_code == 422
    huge = _api(
        client, personas.city_official, personas.city, "GET", f"/api/v1/rights/petitions/{2**63}"
    )
    assert huge.status_code == 404


def test_a_discrimination_consultation_ends_in_mediation(personas, client_as, client):
    core = actor_as(personas.core_officer)
    with pytest.raises(IdentifiersLeft) as caught:
        services.consultation_create(
            core,
            received_on=DAY,
            consulter="self",
            party_kind="business",
            kind="no_accommodation",
            field="shops",
            summary=SHOP + "連絡先は090-1234-5678。",
            age_band="40_64",
            disability_type="physical",
        )
    keys = [f.key for f in caught.value.open_flags]
    assert keys
    consultation = services.consultation_create(
        core,
        received_on=DAY,
        consulter="self",
        party_kind="business",
        kind="no_accommodation",
        field="shops",
        summary=SHOP,
        age_band="40_64",
        disability_type="physical",
    )
    services.consultation_step(core, consultation=consultation, kind="hearing", on=DAY)
    with pytest.raises(FieldErrors):
        services.consultation_step(
            core, consultation=consultation, kind="advice", on=DAY - dt.timedelta(1)
        )
    url = reverse("rights:consultation_step", args=[consultation.pk])
    assert (
        client_as(personas.core_officer)
        .post(url, {"kind": "mediation", "on": "2026-05-15", "note": "店舗と本人の間で調整した。"})
        .status_code
        == 302
    )
    outsider = client_as(personas.counselor_a)
    assert (
        outsider.get(reverse("rights:consultation_detail", args=[consultation.pk])).status_code
        == 404
    )
    closed = _api(
        client,
        personas.city_official,
        personas.city,
        "POST",
        f"/api/v1/rights/consultations/{consultation.pk}/close",
        {"outcome": "mediated", "closed_on": "2026-05-20"},
    )
    assert closed.status_code == 200, closed.content
    assert closed.json()["outcome"] == "mediated"
    assert [s["kind"] for s in closed.json()["steps"]] == ["hearing", "mediation"]
    with pytest.raises(Invalid):
        services.consultation_step(core, consultation=consultation, kind="advice", on=DAY)

    export = client_as(personas.city_official).get(
        reverse("rights:council_export") + "?year=2026&fmt=csv"
    )
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert any("調整により解決" in row for row in rows)
    assert any("双方からの聞き取り・調整（あっせん）" in row for row in rows)
    figures = client_as(personas.core_officer).get(reverse("rights:figures") + "?year=2026")
    assert figures.status_code == 200
    assert (
        client_as(personas.core_officer).get(reverse("rights:figures") + "?year=あ").status_code
        == 400
    )
    assert client_as(personas.counselor_a).get(reverse("rights:figures")).status_code == 404


def test_the_api_answers_flags_and_keeps_a_reason(personas, client):
    body = {
        "received_on": "2026-05-01",
        "consulter": "family",
        "party_kind": "public",
        "kind": "unfair_treatment",
        "field": "education",
        "summary": "学校で受け入れを断られた。連絡先は090-1234-5678。",
    }
    first = _api(
        client,
        personas.core_officer,
        personas.core_center,
        "POST",
        "/api/v1/rights/consultations",
        body,
    )
    assert first.status_code == 422
    flags = first.json()["error"]["flags"]
    assert flags
    keep = [{"key": f["key"], "reason": "学校の代表番号で個人のものではない"} for f in flags]
    second = _api(
        client,
        personas.core_officer,
        personas.core_center,
        "POST",
        "/api/v1/rights/consultations",
        {**body, "keep": keep, "seen_flags": [f["key"] for f in flags]},
    )
    assert second.status_code == 201, second.content
    assert second.json()["person_id"] is None


def test_referral_to_the_council_and_the_citys_cost_support(personas, person, client_as, client):
    from tsunagu.organizations.tests.factories import OrganizationFactory

    council = OrganizationFactory.create(kind="social_welfare_council", name="みどり市社協")
    core, city = actor_as(personas.core_officer), actor_as(personas.city_official)
    with pytest.raises(FieldErrors):  # only a social welfare council
        services.referral_create(core, person=person, council=personas.office_a, referred_on=DAY)
    referral = services.referral_create(core, person=person, council=council, referred_on=DAY)
    with pytest.raises(FieldErrors):
        services.referral_outcome(
            core, referral=referral, outcome="contracted", on=DAY - dt.timedelta(1)
        )
    url = reverse("rights:referral_outcome", args=[referral.pk])
    done = client_as(personas.core_officer).post(url, {"outcome": "contracted", "on": "2026-06-01"})
    assert done.status_code == 302
    referral.refresh_from_db()
    assert referral.outcome == "contracted"
    assert client_as(personas.counselor_b).get(url).status_code == 404
    with pytest.raises(Forbidden):  # the city decides
        services.cost_decision_create(core, person=person, kind="fee", amount=18000, decided_on=DAY)
    marker = _last()
    response = _api(
        client,
        personas.city_official,
        personas.city,
        "POST",
        f"/api/v1/rights/persons/{person.pk}/cost-decisions",
        {"kind": "petition_cost", "amount": 5800, "decided_on": "2026-06-10"},
    )
    assert response.status_code == 201, response.content
    assert AuditEvent.objects.filter(pk__gt=marker, action=Action.RECORD_CREATED).exists()
    bad = _api(
        client,
        personas.city_official,
        personas.city,
        "POST",
        f"/api/v1/rights/persons/{person.pk}/cost-decisions",
        {"kind": "fee", "amount": -1, "decided_on": "99999-01-01"},
    )
    assert bad.status_code == 422
    figures = selectors.figures(city, 2026)
    assert {f.label: f.count for f in figures.referrals}["利用契約"] == 1
    assert {f.label: f.count for f in figures.cost_amounts}["申立費用"] == 5800
    index = client_as(personas.city_official).get(reverse("rights:index"))
    assert index.status_code == 200
    assert "みどり市社協" in index.content.decode()
