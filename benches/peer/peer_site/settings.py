"""Settings of the peer bench server: django-allauth headless, app client only.

A throwaway server for the login load bench; not for deployment.
Environment:
  PEER_DB      path of the SQLite database (default: peer.sqlite3 beside manage.py)
  PEER_SECRET  SECRET_KEY (a fixed default is fine for a bench)
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get(
    "PEER_SECRET", "peer-bench-only-not-secret-0f6c2b9e7d1a4c3b8e5f"
)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "allauth",
    "allauth.account",
    "allauth.headless",
    "peer_users",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "peer_site.urls"
WSGI_APPLICATION = "peer_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("PEER_DB", str(BASE_DIR / "peer.sqlite3")),
        # Several gunicorn workers write sessions and last_login at once:
        # WAL, a busy timeout and IMMEDIATE transactions (Django >= 5.1) are
        # what Django's docs advise for SQLite under concurrent writes.
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL;",
        },
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Same argon2id parameters as Kabinet: t=2, m=19456 KiB, p=1.
PASSWORD_HASHERS = [
    "peer_site.hashers.KabinetArgon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = []

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Sessions: Django's default database backend. The headless "app" client
# hands the session key back as the session token (X-Session-Token).
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# django-allauth (65.x names)
HEADLESS_ONLY = True
HEADLESS_CLIENTS = ("app",)
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
# False disables every allauth rate limit (login, login_failed, ...), which
# would otherwise answer 429 to a load test from one IP.
ACCOUNT_RATE_LIMITS = False

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Quiet: no per-request lines. Warnings and errors still reach stderr, but
# 4xx answers (a wrong password is a 400) are not logged.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.security": {"level": "ERROR"},
    },
}
