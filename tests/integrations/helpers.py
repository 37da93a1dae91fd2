from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from unittest import mock

from django.core.files.base import ContentFile
from django.db.models import Model
from django.utils import timezone

from kuaiban.applications.models import ApplicationMaterial
from kuaiban.integrations.worker import DrainResult, outbox_drain
from tests.integrations.conftest import SECRET

# A PDF larger than FileResponse's block, so a download really streams in pieces.
PDF = b"%PDF-1.4\n" + os.urandom(200_000) + b"\n%%EOF\n"


def later(**delta: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(**delta)


def drain(*, at: dt.datetime | None = None, worker: str = "w1", limit: int = 100) -> DrainResult:
    return outbox_drain(limit=limit, now=at or timezone.now(), worker_id=worker)


M = TypeVar("M", bound=Model)


def fresh(row: M) -> M:
    row.refresh_from_db()
    return row


def agency_headers(
    path: str,
    *,
    agency: str = "jn-si",
    secret: str = SECRET,
    at: float = 0,
    method: str = "GET",
    body: bytes = b"",
) -> dict[str, str]:
    """The agency's side of a signed request, GET or POST (over method, path, timestamp and
    body), written from the README with its own HMAC code, independent of
    ``kuaiban.integrations.signing``."""
    timestamp = str(int(at or time.time()))
    message = f"{method}\n{path}\n{timestamp}\n".encode() + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return {
        "X-Kuaiban-Agency": agency,
        "X-Kuaiban-Timestamp": timestamp,
        "X-Kuaiban-Signature": f"sha256={digest}",
    }


def body_only_headers(
    body: bytes, *, agency: str = "jn-si", secret: str = SECRET, at: float = 0
) -> dict[str, str]:
    """The old scheme for an agency's POSTs (and still the webhooks'): ``"<timestamp>." + body``,
    which names no path. Refused on every request to the platform."""
    timestamp = str(int(at or time.time()))
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return {
        "X-Kuaiban-Agency": agency,
        "X-Kuaiban-Timestamp": timestamp,
        "X-Kuaiban-Signature": f"sha256={digest.hexdigest()}",
    }


def upload(application: Any, code: str, *, content: bytes = PDF, record: bool = True) -> Any:
    """The applicant's uploaded file for ``code``, stored as ``applications.materials`` does."""
    material, _ = ApplicationMaterial.objects.get_or_create(
        application=application, code=code, defaults={"name": code}
    )
    material.provision = "uploaded"
    material.due_date = None
    material.content_type = "application/pdf"
    material.size = len(content) if record else 0
    material.sha256 = hashlib.sha256(content).hexdigest() if record else ""
    material.file.save(f"{application.number}-{code}.pdf", ContentFile(content), save=False)
    material.save()
    return material


@contextmanager
def platform_clock_at_whole_second() -> Iterator[float]:
    """The platform's clock held at a whole second (yielded): a signature timestamp one second
    outside the 300 s window stays outside however long the request takes on a busy machine
    (the timestamp travels in whole seconds)."""
    now = float(int(time.time()))
    with mock.patch("kuaiban.integrations.signing.time.time", return_value=now):
        yield now
