"""Import of past joint-support requests (共同支援依頼) from a register kept before Tsunagu:
one row per request, as seed 000's table counts them (ADR 0015).

Columns (the header row of the file; `docs/samples/past-joint-support-requests.csv`):
依頼日 (和暦 or 西暦), 依頼元の種別 (委託相談支援事業所 / 指定特定相談支援事業所 /
地域生活支援拠点 / その他), 障害種別 (身体 / 精神 / 知的 / 発達 / 重複 / 診断なし); optional
依頼元の機関名, 受理日, 受付番号.  Each row becomes an `ImportedRequest` received by the
importing organization: no person, no case, no free text about anyone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from import_export import fields, resources

from tsunagu.audit.importing import NewRowsByActor, import_new_rows
from tsunagu.core.actor import Actor
from tsunagu.core.imports import (
    ImportOutcome,
    LabelChoiceWidget,
    OriginalDateWidget,
    TextWidget,
)
from tsunagu.organizations.models import Organization
from tsunagu.referrals.models import (
    ImportedRequest,
    ReferralKind,
    RequesterKind,
    TableCategory,
)

TARGET_TYPE = "referrals.importedrequest"
COLUMNS = ("依頼日", "依頼元の種別", "障害種別", "依頼元の機関名", "受理日", "受付番号")
REQUIRED = COLUMNS[:3]


class ImportedRequestResource(NewRowsByActor, resources.ModelResource):  # type: ignore[misc]
    requested_on = fields.Field(
        attribute="requested_on", column_name="依頼日", widget=OriginalDateWidget("依頼日")
    )
    requester_kind = fields.Field(
        attribute="requester_kind",
        column_name="依頼元の種別",
        widget=LabelChoiceWidget(RequesterKind.choices, label="依頼元の種別"),
    )
    disability_category = fields.Field(
        attribute="disability_category",
        column_name="障害種別",
        widget=LabelChoiceWidget(TableCategory.choices, label="障害種別"),
    )
    requester_name = fields.Field(
        attribute="requester_name",
        column_name="依頼元の機関名",
        widget=TextWidget("依頼元の機関名", max_length=200),
    )
    accepted_on = fields.Field(
        attribute="accepted_on",
        column_name="受理日",
        widget=OriginalDateWidget("受理日", required=False),
    )
    reference = fields.Field(
        attribute="reference", column_name="受付番号", widget=TextWidget("受付番号", max_length=40)
    )

    class Meta:
        model = ImportedRequest
        fields = (
            "requested_on",
            "requester_kind",
            "disability_category",
            "requester_name",
            "accepted_on",
            "reference",
        )
        import_id_fields: list[str] = []  # every row is a new request
        skip_diff = True
        clean_model_instances = True

    def stamp(self, instance: ImportedRequest, organization: Organization, user: Any) -> None:
        instance.receiving_organization = organization
        instance.imported_by = user
        instance.kind = ReferralKind.JOINT_SUPPORT

    def own_date(self, instance: ImportedRequest) -> dt.date:
        return instance.requested_on


def requests_import(actor: Actor, *, data: bytes, name: str, dry_run: bool) -> ImportOutcome:
    """Check (dry run) or import a register of past joint-support requests, all or nothing."""
    return import_new_rows(
        actor,
        ImportedRequestResource,
        target_type=TARGET_TYPE,
        required=REQUIRED,
        data=data,
        name=name,
        dry_run=dry_run,
    )
