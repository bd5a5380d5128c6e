from __future__ import annotations

from django.urls import path

from tsunagu.expertise import views

app_name = "expertise"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("declarations/", views.declaration_list, name="declarations"),
    path("declarations/new/", views.declaration_create, name="declaration_create"),
    path(
        "declarations/<int:declaration_id>/edit/", views.declaration_edit, name="declaration_edit"
    ),
    path(
        "declarations/<int:declaration_id>/delete/",
        views.declaration_delete,
        name="declaration_delete",
    ),
]
