"""Reading whole files: the catalogue next to a pack, the pack itself; all problems at once."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from kuaiban.bundles.packfile.catalogue_file import parse_catalogue
from kuaiban.bundles.packfile.pack_file import parse_pack
from kuaiban.bundles.packfile.reader import PackFileError, Problem, read_yaml
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
    if problems:
        raise PackInvalid(problems)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return PackFile(path=path, spec=spec, catalogue=catalogue, content_hash=digest)
