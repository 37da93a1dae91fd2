"""Every environment variable the documentation names changes its setting.

The production settings are loaded in a fresh interpreter twice: once with none of the variables
set (the defaults), once with each set to a value different from its default.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Variable → (value to set, setting it changes, value that setting must then have).
EXPECTED: dict[str, tuple[str, str, Any]] = {
    "DJANGO_DEBUG": ("1", "DEBUG", True),
    "DJANGO_ALLOWED_HOSTS": (
        "a.example.cn, b.example.cn",
        "ALLOWED_HOSTS",
        ["a.example.cn", "b.example.cn"],
    ),
    "DJANGO_CSRF_TRUSTED_ORIGINS": (
        "https://a.example.cn",
        "CSRF_TRUSTED_ORIGINS",
        ["https://a.example.cn"],
    ),
    "DJANGO_SECURE_COOKIES": ("0", "SESSION_COOKIE_SECURE", False),
    "DATABASE_URL": (
        "postgres://u:p@db.example.cn:5432/kb",
        "DATABASES.default.HOST",
        "db.example.cn",
    ),
    "DATABASE_CONN_MAX_AGE": ("7", "DATABASES.default.CONN_MAX_AGE", 7),
    "DATABASE_POOL_SIZE": ("4", "DATABASES.default.OPTIONS.pool.max_size", 4),
    "DATABASE_PREPARE_THRESHOLD": ("2", "DATABASES.default.OPTIONS.prepare_threshold", 2),
    "DATABASE_SESSION_OPTIONS": ("-c jit=on", "DATABASES.default.OPTIONS.options", "-c jit=on"),
    "DATABASE_REPLICA_URL": (
        "postgres://reader@replica.example.cn:5432/kb",
        "DATABASES.replica.HOST",
        "replica.example.cn",
    ),
    "KUAIBAN_LOG_FORMAT": ("plain", "KUAIBAN_LOG_FORMAT", "plain"),
    "KUAIBAN_METRICS_TOKEN": ("scrape-token", "KUAIBAN_METRICS_TOKEN", "scrape-token"),
    "KUAIBAN_VAR_DIR": ("/srv/kb-var", "VAR_DIR", "/srv/kb-var"),
    "KUAIBAN_MEDIA_ROOT": ("/srv/kb-media", "MEDIA_ROOT", "/srv/kb-media"),
    "KUAIBAN_STATIC_ROOT": ("/srv/kb-static", "STATIC_ROOT", "/srv/kb-static"),
    "KUAIBAN_LOG_LEVEL": ("warning", "KUAIBAN_LOG_LEVEL", "WARNING"),
    "KUAIBAN_UPLOAD_MAX_BYTES": ("1234", "KUAIBAN_UPLOAD_MAX_BYTES", 1234),
    "KUAIBAN_REQUEST_MAX_BYTES": ("5678", "KUAIBAN_REQUEST_MAX_BYTES", 5678),
    "KUAIBAN_S3_BUCKET": ("kb-files", "STORAGES.default.OPTIONS.bucket_name", "kb-files"),
    "KUAIBAN_S3_ENDPOINT_URL": (
        "https://s3.example.cn",
        "STORAGES.default.OPTIONS.endpoint_url",
        "https://s3.example.cn",
    ),
    "KUAIBAN_S3_REGION": ("cn-north-1", "STORAGES.default.OPTIONS.region_name", "cn-north-1"),
    "KUAIBAN_GAP_WORKING_DAYS": ("7", "KUAIBAN_GAP_WORKING_DAYS", 7),
    "KUAIBAN_OFFICE_HOURS": ("08:30-17:30", "KUAIBAN_OFFICE_HOURS", "08:30-17:30"),
    "KUAIBAN_AUTH_BACKENDS": (
        "province.sso.Backend",
        "AUTHENTICATION_BACKENDS",
        ["province.sso.Backend"],
    ),
    "KUAIBAN_TOKEN_TTL_HOURS": ("2", "KUAIBAN_TOKEN_TTL_HOURS", 2),
    "KUAIBAN_TRUSTED_PROXY_COUNT": ("1", "KUAIBAN_TRUSTED_PROXY_COUNT", 1),
    "KUAIBAN_SSO_LOGIN_URL": (
        "/oidc/authenticate/",
        "KUAIBAN_SSO_LOGIN_URL",
        "/oidc/authenticate/",
    ),
    "KUAIBAN_SSO_LABEL": (
        "使用山东省统一身份认证平台登录",
        "KUAIBAN_SSO_LABEL",
        "使用山东省统一身份认证平台登录",
    ),
    "KUAIBAN_SHARED_DATA": ("http", "KUAIBAN_SHARED_DATA", "http"),
    "KUAIBAN_SHARED_DATA_URL": (
        "https://share.example.cn/api/v1",
        "KUAIBAN_SHARED_DATA_URL",
        "https://share.example.cn/api/v1",
    ),
    "KUAIBAN_SHARED_DATA_TIMEOUT": ("1.5", "KUAIBAN_SHARED_DATA_TIMEOUT", 1.5),
    "KUAIBAN_SHARED_DATA_TOKEN": ("share-token", "KUAIBAN_SHARED_DATA_TOKEN", "share-token"),
    "KUAIBAN_OUTBOX_MAX_ATTEMPTS": ("3", "KUAIBAN_OUTBOX_MAX_ATTEMPTS", 3),
    "KUAIBAN_OUTBOX_LEASE_SECONDS": ("30", "KUAIBAN_OUTBOX_LEASE_SECONDS", 30.0),
    "KUAIBAN_WEBHOOK_TIMEOUT": ("2.5", "KUAIBAN_WEBHOOK_TIMEOUT", 2.5),
    "KUAIBAN_DUE_SOON_HOURS": ("6", "KUAIBAN_DUE_SOON_HOURS", 6.0),
    "KUAIBAN_NOTIFY_CHANNELS": ("console,sms", "KUAIBAN_NOTIFY_CHANNELS", ["console", "sms"]),
    "KUAIBAN_SMS_URL": (
        "https://sms.example.cn/send",
        "KUAIBAN_SMS_URL",
        "https://sms.example.cn/send",
    ),
    "KUAIBAN_SMS_TOKEN": ("sms-token", "KUAIBAN_SMS_TOKEN", "sms-token"),
    "KUAIBAN_PUBLIC_URL": ("https://kb.example.cn/", "KUAIBAN_PUBLIC_URL", "https://kb.example.cn"),
    "KUAIBAN_INPROCESS_WORKER": ("yes", "KUAIBAN_INPROCESS_WORKER", True),
    "KUAIBAN_RATING_PUSH_URL": (
        "https://hcp.example.cn/push",
        "KUAIBAN_RATING_PUSH_URL",
        "https://hcp.example.cn/push",
    ),
    "KUAIBAN_RATING_PUSH_TOKEN": ("push-token", "KUAIBAN_RATING_PUSH_TOKEN", "push-token"),
    "KUAIBAN_RATING_PUSH_TIMEOUT": ("9", "KUAIBAN_RATING_PUSH_TIMEOUT", 9.0),
    "KUAIBAN_RATING_REMIND_DAYS": ("4", "KUAIBAN_RATING_REMIND_DAYS", 4),
    "KUAIBAN_DEFAULT_RATING_DAYS": ("10", "KUAIBAN_DEFAULT_RATING_DAYS", 10),
    "KUAIBAN_DEFAULT_RATING_LEVEL": ("5", "KUAIBAN_DEFAULT_RATING_LEVEL", 5),
    "KUAIBAN_CALLBACK_WORKING_DAYS": ("2", "KUAIBAN_CALLBACK_WORKING_DAYS", 2),
    "KUAIBAN_VERIFY_WORKING_DAYS": ("4", "KUAIBAN_VERIFY_WORKING_DAYS", 4),
    "KUAIBAN_RECTIFY_WORKING_DAYS": ("6", "KUAIBAN_RECTIFY_WORKING_DAYS", 6),
    "KUAIBAN_FEEDBACK_WORKING_DAYS": ("3", "KUAIBAN_FEEDBACK_WORKING_DAYS", 3),
    "KUAIBAN_REPORT_DAYS": ("6", "KUAIBAN_REPORT_DAYS", 6),
    "KUAIBAN_APPEAL_DAYS": ("20", "KUAIBAN_APPEAL_DAYS", 20),
    "KUAIBAN_REVIEW_WORKING_DAYS": ("7", "KUAIBAN_REVIEW_WORKING_DAYS", 7),
    "KUAIBAN_VISIT_RATING_LINK_DAYS": ("30", "KUAIBAN_VISIT_RATING_LINK_DAYS", 30),
    "KUAIBAN_CARD_TEMPORARY_LOSS_DAYS": ("7", "KUAIBAN_CARD_TEMPORARY_LOSS_DAYS", 7),
    "KUAIBAN_SUPERVISION_CACHE_SECONDS": ("60", "KUAIBAN_SUPERVISION_CACHE_SECONDS", 60),
    "KUAIBAN_SUPERVISION_READ_THREADS": ("2", "KUAIBAN_SUPERVISION_READ_THREADS", 2),
    "KUAIBAN_PROBLEM_REPORT_WORKING_DAYS": ("9", "KUAIBAN_PROBLEM_REPORT_WORKING_DAYS", 9),
    "KUAIBAN_SIGNING_KEY": ("/srv/keys/k.pem", "KUAIBAN_SIGNING_KEY", "/srv/keys/k.pem"),
    "KUAIBAN_SIGNING_CERT": ("/srv/keys/c.pem", "KUAIBAN_SIGNING_CERT", "/srv/keys/c.pem"),
    "KUAIBAN_SIGNING_KEY_PASSPHRASE": ("s3cret", "KUAIBAN_SIGNING_KEY_PASSPHRASE", "s3cret"),
    "KUAIBAN_SIGNING_SEAL_NAME": ("济南市人社局", "KUAIBAN_SIGNING_SEAL_NAME", "济南市人社局"),
    "KUAIBAN_KIOSK_IDLE_SECONDS": ("60", "KUAIBAN_KIOSK_IDLE_SECONDS", 60),
    "KUAIBAN_VERIFY_LOOKUPS": ("50", "KUAIBAN_VERIFY_LOOKUPS", 50),
    "KUAIBAN_VERIFY_WINDOW_SECONDS": ("60", "KUAIBAN_VERIFY_WINDOW_SECONDS", 60),
    "KUAIBAN_SUPERVISION_ROLLUP_SECONDS": ("60", "KUAIBAN_SUPERVISION_ROLLUP_SECONDS", 60),
    "KUAIBAN_WALK_SPEED_KMH": ("5", "KUAIBAN_WALK_SPEED_KMH", 5.0),
    "KUAIBAN_CITY_WALK_MINUTES": ("10", "KUAIBAN_CITY_WALK_MINUTES", 10),
    "KUAIBAN_RURAL_RADIUS_KM": ("3", "KUAIBAN_RURAL_RADIUS_KM", 3.0),
    "KUAIBAN_MAP_TILE_URL": (
        "https://tiles.example.cn/{z}/{x}/{y}.png",
        "KUAIBAN_MAP_TILE_URL",
        "https://tiles.example.cn/{z}/{x}/{y}.png",
    ),
    "KUAIBAN_MAP_ATTRIBUTION": ("某市测绘院", "KUAIBAN_MAP_ATTRIBUTION", "某市测绘院"),
    "KUAIBAN_GREEN_CHANNEL_AGE": ("65", "KUAIBAN_GREEN_CHANNEL_AGE", 65),
    "KUAIBAN_NO_SHOW_LIMIT": ("2", "KUAIBAN_NO_SHOW_LIMIT", 2),
    "KUAIBAN_NO_SHOW_WINDOW_DAYS": ("60", "KUAIBAN_NO_SHOW_WINDOW_DAYS", 60),
    "KUAIBAN_NO_SHOW_BLOCK_DAYS": ("14", "KUAIBAN_NO_SHOW_BLOCK_DAYS", 14),
    "KUAIBAN_APPOINTMENT_REMIND_HOURS": ("2", "KUAIBAN_APPOINTMENT_REMIND_HOURS", 2),
    "KUAIBAN_REDIS_URL": (
        "redis://cache.example.cn:6379/0",
        "CACHES.default.LOCATION",
        "redis://cache.example.cn:6379/0",
    ),
}
# Named in the documentation, but not settings of ours: Django's own, the secret key (required,
# so it has no default to change), and scripts/run_tests.py's switches.
NOT_SETTINGS = {
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_SECRET_KEY",
    "KUAIBAN_TEST_SEQUENTIAL",
    "KUAIBAN_TEST_WORKERS",
    "KUAIBAN_FUZZ_EXAMPLES",  # the API fuzz run's size (tests/api_fuzz), not a setting
    "KUAIBAN_PREFILL_EVERY_PERSON",  # the prefilled-form test checks all 1,000 people, not a setting
}
# Debug mode turns secure cookies off by itself, and a pool turns persistent connections off
# (Django allows only one of them): each is checked on its own.
ALONE = {"DJANGO_DEBUG", "DATABASE_CONN_MAX_AGE"}

# The settings module alone, as Django reads it at start-up (before any app is loaded: no
# AppConfig.ready() changes a setting), so each probe is a bare interpreter, not a whole start.
_PROBE = """
import json, sys
from django.conf import settings
out = {}
for path in sys.argv[1:]:
    value = settings
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
    out[path] = value if isinstance(value, (bool, int, float, list, type(None))) else str(value)
