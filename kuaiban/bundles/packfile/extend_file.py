"""A place's pack that `extends` its province's: read its own parts, resolve, check 向上兼容.

The resolved pack holds every bundle of the pack it extends — the place's own version where it
writes one (same code), the province's otherwise — then the place's local bundles; and the
提速办 list: a binding list's every row (shortened where the place says so), or of a 备选清单
only the rows the place picks, then the place's own rows. The rules are `kuaiban.bundles.compat`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from kuaiban.bundles import compat
from kuaiban.bundles.models import LimitSetBy
from kuaiban.bundles.packfile.reader import LineDict
from kuaiban.bundles.packfile.specs import (
    BundleSpec,
    ExtensionSpec,
    PackSpec,
    SpeedUpListSpec,
    SpeedUpSpec,
)
from kuaiban.bundles.packfile.values import ValueReader
from kuaiban.calendar.limits import TimeLimit
from kuaiban.catalogue.specs import CatalogueSpec


@dataclass(frozen=True)
class Pick:
    """A `speedups` row naming a row of the extended list by its 序号 (`province_seq`)."""

    seq: int
    promised: TimeLimit | None
    promised_text: str
    source: str
    line: int
    promised_line: int


@dataclass
class Extending:
    code: str
    line: int
    picks: list[Pick] = field(default_factory=list)
    omit: list[tuple[str, int]] = field(default_factory=list)
    speedups_line: int = 0


def pick_read(reader: ValueReader, row: LineDict) -> Pick:
    seq = reader.integer(row, "province_seq", where="提速办事项")
    where = f"提速办事项（上级清单序号{seq}）"
    promised = reader.limit(row, "promised_limit", where=where)
    text = reader.text(row, "promised_text", where=where, required=promised is not None)
    if text and promised is None:
        reader.problem(
            row.line_of("promised_text"), f"{where}写了提速后时限原文，但缺少 promised_limit"
        )
    return Pick(
        seq=seq,
        promised=promised,
        promised_text=text,
        source=reader.text(row, "source", where=where),
        line=row.line,
        promised_line=row.line_of("promised_limit"),
    )


def omit_read(reader: ValueReader, data: LineDict) -> list[tuple[str, int]]:
    """`omit:` — bundles of the extended pack the place would leave out (never allowed)."""
    codes = reader.strings(data, "omit", where="政策包文件")
    return [(code, data.line_of("omit")) for code in codes]


def speedup_list_read(reader: ValueReader, data: LineDict) -> SpeedUpListSpec:
    """`speedup_list:` — whether the 提速办 list binds every place or is a 备选清单 to pick from."""
    row = reader.mapping(data, "speedup_list", where="政策包文件")
    where = "speedup_list"
    kind = reader.choice(row, "kind", compat.LIST_KINDS, where=where) or compat.LIST_BINDING
    min_pick = reader.integer(row, "min_pick", where=where, default=0)
    if kind == compat.LIST_CANDIDATES and min_pick < 1:
        reader.problem(row.line_of("min_pick"), "备选清单应写明每地至少选取的项数 min_pick（≥1）")
    return SpeedUpListSpec(
        kind=kind,
        min_pick=min_pick,
        text=reader.text(row, "text", where=where),
        source=reader.text(row, "source", where=where),
        line=row.line,
    )


def pack_extend(
    reader: ValueReader,
    pack: PackSpec,
    *,
    parent: PackSpec | None,
    extending: Extending,
    catalogue: CatalogueSpec,
) -> None:
    """Resolve ``pack`` against the pack it extends, reporting every breach at its line."""
    if parent is None or parent.code != extending.code:
        reader.problem(extending.line, f"找不到上级政策包“{extending.code}”")
        return
    if parent.extension is not None:
        reader.problem(
            extending.line, f"上级政策包“{parent.code}”本身扩展了其他政策包，只支持一级扩展"
        )
    own_codes = tuple(b.code for b in pack.bundles)
    bundles, added_items = _bundles_merge(reader, pack, parent, extending)
    speedups, shortened, picked = _speedups_merge(reader, pack, parent, extending, catalogue)
    pack.extension = ExtensionSpec(
        parent=parent.code,
        line=extending.line,
        added_bundles=tuple(c for c in own_codes if c not in {b.code for b in parent.bundles}),
        added_items=added_items,
        shortened=shortened,
        picked=picked,
        added_speedups=tuple(dict.fromkeys(s.seq for s in pack.speedups)),
        own_bundles=own_codes,
    )
    pack.bundles = bundles
    pack.speedups = speedups


def _bundles_merge(
    reader: ValueReader, pack: PackSpec, parent: PackSpec, extending: Extending
) -> tuple[list[BundleSpec], tuple[tuple[str, str, tuple[str, ...]], ...]]:
    inherited = {b.code: b for b in parent.bundles}
    own = {b.code: b for b in pack.bundles}
    for code, line in extending.omit:
        bundle = inherited.get(code)
        if bundle is None:
            reader.problem(line, f"上级政策包“{parent.code}”中没有序号为“{code}”的一件事")
        else:
            reader.problem(line, compat.bundle_omit_problem(code=code, name=bundle.name))
    merged: list[BundleSpec] = []
    added: list[tuple[str, str, tuple[str, ...]]] = []
    for bundle in parent.bundles:
        mine = own.get(bundle.code)
        if mine is None:
            merged.append(bundle)
            continue
        _bundle_check(reader, bundle, mine)
        if mine.promised_limit is None and bundle.promised_limit is not None:
            mine = replace(mine, promised_limit=bundle.promised_limit)
        merged.append(mine)
        theirs = {s.code: {i.item for i in s.items} for s in bundle.scenarios}
        for scenario in mine.scenarios:
            extra = [i.item for i in scenario.items if i.item not in theirs.get(scenario.code, ())]
            if extra:
                added.append((bundle.code, scenario.code, tuple(extra)))
    for bundle in pack.bundles:
        if bundle.code in inherited:
            continue
        if not bundle.basis:
            reader.problem(
                bundle.line,
                f"一件事“{bundle.code} {bundle.name}”是本地新增的一件事，应写明依据 basis",
            )
        merged.append(replace(bundle, set_by=LimitSetBy.BUREAU))
    return merged, tuple(added)


def _bundle_check(reader: ValueReader, inherited: BundleSpec, mine: BundleSpec) -> None:
    """A place's version of an extended bundle keeps its scenarios and their required items."""
    for problem in compat.scenario_problems(
        bundle=f"{mine.code} {mine.name}",
        inherited=[s.code for s in inherited.scenarios],
        own=[s.code for s in mine.scenarios],
    ):
        reader.problem(mine.line, problem)
    scenarios = {s.code: s for s in mine.scenarios}
    for scenario in inherited.scenarios:
        ours = scenarios.get(scenario.code)
        if ours is None:
            continue
        for problem in compat.required_item_problems(
            scenario=scenario.code,
            inherited=[
                compat.InheritedItem(item=i.item, required=i.required) for i in scenario.items
            ],
            own={i.item: i.required for i in ours.items},
        ):
            reader.problem(ours.line, problem)
    lengthened = compat.limit_not_lengthened(
        promised=mine.promised_limit,
        inherited=inherited.promised_limit,
        inherited_set_by=LimitSetBy.SEED,
    )
    if lengthened:
        reader.problem(mine.line, f"一件事“{mine.code} {mine.name}”的{lengthened}")


