from __future__ import annotations

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tsunagu.notifications"
    label = "notifications"
    verbose_name = "通知"
