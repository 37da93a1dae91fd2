"""What text the platform accepts from outside: no control characters, no direction overrides.

A NUL byte is refused by PostgreSQL (a 500 there) and stored as-is by SQLite; other control
characters and the bidirectional overrides (U+202E makes ``gpj.exe`` read ``exe.jpg``) have no
place in a name, a code or a comment. Every entry point checks with the one function here:
the request guard (paths and query strings), the JSON body parser (every string and key), the
merged form, and the web forms' own parsers.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

# C0 and C1 controls and DEL, except tab and line breaks (which comments and notes may hold);
# the bidirectional embeddings, overrides and isolates (U+202A–E, U+2066–9).
_FORBIDDEN_CLASS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_FORBIDDEN = re.compile(f"[{_FORBIDDEN_CLASS}]")
# The same rule as a JSON-schema pattern, so the OpenAPI document says it (checked above, with
# our message, not by the pattern).
_DOCUMENTED = Field(json_schema_extra={"pattern": f"^[^{_FORBIDDEN_CLASS}]*$"})
CONTROL_MESSAGE = "含有不允许的控制字符或文字方向控制符"
_ASCII_DIGITS = re.compile(r"[0-9]+")


def text_error(value: str) -> str | None:
    """Why ``value`` is refused as text from outside, or None."""
    return CONTROL_MESSAGE if _FORBIDDEN.search(value) else None


def is_ascii_digits(value: str) -> bool:
    """Only 0–9, at least one: ``str.isdigit`` also accepts "²" and "٣", which ``int`` refuses."""
    return _ASCII_DIGITS.fullmatch(value) is not None


def _refuse_controls(value: str) -> str:
    if text_error(value):
        raise PydanticCustomError("control_characters", CONTROL_MESSAGE)
    return value


Text = Annotated[str, AfterValidator(_refuse_controls), _DOCUMENTED]
"""Any text from outside; give it a bound with ``Field(max_length=…)`` where it is used."""

# The API's strings, each with a documented bound (they feed the OpenAPI document).
Code = Annotated[
    str, StringConstraints(max_length=64), AfterValidator(_refuse_controls), _DOCUMENTED
]
"""A code or key: a pack, bundle, scenario, item, material, question or form-field code."""
Line = Annotated[
    str, StringConstraints(max_length=200), AfterValidator(_refuse_controls), _DOCUMENTED
]
"""One line: a name, a phone number, a form value, one correction item."""
Note = Annotated[
    str, StringConstraints(max_length=2000), AfterValidator(_refuse_controls), _DOCUMENTED
]
"""Free text of a few paragraphs: a decision note, a comment."""
