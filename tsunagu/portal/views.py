"""The person's portal screens (/my/): plain words, one thing per screen, big targets.

Every view reads who it serves from `request.portal` (PortalMiddleware), never from an id in
the URL: the only ids the portal takes (an access row, a consent, a supporter) are looked up
inside the person's own rows, and anything else is the same 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from csp.constants import SELF
from csp.decorators import csp_update
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tsunagu.accounts import passkeys
from tsunagu.core.actor import Origin
from tsunagu.core.errors import FieldErrors, Invalid, NotFound
from tsunagu.core.screens import add_errors, form_page, posted
from tsunagu.plainplans import selectors as plainplans
from tsunagu.plainplans.models import Audience
from tsunagu.portal import codes, selectors, services
from tsunagu.portal.access import PortalActor, require_section
from tsunagu.portal.forms import (
    CheckInForm,
    CodeForm,
    MoodForm,
    PassphraseForm,
    QuestionForm,
    RhythmForm,
    SignInForm,
)
from tsunagu.portal.middleware import PORTAL_PREFIX, cookie_name
from tsunagu.portal.models import AccountKind, Mood, RequestKind, Section

# The released plan in plain Japanese (issue 22 item 2, tsunagu.plainplans), as the person or
# their family member may read it.
PLAN_INCLUDE = "plainplans/_person_view.html"

View = Callable[..., HttpResponse]


def _portal(request: HttpRequest) -> PortalActor | None:
    return getattr(request, "portal", None)


def portal_page(section: str | None = None) -> Callable[[View], View]:
    """A page for a signed-in portal account (else the sign-in page), for a section it may
    open (else 404, like a page that does not exist)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            portal = _portal(request)
            if portal is None:
                return redirect("portal:signin")
            try:
                if section is not None:
                    require_section(portal, section)
                return view(request, portal, *args, **kwargs)
            except NotFound:
                raise Http404 from None

        return wrapper

    return decorate


def _signed_in(response: HttpResponse, token: str, request: HttpRequest) -> HttpResponse:
    response.set_cookie(
        cookie_name(),
        token,
        path=PORTAL_PREFIX,
        secure=bool(getattr(settings, "HTTPS", False)),
        httponly=True,
        samesite="Lax",
    )
    request.portal_cookie_set = True  # type: ignore[attr-defined]
    return response


def section_label(portal: PortalActor, section: str) -> str:
    """A section's name as this account reads it: the person's own pages speak as the person
    (わたしの計画), a family member's or supporter's name the person (さくらさんの計画)."""
    if portal.is_person:
        return str(Section(section).label)
    name = portal.person_called
    if section == Section.PLAN:
        return _("%(name)sの計画") % {"name": name}
    if section == Section.RIGHTS:
        return _("%(name)sの権利・同意") % {"name": name}
    return str(Section(section).label)


def _menu(portal: PortalActor) -> list[tuple[str, str, str]]:
    items = [
        (Section.PLAN, "portal:plan", "plan"),
        (Section.CHECKIN, "portal:checkin", "checkin"),
        (Section.ACCESS, "portal:access", "access"),
        (Section.RIGHTS, "portal:rights", "rights"),
    ]
    return [
        (section_label(portal, s), url, icon)
        for s, url, icon in items
        if portal.account.may_open(s)
    ]


# --- Coming in --------------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    portal = _portal(request)
    if portal is None:
        return render(request, "portal/pages/welcome.html", {})
    services.record_view(portal, page="home")
    return render(
        request,
        "portal/pages/home.html",
        {"portal": portal, "menu": _menu(portal), "hide_home": True},
    )


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """Step 1: the code.  Step 2 (the same URL, `step=2`): the passphrase."""
    origin = Origin.of(request)
    if request.method == "POST" and request.POST.get("step") == "2":
        form = PassphraseForm(request.POST)
        if form.is_valid():
            try:
                _account, token = services.invitation_redeem(
                    form.cleaned_data["code"],
                    passphrase=form.cleaned_data["passphrase"],
                    again=form.cleaned_data["again"],
                    origin=origin,
                )
            except FieldErrors as exc:
                add_errors(form, exc)
            except Invalid as exc:  # the code itself: back to step 1 with the message
                code_form = CodeForm()
                add_errors(code_form, exc)
                return render(request, "portal/pages/start.html", {"form": code_form}, status=400)
            else:
                return _signed_in(redirect("portal:ready"), token, request)
        return render(request, "portal/pages/passphrase.html", {"form": form}, status=400)
    code_form = CodeForm(posted(request))
    if request.method == "POST":
        if code_form.is_valid():
            try:
                services.invitation_check(code_form.cleaned_data["code"], origin=origin)
            except Invalid as exc:
                add_errors(code_form, exc)
            else:
                form = PassphraseForm(initial={"code": code_form.cleaned_data["code"]})
                return render(request, "portal/pages/passphrase.html", {"form": form})
        return render(request, "portal/pages/start.html", {"form": code_form}, status=400)
    return render(request, "portal/pages/start.html", {"form": code_form})


