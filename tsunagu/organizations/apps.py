from __future__ import annotations

from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "tsunagu.organizations"
    label = "organizations"
    verbose_name = "組織"
