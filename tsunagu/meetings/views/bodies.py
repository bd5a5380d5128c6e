"""Meeting bodies, their meetings (minutes, attachments, action items), the year's calendar
and compliance, the .ics files, and the network picture."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tsunagu.cases.access import access_case
from tsunagu.cases.selectors import case_list
from tsunagu.core.dates import fiscal_year_label
from tsunagu.core.http import TsunaguRequest, download, stored_download
from tsunagu.core.lists import list_screen
from tsunagu.core.screens import action, form_page, posted, screen
from tsunagu.meetings import forms, ics, network_svg, selectors, services
from tsunagu.meetings.lists import BodyFilter, BodyTable
from tsunagu.meetings.models import Meeting, MeetingBody
from tsunagu.meetings.views.base import require, year_of
from tsunagu.organizations.models import Organization

NOT_OVERSIGHT = "not core or city"
NOT_SECRETARIAT = "not the secretariat"


def _ics(content: bytes, filename: str) -> HttpResponse:
    return download(content, filename=filename, content_type="text/calendar; charset=utf-8")


def _body_organizations(body: MeetingBody) -> QuerySet[Organization]:
    ids = [o.pk for o in body.member_organizations.all()] + [o.pk for o in body.secretariats.all()]
    return Organization.objects.filter(pk__in=ids).order_by("kind", "name_kana", "name")


# --- Bodies, calendar, compliance -------------------------------------------------------------


@screen("GET")
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


@screen("GET")
def conference_start(request: TsunaguRequest) -> HttpResponse:
    """The case chosen on the meetings page → its case conferences (404 if not visible)."""
    case = access_case(request.actor, request.GET.get("case", ""), audit_read=False)
    return redirect("meetings:conference_list", case_id=case.pk)


@screen("GET", "POST")
def body_create(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    allowed = actor.can_write and selectors.is_oversight(actor)
    message = _("会議体は基幹相談支援センターまたは市担当課が登録します。")
    require(request, allowed, NOT_OVERSIGHT, message)
    return form_page(
        request,
        forms.BodyForm(posted(request), parents=selectors.body_list(actor=actor)),
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


@screen("GET")
def body_detail(request: TsunaguRequest, body_id: int) -> HttpResponse:
    actor = request.actor
    body = selectors.access_body(actor, body_id)
    shown = year_of(request)
    shown |= {
        "body": body,
        "meetings": selectors.meetings_of_year(actor=actor, year=shown["year"], body=body),
        "is_secretariat": actor.can_write and selectors.is_secretariat(actor, body),
    }
    return render(request, "meetings/pages/body_detail.html", shown)


@screen("GET")
def body_ics(request: TsunaguRequest, body_id: int) -> HttpResponse:
    body = selectors.access_body(request.actor, body_id)
    year = year_of(request)["year"]
    meetings = selectors.meetings_of_year(actor=request.actor, year=year, body=body)
    name = f"{body.name} {fiscal_year_label(year)}"
    return _ics(ics.calendar_of(meetings, name=name), f"meetings-{body.pk}-{year}.ics")


@screen("GET")
def calendar(request: TsunaguRequest) -> HttpResponse:
    shown = year_of(request)
    shown["months"] = selectors.calendar(actor=request.actor, year=shown["year"])
    return render(request, "meetings/pages/calendar.html", shown)


@screen("GET")
def compliance(request: TsunaguRequest) -> HttpResponse:
    shown = year_of(request)
    rows = selectors.compliance(actor=request.actor, year=shown["year"])
    shown |= {"rows": rows, "short_count": sum(1 for r in rows if r.is_short)}
    return render(request, "meetings/pages/compliance.html", shown)


# --- Meetings ---------------------------------------------------------------------------------


@screen("GET", "POST")
def meeting_create(request: TsunaguRequest, body_id: int) -> HttpResponse:
    actor = request.actor
    body = selectors.access_body(actor, body_id, for_write=True)
    message = _("この会議体の事務局だけが会議を登録できます。")
    require(request, selectors.is_secretariat(actor, body), NOT_SECRETARIAT, message, body)
    return form_page(
        request,
        forms.MeetingForm(posted(request), initial={"title": body.name}),
        "meetings/pages/meeting_form.html",
        save=lambda data: services.meeting_create(actor=actor, body=body, data=data),
        done=lambda meeting: redirect("meetings:meeting_detail", meeting_id=meeting.pk),
        context={"body": body},
        success=_("会議を登録しました。"),
    )


def _meeting_context(
    request: TsunaguRequest, meeting: Meeting, action_form: forms.ActionItemForm | None = None
) -> dict[str, Any]:
    actor = request.actor
    return {
        "meeting": meeting,
        "body": meeting.body,
        "is_secretariat": actor.can_write and selectors.is_secretariat(actor, meeting.body),
        "acting_organization_id": actor.organization_id,
        "can_write": actor.can_write,
        "action_form": action_form
        or forms.ActionItemForm(organizations=_body_organizations(meeting.body)),
    }


@screen("GET")
def meeting_detail(request: TsunaguRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.access_meeting(request.actor, meeting_id)
    return render(request, "meetings/pages/meeting_detail.html", _meeting_context(request, meeting))


@screen("GET")
def meeting_ics(request: TsunaguRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.access_meeting(request.actor, meeting_id)
    return _ics(ics.calendar_of([meeting], name=meeting.body.name), f"meeting-{meeting.pk}.ics")


@screen("GET", "POST")
def meeting_record(request: TsunaguRequest, meeting_id: int) -> HttpResponse:
    actor = request.actor
    meeting = selectors.access_meeting(actor, meeting_id, for_write=True)
    allowed = selectors.is_secretariat(actor, meeting.body)
    message = _("この会議体の事務局だけが議事録を書けます。")
    require(request, allowed, NOT_SECRETARIAT, message, meeting)
    initial = {name: getattr(meeting, name) for name in services.RECORD_FIELDS} | {
        "version": meeting.version,
        "attendees": list(meeting.attendee_organizations.all()),
    }
    return form_page(
        request,
        forms.MeetingRecordForm(
            posted(request),
            request.FILES or None,
            organizations=_body_organizations(meeting.body),
            initial=initial,
        ),
        "meetings/pages/meeting_record.html",
        save=lambda data: services.meeting_record(
            actor=actor,
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


@screen("GET")
def meeting_attachment_download(request: TsunaguRequest, attachment_id: int) -> FileResponse:
    """As records' attachment download: 404 (audited) unless the meeting is visible; each
    download audited."""
    attachment = selectors.access_meeting_attachment(request.actor, attachment_id)
    response = stored_download(attachment)
    selectors.record_meeting_attachment_downloaded(request.actor, attachment)
    return response


@screen("POST")
def meeting_attachment_delete(request: TsunaguRequest, attachment_id: int) -> HttpResponse:
    attachment = selectors.access_meeting_attachment(request.actor, attachment_id, for_write=True)
    return action(
        request,
        lambda: services.meeting_attachment_delete(actor=request.actor, attachment=attachment),
        to=reverse("meetings:meeting_detail", args=[attachment.meeting_id]),
        success=_("添付ファイル「%(name)s」を削除しました。") % {"name": attachment.original_name},
    )


@screen("POST")
def action_add(request: TsunaguRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.access_meeting(request.actor, meeting_id, for_write=True)
    form = forms.ActionItemForm(request.POST, organizations=_body_organizations(meeting.body))
    return form_page(
        request,
        form,
        "meetings/pages/meeting_detail.html",
        save=lambda data: services.action_item_add(actor=request.actor, meeting=meeting, **data),
        done=lambda saved: redirect("meetings:meeting_detail", meeting_id=meeting.pk),
        context=lambda: _meeting_context(request, meeting, action_form=form),
        form_name="action_form",
        success=lambda item: (
            _("アクションを追加し、タスクにしました。")
            if item.task_id
            else _("アクションを追加しました。担当機関の職員が「タスクにする」で引き受けます。")
        ),
    )


@screen("POST")
def action_take(request: TsunaguRequest, item_id: int) -> HttpResponse:
    item = selectors.access_action_item(request.actor, item_id)
    return action(
        request,
        lambda: services.action_item_take(actor=request.actor, item=item),
        to=reverse("meetings:meeting_detail", args=[item.meeting_id]),
        success=_("タスクにしました。"),
    )


# --- The network picture ----------------------------------------------------------------------


@screen("GET")
def network(request: TsunaguRequest) -> HttpResponse:
    message = _("ネットワークの図は基幹相談支援センターと市担当課が見られます。")
    require(request, selectors.is_oversight(request.actor), NOT_OVERSIGHT, message)
    form = forms.NetworkForm(request.GET or None, current=selectors.current_fiscal_year())
    area, year = form.chosen()
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
