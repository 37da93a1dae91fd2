"""Connectors to shared data: what the bureau already knows about an applicant.

A connector answers one question: given an ID number or a credit code, which values
(``person.name``, ``insurance.contribution_months`` …) and which kinds of record
(``person``, ``insurance`` … as in ``catalogue.SharedSource``) are on file, and where
each came from, so an application can record the use (which source, which record, when).

Two connectors: ``LocalConnector`` (this platform's own tables, the default) and
``HttpConnector`` (the province's data-sharing platform). Settings choose one:

- ``KUAIBAN_SHARED_DATA``: ``"local"`` (default) or ``"http"``;
- ``KUAIBAN_SHARED_DATA_URL``: the platform's base URL (``http`` only);
- ``KUAIBAN_SHARED_DATA_TIMEOUT``: seconds, default 3;
- ``KUAIBAN_SHARED_DATA_TOKEN``: sent as ``Authorization: Bearer …``.

Callers normally use ``shareddata.selectors.lookup_person`` / ``lookup_enterprise``,
which turn ``SharedDataUnavailable`` into a notice for the applicant.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from kuaiban.shareddata.connectors.base import (
    ENTERPRISE_PATHS,
    PERSON_PATHS,
    PREFILL_PATHS,
    SHARED_SOURCES,
    RecordRef,
    SharedDataConnector,
    SharedDataUnavailable,
    SharedProfile,
)
from kuaiban.shareddata.connectors.http import HttpConnector
from kuaiban.shareddata.connectors.local import LocalConnector

__all__ = [
    "ENTERPRISE_PATHS",
    "PERSON_PATHS",
    "PREFILL_PATHS",
    "SHARED_SOURCES",
    "ConnectorSettings",
    "HttpConnector",
    "LocalConnector",
    "RecordRef",
    "SharedDataConnector",
    "SharedDataUnavailable",
    "SharedProfile",
    "connector_settings",
    "default_connector",
]

CONNECTOR_KINDS = ("local", "http")


@dataclass(frozen=True)
class ConnectorSettings:
    kind: str
    url: str
    timeout: float
    token: str

    def problems(self) -> list[str]:
        """What is wrong with these settings (empty when they can be used)."""
        found = []
        if self.kind not in CONNECTOR_KINDS:
            found.append(f"KUAIBAN_SHARED_DATA 应为 local 或 http，而不是 {self.kind!r}")
        if self.kind == "http" and not self.url.startswith(("http://", "https://")):
            found.append(
                "KUAIBAN_SHARED_DATA=http 时须设置 KUAIBAN_SHARED_DATA_URL（http:// 或 https://）"
            )
        if not self.timeout > 0:
            found.append("KUAIBAN_SHARED_DATA_TIMEOUT 应为正数（秒）")
        return found


def connector_settings() -> ConnectorSettings:
    """The shared-data settings, read afresh (tests override them)."""
    raw_timeout = settings.KUAIBAN_SHARED_DATA_TIMEOUT
    try:
        timeout = float(raw_timeout)
    except (TypeError, ValueError):
        timeout = -1.0  # reported by problems()
    return ConnectorSettings(
        kind=str(settings.KUAIBAN_SHARED_DATA).strip().lower(),
        url=str(settings.KUAIBAN_SHARED_DATA_URL).strip(),
        timeout=timeout,
        token=str(settings.KUAIBAN_SHARED_DATA_TOKEN),
    )


def default_connector() -> SharedDataConnector:
    """The configured connector; a wrong setting is a deployment error, reported loudly."""
    config = connector_settings()
    if problems := config.problems():
        raise ImproperlyConfigured("；".join(problems))
    if config.kind == "http":
        return HttpConnector(url=config.url, timeout=config.timeout, token=config.token)
    return LocalConnector()
