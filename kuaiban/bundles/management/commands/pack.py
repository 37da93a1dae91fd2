"""`kuaiban pack validate|load|diff FILE…`: check, load and compare policy pack files."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction

from kuaiban.accounts.selectors import staffed_agency_ids
from kuaiban.bundles.packfile.diff import (
    BundleNotInPack,
    format_diff,
    format_extension,
    pack_diff,
)
from kuaiban.bundles.packfile.files import (
    PackFile,
    PackInvalid,
    is_catalogue_file,
    read_catalogue,
    read_pack,
)
from kuaiban.bundles.packfile.reader import Problem
from kuaiban.bundles.services import pack_load
from kuaiban.catalogue.models import ServiceItem
from kuaiban.catalogue.routing import route_gaps


class Command(BaseCommand):
    help = "校验、加载、比较政策包文件（packs/*.yaml）。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        validate = sub.add_parser("validate", help="校验文件，逐条列出问题（文件:行号: 说明）")
        validate.add_argument("files", nargs="+", type=Path)
        validate.add_argument(
            "--catalogue", type=Path, help="目录文件；默认为同目录下的 catalogue.yaml"
        )
        load = sub.add_parser("load", help="校验并加载（重复加载不产生重复数据）")
        load.add_argument("files", nargs="*", type=Path, help="默认加载 packs/ 下的全部政策包")
        load.add_argument("--catalogue", type=Path)
        diff = sub.add_parser(
            "diff", help="比较两个政策包的一件事；只给一个市县政策包时，与它扩展的上级政策包比较"
        )
        diff.add_argument("a", type=Path)
        diff.add_argument("b", type=Path, nargs="?")
        diff.add_argument(
            "--bundle", nargs=2, metavar=("A", "B"), help="只比较这两个一件事（序号或名称）"
        )
        diff.add_argument("--catalogue", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "validate":
            self._validate(options["files"], options["catalogue"])
        elif action == "load":
            self._load(options["files"], options["catalogue"])
        else:
            self._diff(options["a"], options["b"], options["bundle"], options["catalogue"])

    def _validate(self, files: list[Path], catalogue: Path | None) -> None:
        failed = 0
        for path in files:
            try:
                if is_catalogue_file(path):
                    read_catalogue(path)
                else:
                    pack_file = read_pack(path, catalogue_path=catalogue)
                    problems = route_problems(pack_file)
                    if problems:
                        raise PackInvalid(problems)
            except PackInvalid as exc:
                failed += 1
                for problem in exc.problems:
                    self.stderr.write(str(problem))
                self.stderr.write(f"{path}: 发现 {len(exc.problems)} 个问题")
            else:
                self.stdout.write(f"{path}: 通过校验")
        if failed:
            raise CommandError(f"{failed} 个文件未通过校验")

    def _load(self, files: list[Path], catalogue: Path | None) -> None:
        """Every file is checked before anything is loaded: one bad file loads none of them."""
        paths = files or default_pack_paths()
        invalid: list[Path] = []
        for path in paths:
            try:
                read_pack(path, catalogue_path=catalogue)
            except PackInvalid as exc:
                invalid.append(path)
                for problem in exc.problems:
                    self.stderr.write(str(problem))
        if invalid:
            names = "、".join(str(p) for p in invalid)
            raise CommandError(f"{names}: 未通过校验，未加载任何内容")
        with transaction.atomic():
            results = [pack_load(path=path, catalogue_path=catalogue) for path in paths]
        for result in results:
            self.stdout.write(result.summary())

    def _diff(
        self, a: Path, b: Path | None, bundle: list[str] | None, catalogue: Path | None
    ) -> None:
        try:
            first = read_pack(a, catalogue_path=catalogue)
            second = read_pack(b, catalogue_path=catalogue) if b else None
        except PackInvalid as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError("政策包未通过校验，无法比较") from None
        if second is None:
            if first.parent is None:
                raise CommandError(f"{a} 没有扩展其他政策包（extends），请给出要比较的第二个文件")
            text = format_extension(first.spec, first.parent.spec, first.catalogue)
            self.stdout.write(text, ending="")
            return
        try:
            pairs = pack_diff(
                first.spec, second.spec, only=(bundle[0], bundle[1]) if bundle else None
            )
        except BundleNotInPack as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(format_diff(pairs, first.spec, second.spec, first.catalogue), ending="")


def route_problems(pack_file: PackFile) -> list[Problem]:
    """Items that would stall in some city of the pack's province: a configuration error.

    Every item must reach an agency, and that agency must have somebody to work its sub-cases
    (an officer account, or its own system through webhooks).

    Routes live in the database (the routing table in the admin), so this part of the check
    runs only against a migrated database that has the province's cities.
    """
    spec = pack_file.spec
    extension = spec.extension
    lines: dict[str, int] = {}
    # An item is reported at the place's own line where it writes one, else at `extends` (an
    # inherited bundle's lines are in the other file).
    for bundle in sorted(
        spec.bundles, key=lambda b: extension is not None and b.code not in extension.own_bundles
    ):
        inherited = extension is not None and bundle.code not in extension.own_bundles
        for scenario in bundle.scenarios:
            for item in scenario.items:
                line = extension.line if extension is not None and inherited else item.line
                lines.setdefault(item.item, line)
    if extension is not None:  # the 提速办 rows a place writes must be servable there too
        chosen = set(extension.picked) | set(extension.added_speedups)
        for speedup in spec.speedups:
            if speedup.seq in chosen:
                lines.setdefault(speedup.item, speedup.line)
    try:
        known = {i.code: i for i in ServiceItem.objects.filter(code__in=lines)}
        items = [
            known.get(code)
            or ServiceItem(
                code=code,
                name=pack_file.catalogue.items[code].name,
                agency_kind=pack_file.catalogue.items[code].agency_kind,
            )
            for code in lines
        ]
        gaps = route_gaps(region_code=spec.region_code, items=items, staffed=staffed_agency_ids())
    except DatabaseError:
        return []  # no database yet: the file itself is what is being checked
    return [
        Problem(
            str(pack_file.path),
            lines[code],
            f"事项“{code}”在{gap.describe()}",
        )
        for code, found in sorted(gaps.items())
        for gap in found
    ]


def default_pack_paths() -> list[Path]:
    packs_dir = Path(settings.KUAIBAN_PACKS_DIR)
    return sorted(p for p in packs_dir.glob("*.yaml") if not is_catalogue_file(p))
