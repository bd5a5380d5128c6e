"""Reads of persons, households and consents, always through the access layer.

The one exception is `person_duplicate_candidates`: it looks at every person in the city so that
a person is not registered twice, and its callers must never show a candidate the actor may not
see (see `split_duplicate_candidates`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from rapidfuzz import fuzz

from tsunagu.cases.access import (
    cases_visible_to,
    household_holders,
    households_visible_to,
    persons_visible_to,
    visible_person_ids,
)
from tsunagu.cases.models import Case
from tsunagu.core.actor import Actor
from tsunagu.core.dates import DateParseError, parse_date
from tsunagu.core.kana import fold_name, normalize_kana, normalize_phone
from tsunagu.core.lists import words_in
from tsunagu.organizations.models import Organization
from tsunagu.people import protection
from tsunagu.people.models import (
    Consent,
    DisabilityCertificate,
    Household,
    HouseholdMember,
    Person,
)

# The kana of two records must be at least this similar (rapidfuzz ratio, 0–100) to be
# suspected of being one person when the birth dates match.
DUPLICATE_KANA_RATIO = 85


def parse_date_query(text: str) -> dt.date | None:
    """2025-04-01, 2025/4/1, 昭和50年6月1日 or S50.6.1 (as every date entry reads them) — or
    None if the text is no date."""
    try:
        return parse_date(text)
    except DateParseError:
        return None


LONGEST_SPLIT_NAME = 40


def _name_query(text: str) -> Q:
    compact = re.sub(r"[\s\u3000]+", "", text)
    condition = Q(family_name__icontains=compact) | Q(given_name__icontains=compact)
    # Old and variant kanji and widths folded on both sides: 高橋 finds 髙橋.
    folded = fold_name(compact, "")
    if folded:
        condition |= Q(name_folded__contains=folded)
    # "山田太郎" and "山田 太郎": try every split of the text into family + given name, for a
    # text as long as a name can be (a pasted page would make a thousand-branch condition).
    splits = len(compact) if len(compact) <= LONGEST_SPLIT_NAME else 1
    for cut in range(1, splits):
        condition |= Q(family_name=compact[:cut], given_name__startswith=compact[cut:])
    return condition


def person_search(actor: Actor, *, query: str) -> QuerySet[Person]:
    """Persons the actor may see that match one search box: kana typed any way, kanji name,
    birth date (ISO or era) or phone digits.  An empty query lists every visible person."""
    text = query.strip()
    if not text:
        return persons_visible_to(actor).select_related("area")
    # The visible set is computed once per query (`in_once`): left to the planner, a name or
    # kana filter over `pk IN (visible persons)` re-ran the visibility subquery per candidate.
    people = Person.objects.filter(pk__in_once=visible_person_ids(actor)).select_related("area")
    day = parse_date_query(text)
    if day is not None:
        return people.filter(birth_date=day)
    condition = _name_query(text)
    kana = normalize_kana(text)
    if kana:
        condition |= Q(kana_normalized__icontains=kana)
    digits = normalize_phone(text)
    if len(digits) >= 4 and len(digits) * 2 >= len(re.sub(r"[\s\-‐－()（）]", "", text)):
        # Never found by the phone of a protected person (people.protection): no oracle.
        condition |= Q(phone_normalized__contains=digits) & protection.unprotected_persons()
    return people.filter(condition)


# --- Duplicates -------------------------------------------------------------------------------


class MatchReason:
    """Why two records may be one person (stored on a DuplicateCandidate for the core center)."""

    PHONE = "phone"
    KANA_AND_BIRTH_DATE = "kana_birth_date"
    SAME_KANA_UNDATED = "kana_undated"


def person_duplicate_candidates(
    *,
    family_name_kana: str,
    given_name_kana: str,
    birth_date: dt.date | None,
    phone: str,
    exclude_pk: int | None = None,
) -> dict[Person, list[str]]:
    """Every person in the city who may be the one being registered (NOT access-scoped), with
    why each matched (MatchReason)."""
    kana = normalize_kana(family_name_kana + given_name_kana)
    phone_digits = normalize_phone(phone)
    prefilter = Q(kana_normalized=kana, birth_date__isnull=True)
    if birth_date is not None:
        prefilter |= Q(birth_date=birth_date)
    else:
        prefilter |= Q(kana_normalized=kana)
    if phone_digits:
        # A protected person's phone matches nothing: the check's answer (and the core
        # center's queue) must not tell anyone whose phone it is (people.protection).
        prefilter |= Q(phone_normalized=phone_digits) & protection.unprotected_persons()
    candidates = Person.objects.filter(prefilter)
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    found: dict[Person, list[str]] = {}
    found_list = list(candidates[:200])
    hidden = protection.protected_person_ids(p.pk for p in found_list)
    for person in found_list:
        reasons = []
        if phone_digits and person.phone_normalized == phone_digits and person.pk not in hidden:
            reasons.append(MatchReason.PHONE)
        if (
            birth_date is not None
            and person.birth_date == birth_date
            and fuzz.ratio(person.kana_normalized, kana) >= DUPLICATE_KANA_RATIO
        ):
            reasons.append(MatchReason.KANA_AND_BIRTH_DATE)
        if person.kana_normalized == kana and (birth_date is None or person.birth_date is None):
            reasons.append(MatchReason.SAME_KANA_UNDATED)
        if reasons:
            found[person] = reasons
    return found


@dataclass
class DuplicateCandidates:
    """The outcome of a duplicate check.  `visible` may be shown to the actor; `hidden` never
    is, not even as a count or an organization's name (DESIGN.md §5): it only feeds the core
    center's queue.  So the check is true only for visible candidates."""

    visible: list[Person] = field(default_factory=list)
    hidden: dict[Person, list[str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.visible)


def split_duplicate_candidates(
    actor: Actor, *, candidates: dict[Person, list[str]]
) -> DuplicateCandidates:
    """Candidates the actor may see, and the others for the queue.

    The visibility query runs whether or not there are candidates, so that the check costs the
    same queries either way."""
    ids = [p.pk for p in candidates] or [0]
    visible_ids = set(persons_visible_to(actor).filter(pk__in=ids).values_list("pk", flat=True))
    result = DuplicateCandidates()
    for person, reasons in candidates.items():
        if person.pk in visible_ids:
            result.visible.append(person)
        else:
            result.hidden[person] = reasons
    return result


# --- One person's surroundings ----------------------------------------------------------------


def person_certificates(*, person: Person) -> list[DisabilityCertificate]:
    return list(person.certificates.order_by("kind"))


def person_household_memberships(actor: Actor, *, person: Person) -> QuerySet[HouseholdMember]:
    """The person's households, current and past, limited to households the actor may see."""
    return (
        HouseholdMember.objects.filter(person=person, household__in=households_visible_to(actor))
        .select_related("household")
        .order_by("-start_date", "-pk")
    )


def person_cases(actor: Actor, *, person: Person) -> QuerySet[Case]:
    return (
        cases_visible_to(actor)
        .filter(person=person)
        .select_related("lead_organization", "lead_worker", "person", "household")
    )


def person_consents(*, person: Person) -> QuerySet[Consent]:
    """Consents of a person the caller has already been allowed to see (access_person)."""
    return (
        Consent.objects.filter(person=person)
        .select_related("obtained_by", "obtained_by_organization")
        .prefetch_related(Prefetch("organizations", queryset=Organization.objects.order_by("name")))
    )


def person_consent(*, person: Person, consent_id: int) -> Consent | None:
    return person_consents(person=person).filter(pk=consent_id).first()


# --- Households -------------------------------------------------------------------------------


def household_search(actor: Actor, *, query: str) -> QuerySet[Household]:
    """Households the actor may see found by `households_matching`.  An empty query lists
    every visible household."""
    households = households_visible_to(actor).select_related("area")
    return households_matching(actor, households, query)


def households_matching(
    actor: Actor, households: QuerySet[Household], query: str
) -> QuerySet[Household]:
    """Those whose name or address holds the words (folded: width, variant kanji), or with a
    member the person search finds among the persons the actor may see (kana typed any way,
    names split, birth dates, phone digits)."""
    text = query.strip()
    if not text:
        return households
    compact = re.sub(r"[\s\u3000]+", "", text)
    members = HouseholdMember.objects.filter(
        person__in=person_search(actor, query=text).order_by().values("pk")
    )
    return households.filter(
        words_in(("name",), text)
        # A protected member's whereabouts are never searched (people.protection).
        | (words_in(("address",), text) & protection.unprotected_households())
        | Q(name__icontains=compact)
        | Q(pk__in=members.values("household_id"))
    )


def household_member_ids(*, household_ids: list[int]) -> list[int]:
    """Every member (current or past) of the households, for the audit row of a household list:
    a household's name and address are its members' data (as `cases.selectors.persons_shown`
    names every member of a household).  One query, none for no households."""
    if not household_ids:
        return []
    return sorted(
        set(
            HouseholdMember.objects.filter(household_id__in=household_ids).values_list(
                "person_id", flat=True
            )
        )
    )


def household_members(*, household: Household) -> QuerySet[HouseholdMember]:
    """Members of a household the caller has already been allowed to see, current first."""
    return (
        HouseholdMember.objects.filter(household=household)
        .select_related("person")
        .order_by("end_date", "start_date", "pk")
    )


@dataclass(frozen=True)
class HouseholdView:
    """A household's members as one organization may be shown them."""

    members: list[HouseholdMember]
    # Current members not shown, for an organization that holds the household on its own
    # account (`household_holders`); None for everyone else, who is told nothing of them.
    hidden_current: int | None


def household_view(actor: Actor, *, household: Household) -> HouseholdView:
    """The members whose own basis covers the actor's organization (persons_visible_to), and
    how many others there are only where the organization may know that."""
    members: list[HouseholdMember] = list(
        household_members(household=household).annotate(
            visible=Exists(persons_visible_to(actor).filter(pk=OuterRef("person_id")))
        )
    )
    shown = [m for m in members if getattr(m, "visible")]  # noqa: B009  # the annotation
    today = timezone.localdate()
    hidden = sum(
        1
        for m in members
        if not getattr(m, "visible")  # noqa: B009
        and (m.end_date is None or m.end_date >= today)
    )
    # Asked only when someone is hidden: the answer changes nothing otherwise.
    if hidden and household_holders(actor).filter(pk=household.pk).exists():
        return HouseholdView(members=shown, hidden_current=hidden)
    return HouseholdView(members=shown, hidden_current=None)


def household_member(
    actor: Actor, *, household: Household, member_id: int
) -> HouseholdMember | None:
    """One member of the household whose person the actor may see."""
    return (
        household_members(household=household)
        .filter(pk=member_id, person__in=persons_visible_to(actor))
        .first()
    )
