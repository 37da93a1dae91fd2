"""Helpers for the bundle tests: the fixture texts, precise edits of them, and line look-ups."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from kuaiban.bundles.packfile.files import PackInvalid, read_catalogue, read_pack
from kuaiban.bundles.packfile.reader import Problem

FIXTURES = Path(__file__).parent / "fixtures"
CATALOGUE_PATH = FIXTURES / "catalogue.yaml"
PACK_PATH = FIXTURES / "test-2020.yaml"
OTHER_PACK_PATH = FIXTURES / "other-2021.yaml"
CATALOGUE_TEXT = CATALOGUE_PATH.read_text(encoding="utf-8")
PACK_TEXT = PACK_PATH.read_text(encoding="utf-8")

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Friday before Spring Festival 2025: 01-26 (Sun) and 02-08 (Sat) are make-up working days,
# 01-28 … 02-04 are holidays.
SPRING_2025 = dt.datetime(2025, 1, 24, 10, 0, tzinfo=SHANGHAI)
# Friday before National Day 2024: 09-29 (Sun) and 10-12 (Sat) are make-up working days,
# 10-01 … 10-07 are holidays.
NATIONAL_DAY_2024 = dt.datetime(2024, 9, 27, 10, 0, tzinfo=SHANGHAI)


def replace_once(text: str, old: str, new: str) -> str:
    """Replace ``old`` with ``new``; ``old`` must occur exactly once so the edit is unambiguous."""
    count = text.count(old)
    assert count == 1, f"expected exactly one {old!r} in the fixture, found {count}"
    return text.replace(old, new)


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """The 1-based line where the ``nth`` occurrence of ``needle`` starts."""
    position = -1
    for _ in range(nth):
        position = text.find(needle, position + 1)
        assert position >= 0, f"{needle!r} (occurrence {nth}) not found"
    return text.count("\n", 0, position) + 1


def write_files(
    directory: Path,
    *,
    pack: str = PACK_TEXT,
    catalogue: str = CATALOGUE_TEXT,
    name: str = "test-2020.yaml",
) -> Path:
    """Write a pack and its catalogue side by side; return the pack's path."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "catalogue.yaml").write_text(catalogue, encoding="utf-8")
    path = directory / name
    path.write_text(pack, encoding="utf-8")
    return path


def pack_problems(path: Path) -> list[Problem]:
    try:
        read_pack(path)
    except PackInvalid as exc:
        return exc.problems
    return []


def catalogue_problems(path: Path) -> list[Problem]:
    try:
        read_catalogue(path)
    except PackInvalid as exc:
        return exc.problems
    return []


def find_problem(problems: list[Problem], *, file: Path, line: int, contains: str) -> Problem:
    """The problem at ``file:line`` whose message contains ``contains``; a clear failure if none."""
    for problem in problems:
        if problem.file == str(file) and problem.line == line and contains in problem.message:
            return problem
    listing = "\n".join(str(p) for p in problems) or "(no problems)"
    raise AssertionError(f"no problem at {file}:{line} containing {contains!r}; got:\n{listing}")


def generated_files(directory: Path, *, items: int) -> Path:
    """A catalogue of ``items`` items and a pack with one parallel bundle holding all of them.

    Every item has two materials and two fields of its own plus the shared id_card and
    person_name, and a working-day limit, so a plan needs the calendar for every item.
    """
    materials = [
        "  - {code: id_card, name: 居民身份证, kind: identity, shared_source: person, key: true}"
    ]
    fields = ["  - {key: person_name, label: 姓名, type: text, prefill: person.name}"]
    catalogue_items = []
    bundle_items = []
    for n in range(1, items + 1):
        materials += [
            f"  - {{code: m{n}a, name: 材料{n}甲, kind: proof}}",
            f"  - {{code: m{n}b, name: 材料{n}乙, kind: form}}",
        ]
        fields += [
            f"  - {{key: f{n}a, label: 字段{n}甲, type: text}}",
            f"  - {{key: f{n}b, label: 字段{n}乙, type: text}}",
        ]
        catalogue_items.append(
            f'  - {{code: "9.{n}", name: 事项{n}, category: 社会保险, agency: social_insurance,'
            f" target: person, legal_limit: {{value: 20, unit: working_days}},"
            f" promised_limit: {{value: {n % 5 + 1}, unit: working_days}},"
            f" materials: [id_card, m{n}a, m{n}b], fields: [person_name, f{n}a, f{n}b],"
            f' sources: ["902 附件1 序号{n}"]}}'
        )
        bundle_items.append(
            f'          - {{item: "9.{n}", as: 事项{n}, required: true, source: "902 附件1 序号1 1-1 事项{n}"}}'
        )
    catalogue = "\n".join(
        ['version: "gen"', "materials:", *materials, "fields:", *fields, "items:", *catalogue_items]
    )
    pack = "\n".join(
        [
            "pack:",
            f"  code: gen-{items}",
            f"  name: 生成的政策包{items}",
            '  region: {code: "370000", name: 山东省}',
            "  seed: gen.txt",
            '  version: "1"',
            "bundles:",
            '  - code: "1"',
            "    name: 生成的一件事",
            "    target: person",
            "    mode: parallel",
            '    source: "902 附件1 序号1"',
            "    scenarios:",
            '      - code: "1-1"',
            "        name: 全部事项",
            '        source: "902 附件1 序号1 1-1"',
            "        items:",
            *bundle_items,
        ]
    )
    return write_files(directory, pack=pack + "\n", catalogue=catalogue + "\n", name="gen.yaml")
