"""Apps import downward only: the app import graph, built from the source with ``ast``.

Every ``import kuaiban.<app>…`` in a module of another app is an edge, wherever the import
stands (top of the module or inside a function). The outbox core (`kuaiban.integrations`)
imports no domain app at all; its domain deliveries live in `kuaiban.deliveries` and the
domain apps, which register their handlers at start-up.

The graph has no cycle apart from the back-edges listed in ``KNOWN_BACK_EDGES``: each names
the modules that still import upward, to be turned around. The list may only shrink — a new
back-edge fails the test, and so does an entry that no longer exists.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "kuaiban"
APPS = {p.name for p in SOURCE.iterdir() if (p / "apps.py").exists()}
# Shared kernels, not domain apps: errors, masking, audit, admin plumbing; working days.
KERNEL = {"core", "integrations"}
OUTBOX_CORE = "integrations"

# (importing app, imported app) → the importing modules; each closes a cycle today.
KNOWN_BACK_EDGES: dict[tuple[str, str], set[str]] = {
    # Submission creates the sub-cases and shows their results; the form is checked by the
    # automatic-review rules that live in `cases.checks`.
    ("applications", "cases"): {"api.py", "results.py", "services.py", "validation.py", "views.py"},
    # A window submission records the visit that the walk-in may rate; the receipt offers it.
    ("applications", "ratings"): {"services.py", "views.py"},
    # The demo seeds the shared data (whose access rules read the accounts' roles).
    ("accounts", "shareddata"): {"demo.py"},
    # The pack file's automatic-review rules are checked by the cases' rule kinds (planning
    # too), and `kuaiban pack validate` reports items without a route.
    ("bundles", "cases"): {
        "management/commands/pack.py",
        "packfile/catalogue_file.py",
        "planning.py",
    },
    # Loading a catalogue file reads the pack file's specs.
    ("catalogue", "bundles"): {"services.py"},
}


def _edges() -> dict[tuple[str, str], set[str]]:
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in sorted(SOURCE.rglob("*.py")):
        parts = path.relative_to(SOURCE).parts
        if len(parts) < 2 or parts[0] not in APPS or "migrations" in parts:
            continue
        source, module = parts[0], "/".join(parts[1:])
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
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
                    edges[(source, bits[1])].add(module)
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


def test_the_app_graph_has_no_cycle_but_the_known_back_edges() -> None:
    edges = _edges()
    rest = {edge for edge in edges if edge not in KNOWN_BACK_EDGES}
    assert _cycle(rest) is None
    # Every known back-edge is still there, with exactly the modules listed: a module that
    # stops importing upward is taken off the list, a new one is not added silently.
    assert {edge: edges.get(edge, set()) for edge in KNOWN_BACK_EDGES} == KNOWN_BACK_EDGES
    # And each of them still closes a cycle: one that no longer does comes off the list.
    for edge in KNOWN_BACK_EDGES:
        assert _cycle(rest | {edge}) is not None, f"{edge} closes no cycle any more"


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({("a", "b"), ("b", "c"), ("c", "a")}) == ["a", "b", "c", "a"]
    assert _cycle({("a", "b"), ("b", "c"), ("a", "c")}) is None
