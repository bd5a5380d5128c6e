from __future__ import annotations

from django.urls import path
from django.views.generic import RedirectView

from tsunagu.directory import views

app_name = "directory"

urlpatterns = [
    # Residents, without signing in.
    path("", views.public_search, name="search"),
    # Staff.
    path("staff/", views.resource_list, name="resource_list"),
    path("staff/new/", views.resource_create, name="resource_create"),
    path("staff/<int:resource_id>/", views.resource_detail, name="resource_detail"),
    path("staff/<int:resource_id>/edit/", views.resource_edit, name="resource_edit"),
    path("staff/<int:resource_id>/vacancy/", views.vacancy_update, name="vacancy_update"),
    path("staff/providers/", views.provider_list, name="provider_list"),
    path("staff/providers/new/", views.provider_create, name="provider_create"),
    path("staff/providers/<int:provider_id>/edit/", views.provider_edit, name="provider_edit"),
    path("staff/import/", views.import_file, name="import"),
    path("staff/export.json", views.export_file, name="export"),
    # The resource development log moved to the meetings app (issue 14): bookmarks follow it.
    *(
        path(f"staff/developments/{old}", RedirectView.as_view(url=new, permanent=True))
        for old, new in [
            ("", "/meetings/developments/"),
            ("new/", "/meetings/developments/new/"),
            ("<int:development_id>/edit/", "/meetings/developments/%(development_id)s/edit/"),
            ("export.csv", "/meetings/developments/export.csv"),
        ]
    ),
    # Last: any other single segment is a resource's HSDS id (a UUID; anything else is 404).
    path("<str:resource_id>/", views.public_detail, name="public_detail"),
]
