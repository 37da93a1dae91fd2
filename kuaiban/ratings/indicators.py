"""The national 好差评 indicators and the checks on a rating's input (pure: no database).

Ratings store indicators under stable ASCII codes; the labels are the national names.
整体满意度 is the rating's level itself: it may be left out (it is filled in from the level),
and when it is given it must agree with the level.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kuaiban.ratings.models import RatingLevel, RatingSubject

OVERALL = "overall"

# 网上服务（一事一评）
ONLINE_INDICATORS: dict[str, str] = {
    OVERALL: "整体满意度",
    "efficiency": "办事效率",
    "guide_accuracy": "办事指南精确度",
    "convenience": "办事便捷度",
    "usability": "平台操作性",
}

# 窗口服务（一次一评）
WINDOW_INDICATORS: dict[str, str] = {
    OVERALL: "整体满意度",
    "efficiency": "服务效率",
    "skill": "服务水平",
    "attitude": "服务态度",
}

COMMENT_MAX = 1000


def indicators_for(subject: str) -> dict[str, str]:
    return WINDOW_INDICATORS if subject == RatingSubject.VISIT else ONLINE_INDICATORS


def indicator_label(subject: str, code: str) -> str:
    return indicators_for(subject).get(code, code)


@dataclass(frozen=True)
class RatingInput:
    """A rating as given, checked: the level, every indicator, the comment."""

    level: int
    indicators: dict[str, int]
    comment: str


def _is_level(value: Any) -> bool:
    # bool is an int in Python; a tick box is not a level.
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5


def rating_input_check(
    *, subject: str, level: Any, indicators: Any, comment: Any
) -> tuple[RatingInput | None, dict[str, list[str]]]:
    """The checked input, or the problems by field (``level``, ``indicators.<code>``, ``comment``)."""
    errors: dict[str, list[str]] = {}
    if not _is_level(level):
        errors["level"] = ["请选择评价等级（1 非常不满意 至 5 非常满意）"]
    known = indicators_for(subject)
    given = indicators if isinstance(indicators, dict) else None
    if given is None:
        errors["indicators"] = ["应为对象：指标代码 → 等级"]
        given = {}
    for code in sorted(set(given) - set(known)):
        errors[f"indicators.{code}"] = [f"不是{_subject_word(subject)}的评价指标"]
    checked: dict[str, int] = {}
    for code, label in known.items():
        value = given.get(code)
        if value is None and code == OVERALL:
            if _is_level(level):  # otherwise the level's own error says it
                checked[code] = level
        elif value is None:
            errors[f"indicators.{code}"] = [f"请为“{label}”选择等级"]
        elif not _is_level(value):
            errors[f"indicators.{code}"] = [f"“{label}”的等级应为 1 至 5"]
        elif code == OVERALL and _is_level(level) and value != level:
            errors[f"indicators.{code}"] = ["整体满意度应与评价等级一致"]
        else:
            checked[code] = value
    text = comment.strip() if isinstance(comment, str) else None
    if text is None:
        errors["comment"] = ["应为文字"]
    elif len(text) > COMMENT_MAX:
        errors["comment"] = [f"评价内容不超过 {COMMENT_MAX} 字"]
    elif _is_level(level) and level <= RatingLevel.DISSATISFIED and not text:
        errors["comment"] = ["请说明不满意的原因，以便我们回访核实、改进服务"]
    if errors:
        return None, errors
    return RatingInput(level=level, indicators=checked, comment=text or ""), {}


def _subject_word(subject: str) -> str:
    return "窗口服务" if subject == RatingSubject.VISIT else "网上服务"
