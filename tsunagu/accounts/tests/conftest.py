"""The sign-in throttle's clock stands still in these tests unless a test moves it: a delay of
one second must not run out on a slow machine between two requests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tsunagu.accounts import throttle


class Clock:
    def __init__(self) -> None:
        self.moment = timezone.now()

    def __call__(self):
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


@pytest.fixture(autouse=True)
def clock(monkeypatch) -> Clock:
    frozen = Clock()
    monkeypatch.setattr(throttle, "now", frozen)
    return frozen
