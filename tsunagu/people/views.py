"""Screens for persons (本人), their consents and households (世帯).

Thin views: parse the form, fetch through the access layer, call a service, render or
redirect.  Objects are fetched only through `access_person` / `access_household` and the
selectors in people/selectors.py, which answer 404 alike for "missing" and "not yours".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.audit.lists import list_page
from tsunagu.audit.models import Action
from tsunagu.cases import services as case_services
from tsunagu.cases.access import access_consultation, access_household, access_person
from tsunagu.cases.models import Consultation
from tsunagu.core.errors import TsunaguError
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.lists import SEARCH_FIELD
from tsunagu.core.screens import action, errors_as_pages, form_page, posted, screen
from tsunagu.people import duplicates, protection, selectors, services
from tsunagu.people.forms import (
    ConsentForm,
    ConsentWithdrawForm,
    DuplicateDecisionForm,
    HouseholdEditForm,
    HouseholdForm,
    HouseholdMemberEndForm,
    HouseholdMemberForm,
    PersonContactForm,
    PersonCreateForm,
    PersonEditForm,
    PersonForm,
    ProtectionEndForm,
    ProtectionForm,
    SearchForm,
)
from tsunagu.people.lists import (
    HouseholdFilter,
    HouseholdTable,
    PersonFilter,
    PersonTable,
    household_persons,
    person_ids,
)
from tsunagu.people.models import AddressProtection, Household, Person

PAGE_SIZE = 25
T = TypeVar("T", Person, Household)


def _for_write(request: TsunaguRequest, access: Callable[..., T], object_id: int) -> T:
    """The person or household (`access_person`, `access_household`), for a screen that changes
    them; a GET of the form is also a read."""
    found = access(request.actor, object_id, for_write=True)
    if request.method == "GET":
        audit.record(action=Action.RECORD_VIEWED, actor=request.actor, target=found)
    return found


# --- Persons ----------------------------------------------------------------------------------


def person_search(request: TsunaguRequest) -> HttpResponse:
    """Persons the organization may see.  Which records came up is personal data too, so a
    searched page names the persons shown (audit.record_read), the words only as a digest.
    Before anything is typed: the box and a hint, and nothing is read."""
    page, results = "people/pages/person_search.html", "people/partials/person_results.html"
    context = {"can_write": request.actor.can_write}
    if not request.GET.get(SEARCH_FIELD, "").strip():
        template = results if request.headers.get("HX-Request") else page
        return render(request, template, {**context, "filter": PersonFilter(request=request)})
    return list_page(
        request,
        rows=selectors.person_search(request.actor, query=""),
        filters=PersonFilter,
        table=PersonTable,
        template=page,
        partial=results,
        view="people.person_search",
        persons=person_ids,
        context={**context, "searched": True},
        per_page=PAGE_SIZE,
        # The visibility UNION is the cost of this page: run once, for the page and its count.
        count_with_page=True,
    )


def _confirm_duplicates(
    request: TsunaguRequest,
    form_class: type[PersonForm | PersonContactForm],
    shown: dict[str, Any],
) -> Callable[[Any, TsunaguError], tuple[Any, int] | None]:
    """Similar records found: show who it may be; saving again confirms "someone else"."""

    def rescue(
        form: PersonForm | PersonContactForm, exc: TsunaguError
    ) -> tuple[PersonForm | PersonContactForm, int] | None:
        if not isinstance(exc, services.PossibleDuplicate):
            return None
        shown["duplicates"] = exc.candidates
        data = request.POST.copy()
        data["confirm_new"] = "True"
        confirm = form_class(data)
        return confirm, 400 if not confirm.is_valid() else 200

    return rescue


def _intake_consultation(request: TsunaguRequest) -> Consultation | None:
    """The consultation of the intake flow (`?consultation=`): consultation → person →
    consent → case.  Fetched for writing (404 when not the office's, as everywhere); None
    when the screen is used on its own."""
    raw = request.GET.get("consultation")
    if not raw:
        return None
    return access_consultation(request.actor, raw[:20], for_write=request.method == "POST")


@screen("GET", "POST")
def person_create(request: TsunaguRequest) -> HttpResponse:
    audit.require_writer(request.actor, target_type="view", target_id=request.path[:64])
    consultation = _intake_consultation(request)
    if consultation is not None and (consultation.person_id or consultation.household_id):
        messages.info(request, _("この相談にはすでに本人または世帯が記録されています。"))
        return redirect("cases:consultation_detail", consultation_id=consultation.pk)
    shown: dict[str, Any] = {"duplicates": None, "person": None, "consultation": consultation}
    form = PersonCreateForm(posted(request))

    def save(data: dict[str, Any]) -> Person:
        person = services.person_create(
            actor=request.actor,
            data=form.person_data(),
            certificates=form.certificates(),
            confirm_new=data["confirm_new"],
        )
        if consultation is not None:
            case_services.consultation_link_person(
                request.actor, consultation=consultation, person=person
            )
        return person

    def done(person: Person) -> HttpResponse:
        if consultation is None:
            return redirect("people:person_detail", person_id=person.pk)
        # Next step of the intake: the consent.
        url = reverse("people:consent_create", kwargs={"person_id": person.pk})
        return redirect(f"{url}?consultation={consultation.pk}")

    return form_page(
        request,
        form,
        "people/pages/person_form.html",
        save=save,
        done=done,
        context=shown,
        rescue=_confirm_duplicates(request, PersonCreateForm, shown),
        success=lambda person: _("%(name)sさんを登録しました。") % {"name": person.display_name},
    )


def _person_page(
    request: TsunaguRequest, person: Person, *, revealed: protection.Contact | None = None
) -> HttpResponse:
    actor = request.actor
    current = protection.active_protection(person)
    context = {
        "person": person,
        # The one way this page reads the whereabouts (people.protection): hidden unless a
        # named worker pressed 表示する on this very request.
        "contact": revealed or protection.contact_of(person, protected=current is not None),
        "protection": current,
        "may_reveal": revealed is None and protection.is_named_worker(actor, current),
        # Reached from the reveal only: a named worker who may write changes them there.
        "may_edit_contact": revealed is not None and current is not None and actor.can_write,
        "may_protect": protection.may_manage(actor, person, current),
        "certificates": selectors.person_certificates(person=person),
        "memberships": selectors.person_household_memberships(actor=actor, person=person),
        "cases": selectors.person_cases(actor=actor, person=person),
        "consents": selectors.person_consents(person=person),
        "can_write": actor.can_write,
        "today": timezone.localdate(),
    }
    return render(request, "people/pages/person_detail.html", context)


@errors_as_pages()
def person_detail(request: TsunaguRequest, person_id: int) -> HttpResponse:
    return _person_page(request, access_person(request.actor, person_id))


@screen("POST")
def person_contact_reveal(request: TsunaguRequest, person_id: int) -> HttpResponse:
    """表示する: a named worker sees the hidden whereabouts on this one page, audited."""
    person = access_person(request.actor, person_id)
    revealed = protection.contact_reveal(request.actor, person=person)
    response = _person_page(request, person, revealed=revealed)
    response["Cache-Control"] = "no-store"
    return response


@screen("GET", "POST")
def person_contact_edit(request: TsunaguRequest, person_id: int) -> HttpResponse:
    """A protected person's address and phone, changed by a named worker (reached from 表示する;
    the API's twin is PATCH /persons/{id}).  Opening the form shows the current values, so it is
    a reveal: audited and counted against the hourly limit.  Anyone else: the audited 403."""
    person = access_person(request.actor, person_id, for_write=True)
    protection.require_contact_editor(request.actor, person=person)
    initial: dict[str, Any] = {"version": person.version}
    if request.method == "GET":
        revealed = protection.contact_reveal(request.actor, person=person)
        initial |= {name: getattr(revealed, name) for name in protection.CONTACT_FIELDS}
        # A form's GET is a read, as on every edit form (the reveal has its own row).
        audit.record(action=Action.RECORD_VIEWED, actor=request.actor, target=person)
    shown: dict[str, Any] = {
        "duplicates": None,
        "person": person,
        "protected": bool(protection.protected_person_ids([person.pk])),
    }
    form = PersonContactForm(posted(request), initial=initial)
    response = form_page(
        request,
        form,
        "people/pages/person_contact_form.html",
        save=lambda data: services.person_update(
            actor=request.actor,
            person=person,
            expected_version=data["version"],
            changes=form.person_data(),
            check_duplicates=True,
            confirm_new=data["confirm_new"],
        ),
        done=lambda saved: redirect("people:person_detail", person_id=person.pk),
        context=shown,
        rescue=_confirm_duplicates(request, PersonContactForm, shown),
        success=_("住所・電話番号を更新しました。"),
    )
    response["Cache-Control"] = "no-store"
    return response


def _protection_for_write(
    request: TsunaguRequest, person_id: int
) -> tuple[Person, AddressProtection | None]:
    person = _for_write(request, access_person, person_id)
    current = protection.active_protection(person)
    if not protection.may_manage(request.actor, person, current):
        raise protection.refusal(request.actor, person)
    return person, current


@screen("GET", "POST")
def protection_edit(request: TsunaguRequest, person_id: int) -> HttpResponse:
    """Hide the person's whereabouts, or change the protection in force."""
    person, current = _protection_for_write(request, person_id)
    if current is not None:
        initial: dict[str, Any] = {
            "basis": current.basis,
            "decided_on": current.decided_on.isoformat(),
            "reason": current.reason,
            "review_on": current.review_on.isoformat(),
            "workers": [w.pk for w in current.workers.all()],
        }
    else:
        initial = {
            "decided_on": timezone.localdate().isoformat(),
            "workers": [request.actor.user.pk],
        }
    form = ProtectionForm(
        posted(request), initial=initial, workers=protection.worker_choices(request.actor)
    )
    return form_page(
        request,
        form,
        "people/pages/protection_form.html",
        save=lambda data: protection.protection_set(
            request.actor,
            person=person,
            basis=data["basis"],
            decided_on=data["decided_on"],
            reason=data["reason"],
            review_on=data["review_on"],
            worker_ids=data["workers"],
        ),
        done=lambda saved: redirect("people:person_detail", person_id=person.pk),
        context={"person": person, "protection": current},
        success=_("住所・電話番号・居所を非表示にしました。"),
    )


@screen("GET", "POST")
def protection_end(request: TsunaguRequest, person_id: int) -> HttpResponse:
    person, current = _protection_for_write(request, person_id)
    if current is None:
        return redirect("people:person_detail", person_id=person.pk)
    return form_page(
        request,
        ProtectionEndForm(posted(request)),
        "people/pages/protection_end.html",
        save=lambda data: protection.protection_end(
            request.actor, person=person, reason=data["reason"]
        ),
        done=lambda saved: redirect("people:person_detail", person_id=person.pk),
        context={"person": person, "protection": current},
        success=_("住所等の非表示を解除しました。"),
    )


@screen("GET", "POST")
def person_edit(request: TsunaguRequest, person_id: int) -> HttpResponse:
    person = _for_write(request, access_person, person_id)
    shown: dict[str, Any] = {"duplicates": None, "person": person}
    initial = {**PersonEditForm.initial_for(person), "version": person.version}
    form = PersonEditForm(posted(request), initial=initial)
    if protection.protected_person_ids([person.pk]):
        form.hide_contact()
    return form_page(
        request,
        form,
        "people/pages/person_form.html",
        save=lambda data: services.person_update(
            actor=request.actor,
            person=person,
            expected_version=data["version"],
            changes=form.person_data(),
            certificates=form.certificates(),
            check_duplicates=True,
            confirm_new=data["confirm_new"],
        ),
        done=lambda saved: redirect("people:person_detail", person_id=person.pk),
        context=shown,
        rescue=_confirm_duplicates(request, PersonEditForm, shown),
        success=_("本人の情報を更新しました。"),
    )


# --- Consents ---------------------------------------------------------------------------------


@screen("GET", "POST")
def consent_create(request: TsunaguRequest, person_id: int) -> HttpResponse:
    person = _for_write(request, access_person, person_id)
    consultation = _intake_consultation(request)
    if consultation is not None and consultation.person_id != person.pk:
        consultation = None  # another person's consultation: the screen on its own

    def done(saved: object) -> HttpResponse:
        if consultation is None:
            return redirect("people:person_detail", person_id=person.pk)
        # Last step of the intake: back to the consultation, to open the case.
        url = reverse("cases:consultation_detail", kwargs={"consultation_id": consultation.pk})
        return redirect(f"{url}?intake=1")

    return form_page(
        request,
        ConsentForm(posted(request), initial={"obtained_on": timezone.localdate().isoformat()}),
        "people/pages/consent_form.html",
        save=lambda data: services.consent_record(actor=request.actor, person=person, **data),
        done=done,
        context={"person": person, "consultation": consultation},
        success=_("同意を記録しました。"),
    )


@screen("GET", "POST")
def consent_withdraw(request: TsunaguRequest, person_id: int, consent_id: int) -> HttpResponse:
    person = _for_write(request, access_person, person_id)
    consent = selectors.person_consent(person=person, consent_id=consent_id)
    if consent is None:
        raise audit.not_found(request.actor, "people.consent", consent_id, "not found")
    form = ConsentWithdrawForm(posted(request))
    if request.method == "POST" and form.is_valid():
        return action(
            request,
            lambda: services.consent_withdraw(
                actor=request.actor, consent=consent, reason=form.cleaned_data["reason"]
            ),
            to=reverse("people:person_detail", kwargs={"person_id": person.pk}),
            success=_("同意の撤回を記録しました。この同意による情報共有は直ちに止まります。"),
        )
    return render(
        request,
        "people/pages/consent_withdraw.html",
        {"form": form, "person": person, "consent": consent},
        status=400 if form.errors else 200,
    )


# --- Households -------------------------------------------------------------------------------


def household_list(request: TsunaguRequest) -> HttpResponse:
    """Households the organization may see; every page names the members of those shown."""
    return list_page(
        request,
        rows=selectors.household_search(request.actor, query=""),
        filters=HouseholdFilter,
        table=HouseholdTable,
        template="people/pages/household_list.html",
        view="people.household_list",
        persons=household_persons,
        context={"can_write": request.actor.can_write},
        per_page=PAGE_SIZE,
    )


@screen("GET", "POST")
def household_create(request: TsunaguRequest) -> HttpResponse:
    audit.require_writer(request.actor, target_type="view", target_id=request.path[:64])
    form = HouseholdForm(posted(request))
    return form_page(
        request,
        form,
        "people/pages/household_form.html",
        save=lambda data: services.household_create(
            actor=request.actor, data=form.household_data()
        ),
        done=lambda household: redirect("people:household_detail", household_id=household.pk),
        context={"household": None},
        success=lambda household: _("世帯「%(name)s」を登録しました。") % {"name": household},
    )


@errors_as_pages()
def household_detail(request: TsunaguRequest, household_id: int) -> HttpResponse:
    household = access_household(request.actor, household_id)
    actor = request.actor
    # Only the members each on their own basis; the others are not even counted, except for
    # an organization that holds the household itself (selectors.household_view).
    view = selectors.household_view(actor=actor, household=household)
    today = timezone.localdate()
    current = [m for m in view.members if m.end_date is None or m.end_date >= today]
    past = [m for m in view.members if m.end_date is not None and m.end_date < today]
    return render(
        request,
        "people/pages/household_detail.html",
        {
            "household": household,
            "contact": protection.household_contact_of(household),
            "current_members": current,
            "past_members": past,
            "hidden_current": view.hidden_current,
            "can_write": actor.can_write,
        },
    )


@screen("GET", "POST")
def household_edit(request: TsunaguRequest, household_id: int) -> HttpResponse:
    household = _for_write(request, access_household, household_id)
    initial = {name: getattr(household, name) for name in services.HOUSEHOLD_FIELDS}
    form = HouseholdEditForm(posted(request), initial={**initial, "version": household.version})
    if protection.protected_household_ids([household.pk]):
        form.hide_contact()
    return form_page(
        request,
        form,
        "people/pages/household_form.html",
        save=lambda data: services.household_update(
            actor=request.actor,
            household=household,
            expected_version=data["version"],
            changes=form.household_data(),
        ),
        done=lambda saved: redirect("people:household_detail", household_id=household.pk),
        context={"household": household},
        success=_("世帯の情報を更新しました。"),
    )


@screen("GET", "POST")
def household_member_add(request: TsunaguRequest, household_id: int) -> HttpResponse:
    """Pick a person the actor may see (search box), then say how they belong."""
    household = _for_write(request, access_household, household_id)
    search = SearchForm(request.GET if "q" in request.GET else None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    results = list(selectors.person_search(request.actor, query=query)[:20]) if query else []
    person_id = request.POST.get("person") or request.GET.get("person")
    person = access_person(request.actor, person_id, for_write=True) if person_id else None
    return form_page(
        request,
        HouseholdMemberForm(posted(request), initial={"person": person.pk if person else None}),
        "people/pages/household_member_form.html",
        save=lambda data: services.household_member_add(
            actor=request.actor,
            household=household,
            person=person,  # type: ignore[arg-type]  # the form requires the person's id
            **{name: value for name, value in data.items() if name != "person"},
        ),
        done=lambda saved: redirect("people:household_detail", household_id=household.pk),
        context={
            "household": household,
            "search": search,
            "query": query,
            "results": results,
            "person": person,
        },
        success=lambda member: (
            _("%(name)sさんを世帯員に加えました。") % {"name": member.person.display_name}
        ),
    )


@screen("GET", "POST")
def household_member_end(
    request: TsunaguRequest, household_id: int, member_id: int
) -> HttpResponse:
    household = _for_write(request, access_household, household_id)
    member = selectors.household_member(
        actor=request.actor, household=household, member_id=member_id
    )
    if member is None:
        raise audit.not_found(request.actor, "people.householdmember", member_id, "not found")
    return form_page(
        request,
        HouseholdMemberEndForm(
            posted(request), initial={"end_date": timezone.localdate().isoformat()}
        ),
        "people/pages/household_member_end.html",
        save=lambda data: services.household_member_end(actor=request.actor, member=member, **data),
        done=lambda saved: redirect("people:household_detail", household_id=household.pk),
        context={"household": household, "member": member},
        success=_("世帯を離れた日を記録しました。"),
    )


# --- The core center's queue of possible duplicates ---------------------------------------------


@errors_as_pages()
def duplicate_queue(request: TsunaguRequest) -> HttpResponse:
    """Pending candidates (or `?status=done|all`), both records side by side: core center only,
    a 404 for everyone else."""
    status = request.GET.get("status", "")
    status = status if status in ("done", "all") else ""
    candidates = duplicates.duplicate_queue(actor=request.actor, status=status)
    page = Paginator(candidates, PAGE_SIZE).get_page(request.GET.get("page"))
    duplicates.record_queue_read(request.actor, list(page.object_list))
    return render(
        request,
        "people/pages/duplicate_queue.html",
        {
            "page": page,
            "status": status,
            "query": urlencode({"status": status}) if status else "",
            "can_write": request.actor.can_write,
        },
    )


@screen("GET", "POST")
def duplicate_detail(request: TsunaguRequest, candidate_id: int) -> HttpResponse:
    """One candidate and the core center's decision on it."""
    candidate = duplicates.access_duplicate_candidate(
        request.actor, candidate_id, for_write=request.method == "POST"
    )
    return form_page(
        request,
        DuplicateDecisionForm(posted(request)),
        "people/pages/duplicate_detail.html",
        save=lambda data: duplicates.duplicate_candidate_decide(
            actor=request.actor, candidate=candidate, **data
        ),
        done=lambda saved: redirect("people:duplicate_queue"),
        context={
            "candidate": candidate,
            "pending": candidate.status in duplicates.PENDING,
            "can_write": request.actor.can_write,
        },
        success=_("対応を記録しました。"),
    )
