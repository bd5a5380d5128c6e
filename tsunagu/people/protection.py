"""DV and hidden addresses (issue 20 item 4, ADR 0023).

A person under protection (住民基本台帳の支援措置 or a worker's judgement) has their postal code,
address and phone hidden from everyone: the team, printed pages, exports, the API, FHIR, the
disaster register and the duplicate check.  Every output of a person's (or a household's)
whereabouts goes through `contact_of` / `contacts_of` / `household_contact_of` here, so that no
output path decides for itself; `tests/test_protection_outputs.py` walks the outputs and looks
for the address and phone in each.

The only way to see them is `contact_reveal`: an explicit action of a worker named on the
protection, acting for the organization that decided it, written to the audit log each time,
at most CONTACT_REVEALS_PER_HOUR times an hour per worker (screen and API alike).  Its answer
is returned once (the page of that POST, the contact form opened from it, or the JSON of the
API call) and never stored in the session or put in the HTML of any other page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action, AuditEvent
from tsunagu.cases.models import Case, CaseStatus
from tsunagu.core.actor import Actor
from tsunagu.core.errors import FieldErrors, Forbidden, Invalid
from tsunagu.organizations.models import Membership
from tsunagu.people.models import (
    AddressProtection,
    Household,
    HouseholdMember,
    Person,
    ProtectionBasis,
)

if TYPE_CHECKING:
    from tsunagu.accounts.models import User

# What every output shows in place of a hidden postal code, address or phone.
HIDDEN_LABEL = gettext_lazy("非表示（DV等支援措置）")
# The person fields that are hidden (the disaster list and the duplicate check read these).
CONTACT_FIELDS = ("postal_code", "address", "phone")
TARGET_TYPE = "people.addressprotection"


@dataclass(frozen=True)
class Contact:
    """A person's (or household's) whereabouts as an output may show them."""

    postal_code: str
    address: str
    phone: str
    hidden: bool

    @property
    def label(self) -> str:
        """What a cell shows for a hidden value."""
        return str(HIDDEN_LABEL) if self.hidden else ""


HIDDEN_CONTACT = _HIDDEN = Contact(postal_code="", address="", phone="", hidden=True)


# --- The one way an output reads whereabouts ----------------------------------------------------


def protected_person_ids(person_ids: Iterable[int]) -> set[int]:
    """Which of these persons are under protection now (one query; none for no ids)."""
    ids = {int(i) for i in person_ids if i is not None}
    if not ids:
        return set()
    return set(
        AddressProtection.objects.active()
        .filter(person_id__in=ids)
        .values_list("person_id", flat=True)
    )


def contact_of(person: Person, *, protected: bool | None = None) -> Contact:
    """The person's postal code, address and phone for an output: empty and `hidden` for a
    person under protection.  `protected` is the caller's batch answer (`contacts_of`)."""
    if protected is None:
        protected = bool(protected_person_ids([person.pk]))
    if protected:
        return _HIDDEN
    return Contact(
        postal_code=person.postal_code, address=person.address, phone=person.phone, hidden=False
    )


def contacts_of(persons: Iterable[Person]) -> dict[int, Contact]:
    """`contact_of` for many persons at once, keyed by the person's id (one query)."""
    people = list(persons)
    hidden = protected_person_ids(p.pk for p in people)
    return {p.pk: contact_of(p, protected=p.pk in hidden) for p in people}


def protected_household_ids(household_ids: Iterable[int]) -> set[int]:
    """Households with a current member under protection: the household's address is the
    member's whereabouts, so it is hidden with theirs (one query)."""
    ids = {int(i) for i in household_ids if i is not None}
    if not ids:
        return set()
    protected = AddressProtection.objects.active().values("person_id")
    return set(
        HouseholdMember.objects.current()
        .filter(household_id__in=ids, person_id__in=protected)
        .values_list("household_id", flat=True)
    )


def household_contact_of(household: Household, *, protected: bool | None = None) -> Contact:
    if protected is None:
        protected = bool(protected_household_ids([household.pk]))
    if protected:
        return _HIDDEN
    return Contact(
        postal_code=household.postal_code, address=household.address, phone="", hidden=False
    )


def unprotected_persons() -> Q:
    """A filter for matching on phone or address (person search, duplicate check): a protected
    person is never found by their whereabouts, so a search is no oracle for them."""
    return ~Q(pk__in=AddressProtection.objects.active().values("person_id"))


