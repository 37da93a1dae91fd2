"""The frozen copy of the bundle version an application was accepted under.

`Snapshot` is the one shape: written once at submission (`plan_snapshot`), stored as JSON in
``Application.snapshot`` exactly as ``to_dict`` gives it, and read back through
``Application.frozen`` (``Snapshot.from_dict``) as attributes, never by string keys. Reading
is lenient — a key missing from an old or generated row gives an empty value — so a change of
shape never breaks the applications already on file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from kuaiban.calendar.limits import TimeLimit

if TYPE_CHECKING:
    from kuaiban.bundles.planning import Plan


def _map(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _rows(value: object) -> list[Mapping[str, Any]]:
    return [row for row in value if isinstance(row, Mapping)] if isinstance(value, list) else []


def _str(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value)


@dataclass(frozen=True)
class PackRef:
    code: str = ""
    version: str = ""
    content_hash: str = ""
    document: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PackRef:
        return cls(*(_str(data, k) for k in ("code", "version", "content_hash", "document")))

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "version": self.version,
            "content_hash": self.content_hash,
            "document": self.document,
        }


@dataclass(frozen=True)
class NamedMode:
    """The bundle or the scenario: its code, name and mode (parallel / serial / integrated)."""

    code: str = ""
    name: str = ""
    mode: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> NamedMode:
        return cls(_str(data, "code"), _str(data, "name"), _str(data, "mode"))

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "mode": self.mode}


@dataclass(frozen=True)
class ItemRef:
    code: str
    name: str
    seed_name: str
    required: bool
    stage: int
    agency_kind: str
    legal_limit: str | None  # the label, e.g. "20工作日"
    promised_limit: str  # the label
    promised: TimeLimit | None  # the value the due dates are computed from

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ItemRef:
        promised = _map(data.get("promised"))
        try:
            limit = TimeLimit.from_parts(promised.get("value"), promised.get("unit"))
        except ValueError:
            limit = None
        legal = data.get("legal_limit")
        return cls(
            code=_str(data, "code"),
            name=_str(data, "name"),
            seed_name=_str(data, "seed_name"),
            required=bool(data.get("required")),
            stage=int(data.get("stage") or 1),
            agency_kind=_str(data, "agency_kind"),
            legal_limit=None if legal is None else str(legal),
            promised_limit=_str(data, "promised_limit"),
            promised=limit,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "seed_name": self.seed_name,
            "required": self.required,
            "stage": self.stage,
            "agency_kind": self.agency_kind,
            "legal_limit": self.legal_limit,
            "promised_limit": self.promised_limit,
            "promised": (
                {"unit": str(self.promised.unit), "value": self.promised.value}
                if self.promised
                else None
            ),
        }

    @property
    def instant(self) -> bool:
        return self.promised is not None and self.promised.is_instant


@dataclass(frozen=True)
class FieldRef:
    key: str
    label: str
    type: str
    required: bool
    # Only the employer knows it and a person applied: the officer asks the unit.
    by_employer: bool = False
    # It does not apply to this applicant (the scenario, or the other gender's field): nothing
    # was asked or stored, so the officer is not shown it as missing. Older rows lack it: False.
    not_applicable: bool = False

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FieldRef:
        key = _str(data, "key")
        return cls(
            key=key,
            label=_str(data, "label") or key,
            type=_str(data, "type"),
            required=bool(data.get("required")),
            by_employer=bool(data.get("by_employer")),
            not_applicable=bool(data.get("not_applicable")),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "type": self.type,
            "required": self.required,
            "by_employer": self.by_employer,
            "not_applicable": self.not_applicable,
        }


@dataclass(frozen=True)
class MaterialRef:
    code: str
    name: str
    key: bool
    commitment_allowed: bool
    shared_source: str

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MaterialRef:
        return cls(
            code=_str(data, "code"),
            name=_str(data, "name"),
            key=bool(data.get("key")),
            commitment_allowed=bool(data.get("commitment_allowed")),
            shared_source=_str(data, "shared_source"),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "key": self.key,
            "commitment_allowed": self.commitment_allowed,
            "shared_source": self.shared_source,
        }


@dataclass(frozen=True)
class Snapshot:
    pack: PackRef
    bundle: NamedMode
    scenario: NamedMode
    items: tuple[ItemRef, ...] = ()
    fields: tuple[FieldRef, ...] = ()
    materials: tuple[MaterialRef, ...] = ()
    promised_due_at: str | None = None  # ISO 8601, Asia/Shanghai

    @classmethod
    def from_dict(cls, data: object) -> Snapshot:
        raw = _map(data)
        due = raw.get("promised_due_at")
        return cls(
            pack=PackRef.from_dict(_map(raw.get("pack"))),
            bundle=NamedMode.from_dict(_map(raw.get("bundle"))),
            scenario=NamedMode.from_dict(_map(raw.get("scenario"))),
            items=tuple(ItemRef.from_dict(row) for row in _rows(raw.get("items"))),
            fields=tuple(FieldRef.from_dict(row) for row in _rows(raw.get("fields"))),
            materials=tuple(MaterialRef.from_dict(row) for row in _rows(raw.get("materials"))),
            promised_due_at=None if due is None else str(due),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "pack": self.pack.to_dict(),
            "bundle": self.bundle.to_dict(),
            "scenario": self.scenario.to_dict(),
            "items": [i.to_dict() for i in self.items],
            "fields": [f.to_dict() for f in self.fields],
            "materials": [m.to_dict() for m in self.materials],
            "promised_due_at": self.promised_due_at,
        }

    @property
    def serial(self) -> bool:
        return self.scenario.mode == "serial"

    def item(self, code: str) -> ItemRef | None:
        return next((i for i in self.items if i.code == code), None)

    def field_labels(self) -> dict[str, str]:
        return {f.key: f.label for f in self.fields}


def plan_snapshot(plan: Plan) -> Snapshot:
    pack = plan.bundle.pack
    return Snapshot(
        pack=PackRef(pack.code, pack.version, pack.content_hash, pack.document),
        bundle=NamedMode(plan.bundle.code, plan.bundle.name, plan.bundle.mode),
        scenario=NamedMode(plan.scenario.code, plan.scenario.name, plan.mode),
        items=tuple(
            ItemRef(
                code=s.code,
                name=s.name,
                seed_name=s.seed_name,
                required=s.required,
                stage=s.stage,
                agency_kind=s.agency_kind,
                legal_limit=s.limits.legal.label() if s.limits.legal else None,
                promised_limit=s.limits.promised.label(),
                promised=s.limits.promised,
            )
            for s in plan.subitems
        ),
        fields=tuple(
            FieldRef(
                f.key,
                f.label,
                f.field_type,
                f.required,
                f.by_employer,
                not_applicable=bool(f.not_applicable),
            )
            for f in plan.fields
        ),
        materials=tuple(
            MaterialRef(m.code, m.name, m.key, m.commitment_allowed, m.shared_source)
            for m in plan.materials
        ),
        promised_due_at=(
            timezone.localtime(plan.promised_due_at).isoformat() if plan.promised_due_at else None
        ),
    )
