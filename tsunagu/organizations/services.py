from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from tsunagu.accounts.models import User
from tsunagu.audit import services as audit
from tsunagu.audit.actions import register_action
from tsunagu.audit.models import Action
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Conflict, FieldErrors, Forbidden, Invalid, NotFound
from tsunagu.core.kana import fold, hiragana, is_kana
from tsunagu.core.validation import full_clean_fields
from tsunagu.organizations import management, staffing
from tsunagu.organizations.models import (
    Area,
    Corporation,
    Membership,
    Organization,
    StaffingAssignment,
    StaffingPost,
    SystemRole,
    normalize_office_number,
)

ORGANIZATION_CREATED = register_action("organization.created", gettext_lazy("組織の登録"))
ORGANIZATION_UPDATED = register_action("organization.updated", gettext_lazy("組織の変更"))
ORGANIZATIONS_IMPORTED = register_action(
    "organization.imported", gettext_lazy("事業所一覧の取り込み")
)
MEMBERSHIP_ADDED = register_action("membership.added", gettext_lazy("所属の追加"))
MEMBERSHIP_ENDED = register_action("membership.ended", gettext_lazy("所属の終了"))


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


@audit.atomic_with_refusals
def membership_add(
    actor: Actor | None,
    *,
    user: User,
    organization: Organization,
    job_title: str,
    role: str,
    is_primary: bool = False,
    started_on: dt.date | None = None,
) -> Membership:
    """A membership, with no check of who adds it (the administrators' screen, the demo city
    and `membership_grant`, which checks, call it)."""
    if not organization.has_accounts:
        raise Invalid("この組織の職員はサインインしない設定です。")
    if not Membership.objects.current().filter(user=user).exists():
        is_primary = True
    membership = Membership(
        user=user,
        organization=organization,
        job_title=job_title,
        role=role,
        is_primary=is_primary,
        started_on=started_on,
    )
    full_clean_fields(membership)
    membership.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        organization=organization,
        target=membership,
        detail={"user": user.pk, "job_title": job_title, "role": role},
    )
    return membership


# --- Organizations, memberships and accounts managed in the app (organizations/management.py
# says who may; ADR 0014) -------------------------------------------------------------------

# The fields a manager edits, in the order the form shows them.
ORGANIZATION_FIELDS = (
    "kind",
    "name",
    "name_kana",
    "short_name",
    "office_number",
    "corporation_name",
    "areas_served",
    "has_accounts",
    "postal_code",
    "address",
    "phone",
    "fax",
    "email",
    "contact_person",
    "caseload_cap",
    "caseload_cap_due_on",
    "opened_on",
    "closed_on",
)
_TEXT_FIELDS = ("name", "short_name", "postal_code", "address", "phone", "fax", "email")


def reading(value: str) -> str:
    """A reading as stored: kana of any width folded and written in hiragana (ﾋﾀﾞﾏﾘ,
    ヒダマリ → ひだまり), so that the lists sort one way; spaces kept as one."""
    return " ".join(hiragana(fold(value)).split())


def _check_reading(value: str, field: str = "name_kana") -> str:
    value = value.strip()
    if value and not is_kana(value):
        raise FieldErrors({field: "ふりがなはひらがな・カタカナで入力してください。"})
    return reading(value)


def _corporation(name: str) -> Corporation | None:
    name = " ".join(name.split())
    if not name:
        return None
    corporation, _created = Corporation.objects.get_or_create(name=name[:200])
    return corporation


def _snapshot(organization: Organization) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in ORGANIZATION_FIELDS:
        if name == "corporation_name":
            values[name] = organization.corporation.name if organization.corporation else ""
        elif name == "areas_served":
            values[name] = (
                sorted(a.pk for a in organization.areas_served.all()) if organization.pk else []
            )
        else:
            value = getattr(organization, name)
            values[name] = value.isoformat() if isinstance(value, dt.date) else value
    return values


