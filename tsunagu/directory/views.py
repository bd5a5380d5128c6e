"""Screens of the social resource directory: the residents' search (no sign-in) and the staff
screens (list, detail, create, edit, providers, import/export).

Staff read everything; a write that `rules` does not allow answers the 403 page and leaves an
access.denied row.  Directory objects are not person-level data, so a missing object is a
plain 404 without an audit row.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms.formsets import BaseFormSet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tsunagu.audit import services as audit
from tsunagu.core.errors import Conflict, Forbidden, Invalid, NotFound
from tsunagu.core.http import TsunaguRequest
from tsunagu.directory import hsds, rules, selectors, services
from tsunagu.directory.forms import (
    FORMSETS,
    ImportForm,
    ProviderForm,
    ResourceForm,
    SearchForm,
    StaffSearchForm,
    child_initial,
    child_rows,
)
from tsunagu.directory.models import Provider, SocialResource
from tsunagu.directory.sections import resource_sections

PUBLIC_PER_PAGE = 10


def _refused(request: TsunaguRequest, exc: Forbidden, back: str) -> HttpResponse:
    audit.record_denial(
        request.actor, target_type="directory", target_id=request.path[:64], reason=exc.message
    )
    return render(
        request,
        "directory/pages/refused.html",
        {"message": exc.message, "back": back},
        status=403,
    )


def _page(request: TsunaguRequest, items: QuerySet[Any], per_page: int) -> Page[Any]:
    paginator: Paginator[Any] = Paginator(items, per_page)
    return paginator.get_page(request.GET.get("page"))


def _query_without_page(request: TsunaguRequest) -> str:
    return urlencode([(k, str(v)) for k, v in request.GET.items() if k != "page" and v])


# --- Residents (no sign-in) -------------------------------------------------------------------


@login_not_required
@require_GET
def public_search(request: TsunaguRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    searched = bool(request.GET)
    page = _page(
        request, selectors.resource_list(filters=form.filters(), public=True), PUBLIC_PER_PAGE
    )
    return render(
        request,
        "directory/pages/public_search.html",
        {"form": form, "page": page, "searched": searched, "query": _query_without_page(request)},
    )


@login_not_required
@require_GET
def public_detail(request: TsunaguRequest, resource_id: Any) -> HttpResponse:
    try:
        resource = selectors.resource_detail(resource_id, public=True)
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "directory/pages/public_detail.html",
        {"resource": resource},
    )


# --- Staff: resources ------------------------------------------------------------------------


def _editable_providers(request: TsunaguRequest) -> QuerySet[Provider]:
    actor = request.actor
    providers = selectors.provider_list()
    if rules.is_keeper(actor):
        return providers
    if actor.organization_id is None:
        return providers.none()
    return providers.filter(organization_id=actor.organization_id)


@require_GET
def resource_list(request: TsunaguRequest) -> HttpResponse:
    form = StaffSearchForm(request.GET or None)
    page = _page(request, selectors.resource_list(filters=form.filters(), public=False), 20)
    actor = request.actor
    return render(
        request,
        "directory/pages/resource_list.html",
        {
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "can_create": rules.can_create_resource(actor)
            and _editable_providers(request).exists(),
            "is_keeper": rules.is_keeper(actor),
        },
    )


def _resource(resource_id: int) -> SocialResource:
    try:
        return selectors.resource_detail(resource_id, public=False)
    except NotFound:
        raise Http404 from None


@require_GET
def resource_detail(request: TsunaguRequest, resource_id: int) -> HttpResponse:
    resource = _resource(resource_id)
    actor = request.actor
    # The resource developments of the meetings app, through `directory.sections`.
    sections = [
        render_to_string(section.template, dict(section.context), request=request)
        for section in resource_sections(actor, resource)
    ]
    return render(
        request,
        "directory/pages/resource_detail.html",
        {
            "resource": resource,
            "can_edit": rules.can_edit_resource(actor, resource),
            "sections": sections,
            "today": timezone.localdate(),
        },
    )


def _formsets(
    request: TsunaguRequest, resource: SocialResource | None
) -> dict[str, BaseFormSet[Any]]:
    data = request.POST if request.method == "POST" else None
    return {
        kind: formset_class(data, prefix=kind, initial=child_initial(resource, kind))
        for kind, (formset_class, _fields) in FORMSETS.items()
    }


def _resource_form_page(
    request: TsunaguRequest,
    *,
    resource: SocialResource | None,
    form: ResourceForm,
    formsets: dict[str, BaseFormSet[Any]],
    status: int,
) -> HttpResponse:
    return render(
        request,
        "directory/pages/resource_form.html",
        {"resource": resource, "form": form, "formsets": formsets},
        status=status,
    )


def _save_resource(
    request: TsunaguRequest,
    resource: SocialResource | None,
    form: ResourceForm,
    formsets: dict[str, BaseFormSet[Any]],
) -> SocialResource:
    data = {k: v for k, v in form.cleaned_data.items() if k not in ("specialties", "version")}
    children = {kind: child_rows(formset) for kind, formset in formsets.items()}
    if resource is None:
        return services.resource_create(
            actor=request.actor,
            data=data,
            specialties=form.cleaned_data["specialties"],
            **children,
        )
    return services.resource_update(
        actor=request.actor,
        resource=resource,
        expected_version=form.cleaned_data.get("version") or resource.version,
        changes=data,
        specialties=form.cleaned_data["specialties"],
        **children,
    )


def _formset_problems(formsets: dict[str, BaseFormSet[Any]]) -> list[str]:
    """The row forms' errors as sentences for the error summary at the top of the page."""
    labels = {
        "locations": _("所在地"),
        "schedules": _("開いている日時"),
        "phones": _("電話番号"),
        "contacts": _("連絡先"),
    }
    problems = []
    for kind, formset in formsets.items():
        if not formset.is_bound:
            continue
        problems += [f"{labels[kind]}: {e}" for e in formset.non_form_errors()]
        for number, row in enumerate(formset.forms, start=1):
            for name, errors in row.errors.items():
                field = row.fields.get(name)
                label = f"{field.label}: " if field is not None and field.label else ""
                where = _("%(kind)s（%(n)d件目）") % {"kind": labels[kind], "n": number}
                problems += [f"{where}: {label}{error}" for error in errors]
    return problems


