"""What a printed note, a printed case summary and a disclosure export contain, gathered once
through the access layer (DESIGN.md §5), and the audit rows that mark them leaving the system.

## Who answers a disclosure request (個人情報保護法 第33条)

The law asks each business that holds a person's data to disclose what *it* holds.  In Tsunagu
an organization holds a person on its own account when it registered them, took a consultation
about them, leads a case whose subject they are, or sits on the team of such a case today; a
core center on a case's team is therefore a holder as much as the lead office.  Only a member
who may write answers for the organization.  An organization that sees the person only by
break-glass (emergency, read-only) or by the person's consent without taking part in any case
does not: it is refused (403, audited), and an organization that cannot see the person at all
gets the same 404 as for a person that does not exist.

The export is everything the organization may see about the person through the visibility
selectors, gathered with break-glass switched off: the person and their certificates, their own
household memberships, consents, consultations, the cases whose subject they are (their own
and their household's), notes, formulations, assessments (the household-wide parts and the
person's own section, never another member's), plans with their items, monitorings, referrals,
case conferences, and the attachments of the disclosed notes (listed, and the files included).

## Restricted notes (限定公開) and 第33条第2項

A restricted note is read only by the case's lead organization and its author.  Another
organization's restricted notes are never in the export: that organization answers for them.
The organization's *own* restricted notes are held by it and must be decided on one by one:
第33条第2項 lets it withhold all or part when disclosure would harm the person's or a third
party's life, body, property or other rights (1号), seriously hinder its work (2号), or break
another law (3号).  So the export screen lists them and will not build the export until the
reviewer has decided each one: disclose, or withhold with the ground and a reason.  Withheld
notes are still listed in the PDF (date, kind, ground, reason; not their text), because the
person must be told what was not disclosed and why (第32条・第36条).  The decisions are kept
in the export's audit row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.cases.access import (
    access_object,
    active_team_members,
    cases_visible_to,
    consultations_visible_to,
    persons_visible_to,
    without_break_glass,
)
from tsunagu.cases.models import Case, CaseTeamMember, Consultation
from tsunagu.cases.selectors import case_team, subject_person_ids
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Forbidden, Invalid
from tsunagu.disclosure.records import Field, Record, record_of
from tsunagu.meetings.selectors import conferences_visible_to
from tsunagu.organizations.models import Organization
from tsunagu.people import protection
from tsunagu.people.models import (
    Consent,
    DisabilityCertificate,
    HouseholdMember,
    Person,
)
from tsunagu.people.selectors import person_household_memberships
from tsunagu.plans.access import assessments_visible_to, monitorings_visible_to, plans_visible_to
from tsunagu.plans.models import AssessmentSection, MonitoringGoalReport, PlanItem, SupportPlan
from tsunagu.plans.selectors import plan_current
from tsunagu.records.access import formulations_visible_to, notes_visible_to
from tsunagu.records.models import Formulation, NoteAttachment, ProgressNote
from tsunagu.referrals.access import referrals_visible_to

RECENT_NOTES = 10  # on a printed case summary
NOT_A_HOLDER_MESSAGE = gettext_lazy(
    "開示請求には、この人を登録した機関、相談を受けた機関、またはこの人のケースを担当する"
    "機関（主担当・支援チーム）が対応します。"
)


# --- One note, one case summary ----------------------------------------------------------------


def note_for_print(actor: Actor, note_id: object) -> ProgressNote:
    """The note if the actor may read it (404 otherwise, audited); the print writes its row."""
    queryset = (
        notes_visible_to(actor)
        .select_related(
            "case",
            "case__person",
            "case__household",
            "case__lead_organization",
            "author",
            "author_organization",
        )
        .prefetch_related("attachments")
    )
    obj = access_object(actor, queryset, note_id, for_write=False, audit_read=False)
    assert isinstance(obj, ProgressNote)  # noqa: S101
    return obj


def record_print(actor: Actor, *, target: ProgressNote | Case, event: str, case: Case) -> None:
    """One `record.viewed` row marking a print (`event`: note.printed or case.summary_printed),
    naming the case's subjects for their "who looked at my record" report."""
    audit.record(
        action=Action.RECORD_VIEWED,
        actor=actor,
        target=target,
        detail={"event": event, "format": "pdf", "case": case.pk},
        person_ids=subject_person_ids(case),
    )


