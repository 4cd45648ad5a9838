"""Django settings for edmonitor, read from environment variables.

Defaults give a working development set-up on SQLite; ``DATABASE_URL`` switches
to PostgreSQL. With ``EDMONITOR_PRODUCTION=1`` the required values must be set or
the application refuses to start, and the security settings are those of an HTTPS
site (README, "Running in production", lists every variable).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


PRODUCTION = envbool("EDMONITOR_PRODUCTION", False)


def required(name: str, dev_default: str) -> str:
    value = os.environ.get(name, "")
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set in production")
    return dev_default


SECRET_KEY = required("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
DEBUG = envbool("DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG cannot be on in production: it shows settings and data on error pages")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
if PRODUCTION and not os.environ.get("ALLOWED_HOSTS"):
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production (the site's host name)")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "edmonitor.core",
    "edmonitor.organisations",
    "edmonitor.measurements",
    "edmonitor.audits",
    "edmonitor.programmes",
    "edmonitor.reports",
    "edmonitor.knowledge",
    "edmonitor.improvement",
    "edmonitor.transfer",
    "edmonitor.development",
    "edmonitor.accounts",
    "edmonitor.home",
    "edmonitor.api",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "edmonitor.core.middleware.DutchByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # whether this session passed the second step
    "edmonitor.organisations.access_log.AccessLogMiddleware",  # NEN 7513: wraps every page below it
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "edmonitor.accounts.second_factor.SecondFactorMiddleware",  # the second step before any page
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires: turns a lockout into its page
]

ROOT_URLCONF = "edmonitor.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "edmonitor.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        required("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Kept open per thread between requests: opening one cost 1.9 ms on SQLite (the PRAGMAs and Django's
        # functions) and 3 ms on PostgreSQL, a tenth of a page (bench/README.md, fix 24). Checked before reuse.
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
if SQLITE:
    # SQLite lets one writer at a time change the file. A transaction that starts by reading
    # (DEFERRED, the default) and then wants to write fails at once with "database is locked"
    # when another one is writing, whatever the timeout. IMMEDIATE takes the write lock at
    # BEGIN, so writers queue up instead, each waiting up to `timeout` seconds. A save holds
    # the lock for a few milliseconds (the notes: 4-6 ms), so 20 simultaneous writers pass in
    # well under a second (audits/tests/test_concurrent_writers.py); 20 s also lets saves wait
    # out a CSV import or a backup, which hold the lock for seconds. It stays below gunicorn's
    # default 30 s worker timeout, so a request that cannot get the lock ends in an error page
    # rather than a killed worker. WAL lets pages be read while someone writes (it
    # is stored in the file: the PRAGMA costs nothing after the first time); synchronous=NORMAL
    # is safe with WAL (a power cut can lose the last commits, never corrupt the file).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        **DATABASES["default"].get("OPTIONS", {}),
    }
    if PRODUCTION and not envbool("EDMONITOR_SMALL_SINGLE_SERVER", False):
        raise ImproperlyConfigured(
            "DATABASE_URL points to SQLite, which lets only one writer at a time: use PostgreSQL in "
            "production, or set EDMONITOR_SMALL_SINGLE_SERVER=1 for a small installation on one server "
            "(README, 'Running in production')"
        )

# --- cache -----------------------------------------------------------------------------------
# Figures that take long to compute (benchmarks, programme reports, agreement; edmonitor.core.figures)
# and the counts of rate limits (edmonitor.core.throttle) live in Django's cache. With REDIS_URL
# (e.g. redis://127.0.0.1:6379/0) every application server shares one Redis: a figure computed on one
# is reused by the others, a write on one invalidates it for all, and a rate limit counts across all.
# Without it each process keeps its own cache in memory: right for one server (make demo, tests).
# Sessions and login lockouts are in the database, so they are shared either way.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("EDMONITOR_CACHE_PREFIX", "edmonitor"),
            "TIMEOUT": 24 * 60 * 60,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "edmonitor",
            "TIMEOUT": 24 * 60 * 60,
            # per organisation a version and its benchmark values (edmonitor.core.figures): 1,000 organisations
            # need a few thousand small entries
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
# Rendered HTML that depends on the code only (templates, definitions, language), e.g. the items of an
# empty measurement form: kept per process, so a new release (a restart) never shows an old fragment.
CACHES["fragments"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments"}
if PRODUCTION and not REDIS_URL and not envbool("EDMONITOR_SMALL_SINGLE_SERVER", False):
    raise ImproperlyConfigured(
        "REDIS_URL is not set: with more than one application process, each would keep its own cache and rate "
        "limits. Set REDIS_URL, or EDMONITOR_SMALL_SINGLE_SERVER=1 for a small installation on one server "
        "(README, 'Running in production')"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out logins before any password check
    "django.contrib.auth.backends.ModelBackend",
]

PASSWORD_HASHERS = [
    "edmonitor.core.hashers.Argon2idHasher",  # OWASP's Argon2id parameters: 19 MiB, 2 iterations, 1 lane
    "django.contrib.auth.hashers.Argon2PasswordHasher",  # hashes made before, replaced at the next login
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "edmonitor" / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))

# --- sessions, cookies and HTTPS ------------------------------------------------------------

SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 60 * 60)  # a working day, then log in again
SESSION_EXPIRE_AT_BROWSER_CLOSE = envbool("SESSION_EXPIRE_AT_BROWSER_CLOSE", False)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"  # URLs name organisations and audits: never send them elsewhere
X_FRAME_OPTIONS = "DENY"

# Trust X-Forwarded-Proto only when a reverse proxy sets it (and drops what the client sent);
# otherwise anyone could claim their plain-HTTP request was HTTPS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("SECURE_PROXY_SSL_HEADER", False) else None
# How many reverse proxies append to X-Forwarded-For; 0 = use the connection's address. The
# login throttling counts failures per client address (edmonitor.core.lockout.client_ip).
EDMONITOR_PROXY_COUNT = envint("EDMONITOR_PROXY_COUNT", 0)

# Two-step verification (edmonitor/accounts/second_factor.py): the name the authenticator app
# shows beside the code.
OTP_TOTP_ISSUER = os.environ.get("EDMONITOR_OPERATOR", "") or "edmonitor"

# Single sign-on with OpenID Connect (edmonitor/accounts/sso.py, README "Single sign-on"): on
# when EDMONITOR_OIDC_CLIENT_ID is set. For Microsoft Entra ID give the tenant (its id or
# domain); for another provider its four endpoints.
OIDC_RP_CLIENT_ID = os.environ.get("EDMONITOR_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("EDMONITOR_OIDC_CLIENT_SECRET", "")
EDMONITOR_SSO = bool(OIDC_RP_CLIENT_ID)
EDMONITOR_SSO_NAME = os.environ.get("EDMONITOR_SSO_NAME", "")  # the button says "Log in with <name>"
_entra_tenant = os.environ.get("EDMONITOR_OIDC_ENTRA_TENANT", "")
if _entra_tenant:
    _entra = f"https://login.microsoftonline.com/{_entra_tenant}"
    OIDC_OP_AUTHORIZATION_ENDPOINT = f"{_entra}/oauth2/v2.0/authorize"
    OIDC_OP_TOKEN_ENDPOINT = f"{_entra}/oauth2/v2.0/token"
    OIDC_OP_USER_ENDPOINT = "https://graph.microsoft.com/oidc/userinfo"
    OIDC_OP_JWKS_ENDPOINT = f"{_entra}/discovery/v2.0/keys"
else:
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("EDMONITOR_OIDC_AUTHORIZATION_ENDPOINT", "")
    OIDC_OP_TOKEN_ENDPOINT = os.environ.get("EDMONITOR_OIDC_TOKEN_ENDPOINT", "")
    OIDC_OP_USER_ENDPOINT = os.environ.get("EDMONITOR_OIDC_USERINFO_ENDPOINT", "")
    OIDC_OP_JWKS_ENDPOINT = os.environ.get("EDMONITOR_OIDC_JWKS_ENDPOINT", "")
if EDMONITOR_SSO:
    _missing = [
        name
        for name, value in (
            ("EDMONITOR_OIDC_CLIENT_SECRET", OIDC_RP_CLIENT_SECRET),
            ("EDMONITOR_OIDC_AUTHORIZATION_ENDPOINT", OIDC_OP_AUTHORIZATION_ENDPOINT),
            ("EDMONITOR_OIDC_TOKEN_ENDPOINT", OIDC_OP_TOKEN_ENDPOINT),
            ("EDMONITOR_OIDC_USERINFO_ENDPOINT", OIDC_OP_USER_ENDPOINT),
            ("EDMONITOR_OIDC_JWKS_ENDPOINT", OIDC_OP_JWKS_ENDPOINT),
        )
        if not value
    ]
    if _missing:
        raise ImproperlyConfigured(
            "Single sign-on needs " + ", ".join(_missing) + " (or EDMONITOR_OIDC_ENTRA_TENANT for Entra ID)"
        )
    AUTHENTICATION_BACKENDS.append("edmonitor.accounts.sso.SingleSignOnBackend")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_TIMEOUT = 15
OIDC_CREATE_USER = True  # only for a verified address at a linked domain: SingleSignOnBackend.create_user
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"
LOGIN_REDIRECT_URL_FAILURE = "/login/?sso=mislukt"

# The address people reach this installation at, for links in mails that a command sends (the
# `invite` command); a page's own mails use the address the request came in on.
EDMONITOR_BASE_URL = os.environ.get("EDMONITOR_BASE_URL", "http://localhost:8000")
if not EDMONITOR_BASE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("EDMONITOR_BASE_URL must start with http:// or https://")

# The privacy page and the accessibility statement (/privacy/, /toegankelijkheid/) are filled in
# from these: who runs this installation, whom to ask, where the data are, and how far the
# installation meets WCAG 2.1 AA. README, "For the IT department".
EDMONITOR_OPERATOR = os.environ.get("EDMONITOR_OPERATOR", "")
EDMONITOR_CONTACT_EMAIL = os.environ.get("EDMONITOR_CONTACT_EMAIL", "")
EDMONITOR_PRIVACY_CONTACT = os.environ.get("EDMONITOR_PRIVACY_CONTACT", "") or EDMONITOR_CONTACT_EMAIL
EDMONITOR_DATA_LOCATION = os.environ.get("EDMONITOR_DATA_LOCATION", "")
ACCESSIBILITY_STATUSES = ("full", "partial", "first_steps")
EDMONITOR_ACCESSIBILITY_STATUS = os.environ.get("EDMONITOR_ACCESSIBILITY_STATUS", "partial")
if EDMONITOR_ACCESSIBILITY_STATUS not in ACCESSIBILITY_STATUSES:
    raise ImproperlyConfigured(f"EDMONITOR_ACCESSIBILITY_STATUS must be one of {', '.join(ACCESSIBILITY_STATUSES)}")
EDMONITOR_STATEMENTS_DATE = os.environ.get("EDMONITOR_STATEMENTS_DATE", "")  # YYYY-MM-DD: when they were checked

# E-mail, for invitations and password resets (issue 17). With EMAIL_HOST set, mail goes out
# through that SMTP server; without it (development, `make demo`) it is printed to the console.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)  # STARTTLS on the submission port 587
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)  # TLS from the first byte (port 465)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both (EMAIL_USE_SSL=1 needs EMAIL_USE_TLS=0)")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 20)  # seconds: a slow mail server must not hold a page for ever
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "edmonitor <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)

# The access log (NEN 7513, edmonitor.organisations.access_log) keeps every entry this many
# days; `python manage.py purge_access_log` (run it daily) removes older ones. Five years by
# default; the organisation's security officer decides (README, "For the IT department").
EDMONITOR_ACCESS_LOG_RETENTION_DAYS = envint("EDMONITOR_ACCESS_LOG_RETENTION_DAYS", 5 * 365)
if EDMONITOR_ACCESS_LOG_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("EDMONITOR_ACCESS_LOG_RETENTION_DAYS must be at least 1")

# Calibration of MIE auditors (issue 20 part 5, edmonitor.audits.calibration): an auditor is
# calibrated when, on the last reference case they submitted, at least "themes_within_one" themes
# lie within one point of the reference score, and they submitted it at most "valid_years" years
# ago. Both whole numbers of at least 1; calibration.calibration_rule() refuses anything else.
EDMONITOR_CALIBRATION = {"themes_within_one": 4, "valid_years": 2}

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading is a promise to browser vendors about the whole domain that is hard to take
    # back; the domain's owner decides (SECURE_HSTS_PRELOAD=1). Without it Django's deployment
    # check warns (security.W021), which is then a decision, not an oversight.
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# --- content security policy (django-csp) ---------------------------------------------------
# Scripts and styles only from our own static files: nothing inline (enforced by
# core/tests/test_content_security_policy.py). Charts are SVG images in data: URIs.

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- the API (Django REST framework; edmonitor/api) --------------------------------------------
# Personal access tokens only (no session: a browser page can never call it), JSON only (no
# browsable HTML), pages on every list; requests per token per minute in the shared cache.

EDMONITOR_API_RATE_LIMIT = envint("EDMONITOR_API_RATE_LIMIT", 120)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["edmonitor.api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["edmonitor.api.permissions.TokenScopePermission"],
    "DEFAULT_THROTTLE_CLASSES": ["edmonitor.api.throttling.PerTokenThrottle"],
    "DEFAULT_PAGINATION_CLASS": "edmonitor.api.pagination.Pages",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "edmonitor API",
    "DESCRIPTION": (
        "Read figures and add measurements from your own programs. Every request carries a personal "
        "access token (header Authorization: Bearer edm_…), made on your account page; a token can do exactly "
        "what its person may do in the browser."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],  # the views below decide who may read it
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- login throttling (django-axes) ---------------------------------------------------------
# 5 failed logins for one user name from one client address lock that pair; 20 failed logins
# from one address, for any user names, lock that address; each until 15 minutes after the
# last attempt. A user name is never locked as such, so nobody can lock another person out
# from elsewhere. A successful login clears that pair's failures (edmonitor.core.lockout).

AXES_FAILURE_LIMIT = 5  # per (user name, address)
EDMONITOR_ADDRESS_FAILURE_LIMIT = 20  # per address, all user names together
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "edmonitor.core.lockout.PairAndAddressHandler"
AXES_LOCKOUT_CALLABLE = "edmonitor.core.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "edmonitor.core.lockout.client_ip"
AXES_VERBOSE = False

# --- uploads and imports --------------------------------------------------------------------
# Form posts are text; 2 MB is far above the largest audit report. Files larger than the
# in-memory size are streamed to a temporary file by Django; check_upload
# (edmonitor/core/uploads.py) refuses anything above EDMONITOR_MAX_IMPORT_BYTES. The reverse
# proxy should also cap the request body (README). 1 MB, not 5: the largest valid CSV of 1 MB
# (28,000 measurements) imports in 4-8 s through gunicorn on the 2-core machine, 2 MB in 8-14 s,
# and 5 MB ran past the 30 s worker timeout on PostgreSQL (bench/README.md, "Web import"); the
# largest organisation export of the national benchmark is 0.75 MB. The commands take --max-bytes.

DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 10
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
EDMONITOR_MAX_IMPORT_BYTES = envint("EDMONITOR_MAX_IMPORT_BYTES", 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- background tasks (django-tasks; edmonitor/core/background.py) ---------------------------
# Work that can take longer than a page should (today: the confirm step of an import) is queued
# in the database and run by a separate worker process, `python manage.py db_worker`, with the
# same settings and database as the site (README, "Running in production", "Background tasks";
# `make demo` starts one beside runserver). django-tasks is the backport of Django 6's tasks
# framework; django-tasks-db its database backend (a queue table, no other service to run).
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# --- benchmark: anonymous peers ---------------------------------------------------------------
# The benchmark shows nothing of fewer peers than this; the rule and its reasons are in
# edmonitor/instruments/peers.py. A lower value would let a reader work out peers' scores, so
# the application refuses to start with one.
from edmonitor.instruments.peers import MIN_PEERS_FLOOR  # noqa: E402 - pure module, no Django

EDMONITOR_BENCHMARK_MIN_PEERS = envint("EDMONITOR_BENCHMARK_MIN_PEERS", MIN_PEERS_FLOOR)
if EDMONITOR_BENCHMARK_MIN_PEERS < MIN_PEERS_FLOOR:
    raise ImproperlyConfigured(
        f"EDMONITOR_BENCHMARK_MIN_PEERS must be at least {MIN_PEERS_FLOOR} (got {EDMONITOR_BENCHMARK_MIN_PEERS}): "
        "with fewer peers the benchmark would give their scores away"
    )