def _apply(actor: Actor, organization: Organization, changes: dict[str, Any]) -> list[Area] | None:
    """Put `changes` on the organization (not saved) and check what only the service knows;
    the areas to set, if they change."""
    unknown = set(changes) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise Invalid(f"変更できない項目です: {', '.join(sorted(unknown))}")
    if "kind" in changes and changes["kind"] not in dict(management.kinds_in_reach(actor)):
        raise FieldErrors({"kind": "この種別の機関は登録・変更できません。"})
    areas: list[Area] | None = None
    for name, value in changes.items():
        if name == "name_kana":
            organization.name_kana = _check_reading(value or "")
        elif name == "office_number":
            organization.office_number = normalize_office_number(value or "")
        elif name == "corporation_name":
            organization.corporation = _corporation(value or "")
        elif name == "areas_served":
            areas = list(value or [])
        elif name in _TEXT_FIELDS or name == "contact_person":
            setattr(organization, name, " ".join(str(value or "").split()))
        else:
            setattr(organization, name, value)
    if not organization.name:
        raise FieldErrors({"name": "名称を入力してください。"})
    if areas is not None:
        reach = set(management.areas_in_reach(actor).values_list("pk", flat=True))
        if any(a.pk not in reach for a in areas):
            raise FieldErrors({"areas_served": "担当できない地域が含まれています。"})
        if (
            management.is_core_manager(actor)
            and not management.is_city_manager(actor)
            and not areas
        ):
            raise FieldErrors({"areas_served": "センターの担当地域から1つ以上選んでください。"})
    if organization.closed_on is not None and organization.closed_on > timezone.localdate():
        raise FieldErrors(
            {"closed_on": "廃止日は今日までの日付にします（廃止したときに記録します）。"}
        )
    organization.is_active = organization.closed_on is None
    if organization.office_number:
        other = (
            Organization.objects.filter(office_number=organization.office_number)
            .exclude(pk=organization.pk)
            .first()
        )
        if other is not None:
            raise FieldErrors(
                {"office_number": f"この事業所番号はすでに「{other.name}」に登録されています。"}
            )
    full_clean_fields(organization)
    return areas


@audit.atomic_with_refusals
def organization_create(actor: Actor, **changes: Any) -> Organization:
    """A new organization (`ORGANIZATION_FIELDS`), by a manager of the city or the core center."""
    if not management.may_manage(actor):
        raise NotFound("見つかりません。")
    if "kind" not in changes or "name" not in changes:
        raise FieldErrors({"kind": "種別と名称は必須です。"})
    organization = Organization(code=f"org-{uuid.uuid4().hex[:12]}")
    areas = _apply(actor, organization, changes)
    if organization.office_number:
        organization.code = f"wam-{organization.office_number}"
        if Organization.objects.filter(code=organization.code).exists():
            organization.code = f"org-{uuid.uuid4().hex[:12]}"
    organization.save()
    if areas is not None:
        organization.areas_served.set(areas)
    audit.record(
        action=ORGANIZATION_CREATED,
        actor=actor,
        organization=actor.organization,
        target=organization,
        detail={"after": _snapshot(organization)},
    )
    return organization


@audit.atomic_with_refusals
def organization_update(
    actor: Actor, *, organization: Organization, **changes: Any
) -> Organization:
    """Change what `changes` names; the rest stays.  The audit row keeps before and after."""
    if organization not in management.organizations_managed_by(actor):
        raise NotFound("見つかりません。")
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    before = _snapshot(organization)
    areas = _apply(actor, organization, changes)
    organization.save()
    if areas is not None:
        organization.areas_served.set(areas)
    after = _snapshot(organization)
    changed = {k for k in after if after[k] != before[k]}
    audit.record(
        action=ORGANIZATION_UPDATED,
        actor=actor,
        organization=actor.organization,
        target=organization,
        detail={
            "before": {k: before[k] for k in sorted(changed)},
            "after": {k: after[k] for k in sorted(changed)},
        },
    )
    return organization


