"""The HSDS 3.0 API's required endpoints, public and read-only (schema/openapi.json of HSDS).

Plain views rather than a second NinjaAPI: the bodies are HSDS documents built by
`tsunagu.directory.hsds`, exactly as the HSDS schemas shape them, and nothing here takes input
beyond query parameters.  Only published resources appear, without internal notes, phones or
contacts.  Errors use the project's shape, `{"error": {"code", "message"}}`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tsunagu.core.errors import NotFound
from tsunagu.directory import hsds, selectors
from tsunagu.directory.models import Provider, SocialResource, TaxonomyTerm
from tsunagu.directory.taxonomy import TAXONOMIES

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100


class BadRequest(Exception):
    pass


def _json(body: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _error(status: int, code: str, message: str) -> JsonResponse:
    return _json({"error": {"code": code, "message": message}}, status=status)


def _public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except BadRequest as exc:
            response = _error(400, "bad_request", str(exc))
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return login_not_required(require_GET(wrapped))


def _flag(request: HttpRequest, name: str) -> bool:
    value = request.GET.get(name, "").lower()
    if value in ("", "false", "0"):
        return False
    if value in ("true", "1"):
        return True
    raise BadRequest(_("%(name)s は true か false で指定してください。") % {"name": name})


def _positive(request: HttpRequest, name: str, default: int) -> int:
    raw = request.GET.get(name, "")
    if not raw:
        return default
    try:
        number = int(raw)
    except ValueError:
        number = 0
    if number < 1:
        raise BadRequest(_("%(name)s は1以上の整数で指定してください。") % {"name": name})
    return number


def _uuid(value: str, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise BadRequest(
            _("%(name)s はHSDSのID（UUID）で指定してください。") % {"name": name}
        ) from None


def _paged(request: HttpRequest, items: QuerySet[Any], render: Callable[[Any], Any]) -> Any:
    """HSDS 3.0's Page: total_items, total_pages, page_number, size, first_page, last_page,
    empty, contents."""
    page = _positive(request, "page", 1)
    per_page = min(_positive(request, "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
    total = items.count()
    pages = max(math.ceil(total / per_page), 1)
    contents = [render(item) for item in items[(page - 1) * per_page : page * per_page]]
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": not contents,
        "contents": contents,
    }


def _listed(
    request: HttpRequest, items: QuerySet[Any], render: Callable[[Any], Any]
) -> HttpResponse:
    """`items` as `?format=`: json (an HSDS Page, `_paged`) or ndjson (every item, a line each)."""
    value = request.GET.get("format", "json") or "json"
    if value not in ("json", "ndjson"):
        raise BadRequest(_("format は json か ndjson で指定してください。"))
    if value == "ndjson":
        body = "".join(json.dumps(render(item), ensure_ascii=False) + "\n" for item in items)
        return HttpResponse(body, content_type="application/x-ndjson; charset=utf-8")
    return _json(_paged(request, items, render))


@_public
def api_root(request: HttpRequest) -> HttpResponse:
    """getAPIMetaInformation."""
    return _json(
        {
            "version": hsds.HSDS_VERSION,
            "profile": "https://openreferral.org/",
            "openapi_url": "https://raw.githubusercontent.com/openreferral/specification/3.0/"
            "schema/openapi.json",
            "name": _("つなぐ 社会資源ディレクトリ（HSDS 3.0）"),
            "services_url": request.build_absolute_uri(reverse("hsds:service_list")),
            "organizations_url": request.build_absolute_uri(reverse("hsds:organization_list")),
        }
    )


def _services(request: HttpRequest) -> QuerySet[SocialResource]:
    resources = selectors.resource_list(
        filters=selectors.ResourceFilters(q=request.GET.get("search", "")), public=True
    )
    term_id = request.GET.get("taxonomy_term_id", "")
    if term_id:
        ids = [_uuid(part.strip(), "taxonomy_term_id") for part in term_id.split(",") if part]
        resources = resources.filter(
            Q(service_type__hsds_id__in=ids) | Q(specialties__hsds_id__in=ids)
        )
    taxonomy_id = request.GET.get("taxonomy_id", "")
    if taxonomy_id:
        wanted = str(_uuid(taxonomy_id, "taxonomy_id"))
        keys = [t.key for t in TAXONOMIES.values() if t.hsds_id == wanted]
        if not keys:
            return resources.none()
        terms = TaxonomyTerm.objects.filter(taxonomy=keys[0])
        resources = resources.filter(Q(service_type__in=terms) | Q(specialties__in=terms))
    organization_id = request.GET.get("organization_id", "")
    if organization_id:
        resources = resources.filter(provider__hsds_id=_uuid(organization_id, "organization_id"))
    modified_after = request.GET.get("modified_after", "")
    if modified_after:
        moment = parse_datetime(modified_after)
        if moment is None:
            raise BadRequest(_("modified_after は ISO 8601 の日時で指定してください。"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        resources = resources.filter(updated_at__gte=moment)
    return resources.distinct().order_by("name_kana", "name", "pk")


@_public
def service_list(request: HttpRequest) -> HttpResponse:
    """getPaginatedListOfServices: one-to-one fields, or `full=true` fully nested,
    or `minimal=true` only id and last_modified."""
    resources = _services(request)
    if _flag(request, "minimal"):
        return _listed(request, resources, _minimal)
    if _flag(request, "full"):
        return _listed(request, resources, hsds.service_json)
    return _listed(request, resources, hsds.service_one_to_one)


def _minimal(resource: SocialResource) -> dict[str, Any]:
    one = hsds.service_one_to_one(resource)
    return {"id": one["id"], "last_modified": one["last_modified"]}


@_public
def service_detail(request: HttpRequest, service_id: str) -> HttpResponse:
    """getFullyNestedServiceById."""
    try:
        resource = selectors.resource_detail(_uuid(service_id, "id"), public=True)
    except (BadRequest, NotFound):
        return _error(404, "not_found", _("サービスが見つかりません。"))
    return _json(hsds.service_json(resource))


def _public_providers() -> QuerySet[Provider]:
    public_ids = SocialResource.objects.public().values("provider_id")
    return selectors.provider_list().filter(pk__in=public_ids).order_by("name_kana", "name", "pk")


def _services_of(provider: Provider, *, full: bool) -> list[dict[str, Any]]:
    resources = selectors.resource_list(
        filters=selectors.ResourceFilters(provider=provider), public=True
    )
    if full:
        return [hsds.service_json(r, with_organization=False) for r in resources]
    return [hsds.service_one_to_one(r) for r in resources]


@_public
def organization_list(request: HttpRequest) -> HttpResponse:
    """getPaginatedListOfOrganizations: basic information, or `full=true` with the services
    (`full_service=true`: fully nested services)."""
    providers = _public_providers()
    full = _flag(request, "full")
    full_service = _flag(request, "full_service")

    def render(p: Provider) -> dict[str, Any]:
        services = _services_of(p, full=full_service) if full or full_service else None
        return hsds.organization_json(p, services=services)

    return _listed(request, providers, render)


@_public
def organization_detail(request: HttpRequest, organization_id: str) -> HttpResponse:
    """getFullyNestedOrganizationById: the organization with its services (one-to-one
    fields; `full_service=true` fully nested)."""
    try:
        provider = _public_providers().get(hsds_id=_uuid(organization_id, "id"))
    except (BadRequest, Provider.DoesNotExist):
        return _error(404, "not_found", _("組織が見つかりません。"))
    full_service = _flag(request, "full_service")
    return _json(
        hsds.organization_json(provider, services=_services_of(provider, full=full_service))
    )
