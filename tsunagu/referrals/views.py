"""Screens for referrals: inbox and outbox, a new request, one referral and its moves, the
FHIR download, and the statistics with their exports.

Thin: parse the form, fetch through the access layer, call a service, render or redirect.
NotFound becomes the project's 404; Forbidden shows its message with status 403; Invalid and
Conflict redisplay the page with the message and what was typed (status 400 / 409).
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from tsunagu.audit import services as audit
from tsunagu.audit.lists import list_page
from tsunagu.cases.access import access_case
from tsunagu.cases.models import Case
from tsunagu.core.errors import Conflict, Forbidden, Invalid
from tsunagu.core.exports import TABLE_FORMATS, ExportTable, table_response
from tsunagu.core.http import TsunaguRequest, download
from tsunagu.core.printing import PdfUnavailable
from tsunagu.core.screens import (
    Answered,
    View,
    errors_as_pages,
    form_page,
    pdf_unavailable,
    posted,
    screen,
)
from tsunagu.referrals import exports, selectors, services
from tsunagu.referrals import statistics as referral_statistics
from tsunagu.referrals.access import access_referral, side_of
from tsunagu.referrals.forms import ReferralForm, StatisticsForm, TransitionForm
from tsunagu.referrals.lists import ReferralFilter, ReferralTable, referral_persons
from tsunagu.referrals.models import Referral, ReferralKind, ReferralStatus, Side
from tsunagu.referrals.rules import MOVES

PAGE_SIZE = 30
BACK = "referrals:list"
REASON_LABELS = {
    "reject": gettext_lazy("お断りの理由"),
    "hold": gettext_lazy("保留の理由"),
    "fail": gettext_lazy("不成立の理由"),
    "cancel": gettext_lazy("取り下げの理由"),
}

_mapped = errors_as_pages(BACK)  # the two form pages and the statistics: methods as before


# --- Inbox and outbox -----------------------------------------------------------------------


@screen("GET", back=BACK)
def referral_list(request: TsunaguRequest) -> HttpResponse:
    actor = request.actor
    outbox = request.GET.get("box") == selectors.OUTBOX
    return list_page(
        request,
        rows=selectors.referrals_listed(actor),
        filters=ReferralFilter,
        table=ReferralTable,
        template="referrals/pages/list.html",
        view="referrals.referral_list",
        persons=referral_persons,
        context={
            "box": selectors.OUTBOX if outbox else selectors.INBOX,
            "counts": selectors.dashboard_counts(actor),
            "can_write": actor.can_write,
            "can_view_statistics": referral_statistics.may_view_statistics(actor),
        },
    )


# --- A new request --------------------------------------------------------------------------


@screen("GET", back=BACK)
def referral_new(request: TsunaguRequest) -> HttpResponse:
    """Which case the request is for: the open cases the acting organization leads."""
    actor = request.actor
    page = Paginator(selectors.lead_cases(actor), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "referrals/pages/case_picker.html", {"page": page, "query": ""})


def _require_lead(request: TsunaguRequest, case: Case) -> None:
    actor = request.actor
    if actor.organization_id != case.lead_organization_id or not actor.can_write:
        audit.record_denial(
            actor, target_type="cases.case", target_id=case.pk, reason="not a lead writer"
        )
        raise Forbidden(_("紹介・依頼を出せるのは、ケースの主担当機関の職員だけです。"))


@_mapped
def referral_create(request: TsunaguRequest, case_id: int) -> HttpResponse:
    case = access_case(request.actor, case_id, for_write=request.method == "POST")
    _require_lead(request, case)
    form = ReferralForm(posted(request), actor=request.actor, case=case)
    send = "save_draft" not in request.POST
    return form_page(
        request,
        form,
        "referrals/pages/form.html",
        save=lambda data: services.referral_create(
            actor=request.actor, case=case, data=form.data_for_service(), send=send
        ),
        done=lambda made: redirect("referrals:detail", referral_id=made.pk),
        context={"case": case, "referral": None},
        back=BACK,
        success=_("依頼を送りました。") if send else _("下書きとして保存しました。"),
        conflict_status=400,
    )


@_mapped
def referral_edit(request: TsunaguRequest, referral_id: int) -> HttpResponse:
    referral = access_referral(request.actor, referral_id, for_write=request.method == "POST")
    actor = request.actor
    if side_of(actor, referral) != Side.REQUESTER or referral.status != ReferralStatus.DRAFT:
        raise Forbidden(_("編集できるのは依頼元の下書きだけです。"))
    case = referral.case
    initial = ReferralForm.initial_for(referral) if request.method != "POST" else None
    form = ReferralForm(posted(request), initial=initial, actor=actor, case=case)
    del form.fields["requested_on"]  # a draft gets its date when it is sent

    def save(data: dict[str, Any]) -> Referral:
        services.referral_update(
            actor=actor,
            referral=referral,
            expected_version=_int(request.POST.get("version")),
            data=form.data_for_service(),
        )
        if "save_draft" not in request.POST:
            services.referral_transition(actor=actor, referral=referral, action="request")
        return referral

    return form_page(
        request,
        form,
        "referrals/pages/form.html",
        save=save,
        done=lambda saved: redirect("referrals:detail", referral_id=referral.pk),
        context={"case": case, "referral": referral},
        back=BACK,
        success=lambda saved: (
            _("依頼を送りました。")
            if saved.status != ReferralStatus.DRAFT
            else _("下書きを保存しました。")
        ),
    )


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


# --- One referral ---------------------------------------------------------------------------


def _detail_context(
    request: TsunaguRequest, referral: Referral, failed: TransitionForm | None = None
) -> dict[str, Any]:
    actor = request.actor
    side = side_of(actor, referral)
    moves = []
    for move in selectors.moves_available(actor, referral):
        if failed is not None and failed.data.get("action") == move.action:
            form = failed
        else:
            form = TransitionForm(
                initial={"action": move.action},
                referral=referral,
                auto_id=f"id_{move.action}_%s",
            )
        form.fields["reason"].label = REASON_LABELS.get(move.action, form.fields["reason"].label)
        moves.append({"move": move, "form": form})
    return {
        "referral": referral,
        "is_requester": side == Side.REQUESTER,
        "row": selectors.rows(actor, [referral])[0],
        "summary_items": selectors.summary_items(referral),
        "transitions": selectors.transitions_of(referral),
        "moves": moves,
        "case_visible": selectors.case_visible(actor, referral),
        "can_edit": side == Side.REQUESTER
        and referral.status == ReferralStatus.DRAFT
        and actor.can_write,
    }


@screen("GET", back=BACK)
def referral_detail(request: TsunaguRequest, referral_id: int) -> HttpResponse:
    referral = access_referral(request.actor, referral_id)
    return render(request, "referrals/pages/detail.html", _detail_context(request, referral))


@screen("POST", back=BACK)
def referral_transition(request: TsunaguRequest, referral_id: int) -> HttpResponse:
    referral = access_referral(request.actor, referral_id, for_write=True)
    form = TransitionForm(
        request.POST,
        referral=referral,
        auto_id=f"id_{request.POST.get('action', '')[:20]}_%s",
    )
    status = 400
    if form.is_valid():
        data = {**form.cleaned_data}  # the move's fields, as the service names them
        if referral.kind != ReferralKind.TRANSFER:
            data["previous_lead_role"] = ""  # only a transfer's old lead may stay on
        try:
            services.referral_transition(actor=request.actor, referral=referral, **data)
        except (Invalid, Conflict) as exc:
            form.add_error(None, exc.message)
            status = 409 if isinstance(exc, Conflict) else 400
        else:
            move = MOVES[data["action"]]
            messages.success(
                request,
                _("「%(action)s」を記録しました（%(status)s）。")
                % {"action": move.label, "status": ReferralStatus(referral.status).label},
            )
            return redirect("referrals:detail", referral_id=referral.pk)
    offered = {m.action for m in selectors.moves_available(request.actor, referral)}
    if str(form.data.get("action", "")) not in offered:
        # Not a move this page offers (another tab, a stale page): say why above the page.
        errors = form.non_field_errors() or [_("この操作はいまは行えません。")]
        messages.error(request, " ".join(str(e) for e in errors))
        return redirect("referrals:detail", referral_id=referral.pk)
    return render(
        request,
        "referrals/pages/detail.html",
        _detail_context(request, referral, failed=form),
        status=status,
    )


@screen("GET", back=BACK)
def referral_fhir(request: TsunaguRequest, referral_id: int) -> HttpResponse:
    referral = access_referral(request.actor, referral_id)
    bundle = services.referral_fhir_export(request.actor, referral=referral)
    return download(
        json.dumps(bundle, ensure_ascii=False, indent=2).encode(),
        filename=f"referral-{referral.pk}-fhir.json",
        content_type="application/fhir+json; charset=utf-8",
    )


# --- Statistics -----------------------------------------------------------------------------


class _Asked(NamedTuple):
    form: StatisticsForm
    period: referral_statistics.Period
    accepted_only: bool
    table: referral_statistics.JointSupportTable
    organizations: list[referral_statistics.OrganizationRow]
    tables: dict[str, ExportTable]


def _statistics_asked(request: TsunaguRequest) -> _Asked:
    """The form, and the period and tables asked for; or the form saying what is wrong and no
    table, status 400 (`Answered`: never another period's figures under the year asked for, on
    a screen or in a file).
    The years on record are read once, for the form's choices and the period alike."""
    years = referral_statistics.fiscal_years()
    form = StatisticsForm(request.GET or None, years=years)
    data = form.cleaned_data if form.is_valid() else {}
    try:
        if form.is_bound and form.errors:
            raise Invalid(str(next(iter(form.errors.values()))[0]))
        period = referral_statistics.period(data.get("fiscal_year"), data.get("as_of"), years=years)
    except Invalid as exc:
        if form.is_valid():  # the year and the date are each fine, but not together
            form.add_error("as_of", exc.message)
        page = render(request, "referrals/pages/statistics.html", {"form": form}, status=400)
        raise Answered(page) from None
    accepted_only = bool(data.get("accepted_only"))
    table = referral_statistics.joint_support_table(period, accepted_only=accepted_only)
    organizations = referral_statistics.organization_table(period)
    tables = exports.statistics_tables(period, table, organizations)
    return _Asked(form, period, accepted_only, table, organizations, tables)


