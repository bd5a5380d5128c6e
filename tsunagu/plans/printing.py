"""PDF of the printed forms: the project's one renderer (`tsunagu.core.printing`) with the
plan forms' landscape sheet as the default stylesheet."""

from __future__ import annotations

from tsunagu.core.printing import PdfUnavailable
from tsunagu.core.printing import render_pdf as _render_pdf

__all__ = ["PRINT_CSS", "PdfUnavailable", "render_pdf"]

PRINT_CSS = "plans/print/print.css"


def render_pdf(html: str, *, css: str = PRINT_CSS) -> bytes:
    """The PDF of `html` (a complete document), styled by the print CSS (`css`: a template
    name; the plan forms' landscape sheet unless another document brings its own)."""
    return _render_pdf(html, css=css)
