"""Writes of the rights advocacy app: each runs in one transaction and writes its audit row.

A petition's steps go forward only (`PetitionStep` order; a petition that is not the mayor's
skips the mayor's decision), each dated no earlier than the step before.  The 審判 step names
the court's decision; only a decision to start leads on to 後見等開始, which records the
guardian.  A discrimination consultation's summary and step notes are checked for identifiers
(`meetings.deidentify.check`): each flag is removed or kept with a reason, as community issues
are, because the case list goes to the 障害者差別解消支援地域協議会.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.audit import services as audit
from tsunagu.audit.actions import register_action
from tsunagu.audit.models import Action
from tsunagu.core.actor import Actor
from tsunagu.core.errors import FieldErrors, Forbidden, Invalid
from tsunagu.core.validation import full_clean
from tsunagu.meetings import deidentify
from tsunagu.organizations.models import Organization, OrganizationKind
from tsunagu.people.models import Person
from tsunagu.rights import access
from tsunagu.rights.models import (
    STEP_ORDER,
    ConsultationOutcome,
    ConsultationStep,
    CostSupportDecision,
    DiscriminationConsultation,
    GuardianshipPetition,
    PetitionerKind,
    PetitionStep,
    PetitionStepRecord,
    ReferralOutcome,
    RulingKind,
    SelfRelianceReferral,
)

MAX_REASON = 200

ACTION_COUNCIL_EXPORTED = register_action(
    "rights.council_exported",
    gettext_lazy("障害者差別に関する相談事例（地域協議会用）の書き出し"),
)


def _require_recorder(actor: Actor, target_type: str, target_id: object = "") -> None:
    if not access.may_record(actor):
        audit.record_denial(
            actor, target_type=target_type, target_id=str(target_id), reason="not a recorder"
        )
        raise Forbidden(_("記録できるのは基幹相談支援センターと市担当課の職員です。"))


def next_step(petition: GuardianshipPetition) -> str | None:
    """The one step that may be recorded next, or None when the petition is over."""
    if petition.step == PetitionStep.RULING and petition.ruling != RulingKind.GRANTED:
        return None
    index = STEP_ORDER.index(petition.step) + 1
    skip_decision = petition.petitioner != PetitionerKind.MAYOR
    if (
        skip_decision
        and index < len(STEP_ORDER)
        and STEP_ORDER[index] == PetitionStep.MAYOR_DECISION
    ):
        index += 1
    return STEP_ORDER[index] if index < len(STEP_ORDER) else None


@audit.atomic_with_refusals
def petition_create(
    actor: Actor,
    *,
    person: Person,
    petitioner: str,
    guardianship_type: str,
    consulted_on: dt.date,
    note: str = "",
) -> GuardianshipPetition:
    """A petition begins at 相談受付 (the consultation), dated."""
    _require_recorder(actor, access.PERSON, person.pk)
    person = access.access_person(actor, person.pk)
    assert actor.organization is not None  # noqa: S101  # may_record says so
    petition = GuardianshipPetition(
        person=person,
        petitioner=petitioner,
        guardianship_type=guardianship_type,
        step=PetitionStep.CONSULTED,
        organization=actor.organization,
        created_by=actor.user,
    )
    full_clean(petition)
    petition.save()
    step = PetitionStepRecord(
        petition=petition,
        step=PetitionStep.CONSULTED,
        on=consulted_on,
        note=note.strip(),
        organization=actor.organization,
        recorded_by=actor.user,
    )
    full_clean(step, exclude=["petition"])
    step.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=petition,
        detail={
            "person": person.pk,
            "petitioner": petitioner,
            "guardianship_type": guardianship_type,
            "consulted_on": consulted_on.isoformat(),
        },
    )
    return petition


@audit.atomic_with_refusals
def petition_step(
    actor: Actor,
    *,
    petition: GuardianshipPetition,
    step: str,
    on: dt.date,
    note: str = "",
    ruling: str = "",
    guardian_name: str = "",
    guardian_kind: str = "",
) -> PetitionStepRecord:
    """Record the next step of `petition`, dated; forward only."""
    petition = access.access_petition(actor, petition.pk)
    petition = GuardianshipPetition.objects.select_for_update().get(pk=petition.pk)
    if not access.may_record_step(actor, petition, step):
        audit.record_denial(
            actor, target_type=access.PETITION, target_id=petition.pk, reason="not the city"
        )
        raise Forbidden(_("市長申立ての決定から先を記録できるのは市担当課の職員です。"))
    expected = next_step(petition)
    if expected is None:
        raise Invalid(_("この申立ての手続きは終わっています。"))
    if step != expected:
        label = PetitionStep(expected).label
        raise FieldErrors({"step": _("次に記録できる段階は「%(step)s」です。") % {"step": label}})
    last = petition.steps.order_by("-on", "-pk").first()
    if last is not None and on < last.on:
        raise FieldErrors({"on": _("前の段階の日付より前にはできません。")})
    changed: dict[str, Any] = {}
    if step == PetitionStep.RULING:
        if ruling not in RulingKind.values:
            raise FieldErrors({"ruling": _("審判の内容を選んでください。")})
        petition.ruling = ruling
        petition.ruled_on = on
        changed = {"ruling": ruling, "ruled_on": on.isoformat()}
    if step == PetitionStep.STARTED:
        name = guardian_name.strip()
        if not name:
            raise FieldErrors({"guardian_name": _("後見人等の名前を入力してください。")})
        if not guardian_kind:
            raise FieldErrors({"guardian_kind": _("後見人等の種類を選んでください。")})
        petition.guardian_name = name
        petition.guardian_kind = guardian_kind
        changed = {"guardian_name": name, "guardian_kind": guardian_kind}
    assert actor.organization is not None  # noqa: S101  # may_record_step says so
    record = PetitionStepRecord(
        petition=petition,
        step=step,
        on=on,
        note=note.strip(),
        organization=actor.organization,
        recorded_by=actor.user,
    )
    full_clean(record)
    petition.step = step
    full_clean(petition)
    petition.save()
    record.save()
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=petition,
        detail={"step": step, "on": on.isoformat(), **changed},
    )
    return record


def _checked(text: str, keep: Mapping[str, str] | None, *, field: str) -> dict[str, str]:
    """The reasons kept for the identifiers flagged in `text`; IdentifiersLeft while a flag
    has none (the case list goes to the 地域協議会 without names)."""
    found = deidentify.check(text, None, field=field)
    reasons = {
        key: reason.strip()[:MAX_REASON]
        for key, reason in (keep or {}).items()
        if isinstance(reason, str) and reason.strip()
    }
    left = [f for f in found if f.key not in reasons]
    if left:
        labels = "、".join(dict.fromkeys(str(f.label) for f in left))
        raise deidentify.IdentifiersLeft(
            _("個人が分かるかもしれない表現があります（%(what)s）。") % {"what": labels},
            flags=list(found),
            open_flags=left,
        )
    return {f.key: reasons[f.key] for f in found}


@audit.atomic_with_refusals
def consultation_create(
    actor: Actor,
    *,
    received_on: dt.date,
    consulter: str,
    party_kind: str,
    kind: str,
    field: str,
    summary: str,
    person: Person | None = None,
    age_band: str = "",
    disability_type: str = "",
    keep: Mapping[str, str] | None = None,
    seen: Iterable[str] = (),
) -> DiscriminationConsultation:
    _require_recorder(actor, access.CONSULTATION)
    assert actor.organization is not None  # noqa: S101  # may_record says so
    if person is not None:
        person = access.access_person(actor, person.pk)
        age_band, disability_type = "", ""  # the record holds them; nothing duplicated here
    kept = _checked(summary, keep, field="summary")
    consultation = DiscriminationConsultation(
        organization=actor.organization,
        received_on=received_on,
        consulter=consulter,
        person=person,
        age_band=age_band,
        disability_type=disability_type,
        party_kind=party_kind,
        kind=kind,
        field=field,
        summary=summary.strip(),
        created_by=actor.user,
    )
    full_clean(consultation)
    consultation.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=consultation,
        detail={
            "person": person.pk if person is not None else None,
            "kind": kind,
            "party_kind": party_kind,
            "field": field,
            "kept": kept,
            "seen": sorted(set(seen))[:200],
        },
    )
    return consultation


@audit.atomic_with_refusals
def consultation_step(
    actor: Actor,
    *,
    consultation: DiscriminationConsultation,
    kind: str,
    on: dt.date,
    note: str = "",
    keep: Mapping[str, str] | None = None,
) -> ConsultationStep:
    _require_recorder(actor, access.CONSULTATION, consultation.pk)
    consultation = access.access_consultation(actor, consultation.pk)
    if consultation.closed_on is not None:
        raise Invalid(_("終結した相談には対応を記録できません。"))
    if on < consultation.received_on:
        raise FieldErrors({"on": _("受付日より前にはできません。")})
    kept = _checked(note, keep, field="note")
    step = ConsultationStep(
        consultation=consultation, kind=kind, on=on, note=note.strip(), recorded_by=actor.user
    )
    full_clean(step)
    step.save()
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=consultation,
        detail={"step": kind, "on": on.isoformat(), "kept": kept},
    )
    return step


@audit.atomic_with_refusals
def consultation_close(
    actor: Actor, *, consultation: DiscriminationConsultation, outcome: str, closed_on: dt.date
) -> DiscriminationConsultation:
    _require_recorder(actor, access.CONSULTATION, consultation.pk)
    consultation = access.access_consultation(actor, consultation.pk)
    if consultation.closed_on is not None:
        raise Invalid(_("この相談はすでに終結しています。"))
    if outcome not in ConsultationOutcome.values or not outcome:
        raise FieldErrors({"outcome": _("結果を選んでください。")})
    if closed_on < consultation.received_on:
        raise FieldErrors({"closed_on": _("受付日より前にはできません。")})
    consultation.outcome = outcome
    consultation.closed_on = closed_on
    full_clean(consultation)
    consultation.save(update_fields=["outcome", "closed_on", "updated_at"])
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=consultation,
        detail={"outcome": outcome, "closed_on": closed_on.isoformat()},
    )
    return consultation


@audit.atomic_with_refusals
def referral_create(
    actor: Actor, *, person: Person, council: Organization, referred_on: dt.date, note: str = ""
) -> SelfRelianceReferral:
    """A dated referral to the social welfare council's 日常生活自立支援事業."""
    _require_recorder(actor, access.PERSON, person.pk)
    person = access.access_person(actor, person.pk)
    if council.kind != OrganizationKind.SOCIAL_WELFARE_COUNCIL or not council.is_active:
        raise FieldErrors({"council": _("紹介先は社会福祉協議会から選んでください。")})
    assert actor.organization is not None  # noqa: S101  # may_record says so
    referral = SelfRelianceReferral(
        person=person,
        council=council,
        referred_on=referred_on,
        note=note.strip(),
        organization=actor.organization,
        created_by=actor.user,
    )
    full_clean(referral)
    referral.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=referral,
        detail={"person": person.pk, "council": council.pk, "referred_on": referred_on.isoformat()},
    )
    return referral


