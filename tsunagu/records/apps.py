from __future__ import annotations

from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "tsunagu.records"
    label = "records"
    verbose_name = "支援記録"

    def ready(self) -> None:
        from tsunagu.cases.related import register_case_records
        from tsunagu.records import checks  # noqa: F401  # registers the deploy check
        from tsunagu.records.selectors import records_about_cases

        # Cases stand below records: the person's access log asks through `cases.related`.
        register_case_records(records_about_cases)
