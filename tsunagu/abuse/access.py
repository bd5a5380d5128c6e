"""Who sees which abuse report: the city department and the core center (the response
organizations, 第32条・第77条).  Anyone else gets the 404 of a page that does not exist, with
its access.denied row; a link to a person never makes a report visible to that person's case
team.  The reporter's identity is shown only to the users on the report's response team
(`sees_reporter`), and every such read is audited on its own (`reporter_shown`)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.abuse.models import AbuseReport
from tsunagu.audit import services as audit
from tsunagu.audit.actions import register_action
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Forbidden
from tsunagu.organizations.models import OrganizationKind

REPORT = "abuse.abusereport"
RESPONSE_KINDS = (OrganizationKind.CITY_DEPARTMENT, OrganizationKind.CORE_CENTER)

ACTION_REPORTER_VIEWED = register_action(
    "abuse.reporter_viewed", gettext_lazy("虐待の通報者情報の閲覧")
)


def may_view(actor: Actor) -> bool:
    org = actor.organization
    return org is not None and org.kind in RESPONSE_KINDS


def may_respond(actor: Actor) -> bool:
    return may_view(actor) and actor.can_write


def sees_survey(actor: Actor) -> bool:
    return may_view(actor)


def reports_visible_to(actor: Actor) -> QuerySet[AbuseReport]:
    if not may_view(actor):
        return AbuseReport.objects.none()
    return AbuseReport.objects.filter(receiving_organization__kind__in=RESPONSE_KINDS)


def access_report(actor: Actor, report_id: object, *, for_change: bool = False) -> AbuseReport:
    pk = audit.object_pk(actor, REPORT, report_id)
    report = (
        reports_visible_to(actor).select_related("receiving_organization").filter(pk=pk).first()
    )
    if report is None:
        raise audit.not_found(actor, REPORT, pk, "not a response organization")
    if for_change and not may_respond(actor):
        audit.record_denial(actor, target_type=REPORT, target_id=pk, reason="read-only")
        raise Forbidden(_("閲覧のみの権限では変更できません。"))
    return report


def sees_reporter(actor: Actor, report: AbuseReport) -> bool:
    """Only the users named on the report's response team, acting for a response
    organization."""
    return may_view(actor) and report.response_team.filter(pk=actor.user.pk).exists()


def reporter_shown(actor: Actor, report: AbuseReport, *, view: str) -> bool:
    """`sees_reporter`, with its own audit row when the identity is shown."""
    if not sees_reporter(actor, report):
        return False
    audit.record(
        action=ACTION_REPORTER_VIEWED,
        actor=actor,
        target=report,
        detail={"view": view, "path": actor.origin.path},
        person_ids=[report.person_id] if report.person_id else [],
    )
    return True
