"""Screens for consultations, cases, teams, break-glass access and the access log.

Thin: parse the form, fetch through the access layer, call a service, render or redirect.
NotFound becomes the project's 404; Forbidden shows its message with status 403; Invalid and
Conflict redisplay the form with the message and the user's input (status 400 / 409).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from tsunagu.audit import services as audit
from tsunagu.audit.lists import list_page
from tsunagu.audit.models import Action
from tsunagu.cases import selectors, services
from tsunagu.cases.access import access_case, access_consultation, access_person
from tsunagu.cases.forms import (
    BreakGlassForm,
    BreakGlassReviewForm,
    CaseEditForm,
    ConsultationForm,
    EmergencyConvertForm,
    ReopenForm,
    TeamLeaveForm,
    TeamMemberForm,
    TransitionForm,
)
from tsunagu.cases.lists import (
    CaseFilter,
    CaseTable,
    ConsultationFilter,
    ConsultationTable,
    subject_persons,
)
from tsunagu.cases.models import Case, CaseStatus, Consultation, Domain, SupportType
from tsunagu.core.errors import Forbidden
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.screens import action, errors_as_pages, form_page, posted, screen

PAGE_SIZE = 30
TARGET_LABELS = {
    "people.person": pgettext_lazy("the person supported", "本人"),
    "cases.case": pgettext_lazy("one case", "支援ケース"),
    "cases.consultation": gettext_lazy("相談受付"),
    "records.progressnote": gettext_lazy("支援経過記録"),
    "records.formulation": gettext_lazy("見立て"),
    "cases.caseconference": gettext_lazy("ケース会議・事例検討"),
    # Rows written while case conferences were a model of the meetings app (before issue 14).
    "meetings.caseconference": gettext_lazy("ケース会議・事例検討"),
    "meetings.communityissue": gettext_lazy("地域課題"),
    "search.searchdocument": gettext_lazy("全文検索"),
}


def _require_lead(request: TsunaguRequest, case: Case) -> None:
    """The edit screens are for the lead organization's writers (the services check again)."""
    actor = request.actor
    if actor.organization_id != case.lead_organization_id or not actor.can_write:
        audit.record_denial(
            request.actor, target_type="cases.case", target_id=case.pk, reason="not a lead writer"
        )
        raise Forbidden(_("変更できるのは主担当機関の職員だけです。"))


# --- Consultations --------------------------------------------------------------------------


@errors_as_pages()
def consultation_list(request: TsunaguRequest) -> HttpResponse:
    return list_page(
        request,
        rows=selectors.consultation_list(actor=request.actor),
        filters=ConsultationFilter,
        table=ConsultationTable,
        template="cases/pages/consultation_list.html",
        view="cases.consultation_list",
        persons=subject_persons,
    )


