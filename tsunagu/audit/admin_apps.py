from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class TsunaguAdminConfig(AdminConfig):
    default_site = "tsunagu.audit.admin_site.TsunaguAdminSite"
