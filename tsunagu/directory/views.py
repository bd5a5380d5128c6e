"""Screens of the social resource directory: the residents' search (no sign-in) and the staff
screens (list, detail, create, edit, providers, import/export).

Staff read everything; a write that `rules` does not allow answers the 403 page and leaves an
access.denied row.  Directory objects are not person-level data, so a missing object is a
plain 404 without an audit row.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms.formsets import BaseFormSet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.core.errors import Invalid, TsunaguError
from tsunagu.core.http import TsunaguRequest, download
from tsunagu.core.lists import list_screen
from tsunagu.core.screens import action, form_page, posted, screen
from tsunagu.directory import hsds, rules, selectors, services
from tsunagu.directory.forms import (
    FORMSETS,
    ImportForm,
    ProviderForm,
    ResourceForm,
    SearchForm,
    child_initial,
    child_rows,
)
from tsunagu.directory.lists import ProviderFilter, ProviderTable, ResourceFilter, ResourceTable
from tsunagu.directory.models import Provider, SocialResource
from tsunagu.directory.screens import recorded, refused
from tsunagu.directory.sections import resource_sections

PUBLIC_PER_PAGE = 10


def _query_without_page(request: TsunaguRequest) -> str:
    return urlencode([(k, str(v)) for k, v in request.GET.items() if k != "page" and v])


# --- Residents (no sign-in) -------------------------------------------------------------------


@login_not_required
@screen("GET")
def public_search(request: TsunaguRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    searched = bool(request.GET)
    resources = selectors.resource_list(filters=form.filters(), public=True)
    page = Paginator(resources, PUBLIC_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "directory/pages/public_search.html",
        {"form": form, "page": page, "searched": searched, "query": _query_without_page(request)},
    )


@login_not_required
@screen("GET")
def public_detail(request: TsunaguRequest, resource_id: Any) -> HttpResponse:
    resource = selectors.resource_detail(resource_id, public=True)
    return render(request, "directory/pages/public_detail.html", {"resource": resource})


# --- Staff: resources ------------------------------------------------------------------------


def _editable_providers(request: TsunaguRequest) -> QuerySet[Provider]:
    actor = request.actor
    providers = selectors.provider_list()
    if rules.is_keeper(actor):
        return providers
    if actor.organization_id is None:
        return providers.none()
    return providers.filter(organization_id=actor.organization_id)


@screen("GET")
def resource_list(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    return list_screen(
        request,
        rows=selectors.resource_rows(),
        filters=ResourceFilter,
        table=ResourceTable,
        template="directory/pages/resource_list.html",
        context={
            "can_create": rules.can_create_resource(actor)
            and _editable_providers(request).exists(),
            "is_keeper": rules.is_keeper(actor),
        },
    )


@screen("GET")
def resource_detail(request: TsunaguRequest, resource_id: int) -> HttpResponse:
    resource = selectors.resource_detail(resource_id, public=False)
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


@screen("GET", "POST")
def resource_create(request: TsunaguRequest) -> HttpResponse:
    back = reverse("directory:resource_list")
    providers = _editable_providers(request)
    if not rules.can_create_resource(request.actor) or not providers.exists():
        return refused(
            request,
            _(
                "社会資源を登録できるのは、基幹相談支援センター・市担当課と、"
                "提供者として登録された組織です。"
            ),
            back,
        )
    return _resource_form(request, None, providers, back)


@screen("GET", "POST")
def resource_edit(request: TsunaguRequest, resource_id: int) -> HttpResponse:
    resource = selectors.resource_detail(resource_id, public=False)
    back = reverse("directory:resource_detail", args=[resource.pk])
    if not rules.can_edit_resource(request.actor, resource):
        return refused(request, _("この社会資源を編集する権限がありません。"), back)
    return _resource_form(request, resource, _editable_providers(request), back)


def _resource_form(
    request: TsunaguRequest,
    resource: SocialResource | None,
    providers: QuerySet[Provider],
    back: str,
) -> HttpResponse:
    formsets: dict[str, BaseFormSet[Any]] = {
        kind: formset_class(posted(request), prefix=kind, initial=child_initial(resource, kind))
        for kind, (formset_class, _fields) in FORMSETS.items()
    }
    initial = {"version": resource.version} if resource else {}
    form = ResourceForm(posted(request), instance=resource, initial=initial, providers=providers)

    def save(data: dict[str, Any]) -> SocialResource:
        changes = {k: v for k, v in data.items() if k not in ("specialties", "version")}
        given: dict[str, Any] = {
            "specialties": data["specialties"],
            **{kind: child_rows(formset) for kind, formset in formsets.items()},
        }
        if resource is None:
            return services.resource_create(actor=request.actor, data=changes, **given)
        return services.resource_update(
            actor=request.actor,
            resource=resource,
            expected_version=data.get("version") or resource.version,
            changes=changes,
            **given,
        )

    def shown_again(form: ResourceForm) -> None:
        for problem in _formset_problems(formsets):
            form.add_error(None, problem)
        if resource is not None:
            # The instance was changed by the failed validation: show what was typed, but keep
            # the header on the saved name.
            resource.refresh_from_db(fields=["name"])

    return form_page(
        request,
        form,
        "directory/pages/resource_form.html",
        save=recorded(request, save),
        done=lambda saved: redirect("directory:resource_detail", resource_id=saved.pk),
        context={"resource": resource, "formsets": formsets},
        back=back,
        valid=lambda: all(fs.is_valid() for fs in formsets.values()),
        invalid=shown_again,
        success=lambda saved: _("社会資源「%(name)s」を保存しました。") % {"name": saved.name},
    )


@screen("POST")
def vacancy_update(request: TsunaguRequest, resource_id: int) -> HttpResponse:
    resource = selectors.resource_detail(resource_id, public=False)
    back = reverse("directory:resource_detail", args=[resource.pk])

    def update() -> SocialResource:
        raw = request.POST.get("vacancies", "").strip()
        try:
            vacancies = int(raw) if raw else None
            if vacancies is not None and vacancies < 0:
                raise ValueError
        except ValueError:
            raise Invalid(_("空きは0以上の整数で入力してください。")) from None
        return services.vacancy_update(actor=request.actor, resource=resource, vacancies=vacancies)

    return action(
        request,
        recorded(request, update),
        to=back,
        back=back,
        success=_("空きを更新しました（確認日: 今日）。"),
    )


# --- Staff: providers ------------------------------------------------------------------------


@screen("GET")
def provider_list(request: TsunaguRequest) -> HttpResponse:
    return list_screen(
        request,
        rows=selectors.provider_rows(),
        filters=ProviderFilter,
        table=ProviderTable,
        template="directory/pages/provider_list.html",
        context={"is_keeper": rules.is_keeper(request.actor)},
    )


@screen("GET", "POST")
def provider_create(request: TsunaguRequest) -> HttpResponse:
    back = reverse("directory:provider_list")
    if not rules.is_keeper(request.actor):
        return refused(
            request,
            _("提供者を登録できるのは基幹相談支援センターと市担当課です。"),
            back,
        )
    return _provider_form(request, None, back)


@screen("GET", "POST")
def provider_edit(request: TsunaguRequest, provider_id: int) -> HttpResponse:
    provider = selectors.provider_detail(provider_id)
    back = reverse("directory:provider_list")
    if not rules.can_edit_provider(request.actor, provider):
        return refused(request, _("この提供者を編集する権限がありません。"), back)
    return _provider_form(request, provider, back)


def _provider_form(request: TsunaguRequest, provider: Provider | None, back: str) -> HttpResponse:
    form = ProviderForm(posted(request), instance=provider)
    if not rules.is_keeper(request.actor):
        form.fields["organization"].disabled = True

    def save(data: dict[str, Any]) -> Provider:
        if provider is None:
            return services.provider_create(actor=request.actor, data=data)
        provider.refresh_from_db()
        return services.provider_update(actor=request.actor, provider=provider, changes=data)

    return form_page(
        request,
        form,
        "directory/pages/provider_form.html",
        save=recorded(request, save),
        done=lambda saved: redirect("directory:provider_list"),
        context={"provider": provider},
        back=back,
        success=lambda saved: _("提供者「%(name)s」を保存しました。") % {"name": saved.name},
    )


# --- Staff: HSDS import and export -----------------------------------------------------------


@screen("GET", "POST")
def import_file(request: TsunaguRequest) -> HttpResponse:
    back = reverse("directory:resource_list")
    if not rules.is_keeper(request.actor):
        return refused(
            request,
            _("取り込みができるのは、基幹相談支援センターと市担当課です。"),
            back,
        )
    shown: dict[str, Any] = {"report": None}

    def file_refused(form: ImportForm, exc: TsunaguError) -> tuple[ImportForm, int] | None:
        form.add_error("file", exc.message)
        return form, 400

    def imported(report: hsds.ImportReport) -> HttpResponse:
        shown.update(form=form, report=report)
        status = 200 if report.applied else 400
        return render(request, "directory/pages/import.html", shown, status=status)

    form = ImportForm(posted(request), request.FILES or None)
    return form_page(
        request,
        form,
        "directory/pages/import.html",
        save=lambda data: hsds.directory_import(actor=request.actor, raw=data["file"].read()),
        done=imported,
        context=shown,
        back=back,
        rescue=file_refused,
    )


@screen("GET")
def export_file(request: TsunaguRequest) -> HttpResponse:
    """The whole directory as HSDS 3.0 JSON.  `?internal=1` (the core center and the city
    only) keeps internal notes, unpublished resources and internal contacts."""
    include_internal = request.GET.get("internal") == "1"
    if include_internal and not rules.is_keeper(request.actor):
        return refused(
            request,
            _("職員向けの情報を含む書き出しは、基幹相談支援センターと市担当課です。"),
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
    return download(
        json.dumps(document, ensure_ascii=False, indent=2).encode(),
        filename=filename,
        content_type="application/json; charset=utf-8",
    )
