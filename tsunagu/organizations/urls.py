from __future__ import annotations

from django.urls import path

from tsunagu.organizations import views

app_name = "organizations"

urlpatterns = [
    path("", views.organization_list, name="list"),
    path("<int:organization_id>/", views.organization_detail, name="detail"),
    path("areas/", views.area_list, name="areas"),
    path("switch/", views.switch_organization, name="switch"),
    path("staffing/", views.staffing_page, name="staffing"),
    path("<int:organization_id>/posts/new/", views.staffing_post_create, name="post_create"),
    path("posts/<int:post_id>/edit/", views.staffing_post_edit, name="post_edit"),
    path(
        "posts/<int:post_id>/assignments/new/",
        views.staffing_assignment_create,
        name="assignment_create",
    ),
    path(
        "assignments/<int:assignment_id>/end/",
        views.staffing_assignment_end,
        name="assignment_end",
    ),
]
