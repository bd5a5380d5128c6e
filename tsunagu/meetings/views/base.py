"""What the meetings screens share: a refusal decided before any service runs, the year a
page shows, a PDF (or the page saying it cannot be made here), the review of identifiers left
in a text to share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.db.models import Model
from django.http import HttpResponse

from tsunagu.audit import services as audit
from tsunagu.core.dates import fiscal_year_label
from tsunagu.core.errors import Forbidden, TsunaguError
from tsunagu.core.http import TsunaguRequest, download
from tsunagu.core.screens import pdf_unavailable
from tsunagu.meetings import deidentify, selectors
from tsunagu.meetings.forms import YearForm
from tsunagu.plans.printing import PRINT_CSS, PdfUnavailable, render_pdf

F = TypeVar("F", bound=forms.BaseForm)


def require(
    request: TsunaguRequest, allowed: bool, reason: str, message: str, target: Model | None = None
) -> None:
    """Forbidden with `message` unless `allowed`, its access.denied row written now (a form
    screen refuses its GET as its POST, before a service would)."""
    if not allowed:
        audit.record_denial(
            request.actor,
            target_type=target._meta.label_lower if target is not None else "meetings",
            target_id=str(target.pk) if target is not None else "",
            reason=reason,
        )
        raise Forbidden(message)


def year_of(request: TsunaguRequest) -> dict[str, Any]:
    """The fiscal year chosen in the query (this one by default), with its form and label."""
    current = selectors.current_fiscal_year()
    form = YearForm(request.GET or None, current=current)
    year = form.chosen_year(current)
    return {"year_form": form, "year": year, "year_label": fiscal_year_label(year)}


def pdf(
    request: TsunaguRequest,
    html: str,
    *,
    filename: str,
    back: str,
    made: Callable[[], object],
    css: str = PRINT_CSS,
) -> HttpResponse:
    """The PDF of `html` to keep, once `made` has recorded it (its read and download rows),
    or the page saying this server cannot print (503, nothing recorded)."""
    try:
        content = render_pdf(html, css=css)
    except PdfUnavailable:
        return pdf_unavailable(request, back=back)
    made()
    return download(content, filename=filename, content_type="application/pdf")


def flagged_for_review(
    shown: dict[str, Any], keep: dict[str, str], seen: list[str], labels: dict[str, str]
) -> Callable[[F, TsunaguError], tuple[F, int] | None]:
    """The `rescue` of a form whose text is shared de-identified: identifiers left in it show
    the form again (400) with the review of each field of `labels` (name → label) that has
    flags in `shown["review"]`, and the message on top."""

    def rescue(form: F, exc: TsunaguError) -> tuple[F, int] | None:
        if not isinstance(exc, deidentify.IdentifiersLeft):
            return None
        form.add_error(None, exc.message)
        texts = [
            (label, form.cleaned_data[name].strip(), flags)
            for name, label in labels.items()
            if (flags := [f for f in exc.flags if f.field == name])
        ]
        shown["review"] = deidentify.review(texts, keep, seen)
        return form, 400

    return rescue
