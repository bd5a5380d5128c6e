from __future__ import annotations

from django.urls import path

from tsunagu.trials import views

app_name = "trials"

urlpatterns = [
    path("plans/<int:plan_id>/", views.plan_trials, name="plan_trials"),
    path("plans/<int:plan_id>/candidates/new/", views.candidate_add, name="candidate_add"),
    path("candidates/<int:candidate_id>/visits/new/", views.visit_record, name="visit_record"),
    path("candidates/<int:candidate_id>/decide/", views.candidate_decide, name="candidate_decide"),
]
