"""Writes to the catalogue: loading `packs/catalogue.yaml` into the database."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction

from kuaiban.catalogue.models import (
    FormField,
    ItemField,
    ItemMaterial,
    Material,
    ServiceItem,
)
from kuaiban.catalogue.specs import CatalogueSpec, FieldSpec, ItemSpec, MaterialSpec


@dataclass
class SyncCounts:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0

    def summary(self) -> str:
        return f"新增{len(self.created)}，更新{len(self.updated)}，未变{self.unchanged}"


# Attributes added after the first release, with the value an entry has when it omits them.
_LATER_ITEM_DEFAULTS: dict[str, Any] = {
    "checks": (),
    "system_performs": False,
    "fee": "",
    "needed_when": {},  # materials
    "first_issue": (),
}


def spec_hash(spec: MaterialSpec | FieldSpec | ItemSpec) -> str:
    values = asdict(spec)
    # An item that does not use a later attribute hashes as it did before the attribute existed,
    # so adding a feature does not make every row look changed (and overwrite the
    # administrators' edits) on reload.
    for name, default in _LATER_ITEM_DEFAULTS.items():
        if name in values and values[name] == default:
            del values[name]
    payload = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


@transaction.atomic
def catalogue_sync(*, catalogue: CatalogueSpec) -> dict[str, SyncCounts]:
    """Create missing rows and update rows whose file entry changed since the last load.

    A row whose file entry is unchanged is left alone, so what an administrator edited in
    the admin (a promised limit, a material's commitment flag) survives a reload.
    """
    materials = _sync_rows(Material, "code", catalogue.materials, _material_values)
    fields = _sync_rows(FormField, "key", catalogue.fields, _field_values)
    items = _sync_rows(ServiceItem, "code", catalogue.items, _item_values)
    _link_items(catalogue, changed=set(items.created) | set(items.updated))
    return {"materials": materials, "fields": fields, "items": items}


def _sync_rows(model: Any, key: str, specs: dict[str, Any], values: Any) -> SyncCounts:
    counts = SyncCounts()
    existing = {getattr(row, key): row for row in model.objects.all()}
    new_rows = []
    for code, spec in specs.items():
        digest = spec_hash(spec)
        row = existing.get(code)
        if row is None:
            new_rows.append(model(**{key: code}, source_hash=digest, **values(spec)))
            counts.created.append(code)
        elif row.source_hash != digest:
            for name, value in values(spec).items():
                setattr(row, name, value)
            row.source_hash = digest
            row.save()
            counts.updated.append(code)
        else:
            counts.unchanged += 1
    # A first load creates every row: one INSERT per batch instead of one per row.
    model.objects.bulk_create(new_rows, batch_size=500)
    return counts


def _material_values(spec: MaterialSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "kind": spec.kind,
        "shared_source": spec.shared_source,
        "commitment_allowed": spec.commitment_allowed,
        "key": spec.key,
        "needed_when": spec.needed_when,
    }


def _field_values(spec: FieldSpec) -> dict[str, Any]:
    return {
        "label": spec.label,
        "field_type": spec.field_type,
        "required": spec.required,
        "prefill": spec.prefill,
        "choices": list(spec.choices),
        "only_gender": spec.only_gender,
    }


def _item_values(spec: ItemSpec) -> dict[str, Any]:
    legal = spec.legal_limit
    return {
        "name": spec.name,
        "aliases": list(spec.aliases),
        "category": spec.category,
        "agency_kind": spec.agency_kind,
        "target": spec.target,
        "legal_limit_value": legal.value if legal and not legal.is_instant else None,
        "legal_limit_unit": legal.unit if legal else "",
        "promised_limit_value": None
        if spec.promised_limit.is_instant
        else spec.promised_limit.value,
        "promised_limit_unit": spec.promised_limit.unit,
        "online": spec.online,
        "onsite_required": spec.onsite_required,
        "pays_money": spec.pays_money,
        "sources": list(spec.sources),
        "checks": [dict(check) for check in spec.checks],
        "system_performs": spec.system_performs,
        "fee": spec.fee,
        "first_issue": list(spec.first_issue),
    }


def _link_items(catalogue: CatalogueSpec, *, changed: set[str]) -> None:
    """Replace the material and field links of the items created or changed in this load."""
    if not changed:
        return
    items = {i.code: i for i in ServiceItem.objects.filter(code__in=changed)}
    materials = {m.code: m for m in Material.objects.all()}
    fields = {f.key: f for f in FormField.objects.all()}
    ItemMaterial.objects.filter(item__in=items.values()).delete()
    ItemField.objects.filter(item__in=items.values()).delete()
    ItemMaterial.objects.bulk_create(
        ItemMaterial(item=items[code], material=materials[m], position=n)
        for code in changed
        for n, m in enumerate(catalogue.items[code].materials)
    )
    ItemField.objects.bulk_create(
        ItemField(item=items[code], field=fields[f], position=n)
        for code in changed
        for n, f in enumerate(catalogue.items[code].fields)
    )
