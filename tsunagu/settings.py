"""One settings module, driven by environment variables (see README, "Production").

Three modes matter:
- demo (TSUNAGU_DEMO=1): `make run`; SQLite under var/, demo accounts allowed, 2FA optional.
- tests: pytest sets DJANGO_SETTINGS_MODULE to this module; DATABASE_URL picks the database.
- production: DJANGO_DEBUG unset, DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS required.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from tsunagu.core.crypto import derived_key, parse_keys

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEMO_MODE = env_bool("TSUNAGU_DEMO")
# DEBUG shows tracebacks, settings and the URL list to whoever hits an error; the demo is often
# served to a room (HOST=0.0.0.0), so it never runs with DEBUG (static files: WhiteNoise below).
DEBUG = env_bool("DJANGO_DEBUG")
if DEBUG and DEMO_MODE:
    raise ImproperlyConfigured("DJANGO_DEBUG must not be set together with TSUNAGU_DEMO.")
TESTING = "PYTEST_VERSION" in os.environ

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or DEMO_MODE or TESTING:
        SECRET_KEY = "insecure-demo-key-never-use-in-production-0123456789abcdefghijklmnop"
    else:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set outside demo mode.")

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if (DEBUG or DEMO_MODE or TESTING) else ""
)

# HTTPS: on by default in production; `make run` and tests serve plain HTTP on loopback.
HTTPS = env_bool("TSUNAGU_HTTPS", default=not (DEBUG or DEMO_MODE or TESTING))

# Two-factor sign-in is required for administrators always, and for everyone unless turned off.
REQUIRE_2FA_FOR_ALL = env_bool("TSUNAGU_REQUIRE_2FA", default=not DEMO_MODE)

INSTALLED_APPS = [
    "tsunagu.audit.admin_apps.TsunaguAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "ninja",
    "django_filters",
    "django_tables2",
    "django_tasks",
    "django_tasks_db",
    "tsunagu.core",
    "tsunagu.audit",
    "tsunagu.accounts",
    "tsunagu.organizations",
    "tsunagu.notifications",
    "tsunagu.people",
    "tsunagu.cases",
    "tsunagu.records",
    "tsunagu.directory",
    "tsunagu.plans",
    "tsunagu.referrals",
    "tsunagu.meetings",
    "tsunagu.trainings",
    "tsunagu.curricula",
    "tsunagu.expertise",
    "tsunagu.trials",
    "tsunagu.moments",
    "tsunagu.supervision",
    "tsunagu.abuse",
    "tsunagu.rights",
    "tsunagu.plainplans",
    "tsunagu.portal",
    "tsunagu.hearings",
    "tsunagu.trainingplans",
    "tsunagu.grouphomes",
    "tsunagu.selfevaluations",
    "tsunagu.disaster",
    "tsunagu.community",
    "tsunagu.lifehub",
    "tsunagu.search",
    "tsunagu.disclosure",
    "tsunagu.agenda",
    "tsunagu.dashboard",
    "tsunagu.reports",
    "tsunagu.surveys",
]
# The demo city and the benchmark data (`seed_demo`, `seed_scale`) stand above every domain app
# and are installed only where they may run: in demo mode and under pytest.
if DEMO_MODE or TESTING:
    INSTALLED_APPS.append("tsunagu.demo")

MIDDLEWARE = [
    "tsunagu.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The person's portal (/my/, ADR 0024): drops the staff identity there, and answers 404
    # anywhere else to a request carrying a portal cookie.  Before anything that reads the user.
    "tsunagu.portal.middleware.PortalMiddleware",
    # Before SessionLifetime, which tells the user why their session ended.
    "django.contrib.messages.middleware.MessageMiddleware",
    "tsunagu.accounts.middleware.OTPMiddleware",  # django-otp's, with the device rechecked
    "tsunagu.accounts.middleware.SessionLifetimeMiddleware",
    "tsunagu.accounts.middleware.LoginRequiredMiddleware",
    "tsunagu.accounts.middleware.TwoFactorRequiredMiddleware",
    "tsunagu.organizations.middleware.ActingOrganizationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "tsunagu.core.middleware.NoStoreMiddleware",
    "tsunagu.core.middleware.ApiMethodNotAllowedMiddleware",
    # NUL, lone surrogates, ids past bigint: refused before any view stores or looks them up
    # (late, so that its 400 still gets the security headers of the middleware above).
    "tsunagu.core.middleware.BadInputMiddleware",
]

ROOT_URLCONF = "tsunagu.urls"
WSGI_APPLICATION = "tsunagu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tsunagu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "tsunagu.accounts.context_processors.shell",
                "tsunagu.notifications.context_processors.bell",
                "tsunagu.dashboard.context_processors.main_menu",
            ],
            "builtins": ["tsunagu.core.templatetags.japanese_dates"],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
(BASE_DIR / "var" / "static").mkdir(parents=True, exist_ok=True)
# Each worker thread keeps its connection for DATABASE_CONN_MAX_AGE seconds, on SQLite as on
# PostgreSQL: opening one per request (with the PRAGMAs below) was about a third of the CPU of a
# minimal signed-in request (issue 15).  A connection never crosses a fork: gunicorn.conf.py
# closes whatever the master opened before it starts the workers, and Django closes a
# development-server thread's connections when the thread ends.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'tsunagu.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer commits; IMMEDIATE avoids lock upgrades.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # django_tables2 imports django.contrib.postgres's fields, and psycopg with them (11 MB a
    # worker), only to offer a column for PostgreSQL's HStore, which it skips when the import
    # fails; on SQLite nothing else needs them, so they are not loaded (ADR 0007).
    sys.modules.setdefault("django.contrib.postgres.fields", None)  # type: ignore[arg-type]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and sign-in ---------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "tsunagu.accounts.hashers.Argon2idHasher",  # argon2id, OWASP parameters (ADR 0007)
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Length and "not what a guesser tries first"; no composition or rotation rules (issue 13).
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 13},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "tsunagu.accounts.passwords.RepetitionValidator"},
    {"NAME": "tsunagu.accounts.passwords.SequenceValidator"},
    {"NAME": "tsunagu.accounts.passwords.PersonalInfoValidator"},
    {"NAME": "tsunagu.accounts.passwords.BreachedPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle timeout: the cookie age is renewed on every request, the stored expiry at most once a
# minute (SESSION_REFRESH_SECONDS, accounts/sessions.py).  Absolute limit: see middleware.
SESSION_ENGINE = "tsunagu.accounts.sessions"
SESSION_COOKIE_AGE = int(os.environ.get("TSUNAGU_IDLE_TIMEOUT_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_REFRESH_SECONDS = 60
# The memberships a session acts through and whether its second factor still holds are read
# again at most this often (accounts/recheck.py); 0 reads them on every request.  Ending a
# user's sessions, disabling them or resetting their 2FA still takes effect at the next request.
ACCESS_RECHECK_SECONDS = int(os.environ.get("TSUNAGU_ACCESS_RECHECK_SECONDS", "60"))

# The やさしい日本語 checker of the plan in plain words (docs/adr/0020-plain-japanese.md): a
# sentence longer than this many characters is flagged.
PLAIN_JAPANESE_SENTENCE_LIMIT = int(os.environ.get("TSUNAGU_PLAIN_SENTENCE_LIMIT", "30"))
SESSION_ABSOLUTE_LIFETIME = timedelta(hours=12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# The person's portal has its own cookie, sent only under /my/ (ADR 0024).
PORTAL_COOKIE_NAME = "tsunagu_portal"
if HTTPS:
    PORTAL_COOKIE_NAME = "__Secure-tsunagu_portal"
    SESSION_COOKIE_NAME = "__Host-tsunagu_session"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("TSUNAGU_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("TSUNAGU_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("TSUNAGU_HSTS_PRELOAD")
if env_bool("TSUNAGU_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Sign-in throttling (accounts/throttle.py), the same for the form and the token endpoint: no
# lockout a stranger can set, but growing delays.  After TSUNAGU_LOCKOUT_FAILURES wrong passwords
# for one username (or TSUNAGU_SIGNIN_ADDRESS_FAILURES from one address), each further attempt
# waits 2^(n - free) seconds, at most TSUNAGU_LOCKOUT_MINUTES.  A browser or address that signed
# in with the right password before is not slowed down by failures counted elsewhere.
SIGNIN_FREE_FAILURES = int(os.environ.get("TSUNAGU_LOCKOUT_FAILURES", "5"))
SIGNIN_ADDRESS_FREE_FAILURES = int(os.environ.get("TSUNAGU_SIGNIN_ADDRESS_FAILURES", "20"))
SIGNIN_MAX_DELAY = timedelta(minutes=int(os.environ.get("TSUNAGU_LOCKOUT_MINUTES", "15")))
SIGNIN_FORGET_AFTER = timedelta(hours=24)

OTP_TOTP_ISSUER = "Tsunagu"
RECOVERY_CODE_COUNT = 10

# --- Security headers -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("日本語")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or DEMO_MODE or TESTING)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# `make run` (demo, DEBUG off) serves static files straight from the apps through WhiteNoise.
WHITENOISE_USE_FINDERS = DEBUG or DEMO_MODE or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or DEMO_MODE

# --- Background work (django-tasks, README "Background work") ------------------------------
# The tasks wait in the database (django-tasks-db: no extra server) until `manage.py db_worker`,
# which `make run` starts beside gunicorn, runs them: the annual report's documents and the
# periodic jobs (tsunagu/reports/periodic.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# How often the worker looks for periodic jobs that are due (seconds).
PERIODIC_TICK_SECONDS = int(os.environ.get("TSUNAGU_PERIODIC_TICK_SECONDS", "60"))

# --- API --------------------------------------------------------------------------------------
API_TOKEN_LIFETIME = timedelta(hours=int(os.environ.get("TSUNAGU_API_TOKEN_HOURS", "12")))
NINJA_PAGINATION_PER_PAGE = 50

# --- Logging ----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "tsunagu.core.middleware.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("TSUNAGU_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # A line per layout step of every PDF the worker builds.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

ADMINS = [("Tsunagu admin", a) for a in env_list("TSUNAGU_ADMIN_EMAILS")]
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "tsunagu@localhost")
# The address staff reach Tsunagu at, for links in mail sent outside a request (the referral
# escalation command) and instead of the request's own host behind a proxy.  Empty: a mail
# sent by a command carries the path only.
SITE_URL = os.environ.get("TSUNAGU_SITE_URL", "").rstrip("/")
if SITE_URL and not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("TSUNAGU_SITE_URL must start with https:// (or http://).")

# Passkeys (WebAuthn, ADR 0024): a passkey is made for one relying party id (the site's host
# name) and every answer names the page's origin, checked against PASSKEY_ORIGINS.  Both
# default to TSUNAGU_SITE_URL's; with neither, passkeys work only on loopback, for the request's
# own host (open the demo at http://localhost:PORT: browsers refuse an IP address as RP id).
PASSKEY_RP_ID = os.environ.get("TSUNAGU_PASSKEY_RP_ID", "") or (
    SITE_URL.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[0] if SITE_URL else ""
)
PASSKEY_ORIGINS = env_list("TSUNAGU_PASSKEY_ORIGINS", SITE_URL)
PASSKEY_RP_NAME = os.environ.get("TSUNAGU_PASSKEY_RP_NAME", "つなぐ")

CSRF_FAILURE_VIEW = "tsunagu.core.views.csrf_failure"

# HSTS preloading binds every subdomain of the city's domain and is hard to undo, so it is an
# explicit choice (TSUNAGU_HSTS_PRELOAD) rather than a `check --deploy` warning.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Attachments live outside the web root and are served only through the access check.
PRIVATE_MEDIA_ROOT = Path(
    os.environ.get("TSUNAGU_PRIVATE_MEDIA_ROOT", BASE_DIR / "var" / "private")
)
ATTACHMENT_MAX_BYTES = int(os.environ.get("TSUNAGU_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
ATTACHMENT_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/gif", "image/webp"}
# A voice note the person sends with a どう？ from the portal (audio only, judged from the bytes).
VOICE_NOTE_MAX_BYTES = int(os.environ.get("TSUNAGU_VOICE_NOTE_MAX_BYTES", str(8 * 1024 * 1024)))
# Attachments are encrypted at rest (AES-GCM) with TSUNAGU_FILE_KEY, and backups with
# TSUNAGU_BACKUP_KEY: base64 of 32 random bytes each, several separated by commas for rotation
# (the first encrypts, all decrypt).  Keys come from the environment only, never from a file
# beside the data.  Demo and test runs alone fall back to keys derived from the secret key.
try:
    FILE_KEYS = parse_keys(os.environ.get("TSUNAGU_FILE_KEY", ""), variable="TSUNAGU_FILE_KEY")
    BACKUP_KEYS = parse_keys(
        os.environ.get("TSUNAGU_BACKUP_KEY", ""), variable="TSUNAGU_BACKUP_KEY"
    )
except ValueError as exc:
    raise ImproperlyConfigured(str(exc)) from None
if not FILE_KEYS:
    if DEMO_MODE or TESTING:
        FILE_KEYS = (derived_key(SECRET_KEY, "attachments"),)
    else:
        raise ImproperlyConfigured(
            "TSUNAGU_FILE_KEY must be set outside demo mode (base64 of 32 random bytes; "
            "attachments are encrypted with it)."
        )
if not BACKUP_KEYS and (DEMO_MODE or TESTING):
    BACKUP_KEYS = (derived_key(SECRET_KEY, "backups"),)
# An upload up to the attachment limit stays in memory until it is sealed: Django would write
# anything over 2.5 MB to a plaintext temporary file first.
FILE_UPLOAD_MAX_MEMORY_SIZE = ATTACHMENT_MAX_BYTES
BREAK_GLASS_HOURS = int(os.environ.get("TSUNAGU_BREAK_GLASS_HOURS", "24"))
# Break-glass attempts (hits and misses) one user may make in a day (Asia/Tokyo); the next one
# is refused with an audited denial.
BREAK_GLASS_PER_DAY = int(os.environ.get("TSUNAGU_BREAK_GLASS_PER_DAY", "3"))
# Reveals of a protected person's hidden address and phone (ADR 0023) one named worker may make
# in an hour, on screens and in the API together; the next one is refused with an audited denial.
CONTACT_REVEALS_PER_HOUR = int(os.environ.get("TSUNAGU_CONTACT_REVEALS_PER_HOUR", "10"))
# How long an emergency basis for sharing (個人情報保護法27条1項2号) holds before it must be
# converted to consent or a support meeting; on the day after its end date the access ends.
EMERGENCY_BASIS_DAYS = int(os.environ.get("TSUNAGU_EMERGENCY_BASIS_DAYS", "14"))
# A referral not marked received within this many business days is escalated (referrals).
REFERRAL_ACK_BUSINESS_DAYS = int(os.environ.get("TSUNAGU_REFERRAL_ACK_BUSINESS_DAYS", "3"))
# Late entry (後日入力): a record whose own date lies more than this many days before the day it
# is entered is audited as a late entry (core/late_entry.py).
LATE_ENTRY_DAYS = int(os.environ.get("TSUNAGU_LATE_ENTRY_DAYS", "7"))
# The fact-finding of an abuse report (障害者虐待防止法第9条) is due this many hours after receipt
# (abuse/services.py); a report still without it afterwards is on the city's overdue list.
TSUNAGU_ABUSE_FACT_FINDING_HOURS = int(os.environ.get("TSUNAGU_ABUSE_FACT_FINDING_HOURS", "48"))
