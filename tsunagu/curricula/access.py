"""Who sees and changes what in the curricula: one way in for each object.

- A curriculum (its stages, requirements and the trainings that meet them) holds no person
  data: every member of the network reads it; only the core center's writers change it, and
  anyone else gets the 404 of a page that does not exist on the routes that change it.
- A worker's progress is theirs: the worker sees their own, the core center everyone's, and an
  office manager (管理者) the staff of their own office as it is now.  Anyone else gets the 404,
  with its access.denied row.  Progress belongs to the user, so a worker who moves office takes
  it along: the new office's manager sees it, the old one no longer does.
- External learning is seen by those who see its worker; the core center approves it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tsunagu.accounts.models import User
from tsunagu.audit import services as audit
from tsunagu.core.actor import Actor
from tsunagu.curricula.models import (
    Curriculum,
    ExternalLearning,
    Requirement,
    RequirementEvent,
    Stage,
)
from tsunagu.organizations.models import (
    JobTitle,
    Membership,
    Organization,
    OrganizationKind,
    SystemRole,
)

# The organizations of the consultation-support network: they read the curricula.
NETWORK_KINDS = (
    OrganizationKind.CORE_CENTER,
    OrganizationKind.COMMISSIONED_OFFICE,
    OrganizationKind.DESIGNATED_PLANNING_OFFICE,
    OrganizationKind.COMMUNITY_TRANSITION_OFFICE,
    OrganizationKind.CHILD_PLANNING_OFFICE,
    OrganizationKind.COMMUNITY_LIFE_HUB,
    OrganizationKind.WARD_OFFICE,
    OrganizationKind.CITY_DEPARTMENT,
)
# Whose workers go through the curricula: the core center and the consultation offices.
STAFF_KINDS = (
    OrganizationKind.CORE_CENTER,
    OrganizationKind.COMMISSIONED_OFFICE,
    OrganizationKind.DESIGNATED_PLANNING_OFFICE,
    OrganizationKind.COMMUNITY_TRANSITION_OFFICE,
    OrganizationKind.CHILD_PLANNING_OFFICE,
    OrganizationKind.COMMUNITY_LIFE_HUB,
)

CURRICULUM = "curricula.curriculum"
WORKER = "accounts.user"


def may_view(actor: Actor) -> bool:
    org = actor.organization
    return org is not None and org.kind in NETWORK_KINDS


def is_core(actor: Actor) -> bool:
    org = actor.organization
    return org is not None and org.kind == OrganizationKind.CORE_CENTER


def may_organize(actor: Actor) -> bool:
    """The core center's writers build curricula and approve external learning."""
    return is_core(actor) and actor.can_write


def is_office_manager(actor: Actor) -> bool:
    membership = actor.membership
    if membership is None or membership.organization.kind not in STAFF_KINDS:
        return False
    return membership.role == SystemRole.MANAGER or membership.job_title == JobTitle.MANAGER


def may_see_overview(actor: Actor) -> bool:
    return is_core(actor) or is_office_manager(actor)


# --- Workers --------------------------------------------------------------------------------


def staff_memberships() -> QuerySet[Membership]:
    """Current memberships of the network's staff (the core center's and the offices')."""
    return Membership.objects.current().filter(
        organization__kind__in=STAFF_KINDS, organization__has_accounts=True
    )


def workers_visible_to(actor: Actor) -> QuerySet[User]:
    """The core center: every worker of the network; an office manager: their office's staff
    as it is now; anyone: themselves."""
    if not may_view(actor):
        return User.objects.none()
    if is_core(actor):
        ids = staff_memberships().values("user_id")
        return User.objects.filter(Q(pk__in=ids) | Q(pk=actor.user.pk))
    if is_office_manager(actor):
        ids = staff_memberships().filter(organization=actor.organization).values("user_id")
        return User.objects.filter(Q(pk__in=ids) | Q(pk=actor.user.pk))
    return User.objects.filter(pk=actor.user.pk)


def access_worker(actor: Actor, user_id: object) -> User:
    pk = audit.object_pk(actor, WORKER, user_id)
    worker = workers_visible_to(actor).filter(pk=pk).first()
    if worker is None:
        raise audit.not_found(actor, WORKER, pk, "not the actor's own nor their staff")
    return worker


