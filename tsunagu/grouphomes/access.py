"""Who sees and changes which group home and evaluation: one way in for each.

- The city department that manages the home writes every step; the core center reads every
  evaluation (it supports the council's secretariat) and the overdue list.
- The evaluators (city staff and council members chosen at the plan) read their evaluations and
  write the visit, the Q&A and the report.
- The home reads its evaluation only once published, and its self-evaluation form while it is
  the step to fill it (before: the 404 of a page that does not exist).
- The members of the subcommittee where it is evaluated, and of the council above it (member
  and secretariat organizations, member users), read it once published.
- Anyone else gets the 404, with its access.denied row.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Forbidden
from tsunagu.grouphomes.models import EvaluationPath, GroupHome, GroupHomeEvaluation, Step
from tsunagu.meetings.models import MeetingBody
from tsunagu.organizations.models import Membership, OrganizationKind

HOME = "grouphomes.grouphome"
EVALUATION = "grouphomes.grouphomeevaluation"
OVERSIGHT_KINDS = (OrganizationKind.CITY_DEPARTMENT, OrganizationKind.CORE_CENTER)


def is_city(actor: Actor) -> bool:
    org = actor.organization
    return org is not None and org.kind == OrganizationKind.CITY_DEPARTMENT


def is_oversight(actor: Actor) -> bool:
    """The city department and the core center: every evaluation, and the overdue list."""
    org = actor.organization
    return org is not None and org.kind in OVERSIGHT_KINDS


def may_manage(actor: Actor) -> bool:
    """The city department's writers register homes and plan evaluations."""
    return is_city(actor) and actor.can_write


def council_bodies(actor: Actor) -> QuerySet[MeetingBody]:
    """The bodies the actor sits on: as a member or secretariat organization, or in person."""
    org_id = actor.organization_id
    if org_id is None:
        return MeetingBody.objects.none()
    return MeetingBody.objects.filter(
        Q(pk__in=MeetingBody.objects.filter(member_organizations=org_id).values("pk"))
        | Q(pk__in=MeetingBody.objects.filter(secretariats=org_id).values("pk"))
        | Q(pk__in=MeetingBody.objects.filter(member_users=actor.user.pk).values("pk"))
    )


def may_list(actor: Actor) -> bool:
    """Who has the list screen: oversight, evaluators and council members (each sees what the
    rules below give), and a home (its published evaluations)."""
    return actor.organization_id is not None


def homes_visible_to(actor: Actor) -> QuerySet[GroupHome]:
    org_id = actor.organization_id
    if org_id is None:
        return GroupHome.objects.none()
    if is_oversight(actor):
        return GroupHome.objects.all()
    return GroupHome.objects.filter(organization_id=org_id)


def evaluations_visible_to(actor: Actor) -> QuerySet[GroupHomeEvaluation]:
    org_id = actor.organization_id
    if org_id is None:
        return GroupHomeEvaluation.objects.none()
    if is_oversight(actor):
        return GroupHomeEvaluation.objects.all()
    evaluating = GroupHomeEvaluation.objects.filter(evaluators=actor.user.pk).values("pk")
    # Published "to the home and the council": the subcommittee's members and those of the
    # council above it.
    bodies = council_bodies(actor).values("pk")
    published = Q(step=Step.PUBLISHED) & (
        Q(home__organization_id=org_id) | Q(body__in=bodies) | Q(body__parent__in=bodies)
    )
    return GroupHomeEvaluation.objects.filter(Q(pk__in=evaluating) | published)


def is_evaluator(actor: Actor, evaluation: GroupHomeEvaluation) -> bool:
    return evaluation.evaluators.filter(pk=actor.user.pk).exists()


def is_manager(actor: Actor, evaluation: GroupHomeEvaluation) -> bool:
    """The city department that manages the home, with write rights."""
    return actor.can_write and evaluation.home.managed_by_id == actor.organization_id


def may_write(actor: Actor, evaluation: GroupHomeEvaluation) -> bool:
    """The managing department or an evaluator, with write rights."""
    if not actor.can_write:
        return False
    return is_manager(actor, evaluation) or is_evaluator(actor, evaluation)


def is_home(actor: Actor, evaluation: GroupHomeEvaluation) -> bool:
    return evaluation.home.organization_id == actor.organization_id


def home_has_accounts(home: GroupHome) -> bool:
    """The home's staff have accounts: they fill the self-evaluation themselves."""
    return (
        Membership.objects.current()
        .filter(organization_id=home.organization_id, user__is_active=True)
        .exists()
    )


def self_evaluation_open(evaluation: GroupHomeEvaluation) -> bool:
    """The self-evaluation is the next step to take."""
    return evaluation.next_step == Step.SELF_EVALUATED


def access_home(actor: Actor, home_id: object, *, for_write: bool = False) -> GroupHome:
    pk = audit.object_pk(actor, HOME, home_id)
    home = (
        homes_visible_to(actor).select_related("organization", "managed_by").filter(pk=pk).first()
    )
    if home is None:
        raise audit.not_found(actor, HOME, pk, "not visible to the acting organization")
    if for_write and not (actor.can_write and home.managed_by_id == actor.organization_id):
        audit.record_denial(actor, target_type=HOME, target_id=pk, reason="not the manager")
        raise Forbidden(_("変更できるのは所管の市担当課の職員です。"))
    return home


def _fetch(actor: Actor, queryset: QuerySet[GroupHomeEvaluation], pk: int) -> GroupHomeEvaluation:
    evaluation = (
        queryset.select_related(
            "home", "home__organization", "home__managed_by", "body", "qa_meeting"
        )
        .filter(pk=pk)
        .first()
    )
    if evaluation is None:
        raise audit.not_found(actor, EVALUATION, pk, "not visible to the acting organization")
    return evaluation


def access_evaluation(actor: Actor, evaluation_id: object) -> GroupHomeEvaluation:
    """An evaluation the actor sees, else the audited 404."""
    pk = audit.object_pk(actor, EVALUATION, evaluation_id)
    return _fetch(actor, evaluations_visible_to(actor), pk)


def access_for_self_evaluation(actor: Actor, evaluation_id: object) -> GroupHomeEvaluation:
    """The evaluation whose self-evaluation form the actor may fill: the home itself while it is
    the step to take (before and after: 404 to the home), or the managing department, which
    enters a paper form."""
    pk = audit.object_pk(actor, EVALUATION, evaluation_id)
    org_id = actor.organization_id
    own = GroupHomeEvaluation.objects.none()
    if org_id is not None:
        own = GroupHomeEvaluation.objects.filter(
            home__organization_id=org_id,
            step__in=[Step.VISITED, Step.PLANNED],
        ).filter(
            Q(path=EvaluationPath.VISIT, step=Step.VISITED)
            | Q(path=EvaluationPath.WRITTEN, step=Step.PLANNED)
        )
    queryset = GroupHomeEvaluation.objects.filter(
        Q(pk__in=evaluations_visible_to(actor).values("pk")) | Q(pk__in=own.values("pk"))
    )
    return _fetch(actor, queryset, pk)
