"""Typed reading of values from a parsed YAML mapping, recording a Problem for each bad one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from kuaiban.bundles.citations import citation_problem
from kuaiban.bundles.packfile.reader import LineDict, Problem
from kuaiban.calendar.limits import LimitUnit, TimeLimit


class ValueReader:
    """Reads fields of one file; every problem found is appended to ``problems``."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    def text(self, data: LineDict, key: str, *, where: str, required: bool = True) -> str:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.problem(data.line_of(key), f"{where}缺少“{key}”")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float | dt.date):
            self.problem(data.line_of(key), f"{where}的“{key}”应为文字")
            return ""
        return str(value).strip()

    def source(self, data: LineDict, key: str = "source", *, where: str) -> str:
        """A citation label (`source:`), checked against the one scheme (`bundles/citations.py`)."""
        label = self.text(data, key, where=where)
        problem = citation_problem(label) if label else ""
        if problem:
            self.problem(data.line_of(key), f"{where}：{problem}")
        return label

    def flag(self, data: LineDict, key: str, *, where: str, default: bool | None = None) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.problem(data.line_of(key), f"{where}的“{key}”应为 true 或 false")
            return False
        return value

    def integer(self, data: LineDict, key: str, *, where: str, default: int | None = None) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.problem(data.line_of(key), f"{where}的“{key}”应为非负整数")
            return 0
        return value

    def choice(
        self, data: LineDict, key: str, allowed: Iterable[str], *, where: str, required: bool = True
    ) -> str:
        value = self.text(data, key, where=where, required=required)
        options = list(allowed)
        if value and value not in options:
            self.problem(
                data.line_of(key), f"{where}的“{key}”为“{value}”，应为 {' / '.join(options)} 之一"
            )
            return ""
        return value

    def date(self, data: LineDict, key: str, *, where: str) -> dt.date | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.problem(data.line_of(key), f"{where}的“{key}”应为日期 YYYY-MM-DD")
            return None

    def strings(self, data: LineDict, key: str, *, where: str) -> list[str]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
            self.problem(data.line_of(key), f"{where}的“{key}”应为文字列表")
            return []
        return [str(v).strip() for v in value]

    def mappings(
        self, data: LineDict, key: str, *, where: str, required: bool = False
    ) -> list[LineDict]:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(data.line_of(key), f"{where}缺少“{key}”列表")
            return []
        if not isinstance(value, list):
            self.problem(data.line_of(key), f"{where}的“{key}”应为列表")
            return []
        good = [v for v in value if isinstance(v, LineDict)]
        if len(good) != len(value):
            self.problem(data.line_of(key), f"{where}的“{key}”中每一项都应为键值映射")
        return good

    def mapping(self, data: LineDict, key: str, *, where: str) -> LineDict:
        value = data.get(key)
        if not isinstance(value, LineDict):
            self.problem(data.line_of(key), f"{where}缺少“{key}”或其格式不是键值映射")
            empty = LineDict()
            empty.line, empty.key_lines = data.line_of(key), {}
            return empty
        return value

    def limit(self, data: LineDict, key: str, *, where: str, missing: str = "") -> TimeLimit | None:
        """A time limit, or None when absent/null or malformed.

        ``missing`` makes the limit required: that message is reported when the key is absent
        or null, and only then — a malformed limit has its own problem already.
        """
        value: Any = data.get(key)
        if value is None:
            if missing:
                self.problem(data.line_of(key), missing)
            return None
        line = data.line_of(key)
        if not isinstance(value, LineDict):
            self.problem(line, f"{where}的“{key}”应为 {{value: N, unit: working_days}} 或 null")
            return None
        unit = value.get("unit")
        if unit not in LimitUnit.values:
            self.problem(
                line, f"{where}的“{key}”单位“{unit}”无效，应为 {' / '.join(LimitUnit.values)} 之一"
            )
            return None
        if unit == LimitUnit.INSTANT:
            return TimeLimit(LimitUnit.INSTANT)
        number = value.get("value")
        if isinstance(number, bool) or not isinstance(number, int) or number <= 0:
            self.problem(line, f"{where}的“{key}”数值应为正整数")
            return None
        return TimeLimit(LimitUnit(unit), number)
