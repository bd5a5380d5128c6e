"""Who sees and changes the annual reports and their jobs.

The core center sees its own reports; the city department sees every center's (its statutory
role: oversight, statistics).  Everyone else gets the same audited 404 as for a page that does
not exist.  The center's staff (members who may write) write the sections; the city reads
them.  Generating the documents is open to writers of the center and of the city.
"""

from __future__ import annotations

from django.db.models import QuerySet

from tsunagu.audit import services as audit
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Forbidden
from tsunagu.organizations.models import Organization, OrganizationKind
from tsunagu.reports.models import ReportJob


def may_view(actor: Actor) -> bool:
    org = actor.organization
    return org is not None and org.kind in (
        OrganizationKind.CORE_CENTER,
        OrganizationKind.CITY_DEPARTMENT,
    )


def may_write(actor: Actor, center: Organization) -> bool:
    """The center's own staff write its sections (not read-only members, not the city)."""
    return actor.organization_id == center.pk and actor.can_write


def may_generate(actor: Actor, center: Organization) -> bool:
    org = actor.organization
    return (
        org is not None
        and actor.can_write
        and (org.pk == center.pk or org.kind == OrganizationKind.CITY_DEPARTMENT)
    )


def centers_visible_to(actor: Actor) -> QuerySet[Organization]:
    centers = Organization.objects.filter(kind=OrganizationKind.CORE_CENTER)
    org = actor.organization
    if org is None or not may_view(actor):
        return centers.none()
    if org.kind == OrganizationKind.CITY_DEPARTMENT:
        return centers.filter(is_active=True)
    return centers.filter(pk=org.pk)


def jobs_visible_to(actor: Actor) -> QuerySet[ReportJob]:
    return ReportJob.objects.filter(organization__in=centers_visible_to(actor).values("pk"))


def access_center(
    actor: Actor, organization_id: object, *, for_write: bool = False, for_generate: bool = False
) -> Organization:
    """A center whose reports the actor sees, or NotFound (audited).  `for_write`: its own
    staff only; `for_generate`: its writers or the city's (else Forbidden, audited)."""
    target = "reports.annualreport"
    pk = audit.object_pk(actor, target, organization_id)
    center = centers_visible_to(actor).filter(pk=pk).first()
    if center is None:
        raise audit.not_found(actor, target, pk, "not a center the acting organization sees")
    if for_write and not may_write(actor, center):
        audit.record_denial(actor, target_type=target, target_id=pk, reason="not the center")
        raise Forbidden("報告書の本文を書くのは、センターの職員です。")
    if for_generate and not may_generate(actor, center):
        audit.record_denial(actor, target_type=target, target_id=pk, reason="read-only")
        raise Forbidden("報告書を作成する権限がありません。")
    return center


def access_job(actor: Actor, job_id: object) -> ReportJob:
    target = "reports.reportjob"
    pk = audit.object_pk(actor, target, job_id)
    job = jobs_visible_to(actor).select_related("organization").filter(pk=pk).first()
    if job is None:
        raise audit.not_found(actor, target, pk, "not visible to the acting organization")
    return job
