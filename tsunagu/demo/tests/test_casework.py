"""`manage.py seed_demo` grows the demo city's casework (tsunagu.demo.cases)."""

from __future__ import annotations

import itertools
from io import StringIO

import pytest
from django.core.management import call_command

from tsunagu.accounts.models import User
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.access import cases_visible_to, persons_visible_to
from tsunagu.cases.models import (
    CASE_TRANSITIONS,
    Case,
    CaseStatus,
    CaseStatusChange,
    CaseTeamMember,
    Consultation,
    DifficultyFactor,
    SharingBasis,
)
from tsunagu.core.actor import Actor
from tsunagu.core.kana import is_kana, normalize_kana
from tsunagu.demo.cases import EXCLUDED_ORGANIZATION, FIRST_DAY, LAST_DAY
from tsunagu.organizations.models import Membership
from tsunagu.people.models import (
    CertificateKind,
    Consent,
    DisabilityCertificate,
    Household,
    HouseholdMember,
    Person,
)
from tsunagu.records.models import Formulation, ProgressNote

pytestmark = pytest.mark.django_db


def run_seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(demo_city, db, settings) -> str:
    """The demo city, seeded once for this module (see the root conftest)."""
    settings.DEMO_MODE = True
    return demo_city


def actor(username: str) -> Actor:
    user = User.objects.get(username=username)
    return Actor(user, Membership.objects.get(user=user, is_primary=True))


def test_counts(demo):
    assert Person.objects.count() >= 190
    assert Household.objects.count() >= 55
    assert Case.objects.count() >= 140
    assert ProgressNote.objects.exists()
    assert Formulation.objects.exists()
    assert Consultation.objects.count() >= Case.objects.count()
    assert sum("8050" in h.concerns for h in Household.objects.all()) >= 3
    assert "ケース記録を作成しました" in demo


def test_every_case_has_notes_formulations_history_and_a_lead_on_its_team(demo):
    for case in Case.objects.prefetch_related("notes", "formulations", "status_changes", "team"):
        # Up to 15 of the casework seeder's own, and the supervisor's advice where the office
        # chose to record it on the case (demo/supervision.py).
        assert 3 <= len(case.notes.all()) <= 16, case
        revisions = sorted(f.revision for f in case.formulations.all())
        assert revisions == list(range(1, len(revisions) + 1))
        assert 1 <= len(revisions) <= 4
        changes = list(case.status_changes.all())
        assert changes[0].to_status == CaseStatus.INTAKE
        assert changes[-1].to_status == case.status
        for before, after in itertools.pairwise(changes):
            assert after.from_status == before.to_status
            assert after.to_status in CASE_TRANSITIONS[before.to_status]
        leads = [m for m in case.team.all() if m.basis == SharingBasis.LEAD]
        assert [m.organization_id for m in leads] == [case.lead_organization_id]


def test_lifecycle_is_spread_and_some_cases_are_complex(demo):
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {"assessment", "support", "monitoring", "closed"} <= statuses
    complex_cases = Case.objects.filter(is_complex=True)
    assert complex_cases.count() >= 10
    known = set(DifficultyFactor.values)
    for case in complex_cases:
        assert case.difficulty_factors
        assert set(case.difficulty_factors) <= known
    closed = Case.objects.filter(status=CaseStatus.CLOSED)
    assert closed.exists()
    assert not closed.filter(closed_on__isnull=True)
    assert not closed.filter(closure_reason="")


def test_notes_span_three_fiscal_years_with_moments_and_restricted_ones(demo):
    years = {n.occurred_at.year for n in ProgressNote.objects.all()}
    assert {2023, 2024, 2025, 2026} <= years
    first = ProgressNote.objects.order_by("occurred_at").first()
    last = ProgressNote.objects.order_by("occurred_at").last()
    assert first is not None
    assert last is not None
    assert first.occurred_at.date() >= FIRST_DAY
    assert last.occurred_at.date() <= LAST_DAY
    assert len(set(ProgressNote.objects.values_list("kind", flat=True))) >= 6
    moments = ProgressNote.objects.filter(is_motivating_moment=True)
    assert moments.exists()
    assert not moments.filter(motivating_moment="")
    assert ProgressNote.objects.filter(is_restricted=True).exists()
    assert Formulation.objects.filter(revision__gte=2).exclude(prompted_by="").exists()


def test_no_placeholder_left_in_any_text(demo):
    texts = [*ProgressNote.objects.values_list("text", flat=True)]
    for f in Formulation.objects.all():
        texts += [f.situation_summary, f.background_factors, f.hypothesis, f.support_policy]
    texts += Consultation.objects.values_list("main_concern", flat=True)
    assert not [t for t in texts if "{" in t or "}" in t]


