from __future__ import annotations

from django.urls import path

from tsunagu.grouphomes import views

app_name = "grouphomes"

urlpatterns = [
    path("", views.evaluation_list, name="evaluation_list"),
    path("overdue/", views.overdue_list, name="overdue_list"),
    path("new/", views.evaluation_create, name="evaluation_create"),
    path("homes/", views.home_list, name="home_list"),
    path("homes/new/", views.home_create, name="home_create"),
    path("homes/<int:home_id>/edit/", views.home_edit, name="home_edit"),
    path("<int:evaluation_id>/", views.evaluation_detail, name="evaluation_detail"),
    path("<int:evaluation_id>/visit/", views.visit, name="visit"),
    path("<int:evaluation_id>/self-evaluation/", views.self_evaluation, name="self_evaluation"),
    path("<int:evaluation_id>/qa/", views.qa, name="qa"),
    path("<int:evaluation_id>/report/", views.report, name="report"),
    path("<int:evaluation_id>/publish/", views.publish, name="publish"),
    path("<int:evaluation_id>/report.pdf", views.report_pdf, name="report_pdf"),
    path("<int:evaluation_id>/report.docx", views.report_docx, name="report_docx"),
]
