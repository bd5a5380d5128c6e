from __future__ import annotations

from django.urls import path

from tsunagu.agenda import views

app_name = "agenda"

urlpatterns = [
    path("", views.agenda, name="agenda"),
    path("feed/", views.feed_settings, name="feed_settings"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
]
