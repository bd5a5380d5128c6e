"""Files that are valid as two types at once (polyglots), and PDFs that carry active content.

An upload is judged by its first bytes (`filetype`), but a JPEG can also be a web page, a ZIP
(a JAR, an Office file, a "GIFAR") or a PDF, depending on who reads it.  We refuse any file in
which a second reader would find its own format:

- HTML: the markers browsers and HTML parsers look for (`<html`, `<script`, `<svg`,
  `<!doctype`, ...).  Short markers are looked for in the first 64 KiB (where sniffing looks);
  markers long enough never to occur by chance in compressed image data, in the whole file.
- ZIP: readers start from the end-of-central-directory record at the end of the file
  (`zipfile.is_zipfile` finds it exactly as they do), and some from a local file header; a
  header is counted only with a plausible name after it, so chance bytes in compressed data do
  not count.
- PDF: readers accept `%PDF-` anywhere in the first 1024 bytes; an image carrying it is refused.

PDF stays on the allow-list (the documents counselors attach are mostly PDFs), without active
content: JavaScript, launch actions, embedded files, XFA forms, rich media.  Names are compared
after undoing `#xx` escapes, and the streams are inflated (with a bound), so a compressed object
stream or `/J#61vaScript` does not hide them.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

HEAD_BYTES = 64 * 1024
PDF_SEARCH_BYTES = 1024
# Inflating a PDF's streams is bounded: a small "zip bomb" must not take the server's memory.
INFLATE_LIMIT = 64 * 1024 * 1024

# Markers of a web page.  Long ones (7+ bytes) are looked for everywhere; short ones only in
# the head, because four or five given bytes do turn up by chance in megabytes of image data.
HTML_EVERYWHERE = (b"<script", b"<!doctype", b"<iframe", b"<object", b"javascript:")
HTML_IN_HEAD = (b"<html", b"<svg", b"<body", b"<head", b"<embed", b"<meta", b"<?php")

PDF_ACTIVE_NAMES = (
    "JavaScript",
    "JS",
    "Launch",
    "EmbeddedFile",
    "EmbeddedFiles",
    "RichMedia",
    "XFA",
    "ImportData",
    "SubmitForm",
    "GoToE",
)
_PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_PDF_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"stream\r?\n")


def second_types(data: bytes, mime: str) -> list[str]:
    """The other formats `data` (detected as `mime`) is also readable as, by name."""
    found: list[str] = []
    lower_head = data[:HEAD_BYTES].lower()
    lower = data.lower() if len(data) > HEAD_BYTES else lower_head
    if any(marker in lower for marker in HTML_EVERYWHERE) or any(
        marker in lower_head for marker in HTML_IN_HEAD
    ):
        found.append("HTML")
    if _has_zip(data):
        found.append("ZIP")
    if mime != "application/pdf" and b"%PDF-" in data[:PDF_SEARCH_BYTES]:
        found.append("PDF")
    return found


# (signature, offset of the name length, offset of the name): local file header, central
# directory header.
_ZIP_HEADERS = ((b"PK\x03\x04", 26, 30), (b"PK\x01\x02", 28, 46))


def _has_zip(data: bytes) -> bool:
    if zipfile.is_zipfile(io.BytesIO(data)):
        return True
    for signature, length_at, name_at in _ZIP_HEADERS:
        start = data.find(signature)
        while start != -1:
            if _plausible_name(data, start + length_at, start + name_at):
                return True
            start = data.find(signature, start + 1)
    return False


def _plausible_name(data: bytes, length_at: int, name_at: int) -> bool:
    """A name length of 1-255 followed by that many printable ASCII bytes."""
    if name_at > len(data):
        return False
    (length,) = struct.unpack_from("<H", data, length_at)
    name = data[name_at : name_at + length]
    return 0 < length <= 255 and len(name) == length and all(0x20 <= b < 0x7F for b in name)


def pdf_active_content(data: bytes) -> list[str]:
    """The names of active content in a PDF (in its objects or its inflated streams)."""
    found: set[str] = set()
    for text in _pdf_texts(data):
        for match in _PDF_NAME.finditer(text):
            name = _PDF_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
            decoded = name.decode("latin-1")
            if decoded in PDF_ACTIVE_NAMES:
                found.add(decoded)
    return sorted(found)


def _pdf_texts(data: bytes) -> list[bytes]:
    texts = [data]
    budget = INFLATE_LIMIT
    for match in _PDF_STREAM.finditer(data):
        start = match.end()
        end = data.find(b"endstream", start)
        if end == -1:
            break
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(data[start:end], budget)
        except zlib.error:
            continue  # not Flate (an image's DCT data, say): nothing to look into
        budget -= len(inflated)
        texts.append(inflated)
        if budget <= 0:
            break
    return texts
