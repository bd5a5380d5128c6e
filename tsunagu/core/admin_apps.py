from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class TsunaguAdminConfig(AdminConfig):
    default_site = "tsunagu.core.admin.TsunaguAdminSite"
