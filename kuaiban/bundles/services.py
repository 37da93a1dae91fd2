"""Writes for packs and bundles: loading a checked pack file into the database."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from kuaiban.bundles.models import (
    Bundle,
    BundleItem,
    ContactPoint,
    HotItem,
    Pack,
    Provision,
    Question,
    Scenario,
    SpeedUp,
    SpeedUpListKind,
    Target,
)
from kuaiban.bundles.packfile.files import PackFile, read_pack
from kuaiban.bundles.packfile.specs import BundleSpec, PackSpec
from kuaiban.catalogue.models import Region, RegionLevel, ServiceItem
from kuaiban.catalogue.services import SyncCounts, catalogue_sync
from kuaiban.core.policy_cache import policy_changed


@dataclass(frozen=True)
class PackLoadResult:
    pack: Pack
    changed: bool
    catalogue: dict[str, SyncCounts]

    def summary(self) -> str:
        parts = [f"{k}: {v.summary()}" for k, v in self.catalogue.items()]
        state = "已加载" if self.changed else "未变化，未做修改"
        return f"政策包 {self.pack.code}（版本 {self.pack.version}）{state}；目录 " + "；".join(
            parts
        )


def pack_load(*, path: Path, catalogue_path: Path | None = None) -> PackLoadResult:
    """Check the file, then load it and its catalogue in one transaction; idempotent."""
    pack_file = read_pack(path, catalogue_path=catalogue_path)
    with transaction.atomic():
        supplements = pack_file.spec.supplements
        if supplements and not Pack.objects.filter(code=supplements).exists():
            # The pack it supplements comes first (its file is beside it: checked on reading).
            pack_load(path=path.with_name(f"{supplements}.yaml"), catalogue_path=catalogue_path)
        counts = catalogue_sync(catalogue=pack_file.catalogue)
        pack, changed = _pack_ensure(pack_file)
        if changed:
            policy_changed()  # the bulk writes of the load send no signal
        return PackLoadResult(pack=pack, changed=changed, catalogue=counts)


def _pack_ensure(pack_file: PackFile) -> tuple[Pack, bool]:
    """The pack stored as the file says (the pack it extends first); whether anything changed."""
    parent = _pack_ensure(pack_file.parent)[0] if pack_file.parent else None
    existing = Pack.objects.filter(code=pack_file.spec.code).first()
    if existing and existing.content_hash == pack_file.content_hash:
        return existing, False
    return _pack_save(pack_file, parent), True


def _pack_region(spec: PackSpec, parent: Pack | None) -> Region:
    """The pack's region; a place's pack's region lies under its parent pack's."""
    if parent is None:
        level, above = RegionLevel.PROVINCE, None
    else:
        city = spec.region_code.endswith("00")
        level, above = (RegionLevel.CITY if city else RegionLevel.COUNTY), parent.region
    region, _ = Region.objects.get_or_create(
        code=spec.region_code, defaults={"name": spec.region_name, "level": level, "parent": above}
    )
    return region


def _speedup_list(spec: PackSpec) -> dict[str, object]:
    listed = spec.speedup_list
    if listed is None:
        return {
            "speedup_list": SpeedUpListKind.BINDING,
            "speedup_min_pick": 0,
            "speedup_list_text": "",
            "speedup_list_source": "",
        }
    return {
        "speedup_list": listed.kind,
        "speedup_min_pick": listed.min_pick,
        "speedup_list_text": listed.text,
        "speedup_list_source": listed.source,
    }


def _pack_save(pack_file: PackFile, parent: Pack | None) -> Pack:
    spec = pack_file.spec
    pack, _ = Pack.objects.update_or_create(
        code=spec.code,
        defaults={
            "name": spec.name,
            "region": _pack_region(spec, parent),
            "extends": parent,
            "local_basis": spec.basis,
            "document": spec.document,
            "issued": spec.issued,
            "seed": spec.seed,
            "version": spec.version,
            "file_name": pack_file.path.name,
            "content_hash": pack_file.content_hash,
            "supplements": Pack.objects.filter(code=spec.supplements).first()
            if spec.supplements
            else None,
            **_speedup_list(spec),
        },
    )
    items = {i.code: i for i in ServiceItem.objects.all()}
    _bundles_save(pack, spec, items)
    _lists_save(pack, spec, items)
    return pack


def _bundles_save(pack: Pack, spec: PackSpec, items: dict[str, ServiceItem]) -> None:
    pack.bundles.exclude(code__in=[b.code for b in spec.bundles]).delete()
    for position, bundle_spec in enumerate(spec.bundles):
        limit = bundle_spec.promised_limit
        bundle, _ = Bundle.objects.update_or_create(
            pack=pack,
            code=bundle_spec.code,
            defaults={
                "name": bundle_spec.name,
                "target": bundle_spec.target,
                "mode": bundle_spec.mode,
                "promised_limit_value": limit.value if limit and not limit.is_instant else None,
                "promised_limit_unit": limit.unit if limit else "",
                "lead": bundle_spec.lead,
                "notes": list(bundle_spec.notes),
                "source": bundle_spec.source,
                "position": position,
                "set_by": bundle_spec.set_by,
                "basis": bundle_spec.basis,
            },
        )
        _scenarios_save(bundle, bundle_spec, items)


def _scenarios_save(bundle: Bundle, spec: BundleSpec, items: dict[str, ServiceItem]) -> None:
    bundle.questions.all().delete()
    Question.objects.bulk_create(
        Question(bundle=bundle, key=q.key, text=q.text, position=n)
        for n, q in enumerate(spec.questions)
    )
    bundle.scenarios.exclude(code__in=[s.code for s in spec.scenarios]).delete()
    for position, scenario_spec in enumerate(spec.scenarios):
        scenario, _ = Scenario.objects.update_or_create(
            bundle=bundle,
            code=scenario_spec.code,
            defaults={
                "name": scenario_spec.name,
                "target": scenario_spec.target,
                "mode": scenario_spec.mode,
                "source": scenario_spec.source,
                "position": position,
                "field_rules": scenario_spec.field_rules,
                "notes": list(scenario_spec.notes),
            },
        )
        scenario.bundle_items.all().delete()
        BundleItem.objects.bulk_create(
            BundleItem(
                scenario=scenario,
                item=items[bi.item],
                seed_name=bi.seed_name,
                required=bi.required,
                stage=bi.stage or 1,
                when=bi.when,
                source=bi.source,
                position=n,
                group=bi.group,
                group_required=bi.group_required,
                target=bi.target,
            )
            for n, bi in enumerate(scenario_spec.items)
        )


def _lists_save(pack: Pack, spec: PackSpec, items: dict[str, ServiceItem]) -> None:
    pack.speedups.all().delete()
    SpeedUp.objects.bulk_create(
        SpeedUp(
            pack=pack,
            seq=s.seq,
            item=items[s.item],
            seed_name=s.seed_name,
            legal_text=s.legal_text,
            promised_text=s.promised_text,
            legal_limit_value=s.legal_limit.value
            if s.legal_limit and not s.legal_limit.is_instant
            else None,
            legal_limit_unit=s.legal_limit.unit if s.legal_limit else "",
            promised_limit_value=None if s.promised_limit.is_instant else s.promised_limit.value,
            promised_limit_unit=s.promised_limit.unit,
            promised_set_by=s.promised_set_by,
            source=s.source,
            group=s.group,
        )
        for s in spec.speedups
    )
    pack.hot_items.all().delete()
    HotItem.objects.bulk_create(
        HotItem(
            pack=pack,
            seq=h.seq,
            item=items[h.item],
            seed_name=h.seed_name,
            channels=list(h.channels),
            source=h.source,
        )
        for h in spec.hot_items
    )
    _policy_save(pack, spec)
    pack.contact_points.all().delete()
    ContactPoint.objects.bulk_create(
        ContactPoint(pack=pack, name=c.name, level=c.level, source=c.source, position=n)
        for n, c in enumerate(spec.contact_points)
    )


def _policy_save(pack: Pack, spec: PackSpec) -> None:
    """Targets and provisions: replaced as a whole, like the pack's other lists."""
    pack.targets.all().delete()
    Target.objects.bulk_create(
        Target(
            pack=pack,
            kind=t.kind,
            value=t.value,
            ratio=t.ratio,
            text=t.text,
            scope=t.scope,
            deadline=t.deadline,
            deadline_text=t.deadline_text,
            source=t.source,
            position=n,
        )
        for n, t in enumerate(spec.targets)
    )
    pack.provisions.all().delete()
    Provision.objects.bulk_create(
        Provision(
            pack=pack,
            code=p.code,
            kind=p.kind,
            title=p.title,
            text=p.text,
            features=list(p.features),
            items=list(p.items),
            scope=p.scope,
            source=p.source,
            position=n,
        )
        for n, p in enumerate(spec.provisions)
    )
