from __future__ import annotations

from django.urls import path

from tsunagu.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("export.csv", views.event_export, name="export"),
    path("chain/", views.chain_state, name="chain"),
]
