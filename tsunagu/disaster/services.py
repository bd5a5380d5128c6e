"""Writes of the disaster app: each takes an Actor, checks its right, and is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.actor import Actor
from tsunagu.core.errors import FieldErrors, Invalid
from tsunagu.disaster import access
from tsunagu.disaster.models import (
    DISASTER_BASIS,
    Campaign,
    CheckState,
    Criteria,
    EntrySource,
    EvacuationPlan,
    RegisterEntry,
    SafetyCheck,
)
from tsunagu.organizations.models import Area, AreaKind, Organization
from tsunagu.people.models import CertificateKind, Person

PLAN_FIELDS = ("helpers", "destination", "belongings", "medical_needs", "contact")


def _manager(actor: Actor, view: str) -> Actor:
    audit.require_role(actor, access.may_manage, view=view)
    return audit.require_writer(actor)


def current_criteria() -> Criteria | None:
    return Criteria.objects.order_by("-pk").first()


@audit.atomic_with_refusals
def criteria_set(
    actor: Actor,
    *,
    physical_grades: Iterable[str],
    intellectual_grades: Iterable[str],
    mental_grades: Iterable[str],
    min_support_category: int | None,
    living_alone: bool,
    medical_equipment: bool,
) -> Criteria:
    _manager(actor, "disaster_criteria")
    if min_support_category is not None and not 1 <= min_support_category <= 6:
        raise FieldErrors({"min_support_category": _("障害支援区分は1から6で指定してください。")})
    criteria = Criteria.objects.create(
        physical_grades=sorted(set(physical_grades)),
        intellectual_grades=sorted(set(intellectual_grades)),
        mental_grades=sorted(set(mental_grades)),
        min_support_category=min_support_category,
        living_alone=living_alone,
        medical_equipment=medical_equipment,
        updated_by=actor.user,
    )
    audit.record(action=Action.RECORD_CREATED, actor=actor, target=criteria)
    return criteria


def matching_persons(criteria: Criteria) -> list[Person]:
    """The persons the city's criteria name (those whose entry says 医療機器 are kept by
    `register_build` itself)."""
    grades = Q(pk__in=[])
    for kind, chosen in (
        (CertificateKind.PHYSICAL, criteria.physical_grades),
        (CertificateKind.INTELLECTUAL, criteria.intellectual_grades),
        (CertificateKind.MENTAL, criteria.mental_grades),
    ):
        if chosen:
            grades |= Q(certificates__kind=kind, certificates__grade__in=chosen)
    if criteria.min_support_category:
        grades |= Q(support_category__in=[str(n) for n in range(criteria.min_support_category, 7)])
    if criteria.living_alone:
        grades |= Q(lives_alone=True)
    return list(Person.objects.filter(grades).distinct().order_by("pk"))


@audit.atomic_with_refusals
def register_build(actor: Actor) -> list[RegisterEntry]:
    """Adds everyone the criteria name who is not on the list yet (第49条の10)."""
    _manager(actor, "disaster_register_build")
    criteria = current_criteria()
    if criteria is None:
        raise Invalid(_("先に名簿掲載の基準を定めてください。"))
    added = []
    for person in matching_persons(criteria):
        entry, created = RegisterEntry.objects.get_or_create(
            person=person, defaults={"source": EntrySource.CRITERIA, "added_by": actor.user}
        )
        if created:
            added.append(entry)
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target_type="disaster.registerentry",
        detail={"built_from_criteria": criteria.pk, "added": len(added)},
        person_ids=[e.person_id for e in added],
    )
    return added


def person_to_add(actor: Actor, person_id: int) -> Person:
    """The person the city adds by hand (the city's department keeps the list of everyone)."""
    _manager(actor, "disaster_entry_add")
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise FieldErrors({"person_id": _("本人が見つかりません。")})
    return person


@audit.atomic_with_refusals
def entry_add(actor: Actor, *, person: Person, medical_equipment: bool = False) -> RegisterEntry:
    """A person added by hand (a need the criteria do not see)."""
    _manager(actor, "disaster_entry_add")
    if RegisterEntry.objects.filter(person=person).exists():
        raise FieldErrors({"person": _("この本人はすでに名簿に載っています。")})
    entry = RegisterEntry.objects.create(
        person=person,
        source=EntrySource.MANUAL,
        medical_equipment=medical_equipment,
        added_by=actor.user,
    )
    audit.record(action=Action.RECORD_CREATED, actor=actor, target=entry, person_ids=[person.pk])
    return entry


@audit.atomic_with_refusals
def consent_record(
    actor: Actor, *, entry: RegisterEntry, given: bool, on: dt.date | None = None
) -> RegisterEntry:
    """Consent to normal-time sharing (第49条の11第2項) given, or withdrawn: a withdrawal
    takes the person off the normal-time list of every 避難支援等関係者 at once."""
    if not access.may_plan(actor):
        raise audit.refusal(
            actor, target=entry, reason="not city or core", message=_("同意を記録できません。")
        )
    audit.require_writer(actor, target=entry, deferred=True)
    day = on or timezone.localdate()
    if given:
        entry.consent_given_on = day
        entry.consent_withdrawn_on = None
    else:
        if entry.consent_given_on is None:
            raise Invalid(_("同意が記録されていません。"))
        entry.consent_withdrawn_on = day
    entry.save(update_fields=["consent_given_on", "consent_withdrawn_on", "updated_at"])
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=entry,
        detail={"consent": "given" if given else "withdrawn", "on": day},
        person_ids=[entry.person_id],
    )
    return entry


