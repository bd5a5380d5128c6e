from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tsunagu.accounts.models import User
from tsunagu.curricula import services
from tsunagu.curricula.models import Curriculum, Requirement, RequirementEvent, Stage
from tsunagu.organizations.models import Organization
from tsunagu.organizations.tests.actors import actor_as
from tsunagu.trainings.models import Registration, TrainingEvent
from tsunagu.trainings.tests.factories import make_event


@dataclass
class Seed001:
    """Seed 001's curriculum: 共通研修 → 対人援助コミュニケーション研修 → 重層的支援体制強化研修,
    each stage one requirement met by one training; the last is still to come."""

    curriculum: Curriculum
    stages: list[Stage]
    requirements: list[Requirement]
    events: list[TrainingEvent]
    links: list[RequirementEvent]


def make_seed001(core: Organization, officer: User, *, upcoming: dt.date) -> Seed001:
    actor = actor_as(officer, core)
    curriculum = services.curriculum_create(actor, name="相談支援従事者の段階別研修")
    names = (
        ("共通研修", "相談支援従事者の共通研修", dt.date(2025, 5, 1), "held"),
        ("対人援助", "対人援助コミュニケーション研修", dt.date(2025, 7, 1), "held"),
        ("重層", "重層的支援体制強化研修", upcoming, "announced"),
    )
    stages, requirements, events, links = [], [], [], []
    for stage_name, requirement_name, held_on, status in names:
        stage = services.stage_add(actor, curriculum=curriculum, name=stage_name)
        requirement = services.requirement_add(actor, stage=stage, name=requirement_name)
        event = make_event(core, officer, held_on=held_on, status=status, theme=requirement_name)
        links.append(services.requirement_event_link(actor, requirement=requirement, event=event))
        stages.append(stage)
        requirements.append(requirement)
        events.append(event)
    return Seed001(curriculum, stages, requirements, events, links)


def attended(event: TrainingEvent, worker: User, organization: Organization) -> Registration:
    return Registration.objects.create(
        event=event,
        worker=worker,
        organization=organization,
        job_title="consultation_specialist",
        status="registered",
        attendance="attended",
        registered_by=worker,
    )