def unprotected_households() -> Q:
    protected = AddressProtection.objects.active().values("person_id")
    return ~Q(
        pk__in=HouseholdMember.objects.current()
        .filter(person_id__in=protected)
        .values("household_id")
    )


# --- The protection itself -------------------------------------------------------------------


def active_protection(person: Person) -> AddressProtection | None:
    return (
        AddressProtection.objects.active()
        .filter(person=person)
        .select_related("organization", "decided_by")
        .prefetch_related("workers")
        .first()
    )


def is_named_worker(actor: Actor, protection: AddressProtection | None) -> bool:
    """A worker named on the protection, acting for the organization that decided it."""
    if protection is None or actor.organization is None:
        return False
    if actor.organization.pk != protection.organization_id:
        return False
    return any(w.pk == actor.user.pk for w in protection.workers.all())


def leads_a_case(actor: Actor, person: Person) -> bool:
    """The acting organization leads an open case of the person: only it decides."""
    if actor.organization is None:
        return False
    return (
        Case.objects.filter(person=person, lead_organization=actor.organization)
        .exclude(status=CaseStatus.CLOSED)
        .exists()
    )


def may_manage(actor: Actor, person: Person, protection: AddressProtection | None) -> bool:
    """Who sets, changes or ends it: a writer of the organization that leads the person's case;
    once set, one of its named workers."""
    if not actor.can_write:
        return False
    if protection is not None:
        return is_named_worker(actor, protection)
    return leads_a_case(actor, person)


def worker_choices(actor: Actor) -> list[User]:
    """The active members of the acting organization, who may be named."""
    if actor.organization is None:
        return []
    user_ids = Membership.objects.current().filter(organization=actor.organization)
    return list(
        get_user_model()
        .objects.filter(pk__in=user_ids.values("user_id"), is_active=True)
        .order_by("full_name_kana", "username")
    )


def refusal(actor: Actor, person: Person) -> Forbidden:
    """For a screen of the protection opened by someone who may not manage it (audited)."""
    return _refuse(actor, person, "address protection: may not manage")


def _refuse(actor: Actor, person: Person, reason: str) -> Forbidden:
    audit.record_denial(actor, target_type="people.person", target_id=person.pk, reason=reason)
    return Forbidden(_("この方の住所等は、主担当機関の指名された職員だけが扱えます。"))


