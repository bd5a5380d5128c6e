"""The directory's pages for tsunagu/core/tests/test_query_budgets.py: how to reach each one
(creating its first item on the way) and how to grow what it shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from tsunagu.directory.models import SocialResource
from tsunagu.directory.services import refresh_search_text
from tsunagu.directory.tests.factories import (
    ContactFactory,
    LocationFactory,
    PhoneFactory,
    ProviderFactory,
    ResourceFactory,
    ScheduleFactory,
    term,
)
from tsunagu.meetings.models import CommunityIssue, IssueSource, IssueTheme, Meeting
from tsunagu.meetings.tests.factories import DevelopmentFactory, MeetingBodyFactory, MeetingFactory
from tsunagu.organizations.models import AreaKind
from tsunagu.organizations.tests.factories import AreaFactory

SPECIALTIES = ("smid-medical-care", "severe-behavior", "developmental", "psychiatric")


def _sources(w: Any, n: int) -> dict[str, Any]:
    """A community issue and a meeting of its own for each development row: the pages show
    both and must not ask for them row by row."""
    if "directory_body" not in w.extra:
        w.extra["directory_body"] = MeetingBodyFactory.create(
            name="中央区障がい福祉ネットワーク会議",
            secretariats=[w.p.core_center],
            members=[w.p.office_a],
        )
    start = timezone.make_aware(dt.datetime.combine(dt.date(2026, 5, 1), dt.time(14, 0)))
    meeting: Meeting = MeetingFactory.create(
        body=w.extra["directory_body"],
        title=f"第{n}回 ネットワーク会議",
        starts_at=start + dt.timedelta(days=n),
        created_by=w.p.core_officer,
    )
    issue = CommunityIssue.objects.create(
        title=f"生活介護の開所時間が短い{n}",
        theme=IssueTheme.DAYTIME,
        description="15時で終わる生活介護が多い。",
        source=IssueSource.SURVEY,
        raised_by=w.p.core_officer,
        raised_by_organization=w.p.core_center,
    )
    return {"meeting": meeting, "community_issue": issue}


def _resource(w: Any, n: int) -> SocialResource:
    area = w.extra.get("directory_area") or AreaFactory.create(
        code="budget-ward", name="中央区", kind=AreaKind.WARD
    )
    w.extra["directory_area"] = area
    resource = ResourceFactory.create(
        name=f"生活介護 ひだまりの家{n}",
        capacity=20,
        vacancies=2,
        vacancies_confirmed_on=dt.date(2026, 11, 25),
        accepts_visits=True,
        specialties=[term(code) for code in SPECIALTIES[: 1 + n % 3]],
    )
    LocationFactory.create(resource=resource, area=area)
    ScheduleFactory.create(resource=resource)
    PhoneFactory.create(resource=resource)
    ContactFactory.create(resource=resource, is_internal=False, name=f"窓口{n}")
    DevelopmentFactory.create(
        resource=resource,
        title=f"開所時間の延長{n}",
        recorded_by=w.p.core_officer,
        recorded_by_organization=w.p.core_center,
        **_sources(w, n),
    )
    refresh_search_text(resource)
    return resource


def _first(w: Any) -> SocialResource:
    if "directory_resource" not in w.extra:
        w.extra["directory_resource"] = _resource(w, 0)
    resource: SocialResource = w.extra["directory_resource"]
    return resource


def url(name: str) -> Callable[[Any], str]:
    """The page's URL, with one resource (and its provider, development) in the world."""

    def build(w: Any) -> str:
        resource = _first(w)
        if name == "public_detail":
            return reverse("directory:public_detail", args=[resource.hsds_id])
        if name == "resource_detail":
            return reverse("directory:resource_detail", args=[resource.pk])
        if name == "development_list":  # the log is the meetings app's; it names resources
            return reverse("meetings:development_list")
        if name == "public_search":
            return reverse("directory:search") + "?q=ひだまり&accepts_visits=on"
        return reverse(f"directory:{name}")

    return build


def grow_resources(w: Any, n: int) -> None:
    for i in range(n):
        _resource(w, i + 1)


def grow_resource_children(w: Any, n: int) -> None:
    resource = _first(w)
    for i in range(n):
        LocationFactory.create(resource=resource, address=f"中央区本町{i}丁目", area=None)
        ScheduleFactory.create(resource=resource, weekdays="SA", description=f"第{i}土曜")
        PhoneFactory.create(resource=resource, number=f"022-011-{i:04d}")
        ContactFactory.create(resource=resource, name=f"担当{i}", is_internal=False)
        DevelopmentFactory.create(
            resource=resource,
            title=f"送迎の工夫{i}",
            recorded_by=w.p.core_officer,
            recorded_by_organization=w.p.core_center,
            **_sources(w, 100 + i),
        )
    resource.specialties.set([term(code) for code in SPECIALTIES])


def grow_providers(w: Any, n: int) -> None:
    _first(w)
    for i in range(n):
        ProviderFactory.create(name=f"ふれあいサロン実行委員会{i}")


def grow_developments(w: Any, n: int) -> None:
    resource = _first(w)
    for i in range(n):
        DevelopmentFactory.create(
            resource=resource,
            title=f"機械浴の提供{i}",
            recorded_by=w.p.counselor_a,
            recorded_by_organization=w.p.office_a,
            **_sources(w, 200 + i),
        )
