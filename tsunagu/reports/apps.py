from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Reports written from the records (the core center's annual activity report), the report
    jobs that build their documents in the background, and the periodic jobs the same worker
    runs.  It reads every domain app, so it stands on the top floor beside the home page."""

    name = "tsunagu.reports"
    label = "reports"
    verbose_name = "報告書"

    def ready(self) -> None:
        # The builders register their report kinds with the job runner (jobs.BUILDERS).
        # The periodic jobs register their audit action.
        from tsunagu.reports import annual, periodic  # noqa: F401
