"""The app's URLs plus the two references of the benchmark, for bench/inprocess.py only (never
served).

- The floor is a signed-in request to a view that does nothing: every middleware, the session,
  the user, the second-factor and membership checks, and a response, but no query of the view's
  own.  Each screen's CPU is compared with it (issue 15).
- The page frame is a signed-in view that renders the app's base layout (`base.html`) with an
  empty content block, through the same template engine, context processors and middleware as
  every screen: the header, the acting organization and its switch, the main menu, the bell,
  the messages and the footer.  Set against the floor, it says what being a page costs; set
  against a screen, how much of that screen is the frame.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from tsunagu import urls as app_urls

FLOOR_PATH = "/bench/floor/"
FRAME_PATH = "/bench/frame/"
# Not a file in the app's template directories (the app would have it too): compiled once, as
# the cached loader keeps a screen's own template; base.html comes from that loader, as for
# every screen.
FRAME_SOURCE = '{% extends "base.html" %}'


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@cache
def _frame_template() -> Any:
    return engines["django"].from_string(FRAME_SOURCE)


def frame(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_frame_template().render({}, request))


urlpatterns = [
    path(FLOOR_PATH.strip("/") + "/", floor),
    path(FRAME_PATH.strip("/") + "/", frame),
    *app_urls.urlpatterns,
]
handler400 = app_urls.handler400
handler403 = app_urls.handler403
handler404 = app_urls.handler404
handler500 = app_urls.handler500
