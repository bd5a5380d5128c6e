from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "tsunagu.meetings"
    label = "meetings"
    verbose_name = _("会議")

    def ready(self) -> None:
        # Imported once the models are loaded, as Django requires; the directory stands below
        # meetings: a resource's staff page shows the resource developments through
        # `directory.sections`.
        from tsunagu.directory.sections import register_resource_section
        from tsunagu.meetings.views.developments import resource_developments_section

        register_resource_section(resource_developments_section)