def _speedups_merge(
    reader: ValueReader,
    pack: PackSpec,
    parent: PackSpec,
    extending: Extending,
    catalogue: CatalogueSpec,
) -> tuple[list[SpeedUpSpec], tuple[tuple[int, str, TimeLimit, TimeLimit], ...], tuple[int, ...]]:
    rows: dict[int, list[SpeedUpSpec]] = {}
    for row in parent.speedups:
        rows.setdefault(row.seq, []).append(row)
    chosen: dict[int, list[SpeedUpSpec]] = {}
    shortened: list[tuple[int, str, TimeLimit, TimeLimit]] = []
    for pick in extending.picks:
        if pick.seq not in rows:
            reader.problem(pick.line, f"上级政策包“{parent.code}”的提速办清单中没有序号{pick.seq}")
            continue
        if pick.seq in chosen:
            reader.problem(pick.line, f"上级清单序号{pick.seq}重复")
            continue
        chosen[pick.seq] = [
            _pick_apply(reader, pick, row, catalogue, shortened) for row in rows[pick.seq]
        ]
    candidates = (
        parent.speedup_list is not None and parent.speedup_list.kind == compat.LIST_CANDIDATES
    )
    if candidates:
        assert parent.speedup_list is not None
        problem = compat.picks_problem(picked=len(chosen), min_pick=parent.speedup_list.min_pick)
        if problem:
            reader.problem(
                extending.speedups_line or extending.line,
                f"{problem}（{parent.code} 的提速办清单为备选清单，见 {parent.speedup_list.source}）",
            )
        merged = [row for seq in sorted(chosen) for row in chosen[seq]]
    else:
        merged = [row for seq in rows for row in chosen.get(seq, rows[seq])]
    listed = {row.item: row.seq for row in parent.speedups}
    for row in pack.speedups:
        if row.item in listed:
            reader.problem(
                row.line,
                f"事项“{row.item}”已在上级清单序号{listed[row.item]}，"
                f"应写 province_seq: {listed[row.item]} 选取或缩短它",
            )
        elif row.seq in rows:
            reader.problem(row.line, f"本地提速办序号{row.seq}与上级清单序号重复")
    return merged + pack.speedups, tuple(shortened), tuple(sorted(chosen))


def _pick_apply(
    reader: ValueReader,
    pick: Pick,
    row: SpeedUpSpec,
    catalogue: CatalogueSpec,
    shortened: list[tuple[int, str, TimeLimit, TimeLimit]],
) -> SpeedUpSpec:
    """The extended row as the place applies it: its own shorter limit, if it gives one."""
    if pick.promised is None:
        return replace(row, source=pick.source or row.source, line=pick.line)
    item = catalogue.items.get(row.item)
    legal = row.legal_limit or (item.legal_limit if item else None)
    for problem in compat.limit_problems(
        promised=pick.promised,
        inherited=row.promised_limit,
        inherited_set_by=row.promised_set_by,
        legal=legal,
    ):
        reader.problem(pick.promised_line, f"提速办事项序号{pick.seq}“{row.seed_name}”：{problem}")
    if pick.promised.approx_working_days() < row.promised_limit.approx_working_days():
        shortened.append((pick.seq, row.item, row.promised_limit, pick.promised))
    return replace(
        row,
        promised_limit=pick.promised,
        promised_text=pick.promised_text,
        promised_set_by=LimitSetBy.BUREAU,
        source=pick.source,
        line=pick.line,
    )
