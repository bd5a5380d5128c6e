"""Reading a printed PDF back in tests: its text, without the spaces and line breaks the
layout puts between characters."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", "", "".join((page.extract_text() or "") for page in reader.pages))
