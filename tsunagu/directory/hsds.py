"""The directory as Open Referral HSDS 3.0 JSON: export, schema validation, import.

An export file is `{"hsds_version": "3.0", "organizations": [...]}`: every provider as an HSDS
organization with its services fully nested under `services` (each service also validates
on its own against service.json).  Import also takes a list of organizations, a list of
services each with its `organization` nested, or an HSDS API page (`{"contents": [...]}`).

What HSDS 3.0 has no field for (定員, 空き, 見学・体験, the area code) travels as attributes
whose taxonomy term says what the value means (tsunagu/directory/taxonomy.py, FACTS).  The
public API and the public export never contain the internal note, unpublished resources, or
phones and contacts marked internal; the staff export (`include_internal=True`) marks them
with attributes so that a round trip keeps them.

The schemas are the per-object files of HSDS 3.0 copied into tsunagu/directory/hsds/
(CC BY-SA 4.0, see the README there).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Forbidden, Invalid
from tsunagu.directory import rules, selectors, services
from tsunagu.directory.models import (
    Contact,
    Location,
    Phone,
    PhoneKind,
    Provider,
    ResourceStatus,
    Schedule,
    SocialResource,
    Taxonomy,
    TaxonomyTerm,
)
from tsunagu.directory.taxonomy import (
    FACT_ACCEPTS_TRIAL,
    FACT_ACCEPTS_VISITS,
    FACT_AREA,
    FACT_CAPACITY,
    FACT_INTERNAL,
    FACT_INTERNAL_NOTE,
    FACT_UNPUBLISHED,
    FACT_VACANCIES,
    FACT_VACANCIES_CONFIRMED_ON,
    FACT_VISIT_NOTE,
    FACTS,
    FACTS_BY_CODE,
    TAXONOMIES,
    FactSpec,
    derived_id,
)
from tsunagu.organizations.models import Area, Organization

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator, ValidationError
    from referencing import Registry

HSDS_VERSION = "3.0"
SCHEMA_DIR = Path(__file__).resolve().parent / "hsds"
IDENTIFIER_SCHEME = "tsunagu"
MAX_IMPORT_BYTES = 20 * 1024 * 1024


# --- Schema validation ------------------------------------------------------------------------


@cache
def _registry() -> Registry[Any]:
    # jsonschema and referencing are imported on the first import or export, not by every
    # worker when the URLconf loads (ADR 0007).
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((path.name, Resource.from_contents(contents, DRAFT202012)))
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> Draft202012Validator:
    """The Draft 2020-12 validator of one HSDS schema (`service`, `organization`, ...), its
    `$ref`s resolved among the copied files, formats (uuid, email, date-time) checked."""
    from jsonschema import Draft202012Validator, FormatChecker

    schema = _registry().contents(f"{name}.json")
    return Draft202012Validator(schema, registry=_registry(), format_checker=FormatChecker())


_TYPES = {
    "string": gettext_lazy("文字列"),
    "number": gettext_lazy("数値"),
    "integer": gettext_lazy("整数"),
    "array": gettext_lazy("配列"),
    "object": gettext_lazy("オブジェクト"),
    "boolean": gettext_lazy("真偽値"),
}


def _japanese(error: ValidationError) -> str:
    """jsonschema's message in Japanese for the usual mistakes; the original otherwise."""
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in (error.instance or {})]
        return _("必須の項目 %(names)s がありません") % {"names": "、".join(missing)}
    if error.validator == "format":
        return _("「%(value)s」は %(format)s の形式ではありません") % {
            "value": error.instance,
            "format": error.validator_value,
        }
    if error.validator == "enum":
        return _("「%(value)s」は使えません（%(allowed)s のどれか）") % {
            "value": error.instance,
            "allowed": "、".join(str(v) for v in error.validator_value),
        }
    if error.validator == "type":
        expected = error.validator_value
        names = expected if isinstance(expected, list) else [expected]
        return _("%(type)sでなければなりません") % {
            "type": "・".join(str(_TYPES.get(str(n), n)) for n in names)
        }
    return str(error.message)


