"""Writes of motivating moments: each in one transaction with its audit row.

Sharing with a provider checks, on the day, that the provider is on the team as a service
provider and that the person has a consent naming it for 「心の動く場面の共有」; the share names
that consent, and stops being read the day the consent stops holding (access.shares_received).
A council moment is a rewriting without the person: it is checked with the same checks as a
community issue (meetings.deidentify: the names of the person and the household in kanji,
kana, half-width kana and romaji, dates, numbers, proper nouns) and cannot be published while
any flag remains: unlike an issue, no flag may be kept with a reason.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.cases.access import active_team_members
from tsunagu.cases.models import TeamRole
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Invalid
from tsunagu.core.validation import full_clean
from tsunagu.meetings import deidentify
from tsunagu.moments.models import CouncilMoment, CouncilMomentStatus, MomentShare
from tsunagu.organizations.models import Organization
from tsunagu.people.models import Consent, ConsentPurpose
from tsunagu.records.models import ProgressNote


def _persons(note: ProgressNote) -> list[int]:
    return [note.case.person_id] if note.case.person_id else []


def _require_moment(note: ProgressNote) -> None:
    if not note.is_motivating_moment or not note.motivating_moment.strip():
        raise Invalid(_("この記録には心の動く場面が書かれていません。"))


def consent_for(note: ProgressNote, organization: Organization) -> Consent | None:
    """The person's consent that lets the moment travel to `organization` today."""
    person_id = note.case.person_id
    if person_id is None:
        return None
    consents = (
        Consent.objects.valid_on(timezone.localdate())
        .filter(person_id=person_id, organizations=organization)
        .order_by("-obtained_on", "-pk")
    )
    return next(
        (c for c in consents if ConsentPurpose.MOTIVATING_MOMENTS in (c.purposes or [])), None
    )


@audit.atomic_with_refusals
def moment_share(
    actor: Actor, *, note: ProgressNote, organization: Organization, message: str = ""
) -> MomentShare:
    """`note` was fetched for writing (records.access.access_note)."""
    audit.require_writer(actor, target=note)
    assert actor.organization is not None  # noqa: S101
    _require_moment(note)
    on_team = active_team_members().filter(
        case=note.case_id, organization=organization, role=TeamRole.SERVICE
    )
    if not on_team.exists():
        raise Invalid(_("共有できるのは、支援チームにサービス提供として加わっている事業所です。"))
    consent = consent_for(note, organization)
    if consent is None:
        raise Invalid(
            _(
                "本人の同意がありません。目的「心の動く場面の共有」で、この事業所を共有先にした"
                "有効な同意を記録してから共有してください。"
            )
        )
    if MomentShare.objects.filter(
        note=note, organization=organization, stopped_at__isnull=True
    ).exists():
        raise Invalid(_("この事業所にはすでに共有しています。"))
    share = MomentShare(
        note=note,
        organization=organization,
        consent=consent,
        message=message.strip(),
        shared_by=actor.user,
        shared_by_organization=actor.organization,
    )
    full_clean(
        share, exclude=["note", "organization", "consent", "shared_by", "shared_by_organization"]
    )
    share.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        target=share,
        detail={"note": note.pk, "organization": organization.pk, "consent": consent.pk},
        person_ids=_persons(note),
    )
    return share


@audit.atomic_with_refusals
def share_stop(actor: Actor, *, share: MomentShare) -> MomentShare:
    """The sharing side stops a share (the provider no longer reads it)."""
    audit.require_writer(actor, target=share)
    if share.stopped_at is not None:
        raise Invalid(_("この共有はすでにやめています。"))
    share.stopped_at = timezone.now()
    share.save(update_fields=["stopped_at", "updated_at"])
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=share,
        detail={"stopped": True},
        person_ids=_persons(share.note),
    )
    return share


def council_flags(moment: CouncilMoment) -> list[deidentify.Flag]:
    case = moment.note.case
    return deidentify.check(moment.text, case, field="text") + deidentify.check(
        moment.lesson, case, field="lesson"
    )


@audit.atomic_with_refusals
def council_moment_write(
    actor: Actor, *, note: ProgressNote, text: str, lesson: str = ""
) -> CouncilMoment:
    """Write or rewrite the council draft of a note's moment (a published one stays)."""
    audit.require_writer(actor, target=note)
    assert actor.organization is not None  # noqa: S101
    _require_moment(note)
    moment = CouncilMoment.objects.select_for_update().filter(note=note).first()
    if moment is not None and moment.is_published:
        raise Invalid(_("協議会に掲載した場面は書き換えられません。"))
    created = moment is None
    if moment is None:
        moment = CouncilMoment(
            note=note, written_by=actor.user, written_by_organization=actor.organization
        )
    moment.text, moment.lesson = text.strip(), lesson.strip()
    full_clean(moment, exclude=["note", "written_by", "written_by_organization"])
    moment.save()
    audit.record(
        action=Action.RECORD_CREATED if created else Action.RECORD_UPDATED,
        actor=actor,
        target=moment,
        detail={"note": note.pk, "flags": len(council_flags(moment))},
        person_ids=_persons(note),
    )
    return moment


@audit.atomic_with_refusals
def council_moment_publish(actor: Actor, *, moment: CouncilMoment) -> CouncilMoment:
    """To the council page, when no flag is left (IdentifiersLeft otherwise)."""
    audit.require_writer(actor, target=moment)
    if moment.is_published:
        raise Invalid(_("この場面はすでに協議会に掲載しています。"))
    found = council_flags(moment)
    if found:
        labels = list(dict.fromkeys(f.label for f in found))
        raise deidentify.IdentifiersLeft(
            _(
                "個人が特定される情報が残っています: %(what)s。"
                "書き換えてから掲載してください（心の動く場面は理由を付けて残せません）。"
            )
            % {"what": "、".join(labels)},
            flags=found,
            open_flags=found,
        )
    moment.status = CouncilMomentStatus.PUBLISHED
    moment.published_on = timezone.localdate()
    moment.save(update_fields=["status", "published_on", "updated_at"])
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=moment,
        detail={"published": True},
        person_ids=_persons(moment.note),
    )
    return moment
