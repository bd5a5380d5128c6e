"""Case conferences of a case: the record, the attendees and their pledges, and the
de-identified summary a case study session shares."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.cases.access import access_case
from tsunagu.cases.models import CaseConference, ConferenceAttendee, ConferenceKind
from tsunagu.core.errors import Invalid
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.screens import action, form_page, posted, screen
from tsunagu.meetings import deidentify, forms, selectors, services
from tsunagu.meetings.views.base import flagged_for_review, require


def _to_conference(conference_id: int) -> HttpResponse:
    return redirect("meetings:conference_detail", conference_id=conference_id)


@screen("GET")
def conference_list(request: TsunaguRequest, case_id: int) -> HttpResponse:
    case = access_case(request.actor, case_id)
    return render(
        request,
        "meetings/pages/conference_list.html",
        {
            "case": case,
            "conferences": selectors.conference_list(actor=request.actor, case_id=case.pk),
            "can_write": request.actor.can_write,
        },
    )


@screen("GET", "POST")
def conference_create(request: TsunaguRequest, case_id: int) -> HttpResponse:
    case = access_case(request.actor, case_id, for_write=True)
    initial: dict[str, Any] = {"held_at": timezone.localtime()}
    # Prefilled from the team screen, which offers to record the support meeting that a
    # support-meeting basis needs (社会福祉法106条の6).
    if request.GET.get("kind") in ConferenceKind.values:
        initial["kind"] = request.GET["kind"]
    bodies = selectors.body_list(actor=request.actor)
    return form_page(
        request,
        forms.ConferenceForm(posted(request), bodies=bodies, initial=initial),
        "meetings/pages/conference_form.html",
        save=lambda data: services.conference_create(actor=request.actor, case=case, data=data),
        done=lambda made: _to_conference(made.pk),
        context={"case": case},
        success=_("ケース会議を登録しました。"),
    )


def _conference_context(
    request: TsunaguRequest,
    conference: CaseConference,
    attendee_form: forms.AttendeeForm | None = None,
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
        "attendee_form": attendee_form or forms.AttendeeForm(),
        "pledge_form": forms.PledgeForm(),
        "is_statutory": conference.kind == ConferenceKind.STATUTORY_SUPPORT_MEETING,
    }


@screen("GET")
def conference_detail(request: TsunaguRequest, conference_id: int) -> HttpResponse:
    conference = selectors.access_conference(request.actor, conference_id)
    context = _conference_context(request, conference)
    return render(request, "meetings/pages/conference_detail.html", context)


@screen("GET", "POST")
def conference_record(request: TsunaguRequest, conference_id: int) -> HttpResponse:
    conference = selectors.access_conference(request.actor, conference_id, for_write=True)
    initial = {name: getattr(conference, name) for name in services.CONFERENCE_RECORD_FIELDS}
    return form_page(
        request,
        forms.ConferenceRecordForm(posted(request), initial=initial),
        "meetings/pages/conference_record.html",
        save=lambda data: services.conference_record(
            actor=request.actor, conference=conference, data=data
        ),
        done=lambda saved: _to_conference(conference.pk),
        context={"conference": conference},
        success=_("ケース会議の記録を保存しました。"),
    )


@screen("POST")
def attendee_add(request: TsunaguRequest, conference_id: int) -> HttpResponse:
    conference = selectors.access_conference(request.actor, conference_id, for_write=True)
    form = forms.AttendeeForm(request.POST)
    return form_page(
        request,
        form,
        "meetings/pages/conference_detail.html",
        save=lambda data: services.attendee_add(actor=request.actor, conference=conference, **data),
        done=lambda saved: _to_conference(conference.pk),
        context=lambda: _conference_context(request, conference, attendee_form=form),
        form_name="attendee_form",
        success=_("出席者を追加しました。"),
        conflict_status=400,
    )


@screen("POST")
def attendee_pledge(request: TsunaguRequest, attendee_id: int) -> HttpResponse:
    attendee = selectors.access_attendee(request.actor, attendee_id)
    form = forms.PledgeForm(request.POST)
    back = reverse("meetings:conference_detail", args=[attendee.conference_id])

    def pledge() -> ConferenceAttendee:
        if not form.is_valid():
            raise Invalid(_("誓約した人の氏名を書いてください。"))
        return services.attendee_pledge(actor=request.actor, attendee=attendee, **form.cleaned_data)

    return action(request, pledge, to=back, success=_("守秘義務の誓約を記録しました。"))


@screen("POST")
def summary_generate(request: TsunaguRequest, conference_id: int) -> HttpResponse:
    conference = selectors.access_conference(request.actor, conference_id, for_write=True)
    return action(
        request,
        lambda: services.summary_generate(actor=request.actor, conference=conference),
        to=reverse("meetings:summary_review", args=[conference.pk]),
        failed_to=reverse("meetings:conference_detail", args=[conference.pk]),
        success=_("ケースから要約の下書きを作りました。確認して共有してください。"),
    )


@screen("GET", "POST")
def summary_review(request: TsunaguRequest, conference_id: int) -> HttpResponse:
    conference = selectors.access_conference(request.actor, conference_id, for_write=True)
    allowed = conference.created_by_id == request.user.pk and conference.is_study_session
    message = _("要約は事例検討会の事例提供者（作成者）が確認します。")
    require(request, allowed, "not the author", message, conference)
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
    return form_page(
        request,
        forms.SummaryForm(posted(request), initial={"summary": conference.summary}),
        "meetings/pages/summary_review.html",
        save=lambda data: services.summary_review(
            actor=request.actor, conference=conference, text=data["summary"], keep=keep, seen=seen
        ),
        done=lambda saved: _to_conference(conference.pk),
        context=shown,
        rescue=flagged_for_review(shown, keep, seen, {"summary": _("要約")}),
        success=_("要約を確認し、出席者に共有しました。"),
    )