def schema_errors(name: str, document: Any) -> list[str]:
    """Every way `document` breaks the HSDS schema `name`, as "path: message" in Japanese."""
    found = []
    for error in sorted(validator(name).iter_errors(document), key=lambda e: list(e.path)):
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.path)
        found.append(f"{where.lstrip('.') or _('（全体）')}: {_japanese(error)}")
    return found


# --- Export -----------------------------------------------------------------------------------


def _put(out: dict[str, Any], key: str, value: object) -> None:
    """Only what has a value: HSDS fields are optional, and "" is not a valid uri or email."""
    if value not in (None, "", []):
        out[key] = value


def _taxonomy_term_json(
    *, hsds_id: str, code: str, name: str, taxonomy_key: str, description: str = ""
) -> dict[str, Any]:
    taxonomy = TAXONOMIES[taxonomy_key]
    return {
        "id": hsds_id,
        "code": code,
        "name": name,
        "description": description,
        "taxonomy": taxonomy.key,
        "taxonomy_id": taxonomy.hsds_id,
        "taxonomy_detail": {
            "id": taxonomy.hsds_id,
            "name": taxonomy.name,
            "description": taxonomy.description,
        },
        "language": "ja",
    }


def _term_attribute(link_id: str, link_type: str, term: TaxonomyTerm) -> dict[str, Any]:
    term_id = str(term.hsds_id)
    return {
        "id": derived_id("attribute", link_id, term_id),
        "link_id": link_id,
        "link_type": link_type,
        "link_entity": link_type,
        "taxonomy_term_id": term_id,
        "taxonomy_term": _taxonomy_term_json(
            hsds_id=term_id,
            code=term.code,
            name=term.name,
            taxonomy_key=term.taxonomy,
            description=term.description,
        ),
    }


def _fact_attribute(link_id: str, link_type: str, fact: FactSpec, value: str) -> dict[str, Any]:
    return {
        "id": derived_id("attribute", link_id, fact.hsds_id),
        "link_id": link_id,
        "link_type": link_type,
        "link_entity": link_type,
        "taxonomy_term_id": fact.hsds_id,
        "taxonomy_term": _taxonomy_term_json(
            hsds_id=fact.hsds_id, code=fact.code, name=fact.name, taxonomy_key=FACTS.key
        ),
        "value": value,
    }


