from __future__ import annotations

from django.urls import path

from tsunagu.meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.body_list, name="body_list"),
    path("bodies/new/", views.body_create, name="body_create"),
    path("conferences/start/", views.conference_start, name="conference_start"),
    path("bodies/<int:body_id>/", views.body_detail, name="body_detail"),
    path("bodies/<int:body_id>/meetings.ics", views.body_ics, name="body_ics"),
    path("bodies/<int:body_id>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("council-pack/", views.council_pack_start, name="council_pack_start"),
    path("bodies/<int:body_id>/council-pack/", views.council_pack_view, name="council_pack"),
    path(
        "bodies/<int:body_id>/council-pack/report.docx",
        views.council_pack_docx,
        name="council_pack_docx",
    ),
    path(
        "bodies/<int:body_id>/council-pack/report.pdf",
        views.council_pack_pdf,
        name="council_pack_pdf",
    ),
    path("calendar/", views.calendar, name="calendar"),
    path("compliance/", views.compliance, name="compliance"),
    path("<int:meeting_id>/", views.meeting_detail, name="meeting_detail"),
    path("<int:meeting_id>/meeting.ics", views.meeting_ics, name="meeting_ics"),
    path("<int:meeting_id>/record/", views.meeting_record, name="meeting_record"),
    path("<int:meeting_id>/actions/", views.action_add, name="action_add"),
    path(
        "attachments/<int:attachment_id>/",
        views.meeting_attachment_download,
        name="attachment_download",
    ),
    path(
        "attachments/<int:attachment_id>/delete/",
        views.meeting_attachment_delete,
        name="attachment_delete",
    ),
    path("actions/<int:item_id>/take/", views.action_take, name="action_take"),
    path("cases/<int:case_id>/conferences/", views.conference_list, name="conference_list"),
    path(
        "cases/<int:case_id>/conferences/new/",
        views.conference_create,
        name="conference_create",
    ),
    path("conferences/<int:conference_id>/", views.conference_detail, name="conference_detail"),
    path(
        "conferences/<int:conference_id>/record/",
        views.conference_record,
        name="conference_record",
    ),
    path(
        "conferences/<int:conference_id>/attendees/",
        views.attendee_add,
        name="attendee_add",
    ),
    path("attendees/<int:attendee_id>/pledge/", views.attendee_pledge, name="attendee_pledge"),
    path(
        "conferences/<int:conference_id>/summary/generate/",
        views.summary_generate,
        name="summary_generate",
    ),
    path(
        "conferences/<int:conference_id>/summary/",
        views.summary_review,
        name="summary_review",
    ),
    path("issues/", views.issue_list, name="issue_list"),
    path("issues/new/", views.issue_create, name="issue_create"),
    path("issues/council/", views.council_issues, name="council_issues"),
    path("issues/council/pdf/", views.council_issues_pdf, name="council_issues_pdf"),
    path("issues/<int:issue_id>/", views.issue_detail, name="issue_detail"),
    path("issues/<int:issue_id>/advance/", views.issue_advance, name="issue_advance"),
    path("cases/<int:case_id>/issues/new/", views.case_issue_create, name="case_issue_create"),
    path(
        "conferences/<int:conference_id>/issues/new/",
        views.conference_issue_create,
        name="conference_issue_create",
    ),
    path("network/", views.network, name="network"),
    path("developments/", views.development_list, name="development_list"),
    path("developments/new/", views.development_create, name="development_create"),
    path(
        "developments/<int:development_id>/edit/",
        views.development_edit,
        name="development_edit",
    ),
    path("developments/export.csv", views.development_export, name="development_export"),
]
