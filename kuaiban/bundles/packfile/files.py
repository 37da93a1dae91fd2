"""Reading whole files: the catalogue next to a pack, the pack itself; all problems at once."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from kuaiban.bundles.packfile.catalogue_file import parse_catalogue
from kuaiban.bundles.packfile.pack_file import parse_pack
from kuaiban.bundles.packfile.reader import (
    LineDict,
    PackFileError,
    Problem,
    parse_yaml,
    read_text,
    read_yaml,
)
from kuaiban.bundles.packfile.specs import PackSpec
from kuaiban.catalogue.specs import CatalogueSpec

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
    parent: PackFile | None = None  # the pack it `extends`, read from `<code>.yaml` beside it


def is_catalogue_file(path: Path) -> bool:
    return path.name == CATALOGUE_FILE_NAME


def read_catalogue(path: Path) -> CatalogueSpec:
    """The catalogue file, checked. Every pack is read with it (a city pack twice, with the
    pack it extends), and it is the largest file (≈ 100 KB of YAML): its text is read each time,
    parsed once per process for each path and text (``_catalogue_parsed``), and each caller gets
    its own spec (its dictionaries copied; their values are frozen)."""
    try:
        catalogue, problems = _catalogue_parsed(str(path), read_text(path))
    except PackFileError as exc:
        raise PackInvalid([exc.problem]) from None
    if problems:
        raise PackInvalid(list(problems))
    return replace(
        catalogue,
        materials=dict(catalogue.materials),
        fields=dict(catalogue.fields),
        items=dict(catalogue.items),
    )


@functools.lru_cache(maxsize=4)
def _catalogue_parsed(name: str, text: str) -> tuple[CatalogueSpec, tuple[Problem, ...]]:
    catalogue, problems = parse_catalogue(parse_yaml(text, name=name), file=name)
    return catalogue, tuple(problems)


def read_pack(
    path: Path, *, catalogue_path: Path | None = None, _below: tuple[Path, ...] = ()
) -> PackFile:
    """Read and check a pack against its catalogue (``catalogue.yaml`` beside it by default).

    A pack that `extends` another is read with it: the other pack is ``<code>.yaml`` in the same
    directory, read (and checked) first; its problems are reported as they are, at its lines.
    """
    catalogue = read_catalogue(catalogue_path or path.with_name(CATALOGUE_FILE_NAME))
    try:
        data = read_yaml(path)
    except PackFileError as exc:
        raise PackInvalid([exc.problem]) from None
    parent = _parent_read(path, data, catalogue_path, (*_below, path))
    spec, problems = parse_pack(
        data, file=str(path), catalogue=catalogue, parent=parent.spec if parent else None
    )
    problems += _supplements_problems(path, data, spec)
    if problems:
        raise PackInvalid(problems)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if parent is not None:  # the resolved pack changes when the pack it extends does
        digest = hashlib.sha256(f"{digest}:{parent.content_hash}".encode()).hexdigest()
    return PackFile(path=path, spec=spec, catalogue=catalogue, content_hash=digest, parent=parent)


def _parent_read(
    path: Path, data: LineDict, catalogue_path: Path | None, below: tuple[Path, ...]
) -> PackFile | None:
    head = data.get("pack")
    code = head.get("extends") if isinstance(head, LineDict) else None
    if not isinstance(code, str) or not code.strip():
        return None
    assert isinstance(head, LineDict)
    parent_path = path.with_name(f"{code.strip()}.yaml")
    line = head.line_of("extends")
    if parent_path in below or parent_path == path:
        raise PackInvalid([Problem(str(path), line, f"政策包循环扩展：{code}")])
    if not parent_path.exists():
        raise PackInvalid(
            [
                Problem(
                    str(path), line, f"找不到上级政策包文件 {parent_path.name}（应与本文件同目录）"
                )
            ]
        )
    try:
        return read_pack(parent_path, catalogue_path=catalogue_path, _below=below)
    except PackInvalid as exc:
        note = Problem(str(path), line, f"上级政策包 {parent_path.name} 未通过校验")
        raise PackInvalid([*exc.problems, note]) from None


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
