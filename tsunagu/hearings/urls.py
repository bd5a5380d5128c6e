from __future__ import annotations

from django.urls import path

from tsunagu.hearings import views

app_name = "hearings"

urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("new/", views.round_create, name="round_create"),
    path("<int:round_id>/", views.round_detail, name="round_detail"),
    path("<int:round_id>/edit/", views.round_edit, name="round_edit"),
    path("<int:round_id>/hearings/new/", views.hearing_create, name="hearing_create"),
    path("<int:round_id>/findings/new/", views.finding_create, name="finding_create"),
    path("<int:round_id>/results/", views.results, name="results"),
    path("<int:round_id>/directions/new/", views.direction_create, name="direction_create"),
    path("hearings/<int:hearing_id>/", views.hearing_detail, name="hearing_detail"),
    path("hearings/<int:hearing_id>/edit/", views.hearing_edit, name="hearing_edit"),
    path("hearings/<int:hearing_id>/status/", views.hearing_status, name="hearing_status"),
    path("hearings/<int:hearing_id>/share/", views.hearing_share, name="hearing_share"),
    path("hearings/<int:hearing_id>/notes/", views.notes, name="notes"),
    path("hearings/<int:hearing_id>/notes/edit/", views.notes_edit, name="notes_edit"),
    path("directions/<int:direction_id>/adopt/", views.direction_adopt, name="direction_adopt"),
    path("directions/<int:direction_id>/issue/", views.direction_issue, name="direction_issue"),
    path(
        "directions/<int:direction_id>/development/",
        views.direction_development,
        name="direction_development",
    ),
]