def _time(value: dt.time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


def _location_json(location: Location, provider_id: str) -> dict[str, Any]:
    location_id = str(location.hsds_id)
    out: dict[str, Any] = {"id": location_id, "location_type": "physical"}
    out["organization_id"] = provider_id
    _put(out, "name", location.name)
    _put(out, "transportation", location.transportation)
    if location.latitude is not None:
        out["latitude"] = float(location.latitude)
    if location.longitude is not None:
        out["longitude"] = float(location.longitude)
    if location.address or location.city or location.postal_code:
        out["addresses"] = [
            {
                "id": derived_id("address", location_id),
                "location_id": location_id,
                "address_1": location.address,
                "city": location.city,
                "region": location.area.name if location.area else "",
                "state_province": location.prefecture,
                "postal_code": location.postal_code,
                "country": "JP",
                "address_type": "physical",
            }
        ]
    if location.accessibility:
        out["accessibility"] = [
            {
                "id": derived_id("accessibility", location_id),
                "location_id": location_id,
                "description": location.accessibility,
            }
        ]
    if location.area is not None:
        out["attributes"] = [
            _fact_attribute(location_id, "location", FACT_AREA, location.area.code)
        ]
    return out


def _schedule_json(schedule: Schedule, service_id: str) -> dict[str, Any]:
    out: dict[str, Any] = {"id": str(schedule.hsds_id), "service_id": service_id}
    if schedule.weekday_list:
        out["freq"] = "WEEKLY"
        out["wkst"] = "MO"
        out["byday"] = ",".join(schedule.weekday_list)
    _put(out, "opens_at", _time(schedule.opens_at))
    _put(out, "closes_at", _time(schedule.closes_at))
    _put(out, "description", schedule.description)
    return out


def _phone_json(phone: Phone, service_id: str, include_internal: bool) -> dict[str, Any]:
    phone_id = str(phone.hsds_id)
    out: dict[str, Any] = {
        "id": phone_id,
        "service_id": service_id,
        "number": phone.number,
        "type": phone.kind,
    }
    _put(out, "description", phone.description)
    if include_internal and phone.is_internal:
        out["attributes"] = [_fact_attribute(phone_id, "phone", FACT_INTERNAL, "true")]
    return out


def _contact_json(contact: Contact, service_id: str, include_internal: bool) -> dict[str, Any]:
    contact_id = str(contact.hsds_id)
    out: dict[str, Any] = {"id": contact_id, "service_id": service_id, "name": contact.name}
    _put(out, "title", contact.title)
    _put(out, "department", contact.department)
    _put(out, "email", contact.email)
    if contact.phone:
        out["phones"] = [
            {
                "id": derived_id("phone", contact_id),
                "contact_id": contact_id,
                "number": contact.phone,
            }
        ]
    if include_internal and contact.is_internal:
        out["attributes"] = [_fact_attribute(contact_id, "contact", FACT_INTERNAL, "true")]
    return out


def _service_facts(resource: SocialResource, include_internal: bool) -> list[tuple[FactSpec, str]]:
    facts: list[tuple[FactSpec, str]] = []
    if resource.capacity is not None:
        facts.append((FACT_CAPACITY, str(resource.capacity)))
    if resource.vacancies is not None:
        facts.append((FACT_VACANCIES, str(resource.vacancies)))
    if resource.vacancies_confirmed_on is not None:
        facts.append((FACT_VACANCIES_CONFIRMED_ON, resource.vacancies_confirmed_on.isoformat()))
    facts.append((FACT_ACCEPTS_VISITS, "true" if resource.accepts_visits else "false"))
    facts.append((FACT_ACCEPTS_TRIAL, "true" if resource.accepts_trial else "false"))
    if resource.visit_note:
        facts.append((FACT_VISIT_NOTE, resource.visit_note))
    if include_internal:
        if resource.internal_note:
            facts.append((FACT_INTERNAL_NOTE, resource.internal_note))
        if not resource.is_published:
            facts.append((FACT_UNPUBLISHED, "true"))
    return facts


def service_one_to_one(resource: SocialResource) -> dict[str, Any]:
    """The service's own fields (HSDS service_list: no arrays)."""
    out: dict[str, Any] = {
        "id": str(resource.hsds_id),
        "organization_id": str(resource.provider.hsds_id),
        "name": resource.name,
        "status": resource.status,
    }
    _put(out, "alternate_name", resource.name_kana)
    _put(out, "description", resource.description)
    _put(out, "url", resource.url)
    _put(out, "email", resource.email)
    _put(out, "application_process", resource.application_process)
    _put(out, "fees_description", resource.fees_description)
    _put(out, "eligibility_description", resource.eligibility_description)
    _put(out, "minimum_age", resource.minimum_age)
    _put(out, "maximum_age", resource.maximum_age)
    out["last_modified"] = resource.updated_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return out


def service_json(
    resource: SocialResource, *, include_internal: bool = False, with_organization: bool = True
) -> dict[str, Any]:
    """The fully nested HSDS service.  `resource` comes from the selectors (children
    prefetched; for the public, internal phones and contacts already left out)."""
    service_id = str(resource.hsds_id)
    provider_id = str(resource.provider.hsds_id)
    out = service_one_to_one(resource)
    phones = [p for p in resource.phones.all() if include_internal or not p.is_internal]
    contacts = [c for c in resource.contacts.all() if include_internal or not c.is_internal]
    _put(out, "phones", [_phone_json(p, service_id, include_internal) for p in phones])
    _put(out, "schedules", [_schedule_json(s, service_id) for s in resource.schedules.all()])
    out["service_at_locations"] = [
        {
            "id": derived_id("service_at_location", service_id, location.hsds_id),
            "service_id": service_id,
            "location_id": str(location.hsds_id),
            "location": _location_json(location, provider_id),
        }
        for location in resource.locations.all()
    ]
    _put(out, "contacts", [_contact_json(c, service_id, include_internal) for c in contacts])
    attributes = [_term_attribute(service_id, "service", resource.service_type)]
    attributes += [_term_attribute(service_id, "service", t) for t in resource.specialties.all()]
    attributes += [
        _fact_attribute(service_id, "service", fact, value)
        for fact, value in _service_facts(resource, include_internal)
    ]
    out["attributes"] = attributes
    if with_organization:
        out["organization"] = organization_json(resource.provider)
    return out


def organization_json(
    provider: Provider, *, services: Iterable[dict[str, Any]] | None = None
) -> dict[str, Any]:
    provider_id = str(provider.hsds_id)
    out: dict[str, Any] = {
        "id": provider_id,
        "name": provider.name,
        "description": provider.description,
    }
    _put(out, "alternate_name", provider.name_kana)
    _put(out, "email", provider.email)
    _put(out, "website", provider.website)
    if provider.phone:
        out["phones"] = [
            {
                "id": derived_id("phone", provider_id),
                "organization_id": provider_id,
                "number": provider.phone,
            }
        ]
    if provider.organization is not None:
        out["organization_identifiers"] = [
            {
                "id": derived_id("identifier", provider_id),
                "organization_id": provider_id,
                "identifier_scheme": IDENTIFIER_SCHEME,
                "identifier_type": "つなぐ組織コード",
                "identifier": provider.organization.code,
            }
        ]
    if services is not None:
        out["services"] = list(services)
    return out


def directory_export(*, include_internal: bool) -> dict[str, Any]:
    """Every provider with its services.  Without `include_internal`, only what residents
    may see (published resources; no internal notes, phones or contacts)."""
    resources = selectors.resource_list(
        filters=selectors.ResourceFilters(), public=not include_internal
    ).order_by("hsds_id")
    by_provider: dict[int, list[dict[str, Any]]] = {}
    for resource in resources:
        by_provider.setdefault(resource.provider_id, []).append(
            service_json(resource, include_internal=include_internal, with_organization=False)
        )
    providers = selectors.provider_list().order_by("hsds_id")
    if not include_internal:
        providers = providers.filter(pk__in=list(by_provider))
    return {
        "hsds_version": HSDS_VERSION,
        "generator": "Tsunagu",
        "organizations": [
            organization_json(p, services=by_provider.get(p.pk, [])) for p in providers
        ],
    }


def canonical(document: Any) -> Any:
    """A form of an HSDS document for comparing directories: lists sorted by id, and
    `last_modified` (the time of the last save, which an import cannot keep) left out."""
    if isinstance(document, dict):
        return {k: canonical(v) for k, v in sorted(document.items()) if k != "last_modified"}
    if isinstance(document, list):
        items = [canonical(v) for v in document]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return document


# --- Import -----------------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import did or would have done, in sentences for the person who uploaded it."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    applied: bool = False

    def summary(self) -> str:
        if not self.applied:
            return _(
                "取り込みませんでした（%(refused)d件の問題があります）。"
                "問題をすべて直してから、もう一度取り込んでください。何も変更していません。"
            ) % {"refused": len(self.refused)}
        return _("取り込みました: 新規 %(created)d件、更新 %(updated)d件。") % {
            "created": len(self.created),
            "updated": len(self.updated),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "applied": self.applied,
            "summary": self.summary(),
            "created": self.created,
            "updated": self.updated,
            "refused": self.refused,
            "notices": self.notices,
        }


class _Refused(Exception):
    """Raised inside the import's transaction so that nothing of a refused file stays."""


def _parse(raw: bytes | str) -> Any:
    if isinstance(raw, bytes):
        if len(raw) > MAX_IMPORT_BYTES:
            raise Invalid(_("ファイルが大きすぎます（20MBまで）。"))
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Invalid(_("ファイルがUTF-8のJSONではありません。")) from None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise Invalid(
            _("JSONとして読めません（%(line)d行目 %(col)d文字目: %(msg)s）。")
            % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}
        ) from None


