"""Screens for meeting bodies, meetings (calendar, compliance, .ics), case conferences,
community issues and the resource development log.

NotFound becomes the project's 404; Forbidden shows its message with status 403; Invalid and
Conflict redisplay the form with the message and nothing the user typed is lost.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tsunagu.audit import services as audit
from tsunagu.audit.lists import list_page
from tsunagu.cases.access import access_case
from tsunagu.cases.models import CaseConference, ConferenceKind
from tsunagu.cases.selectors import case_list
from tsunagu.core.actor import Actor
from tsunagu.core.dates import fiscal_year_label, wareki
from tsunagu.core.errors import Forbidden, Invalid, NotFound, TsunaguError
from tsunagu.core.exports import csv_response
from tsunagu.core.http import TsunaguRequest, download, private_download
from tsunagu.core.lists import list_screen
from tsunagu.core.screens import action, errors_as_pages, form_page, posted
from tsunagu.directory.models import SocialResource
from tsunagu.directory.screens import recorded, refused
from tsunagu.directory.sections import ResourceSection
from tsunagu.meetings import council_pack, deidentify, ics, network_svg, selectors, services
from tsunagu.meetings.forms import (
    ActionItemForm,
    AdvanceForm,
    AttendeeForm,
    BodyForm,
    ConferenceForm,
    ConferenceRecordForm,
    CouncilPackForm,
    DevelopmentForm,
    IssueForm,
    MeetingForm,
    MeetingRecordForm,
    NetworkForm,
    PledgeForm,
    SummaryForm,
    YearForm,
)
from tsunagu.meetings.lists import BodyFilter, BodyTable, IssueFilter, IssueTable
from tsunagu.meetings.models import (
    DEVELOPMENT_TARGET_TYPE,
    ISSUE_TRANSITIONS,
    IssueSource,
    IssueStep,
    Meeting,
    MeetingBody,
    ResourceDevelopment,
)
from tsunagu.moments import selectors as moment_selectors
from tsunagu.organizations.models import Area, Organization
from tsunagu.plans.printing import PdfUnavailable, render_pdf

_mapped = errors_as_pages()


def _refuse(request: TsunaguRequest, target: Any, reason: str, message: str) -> Forbidden:
    """A refusal decided in the view (before any service runs), audited like the others."""
    audit.record_denial(
        request.actor,
        target_type=target._meta.label_lower if target is not None else "meetings",
        target_id=str(target.pk) if target is not None else "",
        reason=reason,
    )
    return Forbidden(message)


def _year(request: TsunaguRequest) -> tuple[YearForm, int]:
    current = selectors.current_fiscal_year()
    form = YearForm(request.GET or None, current=current)
    return form, form.chosen_year(current)


def _ics(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _body_organizations(body: MeetingBody) -> Any:
    ids = [o.pk for o in body.member_organizations.all()] + [o.pk for o in body.secretariats.all()]
    return Organization.objects.filter(pk__in=ids).order_by("kind", "name_kana", "name")


# --- Bodies, calendar, compliance -------------------------------------------------------------


@require_GET
@_mapped
def body_list(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    return list_screen(
        request,
        rows=selectors.body_list(actor=actor),
        filters=BodyFilter,
        table=BodyTable,
        template="meetings/pages/body_list.html",
        context={
            "can_create": actor.can_write and selectors.is_oversight(actor),
            "conferences": selectors.recent_conferences(actor=actor),
            "cases": case_list(actor=actor).filter(closed_on__isnull=True).order_by("title")[:200],
        },
    )


@require_GET
@_mapped
def conference_start(request: TsunaguRequest) -> HttpResponse:
    """The case chosen on the meetings page → its case conferences (404 if not visible)."""
    case = access_case(request.actor, request.GET.get("case", ""), audit_read=False)
    return redirect("meetings:conference_list", case_id=case.pk)


@require_http_methods(["GET", "POST"])
@_mapped
def body_create(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    if not (actor.can_write and selectors.is_oversight(actor)):
        raise _refuse(
            request,
            None,
            "not core or city",
            _("会議体は基幹相談支援センターまたは市担当課が登録します。"),
        )
    parents = selectors.body_list(actor=actor)
    return form_page(
        request,
        BodyForm(posted(request), parents=parents),
        "meetings/pages/body_form.html",
        save=lambda data: services.body_create(
            actor=actor,
            data=data,
            secretariats=data["secretariats"],
            members=data["member_organizations"],
        ),
        done=lambda body: redirect("meetings:body_detail", body_id=body.pk),
        success=_("会議体を登録しました。"),
    )


@require_GET
@_mapped
def body_detail(request: TsunaguRequest, body_id: int) -> HttpResponse:
    body = selectors.access_body(request.actor, body_id)
    actor = request.actor
    form, year = _year(request)
    return render(
        request,
        "meetings/pages/body_detail.html",
        {
            "body": body,
            "year": year,
            "year_label": fiscal_year_label(year),
            "year_form": form,
            "meetings": selectors.meetings_of_year(actor=actor, year=year, body=body),
            "is_secretariat": actor.can_write and selectors.is_secretariat(actor, body),
        },
    )


@require_GET
@_mapped
def body_ics(request: TsunaguRequest, body_id: int) -> HttpResponse:
    body = selectors.access_body(request.actor, body_id)
    _form, year = _year(request)
    meetings = selectors.meetings_of_year(actor=request.actor, year=year, body=body)
    name = f"{body.name} {fiscal_year_label(year)}"
    return _ics(ics.calendar_of(meetings, name=name), f"meetings-{body.pk}-{year}.ics")


@require_GET
@_mapped
def calendar(request: TsunaguRequest) -> HttpResponse:
    form, year = _year(request)
    return render(
        request,
        "meetings/pages/calendar.html",
        {
            "year_form": form,
            "year": year,
            "year_label": fiscal_year_label(year),
            "months": selectors.calendar(actor=request.actor, year=year),
        },
    )


@require_GET
@_mapped
def compliance(request: TsunaguRequest) -> HttpResponse:
    form, year = _year(request)
    rows = selectors.compliance(actor=request.actor, year=year)
    return render(
        request,
        "meetings/pages/compliance.html",
        {
            "year_form": form,
            "year": year,
            "year_label": fiscal_year_label(year),
            "rows": rows,
            "short_count": sum(1 for r in rows if r.is_short),
        },
    )


# --- Meetings ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@_mapped
def meeting_create(request: TsunaguRequest, body_id: int) -> HttpResponse:
    body = selectors.access_body(request.actor, body_id, for_write=True)
    actor = request.actor
    if not selectors.is_secretariat(actor, body):
        raise _refuse(
            request, body, "not the secretariat", _("この会議体の事務局だけが会議を登録できます。")
        )
    return form_page(
        request,
        MeetingForm(posted(request), initial={"title": body.name}),
        "meetings/pages/meeting_form.html",
        save=lambda data: services.meeting_create(actor=actor, body=body, data=data),
        done=lambda meeting: redirect("meetings:meeting_detail", meeting_id=meeting.pk),
        context={"body": body},
        success=_("会議を登録しました。"),
    )


def _meeting_context(request: TsunaguRequest, meeting: Meeting, **extra: Any) -> dict[str, Any]:
    actor = request.actor
    return {
        "meeting": meeting,
        "body": meeting.body,
        "is_secretariat": actor.can_write and selectors.is_secretariat(actor, meeting.body),
        "acting_organization_id": actor.organization_id,
        "can_write": actor.can_write,
        "action_form": extra.pop(
            "action_form", ActionItemForm(organizations=_body_organizations(meeting.body))
        ),
        **extra,
    }


@require_GET
@_mapped
def meeting_detail(request: TsunaguRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.access_meeting(request.actor, meeting_id)
    return render(request, "meetings/pages/meeting_detail.html", _meeting_context(request, meeting))


@require_GET
@_mapped
def meeting_ics(request: TsunaguRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.access_meeting(request.actor, meeting_id)
    return _ics(ics.calendar_of([meeting], name=meeting.body.name), f"meeting-{meeting.pk}.ics")


@require_http_methods(["GET", "POST"])
@_mapped
def meeting_record(request: TsunaguRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.access_meeting(request.actor, meeting_id, for_write=True)
    if not selectors.is_secretariat(request.actor, meeting.body):
        raise _refuse(
            request, meeting, "not the secretariat", _("この会議体の事務局だけが議事録を書けます。")
        )
    organizations = _body_organizations(meeting.body)
    initial = None
    if request.method != "POST":
        initial = {name: getattr(meeting, name) for name in services.RECORD_FIELDS}
        initial |= {
            "version": meeting.version,
            "attendees": list(meeting.attendee_organizations.all()),
        }
    return form_page(
        request,
        MeetingRecordForm(
            posted(request), request.FILES or None, organizations=organizations, initial=initial
        ),
        "meetings/pages/meeting_record.html",
        save=lambda data: services.meeting_record(
            actor=request.actor,
            meeting=meeting,
            version=data["version"],
            data=data,
            attendees=data["attendees"],
            files=data["attachments"],
        ),
        done=lambda saved: redirect("meetings:meeting_detail", meeting_id=meeting.pk),
        context={"meeting": meeting, "body": meeting.body},
        success=_("議事録を保存しました。"),
    )


@require_GET
def meeting_attachment_download(request: TsunaguRequest, attachment_id: int) -> FileResponse:
    """As records' attachment download: 404 (audited) unless the meeting is visible; each
    download audited."""
    try:
        attachment = selectors.access_meeting_attachment(request.actor, attachment_id)
    except NotFound:
        raise Http404 from None
    response = private_download(
        attachment.file,
        sha256=attachment.sha256,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    selectors.record_meeting_attachment_downloaded(request.actor, attachment)
    return response


@require_POST
@_mapped
def meeting_attachment_delete(request: TsunaguRequest, attachment_id: int) -> HttpResponse:
    attachment = selectors.access_meeting_attachment(request.actor, attachment_id, for_write=True)
    services.meeting_attachment_delete(actor=request.actor, attachment=attachment)
    messages.success(
        request,
        _("添付ファイル「%(name)s」を削除しました。") % {"name": attachment.original_name},
    )
    return redirect("meetings:meeting_detail", meeting_id=attachment.meeting_id)


@require_POST
@_mapped
def action_add(request: TsunaguRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.access_meeting(request.actor, meeting_id, for_write=True)
    form = ActionItemForm(request.POST, organizations=_body_organizations(meeting.body))
    return form_page(
        request,
        form,
        "meetings/pages/meeting_detail.html",
        save=lambda data: services.action_item_add(actor=request.actor, meeting=meeting, **data),
        done=lambda saved: redirect("meetings:meeting_detail", meeting_id=meeting.pk),
        context=lambda: _meeting_context(
            request, selectors.access_meeting(request.actor, meeting_id), action_form=form
        ),
        form_name="action_form",
        success=lambda item: (
            _("アクションを追加し、タスクにしました。")
            if item.task_id
            else _("アクションを追加しました。担当機関の職員が「タスクにする」で引き受けます。")
        ),
    )


@require_POST
@_mapped
def action_take(request: TsunaguRequest, item_id: int) -> HttpResponse:
    item = selectors.access_action_item(request.actor, item_id)
    return action(
        request,
        lambda: services.action_item_take(actor=request.actor, item=item),
        to=reverse("meetings:meeting_detail", kwargs={"meeting_id": item.meeting_id}),
        success=_("タスクにしました。"),
    )


# --- Case conferences -----------------------------------------------------------------------


@require_GET
@_mapped
def conference_list(request: TsunaguRequest, case_id: int) -> HttpResponse:
    case = access_case(request.actor, case_id)
    actor = request.actor
    return render(
        request,
        "meetings/pages/conference_list.html",
        {
            "case": case,
            "conferences": selectors.conference_list(actor=actor, case_id=case.pk),
            "can_write": actor.can_write,
        },
    )


@require_http_methods(["GET", "POST"])
@_mapped
def conference_create(request: TsunaguRequest, case_id: int) -> HttpResponse:
    case = access_case(request.actor, case_id, for_write=True)
    bodies = selectors.body_list(actor=request.actor)
    initial: dict[str, Any] = {"held_at": timezone.localtime()}
    # Prefilled from the team screen, which offers to record the support meeting that a
    # support-meeting basis needs (社会福祉法106条の6).
    if request.GET.get("kind") in ConferenceKind.values:
        initial["kind"] = request.GET["kind"]
    return form_page(
        request,
        ConferenceForm(posted(request), bodies=bodies, initial=initial),
        "meetings/pages/conference_form.html",
        save=lambda data: services.conference_create(actor=request.actor, case=case, data=data),
        done=lambda made: redirect("meetings:conference_detail", conference_id=made.pk),
        context={"case": case},
        success=_("ケース会議を登録しました。"),
    )


def _conference_context(
    request: TsunaguRequest, conference: CaseConference, **extra: Any
) -> dict[str, Any]:
    actor = request.actor
    case_visible = selectors.case_is_visible(actor, conference)
    is_writer = actor.can_write and actor.organization_id in (
        conference.organizer_id,
        conference.case.lead_organization_id,
    )
    return {
        "conference": conference,
        "case_visible": case_visible,
        # Attendees of a case study session see only the reviewed summary, never the case.
        "show_content": case_visible or not conference.is_study_session,
        "is_writer": is_writer,
        "is_author": actor.user.pk == conference.created_by_id and actor.can_write,
        "attendees": selectors.conference_attendees(conference) if is_writer else [],
        "attendee_form": extra.pop("attendee_form", AttendeeForm()),
        "pledge_form": PledgeForm(),
        "is_statutory": conference.kind == ConferenceKind.STATUTORY_SUPPORT_MEETING,
        **extra,
    }


@require_GET
@_mapped
def conference_detail(request: TsunaguRequest, conference_id: int) -> HttpResponse:
    conference = selectors.access_conference(request.actor, conference_id)
    return render(
        request,
        "meetings/pages/conference_detail.html",
        _conference_context(request, conference),
    )


@require_http_methods(["GET", "POST"])
@_mapped
def conference_record(request: TsunaguRequest, conference_id: int) -> HttpResponse:
    conference = selectors.access_conference(request.actor, conference_id, for_write=True)
    fields = services.CONFERENCE_RECORD_FIELDS
    return form_page(
        request,
        ConferenceRecordForm(
            posted(request), initial={name: getattr(conference, name) for name in fields}
        ),
        "meetings/pages/conference_record.html",
        save=lambda data: services.conference_record(
            actor=request.actor, conference=conference, data=data
        ),
        done=lambda saved: redirect("meetings:conference_detail", conference_id=conference.pk),
        context={"conference": conference},
        success=_("ケース会議の記録を保存しました。"),
    )


@require_POST
@_mapped
def attendee_add(request: TsunaguRequest, conference_id: int) -> HttpResponse:
    conference = selectors.access_conference(request.actor, conference_id, for_write=True)
    form = AttendeeForm(request.POST)
    return form_page(
        request,
        form,
        "meetings/pages/conference_detail.html",
        save=lambda data: services.attendee_add(actor=request.actor, conference=conference, **data),
        done=lambda saved: redirect("meetings:conference_detail", conference_id=conference.pk),
        context=lambda: _conference_context(request, conference, attendee_form=form),
        form_name="attendee_form",
        success=_("出席者を追加しました。"),
        conflict_status=400,
    )


@require_POST
@_mapped
def attendee_pledge(request: TsunaguRequest, attendee_id: int) -> HttpResponse:
    attendee = selectors.access_attendee(request.actor, attendee_id)
    form = PledgeForm(request.POST)
    back = reverse("meetings:conference_detail", args=[attendee.conference_id])
    if not form.is_valid():
        messages.error(request, _("誓約した人の氏名を書いてください。"))
        return redirect(back)
    return action(
        request,
        lambda: services.attendee_pledge(
            actor=request.actor, attendee=attendee, **form.cleaned_data
        ),
        to=back,
        success=_("守秘義務の誓約を記録しました。"),
    )


@require_POST
@_mapped
def summary_generate(request: TsunaguRequest, conference_id: int) -> HttpResponse:
    conference = selectors.access_conference(request.actor, conference_id, for_write=True)
    return action(
        request,
        lambda: services.summary_generate(actor=request.actor, conference=conference),
        to=reverse("meetings:summary_review", kwargs={"conference_id": conference.pk}),
        failed_to=reverse("meetings:conference_detail", kwargs={"conference_id": conference.pk}),
        success=_("ケースから要約の下書きを作りました。確認して共有してください。"),
    )


@require_http_methods(["GET", "POST"])
@_mapped
def summary_review(request: TsunaguRequest, conference_id: int) -> HttpResponse:
    conference = selectors.access_conference(request.actor, conference_id, for_write=True)
    if conference.created_by_id != request.user.pk or not conference.is_study_session:
        raise _refuse(
            request,
            conference,
            "not the author",
            _("要約は事例検討会の事例提供者（作成者）が確認します。"),
        )
    shown: dict[str, Any] = {"conference": conference, "review": None}
    keep, seen = deidentify.decisions_from(request.POST)
    if request.method != "POST":
        draft = conference.summary.strip()
        if draft:
            found = deidentify.check(draft, conference.case, field="summary")
            shown["review"] = deidentify.review([(_("要約"), draft, found)], {})
        # The draft is generated from the case and not yet de-identified: a read of the
        # persons it derives from (the write access above records no read row).
        audit.record_read(
            request.actor,
            view="meetings.summary_review",
            target=conference,
            person_ids=selectors.conference_persons(conference),
        )

    def flagged(form: SummaryForm, exc: TsunaguError) -> tuple[SummaryForm, int] | None:
        if not isinstance(exc, deidentify.IdentifiersLeft):
            return None
        form.add_error(None, exc.message)
        text = form.cleaned_data["summary"].strip()
        shown["review"] = deidentify.review([(_("要約"), text, exc.flags)], keep, seen)
        return form, 400

    return form_page(
        request,
        SummaryForm(posted(request), initial={"summary": conference.summary}),
        "meetings/pages/summary_review.html",
        save=lambda data: services.summary_review(
            actor=request.actor, conference=conference, text=data["summary"], keep=keep, seen=seen
        ),
        done=lambda saved: redirect("meetings:conference_detail", conference_id=conference.pk),
        context=shown,
        rescue=flagged,
        success=_("要約を確認し、出席者に共有しました。"),
    )


# --- Community issues -------------------------------------------------------------------------


@require_GET
@_mapped
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


@require_GET
@_mapped
def council_issues(request: TsunaguRequest) -> HttpResponse:
    """What the council sees: the de-identified text and the pipeline, never the sources."""
    issues = list(
        selectors.issue_list(actor=request.actor).prefetch_related(
            Prefetch("steps", queryset=IssueStep.objects.select_related("meeting", "meeting__body"))
        )
    )
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


@require_GET
@_mapped
def council_issues_pdf(request: TsunaguRequest) -> HttpResponse:
    """The council page as a handout (PDF): the same issues, each with its 提起日."""
    issues = list(
        selectors.issue_list(actor=request.actor).prefetch_related(
            Prefetch("steps", queryset=IssueStep.objects.select_related("meeting", "meeting__body"))
        )
    )
    today = timezone.localdate()
    html = render_to_string(
        "meetings/print/council_issues.html", {"issues": issues, "printed_on": today}
    )
    try:
        pdf = render_pdf(html)
    except PdfUnavailable:
        back = reverse("meetings:council_issues")
        return render(request, "plans/print/unavailable.html", {"back": back}, status=503)
    audit.record_read(
        request.actor,
        view="meetings.council_issues_pdf",
        person_ids=selectors.issue_persons(issues),
    )
    filename = f"協議会向けの地域課題_{today:%Y%m%d}.pdf"
    return download(pdf, filename=filename, content_type="application/pdf")


def _issue_create(
    request: TsunaguRequest,
    *,
    sources: list[str],
    case: Any = None,
    conference: CaseConference | None = None,
    back: str,
) -> HttpResponse:
    shown: dict[str, Any] = {"case": case, "conference": conference, "back": back, "review": None}
    keep, seen = deidentify.decisions_from(request.POST)

    def flagged(form: IssueForm, exc: TsunaguError) -> tuple[IssueForm, int] | None:
        if not isinstance(exc, deidentify.IdentifiersLeft):
            return None
        form.add_error(None, exc.message)
        data = form.cleaned_data
        texts = [
            (str(form.fields[name].label), data[name].strip(), by_field)
            for name in ("title", "description")
            if (by_field := [f for f in exc.flags if f.field == name])
        ]
        shown["review"] = deidentify.review(texts, keep, seen)
        return form, 400

    return form_page(
        request,
        IssueForm(posted(request), sources=sources, initial={"source": sources[0]}),
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
        rescue=flagged,
        success=_("地域課題を提起しました。"),
    )


@require_http_methods(["GET", "POST"])
@_mapped
def issue_create(request: TsunaguRequest) -> HttpResponse:
    if not request.actor.can_write:
        raise _refuse(
            request, None, "read-only membership", _("閲覧のみの権限では変更できません。")
        )
    return _issue_create(
        request,
        sources=[IssueSource.SURVEY, IssueSource.MEETING],
        back=reverse("meetings:issue_list"),
    )


@require_http_methods(["GET", "POST"])
@_mapped
def case_issue_create(request: TsunaguRequest, case_id: int) -> HttpResponse:
    case = access_case(request.actor, case_id, for_write=True)
    return _issue_create(
        request,
        sources=[IssueSource.CASE],
        case=case,
        back=reverse("meetings:conference_list", args=[case.pk]),
    )


@require_http_methods(["GET", "POST"])
@_mapped
def conference_issue_create(request: TsunaguRequest, conference_id: int) -> HttpResponse:
    conference = selectors.access_conference(request.actor, conference_id, for_write=True)
    return _issue_create(
        request,
        sources=[IssueSource.CONFERENCE],
        conference=conference,
        back=reverse("meetings:conference_detail", args=[conference.pk]),
    )


def _advance_form(request: TsunaguRequest, issue: Any, data: Any = None) -> AdvanceForm:
    return AdvanceForm(
        data,
        stages=sorted(ISSUE_TRANSITIONS[issue.stage]),
        meetings=selectors.meetings_visible_to(request.actor)
        .select_related("body")
        .order_by("-starts_at"),
        initial={"occurred_on": timezone.localdate()},
    )


def _issue_context(request: TsunaguRequest, issue: Any, form: AdvanceForm | None = None) -> Any:
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


@require_GET
@_mapped
def issue_detail(request: TsunaguRequest, issue_id: int) -> HttpResponse:
    issue = selectors.access_issue(request.actor, issue_id)
    audit.record_read(
        request.actor,
        view="meetings.issue_detail",
        target=issue,
        person_ids=selectors.issue_persons([issue]),
    )
    return render(request, "meetings/pages/issue_detail.html", _issue_context(request, issue))


@require_POST
@_mapped
def issue_advance(request: TsunaguRequest, issue_id: int) -> HttpResponse:
    issue = selectors.access_issue(request.actor, issue_id, for_write=True)
    form = _advance_form(request, issue, request.POST)
    return form_page(
        request,
        form,
        "meetings/pages/issue_detail.html",
        save=lambda data: services.issue_advance(actor=request.actor, issue=issue, **data),
        done=lambda saved: redirect("meetings:issue_detail", issue_id=issue.pk),
        context=lambda: _issue_context(request, issue, form),
        success=_("地域課題の経過を記録しました。"),
    )


# --- The network picture ----------------------------------------------------------------------


@require_GET
@_mapped
def network(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    if not selectors.is_oversight(actor):
        raise _refuse(
            request,
            None,
            "not core or city",
            _("ネットワークの図は基幹相談支援センターと市担当課が見られます。"),
        )
    current = selectors.current_fiscal_year()
    form = NetworkForm(request.GET or None, current=current)
    area = None
    year = current
    if form.is_valid():
        area = form.cleaned_data["area"]
        year = form.cleaned_data["year"] or current
    if area is None:
        area = Area.objects.filter(parent__isnull=True).order_by("sort_order", "code").first()
    before, now = selectors.network_picture(area_id=area.pk, year=year) if area else (None, None)
    return render(
        request,
        "meetings/pages/network.html",
        {
            "form": form,
            "area": area,
            "years": [
                (y, fiscal_year_label(y.year), network_svg.rings(y)) for y in (before, now) if y
            ],
            "now": now,
            "now_label": fiscal_year_label(year),
            "before_label": fiscal_year_label(year - 1),
            "layers": network_svg.layer_rows(before, now) if before and now else [],
        },
    )


# --- Resource developments (資源開発) -----------------------------------------------------------
# Screens of the log that used to live in the directory: a refusal answers the one refusal page
# and leaves the same access.denied row (target type "directory") as it did there.


def resource_developments_section(actor: Actor, resource: SocialResource) -> ResourceSection:
    """The developments of a resource, on its staff page in the directory (registered with
    `directory.sections` by MeetingsConfig.ready)."""
    return ResourceSection(
        template="meetings/partials/resource_developments.html",
        context={
            "developments": selectors.resource_developments(actor, resource),
            "can_see_issues": actor.organization_id is not None,
        },
    )


@require_GET
def development_list(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    developments = selectors.with_meeting_visibility(selectors.development_list(), actor)
    page = Paginator(developments, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/pages/development_list.html",
        {
            "page": page,
            "can_create": selectors.can_record_development(actor),
            "editable": {
                d.pk for d in page.object_list if selectors.can_edit_development(actor, d)
            },
            "can_see_issues": actor.organization_id is not None,
        },
    )


@require_http_methods(["GET", "POST"])
def development_create(request: TsunaguRequest) -> HttpResponse:
    back = reverse("meetings:development_list")
    if not selectors.can_record_development(request.actor):
        return refused(request, Forbidden(_("資源開発を記録する権限がありません。")), back)
    return _development_form(request, None, back)


@require_http_methods(["GET", "POST"])
def development_edit(request: TsunaguRequest, development_id: int) -> HttpResponse:
    try:
        development = selectors.development_detail(development_id)
    except NotFound:
        raise Http404 from None
    back = reverse("meetings:development_list")
    if not selectors.can_edit_development(request.actor, development):
        return refused(
            request, Forbidden(_("この資源開発の記録を編集する権限がありません。")), back
        )
    return _development_form(request, development, back)


def _development_form(
    request: TsunaguRequest, development: ResourceDevelopment | None, back: str
) -> HttpResponse:
    initial: dict[str, Any] = {"version": development.version} if development else {}
    issue = request.GET.get("community_issue", "")
    if development is None and issue.isdigit():
        # From a community issue's page: that issue preselected (the choices are still only
        # the issues the form offers the actor).
        initial["community_issue"] = int(issue)
    form = DevelopmentForm(
        posted(request), instance=development, initial=initial, actor=request.actor
    )

    def save(data: dict[str, Any]) -> ResourceDevelopment:
        changes = {k: v for k, v in data.items() if k != "version"}
        if development is None:
            return services.development_create(actor=request.actor, data=changes)
        return services.development_update(
            actor=request.actor,
            development=development,
            expected_version=data.get("version") or development.version,
            changes=changes,
        )

    return form_page(
        request,
        form,
        "meetings/pages/development_form.html",
        save=recorded(request, save),
        done=lambda saved: redirect("meetings:development_list"),
        context={"development": development},
        back=back,
        success=_("資源開発を記録しました。"),
    )


@require_GET
def development_export(request: TsunaguRequest) -> HttpResponse:
    developments = list(
        selectors.with_meeting_visibility(selectors.development_list(), request.actor)
    )

    def meeting_cell(d: ResourceDevelopment) -> str:
        if d.meeting is None:
            return ""
        if not getattr(d, "meeting_visible", False):
            return _("（閲覧できない会議）")
        day = wareki(timezone.localtime(d.meeting.starts_at).date())
        return f"{day} {d.meeting.body.name}"

    audit.record(
        action="directory.developments_exported",
        actor=request.actor,
        target_type=DEVELOPMENT_TARGET_TYPE,
        detail={"rows": len(developments)},
    )
    return csv_response(
        filename=f"resource-developments-{timezone.localdate():%Y%m%d}.csv",
        header=[
            _("実現した日"),
            _("実現した日（和暦）"),
            _("種類"),
            _("変わったこと"),
            _("詳しい内容"),
            _("誰のために"),
            _("関係する社会資源"),
            _("地域"),
            _("きっかけ"),
            _("もとの地域課題"),
            _("きっかけの会議（日付・会議体）"),
            _("記録者の所属"),
        ],
        rows=(
            [
                d.occurred_on.isoformat(),
                wareki(d.occurred_on),
                d.get_kind_display(),
                d.title,
                d.description,
                d.beneficiaries,
                d.resource.name if d.resource else "",
                d.area.name if d.area else "",
                d.source_note,
                d.community_issue.title if d.community_issue else "",
                meeting_cell(d),
                d.recorded_by_organization.name,
            ]
            for d in developments
        ),
    )


# --- The council's report pack (協議会の報告資料) -----------------------------------------


@require_GET
@_mapped
def council_pack_start(request: TsunaguRequest) -> HttpResponse:
    """The pack of the council the actor may read (the first, when a city has several)."""
    council = council_pack.councils_visible_to(request.actor).order_by("name", "pk").first()
    if council is None:
        audit.record_denial(
            request.actor, target_type="meetings.meetingbody", reason="no council to read"
        )
        raise NotFound("見つかりません。")
    return redirect("meetings:council_pack", body_id=council.pk)


def _pack_year(body: MeetingBody, form: CouncilPackForm) -> int:
    """The year asked for, or Invalid with the form's own message (a 400 page, never another
    year's pack)."""
    if form.is_bound and not form.is_valid():
        raise Invalid(str(next(iter(form.errors.values()))[0]))
    return council_pack.pack_year(
        body, form.cleaned_data.get("fiscal_year") if form.is_bound else None
    )


