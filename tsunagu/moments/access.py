"""Who sees a motivating moment's travels.

- The moment page of a note, its shares and its council draft: whoever sees the note
  (records.access.notes_visible_to, on the case rules; a restricted note stays restricted).
- A share received: the provider it names, while the share stands and the person's consent it
  rests on still holds (not withdrawn, not expired, still naming the provider).  The provider
  sees the moment's text, the day and the case's name only, not the note.
- The council page: every member acting for an organization sees the published moments, as
  every member reads the community issues; they are written without the person.
Anything else is the audited 404 of a record that is not there.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from tsunagu.audit import services as audit
from tsunagu.cases.access import access_object
from tsunagu.core.actor import Actor
from tsunagu.moments.models import CouncilMoment, CouncilMomentStatus, MomentShare
from tsunagu.people.models import Consent
from tsunagu.records.access import notes_visible_to

SHARE = "moments.momentshare"
COUNCIL_MOMENT = "moments.councilmoment"


def shares_received(actor: Actor) -> QuerySet[MomentShare]:
    if actor.organization_id is None:
        return MomentShare.objects.none()
    org_id = actor.organization_id
    holding = Consent.objects.valid_on(timezone.localdate()).filter(organizations__id=org_id)
    return MomentShare.objects.filter(
        organization_id=org_id, stopped_at__isnull=True, consent__in=holding.values("pk")
    )


def shares_visible_to(actor: Actor) -> QuerySet[MomentShare]:
    """Those received, and those of the notes the actor sees (the sharing side)."""
    if actor.organization_id is None:
        return MomentShare.objects.none()
    return MomentShare.objects.filter(
        Q(pk__in=shares_received(actor).values("pk"))
        | Q(note__in=notes_visible_to(actor).values("pk"))
    )


def access_share(actor: Actor, share_id: object, *, for_write: bool = False) -> MomentShare:
    pk = audit.object_pk(actor, SHARE, share_id)
    queryset = shares_visible_to(actor).select_related("note", "note__case", "organization")
    obj = access_object(actor, queryset, pk, for_write=for_write)
    assert isinstance(obj, MomentShare)  # noqa: S101
    return obj


def published_moments(actor: Actor) -> QuerySet[CouncilMoment]:
    if actor.organization_id is None:
        return CouncilMoment.objects.none()
    return CouncilMoment.objects.filter(status=CouncilMomentStatus.PUBLISHED)


def council_moments_visible_to(actor: Actor) -> QuerySet[CouncilMoment]:
    """With their source: the drafts and the published ones of the notes the actor sees."""
    return CouncilMoment.objects.filter(note__in=notes_visible_to(actor).values("pk"))


def access_council_moment(
    actor: Actor, moment_id: object, *, for_write: bool = False
) -> CouncilMoment:
    pk = audit.object_pk(actor, COUNCIL_MOMENT, moment_id)
    queryset = council_moments_visible_to(actor).select_related(
        "note", "note__case", "note__case__person"
    )
    obj = access_object(actor, queryset, pk, for_write=for_write)
    assert isinstance(obj, CouncilMoment)  # noqa: S101
    return obj