@screen("GET", "POST")
def consultation_create(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    if request.method == "POST" and "_search" in request.POST:
        # The search button without JavaScript: show the form again, with the matches, keeping
        # what was typed (nothing is validated or saved yet).
        typed = ConsultationForm(request.POST, actor=actor)
        kept = {
            name: field.widget.value_from_datadict(request.POST, request.FILES, name)
            for name, field in typed.fields.items()
        }
        form = ConsultationForm(initial=kept, actor=actor)
        form.narrow_subject_choices(**_subject_queries(request.POST))
        return render(request, "cases/pages/consultation_form.html", {"form": form})
    chosen = {name: request.GET.get(name, "") for name in ("person", "household")}
    initial = {name: int(value) for name, value in chosen.items() if value.isdigit()}
    form = ConsultationForm(posted(request), initial=initial, actor=actor)
    form.narrow_subject_choices(**_subject_queries(posted(request) or request.GET))
    return form_page(
        request,
        form,
        "cases/pages/consultation_form.html",
        save=lambda data: services.consultation_create(actor=actor, **data),
        done=lambda made: redirect("cases:consultation_detail", consultation_id=made.pk),
        success=_("相談を受け付けました。"),
    )


def _subject_queries(data: Any) -> dict[str, str]:
    return {
        "person_query": str(data.get("person_q", ""))[:100],
        "household_query": str(data.get("household_q", ""))[:100],
    }


@errors_as_pages()
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


@errors_as_pages()
def consultation_detail(request: TsunaguRequest, consultation_id: int) -> HttpResponse:
    consultation = access_consultation(request.actor, consultation_id)
    domain_labels = [str(Domain(d).label) for d in consultation.domains if d in Domain.values]
    actor = request.actor
    return render(
        request,
        "cases/pages/consultation_detail.html",
        {
            "consultation": consultation,
            "domain_labels": domain_labels,
            "support_type_labels": [
                str(SupportType(t).label)
                for t in consultation.support_types
                if t in SupportType.values
            ],
            # The intake flow (consultation → person → consent → case → team) is the
            # receiving organization's.
            "can_intake": actor.can_write
            and consultation.organization_id == actor.organization_id
            and not consultation.is_anonymous,
            "intake": request.GET.get("intake") == "1",
        },
    )


@screen("POST")
def consultation_open_case(request: TsunaguRequest, consultation_id: int) -> HttpResponse:
    consultation = access_consultation(request.actor, consultation_id, for_write=True)
    # In the intake flow the next step is the team.
    then_team = request.POST.get("then") == "team"
    return action(
        request,
        lambda: services.consultation_open_case(actor=request.actor, consultation=consultation),
        to=lambda case: reverse(
            "cases:team_add" if then_team else "cases:case_detail", kwargs={"case_id": case.pk}
        ),
        failed_to=reverse("cases:consultation_detail", kwargs={"consultation_id": consultation_id}),
        success=_("支援ケースを作成しました。続けて、支援チームに加える機関を選んでください。")
        if then_team
        else _("支援ケースを作成しました。"),
    )


@screen("POST")
def consultation_link_person(request: TsunaguRequest, consultation_id: int) -> HttpResponse:
    """The intake flow found the person already registered (the duplicate check): link that
    record to the consultation and go on to the consent."""
    consultation = access_consultation(request.actor, consultation_id, for_write=True)
    person = access_person(request.actor, request.POST.get("person", "")[:20])

    def consent_url(linked: Consultation) -> str:
        url = reverse("people:consent_create", kwargs={"person_id": person.pk})
        return f"{url}?consultation={linked.pk}"

    return action(
        request,
        lambda: services.consultation_link_person(
            request.actor, consultation=consultation, person=person
        ),
        to=consent_url,
        failed_to=reverse("cases:consultation_detail", kwargs={"consultation_id": consultation_id}),
        success=_("%(name)sさんの記録をこの相談に結び付けました。") % {"name": person.display_name},
    )


# --- Cases ----------------------------------------------------------------------------------


@errors_as_pages()
def case_list(request: TsunaguRequest) -> HttpResponse:
    return list_page(
        request,
        rows=selectors.case_list(actor=request.actor),
        filters=CaseFilter,
        table=CaseTable,
        template="cases/pages/case_list.html",
        view="cases.case_list",
        persons=subject_persons,
        # Why a case the organization worked on is no longer open to it (case numbers and
        # reasons only).
        context={"ended_sharing": list(selectors.ended_sharing_for(request.actor))},
    )


def _case_detail_context(request: TsunaguRequest, case: Case) -> dict[str, Any]:
    actor = request.actor
    return {
        "case": case,
        "is_lead": actor.organization_id == case.lead_organization_id and actor.can_write,
        "history": selectors.case_history(case),
        "lead_periods": selectors.case_lead_periods(case),
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


@errors_as_pages()
def case_detail(request: TsunaguRequest, case_id: int) -> HttpResponse:
    case = access_case(request.actor, case_id)
    return render(request, "cases/pages/case_detail.html", _case_detail_context(request, case))


@screen("GET", "POST")
def case_edit(request: TsunaguRequest, case_id: int) -> HttpResponse:
    case = access_case(request.actor, case_id, for_write=request.method == "POST")
    _require_lead(request, case)
    return form_page(
        request,
        CaseEditForm(posted(request), initial=CaseEditForm.initial_for(case), case=case),
        "cases/pages/case_edit.html",
        save=lambda data: services.case_update(
            actor=request.actor,
            case=case,
            expected_version=data["version"],
            **{name: value for name, value in data.items() if name != "version"},
        ),
        done=lambda saved: redirect("cases:case_detail", case_id=case.pk),
        context={"case": case},
        success=_("ケースを更新しました。"),
    )


@screen("POST")
def case_transition(request: TsunaguRequest, case_id: int) -> HttpResponse:
    case = access_case(request.actor, case_id, for_write=True)
    return form_page(
        request,
        TransitionForm(request.POST, case=case),
        "cases/pages/case_detail.html",
        save=lambda data: services.case_transition(actor=request.actor, case=case, **data),
        done=lambda saved: redirect("cases:case_detail", case_id=case.pk),
        context=lambda: _case_detail_context(request, case),
        form_name="transition_form",
        success=lambda saved: (
            _("状態を「%(status)s」にしました。") % {"status": CaseStatus(case.status).label}
        ),
    )


@screen("POST")
def case_reopen(request: TsunaguRequest, case_id: int) -> HttpResponse:
    case = access_case(request.actor, case_id, for_write=True)
    return form_page(
        request,
        ReopenForm(request.POST),
        "cases/pages/case_detail.html",
        save=lambda data: services.case_reopen(actor=request.actor, case=case, **data),
        done=lambda saved: redirect("cases:case_detail", case_id=case.pk),
        context=lambda: _case_detail_context(request, case),
        form_name="reopen_form",
        success=_("ケースを再開しました（アセスメント）。"),
        conflict_status=400,
    )


# --- Team -----------------------------------------------------------------------------------


@screen("GET", "POST")
def team_add(request: TsunaguRequest, case_id: int) -> HttpResponse:
    case = access_case(request.actor, case_id, for_write=request.method == "POST")
    _require_lead(request, case)
    initial = {"organization": request.GET.get("organization", "")[:20]}
    return form_page(
        request,
        TeamMemberForm(posted(request), initial=initial, case=case),
        "cases/pages/team_form.html",
        save=lambda data: services.add_team_member(request.actor, case=case, **data),
        done=lambda saved: redirect("cases:case_detail", case_id=case.pk),
        context=lambda: {
            "case": case,
            "consents": selectors.case_consents(case),
            "has_support_meeting": selectors.support_meetings_for(case).exists(),
            "new_meeting_url": reverse("meetings:conference_create", kwargs={"case_id": case.pk})
            + "?kind=statutory_support_meeting",
            "emergency_days": settings.EMERGENCY_BASIS_DAYS,
        },
        success=lambda added: _("「%(who)s」を支援チームに加えました。") % {"who": added.who},
        conflict_status=400,
    )


@screen("GET")
def team_workers(request: TsunaguRequest, case_id: int) -> HttpResponse:
    """The worker choices of the team form for the organization chosen (htmx partial)."""
    # Staff names of an organization, nothing of the case's person: no read row.
    case = access_case(request.actor, case_id, audit_read=False)
    _require_lead(request, case)
    chosen = request.GET.get("organization", "")[:20]
    form = TeamMemberForm(initial={"organization": chosen}, case=case)
    return render(request, "cases/partials/worker_options.html", {"field": form["worker"]})


@screen("POST")
def team_leave(request: TsunaguRequest, case_id: int, member_id: int) -> HttpResponse:
    case = access_case(request.actor, case_id, for_write=True)
    member = selectors.case_team_member(case, member_id)
    form = TeamLeaveForm(request.POST)
    left_on = form.cleaned_data["left_on"] if form.is_valid() else None
    return action(
        request,
        lambda: services.team_member_leave(actor=request.actor, member=member, left_on=left_on),
        to=reverse("cases:case_detail", kwargs={"case_id": case.pk}),
        success=_("「%(name)s」がチームを離れました。") % {"name": member.organization.name},
    )


# --- Break-glass ----------------------------------------------------------------------------


@screen("GET", "POST")
def break_glass_new(request: TsunaguRequest) -> HttpResponse:
    form = BreakGlassForm(posted(request), initial={"person": request.GET.get("person", "")[:20]})

    def opened(_access: object) -> HttpResponse:
        # The same answer whether or not the id names someone: see the service.
        messages.warning(
            request,
            _(
                "緊急アクセスを記録しました。該当する記録があれば%(hours)s時間閲覧できます。"
                "この操作は基幹相談支援センターが確認します。"
            )
            % {"hours": settings.BREAK_GLASS_HOURS},
        )
        person_id = form.cleaned_data["person"].strip()
        if not person_id.isdigit():
            return redirect("cases:list")
        return redirect("people:person_detail", person_id=int(person_id))

    return form_page(
        request,
        form,
        "cases/pages/break_glass_form.html",
        save=lambda data: services.break_glass_open(
            actor=request.actor, person_id=data["person"].strip(), reason=data["reason"]
        ),
        done=opened,
        context={"hours": settings.BREAK_GLASS_HOURS},
    )


@errors_as_pages()
def break_glass_list(request: TsunaguRequest) -> HttpResponse:
    """The core center's review queue: emergency bases for sharing still open, then every
    break-glass access (unreviewed first)."""
    accesses = selectors.break_glass_list(actor=request.actor)
    emergencies = list(selectors.open_emergency_bases(actor=request.actor))
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


def _emergency_context(member: Any) -> dict[str, Any]:
    return {
        "member": member,
        "note_form": BreakGlassReviewForm(),
        "today": timezone.localdate(),
        "holds": member.basis_holds_on(timezone.localdate()),
    }


@errors_as_pages()
def emergency_review(request: TsunaguRequest, member_id: int) -> HttpResponse:
    member = selectors.emergency_basis_for_review(actor=request.actor, member_id=member_id)
    context = {**_emergency_context(member), "convert_form": EmergencyConvertForm(member=member)}
    return render(request, "cases/pages/emergency_review.html", context)


@screen("POST")
def emergency_convert(request: TsunaguRequest, member_id: int) -> HttpResponse:
    member = selectors.emergency_basis_for_review(actor=request.actor, member_id=member_id)
    return form_page(
        request,
        EmergencyConvertForm(request.POST, member=member),
        "cases/pages/emergency_review.html",
        save=lambda data: services.emergency_basis_convert(
            actor=request.actor, member=member, **data
        ),
        done=lambda saved: redirect("cases:break_glass_list"),
        context=lambda: _emergency_context(member),
        form_name="convert_form",
        success=_("共有の根拠を切り替えました。"),
        conflict_status=400,
    )


def _note(request: TsunaguRequest) -> str:
    form = BreakGlassReviewForm(request.POST)
    return str(form.cleaned_data["note"]) if form.is_valid() else ""


def _emergency_step(
    request: TsunaguRequest, member_id: int, step: Callable[..., object], message: str
) -> HttpResponse:
    """End an emergency basis, or mark it reviewed: back to the queue, or to the review page
    with the reason it could not be done."""
    member = selectors.emergency_basis_for_review(actor=request.actor, member_id=member_id)
    return action(
        request,
        lambda: step(actor=request.actor, member=member, note=_note(request)),
        to=reverse("cases:break_glass_list"),
        failed_to=reverse("cases:emergency_review", kwargs={"member_id": member.pk}),
        success=message,
    )


@screen("POST")
def emergency_end(request: TsunaguRequest, member_id: int) -> HttpResponse:
    return _emergency_step(
        request,
        member_id,
        services.emergency_basis_end,
        _("緊急の根拠を終了しました。この機関はケースを閲覧できなくなります。"),
    )


@screen("POST")
def emergency_reviewed(request: TsunaguRequest, member_id: int) -> HttpResponse:
    return _emergency_step(
        request, member_id, services.emergency_basis_mark_reviewed, _("確認済みにしました。")
    )


@screen("POST")
def break_glass_review(request: TsunaguRequest, access_id: int) -> HttpResponse:
    access = selectors.break_glass_for_review(actor=request.actor, access_id=access_id)
    return action(
        request,
        lambda: services.break_glass_review(
            actor=request.actor, access=access, note=_note(request)
        ),
        to=reverse("cases:break_glass_list"),
        success=_("確認済みにしました。"),
    )


# --- Who looked at this person's record -----------------------------------------------------


@errors_as_pages()
def person_access_log(request: TsunaguRequest, person_id: int) -> HttpResponse:
    log = selectors.person_access_log(actor=request.actor, person_id=person_id)
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
