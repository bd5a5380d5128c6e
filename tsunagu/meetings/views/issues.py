"""Community issues (地域課題): the list, the council's page and handout, raising one (from
the network, a case or a conference, de-identified) and recording its steps."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.audit.lists import list_page
from tsunagu.cases.access import access_case
from tsunagu.cases.models import Case, CaseConference
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.screens import form_page, posted, screen
from tsunagu.meetings import council_pack, deidentify, forms, selectors, services
from tsunagu.meetings.lists import IssueFilter, IssueTable
from tsunagu.meetings.models import ISSUE_TRANSITIONS, CommunityIssue, IssueSource
from tsunagu.meetings.views.base import flagged_for_review, pdf, require
from tsunagu.moments import selectors as moment_selectors


@screen("GET")
def issue_list(request: TsunaguRequest) -> HttpResponse:
    return list_page(
        request,
        rows=selectors.issue_list(actor=request.actor),
        filters=IssueFilter,
        table=IssueTable,
        template="meetings/pages/issue_list.html",
        view="meetings.issue_list",
        persons=selectors.issue_persons,
        context={"can_write": request.actor.can_write},
    )


@screen("GET")
def council_issues(request: TsunaguRequest) -> HttpResponse:
    """What the council sees: the de-identified text and the pipeline, never the sources."""
    issues = selectors.council_issues(request.actor)
    audit.record_read(
        request.actor, view="meetings.council_issues", person_ids=selectors.issue_persons(issues)
    )
    return render(
        request,
        "meetings/pages/council_issues.html",
        {
            "issues": issues,
            "council_pack_available": council_pack.councils_visible_to(request.actor).exists(),
            # Issue 21 item 6: the council page quotes the moments published beside it.
            "moments": list(moment_selectors.council_page(request.actor)[:3]),
        },
    )


@screen("GET")
def council_issues_pdf(request: TsunaguRequest) -> HttpResponse:
    """The council page as a handout (PDF): the same issues, each with its 提起日."""
    issues = selectors.council_issues(request.actor)
    today = timezone.localdate()
    return pdf(
        request,
        render_to_string(
            "meetings/print/council_issues.html", {"issues": issues, "printed_on": today}
        ),
        filename=f"協議会向けの地域課題_{today:%Y%m%d}.pdf",
        back=reverse("meetings:council_issues"),
        made=lambda: audit.record_read(
            request.actor,
            view="meetings.council_issues_pdf",
            person_ids=selectors.issue_persons(issues),
        ),
    )


def _issue_create(
    request: TsunaguRequest,
    *,
    sources: list[str],
    back: str,
    case: Case | None = None,
    conference: CaseConference | None = None,
) -> HttpResponse:
    shown: dict[str, Any] = {"case": case, "conference": conference, "back": back, "review": None}
    keep, seen = deidentify.decisions_from(request.POST)
    form = forms.IssueForm(posted(request), sources=sources, initial={"source": sources[0]})
    labels = {name: str(form.fields[name].label) for name in ("title", "description")}
    return form_page(
        request,
        form,
        "meetings/pages/issue_form.html",
        save=lambda data: services.issue_raise(
            actor=request.actor,
            data=data,
            raised_on=data.get("raised_on"),
            source_case=case,
            source_conference=conference,
            keep=keep,
            seen=seen,
        ),
        done=lambda issue: redirect("meetings:issue_detail", issue_id=issue.pk),
        context=shown,
        rescue=flagged_for_review(shown, keep, seen, labels),
        success=_("地域課題を提起しました。"),
    )


@screen("GET", "POST")
def issue_create(request: TsunaguRequest) -> HttpResponse:
    message = _("閲覧のみの権限では変更できません。")
    require(request, request.actor.can_write, "read-only membership", message)
    return _issue_create(
        request,
        sources=[IssueSource.SURVEY, IssueSource.MEETING],
        back=reverse("meetings:issue_list"),
    )


@screen("GET", "POST")
def case_issue_create(request: TsunaguRequest, case_id: int) -> HttpResponse:
    case = access_case(request.actor, case_id, for_write=True)
    return _issue_create(
        request,
        sources=[IssueSource.CASE],
        case=case,
        back=reverse("meetings:conference_list", args=[case.pk]),
    )


@screen("GET", "POST")
def conference_issue_create(request: TsunaguRequest, conference_id: int) -> HttpResponse:
    conference = selectors.access_conference(request.actor, conference_id, for_write=True)
    return _issue_create(
        request,
        sources=[IssueSource.CONFERENCE],
        conference=conference,
        back=reverse("meetings:conference_detail", args=[conference.pk]),
    )


def _issue_context(
    request: TsunaguRequest, issue: CommunityIssue, form: forms.AdvanceForm | None = None
) -> dict[str, Any]:
    actor = request.actor
    may_advance = actor.can_write and (
        actor.organization_id == issue.raised_by_organization_id or selectors.is_oversight(actor)
    )
    return {
        "issue": issue,
        "steps": selectors.issue_steps(issue),
        "developments": selectors.issue_developments(issue),
        "links": selectors.issue_source_links(actor, issue),
        "may_advance": may_advance and bool(ISSUE_TRANSITIONS[issue.stage]),
        "form": form or _advance_form(request, issue),
    }


def _advance_form(request: TsunaguRequest, issue: CommunityIssue) -> forms.AdvanceForm:
    return forms.AdvanceForm(
        posted(request),
        stages=sorted(ISSUE_TRANSITIONS[issue.stage]),
        meetings=selectors.meetings_visible_to(request.actor)
        .select_related("body")
        .order_by("-starts_at"),
        initial={"occurred_on": timezone.localdate()},
    )


@screen("GET")
def issue_detail(request: TsunaguRequest, issue_id: int) -> HttpResponse:
    issue = selectors.access_issue(request.actor, issue_id)
    audit.record_read(
        request.actor,
        view="meetings.issue_detail",
        target=issue,
        person_ids=selectors.issue_persons([issue]),
    )
    return render(request, "meetings/pages/issue_detail.html", _issue_context(request, issue))


@screen("POST")
def issue_advance(request: TsunaguRequest, issue_id: int) -> HttpResponse:
    issue = selectors.access_issue(request.actor, issue_id, for_write=True)
    form = _advance_form(request, issue)
    return form_page(
        request,
        form,
        "meetings/pages/issue_detail.html",
        save=lambda data: services.issue_advance(actor=request.actor, issue=issue, **data),
        done=lambda saved: redirect("meetings:issue_detail", issue_id=issue.pk),
        context=lambda: _issue_context(request, issue, form),
        success=_("地域課題の経過を記録しました。"),
    )
