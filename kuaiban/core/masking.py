"""Masking of personal data (居民身份证号, 统一社会信用代码, 手机号) for lists and logs."""

from __future__ import annotations

import logging
import re

# An 18-character ID number (last may be X); an 11-digit mobile number starting with 1, maybe
# glued to its country code as SMS gateways log it (+8613812345678, 008613812345678).
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
# A token signed with django.core.signing (payload:timestamp:signature), e.g. in a personal
# rating link: whoever holds the signature can use the link, so logs keep only its first part.
# In a URL the colons may arrive percent-encoded (%3A).
_COLON = r"(?::|%3[Aa])"
_SIGNED_TOKEN = re.compile(
    rf"([A-Za-z0-9_-]{{4,}}{_COLON}[A-Za-z0-9]{{4,8}}{_COLON})[A-Za-z0-9_-]{{20,}}"
)
_MOBILE = re.compile(r"(?<!\d)((?:\+|00)?86)?(1[3-9]\d)\d{4}(\d{4})(?!\d)")

# However short the value, at least this many characters are hidden.
_MIN_HIDDEN = 4


def _mask_middle(value: str, *, head: int, tail: int, min_length: int) -> str:
    """Keep ``head`` and ``tail`` characters of a value of the expected format, hide the rest.

    Shorter than ``min_length``: all hidden. Too short for its format to hide ``_MIN_HIDDEN``
    characters: at most a quarter is kept at each end, so at least half is hidden.
    """
    if len(value) < min_length:
        return "*" * len(value)
    if len(value) - head - tail < _MIN_HIDDEN:
        head = tail = len(value) // 4
    return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail :]


def mask_id_number(value: str) -> str:
    """110101199003074518 → 110101********4518 (region and last four stay readable)."""
    return _mask_middle(value.strip(), head=6, tail=4, min_length=9)


def mask_credit_code(value: str) -> str:
    """91370100MA3C0001XY → 913701********01XY: the same layout as an ID number."""
    return mask_id_number(value)


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678."""
    return _mask_middle(value.strip(), head=3, tail=4, min_length=7)


def mask_card_number(value: str) -> str:
    """A certificate or card number (社会保障卡卡号): only the last four stay readable."""
    return _mask_middle(value.strip(), head=0, tail=4, min_length=8)


def mask_text(text: str) -> str:
    """Mask every ID number, mobile number and signed-link signature in free text (log lines)."""
    text = _SIGNED_TOKEN.sub(lambda m: m.group(1) + "***", text)
    text = _ID_NUMBER.sub(lambda m: m.group(1) + "********" + m.group(2), text)
    return _MOBILE.sub(lambda m: (m.group(1) or "") + m.group(2) + "****" + m.group(3), text)


class MaskPersonalDataFilter(logging.Filter):
    """Logging filter: no log line leaves the process with a full ID or phone number.

    The message, the traceback of a logged exception and the stack of ``stack_info=True`` are
    all masked. The traceback is formatted here, because handlers format it only after their
    filters have run; the formatter then uses the masked ``exc_text`` as it is.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg = masked
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True
