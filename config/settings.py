"""Settings for Rights Desk, read from environment variables (see .env.example and the README).

Defaults suit a laptop: SQLite in the project folder, Celery eager, console email. Production
differs only by environment: DATABASE_URL (PostgreSQL), CELERY_BROKER_URL (Redis), SECRET_KEY.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(a long random string), or set DEBUG=1 for local development only."
        )
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "django_celery_beat",
    "casework",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",
    "csp",
    "mozilla_django_oidc",
    "accounts",
    "disclosure",
    "requests_app",
    "reviews",
    "core",
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.security_headers.SecurityHeadersMiddleware",  # after WhiteNoise: static files stay cacheable
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.organisation",
                "requests_app.context_processors.notices",
                "requests_app.context_processors.target_calendar",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # `make run`'s worker writes beside the server: wait, not fail
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("timeout", 20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out account or address before any check
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"

# Optional sign-in through the council's own identity provider (OpenID Connect, e.g. Microsoft Entra ID):
# off unless OIDC_RP_CLIENT_ID is set. People are matched to existing staff accounts by email, never created.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="your organisation's account")
OIDC_PROVIDER_MFA_COUNTS = env.bool("OIDC_PROVIDER_MFA_COUNTS", default=False)
OIDC_CREATE_USER = False
OIDC_USE_PKCE = True
OIDC_AUTHENTICATE_CLASS = "accounts.oidc.StaffOIDCAuthenticationRequestView"
OIDC_CALLBACK_CLASS = "accounts.oidc.StaffOIDCCallbackView"
LOGIN_REDIRECT_URL_FAILURE = "/account/oidc/refused/"
if OIDC_ENABLED:
    missing = [
        name
        for name in (
            "OIDC_RP_CLIENT_SECRET",
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
        )
        if not globals()[name]
    ]
    if missing or not (OIDC_OP_JWKS_ENDPOINT or OIDC_RP_SIGN_ALGO.startswith("HS")):
        raise ImproperlyConfigured(
            "OIDC_RP_CLIENT_ID is set, so OpenID Connect sign-in is on, but these are not: "
            + ", ".join(missing or ["OIDC_OP_JWKS_ENDPOINT"])
        )
    AUTHENTICATION_BACKENDS.append("accounts.oidc.StaffOIDCBackend")
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static", BASE_DIR / "build" / "frontend"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
# Scans, generated letters and packs hold personal data: never under STATIC or a public URL.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "files")))
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
# Our policy for "reasonable intervals" between repeat requests (UK GDPR Recital 63); the law names no number.
REPEAT_REQUEST_INTERVAL_DAYS = env.int("REPEAT_REQUEST_INTERVAL_DAYS", default=183)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600

# Security: strict unless DEBUG; each can be set by environment (behind a TLS-terminating proxy).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"

# Celery: eager (in-process) unless a broker is configured.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# The embedded broker `make run` uses on a bare machine (no Redis): kombu's filesystem transport, messages as files
# under CELERY_FILESYSTEM_DIR (default var/broker), results beside them; a real worker and beat run as on a server.
CELERY_FILESYSTEM_DIR = Path(env.str("CELERY_FILESYSTEM_DIR", default=str(BASE_DIR / "var" / "broker")))
if CELERY_BROKER_URL.startswith("filesystem://"):
    for _part in ("queue", "processed", "results"):
        (CELERY_FILESYSTEM_DIR / _part).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FILESYSTEM_DIR / "queue"),
        "data_folder_out": str(CELERY_FILESYSTEM_DIR / "queue"),
        "processed_folder": str(CELERY_FILESYSTEM_DIR / "processed"),
        "store_processed": False,
    }
    _default_results: str | None = f"file://{CELERY_FILESYSTEM_DIR / 'results'}"
else:
    _default_results = CELERY_BROKER_URL or None
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=_default_results)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="rights-desk@localhost")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)  # seconds: a stuck mail server fails the attempt, which is retried
# GOV.UK Notify: EMAIL_BACKEND=django_gov_notify.backends.NotifyEmailBackend sends email through it (a Notify email
# template whose subject is ((subject)) and whose body is ((body))); SMS_BACKEND=notify sends text messages.
GOVUK_NOTIFY_API_KEY = env.str("GOVUK_NOTIFY_API_KEY", default="")
GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID = env.str("GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID", default="")
GOVUK_NOTIFY_SMS_TEMPLATE_ID = env.str("GOVUK_NOTIFY_SMS_TEMPLATE_ID", default="")
# Text messages (one-time codes): "notify", "console" (printed; the DEBUG default) or "none".
SMS_BACKEND = env.str("SMS_BACKEND", default="console" if DEBUG else "none")
if SMS_BACKEND == "notify" and not (GOVUK_NOTIFY_API_KEY and GOVUK_NOTIFY_SMS_TEMPLATE_ID):
    raise ImproperlyConfigured("SMS_BACKEND=notify needs GOVUK_NOTIFY_API_KEY and GOVUK_NOTIFY_SMS_TEMPLATE_ID.")
# Attempts to send one email or text message before it is given up (failures are retried by Celery with backoff).
MESSAGE_MAX_ATTEMPTS = env.int("MESSAGE_MAX_ATTEMPTS", default=5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Portal links are secrets: every handler masks their tokens (a wrong answer or a 500 logs the path).
    "filters": {
        "forbidden_one_line": {"()": "config.logging_filters.ForbiddenOneLine"},
        "portal_tokens": {"()": "config.log_filters.PortalTokenFilter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["portal_tokens", "forbidden_one_line"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint and fontTools narrate every render at INFO: keep command output to what it says.
    "loggers": {
        # Django's own records once, through the console handler above (its default adds a second console
        # handler when DEBUG is on, so each 403 or 404 was printed twice).
        "django": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO"), "propagate": False},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},  # announces its logger bridge at INFO on import
    },
}

# The organisation whose letters and packs these are (the seed notice's partnership by default).
ORGANISATION = {
    "name": env.str("ORG_NAME", default="Stockport Safeguarding Children Partnership"),
    "contact_role": env.str("ORG_CONTACT_ROLE", default="Performance & Development Manager"),
    "address": env.list("ORG_ADDRESS", default=["Sanderling Building", "Birdhall Lane", "Stockport", "SK3 0RF"]),
    "phone": env.str("ORG_PHONE", default="0161 474 5657"),
    "email": env.str("ORG_EMAIL", default="lsb@stockport.gov.uk"),
    "service_name": env.str("SERVICE_NAME", default="Rights Desk"),
}

# Policy parameters the statute takes as arguments (never literals in code).
# The team's internal target: this many working days before the statutory due date (Zoan v Rouamba [2000] 1 WLR
# 1509); 0 shows none. The statutory date never moves for it.
INTERNAL_TARGET_WORKING_DAYS = env.int("INTERNAL_TARGET_WORKING_DAYS", default=0)
CHILD_CONSENT_AGE = env.int("CHILD_CONSENT_AGE", default=13)  # the seed notice's policy; law: Gillick competence
# One-off bank holidays not yet in the `holidays` package (ISO dates, comma-separated); admins add more in the database.
EXTRA_BANK_HOLIDAYS = env.list("EXTRA_BANK_HOLIDAYS", default=[])
# The online request form (/ask/): limits per email address and per IP address, counted in the cache (use a
# shared cache, e.g. CACHES with Redis, when several web processes serve it); refusals are counted in the admin.
ONLINE_CODES_PER_ADDRESS_PER_HOUR = env.int("ONLINE_CODES_PER_ADDRESS_PER_HOUR", default=5)
ONLINE_CODES_PER_IP_PER_HOUR = env.int("ONLINE_CODES_PER_IP_PER_HOUR", default=20)
ONLINE_REQUESTS_PER_ADDRESS_PER_DAY = env.int("ONLINE_REQUESTS_PER_ADDRESS_PER_DAY", default=3)
ONLINE_REQUESTS_PER_IP_PER_DAY = env.int("ONLINE_REQUESTS_PER_IP_PER_DAY", default=10)
# Proof of identity and authority sent with an online request: files per request, and the largest file.
ONLINE_UPLOAD_MAX_FILES = env.int("ONLINE_UPLOAD_MAX_FILES", default=6)
ONLINE_UPLOAD_MAX_BYTES = env.int("ONLINE_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# The requester's status page: how long its emailed link works, and codes per link per hour.
STATUS_LINK_DAYS = env.int("STATUS_LINK_DAYS", default=180)
STATUS_CODES_PER_LINK_PER_HOUR = env.int("STATUS_CODES_PER_LINK_PER_HOUR", default=5)
# GOV.UK Notify's delivery-status callbacks (POST /notify/callback/): the bearer token set in Notify's API
# integration settings. Empty: the endpoint refuses every call.
GOVUK_NOTIFY_CALLBACK_TOKEN = env.str("GOVUK_NOTIFY_CALLBACK_TOKEN", default="")
# How long a requester's portal link to their disclosure pack works (disclosure.services.delivery).
PORTAL_LINK_DAYS = env.int("PORTAL_LINK_DAYS", default=28)
# A pack whose rendering has not said it is alive for this many minutes is failed by the sweep (its work files go).
PACK_STALL_MINUTES = env.int("PACK_STALL_MINUTES", default=30)
# Working days an agency's data owner has to check the redactions of its records before the Manager may sign
# off without its answer, and how long that link works (disclosure.services.owner_reviews).
AGENCY_REVIEW_WORKING_DAYS = env.int("AGENCY_REVIEW_WORKING_DAYS", default=5)
AGENCY_REVIEW_LINK_DAYS = env.int("AGENCY_REVIEW_LINK_DAYS", default=28)
# Working days a third party is given to answer a request for consent (DPA 2018 Sch 2 Pt 3 para 16); the daily
# sweep sends one chaser after that (disclosure.services.consent).
THIRD_PARTY_REPLY_WORKING_DAYS = env.int("THIRD_PARTY_REPLY_WORKING_DAYS", default=10)
# Agencies asked for records (disclosure.services.records, returns and chasers): working days to return them, how
# long a return link works, and how many working days past the due date a late return is escalated.
AGENCY_RETURN_WORKING_DAYS = env.int("AGENCY_RETURN_WORKING_DAYS", default=10)
AGENCY_RETURN_LINK_DAYS = env.int("AGENCY_RETURN_LINK_DAYS", default=30)
AGENCY_ESCALATION_WORKING_DAYS = env.int("AGENCY_ESCALATION_WORKING_DAYS", default=5)
# Word and Excel files an agency returns are converted by LibreOffice headless (disclosure.convert): its command
# (empty: soffice on the PATH) and the most seconds one conversion may take.
SOFFICE_PATH = env.str("SOFFICE_PATH", default="")
OFFICE_CONVERT_SECONDS = env.int("OFFICE_CONVERT_SECONDS", default=120)

# The deadline sweep (docs/sweep.md): run daily by Celery beat (a django-celery-beat PeriodicTask the
# Manager can change in the admin) and on demand with `manage.py sweep_deadlines`.
SWEEP_REMINDER_DAYS = env.list("SWEEP_REMINDER_DAYS", cast=int, default=[10, 5, 1])  # days before the due date
SWEEP_ESCALATION_DAYS = env.list("SWEEP_ESCALATION_DAYS", cast=int, default=[0, 7, 14, 28])  # days past it
SWEEP_EXTENSION_PROMPT_DAY = env.int("SWEEP_EXTENSION_PROMPT_DAY", default=20)  # day of the first month
# Waiting on the requester (identity, clarification) longer than this is flagged for closure; unset: one calendar month.
SWEEP_WAITING_DAYS = env.int("SWEEP_WAITING_DAYS", default=None)
SWEEP_BATCH_SIZE = env.int("SWEEP_BATCH_SIZE", default=2000)
# Days a review's agency data is kept after the review concludes (0: destroyed once it concludes, the seed
# notice); the daily retention sweep (a django-celery-beat PeriodicTask) lists what is due (reviews.retention).
REVIEW_RETENTION_DAYS = env.int("REVIEW_RETENTION_DAYS", default=0)
# Days a closed rights request is kept after it closes before it is destroyed, leaving only anonymous statistics
# (2190: six years, a common local-government schedule); a daily task lists what is due (requests_app.retention).
REQUEST_RETENTION_DAYS = env.int("REQUEST_RETENTION_DAYS", default=2190)
# Links in notice emails point here (the workspace's address as staff reach it).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Tables the apps above requests_app add to the Manager's report, its exports and the board report
# (dotted paths to callables of period and today returning tables): complaints and breaches (casework).
REPORT_SECTIONS = ["casework.reporting.report_tables"]

# Staff sign-in (accounts/, docs in the README): a password, then a second factor (an authenticator app's TOTP
# code or a single-use recovery code) before any page of case data; failures throttled by django-axes.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default=ORGANISATION["service_name"])
OTP_TOTP_THROTTLE_FACTOR = 1  # django-otp: each wrong code doubles the wait before the next is tried
# Passkeys and security keys (django-otp-webauthn), a second factor only: the password always comes first (so
# django-axes throttles every sign-in), never a passkey alone. A passkey is bound to the relying party id, a domain
# name (never an IP address: browsers refuse one) which the browser's address must end with; the origins are the exact
# scheme://host[:port] staff use. By default both come from SITE_URL, with 127.0.0.1 read as localhost (open the
# laptop's workspace at http://localhost:8000 to use a passkey there). Changing the id later orphans every key.
_site = urlsplit(SITE_URL)
_site_host = "localhost" if _site.hostname in {None, "127.0.0.1", "::1"} else str(_site.hostname)
# An empty value (as .env.example leaves them) means the default.
OTP_WEBAUTHN_RP_ID = env.str("WEBAUTHN_RP_ID", default="") or _site_host
OTP_WEBAUTHN_RP_NAME = env.str("WEBAUTHN_RP_NAME", default="") or ORGANISATION["service_name"]
OTP_WEBAUTHN_ALLOWED_ORIGINS = [origin for origin in env.list("WEBAUTHN_ALLOWED_ORIGINS", default=[]) if origin] or [
    f"{_site.scheme}://{_site_host}" + (f":{_site.port}" if _site.port else "")
]
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# django-axes: an account, and separately an address, is locked after AXES_FAILURE_LIMIT failed sign-ins in a row,
# until AXES_COOLOFF_HOURS pass or a Manager unlocks it (Staff sign-in page, or the admin's access attempts).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0) or None  # 0: until a Manager unlocks it
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own: per account and per address
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# Behind a TLS-terminating proxy: how many proxies stand in front, so the client's address is read from
# X-Forwarded-For rather than the proxy's own (0: REMOTE_ADDR, a direct connection).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.addresses.client_address"
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60)  # seconds a reset link works

# Content-Security-Policy (django-csp): scripts and styles only from this site or carrying the page's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", csp_constants.NONCE],
        "style-src": ["'self'", csp_constants.NONCE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# No page needs a camera, a microphone, a location or a payment: the browser is told to refuse them.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)
AXES_VERBOSE = False  # django-axes: no start-up banner on stdout (commands print only their own lines)
