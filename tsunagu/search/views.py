"""The search screen (a form, the newest matches the actor may see, an audit row) and the
core center's synonym list."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tsunagu.core.http import TsunaguRequest
from tsunagu.core.screens import action, form_page, posted, screen
from tsunagu.search import selectors, services
from tsunagu.search.forms import SearchForm, SynonymForm


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


@screen("GET", "POST")
def synonym_list(request: TsunaguRequest) -> HttpResponse:
    """The list, and a form to add a pair: core center only, a 404 for everyone else."""
    synonyms = selectors.synonym_list(request.actor)
    return form_page(
        request,
        SynonymForm(posted(request)),
        "search/pages/synonyms.html",
        save=lambda data: services.synonym_add(
            request.actor, term=data["term"], synonym=data["synonym"]
        ),
        done=lambda saved: redirect("search:synonyms"),
        context=lambda: {"synonyms": list(synonyms), "can_write": request.actor.can_write},
        success=_("言い換えを登録しました。"),
    )


@screen("POST")
def synonym_delete(request: TsunaguRequest, synonym_id: int) -> HttpResponse:
    return action(
        request,
        lambda: services.synonym_remove(request.actor, synonym_id=synonym_id),
        to=reverse("search:synonyms"),
        success=_("言い換えを削除しました。"),
    )
