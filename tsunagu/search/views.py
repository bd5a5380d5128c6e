"""The search screen: a form, the newest matches the actor may see, an audit row."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tsunagu.core.http import TsunaguRequest
from tsunagu.search import selectors
from tsunagu.search.forms import SearchForm


@require_GET
def search(request: TsunaguRequest) -> HttpResponse:
    form = SearchForm(request.GET if "q" in request.GET else None)
    result = None
    if form.is_valid():
        result = selectors.document_search(actor=request.actor, query=form.search_query())
        selectors.record_search_shown(request.actor, result.hits)
    return render(
        request,
        "search/pages/search.html",
        {"form": form, "result": result, "max_results": selectors.MAX_RESULTS},
    )
