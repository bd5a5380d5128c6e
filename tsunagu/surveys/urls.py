from __future__ import annotations

from django.urls import path

from tsunagu.surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.survey_list, name="survey_list"),
    path("new/", views.survey_create, name="survey_create"),
    path("census/new/", views.census_create, name="census_create"),
    path("census/compare/", views.census_compare, name="census_compare"),
    path("<int:survey_id>/", views.survey_detail, name="survey_detail"),
    path("<int:survey_id>/edit/", views.survey_edit, name="survey_edit"),
    path("<int:survey_id>/questions/new/", views.question_create, name="question_create"),
    path(
        "<int:survey_id>/questions/<int:question_id>/delete/",
        views.question_delete,
        name="question_delete",
    ),
    path("<int:survey_id>/recipients/", views.recipients, name="recipients"),
    path("<int:survey_id>/send/", views.survey_send, name="survey_send"),
    path("<int:survey_id>/close/", views.survey_close, name="survey_close"),
    path("<int:survey_id>/remind/", views.survey_remind, name="survey_remind"),
    path("<int:survey_id>/results/", views.results, name="results"),
    path("<int:survey_id>/results/export/", views.results_export, name="results_export"),
    path("responses/<int:response_id>/", views.response_detail, name="response_detail"),
    path("responses/<int:response_id>/reopen/", views.response_reopen, name="response_reopen"),
    path("answers/<int:answer_id>/review/", views.answer_review, name="answer_review"),
]
