"""Screens of the curricula: thin; parse → access → service → render."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.errors import NotFound
from tsunagu.core.http import TsunaguRequest, stored_download
from tsunagu.core.screens import action, errors_as_pages, form_page, posted
from tsunagu.curricula import access, selectors, services
from tsunagu.curricula.forms import (
    CurriculumForm,
    LearningForm,
    LinkForm,
    RequirementForm,
    ReviewForm,
    StageForm,
    curriculum_initial,
    requirement_initial,
)
from tsunagu.curricula.models import LearningStatus
from tsunagu.trainings.access import events_visible_to

BACK = "curricula:list"


def _structure_form(
    request: TsunaguRequest, form: Any, curriculum_id: int, *, title: str, subject: str, **loop: Any
) -> HttpResponse:
    """A form that changes a curriculum's structure (`subject` says which part): on the app's
    form page, back to the curriculum when done or cancelled."""
    back = reverse("curricula:detail", args=[curriculum_id])
    return form_page(
        request,
        form,
        "curricula/pages/form.html",
        done=lambda _saved: redirect(back),
        context={"title": title, "subject": subject, "back": back},
        back=BACK,
        **loop,
    )


@require_GET
@errors_as_pages()
@audit.for_role(access.may_view, view="curricula")
def curriculum_list(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    context = {
        "curricula": list(selectors.curriculum_rows(actor)),
        "may_organize": access.may_organize(actor),
        "may_see_overview": access.may_see_overview(actor),
        "is_core": access.is_core(actor),
        "pending": selectors.pending_learning(actor).count() if access.is_core(actor) else 0,
    }
    return render(request, "curricula/pages/curriculum_list.html", context)


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
@audit.for_role(access.may_organize, view="curriculum_create")
def curriculum_create(request: TsunaguRequest) -> HttpResponse:
    return form_page(
        request,
        CurriculumForm(posted(request)),
        "curricula/pages/form.html",
        save=lambda data: services.curriculum_create(request.actor, **data),
        done=lambda made: redirect("curricula:detail", made.pk),
        context={"title": _("カリキュラムを作成する"), "back": reverse(BACK)},
        success=_("カリキュラムを作成しました。"),
        back=BACK,
    )


@require_GET
@errors_as_pages()
def curriculum_detail(request: TsunaguRequest, curriculum_id: int) -> HttpResponse:
    actor = request.actor
    curriculum = access.access_curriculum(actor, curriculum_id)
    context = {
        "curriculum": curriculum,
        "stages": selectors.curriculum_structure(actor, curriculum),
        "may_organize": access.may_organize(actor),
        "may_see_overview": access.may_see_overview(actor),
    }
    return render(request, "curricula/pages/curriculum_detail.html", context)


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
def curriculum_edit(request: TsunaguRequest, curriculum_id: int) -> HttpResponse:
    curriculum = access.access_curriculum(request.actor, curriculum_id, for_organizer=True)
    return _structure_form(
        request,
        CurriculumForm(posted(request), initial=curriculum_initial(curriculum)),
        curriculum.pk,
        title=_("カリキュラムを変更する"),
        subject=curriculum.name,
        save=lambda data: services.curriculum_update(request.actor, curriculum=curriculum, **data),
        success=_("カリキュラムを変更しました。"),
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
def stage_create(request: TsunaguRequest, curriculum_id: int) -> HttpResponse:
    curriculum = access.access_curriculum(request.actor, curriculum_id, for_organizer=True)
    return _structure_form(
        request,
        StageForm(posted(request)),
        curriculum.pk,
        title=_("段階を追加する"),
        subject=curriculum.name,
        save=lambda data: services.stage_add(request.actor, curriculum=curriculum, **data),
        success=_("段階を追加しました。"),
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
def requirement_create(request: TsunaguRequest, stage_id: int) -> HttpResponse:
    stage = access.access_stage(request.actor, stage_id)
    return _structure_form(
        request,
        RequirementForm(posted(request)),
        stage.curriculum_id,
        title=_("修了要件を追加する"),
        subject=f"{stage.curriculum.name} ／ {stage.name}",
        save=lambda data: services.requirement_add(request.actor, stage=stage, **data),
        success=_("修了要件を追加しました。"),
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
def stage_edit(request: TsunaguRequest, stage_id: int) -> HttpResponse:
    stage = access.access_stage(request.actor, stage_id)
    return _structure_form(
        request,
        StageForm(posted(request), initial={"name": stage.name}),
        stage.curriculum_id,
        title=_("段階の名称を変更する"),
        subject=f"{stage.curriculum.name} ／ {stage.name}",
        save=lambda data: services.stage_rename(request.actor, stage=stage, **data),
        success=_("段階の名称を変更しました。"),
    )


@require_POST
@errors_as_pages(back=BACK)
def stage_move(request: TsunaguRequest, stage_id: int) -> HttpResponse:
    stage = access.access_stage(request.actor, stage_id)
    to = reverse("curricula:detail", args=[stage.curriculum_id])
    direction = str(request.POST.get("direction", ""))
    return action(
        request,
        lambda: services.stage_move(request.actor, stage=stage, direction=direction),
        to=to + f"#stage-{stage.pk}",
        failed_to=to,
        success=lambda moved: (
            _("「%(name)s」を第%(n)s段階に移しました。") % {"name": moved.name, "n": moved.position}
        ),
        back=BACK,
    )


@require_POST
@errors_as_pages(back=BACK)
def stage_delete(request: TsunaguRequest, stage_id: int) -> HttpResponse:
    stage = access.access_stage(request.actor, stage_id)
    to = reverse("curricula:detail", args=[stage.curriculum_id])
    return action(
        request,
        lambda: services.stage_delete(request.actor, stage=stage),
        to=to,
        success=_("段階「%(name)s」を削除しました。") % {"name": stage.name},
        back=BACK,
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
def requirement_edit(request: TsunaguRequest, requirement_id: int) -> HttpResponse:
    requirement = access.access_requirement(request.actor, requirement_id)
    curriculum_id = requirement.stage.curriculum_id
    return _structure_form(
        request,
        RequirementForm(posted(request), initial=requirement_initial(requirement)),
        curriculum_id,
        title=_("修了要件を変更する"),
        subject=f"{requirement.stage.name} ／ {requirement.name}",
        save=lambda data: services.requirement_update(
            request.actor, requirement=requirement, **data
        ),
        success=_("修了要件を変更しました。"),
    )


@require_POST
@errors_as_pages(back=BACK)
def requirement_delete(request: TsunaguRequest, requirement_id: int) -> HttpResponse:
    requirement = access.access_requirement(request.actor, requirement_id)
    to = reverse("curricula:detail", args=[requirement.stage.curriculum_id])
    return action(
        request,
        lambda: services.requirement_delete(request.actor, requirement=requirement),
        to=to,
        success=_("修了要件「%(name)s」を削除しました。") % {"name": requirement.name},
        back=BACK,
    )


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
def link_create(request: TsunaguRequest, requirement_id: int) -> HttpResponse:
    actor = request.actor
    requirement = access.access_requirement(actor, requirement_id)
    events = events_visible_to(actor).exclude(curriculum_links__requirement=requirement)
    curriculum_id = requirement.stage.curriculum_id
    return _structure_form(
        request,
        LinkForm(posted(request), events=events.order_by("-held_on", "pk")),
        curriculum_id,
        title=_("要件を満たす研修を登録する"),
        subject=f"{requirement.stage.name} ／ {requirement.name}",
        save=lambda data: services.requirement_event_link(
            actor, requirement=requirement, event=data["event"]
        ),
        success=_("要件を満たす研修を登録しました。"),
    )


@require_POST
@errors_as_pages(back=BACK)
def link_delete(request: TsunaguRequest, link_id: int) -> HttpResponse:
    link = access.access_link(request.actor, link_id)
    to = reverse("curricula:detail", args=[link.requirement.stage.curriculum_id])
    return action(
        request,
        lambda: services.requirement_event_unlink(request.actor, link=link),
        to=to,
        success=_("要件を満たす研修から外しました。"),
        back=BACK,
    )


# --- Progress -----------------------------------------------------------------------------------


def _progress_page(request: TsunaguRequest, worker: Any) -> HttpResponse:
    actor = request.actor
    context = {
        "worker": worker,
        "own": worker.pk == actor.user.pk,
        "office": selectors.current_office(worker),
        "rows": selectors.worker_progress(actor, worker),
        "learning": list(selectors.worker_learning(actor, worker)),
        "may_enter": access.may_enter_learning_for(actor, worker),
        "today": timezone.localdate(),
    }
    return render(request, "curricula/pages/worker.html", context)


@require_GET
@errors_as_pages()
@audit.for_role(access.may_view, view="curricula_mine")
def my_progress(request: TsunaguRequest) -> HttpResponse:
    return _progress_page(request, request.actor.user)


@require_GET
@errors_as_pages()
def worker_progress(request: TsunaguRequest, user_id: int) -> HttpResponse:
    return _progress_page(request, access.access_worker(request.actor, user_id))


@require_GET
@errors_as_pages()
def overview(request: TsunaguRequest, curriculum_id: int) -> HttpResponse:
    actor = request.actor
    audit.require_role(actor, access.may_see_overview, view="curriculum_overview")
    curriculum = access.access_curriculum(actor, curriculum_id)
    office = None if access.is_core(actor) else actor.organization
    context = {
        "overview": selectors.overview(actor, curriculum, organization=office),
        "office": office,
        "is_core": access.is_core(actor),
    }
    return render(request, "curricula/pages/overview.html", context)


@require_GET
@errors_as_pages()
def office_progress(
    request: TsunaguRequest, curriculum_id: int, organization_id: int
) -> HttpResponse:
    actor = request.actor
    office = access.access_office(actor, organization_id)
    curriculum = access.access_curriculum(actor, curriculum_id)
    context = {
        "overview": selectors.overview(actor, curriculum, organization=office),
        "office": office,
        "is_core": access.is_core(actor),
    }
    return render(request, "curricula/pages/overview.html", context)


# --- External learning ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
def learning_create(request: TsunaguRequest, user_id: int) -> HttpResponse:
    actor = request.actor
    worker = access.access_worker(actor, user_id)
    back = (
        reverse("curricula:mine")
        if worker.pk == actor.user.pk
        else reverse("curricula:worker", args=[worker.pk])
    )
    form = LearningForm(posted(request), request.FILES or None)
    return form_page(
        request,
        form,
        "curricula/pages/form.html",
        save=lambda data: services.learning_create(actor, worker=worker, **data),
        done=lambda made: redirect("curricula:learning_detail", made.pk),
        context={
            "title": _("同等の学習を登録する"),
            "subject": worker.full_name,
            "back": back,
            "multipart": True,
        },
        success=_("同等の学習を登録しました。基幹相談支援センターの確認を待っています。"),
        back=BACK,
    )


@require_GET
@errors_as_pages()
@audit.for_role(access.may_view, view="curricula_learning")
def learning_list(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    rows = list(selectors.pending_learning(actor)[:200])
    selectors.record_learning_listed(actor, rows, view="curricula_learning")
    return render(
        request,
        "curricula/pages/learning_list.html",
        {"rows": rows, "is_core": access.is_core(actor)},
    )


@require_GET
@errors_as_pages()
def learning_detail(request: TsunaguRequest, learning_id: int) -> HttpResponse:
    actor = request.actor
    learning = access.access_learning(actor, learning_id)
    audit.record(action=Action.RECORD_VIEWED, actor=actor, target=learning)
    context = {
        "learning": learning,
        "evidence": list(learning.evidence.all()),
        "may_review": access.may_organize(actor)
        and learning.status == LearningStatus.PENDING
        and learning.worker_id != actor.user.pk,
        "form": ReviewForm(),
    }
    return render(request, "curricula/pages/learning_detail.html", context)


@require_http_methods(["GET", "POST"])
@errors_as_pages(back=BACK)
def learning_review(request: TsunaguRequest, learning_id: int) -> HttpResponse:
    actor = request.actor
    learning = access.access_learning(actor, learning_id, for_review=True)
    return form_page(
        request,
        ReviewForm(posted(request)),
        "curricula/pages/form.html",
        save=lambda data: services.learning_review(actor, learning=learning, **data),
        done=lambda saved: redirect("curricula:learning_detail", saved.pk),
        context={
            "title": _("同等の学習を確認する"),
            "subject": f"{learning.worker.full_name} ／ {learning.course_name}",
            "back": reverse("curricula:learning_detail", args=[learning.pk]),
        },
        success=lambda saved: (
            _("承認しました。")
            if saved.status == LearningStatus.APPROVED
            else _("差し戻しました。")
        ),
        back=BACK,
    )


@require_GET
def learning_evidence(request: TsunaguRequest, learning_id: int) -> FileResponse:
    """The evidence file: 404 (audited) unless the learning is visible; each download
    audited."""
    actor = request.actor
    try:
        learning = access.access_learning(actor, learning_id)
    except NotFound:
        raise Http404 from None
    evidence = learning.evidence.order_by("pk").first()
    if evidence is None:
        raise Http404
    response = stored_download(evidence)
    audit.record(
        action=Action.ATTACHMENT_DOWNLOADED,
        actor=actor,
        target=evidence,
        detail={"learning": learning.pk},
    )
    return response
