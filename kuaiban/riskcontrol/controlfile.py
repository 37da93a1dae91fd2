"""`packs/controls/commitments.yaml`: how each committed material is checked, and per item the
sampling rate, whether a 失信 record stops commitments, and the risk points (内控).

Also the 告知承诺书 texts (`texts:`), each a published version that is never changed.
Read in full first (every problem with its line), then written in one transaction. Check rules
and risk points take the file's values; an item's sampling rate, seed and 失信 setting are the
bureau's (admin): the file only gives the default of an item that has none yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from kuaiban.bundles.citations import citation_problem
from kuaiban.bundles.packfile.reader import LineDict, Problem, read_yaml
from kuaiban.catalogue.models import CommitmentText, FormField, Material, ServiceItem
from kuaiban.commitments.facts import ONLINE_FACTS
from kuaiban.commitments.models import CheckMethod, CheckRule, ItemPolicy
from kuaiban.riskcontrol.models import (
    DEFAULT_AMOUNT_THRESHOLD,
    ItemRisk,
    RiskPoint,
    RiskSettings,
)

_TEXT_KEYS = ("version", "promise", "consequence", "verification", "source")


class ControlFileError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class ControlFile:
    rules: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    texts: list[dict[str, Any]] = field(default_factory=list)
    amount_threshold: Decimal = DEFAULT_AMOUNT_THRESHOLD


def _amount(value: object) -> Decimal | None:
    """A non-negative amount in yuan, at most two decimals; None when it is not one."""
    if isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    if not amount.is_finite() or not 0 <= amount < 10**10 or amount != round(amount, 2):
        return None
    return amount


def default_path() -> Path:
    return Path(settings.KUAIBAN_PACKS_DIR) / "controls" / "commitments.yaml"


def controls_read(path: Path) -> ControlFile:
    raw = read_yaml(path)
    name = str(path)
    problems: list[Problem] = []
    out = ControlFile()
    materials = dict(Material.objects.values_list("code", "commitment_allowed"))
    items = dict(ServiceItem.objects.values_list("code", "pk"))
    fields = set(FormField.objects.values_list("key", flat=True))

    def bad(row: LineDict, key: str, message: str) -> None:
        problems.append(Problem(name, row.line_of(key) if key in row else row.line_of(""), message))

    texts = raw.get("texts")
    if not isinstance(texts, LineDict):
        texts = LineDict()
    for code, row in texts.items():
        if code.startswith("_"):
            continue  # an anchor shared by the texts, not a material
        if not isinstance(row, LineDict):
            problems.append(Problem(name, texts.line_of(code), "告知承诺书文本应为映射"))
            continue
        if materials.get(code) is not True:
            problems.append(
                Problem(name, texts.line_of(code), f"材料“{code}”不在目录中或不允许告知承诺")
            )
        for key in ("version", "promise", "consequence", "verification"):
            if not str(row.get(key) or "").strip():
                bad(row, key, f"告知承诺书缺少 {key}")
        if problem := citation_problem(str(row.get("source", ""))):
            bad(row, "source", problem)
        out.texts.append({"code": code} | {k: str(row.get(k) or "") for k in _TEXT_KEYS})
    for row in raw.get("checks") or []:
        if not isinstance(row, LineDict):
            problems.append(Problem(name, 0, "checks 的每一项应为映射"))
            continue
        code = str(row.get("material", ""))
        if materials.get(code) is not True:
            bad(row, "material", f"材料“{code}”不在目录中或不允许告知承诺")
        method = str(row.get("method", ""))
        if method not in CheckMethod.values:
            bad(row, "method", f"核查方式应为 {'、'.join(CheckMethod.values)}")
        path_ = str(row.get("path") or "")
        promised = row.get("promised") or []
        if method == CheckMethod.ONLINE:
            if path_ not in ONLINE_FACTS:
                bad(row, "path", f"在线核查数据项应取自 {'、'.join(ONLINE_FACTS)}")
            if (
                not isinstance(promised, list)
                or not promised
                or any(f not in fields for f in promised)
            ):
                bad(
                    row,
                    "promised",
                    "在线核查须列出载明承诺内容的表单字段（promised），且均在目录中",
                )
                promised = []
        elif promised:
            bad(row, "promised", "只有在线核查比对表单所载的承诺内容")
            promised = []
        partner = str(row.get("partner") or "")
        if method == CheckMethod.ASSISTANCE and not partner:
            bad(row, "partner", "协助核查须写明协助单位类型（partner）")
        days = row.get("due_working_days", 10)
        if not isinstance(days, int) or not 1 <= days <= 60:
            bad(row, "due_working_days", "核查期限应为 1 至 60 个工作日")
        if problem := citation_problem(str(row.get("source", ""))):
            bad(row, "source", problem)
        out.rules.append(
            {
                "material_code": code,
                "method": method,
                "online_path": path_,
                "promised_fields": [str(f) for f in promised],
                "false_without_value": bool(row.get("false_without_value", False)),
                "partner_kind": partner,
                "due_working_days": days if isinstance(days, int) else 10,
                "source": str(row.get("source", "")),
            }
        )
    if "amount_threshold" in raw:
        threshold = _amount(raw.get("amount_threshold"))
        if threshold is None:
            problems.append(
                Problem(name, raw.line_of("amount_threshold"), "支付金额限额应为不小于 0 的金额")
            )
        else:
            out.amount_threshold = threshold
    for row in raw.get("items") or []:
        if not isinstance(row, LineDict):
            problems.append(Problem(name, 0, "items 的每一项应为映射"))
            continue
        code = str(row.get("item", ""))
        if code not in items:
            bad(row, "item", f"事项“{code}”不在目录中")
        points = row.get("risk_points") or []
        if not isinstance(points, list) or any(p not in RiskPoint.values for p in points):
            bad(row, "risk_points", f"风险点应取自 {'、'.join(RiskPoint.values)}")
            points = []
        try:
            rate = Decimal(str(row.get("sample_rate", 1)))
        except InvalidOperation:
            rate = Decimal(-1)
        if not Decimal(0) <= rate <= Decimal(1):
            bad(row, "sample_rate", "抽查比例应在 0 与 1 之间")
        item_threshold = None
        if row.get("amount_threshold") is not None:
            item_threshold = _amount(row.get("amount_threshold"))
            if item_threshold is None:
                bad(row, "amount_threshold", "支付金额限额应为不小于 0 的金额")
        if problem := citation_problem(str(row.get("source", ""))):
            bad(row, "source", problem)
        out.items.append(
            {
                "item_id": items.get(code),
                "points": list(points),
                "amount_threshold": item_threshold,
                "sample_rate": rate,
                "sample_seed": str(row.get("seed", "2026")),
                "refuse_when_discredited": bool(row.get("refuse_when_discredited", True)),
                "source": str(row.get("source", "")),
                "policy": "sample_rate" in row or "refuse_when_discredited" in row,
            }
        )
    if problems:
        raise ControlFileError(problems)
    return out


def controls_load(*, path: Path | None = None) -> ControlFile:
    """Read, then write everything in one transaction; a bad file stores nothing."""
    data = controls_read(path or default_path())
    with transaction.atomic():
        ids = dict(Material.objects.values_list("code", "pk"))
        for text in data.texts:
            # A published version is what people signed: a changed text needs a new version.
            CommitmentText.objects.get_or_create(
                material_id=ids[text["code"]],
                version=text["version"],
                defaults={k: text[k] for k in _TEXT_KEYS if k != "version"},
            )
        for rule in data.rules:
            code = rule.pop("material_code")
            CheckRule.objects.update_or_create(material_code=code, defaults=rule)
        # The thresholds are the bureau's (admin): the file gives those not yet set.
        RiskSettings.objects.get_or_create(
            pk=1, defaults={"amount_threshold": data.amount_threshold}
        )
        for item in data.items:
            ItemRisk.objects.update_or_create(
                item_id=item["item_id"],
                defaults={"points": item["points"], "source": item["source"]},
                create_defaults={
                    "points": item["points"],
                    "source": item["source"],
                    "amount_threshold": item["amount_threshold"],
                },
            )
            if item["policy"]:
                ItemPolicy.objects.get_or_create(
                    item_id=item["item_id"],
                    defaults={
                        "sample_rate": item["sample_rate"],
                        "sample_seed": item["sample_seed"],
                        "refuse_when_discredited": item["refuse_when_discredited"],
                        "source": item["source"],
                    },
                )
    return data
