from __future__ import annotations

from django.urls import path

from tsunagu.lifehub import views

app_name = "lifehub"

urlpatterns = [
    path("", views.hub, name="hub"),
    path("roles/new/", views.role_add, name="role_add"),
    path("roles/<int:role_id>/end/", views.role_end, name="role_end"),
    path("emergencies/", views.emergency_list, name="emergency_list"),
    path("emergencies/new/", views.emergency_create, name="emergency_create"),
    path("emergencies/<int:request_id>/", views.emergency_detail, name="emergency_detail"),
    path(
        "emergencies/<int:request_id>/accept/",
        views.emergency_step,
        {"step": "accept"},
        name="emergency_accept",
    ),
    path(
        "emergencies/<int:request_id>/decline/",
        views.emergency_step,
        {"step": "decline"},
        name="emergency_decline",
    ),
    path(
        "emergencies/<int:request_id>/end/",
        views.emergency_step,
        {"step": "end"},
        name="emergency_end",
    ),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:activity_id>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:activity_id>/consent/", views.consent_give, name="consent_give"),
    path("activities/<int:activity_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
]
