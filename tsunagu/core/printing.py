"""PDF from HTML, with WeasyPrint: the one renderer of every printed document.

WeasyPrint needs Pango (and its GObject stack) at run time, which a server may lack; it is
imported here, inside the function, so that the rest of the app runs without it and a missing
library gives a clear "PDF is unavailable" answer instead of a crash at start-up.  Fonts come
from fontconfig (Debian's fonts-noto-cjk: "Noto Sans CJK JP", "Noto Serif CJK JP").  Each
document brings its own print CSS, which includes `core/print/page.css`.
"""

from __future__ import annotations

import logging

from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class PdfUnavailable(Exception):
    """WeasyPrint or the libraries under it cannot be loaded on this server."""


def render_pdf(html: str, *, css: str) -> bytes:
    """The PDF of `html` (a complete document), styled by `css` (a template name)."""
    try:
        from weasyprint import CSS, HTML
    except (ImportError, OSError) as exc:  # OSError: libpango not found by cffi
        logger.exception("WeasyPrint cannot be loaded")
        raise PdfUnavailable(str(exc)) from exc
    stylesheet = CSS(string=render_to_string(css))
    pdf = HTML(string=html).write_pdf(stylesheets=[stylesheet])
    assert pdf is not None  # noqa: S101  # write_pdf without a target returns the bytes
    return bytes(pdf)
