"""The calendar (week and month), the user's feed settings and the .ics feed itself."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tsunagu.agenda import ics, selectors, services
from tsunagu.agenda.forms import AgendaForm, FeedCreateForm
from tsunagu.agenda.models import Scope
from tsunagu.agenda.periods import MONTH, WEEK, WEEKDAYS, Period, period_of
from tsunagu.audit.services import record_read
from tsunagu.core.actor import Origin
from tsunagu.core.dates import display_month
from tsunagu.core.errors import Invalid
from tsunagu.core.http import TsunaguRequest, site_url

# What the feed carries: a month back (what was just missed) and half a year ahead.
FEED_DAYS_BACK = 30
FEED_DAYS_AHEAD = 183


def _query(view: str, day: dt.date, scope: str) -> str:
    query = QueryDict(mutable=True)
    query.update({"view": view, "date": day.isoformat(), "scope": scope})
    return "?" + query.urlencode()


def _days(period: Period, entries: list[selectors.Entry]) -> list[dict[str, Any]]:
    by_day = selectors.entries_by_day(entries)
    today = timezone.localdate()
    return [
        {
            "date": day,
            "weekday": WEEKDAYS[day.weekday()],
            "entries": by_day.get(day, []),
            "in_period": period.first <= day <= period.last,
            "is_today": day == today,
        }
        for day in period.days()
    ]


@require_GET
def agenda(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    form = AgendaForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(
            request,
            "agenda/pages/agenda.html",
            {"form": form, "period": None, "weekdays": WEEKDAYS},
            status=400,
        )
    data = form.cleaned_data if form.is_bound else {}
    view = data.get("view") or WEEK
    day = data.get("date") or timezone.localdate()
    scope = data.get("scope") or Scope.MINE
    period = period_of(view, day)
    entries = selectors.agenda_entries(actor, first=period.first, last=period.last, scope=scope)
    record_read(
        actor,
        view="agenda.calendar",
        person_ids=selectors.persons_of(actor, entries),
        filters={"view": view, "date": day.isoformat(), "scope": scope},
    )
    today = timezone.localdate()
    days = _days(period, entries)
    return render(
        request,
        "agenda/pages/agenda.html",
        {
            "form": form,
            "period": period,
            "month_label": display_month(period.first),
            "view": view,
            "scope": scope,
            "entries": entries,
            "days": days,
            "weeks": [days[i : i + 7] for i in range(0, len(days), 7)],
            "weekdays": WEEKDAYS,
            "previous_query": _query(view, period.previous, scope) if period.previous else "",
            "next_query": _query(view, period.next, scope) if period.next else "",
            "today_query": _query(view, today, scope),
            "week_query": _query(WEEK, day, scope),
            "month_query": _query(MONTH, day, scope),
            "mine_query": _query(view, day, Scope.MINE),
            "organization_query": _query(view, day, Scope.ORGANIZATION),
            "has_organization": actor.organization_id is not None,
        },
    )


@require_http_methods(["GET", "POST"])
def feed_settings(request: TsunaguRequest) -> HttpResponse:
    """The user's own calendar feed: make one (its address is shown this once), or stop it."""
    actor = request.actor
    form = FeedCreateForm(initial={"scope": Scope.MINE})
    issued = None
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            stopped = services.feed_revoke(actor)
            if stopped:
                messages.success(request, _("カレンダーの配信を停止しました。"))
            return redirect("agenda:feed_settings")
        form = FeedCreateForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                issued = services.feed_create(actor, scope=form.cleaned_data["scope"])
                status = 200
            except Invalid as exc:
                form.add_error(None, exc.message)
    feed_url = ""
    if issued is not None:
        feed_url = request.build_absolute_uri(reverse("agenda:feed", args=[issued.raw]))
    return render(
        request,
        "agenda/pages/feed.html",
        {
            "form": form,
            "issued": issued,
            "feed_url": feed_url,
            "webcal_url": feed_url.replace("https://", "webcal://", 1).replace(
                "http://", "webcal://", 1
            ),
            "active": services.feed_active(actor),
            "has_organization": actor.organization_id is not None,
            "days_back": FEED_DAYS_BACK,
            "days_ahead": FEED_DAYS_AHEAD,
        },
        status=status,
    )


@login_not_required
@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The .ics a calendar app polls.  The secret in the address is the only credential: an
    unknown or stopped one is a plain 404."""
    origin = Origin.of(request)
    found = services.feed_authenticate(token, origin=origin)
    if found is None:
        raise Http404
    calendar_feed, actor = found
    if not services.feed_claim_fetch(calendar_feed):
        response = HttpResponse(
            _("短い間隔で繰り返し読み込まれました。しばらくしてからもう一度読み込んでください。"),
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(int(services.MIN_FETCH_INTERVAL.total_seconds()))
        return response
    today = timezone.localdate()
    entries = selectors.agenda_entries(
        actor,
        first=today - dt.timedelta(days=FEED_DAYS_BACK),
        last=today + dt.timedelta(days=FEED_DAYS_AHEAD),
        scope=calendar_feed.scope,
    )
    services.feed_fetched(actor, feed=calendar_feed, count=len(entries))
    body = ics.feed_calendar(entries, name=_("つなぐ"), site=site_url("", origin))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="tsunagu.ics"'
    patch_cache_control(response, no_store=True, private=True)
    response["Referrer-Policy"] = "no-referrer"
    return response
