"""Building group homes and their evaluations for tests, through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.accounts.tests.factories import UserFactory
from tsunagu.grouphomes import services
from tsunagu.grouphomes.models import GroupHome, GroupHomeEvaluation
from tsunagu.meetings.models import BodyKind, Level, MeetingBody
from tsunagu.meetings.tests.factories import MeetingBodyFactory
from tsunagu.organizations.models import JobTitle, OrganizationKind
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import MembershipFactory, OrganizationFactory

OBSERVATIONS = {
    "community": "月1回、自治会の清掃に参加している。",
    "daytime": "日中活動は施設内の作業が中心で、外出の機会が少ない。",
}
ANSWERS = {
    "community": "地域の行事への参加を年4回に増やしたい。",
    "staffing": "夜間は2人体制。",
}


def subcommittee(personas: Any) -> MeetingBody:
    """The 地域部会: the city and the core center run it; office A sits on it, office B not."""
    return MeetingBodyFactory.create(
        name="地域部会",
        kind=BodyKind.SUBCOMMITTEE,
        level=Level.MACRO,
        secretariats=[personas.city, personas.core_center],
        members=[personas.office_a],
    )


def make_home(
    personas: Any, *, name: str = "グループホーム ひだまり", staff: bool = True
) -> GroupHome:
    org = OrganizationFactory.create(name=name, kind=OrganizationKind.SERVICE_PROVIDER)
    if staff:
        user = UserFactory.create(username=f"gh_{org.pk}")
        MembershipFactory.create(user=user, organization=org, job_title=JobTitle.MANAGER)
    return services.home_create(
        actor_as(personas.city_official),
        organization=org,
        opened_on=timezone.localdate() - dt.timedelta(days=800),
        capacity=20,
        units=2,
    )


def home_user(home: GroupHome) -> User:
    return User.objects.get(memberships__organization=home.organization)


def plan(
    personas: Any, home: GroupHome, body: MeetingBody, *, year: int | None = None, **over: Any
) -> GroupHomeEvaluation:
    from tsunagu.core.dates import fiscal_year

    data: dict[str, Any] = {
        "home": home,
        "fiscal_year": year or fiscal_year(timezone.localdate()),
        "path": "visit",
        "body": body,
        "evaluators": [personas.city_official, personas.core_officer],
        "visit_planned_on": timezone.localdate() - dt.timedelta(days=100),
        **over,
    }
    return services.evaluation_plan(actor_as(personas.city_official), **data)


def advance(
    personas: Any, evaluation: GroupHomeEvaluation, until: str, *, qa_days_ago: int = 50
) -> GroupHomeEvaluation:
    """Take a visit-path evaluation through its steps up to `until`, with dates in the past."""
    city = actor_as(personas.city_official)
    today = timezone.localdate()
    order = ["visited", "self_evaluated", "qa_held", "report_written", "published"]
    for step in order[: order.index(until) + 1]:
        if evaluation.reached(step):
            continue
        if step == "visited":
            evaluation = services.visit_record(
                city,
                evaluation=evaluation,
                visited_on=today - dt.timedelta(days=qa_days_ago + 30),
                observations=OBSERVATIONS,
                findings="地域との交流の機会をさらに増やす余地がある。",
            )
        elif step == "self_evaluated":
            home = evaluation.home
            actor = (
                actor_as(home_user(home), home.organization)
                if services_home_has_staff(home)
                else city
            )
            evaluation = services.self_evaluation_receive(
                actor,
                evaluation=evaluation,
                received_on=today - dt.timedelta(days=qa_days_ago + 10),
                answers=ANSWERS,
                summary="利用者20名。日中は施設内で過ごす方が多い。",
            )
        elif step == "qa_held":
            evaluation = services.qa_record(
                city,
                evaluation=evaluation,
                held_on=today - dt.timedelta(days=qa_days_ago),
                items=[{"question": "外出の支援は誰が担うか。", "answer": "日中支援員が担う。"}],
            )
        elif step == "report_written":
            evaluation = services.report_write(
                city, evaluation=evaluation, text="地域との交流を広げる取組みを期待する。"
            )
        else:
            evaluation = services.publish(city, evaluation=evaluation)
    return evaluation


def services_home_has_staff(home: GroupHome) -> bool:
    from tsunagu.grouphomes.access import home_has_accounts

    return home_has_accounts(home)
