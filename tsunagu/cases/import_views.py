"""The screen of the import of past consultations (core/import_screens.py)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tsunagu.audit.imports import require_import_manager
from tsunagu.cases.imports import TARGET_TYPE, consultations_import
from tsunagu.cases.models import Channel, ConsultationOutcome, Consulter, Domain, Urgency
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.import_screens import ORIGINAL_DATE_HELP, ImportScreen, import_page
from tsunagu.core.screens import errors_as_pages


def _labels(choices: list[tuple[str, Any]]) -> str:
    return "、".join(str(t) for _v, t in choices)


def _screen() -> ImportScreen:
    return ImportScreen(
        title=_("過去の相談受付の取込"),
        intro=_(
            "Tsunagu を使う前に受けた相談を、受付簿のファイルから取り込みます。"
            "相談はあなたの機関が受けたものとして元の受付日で記録され、本人・世帯は登録しません"
            "（必要なら取り込んだあと、相談の画面で本人を結び付けます）。"
        ),
        columns=[
            (
                _("受付日"),
                str(ORIGINAL_DATE_HELP),
            ),
            (_("相談方法"), _("必須。") + _labels(Channel.choices)),
            (_("相談者"), _("必須。") + _labels(Consulter.choices)),
            (_("主訴"), _("必須。4000文字まで。")),
            (_("対応結果"), _("必須。") + _labels(ConsultationOutcome.choices)),
            (_("相談の領域"), _("任意。「、」で区切って複数。") + _labels(Domain.choices)),
            (_("緊急度"), _("任意（空なら通常）。") + _labels(Urgency.choices)),
            (_("対応時間（分）"), _("任意。0から1440までの整数。")),
        ],
        done_url=reverse("cases:consultation_list"),
        done_message=lambda outcome: (
            _("%(count)s件の相談を取り込みました。") % {"count": len(outcome.created_ids)}
        ),
    )


@errors_as_pages(back="cases:consultation_list")
@require_http_methods(["GET", "POST"])
def consultations_import_page(request: TsunaguRequest) -> HttpResponse:
    actor = require_import_manager(request.actor, target_type=TARGET_TYPE)
    return import_page(request, _screen(), partial(consultations_import, actor))
