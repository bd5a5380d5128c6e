from __future__ import annotations

from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "tsunagu.records"
    label = "records"
    verbose_name = "支援記録"

    def ready(self) -> None:
        from tsunagu.cases.related import register_case_records
        from tsunagu.notifications.registry import register_renderer
        from tsunagu.records import checks  # noqa: F401  # registers the deploy check
        from tsunagu.records.selectors import (
            records_about_cases,
            render_board_notifications,
            render_note_notifications,
        )

        # Cases stand below records: the person's access log asks through `cases.related`.
        register_case_records(records_about_cases)
        register_renderer("records.progressnote", render_note_notifications)
        register_renderer("records.boardmessage", render_board_notifications)