def _organizations_of(document: Any) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """(organization, its services) from any of the shapes import accepts."""
    if isinstance(document, dict) and isinstance(document.get("organizations"), list):
        items: list[Any] = document["organizations"]
    elif isinstance(document, dict) and isinstance(document.get("contents"), list):
        items = document["contents"]
    elif isinstance(document, list):
        items = document
    else:
        raise Invalid(
            _(
                "HSDSのファイルとして読めません。"
                "organizations の配列、組織の配列、またはサービスの配列を含むJSONを選んでください。"
            )
        )
    organizations: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
    order: list[str] = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise Invalid(_("%(n)d件目がJSONのオブジェクトではありません。") % {"n": index})
        if "status" in item and isinstance(item.get("organization"), dict):
            organization = item["organization"]
            service = {k: v for k, v in item.items() if k != "organization"}
            key = str(organization.get("id"))
            if key not in organizations:
                organizations[key] = (organization, [])
                order.append(key)
            organizations[key][1].append(service)
        elif "status" in item:
            raise Invalid(
                _("%(n)d件目のサービスに organization（提供する組織）がありません。") % {"n": index}
            )
        else:
            key = str(item.get("id"))
            services_of = item.get("services") or []
            if not isinstance(services_of, list):
                raise Invalid(_("%(n)d件目の組織の services が配列ではありません。") % {"n": index})
            organization = {k: v for k, v in item.items() if k != "services"}
            if key in organizations:
                organizations[key][1].extend(services_of)
            else:
                organizations[key] = (organization, list(services_of))
                order.append(key)
    return [organizations[key] for key in order]


