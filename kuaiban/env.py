"""Typed readers of environment variables, for ``kuaiban/settings.py`` only.

Each setting is declared once there, as ``NAME = env_<type>("NAME", default)``: the variable, its
type and its default in one line. A value that cannot be read as its type stops start-up with
the variable's name, instead of being ignored or failing later at first use.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else value.strip()


def _invalid(name: str, value: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"环境变量 {name} 应为{expected}，现为 {value!r}")


def env_str(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool = False) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise _invalid(name, value, "开关（1/0、true/false、yes/no、on/off）")


def env_int(name: str, default: int) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise _invalid(name, value, "整数") from None


def env_optional_int(name: str, default: int | None = None) -> int | None:
    """An integer, or None when unset or empty (a feature that is off unless set)."""
    value = _raw(name)
    if value is None or value == "":
        return default
    return env_int(name, 0)


def env_float(name: str, default: float) -> float:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise _invalid(name, value, "数字") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    """Comma-separated values; unset or empty gives the default."""
    value = _raw(name)
    parts = [part.strip() for part in (value or "").split(",") if part.strip()]
    return parts or list(default or [])


def env_path(name: str, default: Path) -> Path:
    value = _raw(name)
    return Path(value) if value else default
