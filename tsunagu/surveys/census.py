"""The 実態調査 of the designated planning offices (指定特定相談支援事業所; seed 003): a standing
survey asked every year with the same questions, so that a year can be set beside the last.

`census_create` makes this year's survey from `TEMPLATE` and addresses it to every active
designated (and child) planning office; each question has a stable `code`, which is what the
comparison pages match years on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.core.actor import Actor
from tsunagu.core.dates import fiscal_year_label
from tsunagu.organizations.models import Organization, OrganizationKind
from tsunagu.surveys import services
from tsunagu.surveys.models import QuestionKind, Survey, SurveyKind

CENSUS_KINDS = (
    OrganizationKind.DESIGNATED_PLANNING_OFFICE,
    OrganizationKind.CHILD_PLANNING_OFFICE,
)


@dataclass(frozen=True)
class TemplateQuestion:
    code: str
    kind: str
    text: str
    help_text: str = ""
    required: bool = False
    choices: tuple[str, ...] = field(default_factory=tuple)
    prefill_key: str = ""


DIFFICULTIES = (
    "支援で行き詰まったときに相談できる相手がいない",
    "計画相談の件数が多く、一件に時間をかけられない",
    "アセスメント・見立てが難しい",
    "関係機関との連携・役割分担が難しい",
    "支援会議・サービス担当者会議の調整が難しい",
    "本人・家族との関係づくりが難しい",
    "使える社会資源（サービス事業所）が足りない",
    "報酬が低く、事業所の運営が厳しい",
    "職員の採用・育成が難しい",
)

TEMPLATE: tuple[TemplateQuestion, ...] = (
    TemplateQuestion(
        "staff_full_time",
        QuestionKind.NUMBER,
        "相談支援専門員の人数（常勤）",
        "兼務を含みます。",
        required=True,
    ),
    TemplateQuestion(
        "staff_part_time", QuestionKind.NUMBER, "相談支援専門員の人数（非常勤）", required=True
    ),
    TemplateQuestion(
        "one_person_office",
        QuestionKind.SINGLE,
        "一人事業所（相談支援専門員が1人の事業所）ですか",
        required=True,
        choices=("はい", "いいえ"),
    ),
    TemplateQuestion(
        "caseload",
        QuestionKind.NUMBER,
        "担当している計画相談の件数（現在）",
        "記録から入力しています。違う場合は直してください。",
        required=True,
        prefill_key="open_caseload",
    ),
    TemplateQuestion(
        "complex_cases",
        QuestionKind.NUMBER,
        "そのうち、支援困難ケースの件数",
        "困難さの要因が記録されているケースの数を記録から入力しています。",
        prefill_key="complex_cases_in_year",
    ),
    TemplateQuestion(
        "difficulties",
        QuestionKind.MULTIPLE,
        "計画相談支援で困っていること（いくつでも）",
        choices=DIFFICULTIES,
    ),
    TemplateQuestion(
        "requests", QuestionKind.TEXT, "市・基幹相談支援センター・区自立支援協議会への要望"
    ),
)


def census_recipients() -> list[Organization]:
    return list(
        Organization.objects.filter(kind__in=CENSUS_KINDS, is_active=True).order_by(
            "name_kana", "pk"
        )
    )


@audit.atomic_with_refusals
def census_create(actor: Actor, *, fiscal_year: int, deadline: dt.date) -> Survey:
    """This year's 実態調査 from the template, addressed to every planning office (a draft:
    the sender checks it and sends it)."""
    survey = services.survey_create(
        actor,
        kind=SurveyKind.OFFICE_CENSUS,
        title=_("%(year)s 計画相談支援等に係る実態調査") % {"year": fiscal_year_label(fiscal_year)},
        purpose=_(
            "指定特定相談支援事業所の体制と計画相談支援の実情を把握し、事業所を支える体制の"
            "充実（区自立支援協議会・基幹相談支援センター）に生かすため。"
        ),
        fiscal_year=fiscal_year,
        deadline=deadline,
    )
    for item in TEMPLATE:
        services.question_add(
            actor,
            survey=survey,
            kind=item.kind,
            text=item.text,
            help_text=item.help_text,
            required=item.required,
            choices=item.choices,
            prefill_key=item.prefill_key,
            code=item.code,
        )
    offices = census_recipients()
    if offices:
        services.recipients_set(actor, survey=survey, organizations=offices)
    return survey