def _facts(attributes: Iterable[Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for attribute in attributes:
        term_id = str(attribute.get("taxonomy_term_id") or "")
        for fact in FACTS_BY_CODE.values():
            if term_id == fact.hsds_id:
                found[fact.code] = str(attribute.get("value") or "")
    return found


def _terms_of(attributes: Iterable[Any], terms: Mapping[str, TaxonomyTerm]) -> list[TaxonomyTerm]:
    found = []
    for attribute in attributes:
        term = terms.get(str(attribute.get("taxonomy_term_id") or ""))
        if term is None and isinstance(attribute.get("taxonomy_term"), dict):
            term = terms.get("code:" + str(attribute["taxonomy_term"].get("code") or ""))
        if term is not None:
            found.append(term)
    return found


def _bool(value: str) -> bool:
    return value.strip().lower() in ("true", "1", "yes")


def _int(value: str | None, label: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value))
    except ValueError:
        raise Invalid(
            _("%(label)sが整数ではありません: %(v)s") % {"label": label, "v": value}
        ) from None
    if number < 0:
        raise Invalid(_("%(label)sが負の数です: %(v)s") % {"label": label, "v": value})
    return number


def _date(value: str | None, label: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise Invalid(
            _("%(label)sが日付ではありません: %(v)s") % {"label": label, "v": value}
        ) from None


def _clock(value: Any, label: str) -> dt.time | None:
    if not value:
        return None
    try:
        return dt.time.fromisoformat(str(value)[:8])
    except ValueError:
        raise Invalid(
            _("%(label)sが時刻ではありません: %(v)s") % {"label": label, "v": value}
        ) from None


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise Invalid(_("緯度・経度が数値ではありません: %(v)s") % {"v": value}) from None


def _is_internal(item: Mapping[str, Any]) -> bool:
    return _bool(_facts(item.get("attributes") or []).get(FACT_INTERNAL.code, "false"))


def _location_rows(
    service: Mapping[str, Any], areas: Mapping[str, Area], report: ImportReport, where: str
) -> list[dict[str, Any]]:
    rows = []
    for link in service.get("service_at_locations") or []:
        location = link.get("location")
        if not isinstance(location, dict):
            continue  # a link to a location not in the file: nothing to show residents
        address = (location.get("addresses") or [{}])[0]
        code = _facts(location.get("attributes") or []).get(FACT_AREA.code, "")
        area = areas.get(code) if code else None
        if area is None and address.get("region"):
            area = areas.get("name:" + str(address["region"]))
        if area is None and (code or address.get("region")):
            report.notices.append(
                _("%(where)s: 地域「%(area)s」はつなぐにないため、地域なしで取り込みます。")
                % {"where": where, "area": code or address.get("region")}
            )
        accessibility = location.get("accessibility") or []
        rows.append(
            {
                "hsds_id": location["id"],
                "name": location.get("name") or "",
                "postal_code": address.get("postal_code") or "",
                "prefecture": address.get("state_province") or "",
                "city": address.get("city") or "",
                "address": " ".join(
                    part for part in (address.get("address_1"), address.get("address_2")) if part
                ),
                "area": area,
                "latitude": _decimal(location.get("latitude")),
                "longitude": _decimal(location.get("longitude")),
                "transportation": location.get("transportation") or "",
                "accessibility": "\n".join(
                    a.get("description") or "" for a in accessibility if a.get("description")
                ),
            }
        )
    return rows


def _schedule_rows(service: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "hsds_id": schedule["id"],
            "weekdays": ",".join(
                day.strip() for day in str(schedule.get("byday") or "").split(",") if day.strip()
            ),
            "opens_at": _clock(schedule.get("opens_at"), _("開始時刻")),
            "closes_at": _clock(schedule.get("closes_at"), _("終了時刻")),
            "description": schedule.get("description") or "",
        }
        for schedule in service.get("schedules") or []
    ]


def _phone_rows(service: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "hsds_id": phone["id"],
            "number": phone["number"],
            "kind": phone.get("type") if phone.get("type") in PhoneKind.values else "voice",
            "description": phone.get("description") or "",
            "is_internal": _is_internal(phone),
        }
        for phone in service.get("phones") or []
    ]


