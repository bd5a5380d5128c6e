from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tsunagu.core.dates import fiscal_year
from tsunagu.organizations.models import Organization
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.surveys import services
from tsunagu.surveys.models import Survey


def make_survey(
    personas,
    *,
    recipients: list[Organization] | None = None,
    send: bool = True,
    title: str = "困難ケースに関する調査",
) -> Survey:
    """The core center's survey of the commissioned offices (seed 000): a prefilled count, a
    table prefilled by disability, a single and a multiple choice, a hand-filled table of
    counts and a free text."""
    actor = actor_as(personas.core_officer)
    survey = services.survey_create(
        actor,
        title=title,
        purpose="委託相談支援事業所の困難ケースの実情を把握するため。",
        fiscal_year=fiscal_year(timezone.localdate()),
        deadline=timezone.localdate() + dt.timedelta(days=14),
    )
    services.question_add(
        actor,
        survey=survey,
        kind="number",
        text="担当している支援ケースの数",
        required=True,
        prefill_key="open_caseload",
    )
    services.question_add(
        actor,
        survey=survey,
        kind="table",
        text="今年度の相談受付件数（障害種別）",
        prefill_key="consultations_by_disability",
    )
    services.question_add(
        actor,
        survey=survey,
        kind="single",
        text="困難ケースは増えましたか",
        choices=["はい", "いいえ"],
    )
    services.question_add(
        actor,
        survey=survey,
        kind="multiple",
        text="支援で感じる問題点",
        choices=["時間が足りない", "経験のある職員が不足", "見立てが難しい"],
    )
    services.question_add(
        actor,
        survey=survey,
        kind="table",
        text="支援区分別の件数",
        rows=["身体", "知的"],
        columns=["区分1-3", "区分4-6"],
    )
    services.question_add(actor, survey=survey, kind="text", text="市への要望")
    services.recipients_set(
        actor, survey=survey, organizations=recipients or [personas.office_a, personas.office_b]
    )
    if send:
        services.survey_send(actor, survey=survey)
    return survey