def may_enter_learning_for(actor: Actor, worker: User) -> bool:
    """The worker, their office manager or the core center (each with write rights)."""
    return actor.can_write and workers_visible_to(actor).filter(pk=worker.pk).exists()


# --- Curricula ------------------------------------------------------------------------------


def curricula_visible_to(actor: Actor) -> QuerySet[Curriculum]:
    if not may_view(actor):
        return Curriculum.objects.none()
    return Curriculum.objects.all()


def _organized(actor: Actor, queryset: QuerySet, target_type: str, object_id: object) -> object:  # type: ignore[type-arg]  # any of the curriculum models
    """An object of a curriculum the acting core center may change, or the 404 (audited)."""
    pk = audit.object_pk(actor, target_type, object_id)
    if not may_organize(actor):
        raise audit.not_found(actor, target_type, pk, "not the core center")
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise audit.not_found(actor, target_type, pk, "no such object")
    return obj


def access_curriculum(
    actor: Actor, curriculum_id: object, *, for_organizer: bool = False
) -> Curriculum:
    if for_organizer:
        obj = _organized(actor, Curriculum.objects.all(), CURRICULUM, curriculum_id)
        assert isinstance(obj, Curriculum)  # noqa: S101
        return obj
    pk = audit.object_pk(actor, CURRICULUM, curriculum_id)
    curriculum = curricula_visible_to(actor).filter(pk=pk).first()
    if curriculum is None:
        raise audit.not_found(actor, CURRICULUM, pk, "not a member of the network")
    return curriculum


def access_stage(actor: Actor, stage_id: object) -> Stage:
    """For changing: the core center only."""
    obj = _organized(actor, Stage.objects.select_related("curriculum"), "curricula.stage", stage_id)
    assert isinstance(obj, Stage)  # noqa: S101
    return obj


def access_requirement(actor: Actor, requirement_id: object) -> Requirement:
    """For changing: the core center only."""
    queryset = Requirement.objects.select_related("stage__curriculum")
    obj = _organized(actor, queryset, "curricula.requirement", requirement_id)
    assert isinstance(obj, Requirement)  # noqa: S101
    return obj


def access_link(actor: Actor, link_id: object) -> RequirementEvent:
    queryset = RequirementEvent.objects.select_related("requirement__stage__curriculum", "event")
    obj = _organized(actor, queryset, "curricula.requirementevent", link_id)
    assert isinstance(obj, RequirementEvent)  # noqa: S101
    return obj


# --- External learning ----------------------------------------------------------------------


def learning_visible_to(actor: Actor) -> QuerySet[ExternalLearning]:
    return ExternalLearning.objects.filter(worker__in=workers_visible_to(actor))


def access_learning(
    actor: Actor, learning_id: object, *, for_review: bool = False
) -> ExternalLearning:
    target_type = "curricula.externallearning"
    queryset = learning_visible_to(actor).select_related(
        "worker", "requirement__stage__curriculum", "organization", "reviewed_by", "entered_by"
    )
    if for_review:
        obj = _organized(actor, queryset, target_type, learning_id)
        assert isinstance(obj, ExternalLearning)  # noqa: S101
        return obj
    pk = audit.object_pk(actor, target_type, learning_id)
    learning = queryset.filter(pk=pk).first()
    if learning is None:
        raise audit.not_found(actor, target_type, pk, "not the actor's own nor their staff's")
    return learning


def access_office(actor: Actor, organization_id: object) -> Organization:
    """An office whose staff the actor may list: any for the core center, their own for an
    office manager; else the 404 (audited)."""
    target_type = "organizations.organization"
    pk = audit.object_pk(actor, target_type, organization_id)
    allowed = is_core(actor) or (is_office_manager(actor) and actor.organization_id == pk)
    org = Organization.objects.filter(pk=pk, kind__in=STAFF_KINDS).first() if allowed else None
    if org is None:
        raise audit.not_found(
            actor, target_type, pk, "not the core center nor the office's manager"
        )
    return org