def _contact_rows(service: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for contact in service.get("contacts") or []:
        phones = contact.get("phones") or []
        rows.append(
            {
                "hsds_id": contact["id"],
                "name": contact.get("name") or contact.get("department") or _("窓口"),
                "title": contact.get("title") or "",
                "department": contact.get("department") or "",
                "email": contact.get("email") or "",
                "phone": phones[0]["number"] if phones else "",
                "is_internal": _is_internal(contact),
            }
        )
    return rows


def _service_values(
    service: Mapping[str, Any], terms: Mapping[str, TaxonomyTerm], provider: Provider
) -> tuple[dict[str, Any], list[TaxonomyTerm]]:
    attributes = service.get("attributes") or []
    found = _terms_of(attributes, terms)
    types = [t for t in found if t.taxonomy == Taxonomy.SERVICE_TYPE]
    if len(types) != 1:
        raise Invalid(
            _(
                "サービスの種類（分類 service_type の項目）がちょうど1つ必要ですが、"
                "%(n)d個あります。"
            )
            % {"n": len(types)}
        )
    facts = _facts(attributes)
    status = service.get("status")
    values = {
        "provider": provider,
        "name": service["name"],
        "name_kana": service.get("alternate_name") or "",
        "service_type": types[0],
        "description": service.get("description") or "",
        "status": status if status in ResourceStatus.values else ResourceStatus.ACTIVE,
        "is_published": not _bool(facts.get(FACT_UNPUBLISHED.code, "false")),
        "eligibility_description": service.get("eligibility_description") or "",
        "application_process": service.get("application_process") or "",
        "fees_description": service.get("fees_description") or "",
        "url": service.get("url") or "",
        "email": service.get("email") or "",
        "minimum_age": _int(service.get("minimum_age"), _("対象年齢（下限）")),
        "maximum_age": _int(service.get("maximum_age"), _("対象年齢（上限）")),
        "capacity": _int(facts.get(FACT_CAPACITY.code), _("定員")),
        "vacancies": _int(facts.get(FACT_VACANCIES.code), _("空き")),
        "vacancies_confirmed_on": _date(
            facts.get(FACT_VACANCIES_CONFIRMED_ON.code), _("空きを確認した日")
        ),
        "accepts_visits": _bool(facts.get(FACT_ACCEPTS_VISITS.code, "false")),
        "accepts_trial": _bool(facts.get(FACT_ACCEPTS_TRIAL.code, "false")),
        "visit_note": facts.get(FACT_VISIT_NOTE.code, ""),
        "internal_note": facts.get(FACT_INTERNAL_NOTE.code, ""),
    }
    specialties = [t for t in found if t.taxonomy == Taxonomy.SPECIALTY]
    return values, specialties


def _provider_values(organization: Mapping[str, Any], report: ImportReport) -> dict[str, Any]:
    linked = None
    for identifier in organization.get("organization_identifiers") or []:
        if identifier.get("identifier_scheme") == IDENTIFIER_SCHEME:
            code = str(identifier.get("identifier") or "")
            linked = Organization.objects.filter(code=code).first()
            if linked is None:
                report.notices.append(
                    _(
                        "組織「%(name)s」: 組織コード %(code)s はつなぐにないため、"
                        "つなぐの組織と結び付けずに取り込みます。"
                    )
                    % {"name": organization.get("name"), "code": code}
                )
    phones = organization.get("phones") or []
    return {
        "name": organization["name"],
        "name_kana": organization.get("alternate_name") or "",
        "description": organization.get("description") or "",
        "organization": linked,
        "website": organization.get("website") or "",
        "email": organization.get("email") or "",
        "phone": phones[0]["number"] if phones else "",
    }


def _validate_file(
    organizations: list[tuple[dict[str, Any], list[dict[str, Any]]]], report: ImportReport
) -> None:
    for index, (organization, services_of) in enumerate(organizations, start=1):
        where = _("組織%(n)d「%(name)s」") % {"n": index, "name": organization.get("name", "")}
        for problem in schema_errors("organization", organization):
            report.refused.append(f"{where}: {_('HSDSの形式に合いません')}（{problem}）")
        for number, service in enumerate(services_of, start=1):
            label = _("%(where)sのサービス%(n)d「%(name)s」") % {
                "where": where,
                "n": number,
                "name": service.get("name", "") if isinstance(service, dict) else "",
            }
            for problem in schema_errors("service", service):
                report.refused.append(f"{label}: {_('HSDSの形式に合いません')}（{problem}）")
            if (
                isinstance(service, dict)
                and service.get("organization_id")
                and service.get("organization_id") != organization.get("id")
            ):
                report.refused.append(
                    f"{label}: {_('organization_id が、入っている組織の id と違います。')}"
                )


def _lookups() -> tuple[dict[str, TaxonomyTerm], dict[str, Area]]:
    services.ensure_terms()
    terms: dict[str, TaxonomyTerm] = {}
    for term in TaxonomyTerm.objects.all():
        terms[str(term.hsds_id)] = term
        terms["code:" + term.code] = term
    areas: dict[str, Area] = {}
    for area in Area.objects.all():
        areas[area.code] = area
        areas.setdefault("name:" + area.name, area)
    return terms, areas


def _import_one(
    organization: dict[str, Any],
    services_of: list[dict[str, Any]],
    *,
    terms: Mapping[str, TaxonomyTerm],
    areas: Mapping[str, Area],
    report: ImportReport,
    index: int,
    actor: Actor | None,
) -> None:
    where = _("組織%(n)d「%(name)s」") % {"n": index, "name": organization["name"]}
    values = _provider_values(organization, report)
    provider = Provider.objects.filter(hsds_id=organization["id"]).first()
    try:
        with audit.atomic():
            if provider is None:
                provider = services.provider_create(
                    actor=actor, data={**values, "hsds_id": organization["id"]}
                )
                report.created.append(_("提供者「%(name)s」") % {"name": provider.name})
            else:
                provider = services.provider_update(actor=actor, provider=provider, changes=values)
                report.updated.append(_("提供者「%(name)s」") % {"name": provider.name})
    except Invalid as exc:
        report.refused.append(f"{where}: {exc.message}")
        return
    for number, service in enumerate(services_of, start=1):
        label = _("%(where)sのサービス%(n)d「%(name)s」") % {
            "where": where,
            "n": number,
            "name": service["name"],
        }
        try:
            with audit.atomic():
                data, specialties = _service_values(service, terms, provider)
                children = {
                    "locations": _location_rows(service, areas, report, label),
                    "schedules": _schedule_rows(service),
                    "phones": _phone_rows(service),
                    "contacts": _contact_rows(service),
                }
                existing = SocialResource.objects.filter(hsds_id=service["id"]).first()
                if existing is None:
                    services.resource_create(
                        actor=actor,
                        data={**data, "hsds_id": service["id"]},
                        specialties=specialties,
                        **children,
                    )
                    report.created.append(_("社会資源「%(name)s」") % {"name": service["name"]})
                else:
                    services.resource_update(
                        actor=actor,
                        resource=existing,
                        expected_version=None,
                        changes=data,
                        specialties=specialties,
                        **children,
                    )
                    report.updated.append(_("社会資源「%(name)s」") % {"name": service["name"]})
        except Invalid as exc:
            report.refused.append(f"{label}: {exc.message}")


def _hsds_ids_clash(
    organizations: list[tuple[dict[str, Any], list[dict[str, Any]]]], report: ImportReport
) -> None:
    """The same id twice in one file would make one row overwrite the other."""
    seen: dict[str, str] = {}
    for organization, services_of in organizations:
        for item in _ids_in(organization, services_of):
            key, name = item
            if key in seen:
                report.refused.append(
                    _("id %(id)s が2回使われています（%(a)s と %(b)s）。")
                    % {"id": key, "a": seen[key], "b": name}
                )
            seen[key] = name


def _ids_in(
    organization: Mapping[str, Any], services_of: list[dict[str, Any]]
) -> Iterator[tuple[str, str]]:
    yield str(organization.get("id")), str(organization.get("name"))
    for service in services_of:
        name = str(service.get("name"))
        yield str(service.get("id")), name
        for kind in ("schedules", "phones", "contacts"):
            for item in service.get(kind) or []:
                yield str(item.get("id")), f"{name} / {kind}"
        for link in service.get("service_at_locations") or []:
            if isinstance(link.get("location"), dict):
                yield str(link["location"].get("id")), f"{name} / location"


def directory_import(actor: Actor | None, *, raw: bytes | str) -> ImportReport:
    """Import an HSDS 3.0 JSON file: all of it, or — at the first problem found in any part —
    none of it.  Providers and resources are matched by their HSDS id: a known id is
    updated, a new one created.  Returns the report either way; raises Invalid only for a
    file that is not HSDS JSON at all.  Only the core center and the city department import
    (`request` None: the management command)."""
    if actor is not None and not rules.is_keeper(actor):
        raise Forbidden(_("取り込みができるのは、基幹相談支援センターと市担当課です。"))
    organizations = _organizations_of(_parse(raw))
    report = ImportReport()
    _validate_file(organizations, report)
    _hsds_ids_clash(organizations, report)
    if report.refused:
        return report
    terms, areas = _lookups()
    try:
        with audit.atomic():
            for index, (organization, services_of) in enumerate(organizations, start=1):
                _import_one(
                    organization,
                    services_of,
                    terms=terms,
                    areas=areas,
                    report=report,
                    index=index,
                    actor=actor,
                )
            if report.refused:
                raise _Refused
            report.applied = True
            audit.record(
                action=Action.RECORD_CREATED,
                actor=actor,
                actor_username="" if actor else "manage.py directory_import",
                target_type="directory.import",
                detail={
                    "created": len(report.created),
                    "updated": len(report.updated),
                    "notices": len(report.notices),
                },
            )
    except _Refused:
        report.created.clear()
        report.updated.clear()
    return report
