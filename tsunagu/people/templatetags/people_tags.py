from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.people import protection
from tsunagu.people.models import (
    Consent,
    ConsentPurpose,
    DisabilityCategory,
    HouseholdConcern,
    Person,
)

register = template.Library()


@register.filter
def age(person: Person) -> int | None:
    """満年齢 today (Asia/Tokyo)."""
    return person.age_on(timezone.localdate())


@register.filter
def consent_state(consent: Consent) -> str:
    """valid / expired / withdrawn / pending (obtained in the future: should not happen)."""
    if consent.withdrawn_at is not None:
        return "withdrawn"
    today = timezone.localdate()
    if consent.expires_on is not None and consent.expires_on < today:
        return "expired"
    return "valid" if consent.obtained_on <= today else "pending"


_CHOICES = {
    "disability": DisabilityCategory,
    "purpose": ConsentPurpose,
    "concern": HouseholdConcern,
}


@register.filter
def labels(values: list[str] | None, kind: str) -> str:
    """The Japanese labels of stored choice values, in the choices' order: 身体、知的."""
    choices = _CHOICES[kind]
    chosen = set(values or [])
    return "、".join(str(label) for value, label in choices.choices if value in chosen)


_MATCH_REASONS = {
    "phone": _("電話番号が同じ"),
    "kana_birth_date": _("カナ氏名が似ていて生年月日が同じ"),
    "kana_undated": _("カナ氏名が同じ（生年月日の記録なし）"),
}


@register.filter
def match_reasons(values: list[str] | None) -> str:
    """Why a DuplicateCandidate matched, in words: 電話番号が同じ、…"""
    return "、".join(str(_MATCH_REASONS.get(v, v)) for v in values or [])


@register.inclusion_tag("people/partials/protection_banner.html")
def protection_banner(person: Person | None) -> dict[str, object]:
    """The banner on every page of a protected person and of their cases (ADR 0023)."""
    found = protection.active_protection(person) if person is not None else None
    return {"banner": found}


@register.filter
def contact(person: Person) -> protection.Contact:
    """The person's whereabouts as a page may show them (people.protection.contact_of)."""
    return protection.contact_of(person)


@register.filter
def contact_in(contacts: dict[int, protection.Contact], person_id: int) -> protection.Contact:
    """One person's entry of `protection.contacts_of`; hidden when missing (fail closed)."""
    return contacts.get(person_id) or protection.HIDDEN_CONTACT