@require_http_methods(["GET", "POST"])
def signin(request: HttpRequest) -> HttpResponse:
    form = SignInForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            _account, token = services.sign_in(
                form.cleaned_data["portal_id"],
                form.cleaned_data["passphrase"],
                origin=Origin.of(request),
            )
        except Invalid as exc:
            add_errors(form, exc)
        else:
            return _signed_in(redirect("portal:home"), token, request)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "portal/pages/signin.html",
        {"form": form, "passkeys_available": passkeys.available(request)},
        status=status,
    )


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    portal = _portal(request)
    if portal is not None:
        services.sign_out(portal, request.COOKIES.get(cookie_name(), ""))
    response = redirect("portal:home")
    response.delete_cookie(cookie_name(), path=PORTAL_PREFIX)
    request.portal_cookie_set = True  # type: ignore[attr-defined]
    return response


@require_GET
@portal_page()
def ready(request: HttpRequest, portal: PortalActor) -> HttpResponse:
    """After the code: the portal id to keep, shown once at the start."""
    services.record_view(portal, page="ready")
    return render(
        request,
        "portal/pages/ready.html",
        {"portal": portal, "portal_id": codes.grouped(portal.account.portal_id)},
    )


# --- My plan ----------------------------------------------------------------------------------


@require_GET
@portal_page(Section.PLAN)
def plan(request: HttpRequest, portal: PortalActor) -> HttpResponse:
    services.record_view(portal, page="plan")
    account = portal.account
    audience = Audience.PERSON if account.kind == AccountKind.PERSON else Audience.FAMILY
    released = plainplans.released_for(account.person, audience=audience, case_id=account.case_id)
    return render(
        request,
        "portal/pages/plan.html",
        {"portal": portal, "plan_include": PLAN_INCLUDE, "released": released},
    )


# --- どう？ -------------------------------------------------------------------------------------


MOOD_ICONS = {Mood.GOOD: "good", Mood.OKAY: "okay", Mood.NOT_GOOD: "not-good", Mood.BAD: "bad"}


# The voice recorder (static portal/js/voice.js) lets the person listen again before sending:
# a blob: address, allowed for sound on this page only.
VOICE_CSP = {"media-src": [SELF, "blob:"]}


@require_http_methods(["GET", "POST"])
@csp_update(VOICE_CSP)
@portal_page(Section.CHECKIN)
def checkin(request: HttpRequest, portal: PortalActor) -> HttpResponse:
    """Step 1: one of four faces.  Step 2 (`step=2`): three short questions, all optional,
    and a voice note."""
    faces = [(value, label, MOOD_ICONS[Mood(value)]) for value, label in Mood.choices]
    if request.method == "POST" and request.POST.get("step") == "2":
        form = CheckInForm(request.POST, request.FILES)

        def done(_result: object) -> HttpResponse:
            return redirect("portal:checkin_done")

        return form_page(
            request,
            form,
            "portal/pages/checkin_more.html",
            save=lambda data: services.checkin_submit(portal, **data),
            done=done,
            context={"portal": portal},
        )
    mood_form = MoodForm(posted(request))
    if request.method == "POST" and mood_form.is_valid():
        form = CheckInForm(initial={"mood": mood_form.cleaned_data["mood"]})
        chosen = Mood(mood_form.cleaned_data["mood"])
        return render(
            request,
            "portal/pages/checkin_more.html",
            {"portal": portal, "form": form, "chosen": chosen.label, "icon": MOOD_ICONS[chosen]},
        )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "portal/pages/checkin.html",
        {"portal": portal, "form": mood_form, "faces": faces},
        status=status,
    )


