from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from tsunagu.accounts.models import User
from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.actor import Actor
from tsunagu.core.errors import FieldErrors, Forbidden, Invalid, NotFound
from tsunagu.organizations import staffing
from tsunagu.organizations.models import (
    Membership,
    Organization,
    StaffingAssignment,
    StaffingPost,
)


class Unset:
    """A field a PATCH left out (None means "clear it")."""


UNSET = Unset()

ACTING_ORGANIZATION_SESSION_KEY = "acting_organization_id"


def acting_organization_switch(actor: Actor, *, organization_id: int) -> Membership:
    """The membership through which the actor acts for another of their organizations, from
    the next request on (the screen keeps the choice in the session)."""
    # Not @transaction.atomic: raising NotFound inside it would roll back the refusal's audit row.
    membership = (
        Membership.objects.current()
        .filter(user=actor.user, organization_id=organization_id)
        .select_related("organization")
        .first()
    )
    if membership is None:
        audit.record_denial(
            actor,
            target_type="organizations.organization",
            target_id=organization_id,
            reason="not a member",
        )
        raise NotFound("所属していない組織です。")
    audit.record(
        action=Action.ORGANIZATION_SWITCHED,
        actor=actor,
        organization=membership.organization,
        target=membership.organization,
        detail={"from": actor.organization_id},
    )
    return membership


@transaction.atomic
def membership_add(
    actor: Actor | None,
    *,
    user: User,
    organization: Organization,
    job_title: str,
    role: str,
    is_primary: bool = False,
) -> Membership:
    if not organization.has_accounts:
        raise Invalid("この組織の職員はサインインしない設定です。")
    if not Membership.objects.filter(user=user).exists():
        is_primary = True
    membership = Membership(
        user=user, organization=organization, job_title=job_title, role=role, is_primary=is_primary
    )
    membership.full_clean()
    membership.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        organization=organization,
        target=membership,
        detail={"user": user.pk, "job_title": job_title, "role": role},
    )
    return membership


# --- Staffing (organizations/staffing.py says who may) -----------------------------------


def _full_clean(obj: StaffingPost | StaffingAssignment) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise FieldErrors(
            {name: str(messages[0]) for name, messages in exc.message_dict.items()}
        ) from None


@transaction.atomic
def staffing_post_create(
    actor: Actor,
    *,
    organization: Organization,
    kind: str,
    headcount: int,
    required_from: dt.date,
    required_until: dt.date | None = None,
) -> StaffingPost:
    if not staffing.may_set_posts(actor):
        raise Forbidden("配置を決めるのは市の担当課です。")
    post = StaffingPost(
        organization=organization,
        kind=kind,
        headcount=headcount,
        required_from=required_from,
        required_until=required_until,
    )
    _full_clean(post)
    post.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        organization=organization,
        target=post,
        detail={
            "kind": kind,
            "headcount": headcount,
            "required_from": required_from.isoformat(),
            "required_until": required_until.isoformat() if required_until else None,
        },
    )
    return post


@transaction.atomic
def staffing_post_update(
    actor: Actor,
    *,
    post: StaffingPost,
    headcount: int | None = None,
    required_until: dt.date | Unset | None = UNSET,
) -> StaffingPost:
    """The headcount and the last day a post is required (the kind and start stay: a
    different post is a new one)."""
    if not staffing.may_set_posts(actor):
        raise Forbidden("配置を決めるのは市の担当課です。")
    before = {"headcount": post.headcount, "required_until": _iso(post.required_until)}
    if headcount is not None:
        post.headcount = headcount
    if not isinstance(required_until, Unset):
        post.required_until = required_until
    _full_clean(post)
    _check_not_overfilled(post, list(post.assignments.all()))
    post.save(update_fields=["headcount", "required_until", "updated_at"])
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        organization=post.organization,
        target=post,
        detail={
            "before": before,
            "after": {"headcount": post.headcount, "required_until": _iso(post.required_until)},
        },
    )
    return post


@transaction.atomic
def staffing_assignment_add(
    actor: Actor,
    *,
    post: StaffingPost,
    membership: Membership,
    started_on: dt.date,
    ended_on: dt.date | None = None,
) -> StaffingAssignment:
    if not staffing.may_fill(actor, post.organization):
        raise Forbidden("担当者を記録するのはセンターの管理者か市の担当課です。")
    # Lock the post: two managers recording at once must not fill it twice.
    StaffingPost.objects.select_for_update().filter(pk=post.pk).first()
    assignment = StaffingAssignment(
        post=post, membership=membership, started_on=started_on, ended_on=ended_on
    )
    _full_clean(assignment)
    others = list(post.assignments.all())
    if any(a.membership_id == membership.pk and _overlap(a, assignment) for a in others):
        raise FieldErrors({"started_on": "この職員はその期間すでにこの配置に就いています。"})
    _check_not_overfilled(post, [*others, assignment])
    assignment.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        organization=post.organization,
        target=assignment,
        detail={
            "post": post.pk,
            "membership": membership.pk,
            "started_on": started_on.isoformat(),
            "ended_on": _iso(ended_on),
        },
    )
    return assignment


@transaction.atomic
def staffing_assignment_end(
    actor: Actor, *, assignment: StaffingAssignment, ended_on: dt.date
) -> StaffingAssignment:
    """The last day the person filled the post (a correction may move it)."""
    post = assignment.post
    if not staffing.may_fill(actor, post.organization):
        raise Forbidden("担当者を記録するのはセンターの管理者か市の担当課です。")
    StaffingPost.objects.select_for_update().filter(pk=post.pk).first()
    before = _iso(assignment.ended_on)
    assignment.ended_on = ended_on
    _full_clean(assignment)
    # A later last day may run into the successor's first days.
    others = [a for a in post.assignments.all() if a.pk != assignment.pk]
    _check_not_overfilled(post, [*others, assignment])
    assignment.save(update_fields=["ended_on", "updated_at"])
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        organization=post.organization,
        target=assignment,
        detail={"before": {"ended_on": before}, "after": {"ended_on": ended_on.isoformat()}},
    )
    return assignment


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _overlap(a: StaffingAssignment, b: StaffingAssignment) -> bool:
    return (a.ended_on is None or a.ended_on >= b.started_on) and (
        b.ended_on is None or b.ended_on >= a.started_on
    )


def _check_not_overfilled(post: StaffingPost, assignments: list[StaffingAssignment]) -> None:
    """On no day may more people fill the post than it requires (a second person is a
    second post, or a higher headcount).  Only the days someone starts can raise the count."""
    for day in {a.started_on for a in assignments}:
        if sum(1 for a in assignments if a.covers(day)) > post.headcount:
            raise FieldErrors({"started_on": "その期間はこの配置の人数がすでに埋まっています。"})
