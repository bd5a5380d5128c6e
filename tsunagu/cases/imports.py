"""Import of past consultations (相談受付) from an office's own register (ADR 0015).

Columns (the header row; `docs/samples/past-consultations.csv`): 受付日 (和暦 or 西暦),
相談方法, 相談者, 主訴, 対応結果; optional 相談の領域 (several, separated by 、), 緊急度,
対応時間（分）.  Labels as the consultation screen shows them (来所, 電話 …).

Each row becomes a consultation taken by the importing organization, received by the importing
manager, on its own date, with no person or household: the import does not create or name
anyone (ADR 0015).  A consultation that needs its person is linked afterwards on its page
(`consultation_link_person`), under the same access rules as any other.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from import_export import fields, resources

from tsunagu.audit.imports import record_import, require_import_manager
from tsunagu.audit.late_entry import record_late_entry
from tsunagu.cases.models import (
    Channel,
    Consultation,
    ConsultationOutcome,
    Consulter,
    Domain,
    Urgency,
)
from tsunagu.core.actor import Actor
from tsunagu.core.imports import (
    CountWidget,
    ImportOutcome,
    LabelChoiceWidget,
    LabelListWidget,
    OriginalDateWidget,
    TextWidget,
    file_digest,
    read_table,
    run_import,
)

TARGET_TYPE = "cases.consultation"
COLUMNS = (
    "受付日",
    "相談方法",
    "相談者",
    "主訴",
    "対応結果",
    "相談の領域",
    "緊急度",
    "対応時間（分）",
)
REQUIRED = COLUMNS[:5]


class ReceivedOnWidget(OriginalDateWidget):
    """The day of the consultation, kept as the start of that day in local time."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> dt.datetime | None:
        day = super().clean(value, row, **kwargs)
        if day is None:
            return None
        return timezone.make_aware(dt.datetime.combine(day, dt.time()))


class ConsultationResource(resources.ModelResource):  # type: ignore[misc]  # untyped library
    received_at = fields.Field(
        attribute="received_at", column_name="受付日", widget=ReceivedOnWidget("受付日")
    )
    channel = fields.Field(
        attribute="channel",
        column_name="相談方法",
        widget=LabelChoiceWidget(Channel.choices, label="相談方法"),
    )
    consulter = fields.Field(
        attribute="consulter",
        column_name="相談者",
        widget=LabelChoiceWidget(Consulter.choices, label="相談者"),
    )
    main_concern = fields.Field(
        attribute="main_concern",
        column_name="主訴",
        widget=TextWidget("主訴", max_length=4000, required=True),
    )
    outcome = fields.Field(
        attribute="outcome",
        column_name="対応結果",
        widget=LabelChoiceWidget(ConsultationOutcome.choices, label="対応結果"),
    )
    domains = fields.Field(
        attribute="domains",
        column_name="相談の領域",
        widget=LabelListWidget(Domain.choices, label="相談の領域"),
    )
    urgency = fields.Field(
        attribute="urgency",
        column_name="緊急度",
        widget=LabelChoiceWidget(Urgency.choices, label="緊急度", default=Urgency.NORMAL),
    )
    minutes_spent = fields.Field(
        attribute="minutes_spent",
        column_name="対応時間（分）",
        widget=CountWidget("対応時間（分）", maximum=24 * 60),
    )

    class Meta:
        model = Consultation
        fields = (
            "received_at",
            "channel",
            "consulter",
            "main_concern",
            "outcome",
            "domains",
            "urgency",
            "minutes_spent",
        )
        import_id_fields: list[str] = []  # every row is a new consultation
        skip_diff = True
        clean_model_instances = True

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor

    def get_instance(self, instance_loader: Any, row: Any) -> None:
        return None

    def after_init_instance(self, instance: Model, new: bool, row: Any, **kwargs: Any) -> None:
        assert isinstance(instance, Consultation)  # noqa: S101
        assert self.actor.organization is not None  # noqa: S101  # require_import_manager
        instance.organization = self.actor.organization
        instance.received_by = self.actor.user
        instance.is_anonymous = False

    def after_save_instance(self, instance: Model, row: Any, **kwargs: Any) -> None:
        if kwargs.get("dry_run"):
            return
        assert isinstance(instance, Consultation)  # noqa: S101
        record_late_entry(self.actor, target=instance, own=instance.received_at, source="import")


def consultations_import(actor: Actor, *, data: bytes, name: str, dry_run: bool) -> ImportOutcome:
    """Check (dry run) or import a register of past consultations, all or nothing."""
    actor = require_import_manager(actor, target_type=TARGET_TYPE)
    dataset = read_table(data)
    with transaction.atomic():  # the rows and the import's audit row commit together
        outcome = run_import(
            ConsultationResource(actor), dataset, dry_run=dry_run, required=REQUIRED
        )
        if outcome.committed:
            record_import(
                actor,
                target_type=TARGET_TYPE,
                outcome=outcome,
                digest=file_digest(data),
                name=name,
            )
    return outcome
