"""A typed request: what our middleware guarantees is there, so views need no guessing; the one
way a screen hands over a file; and the one check of where a `next` may send the user."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme

from tsunagu.core.actor import Actor, Origin
from tsunagu.core.storage import UnreadableFile, open_checked

if TYPE_CHECKING:
    from tsunagu.accounts.models import User


class TsunaguRequest(HttpRequest):
    """A request that passed sign-in (LoginRequiredMiddleware) and 2FA checks."""

    user: User  # narrowed: anonymous users never reach these views
    request_id: str
    actor: Actor  # built by ActingOrganizationMiddleware (screens) or BearerAuth (API)


def site_url(path: str, origin: Origin | None = None) -> str:
    """An address for a mail: TSUNAGU_SITE_URL and the path where it is set (behind a proxy
    the request's own host may be an internal one), else the host the action came from, else
    the path."""
    if settings.SITE_URL:
        return settings.SITE_URL + path
    if origin is not None and origin.host_url:
        return origin.host_url + path
    return path


def safe_next(request: HttpRequest, candidate: str | None, default: str) -> str:
    """Where a form's `next` may send the user: a page of this site (over HTTPS when the
    request came over it), never another host; else `default` (a URL or a URL name)."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default)


R = TypeVar("R", HttpResponse, FileResponse)


def _to_keep(response: R, filename: str) -> R:
    """Saved, not shown: the Japanese name kept (RFC 5987, filename*=utf-8''...), never
    sniffed, never cached."""
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=filename) or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """A document made for the user (a PDF, a workbook, an archive), to keep."""
    return _to_keep(HttpResponse(content, content_type=content_type), filename)


def private_download(
    file: FieldFile, *, sha256: str, filename: str, content_type: str
) -> FileResponse:
    """An attachment kept in the private storage, decrypted and checked against the hash
    recorded at upload (core/storage.py), to keep; a missing or altered file is the
    project's 404."""
    try:
        handle = open_checked(file, sha256=sha256)
    except (FileNotFoundError, UnreadableFile):
        raise Http404 from None
    return _to_keep(FileResponse(handle, content_type=content_type), filename)


class KeptFile(Protocol):
    """An uploaded file's row (`core.models.StoredAttachment` with its `file`)."""

    @property
    def file(self) -> FieldFile: ...
    @property
    def sha256(self) -> str: ...
    @property
    def original_name(self) -> str: ...
    @property
    def content_type(self) -> str: ...


def stored_download(kept: KeptFile) -> FileResponse:
    """An uploaded file, checked and handed over under the name it was uploaded with."""
    return private_download(
        kept.file, sha256=kept.sha256, filename=kept.original_name, content_type=kept.content_type
    )