@audit.atomic_with_refusals
def referral_outcome(
    actor: Actor, *, referral: SelfRelianceReferral, outcome: str, on: dt.date
) -> SelfRelianceReferral:
    _require_recorder(actor, access.REFERRAL, referral.pk)
    referral = access.access_referral(actor, referral.pk)
    if not outcome or outcome not in ReferralOutcome.values:
        raise FieldErrors({"outcome": _("結果を選んでください。")})
    if on < referral.referred_on:
        raise FieldErrors({"on": _("紹介日より前にはできません。")})
    before = [referral.outcome, referral.outcome_on.isoformat() if referral.outcome_on else None]
    referral.outcome, referral.outcome_on = outcome, on
    full_clean(referral)
    referral.save(update_fields=["outcome", "outcome_on", "updated_at"])
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=referral,
        detail={"changed": {"outcome": [before, [outcome, on.isoformat()]]}},
    )
    return referral


@audit.atomic_with_refusals
def cost_decision_create(
    actor: Actor, *, person: Person, kind: str, amount: int, decided_on: dt.date
) -> CostSupportDecision:
    """A 成年後見制度利用支援事業 decision: the city department's alone."""
    if not (access.may_record(actor) and access.is_city(actor)):
        audit.record_denial(
            actor, target_type=access.PERSON, target_id=str(person.pk), reason="not the city"
        )
        raise Forbidden(_("利用支援事業の決定を記録できるのは市担当課の職員です。"))
    person = access.access_person(actor, person.pk)
    assert actor.organization is not None  # noqa: S101  # may_record says so
    decision = CostSupportDecision(
        person=person,
        kind=kind,
        amount=amount,
        decided_on=decided_on,
        organization=actor.organization,
        decided_by=actor.user,
    )
    full_clean(decision)
    decision.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=decision,
        detail={
            "person": person.pk,
            "kind": kind,
            "amount": amount,
            "decided_on": decided_on.isoformat(),
        },
    )
    return decision
