"""Screens of the hearings app: thin; parse → access → service → render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.errors import TsunaguError
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.lists import list_screen
from tsunagu.core.screens import action, errors_as_pages, form_page, posted
from tsunagu.hearings import access, selectors, services
from tsunagu.hearings.forms import (
    AdoptForm,
    DevelopmentFromDirectionForm,
    DirectionForm,
    FindingForm,
    HearingForm,
    IssueFromDirectionForm,
    NotesForm,
    RoundFilter,
    RoundForm,
)
from tsunagu.hearings.lists import RoundTable
from tsunagu.hearings.models import STATUS_TRANSITIONS, Direction, HearingRound, HearingStatus
from tsunagu.meetings import deidentify

BACK = "hearings:round_list"


@require_GET
@errors_as_pages()
@audit.for_role(access.may_view, view="hearings_list")
def round_list(request: TsunaguRequest) -> HttpResponse:
    return list_screen(
        request,
        rows=selectors.round_rows(request.actor),
        filters=RoundFilter,
        table=RoundTable,
        template="hearings/pages/round_list.html",
        context={"may_hold": access.may_hold(request.actor)},
    )


def _round_form(request: TsunaguRequest, round_: HearingRound | None) -> RoundForm:
    initial = None if round_ is not None else {"fiscal_year": services.current_fiscal_year()}
    return RoundForm(posted(request), councils=selectors.councils(), round_=round_, initial=initial)


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
def round_create(request: TsunaguRequest) -> HttpResponse:
    actor = audit.require_role(request.actor, access.may_hold, view="hearings_create")
    form = _round_form(request, None)
    return form_page(
        request,
        form,
        "hearings/pages/round_form.html",
        save=lambda data: services.round_create(actor, **form.service_data()),
        done=lambda saved: redirect("hearings:round_detail", saved.pk),
        context={"round": None},
        success=_("ヒアリングを作成しました。"),
        back=BACK,
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
def round_edit(request: TsunaguRequest, round_id: int) -> HttpResponse:
    round_ = access.access_round(request.actor, round_id, for_write=True)
    form = _round_form(request, round_)
    return form_page(
        request,
        form,
        "hearings/pages/round_form.html",
        save=lambda data: services.round_update(
            request.actor, round_=round_, **form.service_data()
        ),
        done=lambda saved: redirect("hearings:round_detail", saved.pk),
        context={"round": round_},
        success=_("ヒアリングを変更しました。"),
        back=BACK,
    )


@require_GET
@errors_as_pages()
def round_detail(request: TsunaguRequest, round_id: int) -> HttpResponse:
    actor = request.actor
    round_ = access.access_round(actor, round_id)
    context = {
        "round": round_,
        "questions": list(round_.questions.order_by("position")),
        "hearings": list(selectors.round_hearings(actor, round_)),
        "is_holder": access.is_holder(actor, round_),
        "may_write": access.may_write(actor, round_),
        "reads_results": access.reads_results(actor, round_),
    }
    return render(request, "hearings/pages/round_detail.html", context)


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
def hearing_create(request: TsunaguRequest, round_id: int) -> HttpResponse:
    round_ = access.access_round(request.actor, round_id, for_write=True)
    form = HearingForm(
        posted(request),
        offices=selectors.heard_offices(),
        interviewers=services.interviewer_choices(round_),
    )
    return form_page(
        request,
        form,
        "hearings/pages/hearing_form.html",
        save=lambda data: services.hearing_create(request.actor, round_=round_, **data),
        done=lambda saved: redirect("hearings:hearing_detail", saved.pk),
        context={"round": round_},
        success=_("ヒアリングの回を登録しました。"),
        back=BACK,
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
def hearing_edit(request: TsunaguRequest, hearing_id: int) -> HttpResponse:
    hearing = access.access_hearing(request.actor, hearing_id, for_write=True)
    form = HearingForm(
        posted(request),
        offices=selectors.heard_offices(),
        interviewers=services.interviewer_choices(hearing.round),
        hearing=hearing,
    )
    return form_page(
        request,
        form,
        "hearings/pages/hearing_form.html",
        save=lambda data: services.hearing_update(request.actor, hearing=hearing, **data),
        done=lambda saved: redirect("hearings:hearing_detail", saved.pk),
        context={"round": hearing.round, "hearing": hearing},
        success=_("ヒアリングの回を変更しました。"),
        back=BACK,
    )


@require_GET
@errors_as_pages()
def hearing_detail(request: TsunaguRequest, hearing_id: int) -> HttpResponse:
    actor = request.actor
    hearing = access.access_hearing(actor, hearing_id)
    context = {
        "hearing": hearing,
        "round": hearing.round,
        "offices": list(hearing.offices.order_by("name_kana", "pk")),
        "interviewers": list(hearing.interviewers.order_by("username")),
        "may_write": access.may_write(actor, hearing.round),
        "may_read_notes": access.may_read_notes(actor, hearing),
        "next_status": [
            (value, label)
            for value, label in HearingStatus.choices
            if value in STATUS_TRANSITIONS[hearing.status]
        ],
    }
    return render(request, "hearings/pages/hearing_detail.html", context)


@require_POST
@errors_as_pages(back=BACK)
def hearing_status(request: TsunaguRequest, hearing_id: int) -> HttpResponse:
    hearing = access.access_hearing(request.actor, hearing_id, for_write=True)
    status = str(request.POST.get("status", ""))[:20]
    return action(
        request,
        lambda: services.hearing_status(request.actor, hearing=hearing, status=status),
        to=lambda saved: reverse("hearings:hearing_detail", args=[saved.pk]),
        failed_to=reverse("hearings:hearing_detail", args=[hearing.pk]),
        success=_("状態を変更しました。"),
        back=BACK,
    )


@require_POST
@errors_as_pages(back=BACK)
def hearing_share(request: TsunaguRequest, hearing_id: int) -> HttpResponse:
    hearing = access.access_hearing(request.actor, hearing_id, for_write=True)
    shared = request.POST.get("shared") == "1"
    return action(
        request,
        lambda: services.notes_share(request.actor, hearing=hearing, shared=shared),
        to=lambda saved: reverse("hearings:hearing_detail", args=[saved.pk]),
        success=_("記録の共有を変更しました。"),
        back=BACK,
    )


@require_GET
@errors_as_pages()
def notes(request: TsunaguRequest, hearing_id: int) -> HttpResponse:
    hearing = access.access_notes(request.actor, hearing_id)
    rows = services.notes_read(request.actor, hearing, view="hearings_notes")
    context = {
        "hearing": hearing,
        "round": hearing.round,
        "rows": rows,
        "may_write": access.may_write(request.actor, hearing.round),
    }
    return render(request, "hearings/pages/notes.html", context)


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
def notes_edit(request: TsunaguRequest, hearing_id: int) -> HttpResponse:
    hearing = access.access_hearing(request.actor, hearing_id, for_write=True)
    if request.method == "GET":
        services.notes_read(request.actor, hearing, view="hearings_notes_edit")
    questions = list(hearing.round.questions.order_by("position"))
    form = NotesForm(posted(request), questions=questions, hearing=hearing)
    return form_page(
        request,
        form,
        "hearings/pages/notes_form.html",
        save=lambda data: services.notes_write(
            request.actor,
            hearing=hearing,
            answers=form.answers(),
            free_notes=data.get("free_notes", ""),
        ),
        done=lambda saved: redirect("hearings:notes", saved.pk),
        context={"hearing": hearing, "round": hearing.round},
        success=_("記録を保存しました。"),
        back=BACK,
    )


F = TypeVar("F", bound=forms.Form)


def _with_review(
    request: TsunaguRequest, shown: dict[str, Any], fields: tuple[str, ...], form_class: type[F]
) -> Callable[[F, TsunaguError], tuple[F, int] | None]:
    """The de-identification review of meetings (its partial) when a text still has flags."""
    keep, seen = deidentify.decisions_from(request.POST)

    def flagged(form: F, exc: TsunaguError) -> tuple[F, int] | None:
        if not isinstance(exc, deidentify.IdentifiersLeft):
            return None
        form.add_error(None, exc.message)
        texts = [
            (str(form.fields[name].label), str(form.cleaned_data.get(name, "")).strip(), found)
            for name in fields
            if (found := [f for f in exc.flags if f.field == name])
        ]
        shown["review"] = deidentify.review(texts, keep, seen)
        return form, 400

    shown["keep"] = keep
    return flagged


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
def finding_create(request: TsunaguRequest, round_id: int) -> HttpResponse:
    round_ = access.access_round(request.actor, round_id, for_write=True)
    held = round_.hearings.exclude(status=HearingStatus.PLANNED).prefetch_related("offices")
    form = FindingForm(posted(request), hearings=held)
    shown: dict[str, Any] = {"round": round_, "review": None}
    rescue = _with_review(request, shown, ("text",), FindingForm)
    return form_page(
        request,
        form,
        "hearings/pages/finding_form.html",
        save=lambda data: services.finding_create(
            request.actor, round_=round_, keep=shown["keep"], **data
        ),
        done=lambda saved: redirect("hearings:results", round_.pk),
        context=shown,
        rescue=rescue,
        success=_("結果を記録しました。"),
        back=BACK,
    )


@require_GET
@errors_as_pages()
def results(request: TsunaguRequest, round_id: int) -> HttpResponse:
    actor = request.actor
    round_ = access.access_results(actor, round_id)
    groups = selectors.results_by_theme(actor, round_)
    audit.record(
        action=Action.RECORD_VIEWED,
        actor=actor,
        target=round_,
        detail={"view": "hearings_results", "path": actor.origin.path},
    )
    context = {
        "round": round_,
        "groups": groups,
        "directions": list(selectors.round_directions(actor, round_)),
        "may_write": access.may_write(actor, round_),
    }
    return render(request, "hearings/pages/results.html", context)


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
def direction_create(request: TsunaguRequest, round_id: int) -> HttpResponse:
    round_ = access.access_round(request.actor, round_id, for_write=True)
    form = DirectionForm(posted(request), findings=round_.findings.order_by("pk"))
    shown: dict[str, Any] = {"round": round_, "review": None}
    rescue = _with_review(request, shown, ("title", "text"), DirectionForm)
    return form_page(
        request,
        form,
        "hearings/pages/direction_form.html",
        save=lambda data: services.direction_create(
            request.actor, round_=round_, keep=shown["keep"], **data
        ),
        done=lambda saved: redirect("hearings:results", round_.pk),
        context=shown,
        rescue=rescue,
        success=_("方向性を記録しました。"),
        back=BACK,
    )


def _direction_back(direction: Direction) -> HttpResponse:
    return redirect("hearings:results", direction.round_id)


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
def direction_adopt(request: TsunaguRequest, direction_id: int) -> HttpResponse:
    direction = access.access_direction(request.actor, direction_id, for_write=True)
    form = AdoptForm(posted(request), meetings=services.council_meetings(direction.round))
    return form_page(
        request,
        form,
        "hearings/pages/direction_action.html",
        save=lambda data: services.direction_adopt(
            request.actor,
            direction=direction,
            adopted_on=data["adopted_on"],
            meeting=data.get("meeting"),
        ),
        done=_direction_back,
        context={"direction": direction, "heading": _("協議会での採択を記録する"), "review": None},
        success=_("採択を記録しました。"),
        back=BACK,
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
def direction_issue(request: TsunaguRequest, direction_id: int) -> HttpResponse:
    direction = access.access_direction(request.actor, direction_id, for_write=True)
    form = IssueFromDirectionForm(posted(request), direction=direction)
    shown: dict[str, Any] = {
        "direction": direction,
        "heading": _("地域課題として提起する"),
        "review": None,
    }
    rescue = _with_review(request, shown, ("title", "description"), IssueFromDirectionForm)
    return form_page(
        request,
        form,
        "hearings/pages/direction_action.html",
        save=lambda data: services.direction_to_issue(
            request.actor, direction=direction, keep=shown["keep"], **data
        ),
        done=lambda issue: redirect("meetings:issue_detail", issue_id=issue.pk),
        context=shown,
        rescue=rescue,
        success=_("地域課題を提起しました。"),
        back=BACK,
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
def direction_development(request: TsunaguRequest, direction_id: int) -> HttpResponse:
    direction = access.access_direction(request.actor, direction_id, for_write=True)
    form = DevelopmentFromDirectionForm(posted(request))
    shown: dict[str, Any] = {
        "direction": direction,
        "heading": _("資源開発として記録する"),
        "review": None,
    }
    rescue = _with_review(
        request, shown, ("title", "beneficiaries", "description"), DevelopmentFromDirectionForm
    )
    return form_page(
        request,
        form,
        "hearings/pages/direction_action.html",
        save=lambda data: services.direction_to_development(
            request.actor, direction=direction, keep=shown["keep"], **data
        ),
        done=lambda saved: _direction_back(direction),
        context=shown,
        rescue=rescue,
        success=_("資源開発を記録しました。"),
        back=BACK,
    )