@dataclass
class CaseSummary:
    case: Case
    team: list[CaseTeamMember]
    plan: SupportPlan | None
    plan_items: list[PlanItem]
    formulation: Formulation | None
    notes: list[ProgressNote]
    printed_at: dt.datetime


def case_summary(actor: Actor, case: Case) -> CaseSummary:
    """The summary of a case the actor may see: the notes are those the actor may read."""
    plan = plan_current(actor=actor, case=case)
    items = (
        list(plan.items.select_related("responsible_organization").order_by("priority", "pk"))
        if plan is not None
        else []
    )
    formulation = (
        formulations_visible_to(actor)
        .filter(case=case)
        .select_related("author", "author_organization")
        .order_by("-revision")
        .first()
    )
    notes = list(
        notes_visible_to(actor)
        .filter(case=case)
        .select_related("author", "author_organization")
        .order_by("-occurred_at", "-pk")[:RECENT_NOTES]
    )
    return CaseSummary(
        case=case,
        team=list(case_team(case)),
        plan=plan,
        plan_items=items,
        formulation=formulation,
        notes=notes,
        printed_at=timezone.now(),
    )


# --- Disclosure ---------------------------------------------------------------------------


def _person_cases(person: Person) -> Q:
    """Cases whose subject the person is: their own, and their household's without a person."""
    households = HouseholdMember.objects.filter(person=person).values("household_id")
    return Q(person=person) | Q(person__isnull=True, household_id__in=households)


def is_holder(actor: Actor, person: Person) -> bool:
    """Does the actor's organization hold the person on its own account (module docstring)?"""
    org_id = actor.organization_id
    if org_id is None:
        return False
    if person.registered_by_organization_id == org_id:
        return True
    if Consultation.objects.filter(organization_id=org_id, person=person).exists():
        return True
    cases = Case.objects.filter(_person_cases(person))
    if cases.filter(lead_organization_id=org_id).exists():
        return True
    return (
        active_team_members()
        .filter(organization_id=org_id, case_id__in=cases.values("pk"))
        .exists()
    )


def person_for_disclosure(actor: Actor, person_id: object, *, for_answer: bool = False) -> Person:
    """The person, when the actor's organization may answer their disclosure request.

    NotFound (audited) when the organization cannot see the person, break-glass aside;
    Forbidden (audited) when it sees them but does not hold them, or the member may only read
    (`for_answer`: building the export)."""
    with without_break_glass():
        queryset = persons_visible_to(actor).select_related("area", "registered_by_organization")
        obj = access_object(actor, queryset, person_id, for_write=False, audit_read=False)
    assert isinstance(obj, Person)  # noqa: S101
    if not is_holder(actor, obj):
        audit.record_denial(
            actor,
            target_type=audit.target_type_of(obj),
            target_id=obj.pk,
            reason="not a holder of the person",
        )
        raise Forbidden(str(NOT_A_HOLDER_MESSAGE))
    if for_answer:
        audit.require_writer(actor, target=obj)
    return obj


def restricted_for_review(actor: Actor, person: Person) -> list[ProgressNote]:
    """The organization's own restricted notes about the person, oldest first."""
    with without_break_glass():
        return list(
            notes_visible_to(actor)
            .filter(
                is_restricted=True,
                author_organization_id=actor.organization_id,
                case_id__in=cases_visible_to(actor).filter(_person_cases(person)).values("pk"),
            )
            .select_related("case", "author", "author_organization")
            .order_by("occurred_at", "pk")
        )


class Ground:
    """The grounds of 個人情報保護法 第33条第2項 for withholding."""

    HARM = "harm"
    BUSINESS = "business"
    OTHER_LAW = "other_law"
    CHOICES = (
        (
            HARM,
            gettext_lazy("第1号 本人又は第三者の生命、身体、財産その他の権利利益を害するおそれ"),
        ),
        (BUSINESS, gettext_lazy("第2号 業務の適正な実施に著しい支障を及ぼすおそれ")),
        (OTHER_LAW, gettext_lazy("第3号 他の法令に違反することとなる")),
    )


@dataclass(frozen=True)
class NoteDecision:
    disclose: bool
    ground: str = ""  # a Ground when withheld
    reason: str = ""

    @property
    def ground_label(self) -> str:
        return str(dict(Ground.CHOICES).get(self.ground, ""))


@dataclass(frozen=True)
class WithheldNote:
    pk: int
    occurred_at: dt.datetime
    kind: str
    ground: str
    ground_label: str
    reason: str


