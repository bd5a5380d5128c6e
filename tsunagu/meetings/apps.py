from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "tsunagu.meetings"
    label = "meetings"
    verbose_name = _("会議")

    def ready(self) -> None:
        # Imported once the models are loaded, as Django requires; cases stand below meetings,
        # so the person's access log asks through `cases.related`.
        from tsunagu.cases.related import register_case_records
        from tsunagu.meetings.selectors import conferences_about_cases

        register_case_records(conferences_about_cases)
