"""Screens for consultations, cases, teams, break-glass access and the access log.

Thin: parse the form, fetch through the access layer, call a service, render or redirect.
NotFound becomes the project's 404; Forbidden shows its message with status 403; Invalid and
Conflict redisplay the form with the message and the user's input (status 400 / 409).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.cases import selectors, services
from tsunagu.cases.access import access_case, access_consultation
from tsunagu.cases.forms import (
    BreakGlassForm,
    BreakGlassReviewForm,
    CaseEditForm,
    CaseFilterForm,
    ConsultationForm,
    EmergencyConvertForm,
    ReopenForm,
    TeamLeaveForm,
    TeamMemberForm,
    TransitionForm,
)
from tsunagu.cases.models import Case, CaseStatus, Domain
from tsunagu.core.errors import Conflict, Forbidden, Invalid, NotFound
from tsunagu.core.http import TsunaguRequest, errors_as_pages, refused_page

PAGE_SIZE = 30
TARGET_LABELS = {
    "people.person": gettext_lazy("本人"),
    "cases.case": gettext_lazy("支援ケース"),
    "cases.consultation": gettext_lazy("相談受付"),
    "records.progressnote": gettext_lazy("支援経過記録"),
    "records.formulation": gettext_lazy("見立て"),
    "cases.caseconference": gettext_lazy("ケース会議・事例検討"),
    # Rows written while case conferences were a model of the meetings app (before issue 14).
    "meetings.caseconference": gettext_lazy("ケース会議・事例検討"),
    "meetings.communityissue": gettext_lazy("地域課題"),
    "search.searchdocument": gettext_lazy("全文検索"),
}


_refused = refused_page
_mapped = errors_as_pages()


def _require_lead(request: TsunaguRequest, case: Case) -> None:
    """The edit screens are for the lead organization's writers (the services check again)."""
    actor = request.actor
    if actor.organization_id != case.lead_organization_id or not actor.can_write:
        audit.record_denial(
            request.actor, target_type="cases.case", target_id=case.pk, reason="not a lead writer"
        )
        raise Forbidden(_("変更できるのは主担当機関の職員だけです。"))


def _person_url(person_id: str) -> str:
    try:
        return reverse("people:person_detail", kwargs={"person_id": int(person_id)})
    except NoReverseMatch:
        return f"/people/{int(person_id)}/"


