"""System checks: a wrong shared-data setting fails `kuaiban check` and start-up, not a lookup."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from django.core.checks import CheckMessage, Error, register
from django.core.checks import Warning as CheckWarning

from kuaiban.shareddata.connectors import connector_settings

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@register()
def shared_data_settings_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    config = connector_settings()
    messages: list[CheckMessage] = [
        Error(problem, id="shareddata.E001") for problem in config.problems()
    ]
    if not messages and config.kind == "http":
        parsed = urlparse(config.url)
        if parsed.scheme == "http" and parsed.hostname not in _LOOPBACK:
            messages.append(
                CheckWarning(
                    "共享数据平台地址使用明文 http：身份证号与令牌将以明文传输",
                    hint="请使用 https:// 地址。",
                    id="shareddata.W001",
                )
            )
    return messages
