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
