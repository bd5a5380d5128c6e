"""Who sees and may change which survey and which response: one way in for each.

A survey is seen by the members of the organization that sends it (the core center or the city
department) and, once sent, by the organizations it was sent to.  A response is seen by its own
organization and by the sender; another recipient gets the 404 of a page that does not exist,
with its access.denied row, as does any organization the survey was not sent to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Forbidden
from tsunagu.notifications.registry import Shown
from tsunagu.organizations.models import OrganizationKind
from tsunagu.surveys.models import Answer, Survey, SurveyResponse, SurveyStatus

SURVEY = "surveys.survey"
RESPONSE = "surveys.surveyresponse"
ANSWER = "surveys.answer"

SENDER_KINDS = (OrganizationKind.CORE_CENTER, OrganizationKind.CITY_DEPARTMENT)


def may_send(actor: Actor) -> bool:
    """The core center's and the city department's staff with write rights write surveys."""
    org = actor.organization
    return org is not None and org.kind in SENDER_KINDS and actor.can_write


def may_view(actor: Actor) -> bool:
    return actor.organization_id is not None


def surveys_visible_to(actor: Actor) -> QuerySet[Survey]:
    org_id = actor.organization_id
    if org_id is None:
        return Survey.objects.none()
    received = SurveyResponse.objects.filter(organization_id=org_id).values("survey_id")
    return Survey.objects.filter(
        Q(sender_id=org_id) | (Q(pk__in=received) & ~Q(status=SurveyStatus.DRAFT))
    )


def responses_visible_to(actor: Actor) -> QuerySet[SurveyResponse]:
    org_id = actor.organization_id
    if org_id is None:
        return SurveyResponse.objects.none()
    return SurveyResponse.objects.filter(
        Q(survey__sender_id=org_id)
        | (Q(organization_id=org_id) & ~Q(survey__status=SurveyStatus.DRAFT))
    )


def is_sender(actor: Actor, survey: Survey) -> bool:
    return survey.sender_id == actor.organization_id and may_send(actor)


def sees_sender_view(actor: Actor, survey: Survey) -> bool:
    """Every response and every text (the sender's members, read-only ones too)."""
    return survey.sender_id == actor.organization_id


def own_response(actor: Actor, survey: Survey) -> SurveyResponse | None:
    if actor.organization_id is None:
        return None
    return survey.responses.filter(organization_id=actor.organization_id).first()


def access_survey(actor: Actor, survey_id: object, *, for_sender: bool = False) -> Survey:
    pk = audit.object_pk(actor, SURVEY, survey_id)
    survey = surveys_visible_to(actor).select_related("sender").filter(pk=pk).first()
    if survey is None:
        raise audit.not_found(actor, SURVEY, pk, "not visible to the acting organization")
    if for_sender and not is_sender(actor, survey):
        if not sees_sender_view(actor, survey):
            # A recipient asking for the sender's page: as if it did not exist.
            raise audit.not_found(actor, SURVEY, pk, "not the sender")
        audit.record_denial(actor, target_type=SURVEY, target_id=pk, reason="read-only member")
        raise Forbidden(_("調査を変更できるのは実施機関の職員（閲覧のみ以外）です。"))
    return survey


def access_response(actor: Actor, response_id: object) -> SurveyResponse:
    pk = audit.object_pk(actor, RESPONSE, response_id)
    response = (
        responses_visible_to(actor)
        .select_related("survey", "survey__sender", "organization")
        .filter(pk=pk)
        .first()
    )
    if response is None:
        raise audit.not_found(actor, RESPONSE, pk, "not visible to the acting organization")
    return response


def access_answer(actor: Actor, answer_id: object) -> Answer:
    """A text answer the sender reviews: only the sender's members find it."""
    pk = audit.object_pk(actor, ANSWER, answer_id)
    org_id = actor.organization_id
    answer = (
        Answer.objects.select_related("response", "response__survey", "question")
        .filter(pk=pk, response__survey__sender_id=org_id)
        .first()
        if org_id is not None
        else None
    )
    if answer is None:
        raise audit.not_found(actor, ANSWER, pk, "not the sender")
    return answer


def is_respondent(actor: Actor, response: SurveyResponse) -> bool:
    return response.organization_id == actor.organization_id and actor.can_write


def render_survey_notifications(actor: Actor, ids: Sequence[int]) -> Mapping[int, Shown]:
    """A survey sent or a reminder: its title and the page to answer it, if still visible."""
    return {
        survey.pk: Shown(title=survey.title, url=reverse("surveys:survey_detail", args=[survey.pk]))
        for survey in surveys_visible_to(actor).filter(pk__in=ids)
    }
