from __future__ import annotations

from django.urls import path

from tsunagu.plainplans import views

app_name = "plainplans"

urlpatterns = [
    path("cases/<int:case_id>/", views.case_plain_plans, name="case"),
    path("cases/<int:case_id>/new/", views.plain_plan_start, name="start"),
    path("<int:plain_plan_id>/", views.plain_plan_detail, name="detail"),
    path("<int:plain_plan_id>/edit/", views.plain_plan_edit, name="edit"),
    path("<int:plain_plan_id>/preview/", views.plain_plan_preview, name="preview"),
    path("<int:plain_plan_id>/release/", views.plain_plan_release, name="release"),
]
