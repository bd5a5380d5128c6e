"""API twin of the import screen of past consultations (cases/imports.py)."""

from __future__ import annotations

from typing import Any

from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from tsunagu.cases.imports import consultations_import
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.import_api import (
    IMPORT_RESPONSES,
    answer_import,
)

router = Router(tags=["cases"])


class ImportQuery(Schema):
    dry_run: bool = True


@router.post(
    "/imports/consultations",
    response=IMPORT_RESPONSES,
    summary="過去の相談受付を取り込む（CSV・xlsx）",
    description=(
        "multipart の `file` に受付簿のファイル（UTF-8 か CP932 の CSV、または xlsx）。"
        "`dry_run=true`（既定）は確認だけで何も保存しません。`dry_run=false` はすべての行に"
        "問題がないときだけ取り込み（201）、1行でも問題があれば何も取り込みません（422）。"
        "所属機関の管理者だけが使えます。"
    ),
    url_name="consultation_import",
)
def consultation_import(
    request: TsunaguRequest, query: Query[ImportQuery], file: File[UploadedFile | None] = None
) -> Status[dict[str, Any]]:
    return Status(*answer_import(consultations_import, request.actor, file, dry_run=query.dry_run))
