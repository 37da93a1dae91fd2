"""Reading whole files: the catalogue next to a pack, the pack itself; all problems at once."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from kuaiban.bundles.packfile.catalogue_file import parse_catalogue
from kuaiban.bundles.packfile.pack_file import parse_pack
from kuaiban.bundles.packfile.reader import LineDict, PackFileError, Problem, read_yaml
from kuaiban.bundles.packfile.specs import CatalogueSpec, PackSpec

CATALOGUE_FILE_NAME = "catalogue.yaml"


class PackInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class PackFile:
    path: Path
    spec: PackSpec
    catalogue: CatalogueSpec
    content_hash: str


def is_catalogue_file(path: Path) -> bool:
    return path.name == CATALOGUE_FILE_NAME


def read_catalogue(path: Path) -> CatalogueSpec:
    try:
        data = read_yaml(path)
    except PackFileError as exc:
        raise PackInvalid([exc.problem]) from None
    catalogue, problems = parse_catalogue(data, file=str(path))
    if problems:
        raise PackInvalid(problems)
    return catalogue


def read_pack(path: Path, *, catalogue_path: Path | None = None) -> PackFile:
    """Read and check a pack against its catalogue (``catalogue.yaml`` beside it by default)."""
    catalogue = read_catalogue(catalogue_path or path.with_name(CATALOGUE_FILE_NAME))
    try:
        data = read_yaml(path)
    except PackFileError as exc:
        raise PackInvalid([exc.problem]) from None
    spec, problems = parse_pack(data, file=str(path), catalogue=catalogue)
    problems += _supplements_problems(path, data, spec)
    if problems:
        raise PackInvalid(problems)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return PackFile(path=path, spec=spec, catalogue=catalogue, content_hash=digest)


def _supplements_problems(path: Path, data: LineDict, spec: PackSpec) -> list[Problem]:
    """A pack that supplements another names a pack file beside it of the same region."""
    if not spec.supplements:
        return []
    head = data.get("pack")
    line = head.line_of("supplements") if isinstance(head, LineDict) else 1
    other = path.with_name(f"{spec.supplements}.yaml")
    where = f"pack.supplements“{spec.supplements}”"
    if spec.supplements == spec.code or not other.is_file():
        return [Problem(str(path), line, f"{where}应为同目录下另一政策包文件的代码")]
    try:
        other_head = read_yaml(other).get("pack")
    except PackFileError:
        return [Problem(str(path), line, f"{where}的文件无法读取")]
    region = other_head.get("region") if isinstance(other_head, dict) else None
    code = str(region.get("code", "")) if isinstance(region, dict) else ""
    if code != spec.region_code:
        return [Problem(str(path), line, f"{where}属于另一地区（{code}），只能补充本地区的政策包")]
    return []
