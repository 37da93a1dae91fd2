"""Production settings, safe by default.

Everything that differs between machines comes from the environment, and every variable is read
here, once, with its type and default (``kuaiban/env.py``); the rest of the code reads
``settings.NAME``. README.md lists the variables; ``tests/core/test_settings_env.py`` checks that
each documented one changes its setting.

``kuaiban.settings_dev`` and ``kuaiban.settings_test`` set development defaults and import this.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kuaiban.env import (
    env_bool,
    env_float,
    env_int,
    env_list,
    env_optional_int,
    env_path,
    env_str,
)

# Lets admin classes be written ModelAdmin[Model] for the type checker.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env_path("KUAIBAN_VAR_DIR", BASE_DIR / "var")

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set. Production needs its own secret key; "
        "for a local run use `make demo`, which uses kuaiban.settings_dev."
    )
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

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
    "kuaiban.commitments",
    "kuaiban.riskcontrol",
    "kuaiban.integrations",
    "kuaiban.deliveries",
    "kuaiban.workbench",
    "kuaiban.ratings",
    "kuaiban.supervision",
    "kuaiban.proactive",
    "kuaiban.cards",
    "kuaiban.servicepoints",
    "kuaiban.appointments",
    "kuaiban.selfservice",
    "kuaiban.certificates",
    "kuaiban.problems",
    "kuaiban.homevisits",
    "kuaiban.demo",
    "kuaiban.monitoring",
]

MIDDLEWARE = [
    "kuaiban.core.request_id.RequestIdMiddleware",
    "kuaiban.core.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "kuaiban.core.security_headers.SecurityHeadersMiddleware",
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

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kuaiban.sqlite3'}")
# Connections (docs/ARCHITECTURE.md, "Scale-out"): persistent per process (CONN_MAX_AGE) by
# default; DATABASE_POOL_SIZE > 0 uses psycopg_pool's pool in each process instead (PostgreSQL
# only, and CONN_MAX_AGE must then be 0, as Django requires).
DATABASE_CONN_MAX_AGE = env_int("DATABASE_CONN_MAX_AGE", 60)
DATABASE_POOL_SIZE = env_int("DATABASE_POOL_SIZE", 0)
# PostgreSQL keeps a submission's fixed statements (kuaiban/core/kept_query.py) prepared from
# their Nth run on a connection; 0 never prepares them (PgBouncer before 1.21 in transaction
# mode, which cannot carry prepared statements).
DATABASE_PREPARE_THRESHOLD = env_int("DATABASE_PREPARE_THRESHOLD", 5)
# A read replica of the PostgreSQL database: the supervision pages read there when it is set
# (kuaiban/core/db_router.py); everything else reads and writes the primary.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
# PostgreSQL settings of every session (libpq "options"): no JIT compilation (it cost the
# supervision pages' statements 10–50 ms each to compile, more than it saved), memory enough
# for their groupings without spilling to disk, and no parallel append (the processing
# histogram's one statement over two roll-ups ran its parts in workers, slower: migration
# supervision/0006), and random page reads costed as the buffers and SSDs make them (1.1,
# not 4: with 4 the planner hashed all 740,000 window visits or the bitmap of an item's
# million sub-cases rather than probe a day's rows by index — the filtered supervision
# overviews at 10 M sub-cases took 979 ms at the median, 814 ms with 1.1). The server's own
# memory settings (shared_buffers …) are in deploy/postgresql/kuaiban.conf. Empty: the
# server's defaults.
DATABASE_SESSION_OPTIONS = env_str(
    "DATABASE_SESSION_OPTIONS",
    "-c jit=off -c work_mem=32MB -c enable_parallel_append=off -c random_page_cost=1.1",
)


def _database(url: str) -> dict[str, Any]:
    database: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=DATABASE_CONN_MAX_AGE))
    options = database.setdefault("OPTIONS", {})
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # Several threads (web + in-process worker) share the file: wait instead of failing, and
        # take the write lock at BEGIN so a read-then-write transaction cannot fail half-way.
        options.update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
    else:
        # psycopg's own setting; only server-bound cursors (kept_cursor) ever prepare.
        options["prepare_threshold"] = DATABASE_PREPARE_THRESHOLD or None
        if DATABASE_SESSION_OPTIONS:
            options["options"] = DATABASE_SESSION_OPTIONS
        if DATABASE_POOL_SIZE > 0:
            database["CONN_MAX_AGE"] = 0
            options["pool"] = {"min_size": 1, "max_size": DATABASE_POOL_SIZE, "timeout": 10}
    return database


DATABASES = {"default": _database(DATABASE_URL)}
if DATABASE_REPLICA_URL:
    # Tests run against the primary: the replica alias mirrors it there.
    DATABASES["replica"] = _database(DATABASE_REPLICA_URL) | {"TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["kuaiban.core.db_router.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/accounts/login/"

# Identity (kuaiban/accounts/README.md). Backends are tried in order; a province's real-name
# SSO (e.g. an OIDC backend) replaces or precedes Django's password check through the env.
AUTHENTICATION_BACKENDS = env_list(
    "KUAIBAN_AUTH_BACKENDS", ["django.contrib.auth.backends.ModelBackend"]
)
# A province's single sign-on button on the log-in page (both unset: no button).
KUAIBAN_SSO_LOGIN_URL = env_str("KUAIBAN_SSO_LOGIN_URL", "")
KUAIBAN_SSO_LABEL = env_str("KUAIBAN_SSO_LABEL", "使用统一身份认证登录")
# After log-in: the start page of the user's role; after log-out: the log-in page.
LOGIN_REDIRECT_URL = "/accounts/home/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
# Lifetime of API bearer tokens (POST /api/v1/auth/token), and the number of reverse proxies
# that append to X-Forwarded-For in front of the web nodes (0: use REMOTE_ADDR) for throttling.
KUAIBAN_TOKEN_TTL_HOURS = env_int("KUAIBAN_TOKEN_TTL_HOURS", 12)
KUAIBAN_TRUSTED_PROXY_COUNT = env_int("KUAIBAN_TRUSTED_PROXY_COUNT", 0)

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
STATIC_ROOT = env_path("KUAIBAN_STATIC_ROOT", VAR_DIR / "static")
MEDIA_URL = "/media/"
MEDIA_ROOT = env_path("KUAIBAN_MEDIA_ROOT", VAR_DIR / "media")
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and env_bool("DJANGO_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Security headers: these from Django's middleware, a strict Content-Security-Policy and a
# Permissions-Policy from kuaiban/core/security_headers.py.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Uploaded materials: at most this many bytes each, of these types (checked by content).
KUAIBAN_UPLOAD_MAX_BYTES = env_int("KUAIBAN_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# Request limits, applied before any view by kuaiban.core.request_guard (413/400, never a 500):
# a body other than an upload (JSON, a form) up to 1 MB — an application is a few KB; a form of
# at most 500 fields (the largest merged form has under 100) and 30 files (one per material);
# a whole upload up to KUAIBAN_REQUEST_MAX_BYTES, each file up to KUAIBAN_UPLOAD_MAX_BYTES.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
DATA_UPLOAD_MAX_NUMBER_FILES = 30
KUAIBAN_REQUEST_MAX_BYTES = env_int("KUAIBAN_REQUEST_MAX_BYTES", 100 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# S3-compatible object storage (MinIO, a cloud's OSS/COS/OBS) through django-storages when a
# bucket is named; install requirements-s3.txt on such machines.
KUAIBAN_S3_BUCKET = env_str("KUAIBAN_S3_BUCKET", "")
KUAIBAN_S3_ENDPOINT_URL = env_str("KUAIBAN_S3_ENDPOINT_URL", "")
KUAIBAN_S3_REGION = env_str("KUAIBAN_S3_REGION", "")
if KUAIBAN_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": KUAIBAN_S3_BUCKET,
            "endpoint_url": KUAIBAN_S3_ENDPOINT_URL or None,
            "region_name": KUAIBAN_S3_REGION or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# 容缺受理: a missing non-key material is owed within this many working days.
KUAIBAN_GAP_WORKING_DAYS = env_int("KUAIBAN_GAP_WORKING_DAYS", 10)
# Office hours of a working day, "HH:MM-HH:MM" periods separated by commas: 即办 counts its
# 30 minutes only inside them (a case taken after closing is due 30 minutes after the next
# working day's opening). Checked by kuaiban/calendar/conf.py.
KUAIBAN_OFFICE_HOURS = env_str("KUAIBAN_OFFICE_HOURS", "09:00-12:00,13:30-17:00")

# Shared data (kuaiban/shareddata/README.md): this database ("local") or the provincial
# data-sharing platform ("http").
KUAIBAN_SHARED_DATA = env_str("KUAIBAN_SHARED_DATA", "local").lower()
KUAIBAN_SHARED_DATA_URL = env_str("KUAIBAN_SHARED_DATA_URL", "")
KUAIBAN_SHARED_DATA_TIMEOUT = env_float("KUAIBAN_SHARED_DATA_TIMEOUT", 3.0)
KUAIBAN_SHARED_DATA_TOKEN = env_str("KUAIBAN_SHARED_DATA_TOKEN", "")

# Outbox workers, webhooks to agencies' systems, deadline alerts, notifications
# (kuaiban/integrations/README.md).
KUAIBAN_OUTBOX_MAX_ATTEMPTS = env_int("KUAIBAN_OUTBOX_MAX_ATTEMPTS", 8)
KUAIBAN_OUTBOX_LEASE_SECONDS = env_float("KUAIBAN_OUTBOX_LEASE_SECONDS", 120.0)
KUAIBAN_WEBHOOK_TIMEOUT = env_float("KUAIBAN_WEBHOOK_TIMEOUT", 5.0)
KUAIBAN_DUE_SOON_HOURS = env_float("KUAIBAN_DUE_SOON_HOURS", 24.0)
KUAIBAN_NOTIFY_CHANNELS = env_list("KUAIBAN_NOTIFY_CHANNELS", ["console"])
KUAIBAN_SMS_URL = env_str("KUAIBAN_SMS_URL", "")
KUAIBAN_SMS_TOKEN = env_str("KUAIBAN_SMS_TOKEN", "")
# The platform's address as applicants and agencies reach it, for links in texts and webhooks.
KUAIBAN_PUBLIC_URL = env_str("KUAIBAN_PUBLIC_URL", "").rstrip("/")
# Drain the outbox in a thread of `kuaiban runserver` (the demo).
KUAIBAN_INPROCESS_WORKER = env_bool("KUAIBAN_INPROCESS_WORKER", False)

# 好差评 (kuaiban/ratings/README.md): the push to the provincial system and the time limits of
# each step, in working days or calendar days as the policy says.
KUAIBAN_RATING_PUSH_URL = env_str("KUAIBAN_RATING_PUSH_URL", "")
KUAIBAN_RATING_PUSH_TOKEN = env_str("KUAIBAN_RATING_PUSH_TOKEN", "")
KUAIBAN_RATING_PUSH_TIMEOUT = env_float("KUAIBAN_RATING_PUSH_TIMEOUT", 5.0)
KUAIBAN_RATING_REMIND_DAYS = env_int("KUAIBAN_RATING_REMIND_DAYS", 3)
KUAIBAN_DEFAULT_RATING_DAYS = env_optional_int("KUAIBAN_DEFAULT_RATING_DAYS", None)
KUAIBAN_DEFAULT_RATING_LEVEL = env_int("KUAIBAN_DEFAULT_RATING_LEVEL", 4)
KUAIBAN_CALLBACK_WORKING_DAYS = env_int("KUAIBAN_CALLBACK_WORKING_DAYS", 1)
KUAIBAN_VERIFY_WORKING_DAYS = env_int("KUAIBAN_VERIFY_WORKING_DAYS", 3)
KUAIBAN_RECTIFY_WORKING_DAYS = env_int("KUAIBAN_RECTIFY_WORKING_DAYS", 5)
KUAIBAN_FEEDBACK_WORKING_DAYS = env_int("KUAIBAN_FEEDBACK_WORKING_DAYS", 2)
KUAIBAN_REPORT_DAYS = env_int("KUAIBAN_REPORT_DAYS", 5)
KUAIBAN_APPEAL_DAYS = env_int("KUAIBAN_APPEAL_DAYS", 15)
KUAIBAN_REVIEW_WORKING_DAYS = env_int("KUAIBAN_REVIEW_WORKING_DAYS", 5)
# 办不成事反映: the owner answers within this many working days, else supervisors are alerted.
KUAIBAN_PROBLEM_REPORT_WORKING_DAYS = env_int("KUAIBAN_PROBLEM_REPORT_WORKING_DAYS", 5)
KUAIBAN_VISIT_RATING_LINK_DAYS = env_int("KUAIBAN_VISIT_RATING_LINK_DAYS", 15)

# The social security card (kuaiban/cards/): a temporary hold (临时挂失, online or by phone)
# lifts itself after this many calendar days unless it was made a formal loss at a window.
KUAIBAN_CARD_TEMPORARY_LOSS_DAYS = env_int("KUAIBAN_CARD_TEMPORARY_LOSS_DAYS", 5)

# The Prometheus metrics at /metrics (kuaiban/monitoring/README.md) answer only a scraper that
# sends "Authorization: Bearer <this token>"; unset, the endpoint answers 404.
KUAIBAN_METRICS_TOKEN = env_str("KUAIBAN_METRICS_TOKEN", "")

# Certificates (kuaiban/certificates): the bureau's signing key and certificate (PEM files);
# `kuaiban certificates_demo_key` writes a demo pair to these paths, production mounts its own.
KUAIBAN_SIGNING_KEY = env_path("KUAIBAN_SIGNING_KEY", VAR_DIR / "signing" / "key.pem")
KUAIBAN_SIGNING_CERT = env_path("KUAIBAN_SIGNING_CERT", VAR_DIR / "signing" / "cert.pem")
KUAIBAN_SIGNING_KEY_PASSPHRASE = env_str("KUAIBAN_SIGNING_KEY_PASSPHRASE", "")
KUAIBAN_SIGNING_SEAL_NAME = env_str("KUAIBAN_SIGNING_SEAL_NAME", "人力资源和社会保障局")
# Certificate verification (/verify/<code> and its API) from one client address: at most this
# many look-ups in a window of this many seconds (honest use is a handful; an office behind one
# address checking many stays well inside), counted in the cache (shared through Redis when set).
# Apart from it, five unknown codes in 15 minutes suspend the address (the log-in throttle's rows).
KUAIBAN_VERIFY_LOOKUPS = env_int("KUAIBAN_VERIFY_LOOKUPS", 300)
KUAIBAN_VERIFY_WINDOW_SECONDS = env_int("KUAIBAN_VERIFY_WINDOW_SECONDS", 900)
# A kiosk session (自助终端) ends after this many seconds without a touch.
KUAIBAN_KIOSK_IDLE_SECONDS = env_int("KUAIBAN_KIOSK_IDLE_SECONDS", 120)

# Supervision figures are kept this long (seconds) for the page, its exports and the report.
KUAIBAN_SUPERVISION_CACHE_SECONDS = env_int("KUAIBAN_SUPERVISION_CACHE_SECONDS", 300)
# A supervision page's independent reads run at once on this many threads per process, each
# with its own database connection (PostgreSQL; 0: one after another). See
# kuaiban/supervision/together.py.
KUAIBAN_SUPERVISION_READ_THREADS = env_int("KUAIBAN_SUPERVISION_READ_THREADS", 4)
# How often the worker brings the supervision roll-ups up to date (0: never; then run
# `kuaiban supervision_rollup` from cron). See kuaiban/supervision/rollups/refresh.py.
KUAIBAN_SUPERVISION_ROLLUP_SECONDS = env_int("KUAIBAN_SUPERVISION_ROLLUP_SECONDS", 300)

# Django's cache: per process by default; one Redis for every process when KUAIBAN_REDIS_URL
# is set (Django's own Redis backend, redis-py).
KUAIBAN_REDIS_URL = env_str("KUAIBAN_REDIS_URL", "")
CACHES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
if KUAIBAN_REDIS_URL:
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": KUAIBAN_REDIS_URL,
        "KEY_PREFIX": "kuaiban",
    }

# 就近办 (kuaiban/servicepoints/README.md): the walking speed behind every walking time, the
# service circles of Shandong 2023 (城区步行15分钟、乡村辐射5公里), and the map's tile server —
# a bureau runs its own ("https://tiles.example.cn/{z}/{x}/{y}.png"); unset, the map page draws
# the points itself (SVG) beside the list.
KUAIBAN_WALK_SPEED_KMH = env_float("KUAIBAN_WALK_SPEED_KMH", 4.0)
KUAIBAN_CITY_WALK_MINUTES = env_int("KUAIBAN_CITY_WALK_MINUTES", 15)
KUAIBAN_RURAL_RADIUS_KM = env_float("KUAIBAN_RURAL_RADIUS_KM", 5.0)
KUAIBAN_MAP_TILE_URL = env_str("KUAIBAN_MAP_TILE_URL", "")
KUAIBAN_MAP_ATTRIBUTION = env_str("KUAIBAN_MAP_ATTRIBUTION", "")

# Appointments and the hall's queue (kuaiban/appointments/README.md): 绿色通道 from this age
# (from the ID number), no-show rule (this many no-shows within the window block booking for
# the block days), and the SMS reminder this many hours before the slot.
KUAIBAN_GREEN_CHANNEL_AGE = env_int("KUAIBAN_GREEN_CHANNEL_AGE", 60)
KUAIBAN_NO_SHOW_LIMIT = env_int("KUAIBAN_NO_SHOW_LIMIT", 3)
KUAIBAN_NO_SHOW_WINDOW_DAYS = env_int("KUAIBAN_NO_SHOW_WINDOW_DAYS", 90)
KUAIBAN_NO_SHOW_BLOCK_DAYS = env_int("KUAIBAN_NO_SHOW_BLOCK_DAYS", 30)
KUAIBAN_APPOINTMENT_REMIND_HOURS = env_int("KUAIBAN_APPOINTMENT_REMIND_HOURS", 24)

# Policy packs shipped with the platform (loaded by `kuaiban pack load`).
KUAIBAN_PACKS_DIR = BASE_DIR / "packs"
# The admin warns when the working-day calendar ends within this many days.
KUAIBAN_CALENDAR_WARN_DAYS = 90

# Every handler masks ID numbers, phone numbers and signed-link signatures (kuaiban/core/masking.py),
# Django's own included: its "django" logger keeps no handler of its own (with DEBUG on, Django's
# console handler printed records unmasked) and passes its records (e.g. "Not Found: <path>") to
# the root handler; runserver's access log ("django.server") gets a masked handler of its own.
# In production (DEBUG off) every line is one JSON object (kuaiban/core/json_logs.py) with the
# request id of the request or delivery it belongs to (kuaiban/core/request_id.py);
# KUAIBAN_LOG_FORMAT=plain gives readable lines instead, the default with DEBUG on.
KUAIBAN_LOG_LEVEL = env_str("KUAIBAN_LOG_LEVEL", "INFO").upper()
KUAIBAN_LOG_FORMAT = env_str("KUAIBAN_LOG_FORMAT", "plain" if DEBUG else "json").lower()
if KUAIBAN_LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(
        f"环境变量 KUAIBAN_LOG_FORMAT 应为 json 或 plain，现为 {KUAIBAN_LOG_FORMAT!r}"
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_personal_data": {"()": "kuaiban.core.masking.MaskPersonalDataFilter"},
        "request_id": {"()": "kuaiban.core.request_id.RequestIdLogFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "kuaiban.core.json_logs.JsonLogFormatter"},
        "server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["mask_personal_data", "request_id"],
            "formatter": KUAIBAN_LOG_FORMAT,
        },
        "server": {
            "class": "logging.StreamHandler",
            "filters": ["mask_personal_data"],
            "formatter": "server",
        },
    },
    "root": {"handlers": ["console"], "level": KUAIBAN_LOG_LEVEL},
    "loggers": {
        "django": {"handlers": [], "level": KUAIBAN_LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
    },
}
