"""Checksums of Chinese identifiers: 居民身份证号 (GB 11643-1999) and 统一社会信用代码 (GB 32100-2015)."""

from __future__ import annotations

import datetime as dt

from kuaiban.core.text import is_ascii_digits

_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"

# GB 32100: the 31 characters allowed (no I, O, Z, S, V) and their weights.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def id_number_error(value: str) -> str | None:
    """Why ``value`` is not a valid 18-character ID number, or None if it is."""
    value = value.strip().upper()
    if len(value) != 18:
        return "居民身份证号应为18位"
    if not is_ascii_digits(value[:17]) or not (is_ascii_digits(value[17]) or value[17] == "X"):
        return "居民身份证号前17位应为数字，最后一位为数字或X"
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "居民身份证号中的出生日期无效"
    total = sum(int(digit) * weight for digit, weight in zip(value[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != value[17]:
        return "居民身份证号校验位不正确"
    return None


def id_number_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def credit_code_error(value: str) -> str | None:
    """Why ``value`` is not a valid 统一社会信用代码, or None if it is."""
    value = value.strip().upper()
    if len(value) != 18:
        return "统一社会信用代码应为18位"
    if any(ch not in _USCC_CHARS for ch in value):
        return "统一社会信用代码含有不允许的字符（不使用I、O、Z、S、V）"
    if value[8] not in "0123456789" + _USCC_CHARS:
        return "统一社会信用代码格式不正确"
    if credit_code_check_char(value[:17]) != value[17]:
        return "统一社会信用代码校验位不正确"
    return None


def credit_code_check_char(first17: str) -> str:
    total = sum(
        _USCC_CHARS.index(ch) * w for ch, w in zip(first17.upper(), _USCC_WEIGHTS, strict=True)
    )
    return _USCC_CHARS[(31 - total % 31) % 31]


def birth_date(id_number: str) -> dt.date:
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
