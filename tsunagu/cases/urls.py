from __future__ import annotations

from django.urls import path

from tsunagu.cases import import_views, views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:case_id>/", views.case_detail, name="case_detail"),
    path("<int:case_id>/edit/", views.case_edit, name="case_edit"),
    path("<int:case_id>/status/", views.case_transition, name="case_transition"),
    path("<int:case_id>/reopen/", views.case_reopen, name="case_reopen"),
    path("<int:case_id>/team/new/", views.team_add, name="team_add"),
    path("<int:case_id>/team/new/workers/", views.team_workers, name="team_workers"),
    path("<int:case_id>/team/<int:member_id>/leave/", views.team_leave, name="team_leave"),
    path("consultations/", views.consultation_list, name="consultation_list"),
    path("consultations/new/", views.consultation_create, name="consultation_create"),
    path(
        "consultations/import/",
        import_views.consultations_import_page,
        name="consultation_import",
    ),
    path(
        "consultations/new/choices/",
        views.consultation_subject_choices,
        name="consultation_subject_choices",
    ),
    path(
        "consultations/<int:consultation_id>/",
        views.consultation_detail,
        name="consultation_detail",
    ),
    path(
        "consultations/<int:consultation_id>/open-case/",
        views.consultation_open_case,
        name="consultation_open_case",
    ),
    path(
        "consultations/<int:consultation_id>/person/",
        views.consultation_link_person,
        name="consultation_link_person",
    ),
    path("break-glass/", views.break_glass_list, name="break_glass_list"),
    path("break-glass/new/", views.break_glass_new, name="break_glass_new"),
    path(
        "break-glass/<int:access_id>/review/",
        views.break_glass_review,
        name="break_glass_review",
    ),
    path("review/emergency/<int:member_id>/", views.emergency_review, name="emergency_review"),
    path(
        "review/emergency/<int:member_id>/convert/",
        views.emergency_convert,
        name="emergency_convert",
    ),
    path("review/emergency/<int:member_id>/end/", views.emergency_end, name="emergency_end"),
    path(
        "review/emergency/<int:member_id>/reviewed/",
        views.emergency_reviewed,
        name="emergency_reviewed",
    ),
    path(
        "people/<int:person_id>/access-log/",
        views.person_access_log,
        name="person_access_log",
    ),
]