def protection_errors(
    *, basis: str, decided_on: Any, reason: str, review_on: Any, workers: list[Any]
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if basis not in ProtectionBasis.values:
        errors["basis"] = _("根拠を選んでください。")
    if not isinstance(decided_on, dt.date):
        errors["decided_on"] = _("判断した日を入力してください。")
    if not (reason or "").strip():
        errors["reason"] = _("理由を入力してください。")
    if not isinstance(review_on, dt.date):
        errors["review_on"] = _("終了・見直しの日を入力してください。")
    elif isinstance(decided_on, dt.date) and review_on < decided_on:
        errors["review_on"] = _("終了・見直しの日は判断した日以降にしてください。")
    if not workers:
        errors["workers"] = _("表示できる職員を1人以上選んでください。")
    return errors


@audit.atomic_with_refusals
def protection_set(
    actor: Actor,
    *,
    person: Person,
    basis: str,
    decided_on: dt.date,
    reason: str,
    review_on: dt.date,
    worker_ids: Iterable[int],
) -> AddressProtection:
    """Hide the person's whereabouts, or change the protection in force (basis, reason, review
    date, named workers).  The decider is always among the named workers."""
    audit.require_writer(actor, target=person)
    current = active_protection(person)
    if not may_manage(actor, person, current):
        raise _refuse(actor, person, "address protection: not a named worker of the lead")
    allowed = {u.pk: u for u in worker_choices(actor)}
    chosen = {int(i) for i in worker_ids}
    if chosen - set(allowed):
        raise FieldErrors({"workers": _("所属機関の職員から選んでください。")})
    chosen.add(actor.user.pk)
    errors = protection_errors(
        basis=basis, decided_on=decided_on, reason=reason, review_on=review_on, workers=[*chosen]
    )
    if errors:
        raise FieldErrors(errors)
    if current is None:
        protection = AddressProtection(
            person=person, organization=actor.organization, decided_by=actor.user
        )
        action = Action.RECORD_CREATED
    else:
        protection = current
        action = Action.RECORD_UPDATED
    protection.basis = basis
    protection.decided_on = decided_on
    protection.reason = reason.strip()
    protection.review_on = review_on
    protection.full_clean()
    protection.save()
    protection.workers.set([allowed[i] for i in sorted(chosen)])
    audit.record(
        action=action,
        actor=actor,
        target=protection,
        person_ids=[person.pk],
        detail={"basis": basis, "review_on": review_on.isoformat(), "workers": sorted(chosen)},
    )
    return protection


@audit.atomic_with_refusals
def protection_end(actor: Actor, *, person: Person, reason: str) -> AddressProtection:
    """End the protection (the 支援措置 ended, or the danger is over): whereabouts show again."""
    audit.require_writer(actor, target=person)
    current = active_protection(person)
    if current is None:
        raise Invalid(_("この方の住所等は非表示になっていません。"))
    if not is_named_worker(actor, current):
        raise _refuse(actor, person, "address protection end: not a named worker")
    if not (reason or "").strip():
        raise FieldErrors({"reason": _("解除の理由を入力してください。")})
    current.ended_at = timezone.now()
    current.ended_by = actor.user
    current.end_reason = reason.strip()[:400]
    current.save(update_fields=["ended_at", "ended_by", "end_reason", "updated_at"])
    audit.record(
        action=Action.RECORD_UPDATED,
        actor=actor,
        target=current,
        person_ids=[person.pk],
        detail={"ended": True},
    )
    return current


def reveals_in_the_last_hour(user: User) -> int:
    """The contact reveals `user` made in the last hour (from the audit log: screen and API)."""
    return AuditEvent.objects.filter(
        actor=user,
        action=Action.RECORD_VIEWED,
        at__gte=timezone.now() - dt.timedelta(hours=1),
        detail__contact_revealed=True,
    ).count()


def contact_reveal(actor: Actor, *, person: Person) -> Contact:
    """The real postal code, address and phone, for a named worker, on an explicit action; the
    audit row says who saw them and when.  Anyone else: Forbidden, audited.  A named worker
    past CONTACT_REVEALS_PER_HOUR in the last hour: Forbidden, audited, until the hour has
    passed (a worker copying out addresses one after another stands out, and stops)."""
    protection = active_protection(person)
    if protection is None:
        return contact_of(person, protected=False)
    if not is_named_worker(actor, protection):
        raise _refuse(actor, person, "contact reveal: not a named worker")
    limit = settings.CONTACT_REVEALS_PER_HOUR
    if reveals_in_the_last_hour(actor.user) >= limit:
        audit.record_denial(
            actor, target_type="people.person", target_id=person.pk, reason="contact reveal: limit"
        )
        raise Forbidden(
            _(
                "住所等の表示は1時間に%(n)s回までです。しばらくしてからもう一度操作してください。"
                "急ぐときは基幹相談支援センターに連絡してください。"
            )
            % {"n": limit},
            code="contact_reveal_limit",
        )
    audit.record(
        action=Action.RECORD_VIEWED,
        actor=actor,
        target=person,
        person_ids=[person.pk],
        detail={"contact_revealed": True, "protection": protection.pk},
    )
    return Contact(
        postal_code=person.postal_code, address=person.address, phone=person.phone, hidden=False
    )


def require_contact_editor(actor: Actor, *, person: Person) -> None:
    """The contact form of a protected person is a named worker's (the same rule as
    `check_contact_change`, asked before the form is read, so nobody else fills it in)."""
    protection = active_protection(person)
    if protection is not None and not is_named_worker(actor, protection):
        raise _refuse(actor, person, "contact change: not a named worker")


def check_contact_change(actor: Actor, *, person: Person, changes: dict[str, Any]) -> None:
    """A protected person's whereabouts are changed by a named worker only (anyone else never
    sees them, so could only overwrite them blind)."""
    if any(name in changes for name in CONTACT_FIELDS):
        require_contact_editor(actor, person=person)


def contact_change_refused(actor: Actor, household: Household) -> Forbidden:
    """A household with a protected member keeps its address as it is: it is that member's
    whereabouts, which nobody sees on the household's pages (ADR 0023)."""
    audit.record_denial(
        actor,
        target_type="people.household",
        target_id=household.pk,
        reason="household contact change: a member is protected",
    )
    return Forbidden(_("住所等を非表示にしている世帯員がいるため、世帯の住所は変更できません。"))
