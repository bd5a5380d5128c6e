"""The expertise directory's screens (selectors.py says who sees what)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tsunagu.audit import services as audit
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.screens import confirm_action, errors_as_pages, form_page, posted
from tsunagu.expertise import selectors, services
from tsunagu.expertise.forms import DeclarationEditForm, DeclarationForm, DirectorySearchForm


@require_GET
@errors_as_pages()
@audit.for_role(selectors.may_view, view="expertise")
def directory(request: TsunaguRequest) -> HttpResponse:
    """Who knows about a theme in a ward: offices ranked by what they declare and what their
    closed cases show (counts only, small ones as 5件未満)."""
    actor = request.actor
    form = DirectorySearchForm(request.GET or None, wards=selectors.wards())
    status, entries, asked = 200, None, False
    if form.is_bound:
        if form.is_valid():
            asked = True
            entries = selectors.directory(
                actor, theme=form.cleaned_data["theme"] or "", ward=form.cleaned_data["ward"]
            )
        else:
            status = 400
    else:
        entries = selectors.directory(actor)
    context = {
        "form": form,
        "entries": entries,
        "asked": asked,
        "may_declare": selectors.may_declare(actor),
        "may_ask": actor.can_write,
        "small_count_limit": selectors.SMALL_COUNT_LIMIT,
    }
    return render(request, "expertise/pages/directory.html", context, status=status)


@require_GET
@errors_as_pages()
@audit.for_role(selectors.may_declare, view="expertise_declarations")
def declaration_list(request: TsunaguRequest) -> HttpResponse:
    """The acting office's own declarations."""
    declarations = selectors.declarations_of(request.actor)
    return render(
        request,
        "expertise/pages/declarations.html",
        {"declarations": declarations, "organization": request.actor.organization},
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="expertise:declarations")
@audit.for_role(selectors.may_declare, view="expertise_declarations")
def declaration_create(request: TsunaguRequest) -> HttpResponse:
    initial = {"theme": request.GET.get("theme", "")[:40]}
    return form_page(
        request,
        DeclarationForm(posted(request), initial=initial),
        "expertise/pages/declaration_form.html",
        save=lambda data: services.declaration_create(request.actor, **data),
        done=lambda made: redirect("expertise:declarations"),
        context={"declaration": None, "organization": request.actor.organization},
        success=_("専門性を登録しました。"),
        back="expertise:declarations",
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="expertise:declarations")
def declaration_edit(request: TsunaguRequest, declaration_id: int) -> HttpResponse:
    declaration = selectors.access_declaration(request.actor, declaration_id)
    return form_page(
        request,
        DeclarationEditForm(posted(request), initial={"note": declaration.note}),
        "expertise/pages/declaration_form.html",
        save=lambda data: services.declaration_update(
            request.actor, declaration=declaration, **data
        ),
        done=lambda saved: redirect("expertise:declarations"),
        context={"declaration": declaration, "organization": declaration.organization},
        success=_("専門性の登録を変更しました。"),
        back="expertise:declarations",
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="expertise:declarations")
def declaration_delete(request: TsunaguRequest, declaration_id: int) -> HttpResponse:
    """A GET asks to confirm; the POST withdraws."""
    declaration = selectors.access_declaration(request.actor, declaration_id)
    return confirm_action(
        request,
        "expertise/pages/declaration_delete.html",
        {"declaration": declaration},
        lambda: services.declaration_delete(request.actor, declaration=declaration),
        to="expertise:declarations",
        success=_("専門性の登録を取り下げました。"),
        back="expertise:declarations",
    )
