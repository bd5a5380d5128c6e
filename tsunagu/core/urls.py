from __future__ import annotations

from django.urls import path

from tsunagu.core import views

app_name = "core"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("dates/read", views.date_echo, name="date_echo"),
]
