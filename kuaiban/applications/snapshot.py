"""The frozen copy of the bundle version an application was accepted under."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kuaiban.bundles.planning import Plan


def plan_snapshot(plan: Plan) -> dict[str, Any]:
    pack = plan.bundle.pack
    return {
        "pack": {
            "code": pack.code,
            "version": pack.version,
            "content_hash": pack.content_hash,
            "document": pack.document,
        },
        "bundle": {"code": plan.bundle.code, "name": plan.bundle.name, "mode": plan.bundle.mode},
        "scenario": {"code": plan.scenario.code, "name": plan.scenario.name, "mode": plan.mode},
        "items": [
            {
                "code": s.code,
                "name": s.name,
                "seed_name": s.seed_name,
                "required": s.required,
                "stage": s.stage,
                "agency_kind": s.agency_kind,
                "legal_limit": s.limits.legal.label() if s.limits.legal else None,
                "promised_limit": s.limits.promised.label(),
                "promised": {"unit": s.limits.promised.unit, "value": s.limits.promised.value},
            }
            for s in plan.subitems
        ],
        "fields": [
            {
                "key": f.key,
                "label": f.label,
                "type": f.field_type,
                "required": f.required,
                # Only the employer knows it and a person applied: the officer asks the unit.
                "by_employer": f.by_employer,
            }
            for f in plan.fields
        ],
        "materials": [
            {
                "code": m.code,
                "name": m.name,
                "key": m.key,
                "commitment_allowed": m.commitment_allowed,
                "shared_source": m.shared_source,
            }
            for m in plan.materials
        ],
        "promised_due_at": timezone.localtime(plan.promised_due_at).isoformat()
        if plan.promised_due_at
        else None,
    }