def test_office_a1_leads_about_ten_cases(demo):
    led = Case.objects.filter(lead_worker__username="office_a1")
    assert 5 <= led.count() <= 15
    assert all(c.lead_organization.code == "office-aoba" for c in led)
    assert cases_visible_to(actor("office_a1")).count() >= led.count()


def test_office_b1_sees_no_case_and_no_person(demo):
    b1 = actor("office_b1")
    assert b1.organization is not None
    assert b1.organization.code == EXCLUDED_ORGANIZATION
    assert not cases_visible_to(b1).exists()
    assert not persons_visible_to(b1).exists()
    assert not CaseTeamMember.objects.filter(organization=b1.organization).exists()


def test_core1_joins_several_complex_cases(demo):
    core1 = actor("core1")
    assert cases_visible_to(core1).count() >= 5
    assert persons_visible_to(core1).exists()
    joint = CaseTeamMember.objects.filter(
        organization__code="core-center", role="joint", case__is_complex=True
    )
    assert joint.values("case").distinct().count() >= 5


def test_team_members_outside_the_lead_have_a_basis(demo):
    others = CaseTeamMember.objects.exclude(basis=SharingBasis.LEAD)
    by_consent = others.filter(basis=SharingBasis.CONSENT).select_related("consent")
    assert by_consent.exists()
    for member in by_consent:
        assert member.consent is not None
        assert member.organization in member.consent.organizations.all()
    statutory = others.filter(basis=SharingBasis.STATUTORY_MEETING)
    assert statutory.exists()
    assert not statutory.filter(basis_note="")
    # Organizations that never sign in are on teams too.
    kinds = set(others.values_list("organization__kind", flat=True))
    assert {"school", "hospital", "welfare_commissioner"} <= kinds
    assert not others.filter(organization__has_accounts=False, worker__isnull=False)
    assert Consent.objects.exists()


def test_people_are_plausible(demo):
    for person in Person.objects.all():
        assert is_kana(person.family_name_kana), person
        assert is_kana(person.given_name_kana), person
        assert person.kana_normalized == normalize_kana(person.kana_name)
        assert person.family_name
        assert person.given_name
        if person.phone:
            assert person.phone_normalized == person.phone.replace("-", "")
    # Certificates agree with the disability categories.
    for cert in DisabilityCertificate.objects.select_related("person"):
        if cert.kind == CertificateKind.INTELLECTUAL:
            assert "intellectual" in cert.person.disability_categories
            assert cert.grade in ("A", "B")
    assert HouseholdMember.objects.filter(person__cases__isnull=True).exists()  # not all clients
    assert HouseholdMember.objects.filter(relationship="self").count() >= 55


def test_second_run_creates_nothing(demo):
    counts = (
        Person.objects.count(),
        Case.objects.count(),
        ProgressNote.objects.count(),
        Formulation.objects.count(),
        CaseStatusChange.objects.count(),
        AuditEvent.objects.count(),
    )
    output = run_seed()
    assert "ケース記録: 作成済みのため、新たに作成したものはありません。" in output
    assert (
        Person.objects.count(),
        Case.objects.count(),
        ProgressNote.objects.count(),
        Formulation.objects.count(),
        CaseStatusChange.objects.count(),
        AuditEvent.objects.count(),
    ) == counts


def test_one_audit_row_for_the_casework(demo):
    rows = AuditEvent.objects.filter(action=Action.DEMO_SEEDED, detail__has_key="casework")
    assert rows.count() == 1
    detail = rows.get().detail["casework"]
    assert detail["case"] == Case.objects.count()
    # Besides the casework's notes, the supervisor's advice an office chose to put on its case.
    from tsunagu.supervision.models import PresentedCase

    advice = PresentedCase.objects.filter(advice_on_case_at__isnull=False).count()
    assert detail["note"] == ProgressNote.objects.count() - advice


def test_same_data_every_time(settings):
    """The generator is seeded: two empty databases get the same casework."""
    from tsunagu.demo.cases import seed_casework

    settings.DEMO_MODE = True
    run_seed()
    first = _fingerprint()
    _delete_plans()
    Formulation.objects.all().delete()
    ProgressNote.objects.all().delete()
    Consultation.objects.all().delete()
    CaseTeamMember.objects.all().delete()
    Consent.objects.all().delete()
    CaseStatusChange.objects.all().delete()
    Case.objects.all().delete()
    HouseholdMember.objects.all().delete()
    Household.objects.all().delete()
    DisabilityCertificate.objects.all().delete()
    Person.objects.all().delete()
    seed_casework()
    assert _fingerprint() == first


