"""System checks: a typo in KUAIBAN_AUTH_BACKENDS should stop the deploy, not the first log-in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.utils.module_loading import import_string


@register("security")
def check_auth_backends(
    *, app_configs: Sequence[AppConfig] | None, databases: Sequence[str] | None, **kwargs: Any
) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for path in settings.AUTHENTICATION_BACKENDS:
        try:
            import_string(path)
        except ImportError as exc:
            errors.append(
                Error(
                    f"认证后端 {path} 无法导入：{exc}",
                    hint="检查环境变量 KUAIBAN_AUTH_BACKENDS（逗号分隔的类路径），并安装所需的包。",
                    id="accounts.E001",
                )
            )
    if settings.KUAIBAN_TOKEN_TTL_HOURS <= 0:
        errors.append(Error("KUAIBAN_TOKEN_TTL_HOURS 必须是正整数（小时）。", id="accounts.E002"))
    return errors
