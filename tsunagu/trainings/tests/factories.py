from __future__ import annotations

import datetime as dt

from tsunagu.accounts.models import User
from tsunagu.organizations.models import Organization
from tsunagu.trainings.models import EventStatus, TrainingEvent


def make_event(
    organizer: Organization,
    created_by: User,
    *,
    capacity: int = 2,
    status: str = EventStatus.ANNOUNCED,
    held_on: dt.date | None = None,
    theme: str = "強度行動障害の理解と支援",
) -> TrainingEvent:
    return TrainingEvent.objects.create(
        theme=theme,
        kind="lecture",
        held_on=held_on or dt.date(2026, 6, 10),
        starts_at=dt.time(13, 30),
        ends_at=dt.time(16, 30),
        format="hybrid",
        place="みどり市総合福祉センター 第1研修室",
        lecturers="山田太郎（みどり市精神保健福祉センター）\n佐々木花（相談支援センター あおば）",
        organizer=organizer,
        target_kinds=["commissioned_office", "designated_planning_office"],
        target_job_titles=["consultation_specialist"],
        capacity=capacity,
        status=status,
        created_by=created_by,
    )
