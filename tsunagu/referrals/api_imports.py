"""API twin of the import screen of past joint-support requests (referrals/imports.py)."""

from __future__ import annotations

from typing import Any

from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from tsunagu.core.http import TsunaguRequest
from tsunagu.core.import_api import (
    IMPORT_RESPONSES,
    answer_import,
)
from tsunagu.referrals.imports import requests_import

router = Router(tags=["referrals"])


class ImportQuery(Schema):
    dry_run: bool = True


@router.post(
    "/imports/referrals",
    response=IMPORT_RESPONSES,
    summary="過去の共同支援依頼を取り込む（CSV・xlsx）",
    description=(
        "multipart の `file` に台帳のファイル（UTF-8 か CP932 の CSV、または xlsx）。"
        "`dry_run=true`（既定）は確認だけで何も保存しません。`dry_run=false` はすべての行に"
        "問題がないときだけ取り込み（201）、1行でも問題があれば何も取り込みません（422）。"
        "所属機関の管理者だけが使えます。"
    ),
    url_name="referral_import",
)
def referral_import(
    request: TsunaguRequest, query: Query[ImportQuery], file: File[UploadedFile | None] = None
) -> Status[dict[str, Any]]:
    return Status(*answer_import(requests_import, request.actor, file, dry_run=query.dry_run))