def _delete_plans() -> None:
    """The demo plans, referrals, conferences and community issues hang off the cases
    (PROTECT), and the directory's resource developments off the issues; the rights records
    and the evacuation list off the persons: they go first."""
    from tsunagu.cases.models import CaseConference
    from tsunagu.community.models import OutreachLead

    # The rights advocacy records and the evacuation list name their person (PROTECT).
    from tsunagu.disaster.models import EvacuationPlan, RegisterEntry, SafetyCheck
    from tsunagu.hearings.models import Direction, Finding, Hearing, HearingRound
    from tsunagu.meetings.models import CommunityIssue, ResourceDevelopment

    # Trial visits hang off the plans; the moments' shares and council rewritings off the
    # notes and consents (issue 21 items 5 and 6).
    from tsunagu.moments.models import CouncilMoment, MomentShare

    # The DV protection names its person (PROTECT).
    from tsunagu.people.models import AddressProtection
    from tsunagu.plainplans.models import PlainPlan
    from tsunagu.plans.models import Assessment, ContingencyTrigger, Monitoring, SupportPlan, Task

    # The portal's accounts, check-ins and requests name the case and the person (PROTECT).
    from tsunagu.portal.models import CheckIn, PortalAccount, PortalRequest
    from tsunagu.records.models import BoardMessage
    from tsunagu.referrals.models import Referral
    from tsunagu.rights.models import (
        CostSupportDecision,
        GuardianshipPetition,
        PetitionStepRecord,
        SelfRelianceReferral,
    )

    # Supervision items name a case and the center's team row they rest on; the training plan
    # names community issues.
    from tsunagu.supervision.models import PresentedCase, SupervisionSession
    from tsunagu.trainingplans.models import PlannedTraining
    from tsunagu.trials.models import TrialCandidate, TrialVisit

    # An outreach lead names the consultation it became (PROTECT).
    OutreachLead.objects.all().delete()
    AddressProtection.objects.all().delete()
    TrialVisit.objects.all().delete()
    TrialCandidate.objects.all().delete()
    MomentShare.objects.all().delete()
    CouncilMoment.objects.all().delete()
    CheckIn.objects.all().delete()
    PortalRequest.objects.all().delete()
    PortalAccount.objects.all().delete()
    SafetyCheck.objects.all().delete()
    EvacuationPlan.objects.all().delete()
    RegisterEntry.objects.all().delete()
    PetitionStepRecord.objects.all().delete()
    GuardianshipPetition.objects.all().delete()
    SelfRelianceReferral.objects.all().delete()
    CostSupportDecision.objects.all().delete()
    # A hearing direction names the community issue raised from it (PROTECT).
    Direction.objects.all().delete()
    Finding.objects.all().delete()
    Hearing.objects.all().delete()
    HearingRound.objects.all().delete()
    while PresentedCase.objects.exists():  # the carried ones first: they name the one before
        PresentedCase.objects.filter(carried_to__isnull=True).delete()
    SupervisionSession.objects.all().delete()
    PlannedTraining.objects.all().delete()
    ResourceDevelopment.objects.all().delete()
    CommunityIssue.objects.all().delete()
    # Support-meeting bases name their meeting (PROTECT): the team goes before the conferences.
    CaseTeamMember.objects.all().delete()
    CaseConference.objects.all().delete()
    Referral.objects.all().delete()
    Task.objects.all().delete()
    ContingencyTrigger.objects.all().delete()
    Monitoring.objects.all().delete()
    PlainPlan.objects.all().delete()  # names the plan and the person (PROTECT)
    for plan in SupportPlan.objects.order_by("-version"):
        plan.delete()
    Assessment.objects.all().delete()
    # The boards' replies name their thread (PROTECT): they go first.
    BoardMessage.objects.filter(parent__isnull=False).delete()
    BoardMessage.objects.all().delete()


def _fingerprint() -> list[tuple[object, ...]]:
    return [
        *Person.objects.order_by("pk").values_list(
            "family_name", "given_name", "birth_date", "address", "phone"
        ),
        *Case.objects.order_by("pk").values_list(
            "title", "lead_organization__code", "lead_worker__username", "status", "opened_on"
        ),
        # The casework's notes (not the supervisor's advice that demo/supervision.py adds).
        *ProgressNote.objects.exclude(text__contains="でのスーパーバイザー")
        .order_by("pk")
        .values_list("occurred_at", "kind", "text"),
        *Formulation.objects.order_by("pk").values_list("revision", "hypothesis", "created_at"),
    ]


def test_the_demo_has_the_search_example_of_the_issue(demo):
    taro = Person.objects.get(family_name="山田", given_name="太郎")
    assert taro.kana_normalized == "ヤマダタロウ"
    assert taro.cases.filter(lead_worker__username="office_a1").exists()
