from __future__ import annotations

from django.urls import path

from tsunagu.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read-all/", views.notification_mark_all, name="mark_all_read"),
    path("settings/", views.notification_settings, name="settings"),
    path("<int:notification_id>/open/", views.notification_open, name="open"),
    path("<int:notification_id>/read/", views.notification_mark, name="mark"),
]
