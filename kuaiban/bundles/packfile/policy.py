"""A pack's policy facts beside its bundles: targets (工作目标) and provisions (政策条款)."""

from __future__ import annotations

from kuaiban.bundles.features import FEATURES
from kuaiban.bundles.models import ItemScope, ProvisionKind, TargetKind
from kuaiban.bundles.packfile.reader import LineDict
from kuaiban.bundles.packfile.specs import ProvisionSpec, TargetSpec
from kuaiban.bundles.packfile.values import ValueReader
from kuaiban.bundles.targets import target_problem
from kuaiban.catalogue.specs import CatalogueSpec


def parse_targets(reader: ValueReader, data: LineDict) -> list[TargetSpec]:
    """`targets:` — each with the seed's wording, its scope, deadline and source."""
    targets = []
    for row in reader.mappings(data, "targets", where="政策包文件"):
        kind = reader.choice(row, "kind", TargetKind.values, where="工作目标")
        where = f"工作目标“{kind}”"
        value = reader.integer(row, "value", where=where)
        ratio = row.get("ratio")
        if ratio is not None and (isinstance(ratio, bool) or not isinstance(ratio, int)):
            reader.problem(row.line_of("ratio"), f"{where}的“ratio”应为整数（%）")
            ratio = None
        if kind:
            problem = target_problem(kind=kind, value=value, ratio=ratio)
            if problem:
                reader.problem(row.line_of("value"), f"{where}：{problem}")
        targets.append(
            TargetSpec(
                kind=kind,
                value=value,
                ratio=ratio,
                text=reader.text(row, "text", where=where),
                scope=reader.text(row, "scope", where=where),
                deadline=reader.date(row, "deadline", where=where),
                deadline_text=reader.text(row, "deadline_text", where=where),
                source=reader.source(row, where=where),
                line=row.line,
            )
        )
    seen: dict[tuple[str, object], int] = {}
    for target in targets:
        key = (target.kind, target.deadline)
        if key in seen:
            reader.problem(
                target.line,
                f"工作目标“{target.kind}”在同一期限重复（首次出现在第{seen[key]}行）",
            )
        seen.setdefault(key, target.line)
    return targets


def parse_provisions(
    reader: ValueReader, data: LineDict, *, catalogue: CatalogueSpec
) -> list[ProvisionSpec]:
    """`provisions:` — what the policy provides, and the platform features serving each."""
    provisions = []
    for row in reader.mappings(data, "provisions", where="政策包文件"):
        code = reader.text(row, "code", where="政策条款")
        where = f"政策条款“{code}”"
        features = tuple(reader.strings(row, "features", where=where))
        for key in features:
            if key not in FEATURES:
                reader.problem(
                    row.line_of("features"),
                    f"{where}的平台功能“{key}”不存在，应为 {' / '.join(FEATURES)} 之一",
                )
        items = tuple(reader.strings(row, "items", where=where))
        for item in items:
            if item not in catalogue.items:
                reader.problem(row.line_of("items"), f"{where}引用了目录中不存在的事项“{item}”")
        kind = reader.choice(row, "kind", ProvisionKind.values, where=where)
        scope = reader.choice(row, "scope", ItemScope.values, where=where, required=False)
        if scope and kind != ProvisionKind.CROSS_REGION:
            reader.problem(row.line_of("scope"), f"{where}不是跨域通办条款，不应有 scope")
        provisions.append(
            ProvisionSpec(
                code=code,
                kind=kind,
                scope=scope,
                title=reader.text(row, "title", where=where),
                text=reader.text(row, "text", where=where),
                features=features,
                items=items,
                source=reader.source(row, where=where),
                line=row.line,
            )
        )
    first: dict[str, int] = {}
    for provision in provisions:
        if provision.code in first:
            reader.problem(
                provision.line,
                f"政策条款“{provision.code}”重复（首次出现在第{first[provision.code]}行）",
            )
        first.setdefault(provision.code, provision.line)
    return provisions
