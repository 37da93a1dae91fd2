"""The platform's source, parsed once per test session for the tests that read it with `ast`
(`test_app_graph.py`, `test_one_source.py`): parsing and walking every module is the slow part."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "kuaiban"


@dataclass(frozen=True)
class Module:
    name: str  # the path below kuaiban/, with "/"
    tree: ast.Module
    nodes: tuple[ast.AST, ...]  # every node of the tree, as `ast.walk` yields them


@cache
def source_modules() -> tuple[Module, ...]:
    """Every module of kuaiban/ except migrations, in path order."""
    modules = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.relative_to(SOURCE).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        modules.append(Module(path.relative_to(SOURCE).as_posix(), tree, tuple(ast.walk(tree))))
    return tuple(modules)
