"""The app's URLs plus the framework's floor, for bench/inprocess.py only (never served).

The floor is a signed-in request to a view that does nothing: every middleware, the session,
the user, the second-factor and membership checks, and a response, but no query of the view's
own.  Each screen's CPU is compared with it (issue 15).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from tsunagu import urls as app_urls

FLOOR_PATH = "/bench/floor/"


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path(FLOOR_PATH.strip("/") + "/", floor), *app_urls.urlpatterns]
handler400 = app_urls.handler400
handler403 = app_urls.handler403
handler404 = app_urls.handler404
handler500 = app_urls.handler500