@audit.atomic_with_refusals
def membership_grant(
    actor: Actor,
    *,
    user: User,
    organization: Organization,
    job_title: str,
    role: str,
    started_on: dt.date | None = None,
) -> Membership:
    """Add a person to an organization the actor manages (the checks of ADR 0014), with the
    same audit row as `membership_add` and one of its own naming who added it."""
    if organization not in management.organizations_managed_by(actor):
        raise NotFound("見つかりません。")
    if user == actor.user:
        raise Forbidden("自分の所属や権限は変えられません。")
    if user.is_superuser or (
        not management.users_managed_by(actor).filter(pk=user.pk).exists()
        and Membership.objects.filter(user=user, is_active=True).exists()
    ):
        raise FieldErrors({"user": "このアカウントは管理できません。"})
    if not organization.is_active:
        raise Invalid("廃止した組織には所属を追加できません。")
    if role not in SystemRole.values:
        raise FieldErrors({"role": "役割を選んでください。"})
    if Membership.objects.current().filter(user=user, organization=organization).exists():
        raise FieldErrors({"user": "この人はすでにこの組織に所属しています。"})
    if started_on is not None and started_on > timezone.localdate():
        raise FieldErrors({"started_on": "開始日は今日までの日付にします。"})
    membership = membership_add(
        actor,
        user=user,
        organization=organization,
        job_title=job_title,
        role=role,
        started_on=started_on or timezone.localdate(),
    )
    audit.record(
        action=MEMBERSHIP_ADDED,
        actor=actor,
        organization=actor.organization,
        target=membership,
        detail={
            "user": user.pk,
            "organization": organization.pk,
            "job_title": job_title,
            "role": role,
        },
    )
    return membership


@audit.atomic_with_refusals
def membership_end(actor: Actor, *, membership: Membership, ended_on: dt.date) -> Membership:
    """End a membership on its last day: the row stays (history), it stops giving access.
    Another current membership of the person becomes the primary one if this was it."""
    if not management.memberships_managed_by(actor).filter(pk=membership.pk).exists():
        raise NotFound("見つかりません。")
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if not locked.is_active:
        raise Conflict("この所属はすでに終わっています。")
    if ended_on > timezone.localdate():
        raise FieldErrors(
            {"ended_on": "最終日は今日までの日付にします（終わったときに記録します）。"}
        )
    if locked.started_on is not None and ended_on < locked.started_on:
        raise FieldErrors({"ended_on": "最終日は開始日より後にします。"})
    was_primary = locked.is_primary
    locked.is_active, locked.is_primary, locked.ended_on = False, False, ended_on
    locked.save(update_fields=["is_active", "is_primary", "ended_on", "updated_at"])
    if was_primary:
        successor = Membership.objects.current().filter(user=locked.user).first()
        if successor is not None:
            successor.is_primary = True
            successor.save(update_fields=["is_primary", "updated_at"])
    audit.record(
        action=MEMBERSHIP_ENDED,
        actor=actor,
        organization=actor.organization,
        target=locked,
        detail={
            "user": locked.user_id,
            "organization": locked.organization_id,
            "ended_on": ended_on.isoformat(),
        },
    )
    return locked


def organizations_imported(
    actor: Actor, *, created: Iterable[Organization], updated: Iterable[Organization], rows: int
) -> None:
    """The audit rows of an import (organizations/imports.py), in its transaction: one for the
    file, one per organization created or changed."""
    created, updated = list(created), list(updated)
    for organization in created:
        audit.record(
            action=ORGANIZATION_CREATED,
            actor=actor,
            organization=actor.organization,
            target=organization,
            detail={"after": _snapshot(organization), "source": "import"},
        )
    for organization in updated:
        audit.record(
            action=ORGANIZATION_UPDATED,
            actor=actor,
            organization=actor.organization,
            target=organization,
            detail={"source": "import"},
        )
    audit.record(
        action=ORGANIZATIONS_IMPORTED,
        actor=actor,
        organization=actor.organization,
        detail={"rows": rows, "created": len(created), "updated": len(updated)},
    )


# --- Staffing (organizations/staffing.py says who may) -----------------------------------


@audit.atomic_with_refusals
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
    full_clean_fields(post)
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


@audit.atomic_with_refusals
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
    full_clean_fields(post)
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


@audit.atomic_with_refusals
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
    full_clean_fields(assignment)
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


@audit.atomic_with_refusals
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
    full_clean_fields(assignment)
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