@require_http_methods(["GET", "POST"])
def resource_create(request: TsunaguRequest) -> HttpResponse:
    back = reverse("directory:resource_list")
    actor = request.actor
    providers = _editable_providers(request)
    if not rules.can_create_resource(actor) or not providers.exists():
        return _refused(
            request,
            Forbidden(
                _(
                    "社会資源を登録できるのは、基幹相談支援センター・市担当課と、"
                    "提供者として登録された組織です。"
                )
            ),
            back,
        )
    return _resource_form(request, None, providers, back)


@require_http_methods(["GET", "POST"])
def resource_edit(request: TsunaguRequest, resource_id: int) -> HttpResponse:
    resource = _resource(resource_id)
    back = reverse("directory:resource_detail", args=[resource.pk])
    if not rules.can_edit_resource(request.actor, resource):
        return _refused(request, Forbidden(_("この社会資源を編集する権限がありません。")), back)
    return _resource_form(request, resource, _editable_providers(request), back)


def _resource_form(
    request: TsunaguRequest,
    resource: SocialResource | None,
    providers: QuerySet[Provider],
    back: str,
) -> HttpResponse:
    formsets = _formsets(request, resource)
    if request.method != "POST":
        initial = {"version": resource.version} if resource else {}
        form = ResourceForm(instance=resource, initial=initial, providers=providers)
        return _resource_form_page(
            request, resource=resource, form=form, formsets=formsets, status=200
        )
    form = ResourceForm(request.POST, instance=resource, providers=providers)
    status = 400
    if form.is_valid() and all(fs.is_valid() for fs in formsets.values()):
        try:
            saved = _save_resource(request, resource, form, formsets)
        except Forbidden as exc:
            return _refused(request, exc, back)
        except Conflict as exc:
            form.add_error(None, exc.message)
            status = 409
        except Invalid as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("社会資源「%(name)s」を保存しました。") % {"name": saved.name}
            )
            return redirect("directory:resource_detail", resource_id=saved.pk)
    for problem in _formset_problems(formsets):
        form.add_error(None, problem)
    if resource is not None:
        # The instance was changed by the failed validation: show what was typed, but keep
        # the header on the saved name.
        resource.refresh_from_db(fields=["name"])
    return _resource_form_page(
        request, resource=resource, form=form, formsets=formsets, status=status
    )


