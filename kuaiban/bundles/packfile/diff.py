"""Compare the bundles of two packs: which bundles correspond, and how their items differ."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from kuaiban.bundles.models import LimitSetBy
from kuaiban.bundles.packfile.specs import BundleSpec, PackSpec
from kuaiban.catalogue.specs import CatalogueSpec


@dataclass(frozen=True)
class BundlePair:
    a: BundleSpec | None
    b: BundleSpec | None
    only_a: tuple[str, ...] = ()
    only_b: tuple[str, ...] = ()
    both: tuple[str, ...] = ()

    @property
    def similarity(self) -> float:
        total = len(self.only_a) + len(self.only_b) + len(self.both)
        return len(self.both) / total if total else 0.0


def _score(a: BundleSpec, b: BundleSpec) -> float:
    items_a, items_b = a.item_codes(), b.item_codes()
    union = items_a | items_b
    overlap = len(items_a & items_b) / len(union) if union else 0.0
    # Names break ties and pair bundles that share few catalogue items but mean the same.
    return overlap + 0.5 * SequenceMatcher(None, a.name, b.name).ratio()


class BundleNotInPack(Exception):
    """A bundle asked for by code or name is not in the pack."""


def bundle_find(pack: PackSpec, key: str) -> BundleSpec:
    """The bundle of ``pack`` whose code is ``key``, else the one so named."""
    for bundle in pack.bundles:
        if bundle.code == key:
            return bundle
    for bundle in pack.bundles:
        if bundle.name == key:
            return bundle
    raise BundleNotInPack(f"政策包 {pack.code} 中没有序号或名称为“{key}”的一件事")


def pack_diff(a: PackSpec, b: PackSpec, *, only: tuple[str, str] | None = None) -> list[BundlePair]:
    """Pair each bundle of ``a`` with its closest bundle of ``b`` (greedy, best pairs first).

    With ``only`` (a code or name in each pack) exactly those two bundles are compared, however
    little they have in common; `BundleNotInPack` if either is not there.
    """
    if only:
        return [_pair(bundle_find(a, only[0]), bundle_find(b, only[1]))]
    bundles_a, bundles_b = list(a.bundles), list(b.bundles)
    candidates = sorted(
        ((_score(x, y), i, j) for i, x in enumerate(bundles_a) for j, y in enumerate(bundles_b)),
        reverse=True,
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs: list[BundlePair] = []
    for score, i, j in candidates:
        if i in used_a or j in used_b or score < 0.35:
            continue
        used_a.add(i)
        used_b.add(j)
        pairs.append(_pair(bundles_a[i], bundles_b[j]))
    pairs.sort(key=lambda p: a.bundles.index(p.a) if p.a else 0)
    pairs += [BundlePair(a=x, b=None) for i, x in enumerate(bundles_a) if i not in used_a]
    pairs += [BundlePair(a=None, b=y) for j, y in enumerate(bundles_b) if j not in used_b]
    return pairs


def _pair(a: BundleSpec, b: BundleSpec) -> BundlePair:
    items_a, items_b = a.item_codes(), b.item_codes()
    return BundlePair(
        a=a,
        b=b,
        only_a=tuple(sorted(items_a - items_b)),
        only_b=tuple(sorted(items_b - items_a)),
        both=tuple(sorted(items_a & items_b)),
    )


def format_diff(pairs: list[BundlePair], a: PackSpec, b: PackSpec, catalogue: CatalogueSpec) -> str:
    def name(code: str) -> str:
        item = catalogue.items.get(code)
        return f"{code} {item.name}" if item else code

    lines = [f"比较 {a.code}（{a.name}）与 {b.code}（{b.name}）", ""]
    for pair in pairs:
        if pair.a and pair.b:
            lines.append(
                f"≈ {a.code} {pair.a.code} {pair.a.name}  ↔  {b.code} {pair.b.code} {pair.b.name}"
                f"（相同事项 {len(pair.both)}，相似度 {pair.similarity:.0%}）"
            )
            lines += [f"    = {name(c)}" for c in pair.both]
            lines += [f"    - 仅{a.code}：{name(c)}" for c in pair.only_a]
            lines += [f"    + 仅{b.code}：{name(c)}" for c in pair.only_b]
            if pair.a.mode != pair.b.mode:
                lines.append(f"    办理模式：{pair.a.mode} ↔ {pair.b.mode}")
        elif pair.a:
            lines.append(f"- 仅{a.code}：{pair.a.code} {pair.a.name}")
        elif pair.b:
            lines.append(f"+ 仅{b.code}：{pair.b.code} {pair.b.name}")
    return "\n".join(lines) + "\n"


def format_extension(pack: PackSpec, parent: PackSpec, catalogue: CatalogueSpec) -> str:
    """A place's pack against the pack it extends: what it adds, shortens and picks."""
    extension = pack.extension
    assert extension is not None

    def name(code: str) -> str:
        item = catalogue.items.get(code)
        return f"{code} {item.name}" if item else code

    lines = [f"{pack.code}（{pack.name}，{pack.region_name}）扩展 {parent.code}（{parent.name}）"]
    if pack.basis:
        lines.append(f"依据：{pack.basis}")
    lines.append("")
    bundles = {b.code: b for b in pack.bundles}
    for code in extension.added_bundles:
        bundle = bundles[code]
        lines.append(f"+ 新增一件事 {bundle.code} {bundle.name}（本地新增；依据：{bundle.basis}）")
        for scenario in bundle.scenarios:
            for row in scenario.items:
                kind = "必做" if row.required else "可选"
                lines.append(f"    + {scenario.code} {name(row.item)}（{kind}）")
    for code, scenario_code, items in extension.added_items:
        lines.append(f"+ 一件事 {code} {bundles[code].name} 场景 {scenario_code} 新增事项：")
        lines += [f"    + {name(c)}" for c in items]
    limits = {s.seq: s for s in pack.speedups}
    prose = {s.seq for s in parent.speedups if s.promised_set_by == LimitSetBy.BUREAU}
    for seq, item, before, after in extension.shortened:
        if seq in prose:  # the province's text left the number to each place
            lines.append(
                f"✎ 本地定数 序号{seq} {name(item)}：{after.label()}"
                f"（上级原文“各地结合实际制定”，默认{before.label()}）"
            )
        else:
            lines.append(
                f"↓ 缩短承诺时限 序号{seq} {name(item)}：{before.label()} → {after.label()}"
            )
    listed = parent.speedup_list
    if listed is not None and listed.kind == "candidates":
        lines.append(
            f"✓ 从备选清单选取 {len(extension.picked)} 项（至少 {listed.min_pick} 项，{listed.source}）："
        )
        lines += [
            f"    ✓ 序号{seq} {name(limits[seq].item)}：{limits[seq].promised_limit.label()}"
            for seq in extension.picked
        ]
    for seq in extension.added_speedups:
        added = limits[seq]
        lines.append(f"+ 本地提速办 序号{seq} {name(added.item)}：{added.promised_limit.label()}")
    kept = len(parent.bundles) - sum(1 for b in parent.bundles if b.code in extension.own_bundles)
    lines.append("")
    lines.append(f"= 沿用 {parent.code} 的一件事 {kept} 件（共 {len(pack.bundles)} 件）")
    return "\n".join(lines) + "\n"