def _statistics_screen(view: View) -> View:
    """GET only, for those who may see the statistics (anyone else: the audited 404)."""
    role = audit.for_role(referral_statistics.may_view_statistics, view="referral_statistics")
    return _mapped(role(require_GET(view)))


@_statistics_screen
def statistics(request: TsunaguRequest) -> HttpResponse:
    form, period, accepted_only, table, organizations, tables = _statistics_asked(request)
    texts = [text for each in tables.values() for text in each.texts()]
    return render(
        request,
        "referrals/pages/statistics.html",
        {
            "form": form,
            "period": period,
            "table": table,
            "organizations": organizations,
            "replacements": exports.cp932_replacements(texts),
            "formats": TABLE_FORMATS,
            "export_query": f"fiscal_year={period.fiscal_year}&as_of={period.as_of.isoformat()}"
            + ("&accepted_only=on" if accepted_only else ""),
        },
    )


@_statistics_screen
def statistics_export(request: TsunaguRequest) -> HttpResponse:
    asked = _statistics_asked(request)
    period, tables = asked.period, asked.tables
    fmt = request.GET.get("format", "csv")
    if fmt not in dict(TABLE_FORMATS):
        raise Http404
    which = request.GET.get("table", "")
    if which not in tables:
        # A CSV holds one table (the joint-support one unless another is named); a workbook
        # or a PDF holds both unless one is named.
        which = "joint_support" if fmt in {"csv", "cp932"} else ""
    chosen = [tables[which]] if which else list(tables.values())
    stem = f"referrals-{which or 'statistics'}-FY{period.fiscal_year}-{period.as_of:%Y%m%d}"
    try:
        title = _("紹介・依頼の統計 %(period)s") % {"period": period.label}
        response, replaced = table_response(fmt, chosen, stem=stem, title=title)
    except PdfUnavailable:
        back = reverse("referrals:statistics") + "?" + request.GET.urlencode()
        return pdf_unavailable(request, back=back)
    audit.record(
        action=services.ACTION_STATISTICS_EXPORTED,
        actor=request.actor,
        target_type="referrals.statistics",
        target_id=f"FY{period.fiscal_year}",
        detail={
            "format": fmt,
            "table": which or "all",
            "as_of": period.as_of.isoformat(),
            "replaced": [r.codepoint for r in replaced],
        },
    )
    return response
