from __future__ import annotations

from django.urls import path

from tsunagu.records import views

app_name = "records"

urlpatterns = [
    path("cases/<int:case_id>/notes/", views.case_notes, name="case_notes"),
    path("cases/<int:case_id>/notes/new/", views.note_create, name="note_create"),
    path("notes/<int:note_id>/next-contact/", views.note_next_contact, name="note_next_contact"),
    path("templates/", views.note_templates, name="note_templates"),
    path("templates/new/", views.note_template_create, name="note_template_create"),
    path(
        "templates/<int:template_id>/edit/",
        views.note_template_edit,
        name="note_template_edit",
    ),
    path(
        "templates/<int:template_id>/active/",
        views.note_template_active,
        name="note_template_active",
    ),
    path("households/<int:household_id>/notes/", views.household_notes, name="household_notes"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment_download"),
    path("cases/<int:case_id>/formulations/", views.formulation_list, name="formulation_list"),
    path(
        "cases/<int:case_id>/formulations/new/",
        views.formulation_create,
        name="formulation_create",
    ),
    path("cases/<int:case_id>/board/", views.board, name="board"),
    path(
        "board-attachments/<int:attachment_id>/",
        views.board_attachment_download,
        name="board_attachment_download",
    ),
]
