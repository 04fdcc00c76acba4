"""Settings for Rights Desk, read from environment variables (see .env.example and the README).

Defaults suit a laptop: SQLite in the project folder, Celery eager, console email. Production
differs only by environment: DATABASE_URL (PostgreSQL), CELERY_BROKER_URL (Redis), SECRET_KEY.
"""

from __future__ import annotations

from pathlib import Path

import environ
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
    "disclosure",
    "requests_app",
    "reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
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
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
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
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint and fontTools narrate every render at INFO: keep command output to what it says.
    "loggers": {
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
CHILD_CONSENT_AGE = env.int("CHILD_CONSENT_AGE", default=13)  # the seed notice's policy; law: Gillick competence
# One-off bank holidays not yet in the `holidays` package (ISO dates, comma-separated); admins add more in the database.
EXTRA_BANK_HOLIDAYS = env.list("EXTRA_BANK_HOLIDAYS", default=[])
# How long a requester's portal link to their disclosure pack works (disclosure.services.delivery).
PORTAL_LINK_DAYS = env.int("PORTAL_LINK_DAYS", default=28)

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
