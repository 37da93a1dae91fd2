"""What a pack file says, as plain typed values (no database); the catalogue file's shapes are
the catalogue's own (`kuaiban/catalogue/specs.py`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kuaiban.calendar.limits import TimeLimit
from kuaiban.catalogue.specs import ItemSpec


@dataclass(frozen=True)
class BundleItemSpec:
    item: str
    seed_name: str
    required: bool
    stage: int
    when: str
    source: str
    line: int
    # A member of an item group (“…（含A；B）”): the group's wording as the seed gives it, and
    # whether the group is 必做 (then at least one of its members must be chosen).
    group: str = ""
    group_required: bool = False
    target: str = ""  # the item's own 办事对象 where the seed gives one; else the scenario's


@dataclass(frozen=True)
class ScenarioSpec:
    code: str
    name: str
    target: str
    mode: str
    source: str
    items: tuple[BundleItemSpec, ...]
    line: int
    # Field values the scenario settles, by field key: {"value": …}, {"same_as": key},
    # {"from": shared-data path} or {"party": "employer"}; not part of __hash__ (a dict).
    field_rules: dict[str, dict[str, str]] = field(default_factory=dict, hash=False)
    notes: tuple[str, ...] = ()  # 备注 that belong to this scenario only


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    text: str


@dataclass(frozen=True)
class BundleSpec:
    code: str
    name: str
    target: str
    mode: str
    promised_limit: TimeLimit | None
    lead: str
    notes: tuple[str, ...]
    source: str
    questions: tuple[QuestionSpec, ...]
    scenarios: tuple[ScenarioSpec, ...]
    line: int
    # seed: from the policy document; bureau: a place's own bundle (`basis` says on what ground).
    set_by: str = "seed"
    basis: str = ""

    def item_codes(self) -> set[str]:
        return {bi.item for sc in self.scenarios for bi in sc.items}


@dataclass(frozen=True)
class SpeedUpSpec:
    seq: int
    item: str
    seed_name: str
    legal_text: str
    promised_text: str
    legal_limit: TimeLimit | None
    promised_limit: TimeLimit
    promised_set_by: str
    source: str
    line: int
    group: str = ""  # the seed's wording when the row names a group (“…（含A；B）”)


@dataclass(frozen=True)
class HotItemSpec:
    seq: int
    item: str
    seed_name: str
    channels: tuple[str, ...]
    source: str
    line: int


@dataclass(frozen=True)
class ContactPointSpec:
    name: str
    level: str
    source: str
    line: int


@dataclass(frozen=True)
class TargetSpec:
    kind: str
    value: int
    ratio: int | None
    text: str
    scope: str
    deadline: dt.date | None
    deadline_text: str
    source: str
    line: int


@dataclass(frozen=True)
class ProvisionSpec:
    code: str
    kind: str
    title: str
    text: str
    features: tuple[str, ...]
    items: tuple[str, ...]
    source: str
    line: int
    scope: str = ""  # cross_region only: province_wide / cross_province


@dataclass(frozen=True)
class SpeedUpListSpec:
    """What the 提速办 list is: binding everywhere, or a 备选清单 each place picks from."""

    kind: str  # compat.LIST_BINDING | compat.LIST_CANDIDATES
    min_pick: int
    text: str
    source: str
    line: int


@dataclass(frozen=True)
class ExtensionSpec:
    """How a place's pack differs from the pack it extends (for `kuaiban pack diff`)."""

    parent: str
    line: int  # the `extends` line
    added_bundles: tuple[str, ...] = ()
    # (bundle code, scenario code, the item codes the place's version adds to that scenario)
    added_items: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    # (seq, item, province's limit, the place's limit)
    shortened: tuple[tuple[int, str, TimeLimit, TimeLimit], ...] = ()
    picked: tuple[int, ...] = ()
    added_speedups: tuple[int, ...] = ()
    own_bundles: tuple[str, ...] = ()  # codes of bundles written in the place's own file


@dataclass
class PackSpec:
    code: str
    name: str
    region_code: str
    region_name: str
    document: str
    issued: dt.date | None
    seed: str
    version: str
    bundles: list[BundleSpec] = field(default_factory=list)
    speedups: list[SpeedUpSpec] = field(default_factory=list)
    hot_items: list[HotItemSpec] = field(default_factory=list)
    contact_points: list[ContactPointSpec] = field(default_factory=list)
    targets: list[TargetSpec] = field(default_factory=list)
    provisions: list[ProvisionSpec] = field(default_factory=list)
    supplements: str = ""  # the code of the pack of the same region this one supplements
    speedup_list: SpeedUpListSpec | None = None
    extension: ExtensionSpec | None = None
    basis: str = ""  # a place's pack: the decision it rests on

    def promised_limit_of(self, item: ItemSpec) -> TimeLimit:
        """The promised limit of an item in this pack: its speed-up entry, else the catalogue's."""
        for speedup in self.speedups:
            if speedup.item == item.code:
                return speedup.promised_limit
        return item.promised_limit