@require_POST
def vacancy_update(request: TsunaguRequest, resource_id: int) -> HttpResponse:
    resource = _resource(resource_id)
    back = reverse("directory:resource_detail", args=[resource.pk])
    raw = request.POST.get("vacancies", "").strip()
    try:
        vacancies = int(raw) if raw else None
        if vacancies is not None and vacancies < 0:
            raise ValueError
    except ValueError:
        messages.error(request, _("空きは0以上の整数で入力してください。"))
        return redirect(back)
    try:
        services.vacancy_update(actor=request.actor, resource=resource, vacancies=vacancies)
    except Forbidden as exc:
        return _refused(request, exc, back)
    except Invalid as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("空きを更新しました（確認日: 今日）。"))
    return redirect(back)


# --- Staff: providers ------------------------------------------------------------------------


@require_GET
def provider_list(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    providers = selectors.provider_list()
    page = _page(request, providers, 30)
    return render(
        request,
        "directory/pages/provider_list.html",
        {
            "page": page,
            "is_keeper": rules.is_keeper(actor),
            "editable": {p.pk for p in page.object_list if rules.can_edit_provider(actor, p)},
        },
    )


@require_http_methods(["GET", "POST"])
def provider_create(request: TsunaguRequest) -> HttpResponse:
    back = reverse("directory:provider_list")
    if not rules.is_keeper(request.actor):
        return _refused(
            request,
            Forbidden(_("提供者を登録できるのは基幹相談支援センターと市担当課です。")),
            back,
        )
    return _provider_form(request, None, back)


@require_http_methods(["GET", "POST"])
def provider_edit(request: TsunaguRequest, provider_id: int) -> HttpResponse:
    try:
        provider = selectors.provider_detail(provider_id)
    except NotFound:
        raise Http404 from None
    back = reverse("directory:provider_list")
    if not rules.can_edit_provider(request.actor, provider):
        return _refused(request, Forbidden(_("この提供者を編集する権限がありません。")), back)
    return _provider_form(request, provider, back)


def _provider_form(request: TsunaguRequest, provider: Provider | None, back: str) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = ProviderForm(request.POST, instance=provider)
        if not rules.is_keeper(request.actor):
            form.fields["organization"].disabled = True
        if form.is_valid():
            try:
                if provider is None:
                    saved = services.provider_create(actor=request.actor, data=form.cleaned_data)
                else:
                    provider.refresh_from_db()
                    saved = services.provider_update(
                        actor=request.actor, provider=provider, changes=form.cleaned_data
                    )
            except Forbidden as exc:
                return _refused(request, exc, back)
            except Invalid as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, _("提供者「%(name)s」を保存しました。") % {"name": saved.name}
                )
                return redirect("directory:provider_list")
        status = 400
    else:
        form = ProviderForm(instance=provider)
        if not rules.is_keeper(request.actor):
            form.fields["organization"].disabled = True
    return render(
        request,
        "directory/pages/provider_form.html",
        {"form": form, "provider": provider},
        status=status,
    )


# --- Staff: HSDS import and export -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
def import_file(request: TsunaguRequest) -> HttpResponse:
    back = reverse("directory:resource_list")
    if not rules.is_keeper(request.actor):
        return _refused(
            request,
            Forbidden(_("取り込みができるのは、基幹相談支援センターと市担当課です。")),
            back,
        )
    report = None
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                report = hsds.directory_import(
                    actor=request.actor, raw=form.cleaned_data["file"].read()
                )
            except Invalid as exc:
                form.add_error("file", exc.message)
                status = 400
            else:
                status = 200 if report.applied else 400
        else:
            status = 400
    else:
        form = ImportForm()
    return render(
        request,
        "directory/pages/import.html",
        {"form": form, "report": report},
        status=status,
    )


@require_GET
def export_file(request: TsunaguRequest) -> HttpResponse:
    """The whole directory as HSDS 3.0 JSON.  `?internal=1` (the core center and the city
    only) keeps internal notes, unpublished resources and internal contacts."""
    include_internal = request.GET.get("internal") == "1"
    if include_internal and not rules.is_keeper(request.actor):
        return _refused(
            request,
            Forbidden(_("職員向けの情報を含む書き出しは、基幹相談支援センターと市担当課です。")),
            reverse("directory:resource_list"),
        )
    document = hsds.directory_export(include_internal=include_internal)
    audit.record(
        action="directory.exported",
        actor=request.actor,
        target_type="directory.export",
        detail={
            "include_internal": include_internal,
            "organizations": len(document["organizations"]),
        },
    )
    suffix = "-internal" if include_internal else ""
    filename = f"tsunagu-directory-hsds{suffix}-{timezone.localdate():%Y%m%d}.json"
    return HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, filename) or ""},
    )
