"""A small network for the self-evaluation tests, built through the services."""

from __future__ import annotations

from dataclasses import dataclass

from tsunagu.organizations.models import Area, AreaKind
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.organizations.tests.factories import AreaFactory
from tsunagu.selfevaluations import services
from tsunagu.selfevaluations.models import CriteriaSet, SelfEvaluation

SCALE = ["できていない", "一部できている", "おおむねできている", "十分できている"]


@dataclass
class Network:
    area: Area
    last: CriteriaSet  # published, last fiscal year
    current: CriteriaSet  # published, this fiscal year (copied from last)
    last_a: SelfEvaluation  # office A, submitted
    current_a: SelfEvaluation  # office A, submitted
    current_b: SelfEvaluation  # office B, draft


def serve(personas) -> Area:
    """The core center and office A serve one ward; office B serves a ward of its own."""
    ward = AreaFactory.create(code="aoba-ku", name="青葉区", kind=AreaKind.WARD)
    other = AreaFactory.create(code="kaede-ku", name="楓区", kind=AreaKind.WARD)
    personas.core_center.areas_served.add(ward)
    personas.office_a.areas_served.add(ward)
    personas.office_b.areas_served.add(other)
    return ward


def make_set(personas, year: int, *, copy_from: CriteriaSet | None = None) -> CriteriaSet:
    city = actor_as(personas.city_official)
    criteria = services.set_create(
        city,
        fiscal_year=year,
        title=f"{year}年度 障害者相談支援事業所運営自己評価",
        scale_labels=SCALE if copy_from is None else [],
        copy_from=copy_from,
    )
    if copy_from is None:
        operations = services.area_create(city, criteria=criteria, name="運営体制")
        services.item_create(city, area=operations, code="1-1", text="運営方針を職員で共有している")
        services.item_create(city, area=operations, code="1-2", text="記録を適切に管理している")
        practice = services.area_create(city, criteria=criteria, name="相談支援の実践")
        services.item_create(city, area=practice, code="2-1", text="本人の意向を計画に反映している")
    return services.set_publish(city, criteria=criteria)


def fill(
    personas, evaluation: SelfEvaluation, scores: dict[str, int], *, submit: bool
) -> SelfEvaluation:
    office = actor_as(personas.counselor_a, evaluation.organization)
    if evaluation.organization_id == personas.office_b.pk:
        office = actor_as(personas.counselor_b)
    answers = {
        a.item_id: {"score": scores.get(a.item.code), "comment": f"{a.item.code}について"}
        for a in evaluation.answers.select_related("item")
    }
    evaluation = services.evaluation_save(
        office, evaluation=evaluation, answers=answers, overall_comment="1年を振り返って"
    )
    if submit:
        evaluation = services.evaluation_submit(office, evaluation=evaluation)
    return evaluation


def network(personas, year: int = 2026) -> Network:
    area = serve(personas)
    last = make_set(personas, year - 1)
    current = make_set(personas, year, copy_from=last)
    office_a = actor_as(personas.counselor_a)
    office_b = actor_as(personas.counselor_b)
    last_a = fill(
        personas,
        services.evaluation_start(office_a, criteria=last),
        {"1-1": 2, "1-2": 3, "2-1": 1},
        submit=True,
    )
    current_a = fill(
        personas,
        services.evaluation_start(office_a, criteria=current),
        {"1-1": 3, "1-2": 3, "2-1": 2},
        submit=True,
    )
    current_b = fill(
        personas, services.evaluation_start(office_b, criteria=current), {"1-1": 1}, submit=False
    )
    return Network(area, last, current, last_a, current_a, current_b)
