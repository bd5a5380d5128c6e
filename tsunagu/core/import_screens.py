"""The one screen of an import of past records (core/imports.py): upload → preview → confirm.

1. The manager chooses a file; it is checked as a dry run and every row is shown with its
   problems (row number, column, reason).  Nothing is saved.
2. If no row has a problem, a button imports the same file: the bytes are kept in the session
   between the two steps (under a token naming their digest), so the file confirmed is the
   file previewed, and dropped once it is imported.
3. The import is all or nothing: a problem found at commit (someone imported the same
   numbers meanwhile) saves nothing and shows the preview again with it.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.core.errors import Invalid
from tsunagu.core.imports import MAX_IMPORT_BYTES, ImportOutcome, file_digest

TEMPLATE = "core/pages/import.html"
SESSION_KEY = "tsunagu.import"
Run = Callable[..., ImportOutcome]  # run(data=..., name=..., dry_run=...)
ORIGINAL_DATE_HELP = gettext_lazy(
    "必須。令和5年4月1日、R5.4.1、2023-04-01 など（2000年4月1日から今日まで）"
)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("ファイル（CSV または Excel）"),
        help_text=gettext_lazy(
            "CSV は UTF-8（BOM付き可）か Shift_JIS（CP932）、Excel は xlsx。5MBまで。"
            "1行目は見出しにしてください。"
        ),
    )


class ImportConfirmForm(forms.Form):
    token = forms.CharField(max_length=64, widget=forms.HiddenInput)


@dataclass(frozen=True)
class ImportScreen:
    title: str
    intro: str
    columns: list[tuple[str, str]]  # (column, what it holds)
    done_url: str
    done_message: Callable[[ImportOutcome], str]


def _keep(request: HttpRequest, data: bytes, name: str) -> str:
    token = file_digest(data)
    request.session[SESSION_KEY] = {
        "token": token,
        "name": name[:200],
        "data": base64.b64encode(data).decode("ascii"),
    }
    return token


def _kept(request: HttpRequest, token: str) -> tuple[bytes, str] | None:
    kept = request.session.get(SESSION_KEY)
    if not isinstance(kept, dict) or kept.get("token") != token:
        return None
    return base64.b64decode(kept["data"]), str(kept.get("name", ""))


def import_page(request: HttpRequest, screen: ImportScreen, run: Run) -> HttpResponse:
    """GET: the upload form.  POST with a file: the preview.  POST with a token: the import."""
    upload = ImportUploadForm()
    outcome: ImportOutcome | None = None
    token = problem = ""
    status = 200
    if request.method == "POST" and "token" in request.POST:
        confirm = ImportConfirmForm(request.POST)
        kept = _kept(request, confirm.data.get("token", "")) if confirm.is_valid() else None
        if kept is None:
            problem = _("確認したファイルが見つかりません。もう一度ファイルを選んでください。")
            status = 400
        else:
            data, name = kept
            outcome = run(data=data, name=name, dry_run=False)
            if outcome.committed:
                request.session.pop(SESSION_KEY, None)
                messages.success(request, screen.done_message(outcome))
                return redirect(screen.done_url)
            status = 400
    elif request.method == "POST":
        upload = ImportUploadForm(request.POST, request.FILES)
        status = 400
        if upload.is_valid():
            file = upload.cleaned_data["file"]
            if file.size > MAX_IMPORT_BYTES:
                upload.add_error("file", _("ファイルが大きすぎます（5MBまで）。"))
            else:
                data = file.read()
                try:
                    outcome = run(data=data, name=file.name or "", dry_run=True)
                except Invalid as exc:
                    upload.add_error("file", exc.message)
                else:
                    if outcome.ok:
                        token = _keep(request, data, file.name or "")
                        status = 200
    context: dict[str, Any] = {
        "screen": screen,
        "form": upload,
        "outcome": outcome,
        "token": token,
        "problem": problem,
        "shown_rows": outcome.rows[:200] if outcome else [],
    }
    return render(request, TEMPLATE, context, status=status)
