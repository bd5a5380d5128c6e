"""Writes of the directory: providers, resources with their locations, schedules, phones and
contacts.

Every write runs in one transaction with its audit row.  `request` is None only for the
management commands and the demo data, which act as the system; otherwise the acting
organization must be allowed by `tsunagu.directory.rules`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Conflict, Forbidden, Invalid
from tsunagu.core.kana import normalize_kana
from tsunagu.directory import rules
from tsunagu.directory.models import (
    Contact,
    Location,
    Phone,
    Provider,
    Schedule,
    SocialResource,
    Taxonomy,
    TaxonomyTerm,
)
from tsunagu.directory.taxonomy import all_terms, load_terms

PROVIDER_FIELDS = ("name", "name_kana", "description", "organization", "website", "email", "phone")
RESOURCE_FIELDS = (
    "provider",
    "name",
    "name_kana",
    "service_type",
    "description",
    "status",
    "is_published",
    "eligibility_description",
    "application_process",
    "fees_description",
    "url",
    "email",
    "minimum_age",
    "maximum_age",
    "capacity",
    "vacancies",
    "vacancies_confirmed_on",
    "accepts_visits",
    "accepts_trial",
    "visit_note",
    "internal_note",
)
LOCATION_FIELDS = (
    "name",
    "postal_code",
    "prefecture",
    "city",
    "address",
    "area",
    "latitude",
    "longitude",
    "transportation",
    "accessibility",
)
SCHEDULE_FIELDS = ("weekdays", "opens_at", "closes_at", "description")
PHONE_FIELDS = ("number", "kind", "description", "is_internal")
CONTACT_FIELDS = ("name", "title", "department", "email", "phone", "is_internal")
# The child rows of a resource, in the order a form or a file lists them.
CHILDREN: dict[str, tuple[type[models.Model], tuple[str, ...]]] = {
    "locations": (Location, LOCATION_FIELDS),
    "schedules": (Schedule, SCHEDULE_FIELDS),
    "phones": (Phone, PHONE_FIELDS),
    "contacts": (Contact, CONTACT_FIELDS),
}


def _actor(actor: Actor | None) -> Actor | None:
    return actor if actor is not None else None


def _label(model: type[models.Model], name: str) -> str:
    try:
        field = model._meta.get_field(name)
    except Exception:  # NON_FIELD_ERRORS and the like have no label
        return ""
    return str(getattr(field, "verbose_name", ""))


def invalid_from(exc: ValidationError, model: type[models.Model], prefix: str = "") -> Invalid:
    """A model validation error as Japanese sentences labelled as on screen."""
    parts = []
    for name, messages in exc.message_dict.items():
        label = _label(model, name)
        for message in messages:
            text = f"{label}: {message}" if label else message
            parts.append(f"{prefix}{text}")
    return Invalid(" ".join(parts))


def _validate(obj: models.Model, prefix: str = "", exclude: Iterable[str] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise invalid_from(exc, type(obj), prefix) from None


def _changed(obj: models.Model, values: Mapping[str, Any]) -> list[str]:
    return [name for name, value in values.items() if getattr(obj, name) != value]


def ensure_terms() -> None:
    """The taxonomy terms are reference data loaded by migration 0002; a database emptied
    since (a test flush, a restore of old data) gets them back here.  Cheap when present."""
    if TaxonomyTerm.objects.count() < len(all_terms()):
        load_terms(TaxonomyTerm)


# --- Search text ------------------------------------------------------------------------------


def search_text_of(resource: SocialResource) -> str:
    """The text the keyword search matches, folded like kana: ひらがな, カタカナ and ｶﾀｶﾅ
    compare equal, spaces are dropped."""
    parts: list[str] = [
        resource.name,
        resource.name_kana,
        resource.provider.name,
        resource.provider.name_kana,
        resource.service_type.name,
        resource.description,
        resource.eligibility_description,
    ]
    parts += [term.name for term in resource.specialties.all()]
    for location in resource.locations.all():
        parts += [location.name, location.city, location.address]
        if location.area is not None:
            parts.append(location.area.name)
    return "\n".join(normalize_kana(part) for part in parts if part)


def refresh_search_text(resource: SocialResource) -> None:
    SocialResource.objects.filter(pk=resource.pk).update(search_text=search_text_of(resource))


# --- Providers --------------------------------------------------------------------------------


@audit.atomic_with_refusals
def provider_create(actor: Actor | None, *, data: Mapping[str, Any]) -> Provider:
    actor = _actor(actor)
    if actor is not None:
        organization = data.get("organization")
        own = organization is not None and organization.pk == actor.organization_id
        rules.require(
            rules.is_keeper(actor) or (actor.can_write and own),
            _("提供者を登録できるのは、基幹相談支援センター・市担当課と、その組織自身です。"),
        )
    values = {name: data[name] for name in PROVIDER_FIELDS if name in data}
    if "hsds_id" in data:
        values["hsds_id"] = data["hsds_id"]
    provider = Provider(**values)
    _validate(provider)
    provider.save()
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        actor_username="" if actor else "system",
        target=provider,
        detail={"name": provider.name},
    )
    return provider


@audit.atomic_with_refusals
def provider_update(
    actor: Actor | None, *, provider: Provider, changes: Mapping[str, Any]
) -> Provider:
    actor = _actor(actor)
    if actor is not None:
        rules.require(rules.can_edit_provider(actor, provider))
        relinked = changes.get("organization", provider.organization) != provider.organization
        if relinked and not rules.is_keeper(actor):
            raise Forbidden(_("つなぐの組織との結び付けは基幹相談支援センターが変更します。"))
    values = {name: changes[name] for name in PROVIDER_FIELDS if name in changes}
    changed = _changed(provider, values)
    for name, value in values.items():
        setattr(provider, name, value)
    _validate(provider)
    provider.save()
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        actor_username="" if actor else "system",
        target=provider,
        detail={"changed": changed},
    )
    for resource in provider.resources.all():
        refresh_search_text(resource)
    return provider


# --- Resources ------------------------------------------------------------------------------


def _require_terms(service_type: object, specialties: Iterable[object]) -> None:
    if not isinstance(service_type, TaxonomyTerm) or service_type.taxonomy != Taxonomy.SERVICE_TYPE:
        raise Invalid(_("サービスの種類を選んでください。"))
    for term in specialties:
        if not isinstance(term, TaxonomyTerm) or term.taxonomy != Taxonomy.SPECIALTY:
            raise Invalid(_("専門・対応の指定が正しくありません。"))


def _sync_children(
    resource: SocialResource,
    children: Mapping[str, Sequence[Mapping[str, Any]] | None],
) -> dict[str, int]:
    """Make each kind of child row match the rows given: a row with the `hsds_id` of an
    existing child updates it, a row without one is new, and children not named are removed.
    A kind that is None is left as it is."""
    counts: dict[str, int] = {}
    for kind, rows in children.items():
        if rows is None:
            continue
        model, fields = CHILDREN[kind]
        manager = getattr(resource, kind)
        existing = {str(child.hsds_id): child for child in manager.all()}
        keep: list[int] = []
        for order, row in enumerate(rows):
            key = str(row.get("hsds_id") or "")
            child = existing.get(key)
            if child is None:
                child = model(resource=resource)
                if key:
                    child.hsds_id = row["hsds_id"]  # type: ignore[attr-defined]
            for name in fields:
                if name in row:
                    setattr(child, name, row[name])
            setattr(child, "sort_order", order)  # noqa: B010  # every child model has it
            where = _("%(kind)s（%(n)d件目）") % {"kind": model._meta.verbose_name, "n": order + 1}
            prefix = f"{where}: "
            _validate(child, prefix, exclude=["resource"])
            child.save()
            keep.append(child.pk)
        manager.exclude(pk__in=keep).delete()
        counts[kind] = len(keep)
    return counts


@audit.atomic_with_refusals
def resource_create(
    actor: Actor | None,
    *,
    data: Mapping[str, Any],
    specialties: Iterable[TaxonomyTerm] = (),
    locations: Sequence[Mapping[str, Any]] = (),
    schedules: Sequence[Mapping[str, Any]] = (),
    phones: Sequence[Mapping[str, Any]] = (),
    contacts: Sequence[Mapping[str, Any]] = (),
) -> SocialResource:
    actor = _actor(actor)
    provider = data.get("provider")
    if not isinstance(provider, Provider):
        raise Invalid(_("提供者を選んでください。"))
    if actor is not None:
        rules.require(
            rules.can_edit_provider(actor, provider),
            _("この提供者の社会資源を登録する権限がありません。"),
        )
    specialties = list(specialties)
    _require_terms(data.get("service_type"), specialties)
    values = {name: data[name] for name in RESOURCE_FIELDS if name in data}
    if data.get("hsds_id"):
        values["hsds_id"] = data["hsds_id"]
    resource = SocialResource(**values)
    _validate(resource)
    resource.save()
    resource.specialties.set(specialties)
    counts = _sync_children(
        resource,
        {"locations": locations, "schedules": schedules, "phones": phones, "contacts": contacts},
    )
    refresh_search_text(resource)
    audit.record(
        action=Action.RECORD_CREATED,
        actor=actor,
        actor_username="" if actor else "system",
        target=resource,
        detail={"name": resource.name, "children": counts},
    )
    return resource


@audit.atomic_with_refusals
def resource_update(
    actor: Actor | None,
    *,
    resource: SocialResource,
    expected_version: int | None,
    changes: Mapping[str, Any],
    specialties: Iterable[TaxonomyTerm] | None = None,
    locations: Sequence[Mapping[str, Any]] | None = None,
    schedules: Sequence[Mapping[str, Any]] | None = None,
    phones: Sequence[Mapping[str, Any]] | None = None,
    contacts: Sequence[Mapping[str, Any]] | None = None,
) -> SocialResource:
    """Apply `changes` if nobody saved the resource since `expected_version` (None: the
    import, which replaces what it is given)."""
    actor = _actor(actor)
    # The saved row decides, not the caller's copy (a bound form has already changed it).
    locked = (
        SocialResource.objects.select_for_update().select_related("provider").get(pk=resource.pk)
    )
    if actor is not None:
        rules.require(rules.can_edit_resource(actor, locked))
        new_provider = changes.get("provider", locked.provider)
        if new_provider != locked.provider:
            rules.require(
                isinstance(new_provider, Provider) and rules.can_edit_provider(actor, new_provider),
                _("移し先の提供者を編集する権限がありません。"),
            )
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            _(
                "この社会資源は、あなたが開いた後に別の人が更新しました。"
                "もう一度開いて、最新の内容に変更を加えてください。"
            )
        )
    values = {name: changes[name] for name in RESOURCE_FIELDS if name in changes}
    if "service_type" in values or specialties is not None:
        _require_terms(values.get("service_type", locked.service_type), specialties or [])
    changed = _changed(locked, values)
    for name, value in values.items():
        setattr(locked, name, value)
    _validate(locked)
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    if specialties is not None:
        before = set(locked.specialties.values_list("pk", flat=True))
        specialties = list(specialties)
        if before != {term.pk for term in specialties}:
            changed.append("specialties")
        locked.specialties.set(specialties)
    counts = _sync_children(
        locked,
        {"locations": locations, "schedules": schedules, "phones": phones, "contacts": contacts},
    )
    refresh_search_text(locked)
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        actor_username="" if actor else "system",
        target=locked,
        detail={"changed": changed, "children": counts},
    )
    return locked


@audit.atomic_with_refusals
def vacancy_update(
    actor: Actor,
    *,
    resource: SocialResource,
    vacancies: int | None,
    confirmed_on: Any = None,
) -> SocialResource:
    """The one field an office updates most often: the vacancies, confirmed today."""
    rules.require(rules.can_edit_resource(actor, resource))
    before = resource.vacancies
    resource.vacancies = vacancies
    resource.vacancies_confirmed_on = confirmed_on or timezone.localdate()
    _validate(resource)
    SocialResource.objects.filter(pk=resource.pk).update(
        vacancies=resource.vacancies,
        vacancies_confirmed_on=resource.vacancies_confirmed_on,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    resource.refresh_from_db()
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=resource,
        detail={"changed": ["vacancies", "vacancies_confirmed_on"], "from": before},
    )
    return resource
