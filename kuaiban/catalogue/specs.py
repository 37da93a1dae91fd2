"""What a catalogue file says, as plain typed values (no database): the catalogue's own shapes,
read by the pack-file parser (`bundles/packfile/`) and stored by `catalogue.services`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kuaiban.calendar.limits import TimeLimit


@dataclass(frozen=True)
class MaterialSpec:
    code: str
    name: str
    kind: str
    shared_source: str
    commitment_allowed: bool
    key: bool
    # 智能审核 rule on the form: the material is needed only when it holds (empty: always).
    needed_when: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    field_type: str
    required: bool
    prefill: str
    choices: tuple[str, ...]
    only_gender: str = ""  # asked only of applicants of this gender


@dataclass(frozen=True)
class ItemSpec:
    code: str
    name: str
    aliases: tuple[str, ...]
    category: str
    agency_kind: str
    target: str
    legal_limit: TimeLimit | None
    promised_limit: TimeLimit
    online: bool
    onsite_required: bool
    pays_money: bool
    materials: tuple[str, ...]
    fields: tuple[str, ...]
    sources: tuple[str, ...]
    # 智能审核 rules as JSON-ready mappings (kuaiban/catalogue/checks/); not part of __hash__,
    # since a dict cannot be hashed.
    checks: tuple[dict[str, Any], ...] = field(default=(), hash=False)
    # 秒办 only where the platform itself performs the act; never for an item that pays money.
    system_performs: bool = False
    # 收费标准; empty means free (不收费).
    fee: str = ""
    # Certificates (material codes) the item issues to a person who holds none yet: a scenario
    # with it does not ask for them, and a person whose shared data shows one is told so.
    first_issue: tuple[str, ...] = ()

    def known_as(self, name: str) -> bool:
        return name == self.name or name in self.aliases


@dataclass
class CatalogueSpec:
    version: str
    materials: dict[str, MaterialSpec] = field(default_factory=dict)
    fields: dict[str, FieldSpec] = field(default_factory=dict)
    items: dict[str, ItemSpec] = field(default_factory=dict)
