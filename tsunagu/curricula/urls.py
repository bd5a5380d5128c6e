from __future__ import annotations

from django.urls import path

from tsunagu.curricula import views

app_name = "curricula"

urlpatterns = [
    path("", views.curriculum_list, name="list"),
    path("new/", views.curriculum_create, name="create"),
    path("mine/", views.my_progress, name="mine"),
    path("learning/", views.learning_list, name="learning_list"),
    path("<int:curriculum_id>/", views.curriculum_detail, name="detail"),
    path("<int:curriculum_id>/edit/", views.curriculum_edit, name="edit"),
    path("<int:curriculum_id>/stages/new/", views.stage_create, name="stage_create"),
    path("<int:curriculum_id>/overview/", views.overview, name="overview"),
    path(
        "<int:curriculum_id>/offices/<int:organization_id>/",
        views.office_progress,
        name="office",
    ),
    path(
        "stages/<int:stage_id>/requirements/new/",
        views.requirement_create,
        name="requirement_create",
    ),
    path("stages/<int:stage_id>/edit/", views.stage_edit, name="stage_edit"),
    path("stages/<int:stage_id>/move/", views.stage_move, name="stage_move"),
    path("stages/<int:stage_id>/delete/", views.stage_delete, name="stage_delete"),
    path(
        "requirements/<int:requirement_id>/edit/", views.requirement_edit, name="requirement_edit"
    ),
    path(
        "requirements/<int:requirement_id>/delete/",
        views.requirement_delete,
        name="requirement_delete",
    ),
    path("requirements/<int:requirement_id>/events/new/", views.link_create, name="link_create"),
    path("requirement-events/<int:link_id>/delete/", views.link_delete, name="link_delete"),
    path("workers/<int:user_id>/", views.worker_progress, name="worker"),
    path("workers/<int:user_id>/learning/new/", views.learning_create, name="learning_create"),
    path("learning/<int:learning_id>/", views.learning_detail, name="learning_detail"),
    path("learning/<int:learning_id>/review/", views.learning_review, name="learning_review"),
    path("learning/<int:learning_id>/evidence/", views.learning_evidence, name="learning_evidence"),
]