@dataclass
class Section:
    key: str  # file name stem in the ZIP
    title: str
    records: list[Record]


@dataclass
class Disclosure:
    person: Person
    organization: Organization
    received_on: dt.date
    made_at: dt.datetime
    sections: list[Section]
    withheld: list[WithheldNote]
    attachments: list[NoteAttachment] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = {section.key: len(section.records) for section in self.sections}
        counts["withheld_notes"] = len(self.withheld)
        return counts


def _records(objects: Iterable[object], **kwargs: object) -> list[Record]:
    return [record_of(obj, **kwargs) for obj in objects]  # type: ignore[arg-type]


def disclosure_gather(
    actor: Actor,
    *,
    person: Person,
    received_on: dt.date,
    decisions: Mapping[int, NoteDecision],
) -> Disclosure:
    """Everything the actor's organization holds about `person` (module docstring).

    `decisions` must decide exactly the notes of `restricted_for_review`; a restricted note
    written since the reviewer looked is not passed over silently (Invalid)."""
    pending = restricted_for_review(actor, person)
    if {note.pk for note in pending} != set(decisions):
        raise Invalid(_("限定公開の記録が変わりました。もう一度確認して判断してください。"))
    withheld_ids = {pk for pk, decision in decisions.items() if not decision.disclose}
    org_id = actor.organization_id
    with without_break_glass():
        cases = list(
            cases_visible_to(actor)
            .filter(_person_cases(person))
            .select_related("person", "household", "lead_organization", "lead_worker")
            .order_by("opened_on", "pk")
        )
        case_ids = [case.pk for case in cases]
        notes = list(
            notes_visible_to(actor)
            .filter(case_id__in=case_ids)
            # Another organization's restricted notes are its to answer for (docstring).
            .filter(Q(is_restricted=False) | Q(author_organization_id=org_id))
            .exclude(pk__in=withheld_ids)
            .select_related("case", "author", "author_organization")
            .order_by("occurred_at", "pk")
        )
        withheld_notes = list(
            ProgressNote.objects.filter(pk__in=withheld_ids).order_by("occurred_at", "pk")
        )
        attachments = list(
            NoteAttachment.objects.filter(note__in=notes)
            .select_related("note", "uploaded_by")
            .order_by("note__occurred_at", "uploaded_at", "pk")
        )
        formulations = list(
            formulations_visible_to(actor)
            .filter(case_id__in=case_ids)
            .select_related("case", "author", "author_organization")
            .order_by("case_id", "revision")
        )
        assessments = list(
            assessments_visible_to(actor)
            .filter(case_id__in=case_ids)
            .select_related("case", "author", "author_organization")
            .order_by("case_id", "revision")
        )
        sections = list(
            AssessmentSection.objects.filter(assessment__in=assessments, person=person)
            .select_related("assessment", "person")
            .order_by("assessment_id", "pk")
        )
        plans = list(
            plans_visible_to(actor)
            .filter(case_id__in=case_ids)
            .select_related("case", "author", "author_organization", "based_on")
            .order_by("case_id", "version")
        )
        items = list(
            PlanItem.objects.filter(plan__in=plans)
            .select_related("plan", "responsible_organization", "responsible_worker")
            .order_by("plan_id", "priority", "pk")
        )
        monitorings = list(
            monitorings_visible_to(actor)
            .filter(plan__in=plans)
            .select_related("plan", "conducted_by", "conducted_by_organization")
            .order_by("plan_id", "pk")
        )
        reports = list(
            MonitoringGoalReport.objects.filter(monitoring__in=monitorings)
            .select_related("monitoring", "plan_item")
            .order_by("monitoring_id", "pk")
        )
        referrals = list(
            referrals_visible_to(actor)
            .filter(Q(case_id__in=case_ids) | Q(person=person))
            .select_related(
                "case",
                "person",
                "requesting_organization",
                "receiving_organization",
                "requesting_worker",
                "receiving_worker",
            )
            .order_by("created_at", "pk")
        )
        conferences = list(
            conferences_visible_to(actor)
            .filter(case_id__in=case_ids)
            .select_related("case", "organizer", "body", "created_by", "summary_reviewed_by")
            .order_by("held_at", "pk")
        )
        consultations = list(
            consultations_visible_to(actor)
            .filter(
                Q(person=person)
                | Q(case_id__in=case_ids)
                | Q(person__isnull=True, household__members__person=person)
            )
            .distinct()
            .select_related("organization", "received_by", "person", "household", "case")
            .order_by("received_at", "pk")
        )
        memberships = list(person_household_memberships(actor, person=person))
    consents = list(
        Consent.objects.filter(person=person)
        .select_related("obtained_by", "obtained_by_organization")
        .order_by("obtained_on", "pk")
    )
    certificates = list(DisabilityCertificate.objects.filter(person=person).order_by("pk"))
    consent_records = []
    for consent in consents:
        record = record_of(consent)
        names = [org.name for org in consent.organizations.order_by("name")]
        record.data["organizations"] = names
        record.fields.append(Field("organizations", _("共有先の機関"), "、".join(names) or "—"))
        consent_records.append(record)
    # Under DV protection the whereabouts are not in the copy (people.protection; 個人情報保護法
    # 第78条第1項第2号: a disclosure that would endanger someone's life or body is withheld).
    contact = protection.contact_of(person)
    person_record = record_of(
        person,
        title=person.display_name,
        exclude=frozenset(protection.CONTACT_FIELDS) if contact.hidden else frozenset(),
    )
    if contact.hidden:
        person_record.fields.append(Field("contact", _("住所・電話番号"), contact.label))
        person_record.data["contact_hidden"] = True
    sections_out = [
        Section("person", _("本人の情報"), [person_record]),
        Section("certificates", _("障害者手帳"), _records(certificates)),
        Section("household_memberships", _("世帯への所属"), _records(memberships)),
        Section("consents", _("同意"), consent_records),
        Section("consultations", _("相談受付"), _records(consultations)),
        Section("cases", _("支援ケース"), _records(cases)),
        Section("notes", _("支援経過記録"), _records(notes)),
        Section("attachments", _("添付ファイル"), _records(attachments)),
        Section("formulations", _("見立て・支援方針"), _records(formulations)),
        Section("assessments", _("アセスメント"), _records(assessments)),
        Section("assessment_sections", _("アセスメント（本人の欄）"), _records(sections)),
        Section("plans", _("支援計画"), _records(plans)),
        Section("plan_items", _("支援計画の項目"), _records(items)),
        Section("monitorings", _("モニタリング"), _records(monitorings)),
        Section("monitoring_reports", _("モニタリングの目標ごとの評価"), _records(reports)),
        Section("referrals", _("紹介・共同支援の依頼"), _records(referrals)),
        Section("conferences", _("ケース会議・支援会議"), _records(conferences)),
    ]
    withheld = [
        WithheldNote(
            pk=note.pk,
            occurred_at=note.occurred_at,
            kind=note.get_kind_display(),
            ground=decisions[note.pk].ground,
            ground_label=decisions[note.pk].ground_label,
            reason=decisions[note.pk].reason,
        )
        for note in withheld_notes
    ]
    return Disclosure(
        person=person,
        organization=actor.organization,  # type: ignore[arg-type]  # checked by the holder rule
        received_on=received_on,
        made_at=timezone.now(),
        sections=sections_out,
        withheld=withheld,
        attachments=attachments,
    )