def _query_without_page(request: TsunaguRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _case(request: TsunaguRequest, case_id: int, *, for_write: bool = False) -> Case:
    return access_case(request.actor, case_id, for_write=for_write)


# --- Consultations --------------------------------------------------------------------------


@_mapped
def consultation_list(request: TsunaguRequest) -> HttpResponse:
    consultations = selectors.consultation_list(actor=request.actor)
    page = Paginator(consultations, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    audit.record_read(
        request.actor,
        view="cases.consultation_list",
        person_ids=selectors.persons_shown(
            person_ids=[c.person_id for c in shown],
            household_ids=[c.household_id for c in shown],
        ),
    )
    return render(
        request,
        "cases/pages/consultation_list.html",
        {"page": page, "query": _query_without_page(request)},
    )


@_mapped
def consultation_create(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    if request.method == "POST" and "_search" in request.POST:
        # The search button without JavaScript: show the form again, with the matches, keeping
        # what was typed (nothing is validated or saved yet).
        posted = ConsultationForm(request.POST, actor=actor)
        kept = {
            name: field.widget.value_from_datadict(request.POST, request.FILES, name)
            for name, field in posted.fields.items()
        }
        form = ConsultationForm(initial=kept, actor=actor)
        form.narrow_subject_choices(**_subject_queries(request.POST))
        return render(request, "cases/pages/consultation_form.html", {"form": form})
    if request.method == "POST":
        form = ConsultationForm(request.POST, actor=actor)
        form.narrow_subject_choices(**_subject_queries(request.POST))
        if form.is_valid():
            data = form.cleaned_data
            try:
                consultation = services.consultation_create(actor=request.actor, **data)
            except Forbidden as exc:
                return _refused(request, exc)
            except Invalid as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("相談を受け付けました。"))
                return redirect("cases:consultation_detail", consultation_id=consultation.pk)
        status = 400
    else:
        initial: dict[str, Any] = {}
        for name in ("person", "household"):
            value = request.GET.get(name, "")
            if value.isdigit():
                initial[name] = int(value)
        form = ConsultationForm(initial=initial, actor=actor)
        form.narrow_subject_choices(**_subject_queries(request.GET))
        status = 200
    return render(request, "cases/pages/consultation_form.html", {"form": form}, status=status)


def _subject_queries(data: Any) -> dict[str, str]:
    return {
        "person_query": str(data.get("person_q", ""))[:100],
        "household_query": str(data.get("household_q", ""))[:100],
    }


@_mapped
def consultation_subject_choices(request: TsunaguRequest) -> HttpResponse:
    """The radio buttons of the person or household picker, for htmx (GET ?kind=person&…)."""
    kind = request.GET.get("kind", "")
    if kind not in ("person", "household"):
        raise Http404
    value = request.GET.get(kind, "")
    initial = {kind: int(value)} if value.isdigit() else {}
    form = ConsultationForm(initial=initial, actor=request.actor)
    form.narrow_subject_choices(**_subject_queries(request.GET))
    return render(
        request,
        "cases/partials/subject_choices.html",
        {
            "field": form[kind],
            "kind": kind,
            "query": getattr(form, f"{kind}_q"),
            "more": getattr(form, f"{kind}_more"),
        },
    )


@_mapped
def consultation_detail(request: TsunaguRequest, consultation_id: int) -> HttpResponse:
    try:
        consultation = access_consultation(request.actor, consultation_id)
    except NotFound:
        raise Http404 from None
    domain_labels = [str(Domain(d).label) for d in consultation.domains if d in Domain.values]
    return render(
        request,
        "cases/pages/consultation_detail.html",
        {"consultation": consultation, "domain_labels": domain_labels},
    )


@_mapped
@require_POST
def consultation_open_case(request: TsunaguRequest, consultation_id: int) -> HttpResponse:
    try:
        consultation = access_consultation(request.actor, consultation_id, for_write=True)
        case = services.consultation_open_case(actor=request.actor, consultation=consultation)
    except NotFound:
        raise Http404 from None
    except Forbidden as exc:
        return _refused(request, exc)
    except Invalid as exc:
        messages.error(request, exc.message)
        return redirect("cases:consultation_detail", consultation_id=consultation_id)
    messages.success(request, _("支援ケースを作成しました。"))
    return redirect("cases:case_detail", case_id=case.pk)


# --- Cases ----------------------------------------------------------------------------------


@_mapped
def case_list(request: TsunaguRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    complex_filter = filters.get("complex", "")
    cases = selectors.case_list(
        actor=request.actor,
        status=filters.get("status", ""),
        is_complex={"1": True, "0": False}.get(complex_filter),
        mine=bool(filters.get("mine")),
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    audit.record_read(
        request.actor,
        view="cases.case_list",
        person_ids=selectors.persons_shown(
            person_ids=[c.person_id for c in shown],
            household_ids=[c.household_id for c in shown],
        ),
        filters=filters,
    )
    return render(
        request,
        "cases/pages/case_list.html",
        {
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            # Why a case the organization worked on is no longer open to it (case numbers and
            # reasons only).
            "ended_sharing": list(selectors.ended_sharing_for(request.actor)),
        },
    )


def _case_detail_context(request: TsunaguRequest, case: Case) -> dict[str, Any]:
    actor = request.actor
    return {
        "case": case,
        "is_lead": actor.organization_id == case.lead_organization_id and actor.can_write,
        "history": selectors.case_status_history(case),
        "team": selectors.case_team(case),
        "consultations": selectors.case_consultations(actor, case),
        "consents": selectors.case_consents(case),
        "factor_groups": selectors.difficulty_groups(case.difficulty_factors),
        "transition_form": TransitionForm(case=case),
        "reopen_form": ReopenForm(),
        "is_closed": case.status == CaseStatus.CLOSED,
        "today": timezone.localdate(),
        "access_log_allowed": actor.organization_id == case.lead_organization_id
        or actor.user.is_system_admin,
    }


@_mapped
def case_detail(request: TsunaguRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    return render(request, "cases/pages/case_detail.html", _case_detail_context(request, case))


@_mapped
def case_edit(request: TsunaguRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id, for_write=request.method == "POST")
    _require_lead(request, case)
    status = 200
    if request.method == "POST":
        form = CaseEditForm(request.POST, case=case)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.case_update(
                    actor=request.actor,
                    case=case,
                    expected_version=data["version"],
                    title=data["title"],
                    support_layer=data["support_layer"],
                    lead_worker=data["lead_worker"],
                    is_complex=data["is_complex"],
                    difficulty_factors=data["difficulty_factors"],
                )
            except Forbidden as exc:
                return _refused(request, exc)
            except Conflict as exc:
                form.add_error(None, exc.message)
                status = 409
            except Invalid as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                messages.success(request, _("ケースを更新しました。"))
                return redirect("cases:case_detail", case_id=case.pk)
        else:
            status = 400
    else:
        form = CaseEditForm(initial=CaseEditForm.initial_for(case), case=case)
    return render(
        request, "cases/pages/case_edit.html", {"case": case, "form": form}, status=status
    )


def _case_detail_with_error(
    request: TsunaguRequest, case: Case, *, form_name: str, form: Any, status: int = 400
) -> HttpResponse:
    context = _case_detail_context(request, case)
    context[form_name] = form
    return render(request, "cases/pages/case_detail.html", context, status=status)


@_mapped
@require_POST
def case_transition(request: TsunaguRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id, for_write=True)
    form = TransitionForm(request.POST, case=case)
    if not form.is_valid():
        return _case_detail_with_error(request, case, form_name="transition_form", form=form)
    data = form.cleaned_data
    try:
        services.case_transition(
            actor=request.actor,
            case=case,
            to_status=data["to_status"],
            reason=data["reason"],
            closure_reason=data["closure_reason"],
            closed_on=data["closed_on"],
            referred=data["referred"],
        )
    except Forbidden as exc:
        return _refused(request, exc)
    except (Invalid, Conflict) as exc:
        form.add_error(None, exc.message)
        return _case_detail_with_error(
            request,
            case,
            form_name="transition_form",
            form=form,
            status=409 if isinstance(exc, Conflict) else 400,
        )
    messages.success(
        request,
        _("状態を「%(status)s」にしました。") % {"status": CaseStatus(case.status).label},
    )
    return redirect("cases:case_detail", case_id=case.pk)


@_mapped
@require_POST
def case_reopen(request: TsunaguRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id, for_write=True)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return _case_detail_with_error(request, case, form_name="reopen_form", form=form)
    try:
        services.case_reopen(actor=request.actor, case=case, reason=form.cleaned_data["reason"])
    except Forbidden as exc:
        return _refused(request, exc)
    except (Invalid, Conflict) as exc:
        form.add_error(None, exc.message)
        return _case_detail_with_error(request, case, form_name="reopen_form", form=form)
    messages.success(request, _("ケースを再開しました（アセスメント）。"))
    return redirect("cases:case_detail", case_id=case.pk)


# --- Team -----------------------------------------------------------------------------------


@_mapped
def team_add(request: TsunaguRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id, for_write=request.method == "POST")
    _require_lead(request, case)
    status = 200
    if request.method == "POST":
        form = TeamMemberForm(request.POST, case=case)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.team_member_add(actor=request.actor, case=case, **data)
            except Forbidden as exc:
                return _refused(request, exc)
            except (Invalid, Conflict) as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                messages.success(
                    request,
                    _("「%(name)s」を支援チームに加えました。")
                    % {"name": data["organization"].name},
                )
                return redirect("cases:case_detail", case_id=case.pk)
        else:
            status = 400
    else:
        form = TeamMemberForm(case=case)
    return render(
        request,
        "cases/pages/team_form.html",
        {
            "case": case,
            "form": form,
            "consents": selectors.case_consents(case),
            "has_support_meeting": selectors.support_meetings_for(case).exists(),
            "new_meeting_url": reverse("meetings:conference_create", kwargs={"case_id": case.pk})
            + "?kind=statutory_support_meeting",
            "emergency_days": settings.EMERGENCY_BASIS_DAYS,
        },
        status=status,
    )


@_mapped
@require_POST
def team_leave(request: TsunaguRequest, case_id: int, member_id: int) -> HttpResponse:
    case = _case(request, case_id, for_write=True)
    try:
        member = selectors.case_team_member(case, member_id)
    except NotFound:
        raise Http404 from None
    form = TeamLeaveForm(request.POST)
    left_on = form.cleaned_data["left_on"] if form.is_valid() else None
    try:
        services.team_member_leave(actor=request.actor, member=member, left_on=left_on)
    except Forbidden as exc:
        return _refused(request, exc)
    except (Invalid, Conflict) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("「%(name)s」がチームを離れました。") % {"name": member.organization.name}
        )
    return redirect("cases:case_detail", case_id=case.pk)


# --- Break-glass ----------------------------------------------------------------------------


@_mapped
def break_glass_new(request: TsunaguRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = BreakGlassForm(request.POST)
        if form.is_valid():
            person_id = form.cleaned_data["person"].strip()
            try:
                services.break_glass_open(
                    actor=request.actor, person_id=person_id, reason=form.cleaned_data["reason"]
                )
            except Forbidden as exc:
                return _refused(request, exc)
            except Invalid as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                # The same answer whether or not the id names someone: see the service.
                messages.warning(
                    request,
                    _(
                        "緊急アクセスを記録しました。該当する記録があれば%(hours)s時間閲覧できます。"
                        "この操作は基幹相談支援センターが確認します。"
                    )
                    % {"hours": settings.BREAK_GLASS_HOURS},
                )
                if person_id.isdigit():
                    return redirect(_person_url(person_id))
                return redirect("cases:list")
        else:
            status = 400
    else:
        form = BreakGlassForm(initial={"person": request.GET.get("person", "")[:20]})
    return render(
        request,
        "cases/pages/break_glass_form.html",
        {"form": form, "hours": settings.BREAK_GLASS_HOURS},
        status=status,
    )


@_mapped
def break_glass_list(request: TsunaguRequest) -> HttpResponse:
    """The core center's review queue: emergency bases for sharing still open, then every
    break-glass access (unreviewed first)."""
    try:
        accesses = selectors.break_glass_list(actor=request.actor)
        emergencies = list(selectors.open_emergency_bases(actor=request.actor))
    except NotFound:
        raise Http404 from None
    page = Paginator(accesses, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/pages/break_glass_list.html",
        {
            "page": page,
            "query": "",
            "review_form": BreakGlassReviewForm(),
            "emergencies": emergencies,
            "today": timezone.localdate(),
        },
    )


# --- Review of emergency bases (core center) ------------------------------------------------


def _emergency(request: TsunaguRequest, member_id: int) -> Any:
    try:
        return selectors.emergency_basis_for_review(actor=request.actor, member_id=member_id)
    except NotFound:
        raise Http404 from None


@_mapped
def emergency_review(request: TsunaguRequest, member_id: int) -> HttpResponse:
    member = _emergency(request, member_id)
    return _emergency_page(request, member, EmergencyConvertForm(member=member))


def _emergency_page(
    request: TsunaguRequest, member: Any, convert_form: EmergencyConvertForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "cases/pages/emergency_review.html",
        {
            "member": member,
            "convert_form": convert_form,
            "note_form": BreakGlassReviewForm(),
            "today": timezone.localdate(),
            "holds": member.basis_holds_on(timezone.localdate()),
        },
        status=status,
    )


@_mapped
@require_POST
def emergency_convert(request: TsunaguRequest, member_id: int) -> HttpResponse:
    member = _emergency(request, member_id)
    form = EmergencyConvertForm(request.POST, member=member)
    if not form.is_valid():
        return _emergency_page(request, member, form, status=400)
    try:
        services.emergency_basis_convert(actor=request.actor, member=member, **form.cleaned_data)
    except Forbidden as exc:
        return _refused(request, exc)
    except (Invalid, Conflict) as exc:
        form.add_error(None, exc.message)
        return _emergency_page(request, member, form, status=400)
    messages.success(request, _("共有の根拠を切り替えました。"))
    return redirect("cases:break_glass_list")


@_mapped
@require_POST
def emergency_end(request: TsunaguRequest, member_id: int) -> HttpResponse:
    member = _emergency(request, member_id)
    form = BreakGlassReviewForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.emergency_basis_end(actor=request.actor, member=member, note=note)
    except Forbidden as exc:
        return _refused(request, exc)
    except (Invalid, Conflict) as exc:
        messages.error(request, exc.message)
        return redirect("cases:emergency_review", member_id=member.pk)
    messages.success(
        request, _("緊急の根拠を終了しました。この機関はケースを閲覧できなくなります。")
    )
    return redirect("cases:break_glass_list")


@_mapped
@require_POST
def emergency_reviewed(request: TsunaguRequest, member_id: int) -> HttpResponse:
    member = _emergency(request, member_id)
    form = BreakGlassReviewForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.emergency_basis_mark_reviewed(actor=request.actor, member=member, note=note)
    except Forbidden as exc:
        return _refused(request, exc)
    except (Invalid, Conflict) as exc:
        messages.error(request, exc.message)
        return redirect("cases:emergency_review", member_id=member.pk)
    messages.success(request, _("確認済みにしました。"))
    return redirect("cases:break_glass_list")


@_mapped
@require_POST
def break_glass_review(request: TsunaguRequest, access_id: int) -> HttpResponse:
    try:
        access = selectors.break_glass_for_review(actor=request.actor, access_id=access_id)
    except NotFound:
        raise Http404 from None
    form = BreakGlassReviewForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.break_glass_review(actor=request.actor, access=access, note=note)
    except Forbidden as exc:
        return _refused(request, exc)
    except Invalid as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("確認済みにしました。"))
    return redirect("cases:break_glass_list")


# --- Who looked at this person's record -----------------------------------------------------


@_mapped
def person_access_log(request: TsunaguRequest, person_id: int) -> HttpResponse:
    try:
        log = selectors.person_access_log(actor=request.actor, person_id=person_id)
    except NotFound:
        raise Http404 from None
    audit.record(
        action=Action.ACCESS_LOG_VIEWED,
        actor=request.actor,
        target_type="people.person",
        target_id=log.person_id,
    )
    page = Paginator(log.events, 50).get_page(request.GET.get("page"))
    for event in page:
        event.target_label = TARGET_LABELS.get(event.target_type, event.target_type)  # type: ignore[attr-defined]
    return render(
        request,
        "cases/pages/access_log.html",
        {"log": log, "page": page, "query": ""},
    )
