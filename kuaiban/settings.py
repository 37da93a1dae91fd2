"""Production settings, safe by default.

Everything that differs between machines comes from the environment:

- ``DJANGO_SECRET_KEY`` (required unless ``DJANGO_DEBUG`` is on; there is no built-in key);
- ``DJANGO_DEBUG`` (off unless set to 1/true/yes);
- ``DJANGO_ALLOWED_HOSTS`` (comma-separated; empty means no host is served);
- ``DATABASE_URL`` (``postgres://…`` in production; SQLite under ``var/`` when unset);
- ``KUAIBAN_MEDIA_ROOT`` and ``KUAIBAN_STATIC_ROOT``.

``kuaiban.settings_dev`` and ``kuaiban.settings_test`` set development defaults and import this.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Lets admin classes be written ModelAdmin[Model] for the type checker.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KUAIBAN_VAR_DIR", BASE_DIR / "var"))


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, "").split(",") if part.strip()]


DEBUG = _env_flag("DJANGO_DEBUG")
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set. Production needs its own secret key; "
        "for a local run use `make demo`, which uses kuaiban.settings_dev."
    )
ALLOWED_HOSTS = _env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = _env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "kuaiban.core.admin_config.KuaibanAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "kuaiban.core",
    "kuaiban.accounts",
    "kuaiban.calendar",
    "kuaiban.catalogue",
    "kuaiban.bundles",
    "kuaiban.shareddata",
    "kuaiban.guides",
    "kuaiban.applications",
    "kuaiban.cases",
    "kuaiban.integrations",
    "kuaiban.deliveries",
    "kuaiban.workbench",
    "kuaiban.ratings",
    "kuaiban.supervision",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kuaiban.core.api_errors_middleware.ApiErrorShapeMiddleware",
    "kuaiban.core.request_guard.RequestGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kuaiban.core.middleware.DisplayPreferencesMiddleware",
]

ROOT_URLCONF = "kuaiban.urls"
WSGI_APPLICATION = "kuaiban.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kuaiban" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kuaiban.core.context_processors.display_preferences",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'kuaiban.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several threads (web + in-process worker) share the file: wait instead of failing, and
    # take the write lock at BEGIN so a read-then-write transaction cannot fail half-way.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/accounts/login/"

# Identity (kuaiban/accounts/README.md). Backends are tried in order; a province's real-name
# SSO (e.g. an OIDC backend) replaces or precedes Django's password check through the env.
AUTHENTICATION_BACKENDS = _env_list("KUAIBAN_AUTH_BACKENDS") or [
    "django.contrib.auth.backends.ModelBackend"
]
# After log-in: the start page of the user's role; after log-out: the log-in page.
LOGIN_REDIRECT_URL = "/accounts/home/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
# Lifetime of API bearer tokens (POST /api/v1/auth/token), and the number of reverse proxies
# that append to X-Forwarded-For in front of the web nodes (0: use REMOTE_ADDR) for throttling.
KUAIBAN_TOKEN_TTL_HOURS = int(os.environ.get("KUAIBAN_TOKEN_TTL_HOURS", "12"))
KUAIBAN_TRUSTED_PROXY_COUNT = int(os.environ.get("KUAIBAN_TRUSTED_PROXY_COUNT", "0"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "kuaiban" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "kuaiban" / "static"]
STATIC_ROOT = Path(os.environ.get("KUAIBAN_STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("KUAIBAN_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and _env_flag("DJANGO_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Uploaded materials: at most this many bytes each, of these types (checked by content).
KUAIBAN_UPLOAD_MAX_BYTES = int(os.environ.get("KUAIBAN_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
# Request limits, applied before any view by kuaiban.core.request_guard (413/400, never a 500):
# a body other than an upload (JSON, a form) up to 1 MB — an application is a few KB; a form of
# at most 500 fields (the largest merged form has under 100) and 30 files (one per material);
# a whole upload up to KUAIBAN_REQUEST_MAX_BYTES, each file up to KUAIBAN_UPLOAD_MAX_BYTES.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
DATA_UPLOAD_MAX_NUMBER_FILES = 30
KUAIBAN_REQUEST_MAX_BYTES = int(os.environ.get("KUAIBAN_REQUEST_MAX_BYTES", str(100 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
if os.environ.get("KUAIBAN_S3_BUCKET"):
    # S3-compatible object storage (MinIO, a cloud's OSS/COS/OBS) through django-storages;
    # install requirements-s3.txt on such machines.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["KUAIBAN_S3_BUCKET"],
            "endpoint_url": os.environ.get("KUAIBAN_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("KUAIBAN_S3_REGION") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# Outbox workers, webhooks to agencies' systems, deadline alerts, notifications.
KUAIBAN_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("KUAIBAN_OUTBOX_MAX_ATTEMPTS", "8"))
KUAIBAN_OUTBOX_LEASE_SECONDS = int(os.environ.get("KUAIBAN_OUTBOX_LEASE_SECONDS", "120"))
KUAIBAN_WEBHOOK_TIMEOUT = float(os.environ.get("KUAIBAN_WEBHOOK_TIMEOUT", "5"))
KUAIBAN_DUE_SOON_HOURS = float(os.environ.get("KUAIBAN_DUE_SOON_HOURS", "24"))
KUAIBAN_NOTIFY_CHANNELS = os.environ.get("KUAIBAN_NOTIFY_CHANNELS", "console")
KUAIBAN_SMS_URL = os.environ.get("KUAIBAN_SMS_URL", "")
KUAIBAN_SMS_TOKEN = os.environ.get("KUAIBAN_SMS_TOKEN", "")
KUAIBAN_PUBLIC_URL = os.environ.get("KUAIBAN_PUBLIC_URL", "")
# Supervision figures are kept this long (seconds) for the page, its exports and the report.
KUAIBAN_SUPERVISION_CACHE_SECONDS = int(os.environ.get("KUAIBAN_SUPERVISION_CACHE_SECONDS", "300"))

# Django's cache: per process by default; one Redis for every process when KUAIBAN_REDIS_URL
# is set (Django's own Redis backend, redis-py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("KUAIBAN_REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["KUAIBAN_REDIS_URL"],
        "KEY_PREFIX": "kuaiban",
    }
KUAIBAN_INPROCESS_WORKER = False

# Policy packs shipped with the platform (loaded by `kuaiban pack load`).
KUAIBAN_PACKS_DIR = BASE_DIR / "packs"
# The admin warns when the working-day calendar ends within this many days.
KUAIBAN_CALENDAR_WARN_DAYS = 90

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "kuaiban.core.masking.MaskPersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["mask_personal_data"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("KUAIBAN_LOG_LEVEL", "INFO")},
}
