"""The one way in to person-level data (DESIGN.md §5).

Every screen, API route, search and export reaches persons, households, consultations and
cases through the `*_visible_to(actor)` selectors and the `access_*` helpers here; the apps that
hang off a case keep their own rules on top of these (`records.access` for notes, formulations
and attachments, `referrals.access`, ...).  A helper answers `NotFound` for "missing" and "not
yours" alike, writes an `access.denied` row for the refusal and a `record.viewed` row for a
successful read.

Who may see a case, as the acting organization:
- the lead organization;
- an organization on the case team for the period it is on it, whose basis for sharing still
  holds (a withdrawn or expired consent ends it at once);
- a user with an unexpired break-glass access to the case's subject (its person, or a member
  of the household of a household case without a person), for reading only: a write whose
  only grant is break-glass is refused (`without_break_glass`).
A support-meeting basis names the recorded meeting; an emergency basis holds to its end date.
Organizations with a statutory role (the city) see statistics, not records, unless on the team.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ClassVar, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db.models import (
    BooleanField,
    Exists,
    Expression,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.sql import Query
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.cases.models import (
    BreakGlassAccess,
    Case,
    CaseTeamMember,
    Consultation,
    SharingBasis,
)
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Forbidden
from tsunagu.people.models import Consent, Household, HouseholdMember, Person

M = TypeVar("M", bound=Model)


# --- Selectors ------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def active_team_members(*, on: dt.date | None = None) -> QuerySet[CaseTeamMember]:
    """Team memberships in force on `on`, whose basis for sharing still holds."""
    day = on or _today()
    valid_consent = Consent.objects.valid_on(day).filter(pk=OuterRef("consent_id"))
    # An emergency basis holds to its end date whether or not `end_expired_emergencies` has
    # run; the command only records the end.  A basis ended (by a reviewer, on expiry, by the
    # upgrade) ends at once.
    return (
        CaseTeamMember.objects.filter(joined_on__lte=day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=day))
        .filter(basis_ended_at__isnull=True)
        .filter(~Q(basis="consent") | Q(Exists(valid_consent)))
        .filter(~Q(basis="emergency") | Q(emergency_ends_on__gte=day))
    )


_checking_write: ContextVar[bool] = ContextVar("tsunagu_checking_write", default=False)


class _BreakGlassGrants(Expression):
    """TRUE, except while a write is checked (`without_break_glass`): break-glass opens a
    record for reading only.  Decided when the SQL is compiled rather than when the queryset is
    built, so that the queryset an app built for reading answers the write check as well."""

    output_field = BooleanField()

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return ("1 = 0" if _checking_write.get() else "1 = 1"), []


@contextmanager
def without_break_glass() -> Iterator[None]:
    """Visibility as a writer has it: every rule except break-glass (DESIGN.md §5)."""
    token = _checking_write.set(True)
    try:
        yield
    finally:
        _checking_write.reset(token)


def _break_glass_person_ids(
    user_id: int, *, now: dt.datetime | None = None
) -> QuerySet[BreakGlassAccess, Any]:
    return BreakGlassAccess.objects.filter(
        _BreakGlassGrants(), user_id=user_id, expires_at__gt=now or timezone.now()
    ).values("person_id")


def _union_of(*branches: QuerySet[Any]) -> QuerySet[Any]:
    """One-column querysets as a UNION, for `pk__in`: each branch keeps its own index lookup,
    where an OR of `IN (subquery)` conditions makes PostgreSQL read the whole table."""
    first, *rest = (branch.order_by() for branch in branches)
    return first.union(*rest)


def visible_case_ids(actor: Actor) -> VisibleCases:
    """The ids of the cases the actor's organization may see (the rules at the top of this
    module), as a subquery for `case_id__in=` (or `case_id__in_once=`), compiled to SQL once
    per process (`VisibleCases`).

    Written as a UNION with one branch per rule, not as an OR of the rules: PostgreSQL cannot
    use an index for an OR of subqueries and read every case in the city for each check, while
    each branch of the UNION is an index lookup.  Filter related rows by `case_id__in=` this
    rather than `case__in=cases_visible_to(...)`, which wraps it in one more scan of the cases
    table (ADR 0006)."""
    return VisibleCases(actor)


def _visible_case_union(
    org_id: int, user_id: int, *, day: dt.date, now: dt.datetime
) -> QuerySet[Any]:
    """The rules as one UNION queryset: for the organization `org_id` and the user `user_id`,
    on the day `day` at the instant `now`."""
    emergency_people = _break_glass_person_ids(user_id, now=now)
    return _union_of(
        Case.objects.filter(lead_organization_id=org_id).values("pk"),
        active_team_members(on=day).filter(organization_id=org_id).values("case_id"),
        # Break-glass opens the cases whose subject is the person (ADR 0008): their own cases
        # and their household's cases without a person, never another member's own case.
        Case.objects.filter(person_id__in=emergency_people).values("pk"),
        Case.objects.filter(
            person__isnull=True,
            household_id__in=HouseholdMember.objects.filter(person_id__in=emergency_people).values(
                "household_id"
            ),
        ).values("pk"),
    )


# Stand-ins while the rules are compiled (`VisibleCases`): each query gets the actor's
# organization and user, today and now in their places.  No rule compares with another value of
# these types, so a parameter equal to a stand-in is one of them.
_ORG_PLACEHOLDER = -424241
_USER_PLACEHOLDER = -424243
_DAY_PLACEHOLDER = dt.date(2000, 1, 3)
_NOW_PLACEHOLDER = dt.datetime(2000, 1, 3, 0, 0, 0, 424242, tzinfo=dt.UTC)

# (rules, database alias, vendor, write check) -> (SQL, parameters, which stand-in each one is).
_compiled_rules: dict[tuple[str, str, str, bool], tuple[str, tuple[Any, ...], tuple[str, ...]]] = {}


class CompiledRules(Expression):
    """A UNION of access rules, compiled to SQL once per process (`VisibleCases`,
    `VisiblePersons`).

    Building the UNION queryset and compiling it took about a third of the CPU of a case page
    (issue 15, ADR 0007), and every request did it again, often several times (the case, its
    consultations, notes, plans...), for the same SQL: only the organization and user, today
    and now differ.  So the rules are compiled once per database and write check
    (`without_break_glass` compiles the break-glass rule to false) with stand-in values, and
    each query gets the actual ones in their places: the decision is the one the UNION makes
    when the query runs, on the data and the clock of that moment.  A compilation whose
    stand-ins cannot all be found is not kept: it is then compiled for each query, as before.

    A subclass names its rules (`rules`, the key of the compiled SQL) and builds them
    (`union`) from the organization, the user, the day and the instant, and from nothing
    else: whatever else it read would be frozen into the SQL of the first query."""

    output_field = IntegerField()
    one_column_subquery = True  # accepted by `in_once` (core/lookups.py)
    contains_aggregate = False
    contains_over_clause = False
    rules: ClassVar[str]

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor

    def __repr__(self) -> str:
        return f"{type(self).__name__}(organization={self.actor.organization_id})"

    @staticmethod
    def union(org_id: int, user_id: int, *, day: dt.date, now: dt.datetime) -> QuerySet[Any]:
        raise NotImplementedError

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        org_id, user_id = self.actor.organization_id, self.actor.user.pk
        if org_id is None:
            raise EmptyResultSet  # sees nothing, as `Model.objects.none()` says it
        key = (self.rules, connection.alias, connection.vendor, _checking_write.get())
        cached = _compiled_rules.get(key)
        if cached is None:
            stand_ins = {
                _ORG_PLACEHOLDER: "org",
                _USER_PLACEHOLDER: "user",
                connection.ops.adapt_datefield_value(_DAY_PLACEHOLDER): "day",
                connection.ops.adapt_datetimefield_value(_NOW_PLACEHOLDER): "now",
            }
            union = self.union(
                _ORG_PLACEHOLDER, _USER_PLACEHOLDER, day=_DAY_PLACEHOLDER, now=_NOW_PLACEHOLDER
            )
            sql, compiled = self._compile(union, compiler, connection)
            slots = tuple(
                stand_ins.get(p, "") if isinstance(p, int | str | dt.date) else "" for p in compiled
            )
            if set(stand_ins.values()) - set(slots):  # pragma: no cover  # a rule changed shape
                union = self.union(org_id, user_id, day=_today(), now=timezone.now())
                return self._compile(union, compiler, connection)
            cached = (sql, tuple(compiled), slots)
            _compiled_rules[key] = cached
        sql, params, slots = cached
        actual = {
            "org": org_id,
            "user": user_id,
            "day": connection.ops.adapt_datefield_value(_today()),
            "now": connection.ops.adapt_datetimefield_value(timezone.now()),
        }
        return sql, [actual[s] if s else p for p, s in zip(params, slots, strict=True)]

    @staticmethod
    def _compile(union: QuerySet[Any], compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        """As Django compiles a queryset on the right of `__in`, but always as the subquery of
        the same bare query, never of the caller's: the SQL is kept for every later query of
        the process, so it must not depend on where the first one stood.  Compiled inside a
        subquery of a subquery (`person__in=persons_visible_to(actor)`), Django took the outer
        queries' aliases for its own and the SQL named a column of the wrong table (`no such
        column: W0.consent_id`), for that query and every later one.  The rules refer to
        nothing outside themselves, so their aliases shadow whatever surrounds them."""
        outer = Query(union.model)
        query = union.query.resolve_expression(outer)
        sql, params = query.as_sql(outer.get_compiler(connection=connection), connection)
        return sql, list(params)


class VisibleCases(CompiledRules):
    """`visible_case_ids(actor)`: the case rules (`_visible_case_union`), compiled once."""

    rules = "cases"
    union = staticmethod(_visible_case_union)


def cases_visible_to(actor: Actor) -> QuerySet[Case]:
    """The cases the actor's organization may see (`visible_case_ids`)."""
    if actor.organization_id is None:
        return Case.objects.none()
    return Case.objects.filter(pk__in=visible_case_ids(actor))


def visible_person_ids(actor: Actor) -> VisiblePersons:
    """The ids of the persons whose record the actor's organization may see, as a subquery
    for `pk__in=` (or `pk__in_once=` on a page that filters them further): each on that person's own
    basis, never on a household member's (DESIGN.md §5, ADR 0005).

    A person is visible to the organization that registered them or received their
    consultation, and otherwise only when a basis covers that person:
    - the organization leads a case whose subject they are;
    - it is on the team of such a case on a basis recorded for the case itself (a support
      meeting about the case, an emergency) — a consent basis covers only the consenting person;
    - their own consent, valid today, names the organization;
    - the user has an unexpired break-glass access to them.
    A case's subject is its person; a household's case without a person has every member of
    the household as subject.  A member of the household of someone else's case is not."""
    return VisiblePersons(actor)


def _visible_person_union(
    org_id: int, user_id: int, *, day: dt.date, now: dt.datetime
) -> QuerySet[Any]:
    """The person rules (`visible_person_ids`) as one UNION queryset: for the organization
    `org_id` and the user `user_id`, on the day `day` at the instant `now`."""
    led = Case.objects.filter(lead_organization_id=org_id)
    teamed = (
        active_team_members(on=day)
        .filter(organization_id=org_id)
        .exclude(basis=SharingBasis.CONSENT)
    )
    return _union_of(
        Person.objects.filter(registered_by_organization_id=org_id).values("pk"),
        Consultation.objects.filter(organization_id=org_id, person__isnull=False).values(
            "person_id"
        ),
        led.filter(person__isnull=False).values("person_id"),
        HouseholdMember.objects.filter(
            household_id__in=led.filter(person__isnull=True).values("household_id")
        ).values("person_id"),
        teamed.filter(case__person__isnull=False).values("case__person_id"),
        HouseholdMember.objects.filter(
            # Driven by the organization's team rows, not by every household case in the city.
            household_id__in=Case.objects.filter(
                person__isnull=True, pk__in=teamed.values("case_id")
            ).values("household_id")
        ).values("person_id"),
        Consent.objects.valid_on(day).filter(organizations__id=org_id).values("person_id"),
        _break_glass_person_ids(user_id, now=now),
    )


class VisiblePersons(CompiledRules):
    """`visible_person_ids(actor)`: the person rules (`_visible_person_union`), compiled once."""

    rules = "persons"
    union = staticmethod(_visible_person_union)


def persons_visible_to(actor: Actor) -> QuerySet[Person]:
    """The persons the actor's organization may see (`visible_person_ids`)."""
    if actor.organization_id is None:
        return Person.objects.none()
    return Person.objects.filter(pk__in=visible_person_ids(actor))


def household_holders(actor: Actor) -> QuerySet[Household]:
    """Households whose make-up the actor's organization holds on its own account: it
    registered the household, leads a case about it or took a consultation about it.  Only
    these are told that members exist whom they may not see; an organization that reaches a
    household through one member's basis learns nothing of the others."""
    if actor.organization_id is None:
        return Household.objects.none()
    org_id = actor.organization_id
    return Household.objects.filter(
        pk__in=_union_of(
            Household.objects.filter(registered_by_organization_id=org_id).values("pk"),
            Case.objects.filter(lead_organization_id=org_id, household__isnull=False).values(
                "household_id"
            ),
            Consultation.objects.filter(organization_id=org_id, household__isnull=False).values(
                "household_id"
            ),
        )
    )


def households_visible_to(actor: Actor) -> QuerySet[Household]:
    if actor.organization_id is None:
        return Household.objects.none()
    org_id = actor.organization_id
    cases = cases_visible_to(actor)
    case_people = cases.filter(person__isnull=False).values("person_id")
    return Household.objects.filter(
        pk__in=_union_of(
            cases.filter(household__isnull=False).values("household_id"),
            HouseholdMember.objects.filter(person_id__in=case_people).values("household_id"),
            Household.objects.filter(registered_by_organization_id=org_id).values("pk"),
            Consultation.objects.filter(organization_id=org_id, household__isnull=False).values(
                "household_id"
            ),
        )
    )


def consultations_visible_to(actor: Actor) -> QuerySet[Consultation]:
    if actor.organization_id is None:
        return Consultation.objects.none()
    return Consultation.objects.filter(
        Q(organization_id=actor.organization_id) | Q(case_id__in=visible_case_ids(actor))
    )


# --- Access helpers: one object, 404 when not visible, audited ------------------------------


def _require_write(actor: Actor, target_type: str, target_id: object) -> None:
    if not actor.can_write:
        audit.record_denial(
            actor,
            target_type=target_type,
            target_id=str(target_id)[:64],
            reason="read-only membership",
        )
        raise Forbidden(_("閲覧のみの権限では変更できません。"))


BREAK_GLASS_READ_ONLY_MESSAGE = gettext_noop(
    "緊急アクセスでは閲覧だけができます。変更するには、本人の同意・支援会議などの"
    "共有の根拠で支援チームに加わってください。"
)


def _require_basis_for_write(
    actor: Actor,
    queryset: QuerySet,  # type: ignore[type-arg]  # any of the protected models
    target_type: str,
    pk: int,
) -> None:
    """Refuse a write whose only grant is break-glass (read-only), with an audited denial."""
    with without_break_glass():
        holds = queryset.filter(pk=pk).exists()
    if not holds:
        audit.record_denial(
            actor, target_type=target_type, target_id=str(pk), reason="break-glass is read-only"
        )
        raise Forbidden(_(BREAK_GLASS_READ_ONLY_MESSAGE))


def access_object(
    actor: Actor,
    queryset: QuerySet,  # type: ignore[type-arg]  # any of the protected models
    object_id: object,
    *,
    for_write: bool,
    audit_read: bool = True,
) -> object:
    """One object of `queryset` (already scoped to the actor), or NotFound, audited.  The
    `access_*` helpers here and in the apps that hang off a case are thin wrappers of it."""
    model = queryset.model
    target_type = model._meta.label_lower
    try:
        pk = int(str(object_id))
    except ValueError:
        raise audit.not_found(actor, target_type, object_id, "malformed id") from None
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise audit.not_found(actor, target_type, pk, "not visible to the acting organization")
    if for_write:
        _require_write(actor, target_type, pk)
        _require_basis_for_write(actor, queryset, target_type, pk)
    elif audit_read:
        audit.record(action=Action.RECORD_VIEWED, actor=actor, target=obj)
    return obj


def access_case(
    actor: Actor, case_id: object, *, for_write: bool = False, audit_read: bool = True
) -> Case:
    """`audit_read=False` is for a caller that writes a richer read row itself (a timeline)."""
    queryset = cases_visible_to(actor).select_related(
        "person", "household", "lead_organization", "lead_worker"
    )
    obj = access_object(actor, queryset, case_id, for_write=for_write, audit_read=audit_read)
    assert isinstance(obj, Case)  # noqa: S101
    return obj


def access_person(actor: Actor, person_id: object, *, for_write: bool = False) -> Person:
    queryset = persons_visible_to(actor).select_related("area", "registered_by_organization")
    obj = access_object(actor, queryset, person_id, for_write=for_write)
    assert isinstance(obj, Person)  # noqa: S101
    return obj


def access_household(
    actor: Actor, household_id: object, *, for_write: bool = False, audit_read: bool = True
) -> Household:
    obj = access_object(
        actor,
        households_visible_to(actor),
        household_id,
        for_write=for_write,
        audit_read=audit_read,
    )
    assert isinstance(obj, Household)  # noqa: S101
    return obj


def access_consultation(
    actor: Actor, consultation_id: object, *, for_write: bool = False
) -> Consultation:
    queryset = consultations_visible_to(actor).select_related(
        "person",
        "household",
        "organization",
        "received_by",
        "referring_organization",
        "case",
        "peer_counsellor__provider",
    )
    obj = access_object(actor, queryset, consultation_id, for_write=for_write)
    assert isinstance(obj, Consultation)  # noqa: S101
    return obj
