from __future__ import annotations

from django.urls import path

from tsunagu.organizations import views

app_name = "organizations"

urlpatterns = [
    path("", views.organization_list, name="list"),
    path("<int:organization_id>/", views.organization_detail, name="detail"),
    path("areas/", views.area_list, name="areas"),
    path("switch/", views.switch_organization, name="switch"),
]