def record_review_shown(actor: Actor, person: Person) -> None:
    """The review screen shows the restricted notes' text: one read row naming the person."""
    audit.record_read(actor, view="disclosure.review", person_ids=[person.pk], target=person)


def record_disclosure(
    actor: Actor,
    disclosure: Disclosure,
    *,
    decisions: Mapping[int, NoteDecision],
    filename: str,
    sha256: str,
    size: int,
) -> None:
    """Two rows, both naming the person: the export (what it holds, the reviewer's decisions)
    and the download of the file that left the system (its name, size and hash)."""
    person = disclosure.person
    audit.record(
        action=Action.RECORD_VIEWED,
        actor=actor,
        target=person,
        detail={
            "event": "person.disclosure_exported",
            "received_on": disclosure.received_on,
            "counts": disclosure.counts,
            "restricted_notes": [
                {
                    "note": pk,
                    "decision": "disclose" if decision.disclose else "withhold",
                    "ground": decision.ground,
                    "reason": decision.reason,
                }
                for pk, decision in sorted(decisions.items())
            ],
        },
        person_ids=[person.pk],
    )
    audit.record(
        action=Action.RECORD_VIEWED,
        actor=actor,
        target=person,
        detail={
            "event": "person.disclosure_downloaded",
            "filename": filename,
            "bytes": size,
            "sha256": sha256,
        },
        person_ids=[person.pk],
    )
