"""Screens of the supervision app: thin; parse → access → service → render."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tsunagu.audit import services as audit
from tsunagu.cases.models import Case
from tsunagu.core.dates import fiscal_year, fiscal_year_label
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.lists import list_screen
from tsunagu.core.screens import errors_as_pages, form_page, posted
from tsunagu.supervision import access, selectors, services
from tsunagu.supervision.forms import (
    AdviceForm,
    AdviceToCaseForm,
    CarryForm,
    FollowUpForm,
    ItemForm,
    LinkForm,
    SessionFilter,
    SessionForm,
    YearForm,
)
from tsunagu.supervision.lists import SessionTable
from tsunagu.supervision.models import PresentedCase, SupervisionSession

YEARS_SHOWN = 6


def _years() -> list[int]:
    this = fiscal_year(timezone.localdate())
    return list(range(this, this - YEARS_SHOWN, -1))


def _shown_choices(request: TsunaguRequest, cases: QuerySet[Case], view: str) -> QuerySet[Case]:
    """Case titles offered in a form are person data: the read is recorded."""
    person_ids = [pk for pk in cases.values_list("person_id", flat=True) if pk is not None]
    audit.record_read(request.actor, view=view, person_ids=person_ids)
    return cases


def _back_to(item: PresentedCase) -> HttpResponse:
    return redirect("supervision:session_detail", item.session_id)


@require_GET
@errors_as_pages()
@audit.for_role(access.may_view, view="supervision_list")
def session_list(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    return list_screen(
        request,
        rows=selectors.session_rows(actor),
        filters=SessionFilter,
        table=SessionTable,
        template="supervision/pages/session_list.html",
        context={"may_organize": access.may_organize(actor)},
    )


def _session_form(request: TsunaguRequest, session: SupervisionSession | None) -> SessionForm:
    organizer = session.organizer if session is not None else request.actor.organization
    assert organizer is not None  # noqa: S101  # the organizer's staff only reach here
    return SessionForm(
        posted(request),
        supervisors=selectors.supervisors_of(organizer),
        offices=selectors.attending_offices(),
        workers=selectors.attending_workers(organizer),
        session=session,
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="supervision:session_list")
def session_create(request: TsunaguRequest) -> HttpResponse:
    actor = audit.require_role(request.actor, access.may_organize, view="supervision_create")
    form = _session_form(request, None)
    return form_page(
        request,
        form,
        "supervision/pages/session_form.html",
        save=lambda data: services.session_create(actor, **form.service_data()),
        done=lambda session: redirect("supervision:session_detail", session.pk),
        context={"session": None},
        success=_("スーパービジョンを記録しました。"),
        back="supervision:session_list",
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="supervision:session_list")
def session_edit(request: TsunaguRequest, session_id: int) -> HttpResponse:
    session = access.access_session(request.actor, session_id, for_organizer=True)
    form = _session_form(request, session)
    return form_page(
        request,
        form,
        "supervision/pages/session_form.html",
        save=lambda data: services.session_update(
            request.actor, session=session, **form.service_data()
        ),
        done=lambda saved: redirect("supervision:session_detail", saved.pk),
        context={"session": session},
        success=_("スーパービジョンを変更しました。"),
        back="supervision:session_list",
    )


@dataclass(frozen=True)
class ItemRow:
    """A presented case as the actor may see it and act on it."""

    item: PresentedCase
    number: int
    case: Case | None  # only when the actor's organization sees the case anyway
    next_item: PresentedCase | None
    presenter: bool
    follow_up: bool


def _rows(request: TsunaguRequest, items: list[PresentedCase]) -> list[ItemRow]:
    actor = request.actor
    linked = access.linked_cases_shown(actor, items, view="supervision_session")
    return [
        ItemRow(
            item=item,
            number=number,
            case=linked.get(item.pk),
            next_item=selectors.carried_to(item),
            presenter=access.is_presenter(actor, item),
            follow_up=access.may_follow_up(actor, item),
        )
        for number, item in enumerate(items, start=1)
    ]


@require_GET
@errors_as_pages()
def session_detail(request: TsunaguRequest, session_id: int) -> HttpResponse:
    actor = request.actor
    session = access.access_session(actor, session_id)
    items = list(selectors.session_items(session))
    context = {
        "session": session,
        "offices": list(session.offices.order_by("name_kana", "pk")),
        "workers": list(session.workers.order_by("username")),
        "rows": _rows(request, items),
        "is_organizer": access.is_organizer(actor, session),
        "may_present": access.may_present(actor, session),
    }
    return render(request, "supervision/pages/session_detail.html", context)


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="supervision:session_list")
def item_create(request: TsunaguRequest, session_id: int) -> HttpResponse:
    actor = request.actor
    session = access.access_session(actor, session_id)
    if access.is_organizer(actor, session):
        offices = session.offices.order_by("name_kana", "pk")
        cases = None  # the office links its own case (item_link) once presented
    else:
        assert actor.organization_id is not None  # noqa: S101  # access_session says so
        offices = session.offices.filter(pk=actor.organization_id)
        cases = _shown_choices(
            request,
            selectors.linkable_cases(actor, session=session, office_id=actor.organization_id),
            "supervision_case_choices",
        )
    return form_page(
        request,
        ItemForm(posted(request), offices=offices, cases=cases),
        "supervision/pages/item_form.html",
        save=lambda data: services.item_create(actor, session=session, **data),
        done=lambda item: _back_to(item),
        context={"session": session},
        success=_("事例を提示しました。"),
        back="supervision:session_list",
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="supervision:session_list")
def item_link(request: TsunaguRequest, item_id: int) -> HttpResponse:
    actor = request.actor
    item = access.access_item(actor, item_id)
    cases = _shown_choices(
        request,
        selectors.linkable_cases(actor, session=item.session, office_id=item.presenting_office_id),
        "supervision_case_choices",
    )
    return form_page(
        request,
        LinkForm(posted(request), cases=cases),
        "supervision/pages/item_link.html",
        save=lambda data: services.item_link_case(actor, item=item, case=data["case"]),
        done=_back_to,
        context={"item": item},
        success=_("支援ケースと紐づけました。"),
        back="supervision:session_list",
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="supervision:session_list")
def item_advice(request: TsunaguRequest, item_id: int) -> HttpResponse:
    actor = request.actor
    item = access.access_item(actor, item_id)
    initial = {"advice": item.advice, "follow_up_point": item.follow_up_point}
    return form_page(
        request,
        AdviceForm(posted(request), initial=initial),
        "supervision/pages/item_advice.html",
        save=lambda data: services.advice_record(actor, item=item, **data),
        done=_back_to,
        context={"item": item},
        success=_("助言を記録しました。"),
        back="supervision:session_list",
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="supervision:session_list")
def item_record(request: TsunaguRequest, item_id: int) -> HttpResponse:
    actor = request.actor
    item = access.access_item(actor, item_id)
    cases = None
    linked = access.linked_cases_shown(actor, [item], view="supervision_record_advice")
    if item.case_id is None and access.is_presenter(actor, item):
        cases = _shown_choices(request, selectors.own_open_cases(actor), "supervision_own_cases")
    return form_page(
        request,
        AdviceToCaseForm(posted(request), cases=cases),
        "supervision/pages/item_record.html",
        save=lambda data: services.advice_to_case(actor, item=item, case=data.get("case")),
        done=lambda note: _back_to(item),
        context={
            "item": item,
            "linked_case": linked.get(item.pk),
            "note_text": services.advice_note_text(item) if item.advice else "",
        },
        success=_("助言を支援経過記録に残しました。"),
        back="supervision:session_list",
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="supervision:session_list")
def item_carry(request: TsunaguRequest, item_id: int) -> HttpResponse:
    actor = request.actor
    item = access.access_item(actor, item_id)
    return form_page(
        request,
        CarryForm(
            posted(request),
            sessions=selectors.later_sessions(item),
            initial={"follow_up_point": item.follow_up_point},
        ),
        "supervision/pages/item_carry.html",
        save=lambda data: services.item_carry(
            actor,
            item=item,
            to_session=data["session"],
            follow_up_point=data["follow_up_point"],
        ),
        done=_back_to,
        context={"item": item},
        success=_("次回に持ち越しました。"),
        back="supervision:session_list",
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back="supervision:session_list")
def item_follow_up(request: TsunaguRequest, item_id: int) -> HttpResponse:
    actor = request.actor
    item = access.access_item(actor, item_id)
    return form_page(
        request,
        FollowUpForm(posted(request), initial={"result": item.follow_up_result}),
        "supervision/pages/item_follow_up.html",
        save=lambda data: services.item_follow_up(actor, item=item, **data),
        done=_back_to,
        context={"item": item},
        success=_("フォローアップを記録しました。"),
        back="supervision:session_list",
    )


@require_GET
@errors_as_pages()
@audit.for_role(access.may_view, view="supervision_counts")
def counts(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    years = _years()
    form = YearForm(request.GET or {"fiscal_year": years[0]}, years=years)
    if not form.is_valid():
        refused: dict[str, Any] = {"form": form, "counts": None, "year_label": ""}
        return render(request, "supervision/pages/counts.html", refused, status=400)
    year = form.cleaned_data["fiscal_year"]
    context: dict[str, Any] = {
        "form": form,
        "counts": selectors.year_counts(actor, year),
        "year_label": fiscal_year_label(year),
        "every_office": access.sees_every_office(actor),
    }
    return render(request, "supervision/pages/counts.html", context)
