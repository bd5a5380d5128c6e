"""Writes of the disaster app: each takes an Actor, checks its right, and is audited."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.actor import Actor
from tsunagu.core.errors import FieldErrors, Forbidden, Invalid, NotFound, TsunaguError
from tsunagu.disaster import access
from tsunagu.disaster.models import (
    DISASTER_BASIS,
    Campaign,
    CheckState,
    Criteria,
    EntrySource,
    EvacuationPlan,
    RegisterEntry,
    Resolution,
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


class CampaignClosed(TsunaguError):
    """The campaign has closed: its basis ended, nothing more is recorded (410, ADR 0020)."""

    code = "gone"
    status = 410


# `base` of a check recorded without version (the single-state API before offline sync, a form
# posted by a page that did not send it): the state is taken as it comes.
NO_BASE = -1
MAX_BATCH = 200


def _may_record_or_refuse(actor: Actor, campaign: Campaign) -> None:
    if not access.may_record(actor, campaign):
        raise audit.refusal(
            actor,
            target=campaign,
            reason="campaign closed or not a worker",
            message=_("この安否確認には記録できません。"),
        )


def _intervening(
    actor: Actor, campaign: Campaign, entry_id: int, base: int | None
) -> SafetyCheck | None:
    """The newest state another helper recorded since the version this helper saw."""
    others = SafetyCheck.objects.filter(campaign=campaign, entry_id=entry_id).exclude(
        recorded_by=actor.user
    )
    others = others.exclude(resolution=Resolution.REJECTED)
    if base is not None:
        others = others.filter(pk__gt=base)
    return others.order_by("-pk").first()


def _record(
    actor: Actor,
    *,
    campaign: Campaign,
    entry: RegisterEntry,
    state: str,
    evacuated_to: str,
    note: str,
    base: int | None,
    client_id: uuid.UUID | None = None,
) -> SafetyCheck:
    assert actor.organization is not None  # noqa: S101  # may_record says so
    newer = None if base == NO_BASE else _intervening(actor, campaign, entry.pk, base)
    check = SafetyCheck.objects.create(
        campaign=campaign,
        entry=entry,
        state=state,
        evacuated_to=evacuated_to.strip()[:200],
        note=note.strip()[:500],
        recorded_by=actor.user,
        organization=actor.organization,
        recorded_at=timezone.now(),
        client_id=client_id,
        base_id=None if base == NO_BASE else base,
        resolution=Resolution.OPEN if newer else Resolution.NONE,
        conflict_with=newer,
    )
    detail: dict[str, Any] = {"campaign": campaign.pk, "state": state, "basis": campaign.basis}
    if client_id is not None:
        detail["client_id"] = str(client_id)
    if base != NO_BASE:
        detail["base"] = base
    if newer is not None:
        detail["conflict_with"] = newer.pk
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=check,
        detail=detail,
        person_ids=[entry.person_id],
    )
    return check


@audit.atomic_with_refusals
def check_record(
    actor: Actor,
    *,
    campaign: Campaign,
    entry: RegisterEntry,
    state: str,
    evacuated_to: str = "",
    note: str = "",
    base: int | None = NO_BASE,
) -> SafetyCheck:
    """One state.  With `base` (the id of the latest check the helper saw, None for none),
    a state another helper changed since is kept as a conflict for the core center."""
    _may_record_or_refuse(actor, campaign)
    if state not in CheckState.values:
        raise FieldErrors({"state": _("状態を選んでください。")})
    if not access.campaign_entries(campaign).filter(pk=entry.pk).exists():
        raise FieldErrors({"entry": _("この本人は安否確認の対象地域にいません。")})
    return _record(
        actor,
        campaign=campaign,
        entry=entry,
        state=state,
        evacuated_to=evacuated_to,
        note=note,
        base=base,
    )


@dataclass(frozen=True)
class SyncItem:
    """One state a phone queued: its own id, the person, the state, the version it saw."""

    client_id: uuid.UUID
    entry_id: int
    state: str
    base: int | None
    evacuated_to: str = ""
    note: str = ""


@dataclass(frozen=True)
class SyncResult:
    client_id: str
    status: str  # recorded | conflict | rejected
    check: SafetyCheck | None = None
    replayed: bool = False
    message: str = ""


def _outcome(check: SafetyCheck, client_id: uuid.UUID, *, replayed: bool) -> SyncResult:
    status = "conflict" if check.resolution == Resolution.OPEN else "recorded"
    return SyncResult(str(client_id), status, check, replayed)


def checks_sync(actor: Actor, *, campaign: Campaign, items: list[SyncItem]) -> list[SyncResult]:
    """The states a phone queued while offline, sent when the network returned (ADR 0020).

    Each item stands alone (its own savepoint): a retried item (same client id) is answered
    with what was recorded the first time; a person off this helper's list is refused for that
    item only; a state another helper changed since the version this one saw is recorded as a
    conflict the core center settles.  A closed campaign answers 410: the basis has ended."""
    if not campaign.is_open:
        audit.record_denial(
            actor, target_type=access.CAMPAIGN, target_id=str(campaign.pk), reason="closed"
        )
        raise CampaignClosed(_("この安否確認は終了しました。端末の一覧を消去します。"))
    if not access.may_record(actor, campaign):
        audit.record_denial(
            actor, target_type=access.CAMPAIGN, target_id=str(campaign.pk), reason="not a writer"
        )
        raise Forbidden(_("この安否確認には記録できません。"))
    if len(items) > MAX_BATCH:
        raise Invalid(_("一度に送れるのは%(n)d件までです。") % {"n": MAX_BATCH})
    visible = access.entries_visible_to(actor).values("pk")
    allowed = dict(
        access.campaign_entries(campaign).filter(pk__in=visible).values_list("pk", "person_id")
    )
    results = []
    for item in items:
        results.append(_sync_one(actor, campaign, item, allowed))
    return results


def _sync_one(
    actor: Actor, campaign: Campaign, item: SyncItem, allowed: dict[int, int]
) -> SyncResult:
    client = str(item.client_id)
    earlier = SafetyCheck.objects.filter(client_id=item.client_id).first()
    if earlier is not None:
        if earlier.recorded_by_id != actor.user.pk or earlier.campaign_id != campaign.pk:
            return SyncResult(client, "rejected", message=_("この記録IDは使えません。"))
        return _outcome(earlier, item.client_id, replayed=True)
    if item.state not in CheckState.values:
        return SyncResult(client, "rejected", message=_("状態を選んでください。"))
    if item.entry_id not in allowed:
        audit.record_denial(
            actor,
            target_type=access.ENTRY,
            target_id=str(item.entry_id)[:64],
            reason="not on this campaign's list for this organization",
        )
        return SyncResult(client, "rejected", message=_("この本人は一覧にいません。"))
    entry = RegisterEntry.objects.get(pk=item.entry_id)
    try:
        with audit.atomic():
            check = _record(
                actor,
                campaign=campaign,
                entry=entry,
                state=item.state,
                evacuated_to=item.evacuated_to,
                note=item.note,
                base=item.base,
                client_id=item.client_id,
            )
    except IntegrityError:
        # The same item sent twice at once: the other request stored it.
        earlier = SafetyCheck.objects.filter(
            client_id=item.client_id, recorded_by=actor.user, campaign=campaign
        ).first()
        if earlier is None:
            return SyncResult(client, "rejected", message=_("この記録IDは使えません。"))
        return _outcome(earlier, item.client_id, replayed=True)
    return _outcome(check, item.client_id, replayed=False)


def open_conflicts(campaign: Campaign) -> list[SafetyCheck]:
    return list(
        campaign.checks.filter(resolution=Resolution.OPEN)
        .select_related(
            "entry__person",
            "recorded_by",
            "organization",
            "conflict_with__recorded_by",
            "conflict_with__organization",
        )
        .order_by("recorded_at", "pk")
    )


@audit.atomic_with_refusals
def conflict_settle(
    actor: Actor, *, campaign: Campaign, check_id: object, keep: str
) -> SafetyCheck:
    """The core center (or the city) settles a conflict: `keep` "incoming" takes the state sent
    from the older version, "existing" keeps the one recorded before it."""
    if not access.may_plan(actor):
        raise audit.refusal(
            actor,
            target=campaign,
            reason="not city or core",
            message=_("競合を解決できません。"),
        )
    audit.require_writer(actor, target=campaign, deferred=True)
    if keep not in ("incoming", "existing"):
        raise FieldErrors({"keep": _("どちらの記録を採るか選んでください。")})
    pk = audit.object_pk(actor, "disaster.safetycheck", check_id)
    check = (
        campaign.checks.select_for_update()
        .filter(pk=pk, resolution=Resolution.OPEN)
        .select_related("entry")
        .first()
    )
    if check is None:
        raise NotFound(_("見つかりません。"))
    check.resolution = Resolution.ACCEPTED if keep == "incoming" else Resolution.REJECTED
    check.settled_by = actor.user
    check.settled_at = timezone.now()
    check.save(update_fields=["resolution", "settled_by", "settled_at"])
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=check,
        detail={
            "campaign": campaign.pk,
            "conflict": "settled",
            "kept": keep,
            "other": check.conflict_with_id,
        },
        person_ids=[check.entry.person_id],
    )
    return check
