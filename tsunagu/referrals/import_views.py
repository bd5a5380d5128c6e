"""The screen of the import of past joint-support requests (core/import_screens.py)."""

from __future__ import annotations

from functools import partial

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tsunagu.audit.imports import require_import_manager
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.import_screens import ORIGINAL_DATE_HELP, ImportScreen, import_page
from tsunagu.core.screens import errors_as_pages
from tsunagu.referrals.imports import TARGET_TYPE, requests_import
from tsunagu.referrals.models import RequesterKind, TableCategory


def _screen() -> ImportScreen:
    return ImportScreen(
        title=_("過去の共同支援依頼の取込"),
        intro=_(
            "Tsunagu を使う前に受けた共同支援依頼を、台帳のファイルから取り込みます。"
            "取り込むのは集計に使う項目だけで、個人は登録しません。"
            "依頼はあなたの機関が受けたものとして、元の依頼日で統計に数えられます。"
        ),
        columns=[
            (
                _("依頼日"),
                str(ORIGINAL_DATE_HELP),
            ),
            (_("依頼元の種別"), _("必須。") + "、".join(str(t) for _v, t in RequesterKind.choices)),
            (_("障害種別"), _("必須。") + "、".join(str(t) for _v, t in TableCategory.choices)),
            (_("依頼元の機関名"), _("任意。")),
            (_("受理日"), _("任意。依頼日以降の日付。")),
            (_("受付番号"), _("任意。台帳の番号。同じ番号は二度取り込めません。")),
        ],
        done_url=reverse("referrals:statistics"),
        done_message=lambda outcome: (
            _("%(count)s件の依頼を取り込みました。") % {"count": len(outcome.created_ids)}
        ),
    )


@errors_as_pages(back="referrals:statistics")
@require_http_methods(["GET", "POST"])
def requests_import_page(request: TsunaguRequest) -> HttpResponse:
    actor = require_import_manager(request.actor, target_type=TARGET_TYPE)
    run = partial(requests_import, actor)
    return import_page(request, _screen(), run)
