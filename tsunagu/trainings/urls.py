from __future__ import annotations

from django.urls import path

from tsunagu.trainings import views

app_name = "trainings"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("new/", views.event_create, name="event_create"),
    path("<int:event_id>/", views.event_detail, name="event_detail"),
    path("<int:event_id>/edit/", views.event_edit, name="event_edit"),
    path("<int:event_id>/register/", views.registration_create, name="registration_create"),
    path("<int:event_id>/attendance/", views.attendance, name="attendance"),
    path("<int:event_id>/certificates/", views.certificates_issue, name="certificates_issue"),
    path("<int:event_id>/attendance/import/", views.attendance_import, name="attendance_import"),
    path(
        "<int:event_id>/registrations.csv",
        views.registrations_export,
        name="registrations_export",
    ),
    path("<int:event_id>/questionnaire/", views.questionnaire_answer, name="questionnaire"),
    path(
        "<int:event_id>/questionnaire/results/",
        views.questionnaire_results,
        name="questionnaire_results",
    ),
    path("<int:event_id>/materials/", views.materials_add, name="materials_add"),
    path("materials/<int:material_id>/", views.material_download, name="material_download"),
    path("materials/<int:material_id>/delete/", views.material_delete, name="material_delete"),
    path(
        "registrations/<int:registration_id>/cancel/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path(
        "registrations/<int:registration_id>/certificate.pdf",
        views.certificate,
        name="certificate",
    ),
]
