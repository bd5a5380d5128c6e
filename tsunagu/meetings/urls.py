from __future__ import annotations

from django.urls import path

from tsunagu.meetings.views import bodies, conferences, council, developments, issues

app_name = "meetings"

urlpatterns = [
    path("", bodies.body_list, name="body_list"),
    path("bodies/new/", bodies.body_create, name="body_create"),
    path("conferences/start/", bodies.conference_start, name="conference_start"),
    path("bodies/<int:body_id>/", bodies.body_detail, name="body_detail"),
    path("bodies/<int:body_id>/meetings.ics", bodies.body_ics, name="body_ics"),
    path("bodies/<int:body_id>/meetings/new/", bodies.meeting_create, name="meeting_create"),
    path("council-pack/", council.council_pack_start, name="council_pack_start"),
    path("bodies/<int:body_id>/council-pack/", council.council_pack_view, name="council_pack"),
    path(
        "bodies/<int:body_id>/council-pack/report.docx",
        council.council_pack_docx,
        name="council_pack_docx",
    ),
    path(
        "bodies/<int:body_id>/council-pack/report.pdf",
        council.council_pack_pdf,
        name="council_pack_pdf",
    ),
    path("calendar/", bodies.calendar, name="calendar"),
    path("compliance/", bodies.compliance, name="compliance"),
    path("<int:meeting_id>/", bodies.meeting_detail, name="meeting_detail"),
    path("<int:meeting_id>/meeting.ics", bodies.meeting_ics, name="meeting_ics"),
    path("<int:meeting_id>/record/", bodies.meeting_record, name="meeting_record"),
    path("<int:meeting_id>/actions/", bodies.action_add, name="action_add"),
    path(
        "attachments/<int:attachment_id>/",
        bodies.meeting_attachment_download,
        name="attachment_download",
    ),
    path(
        "attachments/<int:attachment_id>/delete/",
        bodies.meeting_attachment_delete,
        name="attachment_delete",
    ),
    path("actions/<int:item_id>/take/", bodies.action_take, name="action_take"),
    path("cases/<int:case_id>/conferences/", conferences.conference_list, name="conference_list"),
    path(
        "cases/<int:case_id>/conferences/new/",
        conferences.conference_create,
        name="conference_create",
    ),
    path(
        "conferences/<int:conference_id>/", conferences.conference_detail, name="conference_detail"
    ),
    path(
        "conferences/<int:conference_id>/record/",
        conferences.conference_record,
        name="conference_record",
    ),
    path(
        "conferences/<int:conference_id>/attendees/",
        conferences.attendee_add,
        name="attendee_add",
    ),
    path(
        "attendees/<int:attendee_id>/pledge/", conferences.attendee_pledge, name="attendee_pledge"
    ),
    path(
        "conferences/<int:conference_id>/summary/generate/",
        conferences.summary_generate,
        name="summary_generate",
    ),
    path(
        "conferences/<int:conference_id>/summary/",
        conferences.summary_review,
        name="summary_review",
    ),
    path("issues/", issues.issue_list, name="issue_list"),
    path("issues/new/", issues.issue_create, name="issue_create"),
    path("issues/council/", issues.council_issues, name="council_issues"),
    path("issues/council/pdf/", issues.council_issues_pdf, name="council_issues_pdf"),
    path("issues/<int:issue_id>/", issues.issue_detail, name="issue_detail"),
    path("issues/<int:issue_id>/advance/", issues.issue_advance, name="issue_advance"),
    path("cases/<int:case_id>/issues/new/", issues.case_issue_create, name="case_issue_create"),
    path(
        "conferences/<int:conference_id>/issues/new/",
        issues.conference_issue_create,
        name="conference_issue_create",
    ),
    path("network/", bodies.network, name="network"),
    path("developments/", developments.development_list, name="development_list"),
    path("developments/new/", developments.development_create, name="development_create"),
    path(
        "developments/<int:development_id>/edit/",
        developments.development_edit,
        name="development_edit",
    ),
    path("developments/export.csv", developments.development_export, name="development_export"),
]
