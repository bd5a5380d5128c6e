"""`core.screens.errors_as_pages`: how a screen's errors become pages."""

from __future__ import annotations

import pytest
from django.http import Http404, HttpResponse

from tsunagu.core.errors import NotFound
from tsunagu.core.screens import Answered, errors_as_pages


def test_a_step_that_answered_early_is_the_screens_answer(rf) -> None:
    def year_refused() -> None:
        raise Answered(HttpResponse("the form again", status=400))

    @errors_as_pages()
    def view(request) -> HttpResponse:
        year_refused()
        return HttpResponse("the figures")

    response = view(rf.get("/?fiscal_year=99999"))
    assert response.status_code == 400
    assert response.content == b"the form again"


def test_not_found_is_the_projects_404(rf) -> None:
    @errors_as_pages()
    def view(request) -> HttpResponse:
        raise NotFound("見つかりません。")

    with pytest.raises(Http404):
        view(rf.get("/"))
