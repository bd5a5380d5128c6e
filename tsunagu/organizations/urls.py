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
    # Managed in the app by the city's and the core center's managers (ADR 0014).
    path("manage/", views.manage_list, name="manage"),
    path("manage/new/", views.manage_create, name="manage_create"),
    path("manage/import/", views.office_import, name="import"),
    path("manage/<int:organization_id>/", views.manage_detail, name="manage_detail"),
    path("manage/<int:organization_id>/edit/", views.manage_edit, name="manage_edit"),
    path(
        "manage/<int:organization_id>/members/new/",
        views.membership_create,
        name="membership_create",
    ),
    path("manage/members/<int:membership_id>/end/", views.membership_end, name="membership_end"),
]
