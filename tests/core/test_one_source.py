"""Each derived rule is declared once: a scan of the source keeps the copies from coming back.

The status sets live on the models (`SubCase.RUNNING`, `SubCase.FINISHED`,
`Application.FINISHED`) and the region tree is walked only by `kuaiban.catalogue.regions`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from kuaiban.applications.models import Application
from kuaiban.cases.models import SubCase
from tests.core.source_tree import source_modules

DECLARED = {
    "SubCase.RUNNING": ("SubCaseStatus", set(SubCase.RUNNING), "cases/models.py"),
    "SubCase.FINISHED": ("SubCaseStatus", set(SubCase.FINISHED), "cases/models.py"),
    "Application.FINISHED": (
        "ApplicationStatus",
        set(Application.FINISHED),
        "applications/models.py",
    ),
}


def _modules() -> Iterator[tuple[str, tuple[ast.AST, ...]]]:
    """Each module's path below kuaiban/ and every node of it (parsed once per session)."""
    for module in source_modules():
        yield module.name, module.nodes


def _members(node: ast.AST, enum: str) -> set[str] | None:
    """The values of a literal tuple/list/set made only of ``<enum>.<NAME>``, else None."""
    if not isinstance(node, ast.Tuple | ast.List | ast.Set) or len(node.elts) < 2:
        return None
    names = set()
    for element in node.elts:
        if not (
            isinstance(element, ast.Attribute)
            and isinstance(element.value, ast.Name)
            and element.value.id == enum
        ):
            return None
        names.add(element.attr.lower())
    return names


def test_status_sets_are_declared_only_on_their_model() -> None:
    copies = []
    wanted = [
        (declared, enum, {str(v) for v in values}, home)
        for declared, (enum, values, home) in DECLARED.items()
    ]
    for name, nodes in _modules():
        for node in nodes:
            if not isinstance(node, ast.Tuple | ast.List | ast.Set):
                continue
            for declared, enum, values, home in wanted:
                if name != home and _members(node, enum) == values:
                    copies.append(f"{name}:{node.lineno} re-declares {declared}")
    assert copies == []


def test_only_the_region_tree_walks_region_parents() -> None:
    walks = []
    for name, nodes in _modules():
        if name == "catalogue/regions.py":
            continue
        for loop in (n for n in nodes if isinstance(n, ast.While)):
            for node in ast.walk(loop):
                if (
                    isinstance(node, ast.Assign)
                    and isinstance(node.value, ast.Attribute)
                    and node.value.attr in {"parent", "parent_id"}
                ):
                    walks.append(f"{name}:{node.lineno}")
    assert walks == []


AUDIT_WRITERS = {"audit_record", "audit_log"}


def _called(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def test_audit_actions_are_members_of_the_one_enumeration() -> None:
    """No audit action is a string literal or an f-string: each is an `AuditAction` member."""
    loose = []
    for name, nodes in _modules():
        for node in nodes:
            if not isinstance(node, ast.Call) or _called(node) not in AUDIT_WRITERS:
                continue
            for keyword in node.keywords:
                if keyword.arg == "action" and isinstance(
                    keyword.value, ast.Constant | ast.JoinedStr | ast.BinOp
                ):
                    loose.append(f"{name}:{node.lineno}")
    assert loose == []


def test_shared_data_reads_are_audited_by_one_service() -> None:
    writers = []
    for name, nodes in _modules():
        for node in nodes:
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "SHARED_DATA_READ"
                and name != "shareddata/audit.py"
            ):
                writers.append(f"{name}:{node.lineno}")
    assert writers == []


def test_the_snapshot_is_read_through_its_type_only() -> None:
    """``application.snapshot`` is read as ``application.frozen`` (a `Snapshot`), not by keys."""
    readers = []
    for name, nodes in _modules():
        if name == "applications/snapshot.py":
            continue
        for node in nodes:
            if (
                isinstance(node, ast.Attribute)
                and node.attr in {"get", "__getitem__"}
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "snapshot"
            ) or (
                isinstance(node, ast.Subscript)
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "snapshot"
            ):
                readers.append(f"{name}:{node.lineno}")
    assert readers == []
