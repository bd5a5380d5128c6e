"""Screen helpers of the directory, shared with the resource-development screens (meetings):
a refused write answers the one refusal page and leaves its access.denied row."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.http import HttpResponse

from tsunagu.core.errors import Forbidden
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.screens import refused_page
from tsunagu.directory import rules

P = ParamSpec("P")
R = TypeVar("R")


def refused(request: TsunaguRequest, message: str, back: str) -> HttpResponse:
    """The screen's refusal, with its access.denied row."""
    rules.record_refusal(request.actor, request.path, Forbidden(message))
    return refused_page(request, message, back=back)


def recorded(request: TsunaguRequest, write: Callable[P, R]) -> Callable[P, R]:
    """A write of a screen whose refusal leaves its access.denied row."""

    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with rules.refusals_recorded(request.actor, request.path):
            return write(*args, **kwargs)

    return run
