"""What the person said between monitorings, for the monitoring record.

The person's own check-ins (どう？, issue 22) are kept by the portal, which stands above plans
and which plans may not import.  Plans owns the question (a dependency inversion,
docs/architecture.md): "what did the person tell the team for this monitoring?", and the portal
answers it from its `AppConfig.ready()`.  Nothing registered: no voices (fails closed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tsunagu.plans.models import Monitoring


@dataclass(frozen=True)
class Voice:
    at: dt.datetime
    mood: str  # the label of the face the person chose
    lines: tuple[tuple[str, str], ...]  # (question, answer), answered ones only
    by: str  # 本人 or the supporter's relationship


VoiceSource = Callable[["Monitoring"], Sequence[Voice]]

_sources: list[VoiceSource] = []


def register_monitoring_voices(source: VoiceSource) -> None:
    if source not in _sources:
        _sources.append(source)


def monitoring_voices(monitoring: Monitoring) -> list[Voice]:
    voices: list[Voice] = []
    for source in _sources:
        voices.extend(source(monitoring))
    return sorted(voices, key=lambda v: v.at)
