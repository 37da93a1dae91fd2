"""向上兼容: what a place's pack may and may not change in the pack it extends (pure rules).

Shandong 2020 (000 正文 二（一）1): “省市县三级不追求上下一般粗，但必须向上兼容”. A city or county
pack `extends` its province's pack. It may add bundles and items, add optional items, shorten
promised limits and pick from a 备选清单; it may not drop a province bundle, a scenario or a
required item, lengthen a promised limit the province's text sets, or promise beyond a legal
limit. Each rule is one function here, used by the pack file parser (`kuaiban pack validate`)
and by the admin forms that can change the same things; each returns the problem in Chinese, or
None / an empty list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kuaiban.bundles.models import LimitSetBy, SpeedUpListKind
from kuaiban.calendar.limits import TimeLimit, promised_within_legal

# `speedup_list.kind`: a binding list applies in every place; a 备选清单 is a list each place
# picks its own rows from (Shanxi 2020: 选取 10 个以上事项).
LIST_BINDING = SpeedUpListKind.BINDING
LIST_CANDIDATES = SpeedUpListKind.CANDIDATES
LIST_KINDS = tuple(SpeedUpListKind.values)


def bundle_omit_problem(*, code: str, name: str) -> str:
    """A place may never drop a bundle of the pack it extends."""
    return f"不得删去上级政策包的一件事“{code} {name}”（向上兼容：省市县三级不追求上下一般粗，但必须向上兼容）"


def scenario_problems(*, bundle: str, inherited: Iterable[str], own: Iterable[str]) -> list[str]:
    """The scenarios of the extended bundle that a place's version of it leaves out."""
    kept = set(own)
    return [
        f"一件事“{bundle}”删去了上级政策包的场景“{code}”（向上兼容：不得删去场景）"
        for code in inherited
        if code not in kept
    ]


@dataclass(frozen=True)
class InheritedItem:
    """An item row of the extended scenario: its item code and whether it is 必做."""

    item: str
    required: bool


def required_item_problems(
    *, scenario: str, inherited: Iterable[InheritedItem], own: Mapping[str, bool]
) -> list[str]:
    """Required items of the extended scenario that a place's version drops or makes optional.

    ``own`` maps each item of the place's scenario to whether it is required there. Optional
    items may be added; a required one stays, and stays required.
    """
    problems = []
    for row in inherited:
        if not row.required:
            continue
        if row.item not in own:
            problems.append(
                f"场景“{scenario}”删去了上级政策包的必做事项“{row.item}”（向上兼容：不得删去必做事项）"
            )
        elif not own[row.item]:
            problems.append(
                f"场景“{scenario}”把上级政策包的必做事项“{row.item}”改为可选（向上兼容：必做事项须保留为必做）"
            )
    return problems


def limit_not_lengthened(
    *, promised: TimeLimit | None, inherited: TimeLimit | None, inherited_set_by: str
) -> str | None:
    """A place may shorten a promised limit of the pack it extends, never lengthen it.

    Only a number the province's text sets binds (``inherited_set_by == "seed"``); where the
    text leaves the target to each place (“各地结合实际制定提速目标”, bureau-set) the place sets
    its own number, still within the legal limit (`promised_within_legal`).
    """
    if promised is None or inherited is None or inherited_set_by != LimitSetBy.SEED:
        return None
    if promised.approx_working_days() > inherited.approx_working_days():
        return (
            f"承诺时限{promised.label()}长于上级政策包的{inherited.label()}"
            "（向上兼容：只能缩短，不能延长）"
        )
    return None


def limit_problems(
    *,
    promised: TimeLimit | None,
    inherited: TimeLimit | None,
    inherited_set_by: str,
    legal: TimeLimit | None,
) -> list[str]:
    """Both limits rules on a place's promised limit: not longer than the province's, nor
    than the legal one."""
    found = [
        limit_not_lengthened(
            promised=promised, inherited=inherited, inherited_set_by=inherited_set_by
        ),
        promised_within_legal(promised=promised, legal=legal),
    ]
    return [p for p in found if p]


def picks_problem(*, picked: int, min_pick: int) -> str | None:
    """A place picks at least ``min_pick`` rows (序号) of a 备选清单."""
    if picked >= min_pick:
        return None
    return f"从备选清单中只选取了 {picked} 项，应选取 {min_pick} 项以上"
