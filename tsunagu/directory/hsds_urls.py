"""The HSDS 3.0 API under /api/hsds/: public, read-only, no sign-in, no token."""

from __future__ import annotations

from django.urls import path

from tsunagu.directory import hsds_views

app_name = "hsds"

urlpatterns = [
    path("", hsds_views.api_root, name="root"),
    path("services", hsds_views.service_list, name="service_list"),
    path("services/<str:service_id>", hsds_views.service_detail, name="service_detail"),
    path("organizations", hsds_views.organization_list, name="organization_list"),
    path(
        "organizations/<str:organization_id>",
        hsds_views.organization_detail,
        name="organization_detail",
    ),
]
