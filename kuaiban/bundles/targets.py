"""Policy targets (工作目标) as values: each kind's unit and direction, and the one check of a
target's numbers, used by the pack parser and the admin form alike."""

from __future__ import annotations

from dataclasses import dataclass

from kuaiban.bundles.models import TargetKind


@dataclass(frozen=True)
class Measure:
    unit: str  # shown after the number
    at_least: bool  # ≥ (a count or a rate to reach) or ≤ (a time limit not to exceed)
    percent: bool = False


MEASURES: dict[str, Measure] = {
    TargetKind.BUNDLES: Measure("个", at_least=True),
    TargetKind.SPEEDUP_ITEMS: Measure("个", at_least=True),
    TargetKind.CHOSEN_SPEEDUPS: Measure("个", at_least=True),
    TargetKind.ONLINE_RATE: Measure("%", at_least=True, percent=True),
    TargetKind.CALLBACK_RATE: Measure("%", at_least=True, percent=True),
    TargetKind.REPORT_DAYS: Measure("日", at_least=False),
    TargetKind.INSTANT_MINUTES: Measure("分钟", at_least=False),
    TargetKind.CROSS_PROVINCE_ITEMS: Measure("个", at_least=True),
}


def target_problem(*, kind: str, value: int, ratio: int | None) -> str:
    """What is wrong with a target's numbers ("" when nothing)."""
    measure = MEASURES.get(kind)
    if measure is None:
        return f"目标类别“{kind}”无效"
    if value < 1:
        return "目标值应为正整数"
    if measure.percent and value > 100:
        return "比率目标应在 1 至 100（%）之间"
    if kind == TargetKind.SPEEDUP_ITEMS:
        if ratio is None or not 1 <= ratio <= 100:
            return "提速的事项须写明提速幅度 ratio（1 至 100，%）"
    elif ratio is not None:
        return "只有提速的事项（speedup_items）有提速幅度 ratio"
    return ""


def target_label(*, kind: str, value: int, ratio: int | None = None) -> str:
    """How a target reads: “≥ 90%”, “≥ 10 个（提速 50%）”, “≤ 5 日”."""
    measure = MEASURES[kind]
    sign = "≥" if measure.at_least else "≤"
    unit = measure.unit if measure.percent else f" {measure.unit}"
    extra = f"（提速 {ratio}%）" if ratio is not None else ""
    return f"{sign} {value}{unit}{extra}"


def target_met(*, kind: str, value: int, figure: float | None) -> bool | None:
    """Whether a figure (a count, a rate 0–1, days or minutes) meets the target; None: no figure."""
    if figure is None:
        return None
    measure = MEASURES[kind]
    goal = value / 100 if measure.percent else value
    return figure >= goal if measure.at_least else figure <= goal
