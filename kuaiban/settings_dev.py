"""Settings for `make demo` and local development: DEBUG on, a per-checkout secret key under var/."""

import os
import secrets
from pathlib import Path

_var = Path(os.environ.get("KUAIBAN_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))
_var.mkdir(parents=True, exist_ok=True)
_key_file = _var / "secret_key"
if not _key_file.exists():
    _key_file.write_text(secrets.token_urlsafe(50))
os.environ.setdefault("DJANGO_SECRET_KEY", _key_file.read_text().strip())
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")

from kuaiban.settings import *  # noqa: E402,F403

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405

# The embedded default: the outbox worker runs inside `runserver`, no extra process needed.
KUAIBAN_INPROCESS_WORKER = True
