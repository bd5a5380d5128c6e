from __future__ import annotations

from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "tsunagu.directory"
    label = "directory"
    verbose_name = "社会資源"