print(json.dumps(out))
"""


def _documented() -> set[str]:
    docs = [ROOT / "README.md", *ROOT.glob("docs/*.md"), *ROOT.glob("kuaiban/*/README.md")]
    pattern = re.compile(r"\b(?:KUAIBAN|DJANGO|DATABASE)_[A-Z0-9_]*[A-Z0-9]\b")
    return {name for doc in docs for name in pattern.findall(doc.read_text(encoding="utf-8"))}


def _settings(environment: dict[str, str]) -> dict[str, Any]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("KUAIBAN_", "DJANGO_", "DATABASE_"))
    }
    env.update(DJANGO_SETTINGS_MODULE="kuaiban.settings", DJANGO_SECRET_KEY="probe-secret-key")
    env.update(environment)
    paths = sorted({setting for _, setting, _ in EXPECTED.values()})
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *paths],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_every_documented_variable_is_covered_here() -> None:
    assert _documented() - NOT_SETTINGS == set(EXPECTED)


@pytest.fixture(scope="module")
def defaults() -> dict[str, Any]:
    return _settings({})


@pytest.fixture(scope="module")
def configured() -> dict[str, Any]:
    # The probe reads the settings, not the storage or the cache: neither is connected to.
    return _settings({name: value for name, (value, _, _) in EXPECTED.items() if name not in ALONE})


@pytest.mark.parametrize("name", sorted(set(EXPECTED) - ALONE))
def test_the_variable_changes_its_setting(name: str, defaults, configured) -> None:  # type: ignore[no-untyped-def]
    _, setting, wanted = EXPECTED[name]
    assert configured[setting] == wanted
    assert defaults[setting] != wanted


@pytest.mark.parametrize("name", sorted(ALONE))
def test_the_variable_alone_changes_its_setting(name: str, defaults) -> None:  # type: ignore[no-untyped-def]
    value, setting, wanted = EXPECTED[name]
    assert _settings({name: value})[setting] == wanted
    assert defaults[setting] != wanted


def test_a_value_of_the_wrong_type_stops_start_up_with_its_name() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KUAIBAN_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="kuaiban.settings",
        DJANGO_SECRET_KEY="probe-secret-key",
        KUAIBAN_OUTBOX_MAX_ATTEMPTS="eight",
    )
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "KUAIBAN_OUTBOX_MAX_ATTEMPTS" in done.stderr and "'eight'" in done.stderr
