"""Settings for the test suite: the real settings, with a throwaway key and no HTTPS redirect."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-real-deployment-0123456789")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")

from .settings import *  # noqa: F403

MEDIA_ROOT = BASE_DIR / "var" / "test-files"  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast hashing for tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_ROOT = BASE_DIR / "build" / "test-static"  # noqa: F405 - exists, so whitenoise has nothing to warn about
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Passkeys in tests: a virtual authenticator in Chromium on pytest-django's live server (http://localhost:<port>, a
# secure context); the end-to-end test sets the allowed origin to the live server's own address.
OTP_WEBAUTHN_RP_ID = "localhost"
OTP_WEBAUTHN_ALLOWED_ORIGINS = ["http://localhost:8000"]
