"""One form loop for every form screen, and one page for a refusal.

A form view reads: fetch through the access layer → `form_page(request, form, template,
save=..., done=...)`.  The helper owns the loop: a GET shows the form; a POST validates it,
calls `save` with the cleaned data and answers `done(result)`; the errors a service raises
(core.errors) are mapped here and nowhere else:

- `Invalid` → the form again with the message (a `FieldErrors` under its fields), status 400;
- `Conflict` → the form again with the message, status 409;
- `NotFound` → the project's 404;
- `Forbidden` → `refused_page`, status 403 (the refusal is already audited where it was decided).

What the user typed is kept: the bound form is what is shown again.  A POST that is not a form
(a button: leave a team, mark reviewed) goes through `action`, which redirects with the
message instead; a button that asks first (publish, delete) goes through `confirm_action`:
a GET shows the question, the POST is the `action`.  A step a screen shares that may have to
answer on its own (a year the form refuses: the page again, status 400) raises `Answered`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, TypeVar, cast

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render, resolve_url
from django.views.decorators.http import require_http_methods

from tsunagu.core.errors import Conflict, FieldErrors, Forbidden, Invalid, NotFound, TsunaguError

R = TypeVar("R")
F = TypeVar("F", bound=forms.BaseForm)
View = Callable[..., HttpResponse]
V = TypeVar("V", bound=Callable[..., HttpResponseBase])  # a view, a download's too
Context = Mapping[str, Any] | Callable[[], Mapping[str, Any]]
Message = str | Callable[[Any], str] | None
Back = str | Callable[..., str] | None  # a URL or URL name, or one from the view's arguments

REFUSED_TEMPLATE = "core/pages/refused.html"
PDF_UNAVAILABLE_TEMPLATE = "plans/print/unavailable.html"


def posted(request: HttpRequest) -> QueryDict | None:
    """The POST data of a POST, even an empty one (an empty form must show its errors)."""
    return request.POST if request.method == "POST" else None


class Answered(Exception):  # not an error: the screen's answer, given early
    """Raised by a step of a screen with the response it has already given (its form again,
    status 400); `errors_as_pages` returns that response."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__(response.status_code)
        self.response = response


def refused_page(request: HttpRequest, message: str, *, back: str | None = None) -> HttpResponse:
    """A refusal's message on the one refusal page, status 403, with a link back (a URL or a
    URL name) and home."""
    context = {
        "message": message,
        "back": resolve_url(back) if back else None,
        "request_id": getattr(request, "request_id", ""),
    }
    return render(request, REFUSED_TEMPLATE, context, status=403)


def pdf_unavailable(request: HttpRequest, *, back: str = "", xlsx_url: str = "") -> HttpResponse:
    """No PDF on this server (`core.printing.PdfUnavailable`): the page that says so, status
    503, with a link to the xlsx where there is one and a link back."""
    context = {"back": back, "xlsx_url": xlsx_url}
    return render(request, PDF_UNAVAILABLE_TEMPLATE, context, status=503)


def errors_as_pages(back: Back = None) -> Callable[[View], View]:
    """For a screen: NotFound → the project's 404; Forbidden → `refused_page`, whose link
    back is `back`, or `back(**kwargs)` of the view's keyword arguments; `Answered` → its
    response."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except Answered as answered:
                return answered.response
            except NotFound:
                raise Http404 from None
            except Forbidden as exc:
                to = back(**kwargs) if callable(back) else back
                return refused_page(request, exc.message, back=to)

        return wrapper

    return decorate


def screen(*methods: str, back: Back = None) -> Callable[[V], V]:
    """A screen that answers only `methods` (else 405), its errors mapped by
    `errors_as_pages`: `@screen("GET")`, `@screen("GET", "POST")`, `@screen("POST")`."""
    allowed = require_http_methods(list(methods))
    mapped = errors_as_pages(back)

    def decorate(view: V) -> V:
        return cast(V, allowed(mapped(cast(View, view))))

    return decorate


def add_errors(form: forms.BaseForm, exc: TsunaguError) -> None:
    """A service's message on the form: each field's own under it, the rest at the top."""
    errors = exc.errors if isinstance(exc, FieldErrors) else {"": exc.message}
    for name, message in errors.items():
        form.add_error(name if name in form.fields else None, message)


def _say(request: HttpRequest, message: Message, result: Any) -> None:
    if message is not None:
        messages.success(request, message(result) if callable(message) else message)


def form_page(
    request: HttpRequest,
    form: F,
    template: str,
    *,
    save: Callable[[dict[str, Any]], R],
    done: Callable[[R], HttpResponse],
    context: Context = {},  # noqa: B006  # read, never changed
    form_name: str = "form",
    success: Message = None,
    back: str | None = None,
    valid: Callable[[], bool] | None = None,
    invalid: Callable[[F], None] | None = None,
    rescue: Callable[[F, TsunaguError], tuple[F, int] | None] | None = None,
    conflict_status: int = 409,
) -> HttpResponse:
    """The form loop of a screen (see the module's docstring).

    `form` is bound on a POST (`posted(request)`), unbound on a GET.  `valid` adds a check
    beyond the form (formsets); `invalid` adds to a form shown again (their errors);
    `rescue` may answer an error itself with another form and status (a duplicate to confirm,
    a conflict shown with the newer version); `context` (or a callable building it once the
    outcome is known) is what the template needs besides the form.
    """
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and (valid is None or valid()):
            try:
                result = save(form.cleaned_data)
            except NotFound:
                raise Http404 from None
            except Forbidden as exc:
                return refused_page(request, exc.message, back=back)
            except (Conflict, Invalid) as exc:
                rescued = rescue(form, exc) if rescue is not None else None
                if rescued is not None:
                    form, status = rescued
                else:
                    add_errors(form, exc)
                    status = conflict_status if isinstance(exc, Conflict) else 400
            else:
                _say(request, success, result)
                return done(result)
        if invalid is not None:
            invalid(form)
    shown = dict(context() if callable(context) else context)
    shown[form_name] = form
    return render(request, template, shown, status=status)


def action(
    request: HttpRequest,
    run: Callable[[], R],
    *,
    to: str | Callable[[R], str],
    success: Message = None,
    failed_to: str | None = None,
    back: str | None = None,
) -> HttpResponse:
    """A POST without a form to show again (a button): run it, then redirect to `to` with
    the success message, or to `failed_to` (else `to`) with the Invalid or Conflict message.
    `to` and `failed_to` are URLs or URL names."""
    try:
        result = run()
    except NotFound:
        raise Http404 from None
    except Forbidden as exc:
        return refused_page(request, exc.message, back=back)
    except (Conflict, Invalid) as exc:
        messages.error(request, exc.message)
        fallback = failed_to or (to if isinstance(to, str) else None)
        if fallback is None:
            raise
        return redirect(fallback)
    _say(request, success, result)
    return redirect(to(result) if callable(to) else to)


def confirm_action(
    request: HttpRequest,
    template: str,
    context: Context,
    run: Callable[[], R],
    *,
    to: str | Callable[[R], str],
    success: Message = None,
    failed_to: str | None = None,
    back: str | None = None,
) -> HttpResponse:
    """A button that asks first: a GET shows `template` with `context` (the question, what
    the button does, where back leads); the POST is `action(request, run, ...)`."""
    if request.method != "POST":
        return render(request, template, context() if callable(context) else context)
    return action(request, run, to=to, success=success, failed_to=failed_to, back=back)
