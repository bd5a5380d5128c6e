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

from django.utils import timezone
from import_export import fields, resources

from tsunagu.audit.importing import NewRowsByActor, import_new_rows
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
)
from tsunagu.organizations.models import Organization

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


class ConsultationResource(NewRowsByActor, resources.ModelResource):  # type: ignore[misc]
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

    def stamp(self, instance: Consultation, organization: Organization, user: Any) -> None:
        instance.organization = organization
        instance.received_by = user
        instance.is_anonymous = False

    def own_date(self, instance: Consultation) -> dt.datetime:
        return instance.received_at


def consultations_import(actor: Actor, *, data: bytes, name: str, dry_run: bool) -> ImportOutcome:
    """Check (dry run) or import a register of past consultations, all or nothing."""
    return import_new_rows(
        actor,
        ConsultationResource,
        target_type=TARGET_TYPE,
        required=REQUIRED,
        data=data,
        name=name,
        dry_run=dry_run,
    )
