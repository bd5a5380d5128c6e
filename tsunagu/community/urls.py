from __future__ import annotations

from django.urls import path

from tsunagu.community import views

app_name = "community"

urlpatterns = [
    path("", views.home, name="home"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/awareness/new/", views.awareness_create, name="awareness_create"),
    path("activities/<int:activity_id>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:activity_id>/edit/", views.activity_edit, name="activity_edit"),
    path(
        "activities/<int:activity_id>/awareness/",
        views.awareness_results,
        name="awareness_results",
    ),
    path("activities/<int:activity_id>/materials/", views.materials_add, name="materials_add"),
    path("materials/<int:material_id>/", views.material_download, name="material_download"),
    path("outreach/", views.lead_list, name="lead_list"),
    path("outreach/new/", views.lead_create, name="lead_create"),
    path("outreach/<int:lead_id>/", views.lead_detail, name="lead_detail"),
    path("outreach/<int:lead_id>/contact/", views.lead_contact, name="lead_contact"),
    path("outreach/<int:lead_id>/consent/", views.lead_consent, name="lead_consent"),
    path("outreach/<int:lead_id>/connect/", views.lead_connect, name="lead_connect"),
    path("outreach/<int:lead_id>/close/", views.lead_close, name="lead_close"),
]
