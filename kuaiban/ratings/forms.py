"""The rating form as the page shows it: one question per level, errors linked from a summary.

Pure presentation helpers: turning POST data into the service's arguments (levels as
integers where they are digits; anything else is left for the service to refuse) and
building the radio groups with their values and errors for the template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from kuaiban.core.text import is_ascii_digits
from kuaiban.ratings.indicators import COMMENT_MAX, OVERALL, indicators_for
from kuaiban.ratings.models import Rating, RatingLevel

# Best first, as people expect to read a scale (GOV.UK: the most likely answer first).
LEVEL_OPTIONS: list[tuple[int, str]] = [
    (value, str(label)) for value, label in reversed(RatingLevel.choices)
]


def _level(value: str | None) -> int | str | None:
    if value is None or value == "":
        return None
    return int(value) if is_ascii_digits(value) and len(value) == 1 else value


def rating_post_parse(post: QueryDict, subject: str) -> dict[str, Any]:
    indicators: dict[str, Any] = {}
    for code in indicators_for(subject):
        if code == OVERALL:
            continue
        value = _level(post.get(f"indicator-{code}"))
        if value is not None:
            indicators[code] = value
    return {
        "level": _level(post.get("level")),
        "indicators": indicators,
        "comment": post.get("comment", ""),
    }


@dataclass
class RadioGroup:
    name: str  # the form field's name and the id prefix of its radios
    legend: str
    value: str
    error: str = ""
    options: list[tuple[int, str]] = field(default_factory=lambda: LEVEL_OPTIONS)

    @property
    def anchor(self) -> str:
        return f"{self.name}-{self.options[0][0]}"


def rating_form_groups(
    *, subject: str, post: QueryDict | None, errors: dict[str, list[str]]
) -> list[RadioGroup]:
    groups = [
        RadioGroup(
            name="level",
            legend="总体评价（整体满意度）",
            value=post.get("level", "") if post else "",
            error=(errors.get("level") or errors.get(f"indicators.{OVERALL}") or [""])[0],
        )
    ]
    for code, label in indicators_for(subject).items():
        if code == OVERALL:
            continue
        name = f"indicator-{code}"
        groups.append(
            RadioGroup(
                name=name,
                legend=label,
                value=post.get(name, "") if post else "",
                error=(errors.get(f"indicators.{code}") or [""])[0],
            )
        )
    return groups


def error_links(groups: list[RadioGroup], errors: dict[str, list[str]]) -> list[tuple[str, str]]:
    """The error summary: (anchor, message), in the order of the questions on the page."""
    links = [(g.anchor, g.error) for g in groups if g.error]
    if errors.get("comment"):
        links.append(("comment", errors["comment"][0]))
    shown = {message for _, message in links}
    links += [
        ("level-5", messages[0])
        for key, messages in errors.items()
        if messages and messages[0] not in shown and key not in ("comment",)
    ]
    return links


def rating_form_context(
    *, subject: str, post: QueryDict | None, errors: dict[str, list[str]]
) -> dict[str, Any]:
    """What ``ratings/_rating_fields.html`` and the error summary need, answers kept."""
    groups = rating_form_groups(subject=subject, post=post, errors=errors)
    return {
        "groups": groups,
        "errors": error_links(groups, errors),
        "comment": post.get("comment", "") if post else "",
        "comment_error": (errors.get("comment") or [""])[0],
        "comment_max": COMMENT_MAX,
    }


def rating_thanks(rating: Rating) -> str:
    if rating.is_bad:
        return "感谢您的评价。我们会尽快与您联系，核实情况并整改，处理结果会告诉您。"
    return "感谢您的评价，我们会继续改进服务。"