@require_GET
@portal_page(Section.CHECKIN)
def checkin_done(request: HttpRequest, portal: PortalActor) -> HttpResponse:
    return render(request, "portal/pages/checkin_done.html", {"portal": portal})


@require_http_methods(["GET", "POST"])
@portal_page(Section.CHECKIN)
def rhythm(request: HttpRequest, portal: PortalActor) -> HttpResponse:
    form = RhythmForm(posted(request), initial={"rhythm": portal.account.rhythm})
    return form_page(
        request,
        form,
        "portal/pages/rhythm.html",
        save=lambda data: services.rhythm_set(portal, rhythm=data["rhythm"]),
        done=lambda _r: redirect("portal:home"),
        context={"portal": portal},
    )


# --- Who looked at my record ------------------------------------------------------------------


@require_GET
@portal_page(Section.ACCESS)
def access(request: HttpRequest, portal: PortalActor) -> HttpResponse:
    rows = selectors.access_rows(portal)
    services.record_view(portal, page="access")
    return render(request, "portal/pages/access.html", {"portal": portal, "rows": rows})


@require_http_methods(["GET", "POST"])
@portal_page(Section.ACCESS)
def access_ask(request: HttpRequest, portal: PortalActor, event_id: int) -> HttpResponse:
    row = selectors.access_event_of(portal, event_id)
    if row is None:
        raise Http404
    form = QuestionForm(posted(request))
    return form_page(
        request,
        form,
        "portal/pages/ask.html",
        save=lambda data: services.portal_request_send(
            portal, kind=RequestKind.ACCESS_QUESTION, text=data["text"], audit_event_id=row.event_id
        ),
        done=lambda _r: redirect("portal:sent"),
        context={"portal": portal, "row": row, "kind": RequestKind.ACCESS_QUESTION},
    )


# --- My rights --------------------------------------------------------------------------------


@require_GET
@portal_page(Section.RIGHTS)
def rights(request: HttpRequest, portal: PortalActor) -> HttpResponse:
    services.record_view(portal, page="rights")
    is_person = portal.account.kind == AccountKind.PERSON
    return render(
        request,
        "portal/pages/rights.html",
        {
            "portal": portal,
            "consents": selectors.consents_of(portal, today=timezone.localdate()),
            "supporters": list(selectors.supporters_of(portal)) if is_person else [],
            "is_person": is_person,
        },
    )


ASKABLE = {
    "consent_change": RequestKind.CONSENT_CHANGE,
    "disclosure": RequestKind.DISCLOSURE,
    "other": RequestKind.OTHER,
}


@require_http_methods(["GET", "POST"])
@portal_page(Section.RIGHTS)
def rights_ask(request: HttpRequest, portal: PortalActor, kind: str) -> HttpResponse:
    request_kind = ASKABLE.get(kind)
    if request_kind is None:
        raise Http404
    consent_id = None
    if request.GET.get("consent"):
        consent_id = selectors.consent_of(portal, request.GET["consent"])
        if consent_id is None:
            raise Http404
    form = QuestionForm(posted(request))
    return form_page(
        request,
        form,
        "portal/pages/ask.html",
        save=lambda data: services.portal_request_send(
            portal, kind=request_kind, text=data["text"], consent_id=consent_id
        ),
        done=lambda _r: redirect("portal:sent"),
        context={"portal": portal, "kind": request_kind},
    )


@require_GET
@portal_page()
def sent(request: HttpRequest, portal: PortalActor) -> HttpResponse:
    return render(request, "portal/pages/sent.html", {"portal": portal})


@require_http_methods(["GET", "POST"])
@portal_page(Section.RIGHTS)
def supporter_end(request: HttpRequest, portal: PortalActor, account_id: int) -> HttpResponse:
    supporter = selectors.supporter_of(portal, account_id)
    if supporter is None:
        raise Http404
    if request.method == "POST":
        services.supporter_end(portal, supporter=supporter)
        return redirect("portal:rights")
    return render(
        request, "portal/pages/supporter_end.html", {"portal": portal, "supporter": supporter}
    )


@require_http_methods(["GET", "POST"])
@portal_page()
def end(request: HttpRequest, portal: PortalActor) -> HttpResponse:
    """The person (or supporter) ends their own access to the portal."""
    if request.method == "POST":
        services.portal_end_own(portal)
        response = render(request, "portal/pages/ended.html", {})
        response.delete_cookie(cookie_name(), path=PORTAL_PREFIX)
        request.portal_cookie_set = True  # type: ignore[attr-defined]
        return response
    return render(request, "portal/pages/end.html", {"portal": portal})


