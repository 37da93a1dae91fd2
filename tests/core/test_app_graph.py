"""Apps import downward only: the app import graph, built from the source with ``ast``.

Every ``import kuaiban.<app>…`` in a module of another app is an edge, wherever the import
stands (top of the module or inside a function). The outbox core (`kuaiban.integrations`)
imports no domain app at all; its domain deliveries live in `kuaiban.deliveries` and the
domain apps, which register their handlers at start-up.

The graph has no cycle at all. Where a lower app needs something of an upper one, the lower
app declares a small interface and the upper app registers its implementation in its
``AppConfig.ready()`` (``applications/hooks.py``: the sub-cases and window visits); rules and
data shapes live in the app that owns the data (the 智能审核 rule language and the routing
table in ``catalogue``); the demo set-up, which seeds several apps, is an app of its own above
them all (``kuaiban/demo``).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from functools import cache

from tests.core.source_tree import SOURCE, source_modules

APPS = {p.name for p in SOURCE.iterdir() if (p / "apps.py").exists()}
# Shared kernels, not domain apps: errors, masking, audit, admin plumbing; working days.
KERNEL = {"core", "integrations"}
OUTBOX_CORE = "integrations"


@cache
def _edges() -> dict[tuple[str, str], set[str]]:
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    for module in source_modules():
        parts = module.name.split("/")
        if len(parts) < 2 or parts[0] not in APPS:
            continue
        source, rest = parts[0], "/".join(parts[1:])
        for node in module.nodes:
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
                if node.module == "kuaiban":
                    names = [f"kuaiban.{alias.name}" for alias in node.names]
            for name in names:
                bits = name.split(".")
                if bits[0] == "kuaiban" and len(bits) > 1 and bits[1] in APPS - {source}:
                    edges[(source, bits[1])].add(rest)
    return edges


def _cycle(edges: set[tuple[str, str]]) -> list[str] | None:
    """One cycle of the graph, as a path of apps, or None."""
    graph: dict[str, list[str]] = defaultdict(list)
    for a, b in sorted(edges):
        graph[a].append(b)
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(app: str) -> list[str] | None:
        state[app] = 1
        stack.append(app)
        for nxt in graph[app]:
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[app] = 2
        return None

    for app in sorted(graph):
        if app not in state and (found := visit(app)):
            return found
    return None


def test_the_outbox_core_imports_no_domain_app() -> None:
    upward = {
        f"{OUTBOX_CORE}/{module} → {target}"
        for (source, target), modules in _edges().items()
        if source == OUTBOX_CORE and target not in KERNEL
        for module in modules
    }
    assert upward == set()


def test_the_app_graph_has_no_cycle() -> None:
    edges = set(_edges())
    assert _cycle(edges) is None


def test_the_app_graph_is_read_from_the_source() -> None:
    # The graph is not empty by accident (a path or parsing slip): known downward edges appear,
    # with an import inside a function (`ready()`) counted like one at the top.
    edges = _edges()
    assert "services.py" in edges[("applications", "bundles")]
    assert "apps.py" in edges[("cases", "applications")]
    assert ("demo", "shareddata") in edges


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({("a", "b"), ("b", "c"), ("c", "a")}) == ["a", "b", "c", "a"]
    assert _cycle({("a", "b"), ("b", "c"), ("a", "c")}) is None
