"""Who sees and changes which hearing round, hearing, notes, finding and direction: one way
in for each, every refusal the audited 404 of a page that does not exist.

- The holder (the core center or the city department that runs the round): its members read
  everything of the round; its writers change it.
- An office heard: the round's outline and its own hearings; their notes only when the holder
  has shared them (`Hearing.notes_shared`), otherwise the notes answer 404.
- The council (or subcommittee) the round reports to, and the council above a subcommittee:
  its member and secretariat organizations read the round's outline, its de-identified
  findings and its adopted directions, never the hearings or their notes.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Forbidden
from tsunagu.hearings.models import Direction, Finding, Hearing, HearingRound
from tsunagu.meetings.models import MeetingBody
from tsunagu.organizations.models import OrganizationKind

ROUND = "hearings.hearinground"
HEARING = "hearings.hearing"
NOTES = "hearings.hearingnote"
FINDING = "hearings.finding"
DIRECTION = "hearings.direction"

HOLDER_KINDS = (OrganizationKind.CORE_CENTER, OrganizationKind.CITY_DEPARTMENT)


def may_hold(actor: Actor) -> bool:
    """Writers of the core center or the city department hold hearing rounds."""
    org = actor.organization
    return org is not None and org.kind in HOLDER_KINDS and actor.can_write


def may_view(actor: Actor) -> bool:
    return actor.organization_id is not None


def _council_bodies(actor: Actor) -> QuerySet[MeetingBody]:
    org_id = actor.organization_id
    return MeetingBody.objects.filter(
        Q(member_organizations__id=org_id) | Q(secretariats__id=org_id)
    )


def _council_rounds(actor: Actor) -> Q:
    bodies = _council_bodies(actor).values("pk")
    return Q(council_id__in=bodies) | Q(council__parent_id__in=bodies)


def rounds_visible_to(actor: Actor) -> QuerySet[HearingRound]:
    org_id = actor.organization_id
    if org_id is None:
        return HearingRound.objects.none()
    heard = Hearing.objects.filter(offices__id=org_id).values("round_id")
    return HearingRound.objects.filter(
        Q(holder_id=org_id) | Q(pk__in=heard) | _council_rounds(actor)
    )


def rounds_read_in_council(actor: Actor) -> QuerySet[HearingRound]:
    """Rounds whose findings and adopted directions the actor reads: held or reported to."""
    org_id = actor.organization_id
    if org_id is None:
        return HearingRound.objects.none()
    return HearingRound.objects.filter(Q(holder_id=org_id) | _council_rounds(actor))


def hearings_visible_to(actor: Actor) -> QuerySet[Hearing]:
    org_id = actor.organization_id
    if org_id is None:
        return Hearing.objects.none()
    heard = Hearing.objects.filter(offices__id=org_id).values("pk")
    return Hearing.objects.filter(Q(round__holder_id=org_id) | Q(pk__in=heard))


def findings_visible_to(actor: Actor) -> QuerySet[Finding]:
    return Finding.objects.filter(round_id__in=rounds_read_in_council(actor).values("pk"))


def directions_visible_to(actor: Actor) -> QuerySet[Direction]:
    """The holder reads drafts too; the council reads the adopted directions."""
    org_id = actor.organization_id
    if org_id is None:
        return Direction.objects.none()
    council = rounds_read_in_council(actor).values("pk")
    return Direction.objects.filter(
        Q(round__holder_id=org_id) | Q(round_id__in=council, adopted_on__isnull=False)
    )


def is_holder(actor: Actor, round_: HearingRound) -> bool:
    return round_.holder_id == actor.organization_id


def may_write(actor: Actor, round_: HearingRound) -> bool:
    return is_holder(actor, round_) and actor.can_write


def may_read_notes(actor: Actor, hearing: Hearing) -> bool:
    if is_holder(actor, hearing.round):
        return True
    org_id = actor.organization_id
    if org_id is None or not hearing.notes_shared:
        return False
    return hearing.offices.filter(pk=org_id).exists()


def reads_results(actor: Actor, round_: HearingRound) -> bool:
    return rounds_read_in_council(actor).filter(pk=round_.pk).exists()


def _writer(actor: Actor, round_: HearingRound, target_type: str, pk: int) -> None:
    if not may_write(actor, round_):
        audit.record_denial(actor, target_type=target_type, target_id=pk, reason="not the holder")
        raise Forbidden(_("変更できるのは、ヒアリングを実施する機関の職員です。"))


def access_round(actor: Actor, round_id: object, *, for_write: bool = False) -> HearingRound:
    pk = audit.object_pk(actor, ROUND, round_id)
    round_ = (
        rounds_visible_to(actor)
        .select_related("holder", "council", "council__parent")
        .filter(pk=pk)
        .first()
    )
    if round_ is None:
        raise audit.not_found(actor, ROUND, pk, "not visible to the acting organization")
    if for_write:
        _writer(actor, round_, ROUND, pk)
    return round_


def access_results(actor: Actor, round_id: object) -> HearingRound:
    """A round whose findings and adopted directions the actor reads (holder or council)."""
    pk = audit.object_pk(actor, ROUND, round_id)
    round_ = (
        rounds_read_in_council(actor)
        .select_related("holder", "council", "council__parent")
        .filter(pk=pk)
        .first()
    )
    if round_ is None:
        raise audit.not_found(actor, ROUND, pk, "results not visible to the acting organization")
    return round_


def access_hearing(actor: Actor, hearing_id: object, *, for_write: bool = False) -> Hearing:
    pk = audit.object_pk(actor, HEARING, hearing_id)
    hearing = (
        hearings_visible_to(actor)
        .select_related("round", "round__holder", "created_by")
        .filter(pk=pk)
        .first()
    )
    if hearing is None:
        raise audit.not_found(actor, HEARING, pk, "not visible to the acting organization")
    if for_write:
        _writer(actor, hearing.round, HEARING, pk)
    return hearing


def access_notes(actor: Actor, hearing_id: object) -> Hearing:
    """A hearing whose notes the actor reads: the holder, or an office heard once shared."""
    hearing = access_hearing(actor, hearing_id)
    if not may_read_notes(actor, hearing):
        raise audit.not_found(actor, NOTES, hearing.pk, "notes not shared with this office")
    return hearing


def access_finding(actor: Actor, finding_id: object) -> Finding:
    pk = audit.object_pk(actor, FINDING, finding_id)
    finding = findings_visible_to(actor).select_related("round").filter(pk=pk).first()
    if finding is None:
        raise audit.not_found(actor, FINDING, pk, "not visible to the acting organization")
    return finding


def access_direction(actor: Actor, direction_id: object, *, for_write: bool = False) -> Direction:
    pk = audit.object_pk(actor, DIRECTION, direction_id)
    direction = (
        directions_visible_to(actor)
        .select_related("round", "round__holder", "round__council", "adopted_meeting")
        .filter(pk=pk)
        .first()
    )
    if direction is None:
        raise audit.not_found(actor, DIRECTION, pk, "not visible to the acting organization")
    if for_write:
        _writer(actor, direction.round, DIRECTION, pk)
    return direction