@audit.atomic_with_refusals
def plan_save(actor: Actor, *, entry: RegisterEntry, **fields: Any) -> EvacuationPlan:
    """個別避難計画 (第49条の14): who helps, where to go, what to bring, medical needs."""
    if not access.may_plan(actor):
        raise audit.refusal(
            actor, target=entry, reason="not city or core", message=_("計画を変更できません。")
        )
    audit.require_writer(actor, target=entry, deferred=True)
    values = {k: str(fields.get(k) or "").strip() for k in PLAN_FIELDS}
    plan, created = EvacuationPlan.objects.update_or_create(
        entry=entry, defaults={**values, "updated_by": actor.user}
    )
    audit.record(
        action=Action.RECORD_CREATED if created else Action.RECORD_UPDATED,
        actor=actor,
        target=plan,
        person_ids=[entry.person_id],
    )
    return plan


@audit.atomic_with_refusals
def campaign_declare(
    actor: Actor,
    *,
    title: str,
    areas: Iterable[Area],
    workers: Iterable[Organization] = (),
    started_at: dt.datetime | None = None,
) -> Campaign:
    """The city declares a disaster for some areas: the basis of 第49条の11第3項 starts."""
    _manager(actor, "disaster_campaign_declare")
    areas = list(areas)
    if not title.strip():
        raise FieldErrors({"title": _("災害名を入力してください。")})
    if not areas:
        raise FieldErrors({"areas": _("対象地域を選んでください。")})
    if any(a.kind == AreaKind.CITY for a in areas) and len(areas) > 1:
        raise FieldErrors({"areas": _("市全域を選ぶときは他の地域を選ばないでください。")})
    campaign = Campaign.objects.create(
        title=title.strip(),
        basis=DISASTER_BASIS,
        started_at=started_at or timezone.now(),
        declared_by=actor.user,
    )
    campaign.areas.set(areas)
    campaign.workers.set(list(workers))
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=campaign,
        detail={
            "basis": DISASTER_BASIS,
            "areas": [a.pk for a in areas],
            "workers": sorted(campaign.workers.values_list("pk", flat=True)),
        },
    )
    return campaign


@audit.atomic_with_refusals
def campaign_close(actor: Actor, *, campaign: Campaign) -> Campaign:
    """Closing ends the basis: the named organizations no longer see the non-consenting."""
    _manager(actor, "disaster_campaign_close")
    if not campaign.is_open:
        raise Invalid(_("この安否確認はすでに終了しています。"))
    campaign.closed_at = timezone.now()
    campaign.save(update_fields=["closed_at", "updated_at"])
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=campaign,
        detail={"closed": True, "basis_ended": DISASTER_BASIS},
    )
    return campaign


@audit.atomic_with_refusals
def check_record(
    actor: Actor,
    *,
    campaign: Campaign,
    entry: RegisterEntry,
    state: str,
    evacuated_to: str = "",
    note: str = "",
) -> SafetyCheck:
    if not access.may_record(actor, campaign):
        raise audit.refusal(
            actor,
            target=campaign,
            reason="campaign closed or not a worker",
            message=_("この安否確認には記録できません。"),
        )
    if state not in CheckState.values:
        raise FieldErrors({"state": _("状態を選んでください。")})
    if not access.campaign_entries(campaign).filter(pk=entry.pk).exists():
        raise FieldErrors({"entry": _("この本人は安否確認の対象地域にいません。")})
    assert actor.organization is not None  # noqa: S101  # may_record says so
    check = SafetyCheck.objects.create(
        campaign=campaign,
        entry=entry,
        state=state,
        evacuated_to=evacuated_to.strip()[:200],
        note=note.strip()[:500],
        recorded_by=actor.user,
        organization=actor.organization,
        recorded_at=timezone.now(),
    )
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=check,
        detail={"campaign": campaign.pk, "state": state, "basis": campaign.basis},
        person_ids=[entry.person_id],
    )
    return check
