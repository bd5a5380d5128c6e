"""Screens for persons (本人), their consents and households (世帯).

Thin views: parse the form, fetch through the access layer, call a service, render or
redirect.  Objects are fetched only through `access_person` / `access_household` and the
selectors in people/selectors.py, which answer 404 alike for "missing" and "not yours".
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.cases.access import access_household, access_person
from tsunagu.core.errors import Conflict, Forbidden, Invalid, NotFound
from tsunagu.core.http import TsunaguRequest
from tsunagu.people import duplicates, selectors, services
from tsunagu.people.forms import (
    ConsentForm,
    ConsentWithdrawForm,
    DuplicateDecisionForm,
    HouseholdEditForm,
    HouseholdForm,
    HouseholdMemberEndForm,
    HouseholdMemberForm,
    HouseholdSearchForm,
    PersonCreateForm,
    PersonEditForm,
    SearchForm,
)
from tsunagu.people.models import Household, Person

PAGE_SIZE = 25

View = Callable[..., HttpResponse]


def _posted(request: TsunaguRequest) -> QueryDict | None:
    """The POST data of a POST, even an empty one (an empty form must show its errors)."""
    return request.POST if request.method == "POST" else None


def _refused(request: TsunaguRequest, message: str) -> HttpResponse:
    messages.error(request, message)
    return render(request, "403.html", {"request_id": request.request_id}, status=403)


def _app_errors(view: View) -> View:
    """NotFound is a 404 page; Forbidden (read-only member, no organization) a 403 with its
    message.  The access layer has already written the audit row for either."""

    @wraps(view)
    def wrapper(request: TsunaguRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404 from None
        except Forbidden as exc:
            return _refused(request, exc.message)

    return wrapper


def _require_writer(request: TsunaguRequest) -> None:
    actor = request.actor
    if actor.organization is None:
        raise Forbidden(_("所属機関を選んでから操作してください。"))
    if not actor.can_write:
        audit.record_denial(
            request.actor,
            target_type="view",
            target_id=request.path[:64],
            reason="read-only membership",
        )
        raise Forbidden(_("閲覧のみの権限では変更できません。"))


def _person_for_write(request: TsunaguRequest, person_id: int) -> Person:
    """The person, for a screen that changes them; a GET of the form is also a read."""
    person = access_person(request.actor, person_id, for_write=True)
    if request.method == "GET":
        audit.record(action=Action.RECORD_VIEWED, actor=request.actor, target=person)
    return person


def _household_for_write(request: TsunaguRequest, household_id: int) -> Household:
    household = access_household(request.actor, household_id, for_write=True)
    if request.method == "GET":
        audit.record(action=Action.RECORD_VIEWED, actor=request.actor, target=household)
    return household


def _add_field_errors(form: Any, exc: Invalid) -> None:
    errors = exc.errors if isinstance(exc, services.FieldErrors) else {"": exc.message}
    for name, message in errors.items():
        form.add_error(name if name in form.fields else None, message)


# --- Persons ----------------------------------------------------------------------------------


def _search_context(
    request: TsunaguRequest,
    form: SearchForm | HouseholdSearchForm,
    search: Callable[..., Any],
    target_type: str,
) -> dict[str, Any]:
    """One page of a search over what the organization may see.  Which records came up is
    personal data too, so a page that shows records is audited (audit.record_read): a person
    search names the persons shown, the household list (searched or not: it lists the
    organization's households without words too) every member of the households shown; the
    words typed only as a keyed digest."""
    query = form.cleaned_data["q"] if form.is_valid() else ""
    actor = request.actor
    page = Paginator(search(actor=actor, query=query), PAGE_SIZE).get_page(request.GET.get("page"))
    if query and target_type == "people.person":
        audit.record_read(
            request.actor,
            view="people.person_search",
            person_ids=[p.pk for p in page.object_list],
            search_text=query,
        )
    elif target_type == "people.household":
        audit.record_read(
            request.actor,
            view="people.household_list",
            # One query more than the count-only row this replaced: the members.
            person_ids=selectors.household_member_ids(
                household_ids=[h.pk for h in page.object_list]
            ),
            search_text=query,
        )
    return {
        "form": form,
        "page": page,
        "query": urlencode({"q": query}) if query else "",
        "searched": bool(query),
        "can_write": actor.can_write,
    }


def person_search(request: TsunaguRequest) -> HttpResponse:
    context = _search_context(
        request, SearchForm(request.GET or None), selectors.person_search, "people.person"
    )
    template = (
        "people/partials/person_results.html"
        if request.headers.get("HX-Request")
        else "people/pages/person_search.html"
    )
    return render(request, template, context)


@_app_errors
def person_create(request: TsunaguRequest) -> HttpResponse:
    _require_writer(request)
    form = PersonCreateForm(_posted(request))
    duplicates = None
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(
                actor=request.actor,
                data=form.person_data(),
                certificates=form.certificates(),
                confirm_new=form.cleaned_data["confirm_new"],
            )
        except services.PossibleDuplicate as exc:
            duplicates = exc.candidates
            data = request.POST.copy()
            data["confirm_new"] = "True"
            form = PersonCreateForm(data)
            form.is_valid()
        except services.FieldErrors as exc:
            _add_field_errors(form, exc)
        else:
            messages.success(
                request, _("%(name)sさんを登録しました。") % {"name": person.display_name}
            )
            return redirect("people:person_detail", person_id=person.pk)
    return render(
        request,
        "people/pages/person_form.html",
        {"form": form, "duplicates": duplicates, "person": None},
        status=400 if form.errors else 200,
    )


@_app_errors
def person_detail(request: TsunaguRequest, person_id: int) -> HttpResponse:
    person = access_person(request.actor, person_id)
    actor = request.actor
    context = {
        "person": person,
        "certificates": selectors.person_certificates(person=person),
        "memberships": selectors.person_household_memberships(actor=actor, person=person),
        "cases": selectors.person_cases(actor=actor, person=person),
        "consents": selectors.person_consents(person=person),
        "can_write": actor.can_write,
        "today": timezone.localdate(),
    }
    return render(request, "people/pages/person_detail.html", context)


@_app_errors
def person_edit(request: TsunaguRequest, person_id: int) -> HttpResponse:
    person = _person_for_write(request, person_id)
    duplicates = None
    if request.method == "POST":
        form = PersonEditForm(request.POST)
        if form.is_valid():
            try:
                services.person_update(
                    actor=request.actor,
                    person=person,
                    expected_version=form.cleaned_data["version"],
                    changes=form.person_data(),
                    certificates=form.certificates(),
                    check_duplicates=True,
                    confirm_new=form.cleaned_data["confirm_new"],
                )
            except services.PossibleDuplicate as exc:
                # Same as on create: show who it may be; saving again confirms "someone else".
                duplicates = exc.candidates
                data = request.POST.copy()
                data["confirm_new"] = "True"
                form = PersonEditForm(data)
                form.is_valid()
                status = 200
            except Conflict as exc:
                form.add_error(None, exc.message)
                status = 409
            except services.FieldErrors as exc:
                _add_field_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("本人の情報を更新しました。"))
                return redirect("people:person_detail", person_id=person.pk)
        else:
            status = 400
    else:
        form = PersonEditForm(
            initial={**PersonEditForm.initial_for(person), "version": person.version}
        )
        status = 200
    return render(
        request,
        "people/pages/person_form.html",
        {"form": form, "person": person, "duplicates": duplicates},
        status=status,
    )


# --- Consents ---------------------------------------------------------------------------------


@_app_errors
def consent_create(request: TsunaguRequest, person_id: int) -> HttpResponse:
    person = _person_for_write(request, person_id)
    form = ConsentForm(_posted(request), initial={"obtained_on": timezone.localdate().isoformat()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.consent_record(
                actor=request.actor,
                person=person,
                organizations=data["organizations"],
                purposes=data["purposes"],
                method=data["method"],
                obtained_on=data["obtained_on"],
                expires_on=data["expires_on"],
                notes=data["notes"],
            )
        except services.FieldErrors as exc:
            _add_field_errors(form, exc)
        else:
            messages.success(request, _("同意を記録しました。"))
            return redirect("people:person_detail", person_id=person.pk)
    return render(
        request,
        "people/pages/consent_form.html",
        {"form": form, "person": person},
        status=400 if form.errors else 200,
    )


@_app_errors
def consent_withdraw(request: TsunaguRequest, person_id: int, consent_id: int) -> HttpResponse:
    person = _person_for_write(request, person_id)
    consent = selectors.person_consent(person=person, consent_id=consent_id)
    if consent is None:
        audit.record_denial(
            request.actor, target_type="people.consent", target_id=consent_id, reason="not found"
        )
        raise Http404
    form = ConsentWithdrawForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(
                actor=request.actor, consent=consent, reason=form.cleaned_data["reason"]
            )
        except Invalid as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("同意の撤回を記録しました。この同意による情報共有は直ちに止まります。")
            )
        return redirect("people:person_detail", person_id=person.pk)
    return render(
        request,
        "people/pages/consent_withdraw.html",
        {"form": form, "person": person, "consent": consent},
        status=400 if form.errors else 200,
    )


# --- Households -------------------------------------------------------------------------------


def household_list(request: TsunaguRequest) -> HttpResponse:
    """Households the organization may see, by name or address, a page at a time."""
    context = _search_context(
        request,
        HouseholdSearchForm(request.GET or None),
        selectors.household_search,
        "people.household",
    )
    return render(request, "people/pages/household_list.html", context)


@_app_errors
def household_create(request: TsunaguRequest) -> HttpResponse:
    _require_writer(request)
    form = HouseholdForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            household = services.household_create(actor=request.actor, data=form.household_data())
        except services.FieldErrors as exc:
            _add_field_errors(form, exc)
        else:
            messages.success(request, _("世帯「%(name)s」を登録しました。") % {"name": household})
            return redirect("people:household_detail", household_id=household.pk)
    return render(
        request,
        "people/pages/household_form.html",
        {"form": form, "household": None},
        status=400 if form.errors else 200,
    )


@_app_errors
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
            "current_members": current,
            "past_members": past,
            "hidden_current": view.hidden_current,
            "can_write": actor.can_write,
        },
    )


@_app_errors
def household_edit(request: TsunaguRequest, household_id: int) -> HttpResponse:
    household = _household_for_write(request, household_id)
    if request.method == "POST":
        form = HouseholdEditForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                services.household_update(
                    actor=request.actor,
                    household=household,
                    expected_version=form.cleaned_data["version"],
                    changes=form.household_data(),
                )
            except Conflict as exc:
                form.add_error(None, exc.message)
                status = 409
            except services.FieldErrors as exc:
                _add_field_errors(form, exc)
            else:
                messages.success(request, _("世帯の情報を更新しました。"))
                return redirect("people:household_detail", household_id=household.pk)
    else:
        form = HouseholdEditForm(
            initial={
                **{name: getattr(household, name) for name in services.HOUSEHOLD_FIELDS},
                "version": household.version,
            }
        )
        status = 200
    return render(
        request,
        "people/pages/household_form.html",
        {"form": form, "household": household},
        status=status,
    )


@_app_errors
def household_member_add(request: TsunaguRequest, household_id: int) -> HttpResponse:
    """Pick a person the actor may see (search box), then say how they belong."""
    household = _household_for_write(request, household_id)
    actor = request.actor
    search = SearchForm(request.GET if "q" in request.GET else None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    results = list(selectors.person_search(actor=actor, query=query)[:20]) if query.strip() else []
    person_id = request.POST.get("person") or request.GET.get("person")
    person = access_person(request.actor, person_id, for_write=True) if person_id else None
    form = HouseholdMemberForm(_posted(request), initial={"person": person.pk if person else None})
    if request.method == "POST" and form.is_valid() and person is not None:
        data = form.cleaned_data
        try:
            services.household_member_add(
                actor=request.actor,
                household=household,
                person=person,
                relationship=data["relationship"],
                lives_together=data["lives_together"],
                start_date=data["start_date"],
                notes=data["notes"],
            )
        except services.FieldErrors as exc:
            _add_field_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)sさんを世帯員に加えました。") % {"name": person.display_name},
            )
            return redirect("people:household_detail", household_id=household.pk)
    return render(
        request,
        "people/pages/household_member_form.html",
        {
            "household": household,
            "search": search,
            "query": query,
            "results": results,
            "person": person,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@_app_errors
def household_member_end(
    request: TsunaguRequest, household_id: int, member_id: int
) -> HttpResponse:
    household = _household_for_write(request, household_id)
    member = selectors.household_member(
        actor=request.actor, household=household, member_id=member_id
    )
    if member is None:
        audit.record_denial(
            request.actor,
            target_type="people.householdmember",
            target_id=member_id,
            reason="not found",
        )
        raise Http404
    form = HouseholdMemberEndForm(
        _posted(request), initial={"end_date": timezone.localdate().isoformat()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.household_member_end(
                actor=request.actor, member=member, end_date=form.cleaned_data["end_date"]
            )
        except services.FieldErrors as exc:
            _add_field_errors(form, exc)
        else:
            messages.success(request, _("世帯を離れた日を記録しました。"))
            return redirect("people:household_detail", household_id=household.pk)
    return render(
        request,
        "people/pages/household_member_end.html",
        {"form": form, "household": household, "member": member},
        status=400 if form.errors else 200,
    )


# --- The core center's queue of possible duplicates ---------------------------------------------


@_app_errors
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


@_app_errors
def duplicate_detail(request: TsunaguRequest, candidate_id: int) -> HttpResponse:
    """One candidate and the core center's decision on it."""
    posted = request.method == "POST"
    candidate = duplicates.access_duplicate_candidate(request.actor, candidate_id, for_write=posted)
    form = DuplicateDecisionForm(_posted(request))
    status = 200
    if posted:
        status = 400
        if form.is_valid():
            try:
                duplicates.duplicate_candidate_decide(
                    actor=request.actor,
                    candidate=candidate,
                    decision=form.cleaned_data["decision"],
                    note=form.cleaned_data["note"],
                )
            except Conflict as exc:
                form.add_error(None, exc.message)
                status = 409
            except Invalid as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("対応を記録しました。"))
                return redirect("people:duplicate_queue")
    return render(
        request,
        "people/pages/duplicate_detail.html",
        {
            "candidate": candidate,
            "form": form,
            "pending": candidate.status in duplicates.PENDING,
            "can_write": request.actor.can_write,
        },
        status=status,
    )
