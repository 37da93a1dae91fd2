"""What text is accepted from outside, and the one JSON reading of request bodies."""

from __future__ import annotations

import pytest

from kuaiban.core.errors import MalformedJson, Unprocessable, json_body_load
from kuaiban.core.text import is_ascii_digits, text_error


@pytest.mark.parametrize(
    "value", ["a\x00b", "\x1b[31m", "\x7f", "\x85", "张三\u202e", "\u2066x\u2069", "a\x0bb"]
)
def test_control_characters_and_direction_overrides_are_refused(value: str) -> None:
    assert text_error(value) is not None


@pytest.mark.parametrize("value", ["张三", "第一行\n第二行\r\n", "a\tb", "Zoë O'Brien", ""])
def test_ordinary_text_with_line_breaks_and_tabs_is_accepted(value: str) -> None:
    assert text_error(value) is None


@pytest.mark.parametrize(
    ("value", "ok"), [("0123", True), ("²", False), ("٣", False), ("１２", False), ("", False)]
)
def test_only_ascii_digits_are_digits(value: str, ok: bool) -> None:
    assert is_ascii_digits(value) is ok


@pytest.mark.parametrize("raw", ["NaN", '{"a": Infinity}', '{"a": [-Infinity]}', "{not json"])
def test_bare_nan_infinity_and_malformed_json_are_malformed(raw: str) -> None:
    with pytest.raises(MalformedJson):
        json_body_load(raw)


def test_a_control_character_anywhere_is_named_by_its_path() -> None:
    with pytest.raises(Unprocessable) as caught:
        json_body_load('{"form": {"name": "a\\u0000"}, "items": ["x", "\\u202e"], "ok": "y"}')
    assert set(caught.value.fields or {}) == {"form.name", "items.1"}


def test_a_control_character_in_a_key_is_refused_without_echoing_it() -> None:
    with pytest.raises(Unprocessable) as caught:
        json_body_load('{"answers": {"a\\u0000": true}}')
    fields = caught.value.fields or {}
    assert list(fields) == ["answers"] and "\x00" not in str(fields)


def test_clean_json_is_returned_as_parsed() -> None:
    assert json_body_load(b'{"a": [1, 2.5, "\\u5f20", null, true]}') == {
        "a": [1, 2.5, "张", None, True]
    }