# --- Passkeys (WebAuthn): one tap instead of the portal id and passphrase ---------------------
# The browser's side is core/js/passkeys.js; failures are a 400 with a plain Japanese message.

PASSKEY_COOKIE = "tsunagu_portal_passkey"
PORTAL_REGISTER = "portal.register"
PORTAL_SIGNIN = "portal.signin"


@require_GET
@portal_page()
def passkey_list(request: HttpRequest, portal: PortalActor) -> HttpResponse:
    services.record_view(portal, page="passkeys")
    return render(
        request,
        "portal/pages/passkeys.html",
        {
            "portal": portal,
            "passkeys": services.passkeys_of(portal),
            "passkeys_available": passkeys.available(request),
        },
    )


@portal_page()
@require_POST
def passkey_register_options(request: HttpRequest, portal: PortalActor) -> HttpResponse:
    account = portal.account
    try:
        options, nonce = passkeys.registration_begin(
            request,
            purpose=PORTAL_REGISTER,
            subject=str(account.pk),
            handle=passkeys.user_handle("portal", account.pk),
            user_name=account.portal_id,
            display_name=account.display_name,
            existing=[p.credential_id for p in services.passkeys_of(portal)],
            cookie=PASSKEY_COOKIE,
        )
    except passkeys.PasskeyError as exc:
        return passkeys.refused(exc.message)
    return passkeys.options_response(options, nonce, cookie=PASSKEY_COOKIE, path=PORTAL_PREFIX)


@portal_page()
@require_POST
def passkey_register(request: HttpRequest, portal: PortalActor) -> HttpResponse:
    try:
        verified = passkeys.registration_finish(
            request, purpose=PORTAL_REGISTER, subject=str(portal.account.pk), cookie=PASSKEY_COOKIE
        )
        services.passkey_add(
            portal, verified=verified, label=passkeys.posted_name(request, limit=40)
        )
    except passkeys.PasskeyError as exc:
        services.passkey_failed(portal.origin, reason="register", who=portal.username)
        return passkeys.refused(exc.message)
    except Invalid as exc:
        return passkeys.refused(exc.message)
    response = JsonResponse({"redirect": reverse("portal:passkeys") + "?added=1"})
    response.delete_cookie(PASSKEY_COOKIE, path=PORTAL_PREFIX)
    return response


@require_http_methods(["GET", "POST"])
@portal_page()
def passkey_remove(request: HttpRequest, portal: PortalActor, passkey_id: int) -> HttpResponse:
    passkey = services.passkey_of(portal, passkey_id)
    if passkey is None:
        raise Http404
    if request.method == "POST":
        services.passkey_remove(portal, passkey=passkey)
        return redirect("portal:passkeys")
    return render(
        request, "portal/pages/passkey_remove.html", {"portal": portal, "passkey": passkey}
    )


@require_POST
def passkey_signin_options(request: HttpRequest) -> HttpResponse:
    origin = Origin.of(request)
    try:
        services.passkey_wait(origin)
        options, nonce = passkeys.authentication_begin(
            request, purpose=PORTAL_SIGNIN, cookie=PASSKEY_COOKIE
        )
    except services.Throttled as exc:
        return passkeys.refused(exc.message, status=429)
    except passkeys.PasskeyError as exc:
        return passkeys.refused(exc.message)
    return passkeys.options_response(options, nonce, cookie=PASSKEY_COOKIE, path=PORTAL_PREFIX)


@require_POST
def passkey_signin(request: HttpRequest) -> HttpResponse:
    origin = Origin.of(request)
    try:
        services.passkey_wait(origin)
        assertion = passkeys.authentication_read(
            request, purpose=PORTAL_SIGNIN, cookie=PASSKEY_COOKIE
        )
        _account, token = services.passkey_sign_in(assertion, origin=origin)
    except services.Throttled as exc:
        return passkeys.refused(exc.message, status=429)
    except passkeys.PasskeyError as exc:
        if exc.reason == "invalid":
            services.passkey_failed(origin, reason="answer")
        return passkeys.refused(exc.message)
    response = JsonResponse({"redirect": reverse("portal:home")})
    response.delete_cookie(PASSKEY_COOKIE, path=PORTAL_PREFIX)
    return _signed_in(response, token, request)