def _pack_refused(
    request: TsunaguRequest, body: MeetingBody, form: CouncilPackForm, exc: Invalid
) -> HttpResponse:
    if not form.errors:
        form.add_error("fiscal_year", exc.message)
    return render(
        request,
        "meetings/pages/council_pack.html",
        {"body": body, "form": form, "body_linkable": _body_linkable(request.actor, body)},
        status=400,
    )


def _body_linkable(actor: Actor, body: MeetingBody) -> bool:
    """A member user of the council whose organization is not a member cannot open the
    body's page: the pack names it without a link."""
    return selectors.bodies_visible_to(actor).filter(pk=body.pk).exists()


@require_GET
@_mapped
def council_pack_view(request: TsunaguRequest, body_id: int) -> HttpResponse:
    actor = request.actor
    body = council_pack.access_council(actor, body_id)
    form = CouncilPackForm(request.GET or None, years=council_pack.pack_years(body))
    try:
        year = _pack_year(body, form)
    except Invalid as exc:
        return _pack_refused(request, body, form, exc)
    form.initial.setdefault("fiscal_year", year)  # the year shown is the year selected
    pack = council_pack.council_pack(actor, body, year=year)
    audit.record_read(
        actor,
        view="meetings.council_pack",
        person_ids=pack.person_ids,
        target=body,
        filters={"fiscal_year": year},
    )
    return render(
        request,
        "meetings/pages/council_pack.html",
        {
            "body": body,
            "body_linkable": _body_linkable(actor, body),
            "form": form,
            "pack": pack,
            "suppression_note": council_pack.suppression_note(),
            "withheld_text": council_pack.withheld_text(),
        },
    )


