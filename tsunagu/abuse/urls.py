from __future__ import annotations

from django.urls import path

from tsunagu.abuse import views

app_name = "abuse"

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("new/", views.report_create, name="report_create"),
    path("survey/", views.survey, name="survey"),
    path("survey/export/", views.survey_export, name="survey_export"),
    path("<int:report_id>/", views.report_detail, name="report_detail"),
    path("<int:report_id>/team/", views.report_team, name="report_team"),
    path("<int:report_id>/fact-finding/", views.fact_finding, name="fact_finding"),
    path("<int:report_id>/judgement/", views.judgement, name="judgement"),
    path("<int:report_id>/prefecture/", views.prefecture, name="prefecture"),
    path("<int:report_id>/monitoring/", views.monitoring, name="monitoring"),
    path("<int:report_id>/close/", views.close, name="close"),
]