def _pack_document(request: TsunaguRequest, body_id: int, fmt: str) -> HttpResponse:
    actor = request.actor
    body = council_pack.access_council(actor, body_id)
    form = CouncilPackForm(request.GET or None, years=council_pack.pack_years(body))
    try:
        year = _pack_year(body, form)
    except Invalid as exc:
        return _pack_refused(request, body, form, exc)
    # The documents are made for the council: small cells are hidden whoever downloads them.
    pack = council_pack.council_pack(actor, body, year=year, exact=False)
    stem = f"council-report-{body.pk}-FY{year}"
    if fmt == "docx":
        content = council_pack.pack_docx(pack)
        content_type = council_pack.DOCX_TYPE
    else:
        html = render_to_string(
            "meetings/print/council_pack.html",
            {
                "pack": pack,
                "printed_on": timezone.localdate(),
                "suppression_note": council_pack.suppression_note(),
                "withheld_text": council_pack.withheld_text(),
            },
        )
        try:
            content = render_pdf(html, css=council_pack.PRINT_CSS)
        except PdfUnavailable:
            back = reverse("meetings:council_pack", args=[body.pk]) + f"?fiscal_year={year}"
            return render(request, "plans/print/unavailable.html", {"back": back}, status=503)
        content_type = "application/pdf"
    audit.record_read(
        actor,
        view=f"meetings.council_pack_{fmt}",
        person_ids=pack.person_ids,
        target=body,
        filters={"fiscal_year": year},
    )
    audit.record(
        action=council_pack.ACTION_PACK_DOWNLOADED,
        actor=actor,
        target=body,
        detail={"fiscal_year": year, "format": fmt},
    )
    return download(content, filename=f"{stem}.{fmt}", content_type=content_type)


@require_GET
@_mapped
def council_pack_docx(request: TsunaguRequest, body_id: int) -> HttpResponse:
    return _pack_document(request, body_id, "docx")


@require_GET
@_mapped
def council_pack_pdf(request: TsunaguRequest, body_id: int) -> HttpResponse:
    return _pack_document(request, body_id, "pdf")
